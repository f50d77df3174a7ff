/// Reads a canary manifest (`canary.json`, written by `canary create`; docs/CANARY.md) as
/// an inventory: the VM, and per disk its key, label, capacity, image file and the layout
/// the canary gave it (GPT disk GUID, partitions with their GUIDs and filesystem UUIDs).
/// The blocks, the secret and the generations are `verify --canary`'s business; this reader
/// takes only what an inventory holds, and checks the schema version.
enum CanaryManifestReader {
    static let version: UInt64 = 1

    static func read(_ root: DocumentNode, vm: String?) throws(FieldError) -> Inventory {
        let versionNode = try root.required("canaryVersion")
        guard try versionNode.unsigned() == version else {
            throw FieldError(versionNode.path, "version \(try versionNode.string()) is not supported; this replica-audit reads canary manifests of version \(version)")
        }
        let vmNode = try root.required("vm")
        let name = try vmNode.required("name").string()
        try VMSelection.confirm(name: name, vm: vm, field: vmNode.childPath("name"))
        let list = try root.required("disks")
        var disks: [SourceDisk] = []
        for node in try list.elements() {
            let key = try node.required("key").string()
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
                throw FieldError(node.childPath("key"), "'\(key)' is not a disk key (letters, digits, '_', '-', '.')")
            }
            let capacityNode = try node.required("capacityBytes")
            let capacity = try DiskCapacity.bytes(try capacityNode.unsigned(), field: capacityNode.path)
            var partitions: [ExpectedPartition] = []
            for p in try node.optional("partitions")?.elements() ?? [] {
                let start = try p.required("startBytes").unsigned(), size = try p.required("sizeBytes").unsigned()
                guard start + size <= capacity else {
                    throw FieldError(p.path, "ends at byte \(start + size), past the disk's capacity \(capacity)")
                }
                partitions.append(ExpectedPartition(
                    number: try p.required("number").int(), startBytes: start, sizeBytes: size,
                    uuid: try p.optional("uuid")?.nonEmptyString(),
                    filesystemUUID: try p.optional("filesystemUUID")?.nonEmptyString()))
            }
            disks.append(SourceDisk(
                key: key, label: try node.optional("label")?.nonEmptyString(), capacityBytes: capacity,
                backingFile: try node.optional("image")?.nonEmptyString(), thin: true,
                expectedLayout: ExpectedLayout(type: "gpt", diskId: try node.optional("diskGUID")?.nonEmptyString(),
                                               partitions: partitions),
                backingKind: .vmdk))
        }
        if disks.isEmpty { throw FieldError(list.path, "lists no disk") }
        try DiskKeys.checkUnique(disks, field: list.path)
        return Inventory(vm: VMIdentity(name: name, format: InventoryFormat.canary.identifier), disks: disks)
    }
}
