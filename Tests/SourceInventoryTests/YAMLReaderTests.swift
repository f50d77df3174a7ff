import AuditCore
import Foundation
@testable import SourceInventory
import TestSupport
import XCTest

/// The project's own YAML reader (it replaced Yams so the release binary links no YAML
/// library; docs/RELEASE.md), checked against the Yams-based conversion it replaced
/// (YAMLReference.swift): the same `DocumentValue` for every YAML file of the repository and
/// for a few hundred generated documents in varied styles, and clear one-line errors for
/// what it does not read.
final class YAMLReaderTests: XCTestCase {
    private func mine(_ text: String) throws(FieldError) -> DocumentValue { try YAMLDocumentReader.parse(Array(text.utf8)) }
    private func reference(_ text: String) throws(FieldError) -> DocumentValue { try YAMLReference.parse(Array(text.utf8)) }

    private func assertSame(_ text: String, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        let expected: DocumentValue
        do {
            expected = try reference(text)
        } catch {
            XCTFail("\(context): Yams refuses it: \(error.message)\n\(text)", file: file, line: line)
            return
        }
        do {
            let value = try mine(text)
            XCTAssertEqual(value, expected, "\(context):\n\(text)", file: file, line: line)
        } catch {
            XCTFail("\(context): \(error.field ?? "-"): \(error.message)\n\(text)", file: file, line: line)
        }
    }

    /// Every YAML file of the repository (fixtures, the Ansible collection, the manifests and
    /// wave files of the docs) reads as Yams read it.
    func testRepositoryYAMLFilesReadAsYamsReadThem() throws {
        var files: [URL] = []
        for folder in ["Fixtures", "integrations", "Tests", "docs", "bench", "packaging"] {
            let root = Repository.root.appendingPathComponent(folder)
            guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in enumerator where ["yaml", "yml"].contains(url.pathExtension) { files.append(url) }
        }
        XCTAssertGreaterThanOrEqual(files.count, 10, "the repository's YAML files")
        for url in files { assertSame(try String(contentsOf: url, encoding: .utf8), url.lastPathComponent) }
        // The YAML examples of README.md and docs/*.md.
        var examples = 0
        for document in ["README.md", "docs/INVENTORIES.md", "docs/CONTRACT.md"] {
            let text = try String(contentsOf: Repository.root.appendingPathComponent(document), encoding: .utf8)
            var lines: [Substring]?
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("```yaml") {
                    lines = []
                } else if line.hasPrefix("```"), let block = lines {
                    assertSame(block.joined(separator: "\n") + "\n", "\(document) example \(examples)")
                    examples += 1
                    lines = nil
                } else {
                    lines?.append(line)
                }
            }
        }
        XCTAssertGreaterThanOrEqual(examples, 1)
    }

    /// Hand-written documents of every construct the reader supports.
    func testConstructsReadAsYamsReadThem() {
        let cases: [String] = [
            "a: 1\nb: -2\nc: 1.5\nd: 007\ne: +3\nf: 0x1F\n",
            "a: true\nb: False\nc: TRUE\nd: yes\ne: ~\nf: null\ng:\nh: NULL\ni: Null\n",
            "a: 'x'\nb: \"y\"\nc: '123'\nd: \"true\"\ne: ''\nf: \"\"\n",
            "a: 'it''s'\nb: \"q\\\"x\\\\y\\n\\t\\u00e9\\x41\\U0001F600\"\n",
            "- a\n- b\n- - c\n  - d\n- e: 1\n  f: 2\n-\n- \n",
            "key:\n- a\n- b\nother:\n  - c\n",
            "vm:\n  name: pg1\n  disks:\n    - key: 2000\n      capacityBytes: 123\n    - key: 2001\n",
            "a: [1, 'two', \"three\", [4, 5], {b: 6}]\nc: {d: e, f: [g, h], 'i': \"j\"}\nk: []\nl: {}\n",
            "a: [a: 1, b]\nb: {a, b: c}\nc: [ 1 , 2 , ]\n",
            "a: plain text\n  continued here\n\n  after a blank\nb: x\n",
            "a: 'single\n  quoted\n\n  folded'\nb: \"double\n  quoted \\\n  joined\"\n",
            "a: |\n  line 1\n  line 2\nb: >\n  folded\n  text\n\n  para\nc: |-\n  strip\nd: |+\n  keep\n\ne: x\n",
            "a: |2\n    indented\n  base\nb: >-\n  x\n    more\n  y\n",
            "- |\n  in a sequence\n- >-\n  folded\n  in a sequence\n",
            "# comment\na: 1 # trailing\n# between\nb: 'x' # after quoted\nc: [1, 2] # after flow\n",
            "---\na: 1\n...\n",
            "--- # comment\na: 1\n",
            "%YAML 1.1\n---\na: 1\n",
            "\u{FEFF}a: 1\n",
            "a: 1\r\nb:\r\n  - x\r\n  - 'y\r\n    z'\r\n",
            "base: &b {x: 1, y: [2, 3]}\ncopy: *b\nlist: &l\n  - 1\n  - 2\nagain: *l\ns: &s text\nt: *s\n",
            "\"quoted key\": 1\n'another': 2\n\"123\": 3\n",
            "a:\n  b:\n    c:\n      d: deep\n",
            "a: x#y\nb: x: y\n".replacingOccurrences(of: "b: x: y\n", with: "b: 'x: y'\n"),
            "a: http://example.com:8080/path\nb: -x\nc: :x\nd: ?x\ne: a - b\n",
            "a: é\nb: 日本語\n'ключ': значение\n",
            "top\n",
            "'quoted top'\n",
            "[1, 2, 3]\n",
            "- [a, b]\n- {c: d}\n",
            "a:   \n  - x\n",
            "a: x\n   \nb: y\n",
            "a:\n  # only a comment\nb: 1\n",
            "- a: 1\n  b:\n    - c\n- d\n",
            "a: >\n\n  leading blank\nb: |\n\n\n  two leading\n",
            "a: |+\n  text\n\n\n",
            "a: |-\n  text\n\n\n",
            "a: >+\n  text\n\n",
            "a:\n- b: 1\n  c: 2\n- d\n",
            "- - - x\n    - y\n  - z\n",
            "a: \"x\\\n\n  y\"\n",
            "a: 'x   \n   y'\n",
            "a: [\n  1,\n  2\n]\n",
            "a: {\n  b: 1,\n  c: 2\n  }\n",
            "a: [x y, 'z', \"w\" ]\n",
            "a: {\"b\":1, \"c\": [2]}\n",
        ]
        for (index, text) in cases.enumerated() { assertSame(text, "case \(index)") }
    }

    /// A few hundred documents generated with a seeded generator, emitted in varied styles
    /// (block and flow, compact nesting, every scalar style, multi-line scalars, comments,
    /// anchors and aliases, document markers, CRLF): the reader gives the generated value,
    /// and Yams the same.
    func testGeneratedDocumentsReadAsYamsReadThem() {
        var generator = YAMLGenerator(seed: 0x59A1_2026)
        var checked = 0
        for index in 0..<400 {
            let (value, text) = generator.document()
            assertSame(text, "generated document \(index)")
            guard let read = try? mine(text) else { continue }  // reported by assertSame
            XCTAssertEqual(read, value, "generated document \(index) is not the value emitted:\n\(text)")
            checked += 1
        }
        XCTAssertEqual(checked, 400)
    }

    /// Wave files as people generate them: 200 documents written by PyYAML (`safe_dump`, as
    /// Ansible's `to_nice_yaml` does) in block, flow and mixed styles, line widths 20-80 (so
    /// long plain and quoted scalars are folded over lines), indentation 2 and 4, with and
    /// without `---` and escapes for non-ASCII.
    func testPyYAMLDocumentsReadAsYamsReadThem() throws {
        let dir = try TemporaryDirectory.make(prefix: "pyyaml")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
            import random, sys, yaml
            random.seed(7)
            words = ["pg1", "Hard disk 1", "[datastore1] vm/vm.vmdk", "é 日本", "it's", 'say "hi"', "a: b", "a #b", "123",
                     "true", "null", "", "  lead", "trail ", "multi\\nline\\n", "x" * 120, "long words " * 20, "-x", "~",
                     "tab\\there", "2000:/dev/vdb"]
            def value(depth):
                r = random.random()
                if depth > 3 or r < 0.4:
                    return random.choice([None, True, False, 0, 2000, -5, 123480309760] + words * 3)
                if r < 0.7:
                    return {random.choice(["name", "key", "targets", "vm", "a b", "2000", "disks"]) + str(i): value(depth + 1)
                            for i in range(random.randint(0, 5))}
                return [value(depth + 1) for _ in range(random.randint(0, 5))]
            for i in range(200):
                document = {"wave": "w%d" % i, "vms": [value(1) for _ in range(5)]}
                text = yaml.safe_dump(document, default_flow_style=random.choice([False, None, True]),
                                      width=random.choice([20, 40, 80]), allow_unicode=random.random() < 0.5,
                                      indent=random.choice([2, 4]), explicit_start=random.random() < 0.3)
                open("%s/%03d.yaml" % (sys.argv[1], i), "w", encoding="utf-8").write(text)
            """
        try Tools.run("python3", ["-c", script, dir.path])
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertEqual(files.count, 200)
        for name in files {
            assertSame(try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8), "PyYAML \(name)")
        }
    }

    /// Mutated generated documents (bytes dropped, changed, lines cut): whenever both readers
    /// accept one, they read the same value; the reader never crashes or hangs.
    private static let mutations = Array(" :-[]{}'\"#&*!|>\n\tx,?%@\\".utf8)

    func testMutatedDocumentsAgreeWhenBothAccept() {
        var generator = YAMLGenerator(seed: 0xBAD_2026)
        var random = SeededGenerator(seed: 17)
        var bothAccepted = 0
        var refused = 0
        for _ in 0..<400 {
            var bytes = Array(generator.document().text.utf8)
            for _ in 0..<(1 + Int(random.below(3))) where !bytes.isEmpty {
                let at = Int(random.below(UInt64(bytes.count)))
                switch random.below(4) {
                case 0: bytes.remove(at: at)
                case 1: bytes[at] = Self.mutations[Int(random.below(UInt64(Self.mutations.count)))]
                case 2: bytes.insert(Self.mutations[Int(random.below(UInt64(Self.mutations.count)))], at: at)
                default: bytes.removeSubrange(at...)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let theirs = try? reference(text)
            let ours = try? mine(text)
            if let theirs, let ours {
                bothAccepted += 1
                XCTAssertEqual(ours, theirs, text)
            } else if ours == nil {
                refused += 1
            }
        }
        XCTAssertGreaterThan(bothAccepted, 50)
        XCTAssertGreaterThan(refused, 50)
    }

    /// What the reader does not read, or what is not YAML: one line with the line and column.
    func testRefusalsNameTheLineAndColumn() {
        let cases: [(text: String, field: String?, message: String)] = [
            ("a: 'open\nb: 1\n", nil, "invalid YAML: line 1, column 4: the quoted value that starts here is not closed"),
            ("a: \"open\n", nil, "invalid YAML: line 1, column 4: the quoted value that starts here is not closed"),
            ("a: [1, 2\n", nil, "invalid YAML: line 1, column 4: the '[' that starts here is not closed"),
            ("a: {b: 1\n", nil, "invalid YAML: line 1, column 4: the '{' that starts here is not closed"),
            ("a: ['x' 'y']\n", nil, "invalid YAML: line 1, column 9: expected ',' or ']' here"),
            ("a: [x] y\n", nil, "invalid YAML: line 1, column 8: unexpected text after the value"),
            ("a:\n\tb: 1\n", nil, "invalid YAML: line 2, column 2: a tab in the indentation (YAML indents with spaces only)"),
            ("a: 1\n---\nb: 2\n", nil, "invalid YAML: line 2, column 1: the file holds a second YAML document (only one is read)"),
            ("a: !!float 1.5\n", nil, "invalid YAML: line 1, column 4: the tag !!float is not supported (only !!str, !!int, !!map and !!seq)"),
            ("a: !local x\n", nil, "invalid YAML: line 1, column 4: the tag !local is not supported (only !!str, !!int, !!map and !!seq)"),
            ("a: !!int x1\n", nil, "invalid YAML: line 1, column 4: 'x1' is not a whole number (!!int)"),
            ("a: !!seq {b: 1}\n", nil, "invalid YAML: line 1, column 4: the tag does not fit the object it is on"),
            ("base: &b {x: 1}\nc:\n  <<: *b\n", nil, "invalid YAML: line 3, column 3: merge keys (<<) are not supported"),
            ("? a\n: b\n", nil, "invalid YAML: line 1, column 1: explicit keys (\"? \") are not supported"),
            ("a: *nowhere\n", nil, "invalid YAML: line 1, column 4: the alias *nowhere names no anchor defined before it"),
            ("a: b: c\n", nil, "invalid YAML: line 1, column 5: mapping values are not allowed in this context"),
            ("a: plain\n  more: x\n", nil, "invalid YAML: line 2, column 7: mapping values are not allowed in this context"),
            ("a: 1\n  b: 2\n", nil, "invalid YAML: line 2, column 4: mapping values are not allowed in this context"),
            ("a: 'x'\n  b: 2\n", nil, "invalid YAML: line 2, column 3: this line is indented more than the keys of its mapping (column 1)"),
            ("- a\nb: 1\n", nil, "invalid YAML: line 2, column 1: unexpected text after the document's value (is the indentation right?)"),
            ("a: 1\n- b\n", nil, "invalid YAML: line 2, column 1: a sequence entry among the keys of a mapping"),
            ("a: - b\n", nil, "invalid YAML: line 1, column 4: a block sequence cannot start on the line of its key"),
            ("a: \"\\q\"\n", nil, "invalid YAML: line 1, column 5: unknown escape in a double-quoted value"),
            ("a: \"\\u12\"\n", nil, "invalid YAML: line 1, column 5: the escape needs 4 hexadecimal digits"),
            ("a: \"\\uD800\"\n", nil, "invalid YAML: line 1, column 5: the escape is not a Unicode character"),
            ("a: x\u{7}y\n", nil, "invalid YAML: line 1, column 5: control character U+0007 is not allowed"),
            ("a: |0\n  x\n", nil, "invalid YAML: line 1, column 5: a block scalar's indentation indicator must be 1 to 9"),
            ("a: | x\n", nil, "invalid YAML: line 1, column 6: unexpected text after the block scalar's indicator"),
            ("a: [b, |\n  x]\n", nil, "invalid YAML: line 1, column 8: block scalars (| and >) are not allowed inside [...] or {...}"),
            ("'a\n b': 1\n", nil, "invalid YAML: line 1, column 1: a mapping key must be on one line"),
            (": 1\n", nil, "invalid YAML: line 1, column 1: a mapping key is missing before ':'"),
            ("%TAG ! tag:x,2000:\n---\na: 1\n", nil, "invalid YAML: line 1, column 1: directives other than %YAML are not supported"),
            ("a: @x\n", nil, "invalid YAML: line 1, column 4: '@' cannot start a value"),
            ("a: &x&y 1\n", nil, "invalid YAML: line 1, column 5: an anchor or alias name may hold only letters, digits, '-' and '_'"),
            ("", nil, "the YAML document is empty"),
            ("# only a comment\n", nil, "the YAML document is empty"),
            ("vm:\n  disks:\n    - key: 1\n      key: 2\n", "vm.disks[0].key", "duplicate key \"key\""),
            ("a: {b: 1, b: 2}\n", "a.b", "duplicate key \"b\""),
            ("a:\n  [x]: 1\n", "a", "a mapping key that is not a plain value"),
        ]
        for test in cases {
            do {
                let value = try mine(test.text)
                XCTFail("\(test.text.debugDescription): read \(value)")
            } catch {
                XCTAssertEqual(error.field, test.field, test.text.debugDescription)
                XCTAssertEqual(error.message, test.message, test.text.debugDescription)
                XCTAssertFalse(error.message.contains("\n"), test.text.debugDescription)
            }
        }
    }

    /// Tags are honoured: `!!str` keeps a plain scalar's text as a string, `!!int` makes a
    /// whole number of a quoted one. (Yams' conversion ignored them; the reader does not.)
    func testTagsAreHonoured() throws {
        let value = try mine("a: !!str 123\nb: !!str true\nc: !!int 42\nd: !!int '7'\ne: !!map {x: 1}\nf: !!seq [1]\ng: !!str ~\nh: !<tag:yaml.org,2002:str> 5\n")
        XCTAssertEqual(value, .object([("a", .string("123")), ("b", .string("true")), ("c", .number("42")), ("d", .number("7")),
                                       ("e", .object([("x", .number("1"))])), ("f", .array([.number("1")])), ("g", .string("~")),
                                       ("h", .string("5"))]))
    }

    /// Anchors and aliases expand; every expanded value counts against the budget, and an
    /// alias cannot nest deeper than the limit.
    func testAliasesAreBoundedLikeYams() throws {
        XCTAssertEqual(try mine("a: &x [1, {b: 2}]\nc: *x\n"), try reference("a: &x [1, {b: 2}]\nc: *x\n"))
        // A billion laughs: 9 levels of 9 aliases.
        var bomb = "l0: &l0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 { bomb += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ") + "]\n" }
        let start = Date()
        for read in [mine, reference] as [(String) throws(FieldError) -> DocumentValue] {
            do {
                _ = try read(bomb)
                XCTFail("the alias bomb was read")
            } catch {
                XCTAssertEqual(error.message, "the YAML expands to more than 200000 values (aliases?)")
            }
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        // 100 levels anchored, then aliased 50 levels down: 150 levels once expanded.
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        let nested = "a: &d " + deep + "\nb: " + String(repeating: "[", count: 50) + "*d" + String(repeating: "]", count: 50) + "\n"
        for read in [mine, reference] as [(String) throws(FieldError) -> DocumentValue] {
            do {
                _ = try read(nested)
                XCTFail("the deep alias was read")
            } catch {
                XCTAssertEqual(error.message, "YAML nesting deeper than 128 levels")
            }
        }
    }

    /// Large and hostile inputs take time in proportion to their size: an unclosed quote at
    /// the start of 1 MB, 50,000 flow brackets opened and closed in turn, a 2,000-VM wave file.
    func testLargeInputsAreLinear() throws {
        var start = Date()
        let unclosed = "a: \"" + String(repeating: "x ", count: 500_000)
        XCTAssertThrowsError(try mine(unclosed)) { error in
            XCTAssertEqual((error as? FieldError)?.message, "invalid YAML: line 1, column 4: the quoted value that starts here is not closed")
        }
        let brackets = "a: [" + String(repeating: "[], ", count: 50_000) + "]\n"
        guard case .object(let members) = try mine(brackets), case .array(let items) = members.first?.value else {
            return XCTFail("not an array of arrays")
        }
        XCTAssertEqual(items.count, 50_000)
        print("1 MB unclosed quote and 50,000 flow entries: \(Int(Date().timeIntervalSince(start) * 1000)) ms")
        start = Date()
        let wave = Self.wave(vms: 2_000)
        let value = try mine(wave)
        let ours = Date().timeIntervalSince(start)
        XCTAssertEqual(value, try reference(wave))
        print("2,000-VM wave file (\(wave.utf8.count) bytes): \(Int(ours * 1000)) ms, Yams and its conversion \(Int((Date().timeIntervalSince(start) - ours) * 1000)) ms (debug build)")
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
    }

    /// A wave file of `vms` entries in the README's style.
    static func wave(vms: Int) -> String {
        var text = "wave: wave-12  # a big one\ncontent: none\nby_id_dir: /dev/disk/by-id\nvms:\n"
        for index in 0..<vms {
            text += """
              - inventory: inv/vm\(index).json   # any inventory format
                vm: vm-\(index)
                targets: "2000:nbd://oma/vol-\(index)-1,2001:nbd://oma/vol-\(index)-2"
                ovf_properties: {KEY: VALUE, 'other': "x\\ty"}
                volumes: {2000: 101328f1-7c9e-4f55-9a3a-\(String(format: "%012d", index))}
                content: sample
                seed: \(index * 7919)

            """
        }
        return text
    }
}

/// Random documents and their YAML text in varied styles.
struct YAMLGenerator {
    var random: SeededGenerator
    private var anchored: [(name: String, value: DocumentValue)] = []
    private var reusable: [DocumentValue] = []

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    private mutating func chance(_ percent: UInt64) -> Bool { random.below(100) < percent }
    private mutating func pick<T>(_ items: [T]) -> T { items[Int(random.below(UInt64(items.count)))] }

    static let words = ["pg1", "web", "Hard disk 1", "SCSI controller 0", "[datastore1] vm/vm.vmdk", "é", "日本", "a-b_c",
                        "x.y", "two words here", "/dev/vdb", "nbd://host/vol-1", "2000:/dev/vdb", "1.5", "0x1F", "-x", "v1.2",
                        "it's", "say \"hi\"", "a: b", "a #b", "50%", "@home", "`tick`", "- dash", "? q", "!bang", "&amp", "*star",
                        "123", "-42", "true", "False", "null", "~", "", " lead", "trail ", "a\tb", "line1\nline2", "ends\n",
                        "multi\n\nblank", "back\\slash", "{brace}", "[bracket]", "comma, here", "tab\there", "<<", "---x", "..."]

    mutating func scalar() -> DocumentValue {
        switch random.below(10) {
        case 0: return .null
        case 1: return .bool(chance(50))
        case 2: return .number(pick(["0", "1", "2000", "-5", "123480309760", "007"]))
        default: return .string(pick(Self.words))
        }
    }

    mutating func value(depth: Int) -> DocumentValue {
        if !reusable.isEmpty, chance(8) { return pick(reusable) }
        let made: DocumentValue
        if depth >= 4 || chance(45) {
            made = scalar()
        } else if chance(55) {
            var members: [(key: String, value: DocumentValue)] = []
            var seen = Set<String>()
            for _ in 0..<random.below(5) {
                let key = chance(70) ? pick(["name", "key", "disks", "vm", "capacityBytes", "label", "uuid", "targets", "a b"]) + (chance(50) ? "" : String(random.below(9))) : pick(Self.words.filter { $0 != "<<" && !$0.isEmpty })
                if seen.insert(key).inserted { members.append((key, value(depth: depth + 1))) }
            }
            made = .object(members)
        } else {
            made = .array((0..<random.below(5)).map { _ in value(depth: depth + 1) })
        }
        if chance(10) { reusable.append(made) }
        return made
    }

    /// A value and a YAML text for it.
    mutating func document() -> (value: DocumentValue, text: String) {
        anchored = []
        reusable = []
        let value: DocumentValue
        if chance(80) {
            var members: [(key: String, value: DocumentValue)] = []
            for index in 0..<(1 + random.below(6)) { members.append(("field\(index)", self.value(depth: 1))) }
            value = .object(members)
        } else {
            value = self.value(depth: 0)
        }
        var text = ""
        if chance(10) { text += "# generated\n" }
        if chance(5) { text += "%YAML 1.1\n" }
        let marker = chance(20) || text.contains("%")
        if marker { text += "---" }
        switch value {
        case .object(let members) where !members.isEmpty && chance(85):
            text += (marker ? "\n" : "") + blockMapping(members, indent: 0)
        case .array(let items) where !items.isEmpty && chance(85):
            text += (marker ? "\n" : "") + blockSequence(items, indent: 0)
        default:
            var node = flow(value)
            if !marker, node.hasPrefix("*") { node = flow(value, noAlias: true) }
            text += (marker ? " " : "") + node + "\n"
        }
        if chance(10) { text += "...\n" }
        if chance(5) { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
        return (value, text)
    }

    private static func isPlainSafe(_ text: String, flow: Bool) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        if YAMLParser.plainValue(text) != .string(text) { return false }
        if "-?:,[]{}#&*!|>'\"%@` \t".unicodeScalars.contains(first) || last == " " || last == ":" { return false }
        if text.contains(": ") || text.contains(" #") || text.contains("\n") || text.contains("\t") || text.hasPrefix("---") || text.hasPrefix("...") { return false }
        if text == "<<" { return false }
        if flow, text.contains(where: { ",[]{}:#".contains($0) }) { return false }
        return true
    }

    private static func doubleQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private mutating func quotedOrPlain(_ text: String, flow: Bool, key: Bool) -> String {
        if Self.isPlainSafe(text, flow: flow), chance(key ? 80 : 60) { return text }
        if !text.contains("\n"), !text.contains("\t"), chance(50) { return "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        if chance(30), let scalar = text.unicodeScalars.first(where: { $0.value > 0x7F }) {
            let hex = String(scalar.value, radix: 16)
            return Self.doubleQuoted(text).replacingOccurrences(of: String(scalar), with: "\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
        }
        return Self.doubleQuoted(text)
    }

    private mutating func scalarText(_ value: DocumentValue, flow: Bool) -> String {
        switch value {
        case .null: return flow ? pick(["null", "~", "Null"]) : pick(["null", "~", "", "NULL"])
        case .bool(let bool): return bool ? pick(["true", "True", "TRUE"]) : pick(["false", "False", "FALSE"])
        case .number(let text): return text
        case .string(let text): return quotedOrPlain(text, flow: flow, key: false)
        default: return ""
        }
    }

    private mutating func properties(_ value: DocumentValue) -> String? {
        if let alias = anchored.first(where: { $0.value == value }), chance(70) { return "*" + alias.name }
        return nil
    }

    private mutating func anchor(_ value: DocumentValue) -> String {
        guard chance(12) else { return "" }
        let name = "a\(anchored.count)"
        anchored.append((name, value))
        return "&\(name) "
    }

    mutating func flow(_ value: DocumentValue, noAlias: Bool = false) -> String {
        if !noAlias, let alias = properties(value) { return alias }
        let prefix = anchor(value)
        let body: String
        switch value {
        case .array(let items):
            body = "[" + items.map { flow($0) }.joined(separator: pick([", ", ",", " , "])) + (items.isEmpty || chance(80) ? "" : ",") + "]"
        case .object(let members):
            body = "{" + members.map { quotedOrPlain($0.key, flow: true, key: true) + ": " + flow($0.value) }.joined(separator: ", ") + "}"
        case .string(let text) where !prefix.isEmpty && text.isEmpty:
            body = "''"
        case .null where !prefix.isEmpty:
            body = "null"
        default:
            body = scalarText(value, flow: true)
        }
        // A scalar that is anchored before it is complete cannot be aliased inside itself.
        return prefix + body
    }

    private func pad(_ indent: Int) -> String { String(repeating: " ", count: indent) }

    /// The text after "key:" or "-" for a value whose collection is at column `indent`.
    private mutating func afterIndicator(_ value: DocumentValue, indent: Int, inMapping: Bool) -> String {
        if let alias = properties(value) { return " " + alias + (chance(20) ? " # alias" : "") + "\n" }
        switch value {
        case .object(let members) where !members.isEmpty && chance(75):
            let prefix = anchor(value)
            return (prefix.isEmpty ? "" : " " + prefix.dropLast()) + comment() + "\n" + blockMapping(members, indent: indent + 2)
        case .array(let items) where !items.isEmpty && chance(75):
            let prefix = anchor(value)
            let child = inMapping && chance(40) ? indent : indent + 2
            return (prefix.isEmpty ? "" : " " + prefix.dropLast()) + comment() + "\n" + blockSequence(items, indent: child)
        case .object, .array:
            return " " + flow(value, noAlias: true) + comment() + "\n"
        case .string(let text) where text.contains("\n") && chance(70):
            let trailing = text.reversed().prefix { $0 == "\n" }.count
            let body = text.dropLast(trailing)
            if body.isEmpty || body.hasPrefix("\n") || body.split(separator: "\n", omittingEmptySubsequences: false).contains(where: { $0.hasPrefix(" ") || $0.hasPrefix("\t") }) { break }
            let chomp = trailing == 0 ? "-" : trailing == 1 ? "" : "+"
            let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad(indent + 2) + $0 }
            return " " + anchor(value) + "|" + chomp + (chance(30) ? "2" : "") + "\n" + lines.joined(separator: "\n") + String(repeating: "\n", count: max(trailing, 1))
        case .string(let text) where Self.isPlainSafe(text, flow: false) && text.contains(" ") && !text.contains("  ") && chance(50):
            let words = text.split(separator: " ")
            let cut = 1 + Int(random.below(UInt64(words.count - 1)))
            let first = words[..<cut].joined(separator: " "), rest = words[cut...].joined(separator: " ")
            switch text.contains(where: { $0 == "\"" || $0 == "\\" }) ? 2 * random.below(2) : random.below(3) {
            case 0: return " " + anchor(value) + first + "\n" + pad(indent + 2 + Int(random.below(3))) + rest + "\n"
            case 1: return " " + anchor(value) + "\"" + first + "\n" + pad(indent + 2) + rest + "\"\n"
            default: return " " + anchor(value) + ">-\n" + pad(indent + 2) + first + "\n" + pad(indent + 2) + rest + "\n"
            }
        default:
            break
        }
        let text = flow(value, noAlias: true)
        if text.isEmpty { return "\n" }
        return " " + text + comment() + "\n"
    }

    private mutating func comment() -> String { chance(10) ? "  # note: x" : "" }

    mutating func blockMapping(_ members: [(key: String, value: DocumentValue)], indent: Int) -> String {
        var out = ""
        for (index, member) in members.enumerated() {
            if index > 0, chance(5) { out += pad(Int(random.below(UInt64(indent + 1)))) + "# comment line\n" }
            if index > 0, chance(5) { out += "\n" }
            out += (index == 0 ? "" : pad(indent)) + quotedOrPlain(member.key, flow: false, key: true) + ":" + afterIndicator(member.value, indent: indent, inMapping: true)
        }
        return pad(indent) + out
    }

    mutating func blockSequence(_ items: [DocumentValue], indent: Int) -> String {
        var out = ""
        for item in items {
            out += pad(indent) + "-"
            if properties(item) == nil, chance(60) {
                // Compact nesting on the entry's line.
                if case .object(let members) = item, !members.isEmpty {
                    out += " " + String(blockMapping(members, indent: indent + 2).dropFirst(indent + 2))
                    continue
                }
                if case .array(let nested) = item, !nested.isEmpty {
                    out += " " + String(blockSequence(nested, indent: indent + 2).dropFirst(indent + 2))
                    continue
                }
            }
            out += afterIndicator(item, indent: indent, inMapping: false)
        }
        return out
    }
}
