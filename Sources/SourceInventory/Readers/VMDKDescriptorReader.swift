/// Reads a text VMDK descriptor: the extent lines (`RW 241172480 VMFS "pgtest1-flat.vmdk"`,
/// sizes in 512-byte sectors, summed over all extents), `ddb.uuid` and `ddb.thinProvisioned`.
enum VMDKDescriptorReader {
    struct Descriptor {
        var capacityBytes: UInt64
        var uuid: String?
        var thin: Bool?
        /// What the descriptor's `createType` says backs the disk.
        var backingKind: DiskBackingKind
    }

    /// `createType`: "vmfsRawDeviceMap" is an RDM in virtual compatibility mode,
    /// "vmfsPassthroughRawDeviceMap" one in physical mode, "fullDevice" / "partitionedDevice"
    /// a hosted raw disk; every other type is a VMDK.
    static func backingKind(createType: String?) -> DiskBackingKind {
        switch createType?.lowercased() {
        case "vmfsrawdevicemap": .rdmVirtual
        case "vmfspassthroughrawdevicemap": .rdmPhysical
        case "fulldevice", "partitioneddevice", "vmfsraw": .rawDevice
        default: .vmdk
        }
    }

    /// `field` names the VMX setting that pointed here, for messages.
    static func read(_ bytes: [UInt8], field: String) throws(FieldError) -> Descriptor {
        if bytes.starts(with: Array("KDMV".utf8)) || bytes.starts(with: Array("COWD".utf8)) {
            throw FieldError(field, "names a binary (sparse) VMDK; replica-audit reads text descriptors — point fileName at the descriptor, not at a monolithicSparse image")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let file = try VMXFile(text)
        var sectors: UInt64 = 0
        var extents = 0
        for (line, number) in file.otherLines {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let access = words.first, ["RW", "RDONLY", "NOACCESS"].contains(access) else { continue }
            guard words.count >= 2 else { throw FieldError(field, "descriptor line \(number): an extent without a size") }
            let count = try WholeNumber.parse(String(words[1]), field: "\(field) (descriptor line \(number), extent sectors)")
            let (sum, overflow) = sectors.addingReportingOverflow(count)
            guard !overflow else { throw FieldError(field, "descriptor line \(number): extent sizes overflow") }
            sectors = sum
            extents += 1
        }
        guard extents > 0 else { throw FieldError(field, "the descriptor has no extent line (RW <sectors> …)") }
        let capacity = try DiskCapacity.bytes(sectors, unitBytes: 512, field: "\(field) (descriptor extents)")
        return Descriptor(capacityBytes: capacity, uuid: file["ddb.uuid"].map(uuidText), thin: file["ddb.thinProvisioned"].map { $0 == "1" },
                          backingKind: backingKind(createType: file["createType"]))
    }

    /// "60 00 C2 9b 4c 2e 8f 1a-3d 5e 9a 7b 1c 2d 3e 4f" → "6000C29b-4c2e-8f1a-3d5e-9a7b1c2d3e4f".
    static func uuidText(_ spaced: String) -> String {
        let hex = spaced.filter { $0.isHexDigit }
        guard hex.count == 32 else { return spaced }
        let characters = Array(hex)
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }
        return groups.joined(separator: "-")
    }
}
