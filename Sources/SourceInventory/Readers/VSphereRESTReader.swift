/// Reads the vSphere Automation REST answer to `GET /api/vcenter/vm/{vm}` and its legacy
/// form `GET /rest/vcenter/vm/{vm}`. The `/api` form keys `disks` by device key
/// (`{"2000": {…}}`); the legacy form wraps everything in `{"value": …}` and writes maps as
/// `[{"key": "2000", "value": {…}}]`. A disk has `label`, `type` (SCSI, SATA, IDE, NVME),
/// the matching `scsi`/`sata`/`nvme` `{bus, unit}` or `ide {primary, master}`,
/// `backing.vmdk_file` (a `backing.type` other than VMDK_FILE is kept as backing kind
/// "other"), and `capacity` in bytes. The answer carries no moref (it is in the URL).
enum VSphereRESTReader {
    static func read(_ root: DocumentNode, vm: String?, format: InventoryFormat) throws(FieldError) -> Inventory {
        let body = format == .vsphereRESTLegacy || !root.has("disks") ? try root.required("value") : root
        let identity = try body.optional("identity")
        var name = try body.optional("name")?.string()
        if name == nil { name = try identity?.optional("name")?.string() }
        guard let name else { throw FieldError(body.childPath("name"), "is missing") }
        try VMSelection.confirm(name: name, vm: vm, field: body.childPath("name"))
        var uuid = try identity?.optional("bios_uuid")?.nonEmptyString()
        if uuid == nil { uuid = try identity?.optional("instance_uuid")?.nonEmptyString() }
        let list = try body.required("disks")
        var disks: [SourceDisk] = []
        for (key, disk) in try entries(list) {
            disks.append(try self.disk(key: key, disk))
        }
        try DiskKeys.checkUnique(disks, field: list.path)
        return Inventory(vm: VMIdentity(name: name, uuid: uuid, format: format.identifier), disks: disks)
    }

    /// A REST map in either spelling: an object keyed by device key, or `[{key, value}]`.
    private static func entries(_ map: DocumentNode) throws(FieldError) -> [(key: String, node: DocumentNode)] {
        if case .object = map.value {
            return try map.members().map { ($0.key, $0.node) }
        }
        var result: [(key: String, node: DocumentNode)] = []
        for entry in try map.elements() {
            result.append((try entry.required("key").string(), try entry.required("value")))
        }
        return result
    }

    private static func disk(key: String, _ disk: DocumentNode) throws(FieldError) -> SourceDisk {
        guard !key.isEmpty, key.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw FieldError(disk.path, "'\(key)' is not a device key")
        }
        let capacity = try disk.required("capacity")
        let type = try disk.optional("type")?.string()
        var bus: Int?
        var unit: Int?
        if let type, let address = try disk.optional(type.lowercased()) {
            if type.uppercased() == "IDE" {
                bus = try address.optional("primary")?.bool() == false ? 1 : 0
                unit = try address.optional("master")?.bool() == false ? 1 : 0
            } else {
                bus = try address.optional("bus")?.int()
                unit = try address.optional("unit")?.int()
            }
        }
        let backing = try disk.optional("backing")
        let backingType = try backing?.optional("type")?.nonEmptyString()
        return SourceDisk(
            key: key,
            label: try disk.optional("label")?.nonEmptyString(),
            capacityBytes: try DiskCapacity.bytes(try capacity.unsigned(), field: capacity.path),
            backingFile: try backing?.optional("vmdk_file")?.nonEmptyString(),
            controller: type,
            bus: bus,
            unit: unit,
            backingKind: backingType.map { $0.uppercased() == "VMDK_FILE" ? .vmdk : .other })
    }
}
