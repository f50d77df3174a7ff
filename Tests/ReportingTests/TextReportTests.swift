import Foundation
import Reporting
import TestSupport
import Verification
import XCTest

final class TextReportTests: XCTestCase {
    func testTerminalSummaryHasOneLinePerDiskThenTheContaminationInPlainWords() {
        let text = TerminalSummary.render(SampleReports.incident(), reportDirectory: "Reports/x")
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.hasPrefix("disk 2000 (Hard disk 1, 115 GiB)  FAIL  label-sized-for-other-disk: ") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("disk 2001 (Hard disk 2, 10 GiB)   PASS") })
        XCTAssertTrue(text.contains("The volume of disk 2000 (Hard disk 1, 115 GiB) carries the partition table of disk 2001 "
                                    + "(Hard disk 2, 10 GiB): its GPT was written for a 10 GiB disk (alternate LBA 20971519)"))
        XCTAssertEqual(lines.last, "Verdict: FAIL — reports in Reports/x")
    }

    func testContaminationProseNamesEachKindOfEvidence() {
        let report = SampleReports.incident()
        let entry = Contamination(disk: "2000", carries: "2001",
                                  evidence: ["mbr-signature", "filesystem-uuids", "content-samples"],
                                  details: ["mbrSignature": "0x08080808", "filesystemUUIDs": ["u-1"]])
        let sentence = ContaminationProse.sentence(entry, in: report)
        XCTAssertEqual(sentence, "The volume of disk 2000 (Hard disk 1, 115 GiB) carries the partition table of disk 2001 "
                       + "(Hard disk 2, 10 GiB): its DOS disk signature 0x08080808 is disk 2001's; its filesystem UUID u-1 "
                       + "is disk 2001's; sampled blocks hold disk 2001's data.")
    }

    func testReportJSONFollowsTheContract() throws {
        let data = try JSONReport.render(SampleReports.unreachable)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(json["schemaVersion"] as? Int, 1)
        XCTAssertEqual(json["verdict"] as? String, "inconclusive")
        XCTAssertEqual((json["vm"] as? [String: Any])?["name"] as? String, "pgtest1")
        let disks = try XCTUnwrap(json["disks"] as? [[String: Any]])
        XCTAssertEqual(disks.map { $0["key"] as? String }, ["2000", "2001"])
        XCTAssertTrue(disks[0]["actualBytes"] is NSNull)
        XCTAssertEqual(disks[0]["verdict"] as? String, "inconclusive")
        XCTAssertEqual(disks[1]["expectedBytes"] as? Int, 10_737_418_240)
        XCTAssertNotNil(json["findings"] as? [Any])
        XCTAssertNotNil(json["contamination"] as? [Any])
        XCTAssertEqual((json["tool"] as? [String: Any])?["version"] as? String, "0.1.0")
    }

    func testTheWriterWritesAllFourFilesAndNamesTheDefaultDirectoryByUTCTime() throws {
        let dir = try TemporaryDirectory.make(prefix: "writer")
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("nested/reports")
        try ReportWriter.write(SampleReports.incident(), to: target)
        for name in ReportWriter.fileNames {
            let size = try FileManager.default.attributesOfItem(atPath: target.appendingPathComponent(name).path)[.size] as? Int
            XCTAssertGreaterThan(size ?? 0, 100, name)
        }
        let date = Date(timeIntervalSince1970: 1_795_870_063)  // 2026-11-28T12:47:43Z
        XCTAssertEqual(ReportWriter.defaultDirectory(base: URL(fileURLWithPath: "/w"), vm: "pg test/1", at: date).path,
                       "/w/Reports/pg_test_1-20261128T124743Z")
    }
}
