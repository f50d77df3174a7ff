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

    // Issue 18.4 / 19.3: mapping by label, and mistakes that must not be swallowed.

    static let inventory = Inventory(vm: VMIdentity(name: "pgtest1", format: "manifest"), disks: [
        SourceDisk(key: "2000", label: "Hard disk 1", capacityBytes: 1 << 30),
        SourceDisk(key: "2001", label: "Hard disk 2", capacityBytes: 1 << 30),
        SourceDisk(key: "2002", label: "data=a:b", capacityBytes: 1 << 30),
    ])

    func testLabelsResolveToKeysInBothSpellings() throws {
        let equals = try TargetMapping.parse(keyEquals: ["hard  DISK 2=/dev/vdc", "2000=/dev/vdb", "data=a:b=/dev/vdd"],
                                             inventory: Self.inventory)
        XCTAssertEqual(equals.map(\.key), ["2001", "2000", "2002"])
        XCTAssertEqual(equals.map(\.text), ["/dev/vdc", "/dev/vdb", "/dev/vdd"])
        let colon = try TargetMapping.parse(nbdTargets: "2000:nbd://h/a?x=1,Hard disk 2:nbd://h/b", inventory: Self.inventory)
        XCTAssertEqual(colon.map(\.key), ["2000", "2001"])
        XCTAssertEqual(colon.map(\.text), ["nbd://h/a?x=1", "nbd://h/b"])
    }

    func testMistakesAreErrorsQuotingThePair() {
        let nbd: [(String, String)] = [
            ("2000:/dev/vdb 2001:/dev/vdc", "'2001:/dev/vdc' follows the target of disk 2000"),
            ("2000:/dev/vdb;2001:/dev/vdc", "'2001:/dev/vdc' follows"),
            ("2000:nbd+unix:///?socket=/run/a.sock,2001=nbd+unix:///?socket=/run/b.sock", "'2001=nbd+unix:///?socket=/run/b.sock'"),
            ("2000=/dev/vdb", "not KEY=TARGET"),
            ("2000:/dev/vdb,2010:/dev/vdc", "'2010:/dev/vdc': VM pgtest1 has no disk '2010'"),
            ("2000:/dev/vdb,Hard disk 3:/dev/vdc", "no disk"),
            ("2000:/dev/vdb,Hard disk 1:/dev/vdc", "disk 2000 is mapped twice"),
        ]
        for (spec, expected) in nbd {
            XCTAssertThrowsError(try TargetMapping.parse(nbdTargets: spec, inventory: Self.inventory), spec) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(spec): \(error)")
            }
        }
        let equals: [([String], String)] = [
            (["2000=/dev/vdb 2001=/dev/vdc"], "'2001=/dev/vdc' follows the target of disk 2000"),
            (["2010=/dev/vdb"], "its disks are 2000 (Hard disk 1), 2001 (Hard disk 2), 2002 (data=a:b)"),
        ]
        for (items, expected) in equals {
            XCTAssertThrowsError(try TargetMapping.parse(keyEquals: items, inventory: Self.inventory), "\(items)") { error in
                XCTAssertTrue("\(error)".contains(expected), "\(items): \(error)")
            }
        }
        let twins = Inventory(vm: VMIdentity(name: "vm", format: "manifest"), disks: [
            SourceDisk(key: "1", label: "disk", capacityBytes: 1), SourceDisk(key: "2", label: "Disk", capacityBytes: 1),
        ])
        XCTAssertThrowsError(try TargetMapping.parse(keyEquals: ["disk=/dev/vdb"], inventory: twins)) { error in
            XCTAssertTrue("\(error)".contains("names 2 disks"), "\(error)")
        }
    }

    func testTargetsAreEchoedAsTyped() {
        XCTAssertThrowsError(try TargetMapping.parse(nbdTargets: "2000:nbd+unix:///my vol?socket=/run/my dir/s.sock,2010:/x",
                                                     inventory: Self.inventory)) { error in
            XCTAssertFalse("\(error)".contains("%20"), "\(error)")
        }
        XCTAssertEqual(Target.nbd(uri: "nbds://alice:pw@h/my vol?socket=/a b&tls-psk-file=/k").redacted,
                       "nbds://alice:REDACTED@h/my vol?socket=/a b&tls-psk-file=REDACTED")
    }
}
