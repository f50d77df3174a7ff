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
        let run = try WaveResult([wave, "--jobs", "3", "--connect-retries", "0", "--format", "json"], directory: dir)
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
        // The text summary goes to stderr with --format json.
        XCTAssertTrue(run.stderr.contains("Wave wave-12: FAIL — 1 fail, 1 inconclusive, 1 pass"), run.stderr)
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
