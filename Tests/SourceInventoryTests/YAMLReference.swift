@testable import SourceInventory
import Yams

/// The conversion the project used before it had its own YAML reader (Yams' `compose`, then
/// this walk), kept as the reference YAMLReaderTests checks the new reader against.
struct YAMLReference {
    private var budget = InventoryLimits.maximumYAMLNodes

    static func parse(_ bytes: [UInt8]) throws(FieldError) -> DocumentValue {
        try YAMLDocumentReader.checkNesting(bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw FieldError(nil, "invalid YAML: \(String(describing: error).split(separator: "\n").joined(separator: " "))")
        }
        guard let node else { throw FieldError(nil, "the YAML document is empty") }
        var reader = YAMLReference()
        return try reader.convert(node, path: "", depth: 1)
    }

    private mutating func convert(_ node: Node, path: String, depth: Int) throws(FieldError) -> DocumentValue {
        budget -= 1
        if budget < 0 { throw FieldError(path.isEmpty ? nil : path, "the YAML expands to more than \(InventoryLimits.maximumYAMLNodes) values (aliases?)") }
        if depth > InventoryLimits.maximumNestingDepth {
            throw FieldError(path.isEmpty ? nil : path, "YAML nesting deeper than \(InventoryLimits.maximumNestingDepth) levels")
        }
        switch node {
        case .scalar(let scalar):
            return Self.scalarValue(scalar)
        case .sequence(let sequence):
            var items: [DocumentValue] = []
            for (index, item) in sequence.enumerated() {
                items.append(try convert(item, path: "\(path)[\(index)]", depth: depth + 1))
            }
            return .array(items)
        case .mapping(let mapping):
            var members: [(key: String, value: DocumentValue)] = []
            var seen = Set<String>()
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let keyScalar) = keyNode else {
                    throw FieldError(path.isEmpty ? nil : path, "a mapping key that is not a plain value")
                }
                let key = keyScalar.string
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if !seen.insert(key).inserted { throw FieldError(childPath, "duplicate key \"\(key)\"") }
                members.append((key, try convert(valueNode, path: childPath, depth: depth + 1)))
            }
            return .object(members)
        }
    }

    private static func scalarValue(_ scalar: Node.Scalar) -> DocumentValue {
        let text = scalar.string
        guard scalar.style == .plain else { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) { return .number(text) }
        return .string(text)
    }
}
