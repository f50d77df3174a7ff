import Foundation
import SourceInventory
import TestSupport
import XCTest

/// OVF as vSphere deploys it: deployment options, `${property}` capacities, controllers of
/// every type and their derived keys, and the ambiguities that must be refused. Each
/// descriptor is written for the test, in the shape ovftool writes.
final class OVFDeploymentTests: XCTestCase {
    /// An Envelope with `disks` (`id`, `capacity`, units), an optional DeploymentOptionSection
    /// and ProductSection, and one VirtualSystem per entry of `systems` holding `items`.
    static func envelope(disks: [(id: String, capacity: String, units: String)], configurations: String = "",
                         systems: [(name: String, product: String, items: String)]) -> String {
        let diskLines = disks.map {
            #"<Disk ovf:diskId="\#($0.id)" ovf:capacity="\#($0.capacity)" ovf:capacityAllocationUnits="\#($0.units)" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>"#
        }.joined(separator: "\n    ")
        let systemText = systems.map { system in
            """
              <VirtualSystem ovf:id="\(system.name)">
                <Info>A virtual machine</Info>
                <Name>\(system.name)</Name>
                \(system.product)
                <VirtualHardwareSection>
                  <Info>Virtual hardware requirements</Info>
                  \(system.items)
                </VirtualHardwareSection>
              </VirtualSystem>
            """
        }.joined(separator: "\n")
        let wrapped = systems.count > 1 ? "<VirtualSystemCollection ovf:id=\"vapp\"><Info>vApp</Info>\n\(systemText)\n</VirtualSystemCollection>" : systemText
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
              <References/>
              <DiskSection>
                <Info>Virtual disk information</Info>
                \(diskLines)
              </DiskSection>
              \(configurations)
            \(wrapped)
            </Envelope>
            """
    }

    /// A controller Item.
    static func controller(_ id: Int, type: Int, subtype: String = "", address: Int?, name: String) -> String {
        """
        <Item><rasd:ElementName>\(name)</rasd:ElementName><rasd:InstanceID>\(id)</rasd:InstanceID>\
        \(address.map { "<rasd:Address>\($0)</rasd:Address>" } ?? "")\
        \(subtype.isEmpty ? "" : "<rasd:ResourceSubType>\(subtype)</rasd:ResourceSubType>")<rasd:ResourceType>\(type)</rasd:ResourceType></Item>
        """
    }

    /// A disk Item on controller `parent`, optionally only in `configuration`.
    static func disk(_ id: Int, disk: String, parent: Int, unit: Int?, name: String, configuration: String? = nil) -> String {
        """
        <Item\(configuration.map { " ovf:configuration=\"\($0)\"" } ?? "")><rasd:ElementName>\(name)</rasd:ElementName>\
        <rasd:HostResource>ovf:/disk/\(disk)</rasd:HostResource><rasd:InstanceID>\(id)</rasd:InstanceID>\
        \(unit.map { "<rasd:AddressOnParent>\($0)</rasd:AddressOnParent>" } ?? "")\
        <rasd:Parent>\(parent)</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
        """
    }

    static let options = """
        <DeploymentOptionSection><Info>sizes</Info>
          <Configuration ovf:id="small"><Label>Small</Label><Description>s</Description></Configuration>
          <Configuration ovf:id="large" ovf:default="true"><Label>Large</Label><Description>l</Description></Configuration>
        </DeploymentOptionSection>
        """

    static let product = """
        <ProductSection><Info>p</Info>
          <Property ovf:key="dataSize" ovf:type="int" ovf:value="10"><Value ovf:value="40" ovf:configuration="large"/></Property>
          <Property ovf:key="logSize" ovf:type="int" ovf:value=""/>
        </ProductSection>
        """

    func load(_ text: String, vm: String? = nil, configuration: String? = nil, properties: [(key: String, value: String)] = []) throws -> Inventory {
        let files = try ScratchFiles()
        return try InventoryLoader.load(path: try files.write("vm.ovf", text), vm: vm,
                                        options: InventoryOptions(ovfConfiguration: configuration, ovfProperties: properties))
    }

    func error(_ text: String, vm: String? = nil, configuration: String? = nil, properties: [(key: String, value: String)] = [],
               file: StaticString = #filePath, line: UInt = #line) throws -> InventoryError {
        let files = try ScratchFiles()
        return try XCTUnwrap(expectInventoryError(try files.write("vm.ovf", text), vm: vm,
                                                  options: InventoryOptions(ovfConfiguration: configuration, ovfProperties: properties),
                                                  file: file, line: line), file: file, line: line)
    }

    /// Default configuration, the chosen one, per-configuration property values and overrides.
    func testConfigurationsAndPropertyCapacities() throws {
        let items = [
            Self.controller(3, type: 6, subtype: "lsilogic", address: 0, name: "SCSI Controller 0"),
            Self.disk(4, disk: "system", parent: 3, unit: 0, name: "Harddisk 1"),
            Self.disk(5, disk: "data", parent: 3, unit: 1, name: "Harddisk data"),
            Self.disk(6, disk: "small-extra", parent: 3, unit: 2, name: "Harddisk extra", configuration: "small"),
            Self.disk(6, disk: "large-extra", parent: 3, unit: 2, name: "Harddisk extra", configuration: "large"),
        ].joined(separator: "\n")
        let text = Self.envelope(disks: [("system", "8", "byte * 2^30"), ("data", "${dataSize}", "byte * 2^30"),
                                         ("small-extra", "1024", "byte * 2^20"), ("large-extra", "5", "byte * 2^30")],
                                 configurations: Self.options, systems: [("app", Self.product, items)])
        let GiB: UInt64 = 1 << 30
        let byDefault = try load(text)
        XCTAssertEqual(byDefault.vm.ovfConfiguration, "large", "ovf:default=\"true\" wins over the first")
        XCTAssertEqual(byDefault.disks.map(\.capacityBytes), [8 * GiB, 40 * GiB, 5 * GiB], "the large Value of dataSize")
        XCTAssertEqual(byDefault.disks.map(\.key), ["2000", "2001", "2002"])
        XCTAssertEqual(byDefault.disks.map(\.elementName), ["Harddisk 1", "Harddisk data", "Harddisk extra"])
        let small = try load(text, configuration: "small")
        XCTAssertEqual(small.vm.ovfConfiguration, "small")
        XCTAssertEqual(small.disks.map(\.capacityBytes), [8 * GiB, 10 * GiB, 1 * GiB], "dataSize's default; small's own extra disk")
        let given = try load(text, configuration: "small", properties: [("dataSize", "25")])
        XCTAssertEqual(given.disks.map(\.capacityBytes), [8 * GiB, 25 * GiB, 1 * GiB])

        let unknown = try error(text, configuration: "medium")
        XCTAssertEqual(unknown.message, "no configuration 'medium'; the valid ones are 'small', 'large'")
        let badProperty = try error(text, properties: [("dataSzie", "1")])
        XCTAssertTrue(badProperty.message.hasPrefix("--ovf-property dataSzie: the VM has no such ProductSection property; its properties are dataSize, logSize"),
                      badProperty.description)
        let notNumber = try error(text, properties: [("dataSize", "lots")])
        XCTAssertTrue(notNumber.description.contains("'${dataSize}' = 'lots'"), notNumber.description)
        XCTAssertTrue(notNumber.message.contains("is not a whole number"), notNumber.description)

        // A capacity naming a property without a default, or no property at all.
        let noDefault = text.replacingOccurrences(of: "\"${dataSize}\"", with: "\"${logSize}\"")
        XCTAssertEqual(try error(noDefault).message,
                       "'${logSize}': property logSize (Envelope/VirtualSystem[0]/ProductSection[0]/Property[1]) has no default value; give one with --ovf-property logSize=VALUE")
        XCTAssertEqual(try load(noDefault, properties: [("logSize", "3")]).disks[1].capacityBytes, 3 * GiB)
        let undefined = text.replacingOccurrences(of: "\"${dataSize}\"", with: "\"${nowhere}\"")
        XCTAssertEqual(try error(undefined).message,
                       "'${nowhere}' refers to property nowhere, which no ProductSection of this VM defines; give it with --ovf-property nowhere=VALUE")

        // Without a DeploymentOptionSection there is one configuration and nothing to choose.
        let plain = text.replacingOccurrences(of: Self.options, with: "")
        XCTAssertEqual(try error(plain, configuration: "small").message,
                       "--ovf-configuration small: this OVF has no DeploymentOptionSection, so it has a single configuration")
    }

    /// Two disks on one slot, or two Items with one InstanceID, in the configuration read:
    /// refused, naming both Items. The same slot in two different configurations is normal.
    func testAmbiguousItemsAreRefused() throws {
        let controller = Self.controller(3, type: 6, subtype: "lsilogic", address: 0, name: "SCSI Controller 0")
        let disks: [(id: String, capacity: String, units: String)] = [("a", "1", "byte * 2^30"), ("b", "2", "byte * 2^30")]
        let slot = Self.envelope(disks: disks, systems: [("app", "", controller + Self.disk(4, disk: "a", parent: 3, unit: 1, name: "Harddisk a")
                                                            + Self.disk(5, disk: "b", parent: 3, unit: 1, name: "Harddisk b"))])
        let slotError = try error(slot)
        XCTAssertEqual(slotError.message,
                       "two disks on one controller slot scsi0:1: Envelope/VirtualSystem[0]/VirtualHardwareSection[0]/Item[1] (InstanceID 4, 'Harddisk a') and Envelope/VirtualSystem[0]/VirtualHardwareSection[0]/Item[2] (InstanceID 5, 'Harddisk b')")
        let instance = Self.envelope(disks: disks, systems: [("app", "", controller + Self.disk(4, disk: "a", parent: 3, unit: 0, name: "Harddisk a")
                                                                + Self.disk(4, disk: "b", parent: 3, unit: 1, name: "Harddisk b"))])
        let instanceError = try error(instance)
        XCTAssertEqual(instanceError.field, "Envelope/VirtualSystem[0]/VirtualHardwareSection[0]/Item[2]/InstanceID")
        XCTAssertTrue(instanceError.message.hasPrefix("two Items share InstanceID 4: "), instanceError.description)
        XCTAssertTrue(instanceError.message.contains("'Harddisk a'") && instanceError.message.contains("'Harddisk b'"), instanceError.description)
        // One slot per configuration: fine.
        let perConfiguration = Self.envelope(disks: disks, configurations: Self.options, systems: [(
            "app", "", controller + Self.disk(4, disk: "a", parent: 3, unit: 1, name: "Harddisk a", configuration: "small")
                + Self.disk(4, disk: "b", parent: 3, unit: 1, name: "Harddisk b", configuration: "large"))])
        XCTAssertEqual(try load(perConfiguration).disks.map(\.capacityBytes), [2 << 30])
        XCTAssertEqual(try load(perConfiguration, configuration: "small").disks.map(\.capacityBytes), [1 << 30])
    }

    /// IDE, SATA (AHCI) and NVMe controllers, buses by Address or by order, units by
    /// AddressOnParent or the lowest free one (never SCSI unit 7): vSphere's keys.
    func testKeysForEveryControllerType() throws {
        let items = [
            Self.controller(1, type: 6, subtype: "VirtualSCSI", address: 1, name: "SCSI Controller 1"),
            Self.controller(2, type: 5, address: 1, name: "IDE 1"),
            Self.controller(3, type: 20, subtype: "vmware.sata.ahci", address: nil, name: "SATA Controller 0"),
            Self.controller(4, type: 20, subtype: "vmware.nvme.controller", address: 1, name: "NVMe Controller 1"),
            Self.controller(5, type: 6, subtype: "lsilogic", address: nil, name: "SCSI Controller 0"),
            Self.disk(10, disk: "d", parent: 1, unit: 3, name: "scsi1:3"),
            Self.disk(11, disk: "d", parent: 2, unit: 1, name: "ide1:1"),
            Self.disk(12, disk: "d", parent: 3, unit: 29, name: "sata0:29"),
            Self.disk(13, disk: "d", parent: 4, unit: 14, name: "nvme1:14"),
            Self.disk(14, disk: "d", parent: 5, unit: 6, name: "scsi0:6"),
            Self.disk(15, disk: "d", parent: 5, unit: nil, name: "scsi0:first free"),
            Self.disk(16, disk: "d", parent: 5, unit: nil, name: "scsi0:next free"),
        ].joined(separator: "\n")
        let inventory = try load(Self.envelope(disks: [("d", "1", "byte * 2^30")], systems: [("app", "", items)]))
        XCTAssertEqual(inventory.disks.map(\.key), ["2000", "2001", "2006", "2019", "3003", "16029", "32029"])
        XCTAssertEqual(inventory.disks.map(\.elementName),
                       ["scsi0:first free", "scsi0:next free", "scsi0:6", "scsi1:3", "ide1:1", "sata0:29", "nvme1:14"])
        XCTAssertEqual(inventory.disks.map(\.label), (1...7).map { "Hard disk \($0)" })
        XCTAssertEqual(inventory.disks.map(\.controller), ["SCSI controller 0", "SCSI controller 0", "SCSI controller 0", "SCSI controller 1",
                                                          "IDE 1", "SATA controller 0", "NVME controller 1"])
        XCTAssertTrue(inventory.disks.allSatisfy(\.keyDerived))

        // SCSI units 7 and 16+ have no documented key: refused, not guessed.
        for unit in [7, 20] {
            let bad = Self.envelope(disks: [("d", "1", "byte * 2^30")], systems: [("app", "", Self.controller(1, type: 6, address: 0, name: "SCSI 0")
                                                                                    + Self.disk(2, disk: "d", parent: 1, unit: unit, name: "odd"))])
            let failure = try error(bad)
            XCTAssertTrue(failure.message.hasPrefix("scsi0:\(unit): unit \(unit) has no documented vSphere disk key"), failure.description)
        }
        let unknownController = Self.envelope(disks: [("d", "1", "byte * 2^30")], systems: [("app", "", Self.controller(1, type: 20, subtype: "floppy", address: 0, name: "X")
                                                                                             + Self.disk(2, disk: "d", parent: 1, unit: 0, name: "odd"))])
        XCTAssertTrue(try error(unknownController).message.contains("storage controller subtype 'floppy' is not SATA (AHCI) or NVMe"))
    }

    /// Hardware described once per platform: the vSphere ("vmx-NN") section is the one deployed.
    func testTheVSphereHardwareSectionIsRead() throws {
        let controller = Self.controller(3, type: 6, address: 0, name: "SCSI Controller 0")
        let vbox = "<System><vssd:VirtualSystemType xmlns:vssd=\"x\">virtualbox-2.2</vssd:VirtualSystemType></System>" + controller
            + Self.disk(4, disk: "a", parent: 3, unit: 0, name: "vbox disk")
        let vmx = "<System><vssd:VirtualSystemType xmlns:vssd=\"x\">vmx-13 vmx-19</vssd:VirtualSystemType></System>" + controller
            + Self.disk(4, disk: "a", parent: 3, unit: 0, name: "a") + Self.disk(5, disk: "b", parent: 3, unit: 1, name: "b")
        var text = Self.envelope(disks: [("a", "1", "byte * 2^30"), ("b", "2", "byte * 2^30")], systems: [("app", "", vbox)])
        text = text.replacingOccurrences(of: "</VirtualHardwareSection>", with: "</VirtualHardwareSection><VirtualHardwareSection><Info>vSphere</Info>\(vmx)</VirtualHardwareSection>")
        XCTAssertEqual(try load(text).disks.map(\.capacityBytes), [1 << 30, 2 << 30])
    }

    /// Only the chosen VM's disks are parsed: another VM's unresolvable capacity does not matter.
    func testOnlyTheChosenVMsDisksAreParsed() throws {
        let controller = Self.controller(3, type: 6, address: 0, name: "SCSI Controller 0")
        let text = Self.envelope(disks: [("a", "3", "byte * 2^30"), ("b", "${unset}", "byte * 2^30")],
                                 systems: [("first", "", controller + Self.disk(4, disk: "a", parent: 3, unit: 0, name: "a")),
                                           ("second", "", controller + Self.disk(4, disk: "b", parent: 3, unit: 0, name: "b"))])
        XCTAssertEqual(try load(text, vm: "first").disks.map(\.capacityBytes), [3 << 30])
        // A VirtualSystem is also found by its ovf:id when no Name matches.
        let byID = text.replacingOccurrences(of: "<Name>first</Name>", with: "<Name>First appliance</Name>")
        XCTAssertEqual(try load(byID, vm: "first").vm.name, "First appliance")
        let second = try error(text, vm: "second")
        XCTAssertEqual(second.field, "Envelope/DiskSection[0]/Disk[1]@ovf:capacity")
        XCTAssertTrue(second.message.contains("refers to property unset"), second.description)
    }

    /// The OVF options belong to OVF: given with another format they are an error, not ignored.
    func testOVFOptionsWithAnotherFormatAreAnError() throws {
        let error = try XCTUnwrap(expectInventoryError(Seed.path("govc-vm-info-0.32.json"), options: InventoryOptions(ovfConfiguration: "small")))
        XCTAssertEqual(error.message, "--ovf-configuration applies to OVF descriptors only, and this file is not XML")
        XCTAssertThrowsError(try InventoryOptions.parseProperties(["noequals"]))
        XCTAssertThrowsError(try InventoryOptions.parseProperties(["a=1", "a=2"]))
        XCTAssertEqual(try InventoryOptions.parseProperties(["a=b=c"]).map(\.value), ["b=c"])
    }

    /// An OVA is read for its .ovf descriptor (the first file, DSP0243), whatever the size of
    /// the disks after it; a misordered or damaged archive is refused saying what to do.
    func testOVAsAreReadForTheirDescriptor() throws {
        let files = try ScratchFiles()
        let directory = files.directory.path
        let descriptor = RealWorldCorpusTests.corpus.appendingPathComponent("ovf/nsx-unified-9.1.ovf")
        try FileManager.default.copyItem(at: descriptor, to: files.directory.appendingPathComponent("nsx.ovf"))
        _ = try files.write("nsx-disk1.vmdk", bytes: [UInt8](repeating: 0x5A, count: 1 << 20))
        for (archive, format, members) in [("nsx.ova", "ustar", ["nsx.ovf", "nsx-disk1.vmdk"]), ("pax.ova", "pax", ["nsx.ovf", "nsx-disk1.vmdk"]),
                                          ("wrong.ova", "ustar", ["nsx-disk1.vmdk", "nsx.ovf"])] {
            let result = try Tools.run("tar", ["--format=\(format)", "-C", directory, "-cf", "\(directory)/\(archive)"] + members)
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        // A 3 GiB appliance (sparse): only the headers and the descriptor are read.
        let ova = "\(directory)/nsx.ova"
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: ova))
        try handle.truncate(atOffset: 3 << 30)
        try handle.close()
        let start = Date()
        let inventory = try InventoryLoader.load(path: ova, vm: nil, options: InventoryOptions(ovfConfiguration: "xlarge"))
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        XCTAssertEqual(inventory.vm.format, "ovf")
        XCTAssertEqual(inventory.vm.ovfConfiguration, "xlarge")
        XCTAssertEqual(inventory.disks.map(\.key), ["2000", "2001", "2002"])
        XCTAssertEqual(try InventoryLoader.load(path: "\(directory)/pax.ova", vm: nil).disks.count, 2)

        let wrong = try XCTUnwrap(expectInventoryError("\(directory)/wrong.ova"))
        XCTAssertEqual(wrong.message, "an OVA (tar archive) whose first file is 'nsx-disk1.vmdk', not the .ovf descriptor that DSP0243 puts first; extract the .ovf (tar -xf FILE '*.ovf') and pass that")
        var damaged = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(directory)/pax.ova")))
        damaged[600] ^= 0xFF
        damaged[1] ^= 0x01
        let broken = try XCTUnwrap(expectInventoryError(try files.write("damaged.ova", bytes: damaged)))
        XCTAssertEqual(broken.message, "an OVA (tar archive) whose header at offset 0 is damaged (bad checksum)")
    }
}
