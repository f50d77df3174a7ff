import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import SourceInventory
import TestSupport
import XCTest

/// The project's own XML parser (it replaced Foundation's XMLParser so the release binary
/// needs no libxml2; docs/RELEASE.md), checked against libxml2 through Foundation's XMLParser
/// as the reference: the same tree for every OVF of the repository and of the real-world
/// corpus, and the same accept/reject decision for well-formed and malformed documents.
final class XMLDocumentParserTests: XCTestCase {
    private func parse(_ text: String) throws -> XMLElementNode { try XMLDocumentParser.parse(Array(text.utf8)) }

    /// A canonical text of a tree: names, sorted attributes, the text, children in order, paths.
    private func canonical(_ node: XMLElementNode) -> String {
        let attributes = node.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.debugDescription)" }
        return "<\(node.name) \(node.path) \(attributes.joined(separator: " ")) text=\(node.text.debugDescription)>"
            + node.children.map(canonical).joined() + "</\(node.name)>"
    }

    /// The same tree built with libxml2 (Foundation's XMLParser), CDATA included as text.
    private final class Reference: NSObject, XMLParserDelegate {
        var stack: [XMLElementNode] = []
        var root: XMLElementNode?

        static func parse(_ bytes: [UInt8]) -> XMLElementNode? {
            let builder = Reference()
            let parser = XMLParser(data: Data(bytes))
            parser.shouldProcessNamespaces = false
            parser.shouldResolveExternalEntities = false
            parser.delegate = builder
            return parser.parse() ? builder.root : nil
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            let name = XMLDocumentParser.localName(elementName)
            var map: [String: String] = [:]
            for (key, value) in attributes { map[XMLDocumentParser.localName(key)] = value }
            let siblings = stack.last?.children.filter { $0.name == name }.count ?? 0
            let path = (stack.last.map { $0.path + "/" } ?? "") + name + (stack.isEmpty ? "" : "[\(siblings)]")
            stack.append(XMLElementNode(name: name, attributes: map, children: [], text: "", path: path))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if !stack.isEmpty { stack[stack.count - 1].text += string }
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            if !stack.isEmpty { stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self) }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard let element = stack.popLast() else { return }
            if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
        }
    }

    /// Equal canonical trees, or a failure showing where the two first differ (the trees of
    /// real OVFs are long).
    private func assertSameTree(_ ours: XMLElementNode, _ reference: XMLElementNode, _ message: String,
                                file: StaticString = #filePath, line: UInt = #line) {
        let left = canonical(ours), right = canonical(reference)
        guard left != right else { return }
        let a = Array(left), b = Array(right)
        let first = a.indices.first { $0 >= b.count || a[$0] != b[$0] } ?? min(a.count, b.count)
        let context = { (x: [Character]) in String(x[max(0, first - 80)..<min(x.count, first + 80)]).debugDescription }
        XCTFail("\(message): trees differ at character \(first): ours \(context(a)), libxml2 \(context(b))", file: file, line: line)
    }

    private func ovfFiles() throws -> [URL] {
        let corpus = Repository.root.deletingLastPathComponent().appendingPathComponent("shared/realworld-inventories/ovf")
        let corpusFiles = try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil)
        let repository = try FileManager.default.contentsOfDirectory(at: Repository.fixture("inventories"), includingPropertiesForKeys: nil)
        return (corpusFiles + repository).filter { $0.pathExtension.lowercased() == "ovf" }.sorted { $0.path < $1.path }
    }

    func testEveryOVFGivesLibxml2sTree() throws {
        let files = try ovfFiles()
        XCTAssertGreaterThanOrEqual(files.count, 17, "the repository's OVFs and the corpus's (../shared/realworld-inventories/ovf)")
        for file in files {
            let bytes = try Array(Data(contentsOf: file))
            let reference = try XCTUnwrap(Reference.parse(bytes), "libxml2 rejected \(file.lastPathComponent)")
            let ours = try XMLDocumentParser.parse(bytes)
            assertSameTree(ours, reference, file.lastPathComponent)
            // The same document as UTF-16 with a byte-order mark, and with CR LF line ends.
            let text = String(decoding: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes, as: UTF8.self)
            let utf16: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { unit -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            assertSameTree(try XMLDocumentParser.parse(utf16), reference, "UTF-16 " + file.lastPathComponent)
            let crlf = Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
            // XML 1.0 section 2.11: CR LF reads as LF everywhere, CDATA included (where libxml2's
            // SAX interface hands the CR on), so the tree is the LF document's.
            assertSameTree(try XMLDocumentParser.parse(crlf), reference, "CR LF " + file.lastPathComponent)
        }
    }

    func testMarkupAndReferencesAsLibxml2ReadsThem() throws {
        let documents = [
            #"<?xml version="1.0" encoding="UTF-8"?><!-- c --><a x="1 &amp; 2" y='&lt;&#65;&#x42;&quot;&apos;'>t&gt;<b/>u<![CDATA[<raw & text>]]><?pi data?></a>"#,
            "<ovf:Envelope xmlns:ovf=\"urn:x\" ovf:version=\"2.0\">\n\t<ovf:Disk ovf:capacity=\"115\"\tovf:units=\"byte * 2^30\" />\n</ovf:Envelope>\n<!-- end -->\n",
            "<a attr=\"line1\nline2\ttab\">caf\u{e9} \u{1F600}</a>",
            "\u{FEFF}<a><a><a>deep</a></a><a/></a>",
            "<a b = \"1\" >x</a >",
        ]
        for text in documents {
            let bytes = Array(text.utf8)
            let reference = try XCTUnwrap(Reference.parse(bytes), text)
            assertSameTree(try XMLDocumentParser.parse(bytes), reference, text)
        }
        let cdata = try parse("<a>x<![CDATA[<raw & text>]]>y</a>")
        XCTAssertEqual(cdata.text, "x<raw & text>y")
        XCTAssertEqual(try parse("<a x='1 &amp; 2'/>").attributes["x"], "1 & 2")
        XCTAssertEqual(try parse("<r><i/><j/><i/></r>").children.map(\.path), ["r/i[0]", "r/j[0]", "r/i[1]"])
    }

    func testLatin1DeclaredEncodingIsDecoded() throws {
        let bytes: [UInt8] = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a n=\"".utf8) + [0xE9] + Array("\">".utf8) + [0xFC] + Array("</a>".utf8)
        let node = try XMLDocumentParser.parse(bytes)
        XCTAssertEqual(node.attributes["n"], "é")
        XCTAssertEqual(node.text, "ü")
        XCTAssertEqual(canonical(node), canonical(try XCTUnwrap(Reference.parse(bytes))))
    }

    func testMalformedDocumentsAreRefusedWithLineAndColumn() throws {
        let malformed = [
            "", "   ", "text", "<a>", "<a></b>", "<a><b></a></b>", "<a x=1/>", "<a x=\"1\" x=\"2\"/>",
            "<a x=\"<\"/>", "<a>&bogus;</a>", "<a>&#0;</a>", "<a>&#xD800;</a>", "<a>& b</a>", "<a>\u{01}</a>", "<a><!-- -- --></a>",
            "<a><!-- open</a>", "<a><![CDATA[open</a>", "<a>]]></a>", "<a xy/>", "<a x=\"1\"y=\"2\"/>", "<1a/>",
            " <?xml version=\"1.0\"?><a/>", "<a/><?xml version=\"1.0\"?>", "<a", "<a x=\"1", "</a>",
        ]
        for text in malformed {
            let bytes = Array(text.utf8)
            XCTAssertNil(Reference.parse(bytes), "libxml2 accepts \(text.debugDescription): the case is wrong")
            XCTAssertThrowsError(try XMLDocumentParser.parse(bytes), "accepted \(text.debugDescription)") { error in
                let message = (error as? FieldError)?.message ?? ""
                XCTAssertTrue(message.hasPrefix("invalid XML"), message)
            }
        }
        // Refused although Foundation's XMLParser stops reading at the root's end tag and accepted
        // them: a second root element or text after the root is not XML, and an inventory that
        // carries more than one document must not be read as its first. Trailing NUL bytes (an
        // OVF cut from a tar block) are still accepted.
        for text in ["<a/><b/>", "<a/>trailing", "<a></a x>", "<a/><!-- c --><b/>"] {
            XCTAssertThrowsError(try parse(text), "accepted \(text.debugDescription)") { error in
                XCTAssertTrue((error as? FieldError)?.message.hasPrefix("invalid XML at line 1") ?? false, "\(error)")
            }
        }
        XCTAssertEqual(try XMLDocumentParser.parse(Array("<a>x</a>\n".utf8) + [UInt8](repeating: 0, count: 300)).text, "x")
        XCTAssertThrowsError(try parse("<Envelope>\n  <Disk capacity=\"1\">\n    <x>&nbsp;</x>\n")) { error in
            XCTAssertEqual((error as? FieldError)?.message,
                           "invalid XML at line 3, column 8: entity '&nbsp;' is not defined (no DTD is read)")
            XCTAssertEqual((error as? FieldError)?.field, "Envelope/Disk[0]/x[0]")
        }
        XCTAssertThrowsError(try parse("<a>\n<b>\n</a>")) { error in
            XCTAssertEqual((error as? FieldError)?.message, "invalid XML at line 3, column 1: end tag </a> does not match the start tag <b>")
        }
        XCTAssertThrowsError(try XMLDocumentParser.parse([0x3C, 0x61, 0x3E, 0xFF, 0x3C, 0x2F, 0x61, 0x3E])) { error in
            XCTAssertTrue((error as? FieldError)?.message.contains("not valid UTF-8") ?? false, "\(error)")
        }
        XCTAssertThrowsError(try parse("<?xml version=\"1.0\" encoding=\"EBCDIC-US\"?><a/>")) { error in
            XCTAssertTrue((error as? FieldError)?.message.contains("\"ebcdic-us\" is not supported") ?? false, "\(error)")
        }
    }

    func testNestingLimitAndSizeStayLinear() throws {
        let depth = InventoryLimits.maximumNestingDepth
        XCTAssertNoThrow(try parse(String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)))
        XCTAssertThrowsError(try parse(String(repeating: "<a>", count: depth + 1) + String(repeating: "</a>", count: depth + 1))) { error in
            XCTAssertTrue((error as? FieldError)?.message.contains("XML nesting deeper than \(depth) levels") ?? false, "\(error)")
        }
        // 50,000 siblings: sibling indices are counted, not searched (a search would compare
        // about 1.25e9 names), so this stays fast.
        let wide = "<r>" + String(repeating: "<i x=\"1\">t</i>", count: 50_000) + "</r>"
        let start = Date()
        let root = try parse(wide)
        XCTAssertEqual(root.children.count, 50_000)
        XCTAssertEqual(root.children.last?.path, "r/i[49999]")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
    }
}
