/// Reads govc `vm.info -json` output, both encodings: PascalCase keys up to govc 0.31
/// (`VirtualMachines[].Config.Hardware.Device[]`) and camelCase from 0.32
/// (`virtualMachines[].config.hardware.device[]`). Member lookup ignores case, so one
/// walk serves both.
///
/// Disks are the devices that carry `capacityInKB` (the JSON has no type discriminator in
/// older versions). Capacity is `capacityInBytes`, or `capacityInKB × 1024` when that is 0 or
/// absent (vCenter before 5.5 and some govc versions write 0). Guest filesystems come from
/// `guest.disk[]` (VMware Tools), with `mappings[].key` naming the disks.
enum GovcVMInfoReader {
    static func read(_ root: DocumentNode, vm: String?, format: InventoryFormat) throws(FieldError) -> Inventory {
        let list = try root.required("virtualMachines")
        let machines = try list.elements()
        var names: [String] = []
        for machine in machines { names.append(try name(of: machine)) }
        let chosen = machines[try VMSelection.pick(names: names, vm: vm, field: list.path)]
        let config = try chosen.required("config")
        var uuid = try config.optional("uuid")?.nonEmptyString()
        if uuid == nil { uuid = try config.optional("instanceUuid")?.nonEmptyString() }
        let identity = VMIdentity(
            name: try name(of: chosen),
            moref: try chosen.optional("self")?.optional("value")?.nonEmptyString(),
            uuid: uuid,
            format: format.identifier)
        let disks = try GovcDeviceList.disks(try config.required("hardware").required("device"))
        let guestFilesystems = try guestDisks(chosen.optional("guest"))
        return Inventory(vm: identity, disks: disks, guestFilesystems: guestFilesystems)
    }

    private static func name(of machine: DocumentNode) throws(FieldError) -> String {
        if let name = try machine.optional("config")?.optional("name") { return try name.string() }
        if let name = try machine.optional("name") { return try name.string() }
        if let name = try machine.optional("summary")?.optional("config")?.optional("name") { return try name.string() }
        throw FieldError(machine.childPath("config.name"), "is missing")
    }

    private static func guestDisks(_ guest: DocumentNode?) throws(FieldError) -> [GuestFilesystem] {
        guard let list = try guest?.optional("disk") else { return [] }
        var filesystems: [GuestFilesystem] = []
        for disk in try list.elements() {
            var keys: [String] = []
            if let mappings = try disk.optional("mappings") {
                for mapping in try mappings.elements() { keys.append(String(try mapping.required("key").unsigned())) }
            }
            let capacity = try disk.optional("capacity")
            filesystems.append(GuestFilesystem(
                path: try disk.required("diskPath").string(),
                capacityBytes: try capacity?.unsigned() ?? 0,
                freeBytes: try disk.optional("freeSpace")?.unsigned(),
                type: try disk.optional("filesystemType")?.string(),
                diskKeys: keys))
        }
        return filesystems
    }
}
