import AuditCore
import SourceInventory

/// What the verdict rests on that the inventory file did not say outright (README,
/// "Inventories"; docs/INVENTORIES.md), recorded in the report as info findings about the VM:
///
/// - `ovf-configuration-assumed`: an OVF offers several deployment options and the default was
///   read because `--ovf-configuration` was not given;
/// - `disk-keys-derived`: the disk keys were derived from controller type, bus and unit (OVF,
///   VMX), so a mapping by the live VM's keys relies on vSphere having numbered them that way.
public enum InventoryAssumptionsRule {
    /// At most one finding of each code.
    public static func findings(inventory: Inventory) -> [Finding] {
        var findings: [Finding] = []
        if let deployment = inventory.ovfDeployment, !deployment.chosenByOption, deployment.configurations.count > 1,
           let chosen = inventory.vm.ovfConfiguration {
            let others = deployment.configurations.filter { $0 != chosen }
            findings.append(Finding(
                code: FindingCode.ovfConfigurationAssumed, severity: .info,
                message: "The OVF offers \(deployment.configurations.count) deployment options; the disks were read for '\(chosen)', "
                    + "its default, because --ovf-configuration was not given. If the appliance was deployed in another size "
                    + "(\(others.joined(separator: ", "))), verify again with --ovf-configuration NAME.",
                evidence: ["configuration": .string(chosen),
                           "configurations": .array(deployment.configurations.map(JSONValue.string))]))
        }
        let derived = inventory.disks.filter(\.keyDerived)
        if !derived.isEmpty {
            let keys = derived.map(\.key)
            findings.append(Finding(
                code: FindingCode.diskKeysDerived, severity: .info,
                message: "The \(inventory.vm.format) inventory has no device keys: \(keys.joined(separator: ", ")) were derived from each disk's "
                    + "controller type, bus and unit as vSphere numbers disks. If the live VM numbers them differently (disks added "
                    + "or removed after deployment), a mapping by its keys compares the wrong volumes: check the keys with "
                    + "govc device.info, or verify with an inventory taken from the live VM.",
                evidence: ["derivedKeys": .array(keys.map(JSONValue.string)), "format": .string(inventory.vm.format)]))
        }
        return findings
    }
}
