import AuditCore
import Foundation
import XCTest
@testable import SourceInventory

/// FormatDetection's line matchers (written by hand so the release binary needs no
/// NSRegularExpression, docs/RELEASE.md) find what the regular expressions they replace found:
/// each input is checked against both, the expressions run by full Foundation here.
final class FormatDetectionMatcherTests: XCTestCase {
    static let createType = try! NSRegularExpression(pattern: #"(?m)^\s*createType\s*="#)
    static let vmxKeys = try! NSRegularExpression(
        pattern: #"(?m)^\s*(\.encoding|config\.version|virtualHW\.version|displayName|(scsi|sata|ide|nvme)\d+:\d+\.fileName)\s*=\s*""#)

    static func regex(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    func check(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let scalars = Array(text.unicodeScalars)
        XCTAssertEqual(FormatDetection.anyLine(scalars, startsWith: { FormatDetection.key(["createType"], $0, $1) }, then: "="),
                       Self.regex(Self.createType, text), "createType: \(text.debugDescription)", file: file, line: line)
        XCTAssertEqual(FormatDetection.anyLine(scalars, startsWith: FormatDetection.vmxKey, then: "=\""),
                       Self.regex(Self.vmxKeys, text), "vmx: \(text.debugDescription)", file: file, line: line)
    }

    func testHandWrittenMatchersAgreeWithTheRegularExpressions() {
        let cases = [
            "", "createType=\"vmfs\"", "  createType = \"x\"", "# createType=", "xcreateType=", "a\ncreateType\t=",
            "a\r\ncreateType=", "a\u{2028}createType=", "a\u{0085} createType =", "createType\n= x", "createTypes=",
            "config.version = \"8\"", ".encoding = \"UTF-8\"", "displayName=\"vm\"", "displayName = vm", "virtualHW.version\t=\t\"19\"",
            "scsi0:0.fileName = \"d.vmdk\"", "nvme12:3.fileName=\"x\"", "sata0:.fileName = \"x\"", "ide:0.fileName = \"x\"",
            "scsi0:0.filename = \"x\"", "scsi٣:0.fileName = \"x\"", "  \n\n  displayName\n=\n\"x\"", "key = 1\nguestOS = \"x\"\nconfig.version = \"8\"",
            "displayName = \"", "displayName =", "scsi0:0.fileName", "x displayName = \"y\"", "\u{00A0}displayName = \"y\"",
            "vm:\n  displayName: x", "{\"displayName\": \"x\"}", "createType\u{0B}=", "createType\u{85}=", "\u{85}createType=",
            "createType\u{2028}=", "\u{0B}\u{0C}createType=", "displayName =\u{3000}\"x\"", "displayName =\u{200B}\"x\"",
        ]
        for text in cases { check(text) }
        var rng = SeededGenerator(seed: 11)
        let pieces = ["createType", "displayName", "scsi0:1.fileName", "config.version", " ", "\t", "\n", "\r\n", "=", "\"", "x", "#", "1", ":", ".",
                      "\u{0B}", "\u{85}", "\u{A0}", "\u{2029}"]
        for _ in 0..<400 {
            check((0..<Int(rng.below(10))).map { _ in pieces[Int(rng.below(UInt64(pieces.count)))] }.joined())
        }
    }
}
