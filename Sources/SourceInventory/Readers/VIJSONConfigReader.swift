/// Reads a `VirtualMachineConfigInfo` as vSphere 8's VI/JSON API returns it
/// (`GET /sdk/vim25/{release}/VirtualMachine/{vm}/config`): the vim25 object with its
/// `_typeName`, camelCase members, `name`, `uuid` and `hardware.device[]` — the same device
/// list govc prints, read by `GovcDeviceList`. The moref is in the URL, not the answer.
enum VIJSONConfigReader {
    static func read(_ root: DocumentNode, vm: String?) throws(FieldError) -> Inventory {
        let name = try root.required("name").string()
        try VMSelection.confirm(name: name, vm: vm, field: root.childPath("name"))
        var uuid = try root.optional("uuid")?.nonEmptyString()
        if uuid == nil { uuid = try root.optional("instanceUuid")?.nonEmptyString() }
        let disks = try GovcDeviceList.disks(try root.required("hardware").required("device"))
        return Inventory(vm: VMIdentity(name: name, uuid: uuid, format: InventoryFormat.vsphereVIJSONConfig.identifier), disks: disks)
    }
}
