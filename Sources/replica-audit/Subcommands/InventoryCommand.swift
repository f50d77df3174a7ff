import ArgumentParser
import Foundation
import SourceInventory

/// `replica-audit inventory FILE [--vm NAME] [--format text|json]`: prints what was understood
/// from a source inventory. A file that cannot be read gives one line on stderr and exit 2.
struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Print what was understood from a source inventory file.",
        discussion: """
            Formats, detected by content: govc vm.info -json (both encodings), govc device.info -json, \
            vSphere REST /api and /rest, OVF, VMX with its VMDK descriptors, the replica-audit manifest \
            (JSON or YAML). Exit 0 when read, 2 when the file cannot be read.
            """)

    /// The examples that end this command's help page.
    static let examples = [
        "govc vm.info -json pgtest1 > inv.json && replica-audit inventory inv.json",
    ]

    @Argument(help: "The inventory file.")
    var file: String

    @Option(help: "The VM to read, when the file describes several.")
    var vm: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let inventory: Inventory
        do {
            inventory = try InventoryLoader.load(path: file, vm: vm)
        } catch {
            printError("replica-audit inventory: \(error.description)")
            throw ExitCode(2)
        }
        switch format {
        case .text:
            print(InventoryText.render(inventory, file: file))
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(inventory)
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
