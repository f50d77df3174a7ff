import AuditCore
import DiskProbe
import SourceInventory
import Verification
import XCTest

final class VerifierTests: XCTestCase {
    let tool = ToolInfo(version: "test")

    func verify(_ volumes: [String: VolumeObservation], vmFindings: [Finding] = [],
                references: [String: ProbeResult] = [:]) -> VerificationReport {
        Verifier.verify(VerificationInput(inventory: ProbeValues.inventory, vmFindings: vmFindings, volumes: volumes,
                                          references: references, referenceKind: references.isEmpty ? .none : .sources),
                        tool: tool, startedAt: "2026-01-01T00:00:00Z", finishedAt: "2026-01-01T00:00:01Z")
    }

    func observed(_ probe: ProbeResult, _ identity: String) -> VolumeObservation {
        VolumeObservation(target: probe.target, targetIdentity: identity, outcome: .probed(probe))
    }

    func testTheSeedIncidentFailsOnDisk2000AndPassesDisk2001() throws {
        let report = verify(["2000": observed(ProbeValues.contaminated2000, "a"), "2001": observed(ProbeValues.source2001(), "b")])
        XCTAssertEqual(report.verdict, .fail)
        XCTAssertEqual(report.verdict.exitCode, 1)
        XCTAssertEqual(report.disk("2000")?.verdict, .fail)
        XCTAssertEqual(report.disk("2001")?.verdict, .pass)
        XCTAssertEqual(report.contamination.map(\.carries), ["2001"])
        XCTAssertEqual(report.schemaVersion, 1)
        // One JUnit family per rule, and the label-geometry family is the failing one.
        let checks = try XCTUnwrap(report.disk("2000")?.checks)
        XCTAssertEqual(checks.first { $0.family == .labelGeometry }?.verdict, .fail)
        XCTAssertEqual(Set(checks.map(\.family)), Set(RuleFamily.allCases))
    }

    func testAnUnreachableDiskIsInconclusiveNeverAPass() {
        let report = verify(["2000": observed(ProbeValues.source2000(), "a"),
                             "2001": VolumeObservation(target: "t", targetIdentity: "b", outcome: .unreachable(message: "refused"))])
        XCTAssertEqual(report.verdict, .inconclusive)
        XCTAssertEqual(report.verdict.exitCode, 3)
        XCTAssertEqual(report.disk("2001")?.verdict, .inconclusive)
        XCTAssertNil(report.disk("2001")?.actualBytes)
        XCTAssertEqual(report.disk("2000")?.verdict, .pass)
    }

    func testAFailureAnywhereOutweighsAnUnreadDisk() {
        let report = verify(["2000": observed(ProbeValues.contaminated2000, "a"),
                             "2001": VolumeObservation(target: "t", targetIdentity: "b", outcome: .probeFailed(message: "EIO"))])
        XCTAssertEqual(report.verdict, .fail)
        XCTAssertEqual(report.disk("2001")?.verdict, .inconclusive)
    }

    func testAnUnmappedDiskFailsThroughTheVMFindingThatNamesIt() {
        let unmapped = Finding(code: "unmapped-disk", severity: .error, message: "disk 2001 has no target",
                               evidence: ["key": "2001"])
        let report = verify(["2000": observed(ProbeValues.source2000(), "a")], vmFindings: [unmapped])
        XCTAssertEqual(report.verdict, .fail)
        XCTAssertEqual(report.disk("2001")?.verdict, .fail)
        XCTAssertEqual(report.disk("2000")?.verdict, .pass)
        XCTAssertEqual(report.findings, [unmapped])
    }

    func testAnIncompleteSourceMakesTheDiskInconclusive() {
        let input = VerificationInput(inventory: ProbeValues.inventory,
                                      volumes: ["2000": observed(ProbeValues.source2000(), "a"), "2001": observed(ProbeValues.source2001(), "b")],
                                      references: ["2000": ProbeValues.source2000()], referenceKind: .sources,
                                      referenceFailures: ["2001": "connection refused"])
        let report = Verifier.verify(input, tool: tool, startedAt: "s", finishedAt: "f")
        XCTAssertEqual(report.disk("2001")?.verdict, .inconclusive)
        XCTAssertTrue(report.disk("2001")?.findings.contains { $0.code == "source-unreadable" } ?? false)
        XCTAssertEqual(report.verdict, .inconclusive)
    }

    func testContentMismatchFailsTheDisk() {
        let mismatch = Finding(code: "content-mismatch", severity: .critical, message: "3 of 500 sampled blocks differ")
        let input = VerificationInput(inventory: ProbeValues.inventory,
                                      volumes: ["2000": observed(ProbeValues.source2000(), "a"), "2001": observed(ProbeValues.source2001(), "b")],
                                      references: ["2000": ProbeValues.source2000(), "2001": ProbeValues.source2001()],
                                      referenceKind: .sources, content: ContentSummary(mode: "sample", seed: 7, compared: true),
                                      contentFindings: ["2001": [mismatch]])
        let report = Verifier.verify(input, tool: tool, startedAt: "s", finishedAt: "f")
        XCTAssertEqual(report.disk("2001")?.verdict, .fail)
        XCTAssertEqual(report.disk("2000")?.verdict, .pass)
        XCTAssertEqual(report.disk("2001")?.checks.first { $0.family == .content }?.verdict, .fail)
    }

    func testVerdictRule() {
        let info = Finding(code: "x", severity: .info, message: "")
        let warning = Finding(code: "x", severity: .warning, message: "")
        let error = Finding(code: "x", severity: .error, message: "")
        XCTAssertEqual(Verdict.of(findings: [info, warning], somethingUnread: false), .pass)
        XCTAssertEqual(Verdict.of(findings: [warning], somethingUnread: true), .inconclusive)
        XCTAssertEqual(Verdict.of(findings: [error], somethingUnread: true), .fail)
    }
}
