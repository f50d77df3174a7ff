import CLibBlkid
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The answer of `blkid_do_safeprobe`: 0 found, 1 nothing, -2 ambiguous, -1 error.
/// "Nothing" and "ambiguous" are answers, not errors.
enum BlkidOutcome: Sendable, Equatable {
    /// Signatures found: NAME → value (TYPE, UUID, LABEL, PTTYPE, PTUUID, USAGE, VERSION, …),
    /// decoded as UTF-8 with U+FFFD for invalid bytes; `raw` holds the bytes of every value
    /// that is not valid UTF-8.
    case found([String: String], raw: [String: [UInt8]])
    case nothing
    /// More than one signature claims the range; libblkid refuses to choose.
    case ambiguous
    /// libblkid failed with this return code.
    case failed(Int32)
}

/// A libblkid probe of one byte range of a descriptor. Owns the probe; `deinit` frees it.
final class BlkidSignatureProbe {
    private let probe: OpaquePointer

    /// Sets up a probe of `[offset, offset+size)` of `fd` with `sectorSize`. Superblocks
    /// are probed with LABEL, UUID, TYPE, SECTYPE, USAGE and VERSION; the partition-table
    /// chain (PTTYPE, PTUUID) only when `partitionTables` is true. The corresponding C
    /// functions are `blkid_new_probe`, `blkid_probe_set_device`, `blkid_probe_set_sectorsize`.
    init(fd: Int32, offset: UInt64, size: UInt64, sectorSize: Int, partitionTables: Bool) throws(ProbeError) {
        guard let pr = blkid_new_probe() else {
            throw ProbeError(kind: .library, operation: "blkid_new_probe", message: "out of memory")
        }
        probe = pr
        // Stored: deinit frees it on every throw below.
        guard let off = Int64(exactly: offset), let len = Int64(exactly: size) else {
            throw ProbeError(kind: .library, operation: "blkid_probe_set_device", message: "range \(offset)+\(size) too large")
        }
        try check("blkid_probe_set_device", blkid_probe_set_device(pr, fd, off, len))
        try check("blkid_probe_set_sectorsize", blkid_probe_set_sectorsize(pr, UInt32(sectorSize)))
        try check("blkid_probe_enable_superblocks", blkid_probe_enable_superblocks(pr, 1))
        let flags = BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE | BLKID_SUBLKS_SECTYPE
            | BLKID_SUBLKS_USAGE | BLKID_SUBLKS_VERSION
        try check("blkid_probe_set_superblocks_flags", blkid_probe_set_superblocks_flags(pr, flags))
        try check("blkid_probe_enable_partitions", blkid_probe_enable_partitions(pr, partitionTables ? 1 : 0))
        if partitionTables {
            try check("blkid_probe_set_partitions_flags", blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC))
        }
    }

    deinit { blkid_free_probe(probe) }

    /// Runs the probe. The corresponding C function is `blkid_do_safeprobe`.
    func safeProbe() -> BlkidOutcome {
        switch blkid_do_safeprobe(probe) {
        case 0:
            var values: [String: String] = [:]
            var raw: [String: [UInt8]] = [:]
            let n = blkid_probe_numof_values(probe)
            for i in 0..<max(0, n) {
                var name: UnsafePointer<CChar>?
                var data: UnsafePointer<CChar>?
                var length = 0
                if blkid_probe_get_value(probe, i, &name, &data, &length) == 0, let name, let data {
                    // `length` counts the terminating NUL; a value stops at its first NUL.
                    let bytes = UnsafeRawBufferPointer(start: data, count: max(0, length))
                    let value = Array(bytes.prefix { $0 != 0 })
                    let key = String(cString: name)
                    values[key] = String(decoding: value, as: UTF8.self)
                    if String(validating: value, as: UTF8.self) == nil { raw[key] = value }
                }
            }
            return .found(values, raw: raw)
        case 1: return .nothing
        case -2: return .ambiguous
        case let rc: return .failed(rc)
        }
    }

    /// libblkid's own reading of the partition table (a second reading next to libfdisk's):
    /// the root table's type and identifier and every partition, nested tables' slices
    /// included; nil when it finds no table. Needs `partitionTables: true`. The corresponding
    /// C functions are `blkid_probe_get_partitions`, `blkid_partlist_get_table` and
    /// `blkid_parttable_get_type`.
    func table() -> PartitionReading? {
        guard let list = blkid_probe_get_partitions(probe), let root = blkid_partlist_get_table(list),
              let type = blkid_parttable_get_type(root) else { return nil }
        return PartitionReading(type: String(cString: type), id: blkid_parttable_get_id(root).map { String(cString: $0) },
                                partitions: partitions(list, root: root))
    }

    private func partitions(_ list: OpaquePointer, root: OpaquePointer) -> [PartitionEntrySignature] {
        var result: [PartitionEntrySignature] = []
        for i in 0..<max(0, blkid_partlist_numof_partitions(list)) {
            guard let par = blkid_partlist_get_partition(list, i) else { continue }
            // libblkid counts partition start and size in 512-byte sectors, whatever the sector size.
            let start = blkid_partition_get_start(par), size = blkid_partition_get_size(par)
            guard start >= 0, size >= 0 else { continue }
            let typeString = blkid_partition_get_type_string(par).map { String(cString: $0) }
            var nested: String?
            var parent: Int?
            if let tab = blkid_partition_get_table(par), tab != root {
                nested = blkid_parttable_get_type(tab).map { String(cString: $0) }
                parent = blkid_parttable_get_parent(tab).map { Int(blkid_partition_get_partno($0)) }
            }
            result.append(PartitionEntrySignature(
                number: Int(blkid_partition_get_partno(par)),
                startBytes: UInt64(start) * 512, sizeBytes: UInt64(size) * 512,
                type: typeString ?? MBRParser.hexByte(UInt8(truncatingIfNeeded: blkid_partition_get_type(par))),
                uuid: blkid_partition_get_uuid(par).map { String(cString: $0) },
                name: blkid_partition_get_name(par).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 },
                nestedTable: nested, parent: parent))
        }
        return result
    }

    private func check(_ operation: String, _ rc: Int32) throws(ProbeError) {
        if rc != 0 {
            throw ProbeError(kind: .library, operation: operation, message: "libblkid returned \(rc)")
        }
    }
}
