import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import XCTest

/// `wave` end to end over real nbdkit servers (README.md, "A wave").
final class WaveRunTests: XCTestCase {
    /// The seed incident (fail), a correct copy onto rounded-up volumes (pass), and a VM whose
    /// server is gone (inconclusive): exit 1, and the three outputs say so.
    func testThreeVMWaveGivesFailPassInconclusiveAndItsThreeOutputs() throws {
        let fixture = try WaveFixture()
        try fixture.build("make-seed.sh", into: "seed")
        try fixture.build("make-verify-rounded.sh", into: "rounded")
        let seed2000 = try fixture.serve("seed/vol2000-contaminated.img")
        let seed2001 = try fixture.serve("seed/vol2001.img")
        let rounded2000 = try fixture.serve("rounded/vol2000.img")
        let rounded2001 = try fixture.serve("rounded/vol2001.img")
        try fixture.manifest(vm: "pgtest1", disks: WaveFixture.seedDisks)
        // A hostile name: markup and a terminal escape must not get through to any output.
        try fixture.manifest(vm: "rounded1", disks: WaveFixture.roundedDisks)
        try fixture.manifest(vm: "dead1", disks: [(2000, "Hard disk 1", 10_737_418_240)])
        let wave = try fixture.waveFile("""
            wave: wave-12
            content: none
            vms:
              - inventory: inv/pgtest1.yaml
                targets: "2000:\(seed2000.uri()),2001:\(seed2001.uri())"
              - inventory: inv/rounded1.yaml
                vm: rounded1
                targets:
                  2000: \(rounded2000.uri())
                  Hard disk 2: \(rounded2001.uri())
              - inventory: inv/dead1.yaml
                targets: {2000: "\(fixture.deadURI)"}
            """)
        let dir = fixture.path("out")
        let ledger = fixture.path("ledger.sqlite")
        let run = try WaveResult([wave, "--jobs", "3", "--connect-retries", "0", "--format", "json", "--ledger", "sqlite:" + ledger],
                                 directory: dir)
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertEqual(run.wave["schemaVersion"] as? Int, 1)
        XCTAssertEqual(run.wave["wave"] as? String, "wave-12")
        XCTAssertEqual(run.wave["verdict"] as? String, "fail")
        XCTAssertEqual(run.wave["interrupted"] as? Bool, false)
        XCTAssertNotNil(run.wave["startedAt"] as? String)
        XCTAssertNotNil(run.wave["finishedAt"] as? String)
        XCTAssertEqual(run.vms.map { $0["vm"] as? String }, ["pgtest1", "rounded1", "dead1"])
        XCTAssertEqual(run.verdict("pgtest1"), "fail")
        XCTAssertEqual(run.verdict("rounded1"), "pass")
        XCTAssertEqual(run.verdict("dead1"), "inconclusive")
        XCTAssertEqual(run.vm("pgtest1")?["failedDisks"] as? [String], ["2000"])
        XCTAssertEqual((run.vm("pgtest1")?["disks"] as? [[String: Any]])?.count, 2)
        XCTAssertEqual(run.vm("rounded1")?["failedDisks"] as? [String], [])
        let seedCodes = (run.vm("pgtest1")?["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        XCTAssertTrue(seedCodes.contains("label-sized-for-other-disk"), "\(seedCodes)")
        let deadCodes = (run.vm("dead1")?["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        XCTAssertTrue(deadCodes.contains("target-unreachable"), "\(deadCodes)")
        // stdout is wave.json itself.
        XCTAssertEqual(run.stdout, try String(contentsOfFile: dir + "/wave.json", encoding: .utf8))

        // Each VM's folder holds the reports verify writes, and they agree with wave.json.
        for name in ["pgtest1", "rounded1", "dead1"] {
            let report = try run.report(name)
            XCTAssertEqual(report["verdict"] as? String, run.verdict(name))
            let folder = dir + "/" + (run.vm(name)?["reportDir"] as? String ?? "?")
            for file in ["report.json", "junit.xml", "report.md", "report.html"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/" + file), "\(name)/\(file)")
            }
        }
        XCTAssertEqual((try run.report("pgtest1")["contamination"] as? [[String: Any]])?.first?["carries"] as? String, "2001")

        // junit.xml: one testsuite per VM, one testcase per disk, failures and errors where due.
        let junit = try JUnitCounts(path: dir + "/junit.xml")
        XCTAssertEqual(junit.suites, ["pgtest1", "rounded1", "dead1"])
        XCTAssertEqual(junit.cases, 5)
        XCTAssertEqual(junit.failures, 1)
        XCTAssertEqual(junit.errors, 1)

        // index.html: counts, the contamination sentence first, a working link per VM.
        let html = try String(contentsOfFile: dir + "/index.html", encoding: .utf8)
        XCTAssertTrue(html.contains("1 fail"), html)
        XCTAssertTrue(html.contains("1 inconclusive"))
        XCTAssertTrue(html.contains("1 pass"))
        let sentence = try XCTUnwrap(html.range(of: "carries the partition table of disk 2001"))
        XCTAssertLessThan(sentence.lowerBound, try XCTUnwrap(html.range(of: "<table")).lowerBound)
        let links = html.matches(of: /href="([^"]+)"/).map { String($0.output.1) }
        XCTAssertEqual(Set(links).count, 3, "\(links)")
        for link in links {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/" + (link.removingPercentEncoding ?? link)), link)
        }
        // The text summary goes to stderr with --format json; no progress line off a terminal.
        XCTAssertTrue(run.stderr.contains("Wave wave-12: FAIL — 1 fail, 1 inconclusive, 1 pass"), run.stderr)
        XCTAssertFalse(run.stderr.contains("VMs done"), run.stderr)

        // The ledger: a verify record per VM with the wave's name, then the wave's own record
        // holding wave.json byte for byte; the chain holds.
        try checkLedger(ledger, wave: "wave-12", verdicts: ["pgtest1": "fail", "rounded1": "pass", "dead1": "inconclusive"],
                        waveJSON: dir + "/wave.json")
    }

    /// The records a wave left in a ledger: one per VM (kind verify), then the wave's (kind wave).
    func checkLedger(_ url: String, wave: String, verdicts: [String: String], waveJSON: String,
                     file: StaticString = #filePath, line: UInt = #line) throws {
        let list = try Repository.runTool(["ledger", "list", "--ledger", url, "--format", "json"])
        XCTAssertEqual(list.status, 0, list.stderr, file: file, line: line)
        let records = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]], file: file, line: line)
        XCTAssertEqual(records.count, verdicts.count + 1, file: file, line: line)
        XCTAssertTrue(records.allSatisfy { $0["wave"] as? String == wave }, file: file, line: line)
        let runs = records.filter { $0["kind"] as? String == "verify" }
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: runs.map { ($0["vm"] as? String ?? "?", $0["verdict"] as? String ?? "?") }),
                       verdicts, file: file, line: line)
        let waveRecord = try XCTUnwrap(records.last, file: file, line: line)
        XCTAssertEqual(waveRecord["kind"] as? String, "wave", file: file, line: line)
        XCTAssertEqual(waveRecord["verdict"] as? String, verdicts.values.contains("fail") ? "fail" : "inconclusive", file: file, line: line)
        let id = try XCTUnwrap(waveRecord["id"] as? Int, file: file, line: line)
        let shown = try Repository.runTool(["ledger", "show", "\(id)", "--ledger", url, "--format", "report"])
        XCTAssertEqual(shown.stdout, try String(contentsOfFile: waveJSON, encoding: .utf8), file: file, line: line)
        let verified = try Repository.runTool(["ledger", "verify", "--ledger", url])
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr, file: file, line: line)
    }

    /// The same records on a real PostgreSQL server, the ledger named by REPLICA_AUDIT_LEDGER;
    /// and a ledger that cannot be reached: the outputs are written, then exit 2, said loudly.
    func testLedgerOnPostgreSQLAndALedgerThatCannotBeReached() throws {
        // The server first, before this test starts servers of its own.
        let database = try PostgresServer.shared().makeDatabase(prefix: "wave")
        let fixture = try WaveFixture()
        try fixture.build("make-verify-rounded.sh", into: "rounded")
        let a = try fixture.serve("rounded/vol2000.img")
        let b = try fixture.serve("rounded/vol2001.img")
        try fixture.manifest(vm: "rounded1", disks: WaveFixture.roundedDisks)
        try fixture.manifest(vm: "dead1", disks: [(2000, "Hard disk 1", 10_737_418_240)])
        let wave = try fixture.waveFile("""
            wave: wave-pg
            vms:
              - {inventory: inv/rounded1.yaml, targets: "2000:\(a.uri()),2001:\(b.uri())"}
              - {inventory: inv/dead1.yaml, targets: "2000:\(fixture.deadURI)"}
            """)
        let dir = fixture.path("out")
        let result = try Tools.run(try Repository.binary(), ["wave", wave, "--report-dir", dir, "--connect-retries", "0"], check: false,
                                   environment: ["REPLICA_AUDIT_LEDGER": database.url])
        XCTAssertEqual(result.status, 3, result.stdout + result.stderr)
        try checkLedger(database.url, wave: "wave-pg", verdicts: ["rounded1": "pass", "dead1": "inconclusive"], waveJSON: dir + "/wave.json")

        let lost = fixture.path("lost")
        let unreachable = try Repository.runTool(["wave", wave, "--report-dir", lost, "--connect-retries", "0",
                                                  "--ledger", "postgres://auditor:s3cret@127.0.0.1:1/ledger"])
        XCTAssertEqual(unreachable.status, 2, unreachable.stdout + unreachable.stderr)
        XCTAssertTrue(unreachable.stderr.contains("LEDGER NOT WRITTEN"), unreachable.stderr)
        XCTAssertFalse(unreachable.stderr.contains("s3cret"), unreachable.stderr)
        for file in ["wave.json", "junit.xml", "index.html", "rounded1/report.json", "dead1/report.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: lost + "/" + file), file)
        }
        XCTAssertFalse(try String(contentsOfFile: lost + "/rounded1/report.json", encoding: .utf8).contains("s3cret"))
    }

    /// On a terminal (util-linux `script` gives the run one), stderr shows the progress line:
    /// VMs done of all, and the VM being verified.
    func testProgressLineOnATerminal() throws {
        let fixture = try WaveFixture()
        try fixture.build("make-verify-rounded.sh", into: "rounded")
        let a = try fixture.serve("rounded/vol2000.img")
        try fixture.manifest(vm: "tty1", disks: [(2000, "Hard disk 1", 11_274_289_152)])
        let wave = try fixture.waveFile("wave: tty\nvms:\n  - {inventory: inv/tty1.yaml, targets: \"2000:\(a.uri())\"}\n")
        let command = "'\(try Repository.binary())' wave '\(wave)' --report-dir '\(fixture.path("out"))'"
        let result = try Tools.run("script", ["-q", "-e", "-c", command, "/dev/null"], check: false, environment: ["COLUMNS": "100"])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("tty: 0/1 VMs done, verifying tty1"), result.stdout)
        XCTAssertTrue(result.stdout.contains("\u{1b}[K"), "redrawn in place")
        XCTAssertTrue(result.stdout.contains("Wave tty: PASS"), result.stdout)
    }

    /// Names from an inventory never inject markup into index.html or junit.xml, nor escape
    /// sequences into the terminal, nor a path outside the wave's directory.
    func testHostileVMNamesAreEscapedEverywhere() throws {
        let fixture = try WaveFixture()
        try fixture.build("make-verify-rounded.sh", into: "rounded")
        let a = try fixture.serve("rounded/vol2000.img")
        let b = try fixture.serve("rounded/vol2001.img")
        let hostile = "../<script>alert(1)</script>\u{1b}]0;pwned\u{07}"
        let yamlName = "\"../<script>alert(1)</script>\\e]0;pwned\\a\""
        try FileManager.default.createDirectory(atPath: fixture.path("inv"), withIntermediateDirectories: true)
        try """
            manifestVersion: 1
            vm:
              name: \(yamlName)
            disks:
              - {key: 2000, label: Hard disk 1, capacityBytes: 11274289152}
              - {key: 2001, label: Hard disk 2, capacityBytes: 2684354560}
            """.write(toFile: fixture.path("inv/hostile.yaml"), atomically: true, encoding: .utf8)
        let wave = try fixture.waveFile("""
            wave: hostile
            vms:
              - inventory: inv/hostile.yaml
                targets: "2000:\(a.uri()),2001:\(b.uri())"
            """)
        let dir = fixture.path("out")
        let run = try WaveResult([wave], directory: dir)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(run.vms.first?["vm"] as? String, hostile)
        let folder = try XCTUnwrap(run.vms.first?["reportDir"] as? String)
        XCTAssertFalse(folder.contains("/"), folder)
        XCTAssertNotEqual(folder, "..")
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/" + folder + "/report.json"))
        let html = try String(contentsOfFile: dir + "/index.html", encoding: .utf8)
        XCTAssertFalse(html.contains("<script>"))
        XCTAssertTrue(html.contains("&lt;script&gt;"))
        XCTAssertNoThrow(try JUnitCounts(path: dir + "/junit.xml"))
        XCTAssertFalse(run.stdout.contains("\u{1b}"), run.stdout)
        XCTAssertTrue(run.stdout.contains("\\x1b]0;pwned\\x07"), run.stdout)
    }
}

/// junit.xml read with XMLParser: the testsuite names and the counts of testcases,
/// failures and errors (a document that does not parse throws).
struct JUnitCounts {
    var suites: [String] = []
    var cases = 0
    var failures = 0
    var errors = 0
    var skipped = 0

    init(path: String) throws {
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        let delegate = Delegate()
        parser.delegate = delegate
        guard parser.parse() else { throw ToolError("junit.xml does not parse: \(String(describing: parser.parserError))") }
        suites = delegate.suites
        cases = delegate.counts["testcase", default: 0]
        failures = delegate.counts["failure", default: 0]
        errors = delegate.counts["error", default: 0]
        skipped = delegate.counts["skipped", default: 0]
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var suites: [String] = []
        var counts: [String: Int] = [:]

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            counts[elementName, default: 0] += 1
            if elementName == "testsuite" { suites.append(attributes["name"] ?? "") }
        }
    }
}
