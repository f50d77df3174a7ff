import AuditCore
import Foundation
import XCTest

/// AuditCore's one JSON set-up and null-encoding helper (docs/CONTRACT.md: absent values
/// are `null`, keys sorted).
final class JSONOutputTests: XCTestCase {
    struct Sample: Encodable {
        var name: String
        var size: UInt64?
        var note: String?
        var hidden = "not in the keys"
        enum CodingKeys: String, CodingKey, CaseIterable { case name, size, note }
        func encode(to encoder: Encoder) throws {
            try NullEncoding.encode(self, keys: CodingKeys.self, to: encoder, omittingNil: ["note"])
        }
    }

    struct Renamed: Encodable {
        var title: String
        enum CodingKeys: String, CodingKey, CaseIterable { case name }
        func encode(to encoder: Encoder) throws { try NullEncoding.encode(self, keys: CodingKeys.self, to: encoder) }
    }

    func testNilIsNullUnlessOmittedAndOnlyTheKeysAreWritten() throws {
        let text = String(decoding: try JSONOutput.encode(Sample(name: "a/b", size: nil, note: nil), pretty: false), as: UTF8.self)
        XCTAssertEqual(text, #"{"name":"a/b","size":null}"#)
        let full = String(decoding: try JSONOutput.encode(Sample(name: "x", size: 1 << 40, note: "n"), pretty: false), as: UTF8.self)
        XCTAssertEqual(full, #"{"name":"x","note":"n","size":1099511627776}"#)
    }

    func testAKeyWithoutAPropertyIsAnError() {
        XCTAssertThrowsError(try JSONOutput.encode(Renamed(title: "t"))) { error in
            XCTAssertTrue("\(error)".contains("no stored property for [\"name\"]"), "\(error)")
        }
    }

    func testDocumentsArePrettySortedAndEndWithANewline() throws {
        let data = try JSONOutput.document(["b": 1, "a": 2])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), "{\n  \"a\" : 2,\n  \"b\" : 1\n}\n")
    }
}
