#if canImport(FoundationEssentials)
import FoundationEssentials
#else
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#endif

/// An XML element with namespace prefixes stripped from its name and attribute names
/// (`rasd:ResourceType` → `ResourceType`, `ovf:capacity` → `capacity`), which is how the
/// OVF reader matches them whatever prefixes a tool chose.
struct XMLElementNode: Sendable {
    var name: String
    var attributes: [String: String]
    var children: [XMLElementNode]
    var text: String
    /// e.g. `Envelope/VirtualSystem[0]/VirtualHardwareSection/Item[3]`.
    var path: String

    /// The children named `name`.
    func children(_ name: String) -> [XMLElementNode] { children.filter { $0.name == name } }

    /// The first child named `name`.
    func child(_ name: String) -> XMLElementNode? { children.first { $0.name == name } }

    /// The text of the first child named `name`, without leading and trailing whitespace.
    func childText(_ name: String) -> String? {
        child(name).map { String($0.text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()) }
    }
}

/// Parses XML into `XMLElementNode`s (docs/INVENTORIES.md). A small non-validating XML 1.0
/// parser of its own, so the release binary needs no libxml2 (docs/RELEASE.md): elements,
/// attributes, character data, CDATA, comments and processing instructions; the five
/// predefined entities and character references, and no other entity at all. DTDs are
/// refused, nesting deeper than `InventoryLimits.maximumNestingDepth` is refused, and a
/// document that is not well-formed is an error naming the line and column. It never recurses.
/// UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, and the
/// ISO-8859-1 / US-ASCII encodings an XML declaration may name are read.
enum XMLDocumentParser {
    static func parse(_ bytes: [UInt8]) throws(FieldError) -> XMLElementNode {
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
        if head.contains("<!DOCTYPE") || String(decoding: bytes, as: UTF8.self).contains("<!ENTITY") {
            throw FieldError(nil, "a DTD (<!DOCTYPE or <!ENTITY) is not accepted in an inventory")
        }
        var parser = Parser(utf8: try utf8Text(bytes))
        do throws(Parser.Failure) {
            return try parser.document()
        } catch {
            switch error {
            case .field(let field): throw field
            case .syntax(let at, let reason):
                let (line, column) = parser.position(of: at)
                throw FieldError(parser.currentPath, "invalid XML at line \(line), column \(column): \(reason)")
            }
        }
    }

    /// `ovf:capacity` → `capacity`.
    static func localName(_ qualified: String) -> String {
        qualified.split(separator: ":", maxSplits: 1).last.map(String.init) ?? qualified
    }

    /// The document as UTF-8 with XML's end-of-line handling applied (CR LF and CR → LF).
    private static func utf8Text(_ bytes: [UInt8]) throws(FieldError) -> [UInt8] {
        var text: [UInt8]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            text = Array(bytes.dropFirst(3))
        } else if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let little = bytes[0] == 0xFF
            guard bytes.count % 2 == 0 else { throw FieldError(nil, "invalid XML: UTF-16 text with an odd number of bytes") }
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2 - 1)
            var index = 2
            while index + 1 < bytes.count {
                units.append(little ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
                                    : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
                index += 2
            }
            guard let string = String(validating: units, as: UTF16.self) else {
                throw FieldError(nil, "invalid XML: the UTF-16 text has an unpaired surrogate")
            }
            text = Array(string.utf8)
        } else {
            text = bytes
            switch declaredEncoding(bytes) {
            case nil, "utf-8", "utf8", "us-ascii", "ascii":
                break
            case "iso-8859-1", "latin1", "latin-1", "iso8859-1":
                var string = ""
                string.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
                text = Array(string.utf8)
            case let other?:
                throw FieldError(nil, "invalid XML: the document's encoding \"\(other)\" is not supported (use UTF-8, UTF-16 or ISO-8859-1)")
            }
            guard String(validating: text, as: UTF8.self) != nil else {
                throw FieldError(nil, "invalid XML: the document is not valid UTF-8 and its XML declaration names no other encoding")
            }
        }
        guard text.contains(0x0D) else { return text }
        var normalized: [UInt8] = []
        normalized.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            if text[index] == 0x0D {
                normalized.append(0x0A)
                if index + 1 < text.count, text[index + 1] == 0x0A { index += 1 }
            } else {
                normalized.append(text[index])
            }
            index += 1
        }
        return normalized
    }

    /// The lower-cased `encoding` of an XML declaration at the very start, if any.
    private static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        guard bytes.starts(with: Array("<?xml".utf8)) else { return nil }
        let declaration = Array(bytes.prefix(200).prefix { $0 != UInt8(ascii: ">") })
        let key = Array("encoding".utf8)
        guard let start = declaration.indices.first(where: { declaration[$0...].starts(with: key) }) else { return nil }
        let rest = String(decoding: declaration[(start + key.count)...], as: UTF8.self)
            .drop { $0 == " " || $0 == "=" || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote }).lowercased()
    }

    /// The parser proper: one pass over UTF-8 bytes, an explicit element stack.
    private struct Parser {
        enum Failure: Error {
            case syntax(at: Int, String)
            case field(FieldError)
        }

        let bytes: [UInt8]
        var index = 0
        /// The open elements, and per element how many children of each name it has so far.
        var stack: [(node: XMLElementNode, counts: [String: Int])] = []

        init(utf8: [UInt8]) { bytes = utf8 }

        var currentPath: String? { stack.last?.node.path }

        /// 1-based line and column (in characters) of a byte offset.
        func position(of offset: Int) -> (Int, Int) {
            var line = 1, column = 1
            for byte in bytes[..<min(offset, bytes.count)] {
                if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
            }
            return (line, column)
        }

        func fail(_ reason: String, at offset: Int? = nil) -> Failure { .syntax(at: offset ?? index, reason) }

        func peek(_ literal: String) -> Bool {
            let utf8 = literal.utf8
            guard index + utf8.count <= bytes.count else { return false }
            return bytes[index..<index + utf8.count].elementsEqual(utf8)
        }

        mutating func skipWhitespace() {
            while index < bytes.count, Self.isWhitespace(bytes[index]) { index += 1 }
        }

        static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }

        static func isNameStart(_ byte: UInt8) -> Bool {
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x3A || byte >= 0x80
        }

        static func isNameChar(_ byte: UInt8) -> Bool {
            isNameStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x2E
        }

        mutating func name(_ what: String) throws(Failure) -> String {
            let start = index
            guard index < bytes.count, Self.isNameStart(bytes[index]) else { throw fail("expected \(what)") }
            while index < bytes.count, Self.isNameChar(bytes[index]) { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        /// Skips past `terminator`, failing with `unterminated` when the document ends first.
        mutating func skip(past terminator: String, unterminated: String) throws(Failure) {
            let start = index
            while index < bytes.count {
                if peek(terminator) { index += terminator.utf8.count; return }
                index += 1
            }
            throw fail(unterminated, at: start)
        }

        /// A comment, processing instruction or whitespace outside the root element.
        mutating func misc(atStart: Bool) throws(Failure) -> Bool {
            let start = index
            skipWhitespace()
            if peek("<!--") {
                try comment()
            } else if peek("<?") {
                let at = index
                index += 2
                let target = try name("a processing instruction target")
                if target.lowercased() == "xml" && !(atStart && at == 0) {
                    throw fail("an XML declaration is allowed only at the start of the document", at: at)
                }
                try skip(past: "?>", unterminated: "unterminated processing instruction")
            } else {
                return index != start
            }
            return true
        }

        mutating func comment() throws(Failure) {
            let start = index
            index += 4
            while index < bytes.count {
                if peek("--") {
                    guard index + 2 < bytes.count, bytes[index + 2] == UInt8(ascii: ">") else {
                        throw fail("'--' is not allowed inside a comment")
                    }
                    index += 3
                    return
                }
                index += 1
            }
            throw fail("unterminated comment", at: start)
        }

        mutating func document() throws(Failure) -> XMLElementNode {
            while try misc(atStart: true) {}
            guard index < bytes.count else { throw fail("the document has no root element") }
            guard bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count, Self.isNameStart(bytes[index + 1]) else {
                throw fail("content before the root element")
            }
            var root: XMLElementNode?
            while root == nil {
                guard index < bytes.count else {
                    throw fail("the document ends inside element <\(stack.last?.node.name ?? "")> (a missing end tag)")
                }
                if bytes[index] == UInt8(ascii: "<") {
                    if peek("</") {
                        root = try endTag()
                    } else if peek("<!--") {
                        try comment()
                    } else if peek("<![CDATA[") {
                        let start = index + 9
                        index = start
                        try skip(past: "]]>", unterminated: "unterminated CDATA section")
                        try appendText(String(decoding: bytes[start..<index - 3], as: UTF8.self), at: start)
                    } else if peek("<?") {
                        index += 2
                        _ = try name("a processing instruction target")
                        try skip(past: "?>", unterminated: "unterminated processing instruction")
                    } else if peek("<!") {
                        throw fail("a markup declaration is not allowed here")
                    } else {
                        root = try startTag()
                    }
                } else {
                    let start = index
                    let text = try characters(until: UInt8(ascii: "<"), attribute: false)
                    try appendText(text, at: start)
                }
            }
            while try misc(atStart: false) {}
            // NUL padding after the document (an OVF cut from a tar block) is not content.
            if bytes[index...].allSatisfy({ $0 == 0 }) { index = bytes.count }
            if index < bytes.count { throw fail("extra content after the root element") }
            return root!
        }

        mutating func appendText(_ text: String, at offset: Int) throws(Failure) {
            guard !stack.isEmpty else { throw fail("text outside the root element", at: offset) }
            stack[stack.count - 1].node.text += text
        }

        /// A start tag; returns the element when it is empty (`<a/>`) and was the root.
        mutating func startTag() throws(Failure) -> XMLElementNode? {
            let tagStart = index
            index += 1
            let qualified = try name("an element name")
            if stack.count >= InventoryLimits.maximumNestingDepth {
                throw .field(FieldError(currentPath, "XML nesting deeper than \(InventoryLimits.maximumNestingDepth) levels"))
            }
            var attributes: [String: String] = [:]
            var seen: Set<String> = []
            while true {
                let beforeSpace = index
                skipWhitespace()
                guard index < bytes.count else { throw fail("unterminated start tag <\(qualified)>", at: tagStart) }
                if bytes[index] == UInt8(ascii: ">") || peek("/>") { break }
                guard index > beforeSpace else { throw fail("expected whitespace, '>' or '/>' in start tag <\(qualified)>") }
                let attributeName = try name("an attribute name")
                guard seen.insert(attributeName).inserted else {
                    throw fail("attribute \(attributeName) appears twice in <\(qualified)>")
                }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw fail("expected '=' after attribute \(attributeName)") }
                index += 1
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                    throw fail("the value of attribute \(attributeName) must be quoted")
                }
                let quote = bytes[index]
                index += 1
                let value = try characters(until: quote, attribute: true)
                guard index < bytes.count else { throw fail("unterminated value of attribute \(attributeName)") }
                index += 1
                attributes[XMLDocumentParser.localName(attributeName)] = value
            }
            let elementName = XMLDocumentParser.localName(qualified)
            let siblings = stack.last?.counts[elementName] ?? 0
            if !stack.isEmpty { stack[stack.count - 1].counts[elementName] = siblings + 1 }
            let parentPath = stack.last.map { $0.node.path + "/" } ?? ""
            let path = parentPath + elementName + (stack.isEmpty ? "" : "[\(siblings)]")
            stack.append((XMLElementNode(name: elementName, attributes: attributes, children: [], text: "", path: path),
                          [:]))
            if peek("/>") {
                index += 2
                return close(qualified: qualified)
            }
            index += 1
            stackNames.append(qualified)
            return nil
        }

        /// The qualified names of the open elements whose end tag is still to come.
        var stackNames: [String] = []

        mutating func close(qualified: String) -> XMLElementNode? {
            let element = stack.removeLast().node
            if stack.isEmpty { return element }
            stack[stack.count - 1].node.children.append(element)
            return nil
        }

        mutating func endTag() throws(Failure) -> XMLElementNode? {
            let at = index
            index += 2
            let qualified = try name("an element name in an end tag")
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw fail("expected '>' to end </\(qualified)>") }
            index += 1
            guard let open = stackNames.last else { throw fail("end tag </\(qualified)> without a start tag", at: at) }
            guard open == qualified else {
                throw fail("end tag </\(qualified)> does not match the start tag <\(open)>", at: at)
            }
            stackNames.removeLast()
            return close(qualified: qualified)
        }

        /// Character data up to `terminator` (not consumed), with references replaced; in an
        /// attribute value, '<' is an error and whitespace characters become spaces.
        mutating func characters(until terminator: UInt8, attribute: Bool) throws(Failure) -> String {
            var out: [UInt8] = []
            while index < bytes.count, bytes[index] != terminator {
                let byte = bytes[index]
                if byte == UInt8(ascii: "&") {
                    try reference(into: &out)
                    continue
                }
                if attribute && byte == UInt8(ascii: "<") { throw fail("'<' is not allowed in an attribute value") }
                if byte < 0x20 && byte != 0x09 && byte != 0x0A {
                    throw fail("control character U+\(String(byte, radix: 16, uppercase: true).leftPadded(4)) is not allowed in XML")
                }
                if !attribute && byte == UInt8(ascii: "]") && peek("]]>") { throw fail("']]>' is not allowed in text") }
                out.append(attribute && (byte == 0x09 || byte == 0x0A) ? 0x20 : byte)
                index += 1
            }
            return String(decoding: out, as: UTF8.self)
        }

        /// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#N;` `&#xH;`; anything else is an error.
        mutating func reference(into out: inout [UInt8]) throws(Failure) {
            let start = index
            index += 1
            var body: [UInt8] = []
            while index < bytes.count, bytes[index] != UInt8(ascii: ";"), body.count < 32 {
                body.append(bytes[index])
                index += 1
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: ";") else {
                throw fail("'&' must start an entity or character reference ending in ';' (write &amp; for '&')", at: start)
            }
            index += 1
            let text = String(decoding: body, as: UTF8.self)
            switch text {
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "amp": out.append(UInt8(ascii: "&"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            default:
                var value: UInt32?
                if text.hasPrefix("#x") { value = UInt32(text.dropFirst(2), radix: 16) } else if text.hasPrefix("#") { value = UInt32(text.dropFirst(), radix: 10) }
                guard text.hasPrefix("#") else { throw fail("entity '&\(text);' is not defined (no DTD is read)", at: start) }
                guard let value, let scalar = Unicode.Scalar(value),
                      value == 0x09 || value == 0x0A || value == 0x0D || value >= 0x20, value != 0xFFFE, value != 0xFFFF else {
                    throw fail("'&\(text);' is not a valid character reference", at: start)
                }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
