/// Reads govc `device.info -json` output: `{"devices": [{"name": "disk-1000-0", "type":
/// "VirtualDisk", "key": 2000, "capacityInKB": …, …}]}` (govc writes the members `Name`,
/// `Type` and, up to 0.31, the device's own members in PascalCase; lookup ignores case).
///
/// The output names no VM: the VM's name is `--vm`, or "unnamed". When the controllers were
/// filtered out (`device.info disk-*`), controller and unit come from the name `disk-KEY-UNIT`.
enum GovcDeviceInfoReader {
    /// The name given to the VM when neither the file nor `--vm` names it.
    static let unnamed = "unnamed"

    static func read(_ root: DocumentNode, vm: String?) throws(FieldError) -> Inventory {
        let list = try root.required("devices")
        var disks = try GovcDeviceList.disks(list)
        let byKey = try devicesByKey(list)
        for index in disks.indices where disks[index].unit == nil || disks[index].controller == nil {
            guard let name = try byKey[disks[index].key]?.optional("name")?.string() else { continue }
            let parts = name.split(separator: "-")
            if parts.count == 3, parts[0] == "disk", let unit = Int(parts[2]) {
                disks[index].controller = disks[index].controller ?? String(parts[1])
                disks[index].unit = disks[index].unit ?? unit
            }
        }
        if disks.isEmpty { throw FieldError(list.path, "lists no VirtualDisk (no device has capacityInKB)") }
        return Inventory(vm: VMIdentity(name: vm ?? unnamed, format: InventoryFormat.govcDeviceInfo.identifier), disks: disks)
    }

    private static func devicesByKey(_ list: DocumentNode) throws(FieldError) -> [String: DocumentNode] {
        var result: [String: DocumentNode] = [:]
        for device in try list.elements() {
            if let key = try device.optional("key")?.unsigned() { result[String(key)] = device }
        }
        return result
    }
}
