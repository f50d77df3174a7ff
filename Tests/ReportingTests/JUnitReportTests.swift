import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Reporting
import Verification
import XCTest

/// Collects the JUnit document's structure with a real XML parser.
final class JUnitStructure: NSObject, XMLParserDelegate {
    var root: [String: String] = [:]
    var suites: [[String: String]] = []
    var cases: [(suite: String, attributes: [String: String], outcome: String?, outcomeAttributes: [String: String])] = []

    init(_ xml: String) throws {
        super.init()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = self
        guard parser.parse() else { throw parser.parserError ?? NSError(domain: "xml", code: 1) }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        switch name {
        case "testsuites": root = attributes
        case "testsuite": suites.append(attributes)
        case "testcase": cases.append((suites.last?["name"] ?? "", attributes, nil, [:]))
        case "failure", "error", "skipped":
            cases[cases.count - 1].outcome = name
            cases[cases.count - 1].outcomeAttributes = attributes
        default: break
        }
    }
}

final class JUnitReportTests: XCTestCase {
    func testOneTestcasePerDiskAndRuleFamilyWithConsistentCounts() throws {
        let report = SampleReports.incident()
        let junit = try JUnitStructure(JUnitReport.render(report))
        XCTAssertEqual(junit.suites.count, 3)
        XCTAssertEqual(junit.cases.count, 2 + 2 * RuleFamily.allCases.count)
        XCTAssertEqual(Int(junit.root["tests"] ?? ""), junit.cases.count)
        // GitLab keeps only the first of equally named tests: every name is unique.
        XCTAssertEqual(Set(junit.cases.map { $0.attributes["name"] ?? "" }).count, junit.cases.count)
        XCTAssertEqual(Int(junit.root["failures"] ?? ""), junit.cases.filter { $0.outcome == "failure" }.count)
        for suite in junit.suites {
            let mine = junit.cases.filter { $0.suite == suite["name"] }
            XCTAssertEqual(Int(suite["tests"] ?? ""), mine.count)
            XCTAssertEqual(Int(suite["failures"] ?? ""), mine.filter { $0.outcome == "failure" }.count)
            XCTAssertEqual(Int(suite["skipped"] ?? ""), mine.filter { $0.outcome == "skipped" }.count)
            XCTAssertNotNil(suite["timestamp"])
        }
        let label = try XCTUnwrap(junit.cases.first { $0.attributes["classname"] == "pgtest1.disk-2000" && $0.attributes["name"] == "disk 2000: label-geometry" })
        XCTAssertEqual(label.outcome, "failure")
        XCTAssertEqual(label.outcomeAttributes["type"], "label-sized-for-other-disk")
        XCTAssertTrue(label.outcomeAttributes["message"]?.contains("alternate LBA 20971519") ?? false)
        let contamination = try XCTUnwrap(junit.cases.first { $0.attributes["name"] == "VM pgtest1: contamination" })
        XCTAssertEqual(contamination.outcome, "failure")
        XCTAssertTrue(junit.cases.filter { $0.attributes["classname"] == "pgtest1.disk-2001" }
            .allSatisfy { $0.outcome == nil || $0.outcome == "skipped" })
    }

    func testAnUnreadVolumeIsAnErrorNotAPass() throws {
        let junit = try JUnitStructure(JUnitReport.render(SampleReports.unreachable))
        let readability = try XCTUnwrap(junit.cases.first { $0.attributes["classname"] == "pgtest1.disk-2000" && $0.attributes["name"] == "disk 2000: readability" })
        XCTAssertEqual(readability.outcome, "error")
        XCTAssertEqual(readability.outcomeAttributes["type"], "target-unreachable")
        XCTAssertEqual(Int(junit.root["errors"] ?? ""), 1)
    }

    func testMarkupInNamesAndMessagesIsEscaped() throws {
        let report = SampleReports.incident(vmName: "pg<&\"'>\u{1}test")
        let xml = JUnitReport.render(report)
        let junit = try JUnitStructure(xml)
        XCTAssertEqual(junit.suites.first?["name"], "pg<&\"'>test")
        XCTAssertFalse(xml.contains("\u{1}"))
    }
}
