import BlockAccess
import CLibFdisk
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// What libfdisk read from a label.
struct FdiskLabel: Sendable, Equatable {
    /// libfdisk's label name: "gpt", "dos", …
    var type: String
    /// GPT disk GUID or DOS identifier, as libfdisk prints it.
    var diskId: String?
    /// GPT label items by name (FIRSTLBA, LASTLBA, ALTLBA, ENTRIESLBA, ENTRIESALLOC, ENTRIESLASTLBA).
    var gptItems: [String: UInt64]
    var partitions: [FdiskPartition]
    /// Warnings libfdisk reported through its ask callback.
    var warnings: [String]
    /// "libfdisk", or "raw-gpt-entries" when decoded without it.
    var decodedBy = "libfdisk"
}

/// One partition as libfdisk lists it.
struct FdiskPartition: Sendable, Equatable {
    /// 0-based partition number.
    var partno: Int
    var startLBA: UInt64
    var sectors: UInt64
    /// GPT type GUID, or "0x83" for DOS.
    var type: String
    var typeName: String?
    var uuid: String?
    var name: String?
    var bootable: Bool
    var isContainer: Bool
    /// libfdisk's "nested": a DOS logical partition.
    var isNested: Bool
    /// For a slice of a table nested in another partition (read by libblkid): that
    /// partition's number.
    var nestedIn: Int? = nil
}

/// A read-only libfdisk context on a descriptor. Owns the context; `deinit` releases it.
/// Every libfdisk call goes through here.
final class FdiskLabelReader {
    private let context: OpaquePointer
    private let messages = MessageSink()

    /// Assigns `fd` read-only with `sectorSize` as both logical and physical sector size.
    /// The corresponding C functions are `fdisk_new_context`, `fdisk_save_user_sector_size`
    /// and `fdisk_assign_device_by_fd`.
    init(fd: Int32, sectorSize: Int) throws(ProbeError) {
        guard let cxt = fdisk_new_context() else {
            throw ProbeError(kind: .library, operation: "fdisk_new_context", message: "out of memory")
        }
        context = cxt
        // Stored: deinit releases it on every throw below.
        fdisk_set_ask(cxt, { _, ask, data in
            guard let ask, let data else { return 0 }
            let type = fdisk_ask_get_type(ask)
            if type == Int32(FDISK_ASKTYPE_WARN.rawValue) || type == Int32(FDISK_ASKTYPE_WARNX.rawValue)
                || type == Int32(FDISK_ASKTYPE_INFO.rawValue), let text = fdisk_ask_print_get_mesg(ask) {
                Unmanaged<MessageSink>.fromOpaque(data).takeUnretainedValue().lines.append(String(cString: text))
                return 0
            }
            return -Int32(EINVAL)  // a question: a read-only listing never answers one
        }, Unmanaged.passUnretained(messages).toOpaque())
        try check("fdisk_save_user_sector_size", fdisk_save_user_sector_size(cxt, UInt32(sectorSize), UInt32(sectorSize)))
        try check("fdisk_assign_device_by_fd", fdisk_assign_device_by_fd(cxt, fd, "shadow", 1))
    }

    deinit { fdisk_unref_context(context) }

    /// The label, or nil when libfdisk recognises none.
    func label() throws(ProbeError) -> FdiskLabel? {
        guard fdisk_has_label(context) == 1, let lb = fdisk_get_label(context, nil),
              let namePtr = fdisk_label_get_name(lb) else { return nil }
        let type = String(cString: namePtr)
        var diskId: String?
        var idPtr: UnsafeMutablePointer<CChar>?
        if fdisk_get_disklabel_id(context, &idPtr) == 0, let idPtr {
            diskId = String(cString: idPtr)
            free(idPtr)
        }
        var items: [String: UInt64] = [:]
        if type == "gpt" { items = gptItems() }
        return FdiskLabel(type: type, diskId: diskId, gptItems: items, partitions: try partitions(),
                          warnings: messages.lines)
    }

    /// libfdisk's name for a GPT partition type GUID ("Linux filesystem"), when it knows it.
    /// The corresponding C function is `fdisk_label_get_parttype_from_string`.
    func gptTypeName(_ typeGUID: String) -> String? {
        guard let gpt = fdisk_get_label(context, "gpt"),
              let t = fdisk_label_get_parttype_from_string(gpt, typeGUID) else { return nil }
        defer { fdisk_unref_parttype(t) }
        guard let name = fdisk_parttype_get_name(t) else { return nil }
        let s = String(cString: name)
        return s.isEmpty ? nil : s
    }

    /// The warnings libfdisk gave so far.
    var warnings: [String] { messages.lines }

    private func gptItems() -> [String: UInt64] {
        guard let item = fdisk_new_labelitem() else { return [:] }
        defer { fdisk_unref_labelitem(item) }
        var result: [String: UInt64] = [:]
        let ids: [(String, UInt32)] = [
            ("FIRSTLBA", GPT_LABELITEM_FIRSTLBA.rawValue), ("LASTLBA", GPT_LABELITEM_LASTLBA.rawValue),
            ("ALTLBA", GPT_LABELITEM_ALTLBA.rawValue), ("ENTRIESLBA", GPT_LABELITEM_ENTRIESLBA.rawValue),
            ("ENTRIESALLOC", GPT_LABELITEM_ENTRIESALLOC.rawValue), ("ENTRIESLASTLBA", GPT_LABELITEM_ENTRIESLASTLBA.rawValue),
        ]
        for (name, id) in ids {
            fdisk_reset_labelitem(item)
            var value: UInt64 = 0
            if fdisk_get_disklabel_item(context, Int32(id), item) == 0, fdisk_labelitem_get_data_u64(item, &value) == 0 {
                result[name] = value
            }
        }
        return result
    }

    private func partitions() throws(ProbeError) -> [FdiskPartition] {
        var table: OpaquePointer?
        try check("fdisk_get_partitions", fdisk_get_partitions(context, &table))
        guard let table else { return [] }
        defer { fdisk_unref_table(table) }
        var result: [FdiskPartition] = []
        for i in 0..<fdisk_table_get_nents(table) {
            guard let pa = fdisk_table_get_partition(table, i), fdisk_partition_is_used(pa) == 1,
                  fdisk_partition_has_start(pa) == 1, fdisk_partition_has_size(pa) == 1 else { continue }
            var type = "unknown"
            var typeName: String?
            if let t = fdisk_partition_get_type(pa) {
                if let s = fdisk_parttype_get_string(t) {
                    type = String(cString: s)
                } else {
                    type = MBRParser.hexByte(UInt8(truncatingIfNeeded: fdisk_parttype_get_code(t)))
                }
                typeName = fdisk_parttype_get_name(t).map { String(cString: $0) }
            }
            result.append(FdiskPartition(
                partno: Int(fdisk_partition_get_partno(pa)),
                startLBA: fdisk_partition_get_start(pa),
                sectors: fdisk_partition_get_size(pa),
                type: type, typeName: typeName,
                uuid: fdisk_partition_get_uuid(pa).map { String(cString: $0) },
                name: fdisk_partition_get_name(pa).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 },
                bootable: fdisk_partition_is_bootable(pa) == 1,
                isContainer: fdisk_partition_is_container(pa) == 1,
                isNested: fdisk_partition_is_nested(pa) == 1))
        }
        return result
    }

    private func check(_ operation: String, _ rc: Int32) throws(ProbeError) {
        if rc < 0 {
            throw ProbeError(kind: .library, operation: operation, message: Errno(rawValue: -rc).message)
        }
    }
}

/// Collects libfdisk's warnings from the ask callback.
private final class MessageSink {
    var lines: [String] = []
}
