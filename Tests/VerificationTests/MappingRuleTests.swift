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
}
