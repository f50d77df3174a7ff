/// The disks of a vSphere `VirtualDevice[]` list as govc prints it (vm.info's
/// `config.hardware.device`, device.info's `devices`): the devices that carry
/// `capacityInKB`, with their controller resolved through `controllerKey`, and what backs
/// them (`backingKind`, `backing.diskMode`).
enum GovcDeviceList {
    static func disks(_ list: DocumentNode) throws(FieldError) -> [SourceDisk] {
        let devices = try list.elements()
        var controllers: [UInt64: DocumentNode] = [:]
        for device in devices {
            if let key = try device.optional("key")?.unsigned() { controllers[key] = device }
        }
        var disks: [SourceDisk] = []
        for device in devices where device.has("capacityInKB") || device.has("capacityInBytes") {
            disks.append(try disk(device, controllers: controllers))
        }
        try DiskKeys.checkUnique(disks, field: list.path)
        return disks
    }

    private static func disk(_ device: DocumentNode, controllers: [UInt64: DocumentNode]) throws(FieldError) -> SourceDisk {
        let key = try device.required("key").unsigned()
        let inBytes = try device.optional("capacityInBytes")
        let inKB = try device.optional("capacityInKB")
        let capacity: UInt64
        if let inBytes, try inBytes.unsigned() > 0 {
            capacity = try DiskCapacity.bytes(try inBytes.unsigned(), field: inBytes.path)
        } else if let inKB {
            capacity = try DiskCapacity.bytes(try inKB.unsigned(), unitBytes: 1024, field: inKB.path)
        } else {
            throw FieldError(device.childPath("capacityInKB"), "is missing and capacityInBytes is 0")
        }
        let backing = try device.optional("backing")
        var controllerLabel: String?
        var bus: Int?
        if let controllerKey = try device.optional("controllerKey")?.unsigned() {
            if let controller = controllers[controllerKey] {
                controllerLabel = try controller.optional("deviceInfo")?.optional("label")?.nonEmptyString()
                bus = try controller.optional("busNumber")?.int()
            }
            controllerLabel = controllerLabel ?? String(controllerKey)
        }
        var disk = SourceDisk(
            key: String(key),
            label: try device.optional("deviceInfo")?.optional("label")?.nonEmptyString(),
            capacityBytes: capacity,
            backingFile: try backing?.optional("fileName")?.nonEmptyString(),
            uuid: try backing?.optional("uuid")?.nonEmptyString(),
            controller: controllerLabel,
            bus: bus,
            unit: try device.optional("unitNumber")?.int(),
            thin: try backing?.optional("thinProvisioned")?.bool(),
            backingKind: try backingKind(backing),
            diskMode: DiskModes.normalized(try backing?.optional("diskMode")?.nonEmptyString()))
        if !((try inBytes?.unsigned() ?? 0) > 0) { disk.capacityFromKB = true }
        return disk
    }

    /// The backing's kind: an RDM when it has `compatibilityMode` ("physicalMode" /
    /// "virtualMode", `VirtualDiskRawDiskMappingVer1BackingInfo`) or its `_typeName` says
    /// RawDiskMapping; a raw device for the RawDisk backings; otherwise a VMDK when it names a
    /// file. govc up to 0.31 prints no `_typeName`, so the members decide.
    static func backingKind(_ backing: DocumentNode?) throws(FieldError) -> DiskBackingKind? {
        guard let backing else { return nil }
        let typeName = try backing.optional("_typeName")?.string() ?? ""
        let mode = try backing.optional("compatibilityMode")?.string().lowercased()
        if mode != nil || typeName.contains("RawDiskMapping") || backing.has("lunUuid") {
            return mode == "virtualmode" ? .rdmVirtual : .rdmPhysical
        }
        if typeName.contains("RawDisk") { return .rawDevice }
        if !typeName.isEmpty || backing.has("fileName") { return .vmdk }
        return nil
    }
}
