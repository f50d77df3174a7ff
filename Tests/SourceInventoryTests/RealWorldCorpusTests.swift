import Foundation
import SourceInventory
import TestSupport
import XCTest

/// Every file of `../shared/realworld-inventories/` (inventories nobody on this project wrote:
/// vendor appliance OVFs, vCenter and vCloud exports, REST answers, virt-v2v's VMX files) reads
/// as vSphere would show the VM after deploying it: each disk's key, "Hard disk N" label and
/// capacity in bytes, and nothing more. The expectations were written by reading each file
/// (DeploymentOptionSection, the Items of the chosen configuration, their Parent /
/// AddressOnParent and the DiskSection capacities). A file that cannot describe a VM's disks
/// gets its exact error.
final class RealWorldCorpusTests: XCTestCase {
    /// In CI the shared folder sits beside the clone, as it does beside each worktree here.
    static let corpus = Repository.root.deletingLastPathComponent().appendingPathComponent("shared/realworld-inventories")

    typealias Disk = (key: String, label: String, bytes: UInt64)

    enum Expected {
        /// VM name, `vm.format`, the OVF configuration read, the disks in order.
        case disks(vm: String, format: String, configuration: String?, [Disk])
        /// The error's format, field and message, exactly.
        case refused(format: String, field: String?, message: String)
        /// Not an inventory at all: tried as a YAML manifest, and the YAML reader's message
        /// (the same line and column Yams/LibYAML named) starts with `prefix`.
        case notAnInventory(prefix: String)
    }

    struct Case {
        var file: String
        var vm: String? = nil
        var configuration: String? = nil
        var properties: [(key: String, value: String)] = []
        var expected: Expected
    }

    static let GiB: UInt64 = 1 << 30
    static let MiB: UInt64 = 1 << 20

    /// vCenter Server Appliance 9.1, configuration "tiny" (ovf:default="true"): 15 disks on
    /// SCSI controller 0, unit 7 (the controller's) skipped, so "Harddisk seat" at unit 8 is 2008.
    static let vcsa91Tiny: [Disk] = [
        ("2000", "Hard disk 1", 49728 * MiB), ("2001", "Hard disk 2", 7779 * MiB), ("2002", "Hard disk 3", 25 * 1024 * MiB),
        ("2003", "Hard disk 4", 25600 * MiB), ("2004", "Hard disk 5", 51200 * MiB), ("2005", "Hard disk 6", 10240 * MiB),
        ("2006", "Hard disk 7", 15360 * MiB), ("2008", "Hard disk 8", 10240 * MiB), ("2009", "Hard disk 9", 1024 * MiB),
        ("2010", "Hard disk 10", 10240 * MiB), ("2011", "Hard disk 11", 10240 * MiB), ("2012", "Hard disk 12", 102400 * MiB),
        ("2013", "Hard disk 13", 51200 * MiB), ("2014", "Hard disk 14", 102400 * MiB), ("2015", "Hard disk 15", 153600 * MiB),
    ]

    /// The same appliance, configuration "xlarge".
    static let vcsa91XLarge: [Disk] = [
        ("2000", "Hard disk 1", 49728 * MiB), ("2001", "Hard disk 2", 7779 * MiB), ("2002", "Hard disk 3", 51200 * MiB),
        ("2003", "Hard disk 4", 102400 * MiB), ("2004", "Hard disk 5", 51200 * MiB), ("2005", "Hard disk 6", 51200 * MiB),
        ("2006", "Hard disk 7", 25600 * MiB), ("2008", "Hard disk 8", 512000 * MiB), ("2009", "Hard disk 9", 10240 * MiB),
        ("2010", "Hard disk 10", 25600 * MiB), ("2011", "Hard disk 11", 25600 * MiB), ("2012", "Hard disk 12", 102400 * MiB),
        ("2013", "Hard disk 13", 204800 * MiB), ("2014", "Hard disk 14", 102400 * MiB), ("2015", "Hard disk 15", 512000 * MiB),
    ]

    /// vCenter Server Appliance 6.5, "tiny" (ovf:default="true"), 13 disks.
    static let vcsa65Tiny: [Disk] = [
        ("2000", "Hard disk 1", 12288 * MiB), ("2001", "Hard disk 2", 1934 * MiB), ("2002", "Hard disk 3", 25600 * MiB),
        ("2003", "Hard disk 4", 25600 * MiB), ("2004", "Hard disk 5", 10240 * MiB), ("2005", "Hard disk 6", 10240 * MiB),
        ("2006", "Hard disk 7", 15360 * MiB), ("2008", "Hard disk 8", 10240 * MiB), ("2009", "Hard disk 9", 1024 * MiB),
        ("2010", "Hard disk 10", 10240 * MiB), ("2011", "Hard disk 11", 10240 * MiB), ("2012", "Hard disk 12", 5120 * MiB),
        ("2013", "Hard disk 13", 10240 * MiB),
    ]

    /// The three nested ESXi VMs each use three of the DiskSection's `${…}` capacities, whose
    /// defaults are 2, 4 and 8 (GiB units).
    static let nestedESXi: [Disk] = [("2000", "Hard disk 1", 2 * GiB), ("2001", "Hard disk 2", 4 * GiB), ("2002", "Hard disk 3", 8 * GiB)]

    static let cases: [Case] = [
        Case(file: "README.md", expected: .notAnInventory(prefix: "invalid YAML: line 4, column 32: mapping values are not allowed in this context")),
        Case(file: "ovf/vcsa-9.1-tiny-default.ovf", expected: .disks(vm: "VMware-vCenter-Server-Appliance", format: "ovf", configuration: "tiny", vcsa91Tiny)),
        Case(file: "ovf/vcsa-9.1-tiny-default.ovf", configuration: "xlarge",
             expected: .disks(vm: "VMware-vCenter-Server-Appliance", format: "ovf", configuration: "xlarge", vcsa91XLarge)),
        Case(file: "ovf/vcsa-6.5.ovf", expected: .disks(vm: "VMware_vCenter_Server_Appliance", format: "ovf", configuration: "tiny", vcsa65Tiny)),
        // NSX: "medium" is the default; the third disk exists only in "xlarge".
        Case(file: "ovf/nsx-unified-9.1.ovf", expected: .disks(vm: "nsx-unified-appliance", format: "ovf", configuration: "medium", [
            ("2000", "Hard disk 1", 200 * GiB), ("2001", "Hard disk 2", 102400 * MiB)])),
        Case(file: "ovf/nsx-unified-9.1.ovf", configuration: "xlarge",
             expected: .disks(vm: "nsx-unified-appliance", format: "ovf", configuration: "xlarge", [
                ("2000", "Hard disk 1", 200 * GiB), ("2001", "Hard disk 2", 102400 * MiB), ("2002", "Hard disk 3", 102400 * MiB)])),
        // No ovf:default: the first configuration, "smallcp"; the "unified" disk only in the unified ones.
        Case(file: "ovf/ops-cloud-proxy-9.1.ovf", expected: .disks(vm: "VMware_Aria_Operations_Cloud_Proxy", format: "ovf", configuration: "smallcp", [
            ("2000", "Hard disk 1", 20480 * MiB), ("2001", "Hard disk 2", 122880 * MiB), ("2002", "Hard disk 3", 4096 * MiB)])),
        Case(file: "ovf/ops-cloud-proxy-9.1.ovf", configuration: "standardunifiedcp",
             expected: .disks(vm: "VMware_Aria_Operations_Cloud_Proxy", format: "ovf", configuration: "standardunifiedcp", [
                ("2000", "Hard disk 1", 20480 * MiB), ("2001", "Hard disk 2", 122880 * MiB), ("2002", "Hard disk 3", 4096 * MiB),
                ("2004", "Hard disk 4", 122880 * MiB)])),  // "Harddisk 4" is at unit 4
        Case(file: "ovf/ops-appliance-9.1.ovf", expected: .disks(vm: "vRealize_Operations_Appliance", format: "ovf", configuration: "small", [
            ("2000", "Hard disk 1", 20480 * MiB), ("2001", "Hard disk 2", 256000 * MiB), ("2002", "Hard disk 3", 4096 * MiB)])),
        Case(file: "ovf/orchestrator-9.1-mixed-units.ovf", expected: .disks(vm: "VMware VCF Operations orchestrator", format: "ovf", configuration: nil, [
            ("2000", "Hard disk 1", 53_687_091_200), ("2001", "Hard disk 2", 8_589_934_592), ("2002", "Hard disk 3", 21_474_836_480),
            ("2003", "Hard disk 4", 110592 * MiB)])),
        Case(file: "ovf/vcf-license-server-9.1.ovf", expected: .disks(vm: "VCF License Server Appliance", format: "ovf", configuration: nil, [
            ("2000", "Hard disk 1", 4 * GiB), ("2001", "Hard disk 2", 4 * GiB), ("2002", "Hard disk 3", 4 * GiB)])),
        Case(file: "ovf/ubuntu-24.10-cloudimg.ovf", expected: .disks(vm: "ubuntu-oracular-24.10-cloudimg-20241109", format: "ovf", configuration: nil, [
            ("2000", "Hard disk 1", 10_737_418_240)])),
        Case(file: "ovf/nested-esxi-vsan-3vm.ovf", expected: .refused(
            format: "OVF descriptor", field: "Envelope/VirtualSystem",
            message: "the file describes 3 VMs ('VSAN-Nested-ESXi-2', 'VSAN-Nested-ESXi-3', 'VSAN-Nested-ESXi-1'); choose one with --vm NAME")),
        Case(file: "ovf/nested-esxi-vsan-3vm.ovf", vm: "VSAN-Nested-ESXi-1",
             expected: .disks(vm: "VSAN-Nested-ESXi-1", format: "ovf", configuration: nil, nestedESXi)),
        Case(file: "ovf/nested-esxi-vsan-3vm.ovf", vm: "VSAN-Nested-ESXi-2",
             expected: .disks(vm: "VSAN-Nested-ESXi-2", format: "ovf", configuration: nil, nestedESXi)),
        Case(file: "ovf/nested-esxi-vsan-3vm.ovf", vm: "VSAN-Nested-ESXi-3",
             expected: .disks(vm: "VSAN-Nested-ESXi-3", format: "ovf", configuration: nil, nestedESXi)),
        // VSAN-Nested-ESXi-1's Items name vmdisk7-9, whose capacities are ${esxi3-…}.
        Case(file: "ovf/nested-esxi-vsan-3vm.ovf", vm: "VSAN-Nested-ESXi-1", properties: [("esxi3-OSDiskSize", "20"), ("esxi1-OSDiskSize", "99")],
             expected: .disks(vm: "VSAN-Nested-ESXi-1", format: "ovf", configuration: nil, [
                ("2000", "Hard disk 1", 20 * GiB), ("2001", "Hard disk 2", 4 * GiB), ("2002", "Hard disk 3", 8 * GiB)])),
        Case(file: "ovf/vcloud-director-vapp-2vm.ovf", vm: "s-xp", expected: .disks(vm: "s-xp", format: "ovf", configuration: nil, [
            ("2000", "Hard disk 1", 1536 * MiB), ("2001", "Hard disk 2", 2 * GiB)])),
        Case(file: "ovf/vcloud-director-vapp-2vm.ovf", vm: "vCD_scratch_vm", expected: .disks(vm: "vCD_scratch_vm", format: "ovf", configuration: nil, [
            ("2000", "Hard disk 1", 2 * GiB)])),
        // VirtualBox: the only IDE controller has Address 1 (IDE 1, master: 3002); the SATA disk is port 1.
        Case(file: "ovf/virtualbox-ide-sata.ovf", expected: .disks(vm: "vbox5", format: "ovf", configuration: nil, [
            ("3002", "Hard disk 1", 4_194_304), ("16001", "Hard disk 2", 10_737_418_240)])),
        Case(file: "ovf/vcenter55-export-two-disks.ovf", expected: .disks(vm: "2K8R2EESP1_2_Medium", format: "ovf", configuration: nil, [
            ("2000", "Hard disk 1", 50 * GiB), ("2001", "Hard disk 2", 450 * GiB)])),
        Case(file: "ovf/zimbra-6.0.6.ovf", expected: .disks(vm: "Zimbra_Appliance_6.0.6", format: "ovf", configuration: nil, [
            ("2000", "Hard disk 1", 6144 * MiB), ("2001", "Hard disk 2", 12288 * MiB)])),
        Case(file: "ovf/xp-mixed-units-3disk.ovf", expected: .disks(vm: "xp_deltaDisk", format: "ovf", configuration: nil, [
            ("2000", "Hard disk 1", 1536 * MiB), ("2001", "Hard disk 2", 2 * GiB), ("2002", "Hard disk 3", 1 * GiB)])),
        // OVF 0.9 (VMware's namespace, Section xsi:type=…): read, bytes without units.
        Case(file: "ovf/vmware-studio-ovf-0.9.ovf", expected: .disks(vm: "ubuntu-name", format: "ovf", configuration: nil, [
            ("2000", "Hard disk 1", 2_147_483_648), ("2001", "Hard disk 2", 2_147_483_648)])),
        Case(file: "rest-legacy/php-readme-2disk-pvscsi.json", expected: .disks(vm: "Teste_vm1", format: "vsphere-rest-legacy", configuration: nil, [
            ("2000", "Hard disk 1", 100 * GiB), ("2001", "Hard disk 2", 200 * GiB)])),
        Case(file: "rest-legacy/ansible-vmware_rest-legacy-wrapped.json", expected: .disks(vm: "test_vm1", format: "vsphere-rest-legacy", configuration: nil, [
            ("2000", "Hard disk 1", 16 * GiB)])),
        Case(file: "rest-api/ansible-vmware_rest-api-wrapped.json", expected: .disks(vm: "test_vm1", format: "vsphere-rest-api", configuration: nil, [
            ("2000", "Hard disk 1", 16 * GiB)])),
        Case(file: "rest-api/nsx-manager-2disk.json", expected: .disks(vm: "NSX-Manager-1", format: "vsphere-rest-api", configuration: nil, [
            ("2000", "Hard disk 1", 200 * GiB), ("2001", "Hard disk 2", 100 * GiB)])),
        // The JavaScript module the JSON was converted from.
        Case(file: "rest-api/nsx-manager-2disk.original.js",
             expected: .notAnInventory(prefix: "invalid YAML: line 2, column 23: mapping values are not allowed in this context")),
        // vSphere 8's VI/JSON VirtualMachineConfigInfo.
        Case(file: "probe/vsphere-jsonapi-configinfo.json", expected: .disks(vm: "test", format: "vsphere-vi-json", configuration: nil, [
            ("2000", "Hard disk 1", 4 * GiB)])),
        // The VMX files were published without their VMDK descriptors, which hold the capacities
        // (their keys are checked in testVMXKeysWithTheirDescriptors).
        Case(file: "vmx/bz1308535-21disks.vmx", expected: .refused(
            format: "VMX with VMDK descriptors", field: "scsi0:0.fileName",
            message: "the VMDK descriptor \(corpus.path)/vmx/BZ1308535_21disks.vmdk: cannot open: No such file or directory")),
        Case(file: "vmx/win2019-scsi-sata.vmx", expected: .refused(
            format: "VMX with VMDK descriptors", field: "scsi0:0.fileName",
            message: "the VMDK descriptor \(corpus.path)/vmx/win2019.vmdk: cannot open: No such file or directory")),
        Case(file: "vmx/rhel86-nvme.vmx", expected: .refused(
            format: "VMX with VMDK descriptors", field: "nvme0:0.fileName",
            message: "the VMDK descriptor \(corpus.path)/vmx/nvme-disk.vmdk: cannot open: No such file or directory")),
    ]

    /// Every file in the folder, relative to it.
    static func corpusFiles() throws -> [String] {
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(at: corpus, includingPropertiesForKeys: [.isRegularFileKey]))
        var files: [String] = []
        for case let url as URL in enumerator where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            files.append(String(url.standardizedFileURL.path.dropFirst(corpus.standardizedFileURL.path.count + 1)))
        }
        return files.sorted()
    }

    func testEveryFileReadsAsVSphereWouldShowIt() throws {
        let files = try Self.corpusFiles()
        XCTAssertGreaterThanOrEqual(files.count, 24, "the corpus is at \(Self.corpus.path)")
        XCTAssertEqual(Set(files), Set(Self.cases.map(\.file)), "every file has an expectation, and every expectation a file")
        for test in Self.cases {
            let path = Self.corpus.appendingPathComponent(test.file).path
            let options = InventoryOptions(ovfConfiguration: test.configuration, ovfProperties: test.properties)
            let context = "\(test.file) vm=\(test.vm ?? "-") configuration=\(test.configuration ?? "-")"
            switch test.expected {
            case .disks(let vm, let format, let configuration, let disks):
                let inventory: Inventory
                do {
                    inventory = try InventoryLoader.load(path: path, vm: test.vm, options: options)
                } catch {
                    XCTFail("\(context): \(error)")
                    continue
                }
                XCTAssertEqual(inventory.vm.name, vm, context)
                XCTAssertEqual(inventory.vm.format, format, context)
                XCTAssertEqual(inventory.vm.ovfConfiguration, configuration, context)
                XCTAssertEqual(inventory.disks.count, disks.count, context)
                XCTAssertEqual(inventory.disks.map(\.key), disks.map(\.key), context)
                XCTAssertEqual(inventory.disks.map(\.label), disks.map(\.label), context)
                XCTAssertEqual(inventory.disks.map(\.capacityBytes), disks.map(\.bytes), context)
                // Keys are derived exactly where the file has none.
                XCTAssertEqual(Set(inventory.disks.map(\.keyDerived)), [format == "ovf" || format == "vmx"], context)
            case .refused(let format, let field, let message):
                do {
                    let inventory = try InventoryLoader.load(path: path, vm: test.vm, options: options)
                    XCTFail("\(context): expected an error, read \(inventory.disks.count) disks")
                } catch {
                    XCTAssertEqual(error.file, path, context)
                    XCTAssertEqual(error.format, format, context)
                    XCTAssertEqual(error.field, field, context)
                    XCTAssertEqual(error.message, message, context)
                }
            case .notAnInventory(let prefix):
                do {
                    let inventory = try InventoryLoader.load(path: path, vm: test.vm, options: options)
                    XCTFail("\(context): expected an error, read \(inventory.disks.count) disks")
                } catch {
                    XCTAssertEqual(error.format, "replica-audit manifest (YAML)", context)
                    XCTAssertNil(error.field, context)
                    XCTAssertTrue(error.message.hasPrefix(prefix), "\(context): \(error.message)")
                }
            }
        }
    }

    /// Every deployment option of every appliance reads, and has the disks its own Items
    /// give it — never the 210 disks of all configurations at once.
    func testEveryDeploymentOptionOfTheAppliancesReads() throws {
        let counts: [(file: String, configurations: [String], disks: Int)] = [
            ("ovf/vcsa-9.1-tiny-default.ovf", ["internal-minimal", "tiny", "small", "medium", "large", "xlarge", "tiny-lstorage", "small-lstorage",
                                               "medium-lstorage", "large-lstorage", "xlarge-lstorage", "tiny-xlstorage", "small-xlstorage",
                                               "medium-xlstorage", "large-xlstorage", "xlarge-xlstorage"], 15),
            ("ovf/vcsa-6.5.ovf", ["tiny", "small", "medium", "large", "xlarge", "management-tiny", "management-xlarge-xlstorage", "infrastructure"], 13),
            ("ovf/nsx-unified-9.1.ovf", ["small", "medium", "large"], 2),
            ("ovf/nsx-unified-9.1.ovf", ["xlarge"], 3),
            ("ovf/ops-cloud-proxy-9.1.ovf", ["smallcp", "standardcp"], 3),
            ("ovf/ops-cloud-proxy-9.1.ovf", ["smallunifiedcp", "standardunifiedcp"], 4),
            ("ovf/ops-appliance-9.1.ovf", ["small", "medium", "large", "witness", "xsmall", "xlarge"], 3),
        ]
        for (file, configurations, expected) in counts {
            for configuration in configurations {
                let inventory = try InventoryLoader.load(path: Self.corpus.appendingPathComponent(file).path, vm: nil,
                                                         options: InventoryOptions(ovfConfiguration: configuration))
                XCTAssertEqual(inventory.vm.ovfConfiguration, configuration, file)
                XCTAssertEqual(inventory.disks.count, expected, "\(file) \(configuration)")
                XCTAssertEqual(inventory.disks.map(\.label), (1...expected).map { "Hard disk \($0)" }, "\(file) \(configuration)")
            }
        }
        let error = try XCTUnwrap(expectInventoryError(Self.corpus.appendingPathComponent("ovf/nsx-unified-9.1.ovf").path,
                                                       options: InventoryOptions(ovfConfiguration: "huge")))
        XCTAssertEqual(error.field, "Envelope/DeploymentOptionSection[0]")
        XCTAssertEqual(error.message, "no configuration 'huge'; the valid ones are 'small', 'medium', 'large', 'xlarge'")
    }

    /// The VMX files with descriptors written at test time next to a copy: keys as vSphere
    /// gives them (SCSI 2000 + 16 × bus + unit, SATA 16000 + …, NVMe 32000 + …), CD-ROMs and ISOs left out.
    func testVMXKeysWithTheirDescriptors() throws {
        let expected: [(file: String, keys: [String])] = [
            ("vmx/bz1308535-21disks.vmx", (0...6).map { String(2000 + $0) } + (8...15).map { String(2000 + $0) } + (0...5).map { String(2016 + $0) }),
            ("vmx/win2019-scsi-sata.vmx", ["2000", "16003"]),
            ("vmx/rhel86-nvme.vmx", ["32000"]),
        ]
        for (file, keys) in expected {
            let files = try ScratchFiles()
            let text = try String(contentsOf: Self.corpus.appendingPathComponent(file), encoding: .utf8)
            let vmx = try files.write(URL(fileURLWithPath: file).lastPathComponent, text)
            var sectors: [String: UInt64] = [:]
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, parts[0].lowercased().hasSuffix(".filename"), parts[1].hasSuffix(".vmdk\"") else { continue }
                let name = String(parts[1].dropFirst().dropLast())
                let size = UInt64(sectors.count + 1) * 2048
                sectors[name] = size
                _ = try files.write(name, "# Disk DescriptorFile\ncreateType=\"vmfs\"\nRW \(size) VMFS \"\(name.replacingOccurrences(of: ".vmdk", with: "-flat.vmdk"))\"\n")
            }
            let inventory = try InventoryLoader.load(path: vmx, vm: nil)
            XCTAssertEqual(inventory.disks.map(\.key), keys, file)
            XCTAssertEqual(inventory.disks.map(\.label), (1...keys.count).map { "Hard disk \($0)" }, file)
            XCTAssertTrue(inventory.disks.allSatisfy(\.keyDerived), file)
            XCTAssertEqual(inventory.disks.map { $0.capacityBytes / 512 }, inventory.disks.map { sectors[$0.backingFile ?? ""] ?? 0 }, file)
        }
    }
}
