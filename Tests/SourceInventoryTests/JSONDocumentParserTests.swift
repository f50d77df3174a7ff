@testable import SourceInventory
import XCTest

final class JSONDocumentParserTests: XCTestCase {
    private func parse(_ text: String) throws -> DocumentValue { try JSONDocumentParser.parse(Array(text.utf8)) }

    func testKeepsMemberOrderAndNumberText() throws {
        let value = try parse(#"{"b": 123480309760, "a": [true, null, -1.5e3, "x\u00e9\ud83d\ude00"]}"#)
        XCTAssertEqual(value, .object([
            (key: "b", value: .number("123480309760")),
            (key: "a", value: .array([.bool(true), .null, .number("-1.5e3"), .string("xé😀")])),
        ]))
    }

    func testDuplicateKeyNamesThePath() {
        XCTAssertThrowsError(try parse(#"{"a": {"key": 1, "key": 2}}"#)) { error in
            let failure = error as? FieldError
            XCTAssertEqual(failure?.field, "a.key")
            XCTAssertTrue(failure?.message.contains("duplicate key \"key\"") ?? false, "\(String(describing: failure))")
        }
    }

    func testDeepNestingIsRefusedAtTheLimit() throws {
        let depth = InventoryLimits.maximumNestingDepth
        XCTAssertNoThrow(try parse(String(repeating: "[", count: depth) + String(repeating: "]", count: depth)))
        let tooDeep = String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)
        XCTAssertThrowsError(try parse(tooDeep)) { error in
            XCTAssertTrue((error as? FieldError)?.message.contains("nesting deeper than \(depth)") ?? false)
        }
    }

    func testMalformedInputGivesLineAndColumn() {
        XCTAssertThrowsError(try parse("{\n  \"a\": 1,\n  \"b\" 2\n}")) { error in
            XCTAssertEqual((error as? FieldError)?.message, "invalid JSON at line 3, column 7: unexpected '2', expected ':'")
        }
        for bad in ["", "{", "[1,]", "{\"a\":01x}", "\"\\x\"", "tru", "{\"a\":1} 2", "\"\u{01}\"", "\"\\ud800\"", "-", "1.", "1e"] {
            XCTAssertThrowsError(try parse(bad), "accepted \(bad.debugDescription)")
        }
    }
}
