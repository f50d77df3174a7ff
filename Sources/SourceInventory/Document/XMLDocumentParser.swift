import Foundation
#if canImport(FoundationXML)
import FoundationXML
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

    /// The trimmed text of the first child named `name`.
    func childText(_ name: String) -> String? {
        child(name).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
    }
}

/// Parses XML into `XMLElementNode`s with Foundation's `XMLParser` (libxml2), refusing DTDs
/// (no entity expansion at all) and nesting deeper than `InventoryLimits.maximumNestingDepth`.
enum XMLDocumentParser {
    static func parse(_ bytes: [UInt8]) throws(FieldError) -> XMLElementNode {
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
        if head.contains("<!DOCTYPE") || String(decoding: bytes, as: UTF8.self).contains("<!ENTITY") {
            throw FieldError(nil, "a DTD (<!DOCTYPE or <!ENTITY) is not accepted in an inventory")
        }
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        let ok = parser.parse()
        if let failure = builder.failure { throw failure }
        guard ok, let root = builder.root else {
            let reason = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "not well-formed"
            throw FieldError(builder.currentPath, "invalid XML at line \(parser.lineNumber), column \(parser.columnNumber): \(reason)")
        }
        return root
    }

    /// `ovf:capacity` → `capacity`.
    static func localName(_ qualified: String) -> String {
        qualified.split(separator: ":", maxSplits: 1).last.map(String.init) ?? qualified
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [XMLElementNode] = []
        var root: XMLElementNode?
        var failure: FieldError?

        var currentPath: String? { stack.last?.path }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            if stack.count >= InventoryLimits.maximumNestingDepth {
                failure = FieldError(currentPath, "XML nesting deeper than \(InventoryLimits.maximumNestingDepth) levels")
                parser.abortParsing()
                return
            }
            let name = XMLDocumentParser.localName(elementName)
            var attributeMap: [String: String] = [:]
            for (key, value) in attributes { attributeMap[XMLDocumentParser.localName(key)] = value }
            let siblings = stack.last?.children.filter { $0.name == name }.count ?? 0
            let parentPath = stack.last.map { $0.path + "/" } ?? ""
            let path = parentPath + name + (stack.isEmpty ? "" : "[\(siblings)]")
            stack.append(XMLElementNode(name: name, attributes: attributeMap, children: [], text: "", path: path))
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard let element = stack.popLast() else { return }
            if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
        }
    }
}
