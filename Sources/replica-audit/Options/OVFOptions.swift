import ArgumentParser
import SourceInventory

/// `--ovf-configuration NAME` and `--ovf-property KEY=VALUE`: how an OVF descriptor is read
/// (README, "Inventories"). Shared by every command that takes an inventory.
struct OVFOptions: ParsableArguments {
    @Option(name: .customLong("ovf-configuration"), help: ArgumentHelp(
        "OVF only: the deployment option (DeploymentOptionSection Configuration id) to read.",
        discussion: "Without it, the configuration marked ovf:default=\"true\" is read, else the first one. "
            + "Only the disk Items of that configuration are disks; an unknown name is an error listing the valid ones.",
        valueName: "NAME"))
    var ovfConfiguration: String?

    @Option(name: .customLong("ovf-property"), help: ArgumentHelp(
        "OVF only: a ProductSection property value used where a disk capacity is ${KEY}; repeatable.",
        discussion: "Replaces the property's default (and its per-configuration Value) the way the value entered at deployment does.",
        valueName: "KEY=VALUE"))
    var ovfProperties: [String] = []

    /// The options, or the parse error and exit 2.
    func inventoryOptions() throws -> InventoryOptions {
        do {
            return InventoryOptions(ovfConfiguration: ovfConfiguration,
                                    ovfProperties: try InventoryOptions.parseProperties(ovfProperties))
        } catch {
            printError("replica-audit: \(error)")
            throw ExitCode(2)
        }
    }
}
