import BlockAccess
import SourceInventory
import Verification
import XCTest

final class MappingRuleTests: XCTestCase {
    func testTwoSpellingsOfOneExportAreSharedKeysAndDuplicateTarget() throws {
        let assignments = try TargetMapping.parse(nbdTargets:
            "2000:nbd+unix:///vol?socket=/run/a.sock,2001:nbd+unix:///vol?socket=/run/./a.sock")
        XCTAssertEqual(MappingRule.sharedKeys(assignments), ["2000", "2001"])
        let findings = MappingRule.findings(inventory: ProbeValues.inventory, assignments: assignments, role: "target")
        XCTAssertEqual(findings.map(\.code), ["duplicate-target"])
        XCTAssertTrue(MappingRule.notReadReason("2000", assignments).contains("disk 2001"))
    }

    func testDistinctTargetsShareNothing() throws {
        let assignments = try TargetMapping.parse(keyEquals: ["2000=nbd://h/a", "2001=nbd://h/b"])
        XCTAssertEqual(MappingRule.sharedKeys(assignments), [])
        XCTAssertEqual(MappingRule.findings(inventory: ProbeValues.inventory, assignments: assignments, role: "target"), [])
    }

    /// The typed role gives the same findings as its word, and names itself in the evidence.
    func testTheTypedRoleIsTheWordOfTheMessages() throws {
        let assignments = try TargetMapping.parse(keyEquals: ["2000=nbd://h/a", "2001=nbd://h/a"])
        let typed = MappingRule.findings(inventory: ProbeValues.inventory, assignments: assignments, role: .source)
        XCTAssertEqual(typed, MappingRule.findings(inventory: ProbeValues.inventory, assignments: assignments, role: "source"))
        XCTAssertEqual(typed.first?.evidence["role"], "source")
        XCTAssertTrue(typed.first?.message.contains("the same source") == true, typed.first?.message ?? "")
        XCTAssertEqual(ContentSummary(mode: "sample").contentMode, .sample)
        XCTAssertNil(ContentSummary(mode: "someday").contentMode)
    }
}
