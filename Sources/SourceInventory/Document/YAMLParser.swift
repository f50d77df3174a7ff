/// The project's own YAML reader (it replaced Yams/LibYAML, which needed full Foundation for
/// NSRegularExpression, so the release binary links no YAML library; docs/RELEASE.md). It
/// uses only the standard library. It reads the YAML subset
/// docs/INVENTORIES.md describes — block mappings and sequences, flow `[...]`/`{...}`, plain,
/// single- and double-quoted scalars (multi-line, folded), block scalars `|`/`>` with
/// chomping and indentation indicators, comments, one document with `---`/`...`, anchors and
/// aliases, the tags `!!str`, `!!int`, `!!map`, `!!seq` — straight into `DocumentValue`.
/// Anything else is refused with "invalid YAML: line L, column C: …".
///
/// One pass over the bytes, no backtracking past a line; recursion only per nesting level
/// (bounded by `InventoryLimits.maximumNestingDepth`); aliases are expanded by sharing the
/// anchored value, and every value, expanded ones included, counts against
/// `InventoryLimits.maximumYAMLNodes`.
struct YAMLParser {
    private let bytes: [UInt8]
    private var pos = 0
    /// The index where the line holding `pos` starts.
    private var lineStart = 0
    private var depth = 0
    private var deepest = 0
    private var budget = InventoryLimits.maximumYAMLNodes
    /// Values made so far, expanded aliases included (an anchor's count is a difference).
    private var made = 0
    private var anchors: [String: Anchored] = [:]
    private var path: [PathStep] = []
    /// The text of the plain scalar just read in block context (for `!!str` / `!!int`).
    private var lastPlainText: String?

    private struct Anchored {
        var value: DocumentValue
        var count: Int
        var height: Int
    }

    private enum PathStep {
        case key(String)
        case index(Int)
    }

    private enum Tag {
        case str, int, map, seq
    }

    private struct Properties {
        var anchor: String?
        var tag: Tag?
        var tagPosition = 0
        var isEmpty: Bool { anchor == nil && tag == nil }
    }

    /// A node read in a flow collection, before it is known to be a key or a value.
    private struct FlowItem {
        var value: DocumentValue
        /// The scalar's text when the node is a scalar (a key must be one).
        var keyText: String?
        var properties: Properties
    }

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    // MARK: Entry

    static func parse(_ input: [UInt8]) throws(FieldError) -> DocumentValue {
        var bytes = input
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.contains(UInt8(ascii: "\r")) { bytes = normalizedLineBreaks(bytes) }
        var parser = YAMLParser(bytes)
        try parser.checkCharacters()
        return try parser.document()
    }

    /// "\r\n" and a lone "\r" become "\n", as YAML reads them.
    private static func normalizedLineBreaks(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D {
                out.append(0x0A)
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
            } else {
                out.append(byte)
            }
            index += 1
        }
        return out
    }

    /// Control characters other than tab and line break are not YAML.
    private mutating func checkCharacters() throws(FieldError) {
        for index in bytes.indices {
            let byte = bytes[index]
            if (byte < 0x20 && byte != 0x09 && byte != 0x0A) || byte == 0x7F {
                pos = index
                lineStart = (bytes[..<index].lastIndex(of: 0x0A) ?? -1) + 1
                throw syntax("control character U+\(hex(byte)) is not allowed")
            }
        }
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "00" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }

    private mutating func document() throws(FieldError) -> DocumentValue {
        var sawStart = false
        var sawDirective = false
        // Directives (only "%YAML 1.x") and the document start marker.
        while try skipToContent() {
            if pos == lineStart, byte(pos) == UInt8(ascii: "%") {
                if !matches("%YAML", at: pos) || !isBlank(byte(pos + 5)) {
                    throw syntax("directives other than %YAML are not supported")
                }
                pos += 5
                skipBlanks()
                if !(matches("1.", at: pos) && byte(pos + 2) >= UInt8(ascii: "0") && byte(pos + 2) <= UInt8(ascii: "9") && isBlank(byte(pos + 3))) {
                    throw syntax("the %YAML directive needs a version 1.x")
                }
                pos += 3
                try expectLineEnd()
                sawDirective = true
                continue
            }
            break
        }
        if sawDirective, !(pos < bytes.count && isDocumentMarker("---")) {
            throw syntax("a directive must be followed by \"---\"")
        }
        var value: DocumentValue?
        if pos < bytes.count, isDocumentMarker("---") {
            sawStart = true
            pos += 3
            skipBlanks()
            if !atLineEndOrComment() {
                value = try blockNode(parentIndent: -1, allowCollection: false, sequenceAtParent: false)
            }
        }
        if value == nil, try skipToContent(), !isDocumentMarker("---"), !isDocumentMarker("...") {
            value = try blockNode(parentIndent: -1, allowCollection: true, sequenceAtParent: false)
        }
        // What may follow: comments, "...", and nothing else.
        while try skipToContent() {
            if isDocumentMarker("...") {
                pos += 3
                try expectLineEnd()
                continue
            }
            if isDocumentMarker("---") {
                throw syntax("the file holds a second YAML document (only one is read)")
            }
            throw syntax("unexpected text after the document's value (is the indentation right?)")
        }
        if let value { return value }
        if sawStart {
            try count()
            return .null
        }
        throw FieldError(nil, "the YAML document is empty")
    }

    // MARK: Errors and positions

    private func syntax(_ message: String, at position: Int? = nil) -> FieldError {
        let at = min(position ?? pos, bytes.count)
        var line = 1
        var start = 0
        for index in 0..<at where bytes[index] == 0x0A {
            line += 1
            start = index + 1
        }
        // Columns count characters (UTF-8 lead bytes), from 1.
        var column = 1
        for index in start..<at where bytes[index] & 0xC0 != 0x80 { column += 1 }
        return FieldError(nil, "invalid YAML: line \(line), column \(column): \(message)")
    }

    private var pathText: String? {
        var text = ""
        for step in path {
            switch step {
            case .key(let key): text = text.isEmpty ? key : "\(text).\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text.isEmpty ? nil : text
    }

    /// One more value (or `values` of an expanded alias) against the budget.
    private mutating func count(_ values: Int = 1) throws(FieldError) {
        budget -= values
        made += values
        if budget < 0 {
            throw FieldError(pathText, "the YAML expands to more than \(InventoryLimits.maximumYAMLNodes) values (aliases?)")
        }
    }

    private mutating func enter() throws(FieldError) {
        depth += 1
        deepest = max(deepest, depth)
        if depth > InventoryLimits.maximumNestingDepth {
            throw FieldError(pathText, "YAML nesting deeper than \(InventoryLimits.maximumNestingDepth) levels")
        }
    }

    // MARK: Bytes

    @inline(__always) private func byte(_ index: Int) -> UInt8 {
        index < bytes.count ? bytes[index] : 0
    }

    /// Space, tab, line break or the end.
    @inline(__always) private func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0
    }

    @inline(__always) private func isFlowIndicator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
            || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}")
    }

    private func matches(_ text: StaticString, at index: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let start = text.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] { return false }
        return true
    }

    private func isDocumentMarker(_ marker: StaticString) -> Bool {
        pos == lineStart && matches(marker, at: pos) && isBlank(byte(pos + 3))
    }

    private var column: Int { pos - lineStart }

    private mutating func skipBlanks() {
        while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x09 { pos += 1 }
    }

    private mutating func skipToLineEnd() {
        while pos < bytes.count, bytes[pos] != 0x0A { pos += 1 }
    }

    private func atLineEndOrComment() -> Bool {
        let current = byte(pos)
        return current == 0x0A || current == 0 || (current == UInt8(ascii: "#") && (pos == lineStart || isBlank(bytes[pos - 1])))
    }

    /// After a value: only blanks and a comment may follow on its line.
    private mutating func expectLineEnd() throws(FieldError) {
        skipBlanks()
        if byte(pos) == UInt8(ascii: "#") {
            skipToLineEnd()
        }
        if pos < bytes.count, bytes[pos] != 0x0A {
            if bytes[pos] == UInt8(ascii: ":") {
                throw syntax("mapping values are not allowed in this context")
            }
            throw syntax("unexpected text after the value")
        }
    }

    /// Skips blanks, comments and empty lines up to the next content; false at the end.
    /// A tab in the indentation of a content line is refused.
    private mutating func skipToContent() throws(FieldError) -> Bool {
        while pos < bytes.count {
            let current = bytes[pos]
            if current == 0x20 || current == 0x09 {
                skipBlanks()
                continue
            }
            if current == 0x0A {
                pos += 1
                lineStart = pos
                continue
            }
            if current == UInt8(ascii: "#"), pos == lineStart || isBlank(bytes[pos - 1]) {
                skipToLineEnd()
                continue
            }
            if bytes[lineStart..<pos].contains(0x09) {
                throw syntax("a tab in the indentation (YAML indents with spaces only)")
            }
            return true
        }
        return false
    }

    // MARK: Block nodes

    private func isSequenceEntry() -> Bool {
        byte(pos) == UInt8(ascii: "-") && isBlank(byte(pos + 1))
    }

    /// A node at `pos` in block context. `parentIndent` is the column of the enclosing block
    /// collection (-1 at the top); `allowCollection` is false on the line of a "key:".
    private mutating func blockNode(parentIndent: Int, allowCollection: Bool, sequenceAtParent: Bool) throws(FieldError) -> DocumentValue {
        try enter()
        defer { depth -= 1 }
        let startMade = made
        let startDeepest = deepest
        deepest = depth
        defer { deepest = max(startDeepest, deepest) }
        let properties = try readProperties(flow: false)
        lastPlainText = nil
        var value: DocumentValue
        if !properties.isEmpty, atLineEndOrComment() {
            // The node's content is on the lines below (or it is empty).
            if try skipToContent(), !isDocumentMarker("---"), !isDocumentMarker("..."),
               column > parentIndent || (column == parentIndent && sequenceAtParent && isSequenceEntry()) {
                value = try blockContent(parentIndent: parentIndent, allowCollection: true, properties: nil)
            } else {
                try count()
                value = .null
            }
        } else {
            let keyProperties = allowCollection && !properties.isEmpty ? properties : nil
            value = try blockContent(parentIndent: parentIndent, allowCollection: allowCollection, properties: keyProperties)
            if keyProperties != nil { return value }  // they belonged to the first key
        }
        return try finish(value, properties, startMade: startMade, plainText: lastPlainText)
    }

    /// Applies a node's tag and records its anchor.
    private mutating func finish(_ value: DocumentValue, _ properties: Properties, startMade: Int, plainText: String? = nil) throws(FieldError) -> DocumentValue {
        var value = value
        if let tag = properties.tag {
            value = try tagged(value, tag, plainText: plainText, at: properties.tagPosition)
        }
        if let anchor = properties.anchor {
            anchors[anchor] = Anchored(value: value, count: made - startMade, height: deepest - depth + 1)
        }
        return value
    }

    /// `!!str` makes a plain scalar a string (its text as written), `!!int` requires a whole
    /// number, `!!map` / `!!seq` only confirm the kind.
    private func tagged(_ value: DocumentValue, _ tag: Tag, plainText: String?, at position: Int) throws(FieldError) -> DocumentValue {
        switch (tag, value) {
        case (.str, .string): return value
        case (.str, .null), (.str, .bool), (.str, .number):
            return .string(plainText ?? "")
        case (.int, .number): return value
        case (.int, .string), (.int, .bool), (.int, .null):
            var text = plainText ?? ""
            if case .string(let string) = value { text = string }
            if case .number = Self.plainValue(text) { return .number(text) }
            throw syntax("'\(text)' is not a whole number (!!int)", at: position)
        case (.map, .object), (.seq, .array): return value
        default:
            throw syntax("the tag does not fit the \(value.kindName) it is on", at: position)
        }
    }

    /// Reads `&anchor` and `!tag` in either order.
    private mutating func readProperties(flow: Bool) throws(FieldError) -> Properties {
        var properties = Properties()
        while true {
            let current = byte(pos)
            if current == UInt8(ascii: "&") {
                if properties.anchor != nil { throw syntax("two anchors on one node") }
                pos += 1
                properties.anchor = try readName(flow: flow)
            } else if current == UInt8(ascii: "!") {
                if properties.tag != nil { throw syntax("two tags on one node") }
                properties.tagPosition = pos
                let start = pos
                while pos < bytes.count, !isBlank(bytes[pos]), !(flow && isFlowIndicator(bytes[pos])) { pos += 1 }
                let text = String(decoding: bytes[start..<pos], as: UTF8.self)
                switch text {
                case "!!str", "!<tag:yaml.org,2002:str>": properties.tag = .str
                case "!!int", "!<tag:yaml.org,2002:int>": properties.tag = .int
                case "!!map", "!<tag:yaml.org,2002:map>": properties.tag = .map
                case "!!seq", "!<tag:yaml.org,2002:seq>": properties.tag = .seq
                default:
                    throw syntax("the tag \(text) is not supported (only !!str, !!int, !!map and !!seq)", at: start)
                }
            } else {
                return properties
            }
            skipBlanks()
        }
    }

    /// An anchor's or alias's name: letters, digits, "-" and "_".
    private mutating func readName(flow: Bool) throws(FieldError) -> String {
        let start = pos
        while pos < bytes.count {
            let current = bytes[pos]
            let isNameByte = (current >= UInt8(ascii: "a") && current <= UInt8(ascii: "z"))
                || (current >= UInt8(ascii: "A") && current <= UInt8(ascii: "Z"))
                || (current >= UInt8(ascii: "0") && current <= UInt8(ascii: "9"))
                || current == UInt8(ascii: "-") || current == UInt8(ascii: "_")
            if !isNameByte { break }
            pos += 1
        }
        let end = byte(pos)
        let ends = isBlank(end) || (flow && (end == UInt8(ascii: ",") || end == UInt8(ascii: "]") || end == UInt8(ascii: "}")))
        if pos == start || !ends {
            throw syntax("an anchor or alias name may hold only letters, digits, '-' and '_'", at: start)
        }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    private mutating func alias(flow: Bool) throws(FieldError) -> DocumentValue {
        let start = pos
        pos += 1
        let name = try readName(flow: flow)
        guard let anchored = anchors[name] else {
            throw syntax("the alias *\(name) names no anchor defined before it", at: start)
        }
        try count(anchored.count)
        deepest = max(deepest, depth + anchored.height - 1)
        if depth + anchored.height - 1 > InventoryLimits.maximumNestingDepth {
            throw FieldError(pathText, "YAML nesting deeper than \(InventoryLimits.maximumNestingDepth) levels")
        }
        return anchored.value
    }

    /// The content of a block node (its properties already read). With `properties`, they
    /// belong to the first key if the content is a mapping.
    private mutating func blockContent(parentIndent: Int, allowCollection: Bool, properties: Properties?) throws(FieldError) -> DocumentValue {
        let start = pos
        let nodeColumn = column
        let current = byte(pos)
        switch current {
        case UInt8(ascii: "-") where isBlank(byte(pos + 1)):
            guard allowCollection else { throw syntax("a block sequence cannot start on the line of its key") }
            if let properties { return try finish(try blockSequence(column: nodeColumn), properties, startMade: made) }
            return try blockSequence(column: nodeColumn)
        case UInt8(ascii: "?") where isBlank(byte(pos + 1)):
            throw syntax("explicit keys (\"? \") are not supported")
        case UInt8(ascii: ":") where isBlank(byte(pos + 1)):
            throw syntax("a mapping key is missing before ':'")
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
            try count()
            let text = try blockScalar(parentIndent: parentIndent)
            return try keylessFinish(.string(text), properties)
        case UInt8(ascii: "*"):
            if properties != nil { throw syntax("an alias cannot have an anchor or a tag") }
            let value = try alias(flow: false)
            skipBlanks()
            if byte(pos) == UInt8(ascii: ":"), isBlank(byte(pos + 1)) {
                throw syntax("an alias as a mapping key is not supported", at: start)
            }
            try expectLineEnd()
            return value
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let startMade = made
            let item = try flowCollection()
            skipBlanks()
            if byte(pos) == UInt8(ascii: ":"), isBlank(byte(pos + 1)) {
                throw FieldError(pathText, "a mapping key that is not a plain value")
            }
            try expectLineEnd()
            if let properties { return try finish(item, properties, startMade: startMade) }
            return item
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            let startLine = lineStart
            let text = try quoted()
            skipBlanks()
            if byte(pos) == UInt8(ascii: ":"), isBlank(byte(pos + 1)) {
                guard allowCollection else { throw syntax("mapping values are not allowed in this context") }
                if lineStart != startLine { throw syntax("a mapping key must be on one line", at: start) }
                return try blockMapping(column: nodeColumn, firstKey: text, firstKeyPlain: false, keyStart: start, keyProperties: properties)
            }
            try expectLineEnd()
            try count()
            return try keylessFinish(.string(text), properties)
        case UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ","), UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "%"):
            throw syntax("'\(Character(Unicode.Scalar(current)))' cannot start a value")
        default:
            break
        }
        // A plain scalar, or the first key of a mapping.
        var text = plainLine()
        if byte(pos) == UInt8(ascii: ":"), isBlank(byte(pos + 1)) {
            guard allowCollection else { throw syntax("mapping values are not allowed in this context") }
            return try blockMapping(column: nodeColumn, firstKey: text, firstKeyPlain: true, keyStart: start, keyProperties: properties)
        }
        text = try plainContinuation(text, parentIndent: parentIndent)
        lastPlainText = text
        try count()
        if let properties { return try finish(Self.plainValue(text), properties, startMade: made - 1, plainText: text) }
        return Self.plainValue(text)
    }

    /// `finish` for a scalar whose properties were handed down for a key that never came.
    private mutating func keylessFinish(_ value: DocumentValue, _ properties: Properties?) throws(FieldError) -> DocumentValue {
        guard let properties else { return value }
        return try finish(value, properties, startMade: made - 1)
    }

    /// One line of a plain scalar in block context, up to ": ", " #" or the line's end,
    /// trailing blanks dropped.
    private mutating func plainLine() -> String {
        let start = pos
        var end = pos
        while pos < bytes.count {
            let current = bytes[pos]
            if current == 0x0A { break }
            if current == UInt8(ascii: ":"), isBlank(byte(pos + 1)) { break }
            if current == UInt8(ascii: "#"), pos > start, bytes[pos - 1] == 0x20 || bytes[pos - 1] == 0x09 { break }
            pos += 1
            if current != 0x20 && current != 0x09 { end = pos }
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// Further lines of a plain scalar (indented more than `parentIndent`), folded.
    private mutating func plainContinuation(_ first: String, parentIndent: Int) throws(FieldError) -> String {
        var text = first
        while true {
            // At a comment or the end of the first line.
            if byte(pos) != 0x0A { return text }
            let saved = (pos, lineStart)
            var breaks = 0
            while byte(pos) == 0x0A {
                breaks += 1
                pos += 1
                lineStart = pos
                skipBlanks()
            }
            let indent = bytes[lineStart..<pos].firstIndex(of: 0x09).map { $0 - lineStart } ?? (pos - lineStart)
            if pos >= bytes.count || indent <= parentIndent || isDocumentMarkerAtLineStart()
                || byte(pos) == UInt8(ascii: "#") {
                (pos, lineStart) = saved
                return text
            }
            let line = plainLine()
            if byte(pos) == UInt8(ascii: ":"), isBlank(byte(pos + 1)) {
                throw syntax("mapping values are not allowed in this context")
            }
            text += breaks == 1 ? " " : String(repeating: "\n", count: breaks - 1)
            text += line
        }
    }

    private func isDocumentMarkerAtLineStart() -> Bool {
        (matches("---", at: lineStart) || matches("...", at: lineStart)) && isBlank(byte(lineStart + 3))
    }

    private mutating func blockMapping(column mappingColumn: Int, firstKey: String, firstKeyPlain: Bool, keyStart: Int, keyProperties: Properties?) throws(FieldError) -> DocumentValue {
        try count()
        var members: [(key: String, value: DocumentValue)] = []
        var seen = Set<String>()
        var key = firstKey
        var plain = firstKeyPlain
        var start = keyStart
        var properties = keyProperties
        while true {
            if plain, key.isEmpty { throw syntax("a mapping key is missing before ':'", at: start) }
            if plain, key == "<<" { throw syntax("merge keys (<<) are not supported", at: start) }
            if let properties {
                if let tag = properties.tag, tag != .str { throw syntax("the tag does not fit a mapping key", at: properties.tagPosition) }
                if let anchor = properties.anchor { anchors[anchor] = Anchored(value: .string(key), count: 1, height: 1) }
            }
            path.append(.key(key))
            if Self.isDuplicate(key, members, &seen) { throw FieldError(pathText, "duplicate key \"\(key)\"") }
            pos += 1  // the ':'
            members.append((key, try mappingValue(keyIndent: mappingColumn)))
            path.removeLast()
            guard try skipToContent(), !isDocumentMarker("---"), !isDocumentMarker("...") else { break }
            if column < mappingColumn { break }
            if column > mappingColumn { throw syntax("this line is indented more than the keys of its mapping (column \(mappingColumn + 1))") }
            // The next key.
            start = pos
            properties = try readProperties(flow: false)
            if properties?.isEmpty == true { properties = nil }
            switch byte(pos) {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let line = lineStart
                key = try quoted()
                if lineStart != line { throw syntax("a mapping key must be on one line", at: start) }
                plain = false
            case UInt8(ascii: "-") where isBlank(byte(pos + 1)):
                throw syntax("a sequence entry among the keys of a mapping")
            case UInt8(ascii: "?") where isBlank(byte(pos + 1)):
                throw syntax("explicit keys (\"? \") are not supported")
            case UInt8(ascii: "*"):
                throw syntax("an alias as a mapping key is not supported")
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                throw FieldError(pathText, "a mapping key that is not a plain value")
            case UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: ","),
                 UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "%"):
                throw syntax("expected a key (\"key: value\") here")
            default:
                key = plainLine()
                plain = true
            }
            skipBlanks()
            guard byte(pos) == UInt8(ascii: ":"), isBlank(byte(pos + 1)) else {
                throw syntax("expected ':' after the key (could not find \"key: value\")")
            }
        }
        return .object(members)
    }

    /// The value after "key:" of a block mapping whose keys are at `keyIndent`.
    private mutating func mappingValue(keyIndent: Int) throws(FieldError) -> DocumentValue {
        skipBlanks()
        if atLineEndOrComment() {
            if try skipToContent(), !isDocumentMarker("---"), !isDocumentMarker("..."),
               column > keyIndent || (column == keyIndent && isSequenceEntry()) {
                return try blockNode(parentIndent: keyIndent, allowCollection: true, sequenceAtParent: true)
            }
            try count()
            return .null
        }
        return try blockNode(parentIndent: keyIndent, allowCollection: false, sequenceAtParent: true)
    }

    private mutating func blockSequence(column sequenceColumn: Int) throws(FieldError) -> DocumentValue {
        try count()
        var items: [DocumentValue] = []
        while true {
            pos += 1  // the '-'
            if byte(pos) == 0x09 { throw syntax("a tab after '-' (YAML indents with spaces only)") }
            path.append(.index(items.count))
            skipBlanks()
            if atLineEndOrComment() {
                if try skipToContent(), !isDocumentMarker("---"), !isDocumentMarker("..."), column > sequenceColumn {
                    items.append(try blockNode(parentIndent: sequenceColumn, allowCollection: true, sequenceAtParent: false))
                } else {
                    try count()
                    items.append(.null)
                }
            } else {
                items.append(try blockNode(parentIndent: sequenceColumn, allowCollection: true, sequenceAtParent: false))
            }
            path.removeLast()
            guard try skipToContent(), !isDocumentMarker("---"), !isDocumentMarker("...") else { break }
            if column < sequenceColumn { break }
            if column > sequenceColumn {
                throw syntax("this line is indented more than the entries of its sequence (column \(sequenceColumn + 1))")
            }
            if !isSequenceEntry() { break }
        }
        return .array(items)
    }

    /// Whether `key` is already among `members`: a scan while the mapping is small, then a
    /// set (filled on first use), so a huge mapping stays linear.
    private static func isDuplicate(_ key: String, _ members: [(key: String, value: DocumentValue)], _ seen: inout Set<String>) -> Bool {
        if members.count < 16 { return members.contains { $0.key == key } }
        if seen.isEmpty { seen = Set(members.map(\.key)) }
        return !seen.insert(key).inserted
    }

    // MARK: Block scalars

    /// `|` or `>` with optional chomping (`-`, `+`) and indentation (1-9) indicators, as
    /// LibYAML reads them.
    private mutating func blockScalar(parentIndent: Int) throws(FieldError) -> String {
        let folded = bytes[pos] == UInt8(ascii: ">")
        pos += 1
        var chomping = 0  // -1 strip, 0 clip, +1 keep
        var increment = 0
        for _ in 0..<2 {
            let current = byte(pos)
            if (current == UInt8(ascii: "+") || current == UInt8(ascii: "-")) && chomping == 0 {
                chomping = current == UInt8(ascii: "+") ? 1 : -1
                pos += 1
            } else if current >= UInt8(ascii: "1") && current <= UInt8(ascii: "9") && increment == 0 {
                increment = Int(current - UInt8(ascii: "0"))
                pos += 1
            } else if current == UInt8(ascii: "0") {
                throw syntax("a block scalar's indentation indicator must be 1 to 9")
            }
        }
        let headerEnd = pos
        skipBlanks()
        if byte(pos) == UInt8(ascii: "#"), pos > headerEnd { skipToLineEnd() }
        if pos < bytes.count, bytes[pos] != 0x0A {
            throw syntax("unexpected text after the block scalar's indicator")
        }
        if pos >= bytes.count { return "" }
        pos += 1
        lineStart = pos
        var indent = increment > 0 ? (parentIndent >= 0 ? parentIndent + increment : increment) : 0
        var out: [UInt8] = []
        var trailingBreaks = try blockScalarBreaks(indent: &indent, parentIndent: parentIndent)
        var leadingBreak = false
        var leadingBlank = false
        while column == indent, pos < bytes.count {
            let trailingBlank = bytes[pos] == 0x20 || bytes[pos] == 0x09
            if folded && leadingBreak && !leadingBlank && !trailingBlank {
                if trailingBreaks == 0 { out.append(0x20) }
            } else if leadingBreak {
                out.append(0x0A)
            }
            leadingBreak = false
            out.append(contentsOf: repeatElement(0x0A, count: trailingBreaks))
            leadingBlank = trailingBlank
            let start = pos
            skipToLineEnd()
            out.append(contentsOf: bytes[start..<pos])
            if pos >= bytes.count { break }
            pos += 1
            lineStart = pos
            leadingBreak = true
            trailingBreaks = try blockScalarBreaks(indent: &indent, parentIndent: parentIndent)
        }
        if chomping != -1, leadingBreak { out.append(0x0A) }
        if chomping == 1 { out.append(contentsOf: repeatElement(0x0A, count: trailingBreaks)) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Empty lines and the indentation of the next line; detects the indentation if not set.
    private mutating func blockScalarBreaks(indent: inout Int, parentIndent: Int) throws(FieldError) -> Int {
        var breaks = 0
        var maximum = 0
        while true {
            while (indent == 0 || column < indent), byte(pos) == 0x20 { pos += 1 }
            maximum = max(maximum, column)
            if (indent == 0 || column < indent), byte(pos) == 0x09 {
                throw syntax("a tab where an indentation space is expected")
            }
            guard pos < bytes.count, bytes[pos] == 0x0A else { break }
            pos += 1
            lineStart = pos
            breaks += 1
        }
        if indent == 0 { indent = max(maximum, parentIndent + 1, 1) }
        return breaks
    }

    // MARK: Quoted scalars

    /// A single- or double-quoted scalar at `pos`, folded as YAML folds it.
    private mutating func quoted() throws(FieldError) -> String {
        let opening = pos
        let double = bytes[pos] == UInt8(ascii: "\"")
        let closing = bytes[pos]
        pos += 1
        // The common case, one line without escapes: the text is a slice of the input.
        var end = pos
        while end < bytes.count, bytes[end] != closing, bytes[end] != 0x0A, bytes[end] != UInt8(ascii: "\\") { end += 1 }
        if end < bytes.count, bytes[end] == closing, double || byte(end + 1) != closing {
            defer { pos = end + 1 }
            return String(decoding: bytes[pos..<end], as: UTF8.self)
        }
        var out: [UInt8] = []
        while true {
            if pos >= bytes.count { throw syntax("the quoted value that starts here is not closed", at: opening) }
            if pos == lineStart, isDocumentMarkerAtLineStart() {
                throw syntax("a document marker inside the quoted value that starts at \(position(opening))")
            }
            // Non-blank characters.
            var leadingBlanks = false
            while pos < bytes.count, !isBlank(bytes[pos]) {
                let current = bytes[pos]
                if !double, current == UInt8(ascii: "'") {
                    if byte(pos + 1) == UInt8(ascii: "'") {
                        out.append(current)
                        pos += 2
                        continue
                    }
                    pos += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if double, current == UInt8(ascii: "\"") {
                    pos += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if double, current == UInt8(ascii: "\\") {
                    if byte(pos + 1) == 0x0A {
                        pos += 2
                        lineStart = pos
                        leadingBlanks = true
                        break
                    }
                    try escape(into: &out)
                    continue
                }
                out.append(current)
                pos += 1
            }
            // Blanks and line breaks.
            // Blanks before the first break are kept (if no break follows): a slice.
            let whitespaceStart = pos
            var whitespaceEnd = pos
            var leadingBreak = false
            var trailingBreaks = 0
            while pos < bytes.count, bytes[pos] == 0x20 || bytes[pos] == 0x09 || bytes[pos] == 0x0A {
                if bytes[pos] == 0x0A {
                    pos += 1
                    lineStart = pos
                    if pos < bytes.count, isDocumentMarkerAtLineStart() {
                        throw syntax("a document marker inside the quoted value that starts at \(position(opening))")
                    }
                    if !leadingBlanks {
                        leadingBreak = true
                        leadingBlanks = true
                    } else {
                        trailingBreaks += 1
                    }
                } else {
                    pos += 1
                    if !leadingBlanks { whitespaceEnd = pos }
                }
            }
            if leadingBlanks {
                if leadingBreak {
                    if trailingBreaks == 0 { out.append(0x20) }
                }
                out.append(contentsOf: repeatElement(0x0A, count: trailingBreaks))
            } else {
                out.append(contentsOf: bytes[whitespaceStart..<whitespaceEnd])
            }
        }
    }

    private func position(_ index: Int) -> String {
        let line = bytes[..<index].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        let start = (bytes[..<index].lastIndex(of: 0x0A) ?? -1) + 1
        return "line \(line), column \(index - start + 1)"
    }

    private mutating func escape(into out: inout [UInt8]) throws(FieldError) {
        let start = pos
        let code = byte(pos + 1)
        pos += 2
        let simple: UInt8?
        switch code {
        case UInt8(ascii: "0"): simple = 0x00
        case UInt8(ascii: "a"): simple = 0x07
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "t"), 0x09: simple = 0x09
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "v"): simple = 0x0B
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "e"): simple = 0x1B
        case 0x20, UInt8(ascii: "\""), UInt8(ascii: "/"), UInt8(ascii: "\\"): simple = code
        default: simple = nil
        }
        if let simple {
            out.append(simple)
            return
        }
        let digits: Int
        switch code {
        case UInt8(ascii: "N"): appendScalar(0x85, to: &out); return
        case UInt8(ascii: "_"): appendScalar(0xA0, to: &out); return
        case UInt8(ascii: "L"): appendScalar(0x2028, to: &out); return
        case UInt8(ascii: "P"): appendScalar(0x2029, to: &out); return
        case UInt8(ascii: "x"): digits = 2
        case UInt8(ascii: "u"): digits = 4
        case UInt8(ascii: "U"): digits = 8
        default:
            throw syntax("unknown escape in a double-quoted value", at: start)
        }
        var value: UInt32 = 0
        for _ in 0..<digits {
            let current = byte(pos)
            let digit: UInt32
            switch current {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(current - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(current - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(current - UInt8(ascii: "A") + 10)
            default: throw syntax("the escape needs \(digits) hexadecimal digits", at: start)
            }
            value = value << 4 | digit
            pos += 1
        }
        guard Unicode.Scalar(value) != nil else {
            throw syntax("the escape is not a Unicode character", at: start)
        }
        appendScalar(value, to: &out)
    }

    private func appendScalar(_ value: UInt32, to out: inout [UInt8]) {
        guard let scalar = Unicode.Scalar(value) else { return }
        out.append(contentsOf: UTF8.encode(scalar)!)
    }

    // MARK: Flow collections

    /// Blanks, line breaks and comments inside `[...]` / `{...}`.
    private mutating func skipFlowSpace() {
        while pos < bytes.count {
            let current = bytes[pos]
            if current == 0x20 || current == 0x09 {
                pos += 1
            } else if current == 0x0A {
                pos += 1
                lineStart = pos
            } else if current == UInt8(ascii: "#"), pos == lineStart || isBlank(bytes[pos - 1]) {
                skipToLineEnd()
            } else {
                return
            }
        }
    }

    /// `[` or `{` at `pos` (the node's depth already entered by the caller's `blockNode`).
    private mutating func flowCollection() throws(FieldError) -> DocumentValue {
        let opening = pos
        let isSequence = bytes[pos] == UInt8(ascii: "[")
        let closing = isSequence ? UInt8(ascii: "]") : UInt8(ascii: "}")
        pos += 1
        try count()
        var items: [DocumentValue] = []
        var members: [(key: String, value: DocumentValue)] = []
        var seen = Set<String>()
        while true {
            skipFlowSpace()
            if pos >= bytes.count {
                throw syntax("the '\(isSequence ? "[" : "{")' that starts here is not closed", at: opening)
            }
            if bytes[pos] == closing {
                pos += 1
                break
            }
            if bytes[pos] == UInt8(ascii: "?"), isBlank(byte(pos + 1)) {
                throw syntax("explicit keys (\"? \") are not supported")
            }
            let entryStart = pos
            let entryLine = lineStart
            path.append(isSequence ? .index(items.count) : .key(""))
            let first = try flowNode(valueIfScalar: isSequence)
            let keyOnOneLine = lineStart == entryLine
            skipFlowSpace()
            // flowPlain stops only at a ':' that indicates a value; after a quoted or flow
            // node, ':' indicates one even without a blank ({"a":1}).
            let hasValue = byte(pos) == UInt8(ascii: ":")
            if isSequence && !hasValue {
                path.removeLast()
                items.append(first.value)
            } else {
                // A key: the members of `{...}`, or a one-pair mapping inside `[...]`.
                guard let key = first.keyText else {
                    path.removeLast()
                    throw FieldError(pathText, "a mapping key that is not a plain value")
                }
                if hasValue, !keyOnOneLine { throw syntax("a mapping key must be on one line", at: entryStart) }
                if first.properties.tag != nil, first.properties.tag != .str {
                    throw syntax("the tag does not fit a mapping key", at: first.properties.tagPosition)
                }
                if key.isEmpty, first.properties.isEmpty, !hasValue {
                    throw syntax("a mapping key is missing", at: entryStart)
                }
                path.removeLast()
                if isSequence {
                    // The scalar counted as an entry is a key; the one-pair mapping is the entry.
                    budget += 1
                    made -= 1
                    try count()
                    depth += 1
                }
                path.append(.key(key))
                if !isSequence, Self.isDuplicate(key, members, &seen) { throw FieldError(pathText, "duplicate key \"\(key)\"") }
                if let anchor = first.properties.anchor { anchors[anchor] = Anchored(value: .string(key), count: 1, height: 1) }
                var value = DocumentValue.null
                if hasValue {
                    pos += 1
                    skipFlowSpace()
                    if byte(pos) == UInt8(ascii: ",") || byte(pos) == closing {
                        try count()
                    } else {
                        value = try flowNode(valueIfScalar: true).value
                    }
                } else {
                    try count()
                }
                path.removeLast()
                if isSequence {
                    depth -= 1
                    items.append(.object([(key, value)]))
                } else {
                    members.append((key, value))
                }
            }
            skipFlowSpace()
            if byte(pos) == UInt8(ascii: ",") {
                pos += 1
            } else if byte(pos) != closing {
                if pos >= bytes.count {
                    throw syntax("the '\(isSequence ? "[" : "{")' that starts here is not closed", at: opening)
                }
                throw syntax("expected ',' or '\(isSequence ? "]" : "}")' here")
            }
        }
        return isSequence ? .array(items) : .object(members)
    }

    /// One node inside a flow collection. A scalar is counted only if `valueIfScalar` (a
    /// key is not a value).
    private mutating func flowNode(valueIfScalar: Bool) throws(FieldError) -> FlowItem {
        try enter()
        defer { depth -= 1 }
        let startMade = made
        let startDeepest = deepest
        deepest = depth
        defer { deepest = max(startDeepest, deepest) }
        let properties = try readProperties(flow: true)
        if !properties.isEmpty { skipFlowSpace() }
        let current = byte(pos)
        var keyText: String?
        var value: DocumentValue
        var plainText: String?
        switch current {
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            value = try flowCollection()
        case UInt8(ascii: "*"):
            if !properties.isEmpty { throw syntax("an alias cannot have an anchor or a tag") }
            return FlowItem(value: try alias(flow: true), keyText: nil, properties: properties)
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            let text = try quoted()
            keyText = text
            value = .string(text)
        case UInt8(ascii: "|"), UInt8(ascii: ">"):
            throw syntax("block scalars (| and >) are not allowed inside [...] or {...}")
        case UInt8(ascii: ":"):
            throw syntax("a mapping key is missing before ':'")
        case UInt8(ascii: "?"):
            throw syntax("explicit keys (\"?\") are not supported")
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"):
            if properties.isEmpty { throw syntax("a value is missing before '\(Character(Unicode.Scalar(current)))'") }
            keyText = ""
            plainText = ""
            value = .null
        case UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "%"), UInt8(ascii: "#"):
            throw syntax("'\(Character(Unicode.Scalar(current)))' cannot start a value")
        case 0 where pos >= bytes.count:
            throw syntax("the file ends inside [...] or {...}")
        default:
            if current == UInt8(ascii: "-"), isBlank(byte(pos + 1)) {
                throw syntax("'\(Character(Unicode.Scalar(current))) ' cannot start a value inside [...] or {...}")
            }
            let text = try flowPlain()
            keyText = text
            plainText = text
            value = Self.plainValue(text)
        }
        let isScalar = keyText != nil
        if isScalar, valueIfScalar { try count() }
        if valueIfScalar || !isScalar {
            value = try finish(value, properties, startMade: startMade, plainText: plainText)
        } else if let tag = properties.tag, isScalar {
            value = try tagged(value, tag, plainText: plainText, at: properties.tagPosition)
        }
        return FlowItem(value: value, keyText: keyText, properties: isScalar && !valueIfScalar ? properties : Properties())
    }

    /// A plain scalar inside `[...]` / `{...}`, possibly over several lines (folded).
    private mutating func flowPlain() throws(FieldError) -> String {
        // The common case, one line: the text is a slice of the input.
        let start = pos
        var end = pos
        while pos < bytes.count {
            let current = bytes[pos]
            if isFlowIndicator(current) || current == 0x0A { break }
            if current == UInt8(ascii: ":"), isBlank(byte(pos + 1)) || isFlowIndicator(byte(pos + 1)) { break }
            if current == UInt8(ascii: "#"), pos > start, isBlank(bytes[pos - 1]) { break }
            pos += 1
            if current != 0x20 && current != 0x09 { end = pos }
        }
        if byte(pos) != 0x0A && !(byte(pos) == UInt8(ascii: ":") && isFlowIndicator(byte(pos + 1))) {
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        pos = start
        var out: [UInt8] = []
        var pendingBreaks = 0
        var pendingSpace: [UInt8] = []
        while pos < bytes.count {
            let current = bytes[pos]
            if isFlowIndicator(current) { break }
            if current == UInt8(ascii: ":"), isBlank(byte(pos + 1)) { break }
            if current == UInt8(ascii: ":"), isFlowIndicator(byte(pos + 1)) {
                throw syntax("':' must be followed by a space to end a key inside [...] or {...}")
            }
            if current == UInt8(ascii: "#"), pos > 0, isBlank(bytes[pos - 1]) { break }
            if current == 0x20 || current == 0x09 {
                if pendingBreaks == 0 { pendingSpace.append(current) }
                pos += 1
                continue
            }
            if current == 0x0A {
                pendingBreaks += 1
                pendingSpace.removeAll()
                pos += 1
                lineStart = pos
                continue
            }
            if !out.isEmpty {
                if pendingBreaks == 1 {
                    out.append(0x20)
                } else if pendingBreaks > 1 {
                    out.append(contentsOf: repeatElement(0x0A, count: pendingBreaks - 1))
                } else {
                    out.append(contentsOf: pendingSpace)
                }
            }
            pendingBreaks = 0
            pendingSpace.removeAll()
            out.append(current)
            pos += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Scalars

    /// Plain scalars that look like whole numbers become numbers, `true`/`false` booleans,
    /// `null`/`~`/empty null; everything else (and every quoted scalar) is a string.
    static func plainValue(_ text: String) -> DocumentValue {
        let utf8 = text.utf8
        guard let first = utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"):
            if text == "~" || text == "null" || text == "Null" || text == "NULL" { return .null }
        case UInt8(ascii: "t"), UInt8(ascii: "T"):
            if text == "true" || text == "True" || text == "TRUE" { return .bool(true) }
        case UInt8(ascii: "f"), UInt8(ascii: "F"):
            if text == "false" || text == "False" || text == "FALSE" { return .bool(false) }
        default:
            // Whole numbers: an optional "-", then ASCII digits only.
            let digits = first == UInt8(ascii: "-") ? utf8.dropFirst() : utf8[...]
            if !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) { return .number(text) }
        }
        return .string(text)
    }
}
