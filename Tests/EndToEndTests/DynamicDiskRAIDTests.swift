import Foundation
import TestSupport
import XCTest

/// Issue 21, the rest: Windows dynamic disks (LDM, MBR and GPT) and firmware RAID members
/// (DDF, Intel IMSM), over real nbdkit, each faithful set next to its broken twin. The
/// metadata is written by Fixtures/ldmdb.py, ddfmeta.py and imsmmpb.py and checked by
/// `ldmtool` and `mdadm --examine` (Fixtures/make-verify-multi.sh ldm|raid).
final class DynamicDiskRAIDTests: XCTestCase {
    static let G: UInt64 = 1 << 30
    static let M: UInt64 = 1 << 20
    static let ldmDisks: [(key: Int, label: String, bytes: UInt64)] = [(2030, "Hard disk 1", G), (2031, "Hard disk 2", G * 3 / 2)]
    static let gptDisks: [(key: Int, label: String, bytes: UInt64)] = [(2032, "Hard disk 1", G), (2033, "Hard disk 2", G)]
    static let ddfDisks: [(key: Int, label: String, bytes: UInt64)] = [(2042, "Hard disk 1", 256 * M), (2043, "Hard disk 2", 256 * M)]
    static let imsmDisks: [(key: Int, label: String, bytes: UInt64)] = [(2044, "Hard disk 1", 512 * M), (2045, "Hard disk 2", 640 * M)]

    /// Serves the images (names unique per run) and runs verify.
    func verify(_ scenario: Scenario, disks: [(key: Int, label: String, bytes: UInt64)], targets: [(key: Int, image: String)],
                sources: [(key: Int, image: String)] = [], name: String) throws -> VerifyResult {
        for t in targets { try scenario.serve("\(name)-t\(t.key)", image: t.image) }
        for s in sources { try scenario.serve("\(name)-s\(s.key)", image: s.image) }
        let inventory = try scenario.inventory(vm: name, disks: disks)
        func pairs(_ list: [(key: Int, image: String)], _ prefix: String) -> String {
            list.map { "\($0.key):" + scenario.uri("\(name)-\(prefix)\($0.key)") }.joined(separator: ",")
        }
        var args = ["--inventory", inventory, "--nbd-targets", pairs(targets, "t")]
        if !sources.isEmpty { args += ["--nbd-sources", pairs(sources, "s"), "--content", "none"] }
        let run = try VerifyResult(args, reportDirectory: scenario.reportDirectory(name))
        XCTAssertEqual(run.invariantViolations, [], name)
        return run
    }

    func message(_ run: VerifyResult, _ code: String, of key: String) -> String {
        run.finding(code, of: key)?["message"] as? String ?? ""
    }

    // MARK: Windows dynamic disks

    func testHealthyLDMGroupPassesAndItsBrokenTwinsNameTheCarrier() throws {
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["ldm"])
        let ok = try verify(scenario, disks: Self.ldmDisks, targets: [(2030, "ldm-2030.img"), (2031, "ldm-2031.img")], name: "ldm-ok")
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertFalse(ok.allCodes.contains("duplicate-identity"), "\(ok.allCodes)")
        let set = message(ok, "multi-device-set", of: "2030")
        XCTAssertTrue(set.contains("LDM disk GUID 21000000-0000-4000-8000-000000002030 of Windows dynamic disk group "
                                   + "21000000-0000-4000-8000-0000000000c0 \"WIN-DG0\" (2 devices)"), set)
        XCTAssertTrue(set.contains("disk 2030 (Hard disk 1, 1 GiB) (whole disk); disk 2031 (Hard disk 2, 1.5 GiB) (whole disk)"), set)

        // 2031's volume carries 2030's first 1 GiB: its PRIVHEAD says 2030's disk GUID, and its
        // database ends at 1 GiB — 2030's size, not 2031's.
        let dup = try verify(scenario, disks: Self.ldmDisks, targets: [(2030, "ldm-2030.img"), (2031, "ldm-2031-dup.img")],
                             name: "ldm-dup")
        XCTAssertEqual(dup.status, 1, dup.stdout + dup.stderr)
        let text = message(dup, "duplicate-member", of: "2031")
        XCTAssertTrue(text.contains("LDM disk GUID 21000000-0000-4000-8000-000000002030 of Windows dynamic disk group"), text)
        XCTAssertTrue(text.contains("1 of its 2 members is on no volume: the Windows dynamic disk group is incomplete"), text)
        XCTAssertTrue(dup.codes(of: "2031").contains("header-sized-for-other-disk"), "\(dup.codes(of: "2031"))")
        XCTAssertEqual(dup.contaminationPairs, [["2031", "2030"]])
        XCTAssertTrue((dup.contamination.first?["evidence"] as? [String] ?? []).contains("size-field"))
        XCTAssertEqual(dup.disk("2030")?["verdict"] as? String, "pass", "\(dup.codes(of: "2030"))")

        // 2030's volume carries the first 1 GiB of 2031's: a PRIVHEAD for 1.5 GiB on a 1 GiB volume.
        let big = try verify(scenario, disks: Self.ldmDisks, targets: [(2030, "ldm-2030-dup.img"), (2031, "ldm-2031.img")],
                             name: "ldm-big")
        XCTAssertEqual(big.status, 1, big.stdout + big.stderr)
        let larger = try XCTUnwrap(big.findings(of: "2030").first {
            $0["code"] as? String == "filesystem-larger-than-container" && ($0["message"] as? String ?? "").contains("LDM")
        }, "\(big.codes(of: "2030"))")
        XCTAssertEqual(larger["severity"] as? String, "critical")
        XCTAssertTrue(big.codes(of: "2030").contains("duplicate-member"), "\(big.codes(of: "2030"))")
        XCTAssertEqual(big.disk("2031")?["verdict"] as? String, "pass", "\(big.codes(of: "2031"))")
    }

    /// Two dynamic disks of one size, the front of 2035's volume written over by 2034's (the
    /// seed incident's pattern): 2035's own database, still at its end, names the carrier.
    func testEqualSizeLDMFrontOverwriteIsDirectedByTheDatabaseLeftAtTheEnd() throws {
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["ldm"])
        let disks: [(key: Int, label: String, bytes: UInt64)] = [(2034, "Hard disk 1", Self.G), (2035, "Hard disk 2", Self.G)]
        let ok = try verify(scenario, disks: disks, targets: [(2034, "ldm-2034.img"), (2035, "ldm-2035.img")], name: "fldm-ok")
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertTrue(ok.contamination.isEmpty)
        // Before: duplicate-identity on both volumes, no direction.
        let run = try verify(scenario, disks: disks, targets: [(2034, "ldm-2034.img"), (2035, "ldm-2035-front.img")], name: "fldm")
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.contaminationPairs, [["2035", "2034"]])
        XCTAssertEqual(run.contamination.first?["evidence"] as? [String], ["stale-own-member"])
        XCTAssertTrue(message(run, "duplicate-member", of: "2035").contains("LDM disk GUID 21000000-0000-4000-8000-000000002034"))
        XCTAssertEqual(run.disk("2034")?["verdict"] as? String, "pass", "\(run.codes(of: "2034"))")
        let markdown = try String(contentsOfFile: scenario.reportDirectory("fldm") + "/report.md", encoding: .utf8)
        XCTAssertTrue(markdown.contains("its own header further on still names 21000000-0000-4000-8000-000000002035: "
                                        + "the front was written over"), markdown)
    }

    func testGPTDynamicDiskCopyIsUndirectedAloneAndNamedAgainstTheSources() throws {
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["ldm"])
        let ok = try verify(scenario, disks: Self.gptDisks, targets: [(2032, "ldm-gpt-2032.img"), (2033, "ldm-gpt-2033.img")],
                            name: "gldm-ok")
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertTrue(message(ok, "multi-device-set", of: "2033").contains("\"WIN-DG1\" (2 devices)"))

        // Equal sizes: nothing on the volumes tells which is the copy.
        let blind = try verify(scenario, disks: Self.gptDisks, targets: [(2032, "ldm-gpt-2032.img"), (2033, "ldm-gpt-2033-dup.img")],
                               name: "gldm-dup")
        XCTAssertEqual(blind.status, 1, blind.stdout + blind.stderr)
        for key in ["2032", "2033"] {
            let text = message(blind, "duplicate-member", of: key)
            XCTAssertTrue(text.contains("LDM disk GUID 21000000-0000-4000-8000-00000000d032"), text)
            XCTAssertTrue(text.contains("One of these two volumes is a copy of the other; sources or a baseline can tell which"), text)
        }

        let named = try verify(scenario, disks: Self.gptDisks, targets: [(2032, "ldm-gpt-2032.img"), (2033, "ldm-gpt-2033-dup.img")],
                               sources: [(2032, "ldm-gpt-2032.img"), (2033, "ldm-gpt-2033.img")], name: "gldm-src")
        XCTAssertEqual(named.status, 1, named.stdout + named.stderr)
        XCTAssertEqual(named.contaminationPairs, [["2033", "2032"]])
        let mismatch = message(named, "identity-mismatch", of: "2033")
        XCTAssertTrue(mismatch.contains("LDM disk GUID 21000000-0000-4000-8000-00000000d033 expected, "
                                        + "21000000-0000-4000-8000-00000000d032 found"), mismatch)
        XCTAssertEqual(named.disk("2032")?["verdict"] as? String, "pass", "\(named.codes(of: "2032"))")
    }

    // MARK: DDF and IMSM

    func testDDFContainerAndItsDuplicatedMember() throws {
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["raid"])
        let ok = try verify(scenario, disks: Self.ddfDisks, targets: [(2042, "ddf-2042.img"), (2043, "ddf-2043.img")], name: "ddf-ok")
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertFalse(ok.allCodes.contains("duplicate-identity"), "\(ok.allCodes)")
        let set = message(ok, "multi-device-set", of: "2043")
        XCTAssertTrue(set.contains("DDF PD GUID 21000000-ddf0-pd00002043 (role 1) of DDF RAID container linux-md-2100-ddf-c00001"), set)
        XCTAssertTrue(set.contains("(role 0, whole disk); disk 2043 (Hard disk 2, 256 MiB) (role 1, whole disk)"), set)

        let dup = try verify(scenario, disks: Self.ddfDisks, targets: [(2042, "ddf-2042.img"), (2043, "ddf-2043-dup.img")],
                             name: "ddf-dup")
        XCTAssertEqual(dup.status, 1, dup.stdout + dup.stderr)
        let text = message(dup, "duplicate-member", of: "2043")
        XCTAssertTrue(text.contains("DDF PD GUID 21000000-ddf0-pd00002042 (role 0)"), text)
        XCTAssertTrue(text.contains("1 of its 2 members is on no volume"), text)

        let named = try verify(scenario, disks: Self.ddfDisks, targets: [(2042, "ddf-2042.img"), (2043, "ddf-2043-dup.img")],
                               sources: [(2042, "ddf-2042.img"), (2043, "ddf-2043.img")], name: "ddf-src")
        XCTAssertEqual(named.status, 1, named.stdout + named.stderr)
        XCTAssertEqual(named.contaminationPairs, [["2043", "2042"]])
        XCTAssertTrue(message(named, "identity-mismatch", of: "2043").contains("DDF PD GUID 21000000-ddf0-pd00002043 (role 1) expected"),
                      message(named, "identity-mismatch", of: "2043"))
        XCTAssertEqual(named.disk("2042")?["verdict"] as? String, "pass", "\(named.codes(of: "2042"))")
    }

    func testIMSMContainerAndAVolumeHoldingTheOtherMember() throws {
        let scenario = try Scenario(script: "make-verify-multi.sh", arguments: ["raid"])
        let ok = try verify(scenario, disks: Self.imsmDisks, targets: [(2044, "imsm-2044.img"), (2045, "imsm-2045.img")], name: "imsm-ok")
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        let set = message(ok, "multi-device-set", of: "2044")
        XCTAssertTrue(set.contains("IMSM disk serial vmw2044serial (role 0) of Intel IMSM RAID container 21002044"), set)

        // 2045's volume is 2044's, size and all: the MPB's disk table says it is 2044's member.
        let dup = try verify(scenario, disks: Self.imsmDisks, targets: [(2044, "imsm-2044.img"), (2045, "imsm-2045-dup.img")],
                             name: "imsm-dup")
        XCTAssertEqual(dup.status, 1, dup.stdout + dup.stderr)
        let text = message(dup, "duplicate-member", of: "2045")
        XCTAssertTrue(text.contains("IMSM disk serial vmw2044serial (role 0)"), text)
        XCTAssertTrue(text.contains("Role 1 is on no volume"), text)

        let named = try verify(scenario, disks: Self.imsmDisks, targets: [(2044, "imsm-2044.img"), (2045, "imsm-2045-dup.img")],
                               sources: [(2044, "imsm-2044.img"), (2045, "imsm-2045.img")], name: "imsm-src")
        XCTAssertEqual(named.status, 1, named.stdout + named.stderr)
        XCTAssertTrue(message(named, "identity-mismatch", of: "2045").contains("IMSM disk serial vmw2045serial (role 1) expected"),
                      message(named, "identity-mismatch", of: "2045"))
    }
}
