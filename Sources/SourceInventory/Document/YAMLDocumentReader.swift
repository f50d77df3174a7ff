import Yams

/// Turns YAML into a `DocumentValue` through Yams (libyaml), with the same protections as
/// the JSON parser: nesting is estimated from the text before Yams sees it (block indentation
/// levels, `- ` sequence entries and flow brackets), duplicate keys are refused with their
/// path, and the number of values after alias expansion is bounded ("billion laughs").
///
/// Plain scalars that look like whole numbers become numbers, `true`/`false` booleans,
/// `null`/`~`/empty null; quoted scalars are always strings.
struct YAMLDocumentReader {
    private var budget = InventoryLimits.maximumYAMLNodes

    static func parse(_ bytes: [UInt8]) throws(FieldError) -> DocumentValue {
        try checkNesting(bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw FieldError(nil, "invalid YAML: \(String(describing: error).split(separator: "\n").joined(separator: " "))")
        }
        guard let node else { throw FieldError(nil, "the YAML document is empty") }
        var reader = YAMLDocumentReader()
        return try reader.convert(node, path: "", depth: 1)
    }

    /// A conservative estimate of the deepest nesting, refused past the limit. Works on the
    /// UTF-8 bytes line by line and stops at the first line past the limit.
    static func checkNesting(_ bytes: [UInt8]) throws(FieldError) {
        let limit = InventoryLimits.maximumNestingDepth
        var indents: [Int] = []
        var flow = 0
        var lineNumber = 0
        var lineStart = 0
        while lineStart < bytes.count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            defer { lineStart = lineEnd + 1 }
            var position = lineStart
            while position < lineEnd, bytes[position] == UInt8(ascii: " ") { position += 1 }
            let indent = position - lineStart
            if position == lineEnd || bytes[position] == UInt8(ascii: "#") || bytes[position] == UInt8(ascii: "\r") { continue }
            if flow == 0 {
                while let last = indents.last, last >= indent { indents.removeLast() }
                indents.append(indent)
            }
            var dashes = 0
            var cursor = position
            while cursor < lineEnd, bytes[cursor] == UInt8(ascii: "-"),
                  cursor + 1 == lineEnd || bytes[cursor + 1] == UInt8(ascii: " ") {
                dashes += 1
                cursor += 2
            }
            var quote: UInt8?
            var deepest = indents.count + dashes + flow
            for index in position..<lineEnd where deepest <= limit {
                let byte = bytes[index]
                if let open = quote {
                    if byte == open { quote = nil }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = byte
                case UInt8(ascii: "["), UInt8(ascii: "{"): flow += 1
                case UInt8(ascii: "]"), UInt8(ascii: "}"): flow = max(0, flow - 1)
                default: break
                }
                deepest = max(deepest, indents.count + dashes + flow)
            }
            if deepest > limit {
                throw FieldError(nil, "YAML nesting deeper than \(limit) levels (line \(lineNumber))")
            }
        }
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
