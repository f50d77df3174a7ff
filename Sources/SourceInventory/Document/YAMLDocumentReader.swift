/// Turns YAML into a `DocumentValue` through the project's own reader (YAMLParser.swift; the
/// subset it reads is in docs/INVENTORIES.md), with the same protections as the JSON parser:
/// nesting is estimated from the text before it is parsed (block indentation levels, `- `
/// sequence entries and flow brackets), duplicate keys are refused with their path, and the
/// number of values after alias expansion is bounded ("billion laughs").
///
/// Plain scalars that look like whole numbers become numbers, `true`/`false` booleans,
/// `null`/`~`/empty null; quoted scalars are always strings.
enum YAMLDocumentReader {
    static func parse(_ bytes: [UInt8]) throws(FieldError) -> DocumentValue {
        try checkNesting(bytes)
        return try YAMLParser.parse(bytes)
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
}
