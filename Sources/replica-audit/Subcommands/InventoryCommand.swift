import ArgumentParser
import AuditCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SourceInventory

/// `replica-audit inventory FILE [--vm NAME] [--format text|json]`: prints what was understood
/// from a source inventory. A file that cannot be read gives one line on stderr and exit 2.
struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Print what was understood from a source inventory file.",
        discussion: """
            Formats, detected by content: govc vm.info -json (both encodings), govc device.info -json, \
            vSphere REST /api and /rest (also in Ansible vmware_rest's wrapper), vSphere 8 VI/JSON \
            VirtualMachineConfigInfo, OVF (1.x and VMware's 0.9), VMX with its VMDK descriptors, the \
            replica-audit manifest (JSON or YAML). Exit 0 when read, 2 when the file cannot be read.

            OVF: the disks are those of one deployment option — the configuration marked \
            ovf:default="true", else the first, or the one named by --ovf-configuration — and a \
            capacity written as ${KEY} takes the ProductSection property's default, its Value for \
            that configuration, or --ovf-property KEY=VALUE. The configuration read is printed \
            (text) and given as vm.ovfConfiguration (JSON).

            Derived keys: OVF and VMX files carry no device keys. replica-audit derives them from \
            each disk's controller type, bus and unit as vSphere numbers disks (SCSI 2000 + 16 x bus \
            + unit, IDE 3000 + 2 x bus + unit, SATA 16000 + 30 x bus + unit, NVMe 32000 + 15 x bus + \
            unit), labels the disks "Hard disk N" in key order as vSphere does after import, and \
            marks them "key derived" (JSON: keyDerived true; the OVF's own name is elementName). \
            Check derived keys against the live VM before mapping targets by key.

            RDM (physical or virtual compatibility), raw-device, independent and non-persistent \
            disks are marked (JSON: backingKind, diskMode): an image copy usually does not carry them.
            """)

    /// The examples that end this command's help page.
    static let examples = [
        "govc vm.info -json pgtest1 > inv.json && replica-audit inventory inv.json",
    ]

    @Argument(help: "The inventory file.")
    var file: String

    @Option(help: "The VM to read, when the file describes several.")
    var vm: String?

    @OptionGroup var ovf: OVFOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let options = try ovf.inventoryOptions()
        let inventory: Inventory
        do {
            inventory = try InventoryLoader.load(path: file, vm: vm, options: options)
        } catch {
            printError("replica-audit inventory: \(error.description)")
            throw ExitCode(2)
        }
        switch format {
        case .text:
            print(InventoryText.render(inventory, file: file))
        case .json:
            print(String(decoding: try JSONOutput.encode(inventory), as: UTF8.self))
        }
    }
}
