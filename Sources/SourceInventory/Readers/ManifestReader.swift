/// Reads replica-audit's own manifest, in JSON or YAML. Its shape is the
/// `inventory --format json` output, so an inventory printed once can be kept and reused:
///
/// ```yaml
/// manifestVersion: 1              # optional; 1 is the only version
/// vm: { name: pgtest1, moref: vm-1043, uuid: … }
/// disks:
///   - key: 2000                   # number or string
///     label: Hard disk 1
///     capacityBytes: 123480309760
///     backingFile: "[datastore1] pgtest1/pgtest1.vmdk"   # optional, as are uuid, controller,
///                                                        # bus, unit, thin, keyDerived, elementName,
///                                                        # backingKind (vmdk, rdm-physical, rdm-virtual,
///                                                        # raw-device, other), diskMode (persistent,
///                                                        # independent_persistent, …)
///     expectedLayout:
///       type: gpt
///       diskId: …
///       partitions: [{ number: 1, startBytes: 1048576, sizeBytes: …, uuid: …, filesystemUUID: … }]
/// guestFilesystems: [{ path: /, capacityBytes: …, type: ext4, diskKeys: [2000] }]
/// ```
enum ManifestReader {
    static func read(_ root: DocumentNode, vm: String?, format: InventoryFormat) throws(FieldError) -> Inventory {
        if let version = try root.optional("manifestVersion"), try version.unsigned() != 1 {
            throw FieldError(version.path, "version \(try version.string()) is not supported; this replica-audit reads version 1")
        }
        let vmNode = try root.required("vm")
        let name = try vmNode.required("name").string()
        try VMSelection.confirm(name: name, vm: vm, field: vmNode.childPath("name"))
        let list = try root.required("disks")
        var disks: [SourceDisk] = []
        for disk in try list.elements() { disks.append(try self.disk(disk)) }
        if disks.isEmpty { throw FieldError(list.path, "lists no disk") }
        try DiskKeys.checkUnique(disks, field: list.path)
        var filesystems: [GuestFilesystem] = []
        if let guest = try root.optional("guestFilesystems") {
            for fs in try guest.elements() { filesystems.append(try filesystem(fs)) }
        }
        let identity = VMIdentity(name: name, moref: try vmNode.optional("moref")?.nonEmptyString(),
                                  uuid: try vmNode.optional("uuid")?.nonEmptyString(), format: format.identifier,
                                  ovfConfiguration: try vmNode.optional("ovfConfiguration")?.nonEmptyString())
        var deployment: OVFDeployment?
        if let node = try root.optional("ovfDeployment") {
            var configurations: [String] = []
            for id in try node.required("configurations").elements() { configurations.append(try id.string()) }
            deployment = OVFDeployment(configurations: configurations,
                                       defaultConfiguration: try node.required("defaultConfiguration").string(),
                                       chosenByOption: try node.optional("chosenByOption")?.bool() ?? false)
        }
        return Inventory(vm: identity, disks: disks, guestFilesystems: filesystems, ovfDeployment: deployment)
    }

    private static func disk(_ node: DocumentNode) throws(FieldError) -> SourceDisk {
        let key = try node.required("key").string()
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
            throw FieldError(node.childPath("key"), "'\(key)' is not a disk key (letters, digits, '_', '-', '.')")
        }
        let capacity = try node.required("capacityBytes")
        return SourceDisk(
            key: key,
            label: try node.optional("label")?.nonEmptyString(),
            capacityBytes: try DiskCapacity.bytes(try capacity.unsigned(), field: capacity.path),
            backingFile: try node.optional("backingFile")?.nonEmptyString(),
            uuid: try node.optional("uuid")?.nonEmptyString(),
            controller: try node.optional("controller")?.string(),
            bus: try node.optional("bus")?.int(),
            unit: try node.optional("unit")?.int(),
            thin: try node.optional("thin")?.bool(),
            expectedLayout: try expectedLayout(node),
            keyDerived: try node.optional("keyDerived")?.bool() ?? false,
            elementName: try node.optional("elementName")?.nonEmptyString(),
            backingKind: try backingKind(node),
            diskMode: DiskModes.normalized(try node.optional("diskMode")?.nonEmptyString()))
    }

    private static func backingKind(_ disk: DocumentNode) throws(FieldError) -> DiskBackingKind? {
        guard let node = try disk.optional("backingKind"), let text = try node.nonEmptyString() else { return nil }
        guard let kind = DiskBackingKind(rawValue: text) else {
            throw FieldError(node.path, "'\(text)' is not a backing kind; expected vmdk, rdm-physical, rdm-virtual, raw-device or other")
        }
        return kind
    }

    private static func expectedLayout(_ disk: DocumentNode) throws(FieldError) -> ExpectedLayout? {
        guard let node = try disk.optional("expectedLayout") else { return nil }
        var partitions: [ExpectedPartition] = []
        for partition in try node.optional("partitions")?.elements() ?? [] {
            partitions.append(ExpectedPartition(
                number: try partition.required("number").int(),
                startBytes: try partition.required("startBytes").unsigned(),
                sizeBytes: try DiskCapacity.bytes(try partition.required("sizeBytes").unsigned(), field: partition.childPath("sizeBytes")),
                uuid: try partition.optional("uuid")?.nonEmptyString(),
                filesystemUUID: try partition.optional("filesystemUUID")?.string()))
        }
        return ExpectedLayout(type: try node.optional("type")?.string(), diskId: try node.optional("diskId")?.string(),
                              partitions: partitions)
    }

    private static func filesystem(_ node: DocumentNode) throws(FieldError) -> GuestFilesystem {
        var keys: [String] = []
        for key in try node.optional("diskKeys")?.elements() ?? [] { keys.append(try key.string()) }
        return GuestFilesystem(
            path: try node.required("path").string(),
            capacityBytes: try node.required("capacityBytes").unsigned(),
            freeBytes: try node.optional("freeBytes")?.unsigned(),
            type: try node.optional("type")?.string(),
            diskKeys: keys)
    }
}
