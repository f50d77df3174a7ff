#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// A value of a parsed document together with the path it was found at, e.g.
/// `virtualMachines[0].config.hardware.device[3]`. Readers walk the document through nodes,
/// so every error names the field it is about.
///
/// Member lookup ignores case: govc up to 0.31 writes `CapacityInKB`, from 0.32 `capacityInKB`.
/// A lookup that matches two members differing only in case is refused as ambiguous.
struct DocumentNode: Sendable {
    let value: DocumentValue
    let path: String

    init(_ value: DocumentValue, path: String) {
        self.value = value
        self.path = path
    }

    /// The path of member `key` below this node.
    func childPath(_ key: String) -> String {
        let plain = !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        let segment = plain ? key : "\"\(key)\""
        return path.isEmpty ? segment : "\(path).\(segment)"
    }

    /// The member names of an object, in file order (empty for anything else).
    var keys: [String] {
        if case .object(let members) = value { return members.map(\.key) }
        return []
    }

    var isNull: Bool { value == .null }

    /// Member `key` (case-insensitive), or nil when absent or null.
    func optional(_ key: String) throws(FieldError) -> DocumentNode? {
        guard case .object(let members) = value else {
            throw FieldError(path.isEmpty ? nil : path, "expected an object, found \(value.kindName)")
        }
        let lowered = key.lowercased()
        let matches = members.filter { $0.key.lowercased() == lowered }
        if matches.count > 1 {
            throw FieldError(childPath(key), "appears more than once (as \(matches.map { "\"\($0.key)\"" }.joined(separator: " and ")))")
        }
        guard let match = matches.first, match.value != .null else { return nil }
        return DocumentNode(match.value, path: childPath(match.key))
    }

    /// Member `key` (case-insensitive); absent or null is an error naming the field.
    func required(_ key: String) throws(FieldError) -> DocumentNode {
        guard let node = try optional(key) else { throw FieldError(childPath(key), "is missing") }
        return node
    }

    /// Whether member `key` is present (case-insensitive), even when null.
    func has(_ key: String) -> Bool {
        guard case .object(let members) = value else { return false }
        return members.contains { $0.key.lowercased() == key.lowercased() }
    }

    /// The elements of an array.
    func elements() throws(FieldError) -> [DocumentNode] {
        guard case .array(let items) = value else { throw FieldError(path, "expected an array, found \(value.kindName)") }
        return items.enumerated().map { DocumentNode($1, path: "\(path)[\($0)]") }
    }

    /// The members of an object as nodes, in file order.
    func members() throws(FieldError) -> [(key: String, node: DocumentNode)] {
        guard case .object(let members) = value else { throw FieldError(path, "expected an object, found \(value.kindName)") }
        return members.map { ($0.key, DocumentNode($0.value, path: childPath($0.key))) }
    }

    /// A string value; numbers and booleans are given as their text.
    func string() throws(FieldError) -> String {
        switch value {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: throw FieldError(path, "expected a string, found \(value.kindName)")
        }
    }

    /// A string, or nil when it is empty: vSphere writes "" for an unset uuid or file name.
    func nonEmptyString() throws(FieldError) -> String? {
        let text = try string()
        return text.isEmpty ? nil : text
    }

    /// A boolean, also accepting the strings "true"/"false" (OVF, VMX and YAML spell them so).
    func bool() throws(FieldError) -> Bool {
        switch value {
        case .bool(let b): return b
        case .string(let s) where ["true", "false"].contains(s.lowercased()): return s.lowercased() == "true"
        default: throw FieldError(path, "expected true or false, found \(value.kindName)")
        }
    }

    /// A non-negative whole number, exactly. Negative, fractional, exponent and out-of-range
    /// values are refused with the value quoted.
    func unsigned() throws(FieldError) -> UInt64 {
        let text: String
        switch value {
        case .number(let n): text = n
        case .string(let s): text = s.trimmingWhitespace()
        default: throw FieldError(path, "expected a whole number, found \(value.kindName)")
        }
        return try WholeNumber.parse(text, field: path)
    }

    /// A small whole number (bus, unit, key).
    func int() throws(FieldError) -> Int {
        let value = try unsigned()
        guard value <= UInt64(Int32.max) else { throw FieldError(path, "\(value) is out of range") }
        return Int(value)
    }
}
