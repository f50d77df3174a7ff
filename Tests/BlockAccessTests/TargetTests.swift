import XCTest
@testable import BlockAccess

final class TargetTests: XCTestCase {
    func testURISchemesAndPaths() throws {
        XCTAssertEqual(try Target(parsing: "nbd://host/exp"), .nbd(uri: "nbd://host/exp"))
        XCTAssertEqual(try Target(parsing: "./disk.img"), .file(path: "./disk.img"))
        XCTAssertThrowsError(try Target(parsing: "http://host/x"))
        XCTAssertThrowsError(try Target(parsing: "  "))
    }

    func testTwoSpellingsOfOneExportHaveOneIdentity() throws {
        let a = try Target(parsing: "nbd://LocalHost:10809/vol-1")
        let b = try Target(parsing: "nbd://127.0.0.1/vol-1")
        let c = try Target(parsing: "nbd://localhost/vol-2")
        XCTAssertEqual(a.identity, b.identity)
        XCTAssertNotEqual(a.identity, c.identity)
        let u1 = try Target(parsing: "nbd+unix:///vol?socket=/tmp/x/../s.sock")
        let u2 = try Target(parsing: "nbd+unix:///vol?socket=/tmp/s.sock")
        XCTAssertEqual(u1.identity, u2.identity)
    }

    func testRedactionKeepsIdentityDropsSecrets() throws {
        let t = try Target(parsing: "nbds://alice:hunter2@host:10809/vol?tls-psk-file=/etc/keys.psk&socket=/s")
        XCTAssertFalse(t.redacted.contains("hunter2"))
        XCTAssertFalse(t.redacted.contains("/etc/keys.psk"))
        XCTAssertTrue(t.redacted.contains("host:10809/vol"))
        XCTAssertTrue(t.redacted.contains("socket=/s"))
    }
}
