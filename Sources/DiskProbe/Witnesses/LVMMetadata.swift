/// LVM2's volume-group metadata, the text a PV's metadata area holds (README.md, "Logical
/// volumes"): which logical volumes the group has and where each one's extents lie on
/// which physical volume. The probe uses it to find the filesystems inside a PV, so a copy
/// that stopped inside one, or a filesystem larger than its LV, is seen as it is on a
/// partition.
///
/// The text is a nested config: `name { key = value … }`, values being quoted strings,
/// integers or `[ … ]` lists, `#` starting a comment. The parser is bounded (nesting depth,
/// item count) and returns nil on anything it cannot read: the text comes from the guest.
public enum LVMMetadata {
    /// A section: its values by key, and its subsections in order.
    public struct Section: Sendable, Equatable {
        public var values: [String: Value] = [:]
        public var sections: [(name: String, body: Section)] = []

        public static func == (a: Section, b: Section) -> Bool {
            a.values == b.values && a.sections.map(\.name) == b.sections.map(\.name)
                && zip(a.sections, b.sections).allSatisfy { $0.body == $1.body }
        }

        /// The subsection called `name`.
        public func section(_ name: String) -> Section? { sections.first { $0.name == name }?.body }
        /// The integer value of `key`.
        public func int(_ key: String) -> Int64? { if case .int(let v) = values[key] { v } else { nil } }
        /// The string value of `key`.
        public func string(_ key: String) -> String? { if case .string(let v) = values[key] { v } else { nil } }
        /// The list value of `key`.
        public func list(_ key: String) -> [Value]? { if case .list(let v) = values[key] { v } else { nil } }
    }

    /// A value: a quoted string, an integer, or a list of values.
    public indirect enum Value: Sendable, Equatable {
        case string(String)
        case int(Int64)
        case list([Value])
    }

    /// The deepest nesting and the most items accepted (real metadata nests 5 deep).
    static let maxDepth = 12
    static let maxItems = 100_000

    /// Parses `text`, or nil when it is not the format.
    public static func parse(_ text: String) -> Section? {
        var p = Parser(bytes: Array(text.utf8))
        guard let top = p.items(depth: 0), p.atEnd else { return nil }
        return top
    }

    struct Parser {
        let bytes: [UInt8]
        var pos = 0
        var itemCount = 0

        var atEnd: Bool {
            mutating get { skipBlank(); return pos >= bytes.count }
        }

        mutating func skipBlank() {
            while pos < bytes.count {
                let b = bytes[pos]
                if b == UInt8(ascii: "#") {
                    while pos < bytes.count, bytes[pos] != UInt8(ascii: "\n") { pos += 1 }
                } else if b == 32 || (9...13).contains(b) {
                    pos += 1
                } else {
                    return
                }
            }
        }

        static func isWord(_ b: UInt8) -> Bool {
            (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b)
                || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
        }

        mutating func word() -> String? {
            skipBlank()
            let start = pos
            while pos < bytes.count, Parser.isWord(bytes[pos]) { pos += 1 }
            return pos > start ? String(decoding: bytes[start..<pos], as: UTF8.self) : nil
        }

        mutating func take(_ c: Character) -> Bool {
            skipBlank()
            guard pos < bytes.count, let a = c.asciiValue, bytes[pos] == a else { return false }
            pos += 1
            return true
        }

        /// Items until a `}` (left for the caller) or the end.
        mutating func items(depth: Int) -> Section? {
            guard depth <= LVMMetadata.maxDepth else { return nil }
            var section = Section()
            while true {
                skipBlank()
                if pos >= bytes.count || bytes[pos] == UInt8(ascii: "}") { return section }
                itemCount += 1
                guard itemCount <= LVMMetadata.maxItems, let name = word() else { return nil }
                if take("{") {
                    guard let body = items(depth: depth + 1), take("}") else { return nil }
                    section.sections.append((name, body))
                } else if take("=") {
                    guard let v = value(depth: depth) else { return nil }
                    section.values[name] = v
                } else {
                    return nil
                }
            }
        }

        mutating func value(depth: Int) -> Value? {
            skipBlank()
            guard pos < bytes.count else { return nil }
            if take("[") {
                var list: [Value] = []
                if take("]") { return .list(list) }
                repeat {
                    itemCount += 1
                    guard itemCount <= LVMMetadata.maxItems, depth < LVMMetadata.maxDepth, let v = value(depth: depth + 1) else { return nil }
                    list.append(v)
                } while take(",")
                return take("]") ? .list(list) : nil
            }
            if bytes[pos] == UInt8(ascii: "\"") {
                pos += 1
                var out: [UInt8] = []
                while pos < bytes.count, bytes[pos] != UInt8(ascii: "\"") {
                    if bytes[pos] == UInt8(ascii: "\\"), pos + 1 < bytes.count { pos += 1 }
                    out.append(bytes[pos])
                    pos += 1
                }
                guard pos < bytes.count else { return nil }
                pos += 1
                return .string(String(decoding: out, as: UTF8.self))
            }
            guard let w = word() else { return nil }
            if let i = Int64(w) { return .int(i) }
            // Floats (a few tunables) are kept as text: nothing here needs them.
            return .string(w)
        }
    }

    // MARK: The volume group

    /// What the probe needs of a volume group's metadata.
    public struct VolumeGroup: Sendable, Equatable {
        public var name: String
        public var id: String
        /// Bytes per extent.
        public var extentBytes: UInt64
        public var physicalVolumes: [PhysicalVolume]
        public var logicalVolumes: [LogicalVolumeLayout]
    }

    /// A PV of the group: its key in the text ("pv0"), its id (dashed, as written), and
    /// where its first extent starts, in bytes from the PV's start.
    public struct PhysicalVolume: Sendable, Equatable {
        public var key: String
        public var id: String
        public var peStartBytes: UInt64
        public var peCount: UInt64
    }

    /// An LV as the metadata lays it out.
    public struct LogicalVolumeLayout: Sendable, Equatable {
        public var name: String
        public var id: String?
        /// Whether the LV is one users see (not a pool's, mirror's or snapshot's hidden part).
        public var visible: Bool
        public var segments: [Segment]

        /// The LV's size: its segments' extents, in bytes.
        public func sizeBytes(extentBytes: UInt64) -> UInt64 {
            segments.reduce(0) { total, s in
                let (bytes, o1) = s.extentCount.multipliedReportingOverflow(by: extentBytes)
                let (sum, o2) = total.addingReportingOverflow(bytes)
                return o1 || o2 ? .max : sum
            }
        }
    }

    /// One segment of an LV: `extentCount` extents from `startExtent` of the LV. A linear
    /// one (`striped`, one stripe) names its PV and the PV's extent it starts at.
    public struct Segment: Sendable, Equatable {
        public var startExtent: UInt64
        public var extentCount: UInt64
        public var type: String
        /// The PV key and first extent of a linear segment; nil for any other layout.
        public var linear: (pv: String, extent: UInt64)?

        public static func == (a: Segment, b: Segment) -> Bool {
            a.startExtent == b.startExtent && a.extentCount == b.extentCount && a.type == b.type
                && a.linear?.pv == b.linear?.pv && a.linear?.extent == b.linear?.extent
        }
    }

    /// The volume group the metadata `text` describes, or nil when it is not one.
    public static func volumeGroup(_ text: String) -> VolumeGroup? {
        guard let top = parse(text),
              let (name, vg) = top.sections.first(where: { $0.body.int("extent_size") != nil }),
              let id = vg.string("id"), let extentSectors = vg.int("extent_size"), extentSectors > 0,
              extentSectors <= 1 << 40 else { return nil }
        let extentBytes = UInt64(extentSectors) * 512
        var pvs: [PhysicalVolume] = []
        for (key, pv) in vg.section("physical_volumes")?.sections ?? [] {
            guard let pvID = pv.string("id"), let peStart = pv.int("pe_start"), peStart >= 0, peStart <= 1 << 50 else { continue }
            pvs.append(PhysicalVolume(key: key, id: pvID, peStartBytes: UInt64(peStart) * 512,
                                      peCount: UInt64(max(0, pv.int("pe_count") ?? 0))))
        }
        var lvs: [LogicalVolumeLayout] = []
        for (lvName, lv) in vg.section("logical_volumes")?.sections ?? [] {
            var segments: [Segment] = []
            for (segName, seg) in lv.sections where segName.hasPrefix("segment") {
                guard let start = seg.int("start_extent"), let count = seg.int("extent_count"), start >= 0, count > 0 else { continue }
                let type = seg.string("type") ?? ""
                var linear: (String, UInt64)?
                if type == "striped", seg.int("stripe_count") == 1, let stripes = seg.list("stripes"), stripes.count == 2,
                   case .string(let pv) = stripes[0], case .int(let extent) = stripes[1], extent >= 0 {
                    linear = (pv, UInt64(extent))
                }
                segments.append(Segment(startExtent: UInt64(start), extentCount: UInt64(count), type: type, linear: linear))
            }
            segments.sort { $0.startExtent < $1.startExtent }
            let status = (lv.list("status") ?? []).compactMap { if case .string(let s) = $0 { s } else { nil } }
            lvs.append(LogicalVolumeLayout(name: lvName, id: lv.string("id"), visible: status.contains("VISIBLE"),
                                           segments: segments))
        }
        return VolumeGroup(name: name, id: id, extentBytes: extentBytes, physicalVolumes: pvs, logicalVolumes: lvs)
    }

    /// Whether two LVM ids are the same: the metadata writes them dashed, the PV header
    /// does not.
    public static func sameID(_ a: String, _ b: String) -> Bool {
        a.filter { $0 != "-" } == b.filter { $0 != "-" }
    }
}
