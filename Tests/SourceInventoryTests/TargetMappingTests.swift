import Foundation
import BlockAccess
import SourceInventory
import XCTest

final class TargetMappingTests: XCTestCase {
    static let vol2000 = "nbd://10.0.0.5:10809/vol-101328f1-4f0c-4c5e-9b1e-2b6e0d2a7f10"
    static let vol2001 = "nbd://10.0.0.5:10809/vol-ec4b3a8d-6a2f-4b7e-8c1d-3f5e9a0b2c4d"

    func testSeedNBDTargetsSplitAtTheFirstColonOfEachPair() throws {
        let assignments = try TargetMapping.parse(nbdTargets: "2000:\(Self.vol2000),2001:\(Self.vol2001)")
        XCTAssertEqual(assignments.map(\.key), ["2000", "2001"])
        XCTAssertEqual(assignments.map(\.text), [Self.vol2000, Self.vol2001])
        XCTAssertEqual(assignments.map(\.target), [.nbd(uri: Self.vol2000), .nbd(uri: Self.vol2001)])
    }

    func testURIsKeepTheirColonsQueriesAndCommas() throws {
        let spec = "2000:nbd+unix:///vol-a?socket=/run/nbd/a.sock,2001:nbds://h:10810/vol-b?tls-psk-file=/k,a:b&tls-username=u,2002:/var/tmp/disk,1.img"
        let assignments = try TargetMapping.parse(nbdTargets: spec)
        XCTAssertEqual(assignments.map(\.key), ["2000", "2001", "2002"])
        XCTAssertEqual(assignments[0].text, "nbd+unix:///vol-a?socket=/run/nbd/a.sock")
        XCTAssertEqual(assignments[1].text, "nbds://h:10810/vol-b?tls-psk-file=/k,a:b&tls-username=u")
        XCTAssertEqual(assignments[2].target, .file(path: "/var/tmp/disk,1.img"))
    }

    func testNonNumericKeysSplitAtAnyKeyThatIsNotAScheme() throws {
        let assignments = try TargetMapping.parse(nbdTargets: "boot:nbd://h/a, data-1:nbd://h/b")
        XCTAssertEqual(assignments.map(\.key), ["boot", "data-1"])
        XCTAssertEqual(assignments.map(\.text), ["nbd://h/a", "nbd://h/b"])
    }

    func testKeyEqualsForm() throws {
        let assignments = try TargetMapping.parse(keyEquals: ["2000=\(Self.vol2000)", " 2001 = ./images/b.img"])
        XCTAssertEqual(assignments.map(\.key), ["2000", "2001"])
        XCTAssertEqual(assignments[1].target, .file(path: "./images/b.img"))
        XCTAssertEqual(assignments[0].text, Self.vol2000)
    }

    func testBadMappingsAreClearErrors() {
        let cases: [(String, String)] = [
            ("", "empty"),
            ("2000", "expected KEY:TARGET"),
            (":nbd://h/e", "disk key is empty"),
            ("2000:", "empty target"),
            ("2000:http://h/e", "unsupported URI scheme 'http'"),
            ("2000:nbd://h/a,2000:nbd://h/b", "disk 2000 is mapped twice"),
            ("2000:nbd://h/a,,2001:nbd://h/b", "an empty pair"),
            ("2000:nbd://h/a,", "an empty pair"),
        ]
        for (spec, expected) in cases {
            XCTAssertThrowsError(try TargetMapping.parse(nbdTargets: spec), spec) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(spec): \(error)")
            }
        }
        XCTAssertThrowsError(try TargetMapping.parse(keyEquals: ["2000:nbd://h/e"])) { error in
            XCTAssertTrue("\(error)".contains("expected KEY=TARGET"), "\(error)")
        }
        XCTAssertThrowsError(try TargetMapping.parse(keyEquals: ["2000=nbd://h/a", "2000=nbd://h/b"]))
    }

    func testErrorsRedactSecrets() {
        XCTAssertThrowsError(try TargetMapping.parse(keyEquals: ["x y=nbds://u:hunter2@h/e?tls-psk-file=/secret.psk"])) { error in
            XCTAssertFalse("\(error)".contains("hunter2"), "\(error)")
            XCTAssertFalse("\(error)".contains("/secret.psk"), "\(error)")
        }
    }

    func testEncodingNeverWritesSecrets() throws {
        let assignments = try TargetMapping.parse(keyEquals: ["2000=nbds://alice:hunter2@h/e?tls-psk-file=/secret.psk"])
        let json = String(decoding: try JSONEncoder().encode(assignments), as: UTF8.self)
        XCTAssertFalse(json.contains("hunter2"), json)
        XCTAssertFalse(json.contains("secret.psk"), json)
        let decoded = try JSONDecoder().decode([TargetAssignment].self, from: Data(json.utf8))
        XCTAssertEqual(decoded.first?.key, "2000")
        XCTAssertEqual(decoded.first?.target.identity, assignments.first?.target.identity)
    }
}
