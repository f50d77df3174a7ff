import AuditCore
import DiskProbe
import Verification
import XCTest

final class ReadabilityRuleTests: XCTestCase {
    func testUnreachableTargetCarriesTheError() throws {
        let findings = ReadabilityRule.findings(disk: ProbeValues.disk2001, target: "nbd://x/y",
                                                outcome: .unreachable(message: "nbd_connect_uri: Connection refused"))
        let finding = try XCTUnwrap(findings.first)
        XCTAssertEqual(finding.code, "target-unreachable")
        XCTAssertEqual(finding.evidence["error"], "nbd_connect_uri: Connection refused")
        XCTAssertTrue(FindingCode.unread.contains(finding.code))
    }

    func testUnreadableRegionsOfAProbeAreListed() throws {
        var probe = ProbeValues.source2001()
        probe.unreadableRegions = [ByteRange(offset: 0, length: 4096, error: "EIO")]
        let finding = try XCTUnwrap(ReadabilityRule.findings(disk: ProbeValues.disk2001, target: "t", outcome: .probed(probe)).first)
        XCTAssertEqual(finding.code, "unreadable-region")
        XCTAssertEqual(finding.evidence["regions"], [["offset": 0, "length": 4096, "error": "EIO"]])
    }

    func testACompleteProbeHasNoReadabilityFinding() {
        XCTAssertEqual(ReadabilityRule.findings(disk: ProbeValues.disk2001, target: "t", outcome: .probed(ProbeValues.source2001())), [])
    }

    func testAVolumeDeliberatelyNotReadSaysWhy() {
        let findings = ReadabilityRule.findings(disk: ProbeValues.disk2001, target: nil, outcome: .notRead(reason: "no target is mapped to it"))
        XCTAssertEqual(findings.map(\.code), ["not-read"])
        XCTAssertTrue(findings[0].message.contains("no target is mapped to it"))
    }
}
