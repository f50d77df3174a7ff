import Foundation
import TestSupport
import XCTest

/// A wave file with any error is refused whole before anything is read: exit 2, one line
/// naming the entry (index and VM) and the field, and the servers see no request at all.
final class WaveFileErrorTests: XCTestCase {
    func testEveryKindOfErrorIsOneLineNamingEntryAndFieldAndNothingIsRead() throws {
        let fixture = try WaveFixture()
        try fixture.build("make-verify-rounded.sh", into: "rounded")
        let a = try fixture.serve("rounded/vol2000.img", logRequests: true)
        let b = try fixture.serve("rounded/vol2001.img", logRequests: true)
        try fixture.manifest(vm: "good1", disks: WaveFixture.roundedDisks)
        try fixture.manifest(vm: "good2", disks: WaveFixture.roundedDisks)
        let good = "  - inventory: inv/good1.yaml\n    targets: \"2000:\(a.uri()),2001:\(b.uri())\"\n"
        // (second entry, the expected entry name, the field, a word of the message)
        let cases: [(String, String, String, String)] = [
            ("  - inventory: inv/good2.yaml\n    target: \"2000:/dev/null\"\n", "vms[1] (inv/good2.yaml)", "field target", "did you mean 'targets'"),
            ("  - inventory: inv/good2.yaml\n    targets: [1, 2]\n", "vms[1] (inv/good2.yaml)", "field targets", "found array"),
            ("  - inventory: inv/missing.yaml\n    targets: \"2000:/dev/null\"\n", "vms[1] (inv/missing.yaml)", "field inventory", "cannot open"),
            ("  - inventory: inv/good2.yaml\n    vm: nosuchvm\n    targets: \"2000:/dev/null\"\n", "vms[1] (nosuchvm)", "field vm", "nosuchvm"),
            ("  - inventory: inv/good2.yaml\n    targets: \"2010:\(a.uri())\"\n", "vms[1] (good2)", "field targets", "no disk '2010'"),
            ("  - inventory: inv/good2.yaml\n    targets: \"2000:/dev/vdb 2001:/dev/vdc\"\n", "vms[1] (good2)", "field targets", "two pairs"),
            ("  - inventory: inv/good2.yaml\n    targets: \"2000:ftp://x/y\"\n", "vms[1] (good2)", "field targets", "unsupported URI scheme"),
            ("  - inventory: inv/good1.yaml\n    targets: \"2000:/dev/vdb\"\n", "vms[1] (good1)", "field inventory", "already listed as vms[0]"),
            ("  - inventory: inv/good2.yaml\n    targets: \"2000:\(a.uri())\"\n", "vms[1] (good2)", "field targets", "two VMs cannot be verified on one volume"),
            ("  - inventory: inv/good2.yaml\n    targets: \"2000:/dev/vdb\"\n    content: everything\n", "vms[1] (good2)", "field content", "expected none, sample or full"),
            ("  - inventory: inv/good2.yaml\n    targets: \"2000:/dev/vdb\"\n    content: sample\n", "vms[1] (good2)", "field content", "needs sources or a baseline"),
            ("  - inventory: inv/good2.yaml\n    targets: \"2000:/dev/vdb\"\n    baseline: nothere.json\n", "vms[1] (good2)", "field baseline", "nothere.json"),
            ("  - inventory: inv/good2.yaml\n    volumes: {2000: \"not a volume id!\"}\n", "vms[1] (good2)", "field volumes", "2000"),
            ("  - inventory: inv/good2.yaml\n", "vms[1] (good2)", "field targets", "is missing"),
            ("  - inventory: inv/good2.yaml\n    targets: \"2000:/dev/vdb\"\n    baseline_public_key: k.pem\n", "vms[1] (good2)",
             "field baseline_public_key", "give the baseline too"),
            ("  - inventory: inv/good2.yaml\n    targets: \"2000:/dev/vdb\"\n    by_id_dir: /dev\n    byIdDir: /dev\n", "vms[1] (inv/good2.yaml)", "field byIdDir", "given twice"),
            ("  - inventory: inv/good2.yaml\n    targets: \"2000:/dev/vdb\"\n    seed: -3\n", "vms[1] (inv/good2.yaml)", "field seed", "-3"),
            ("  - \"just a string\"\n", "vms[1]", "field vms[1]", "expected a mapping"),
        ]
        for (index, (entry, name, field, words)) in cases.enumerated() {
            let wave = try fixture.waveFile("wave: bad\nvms:\n" + good + entry, name: "bad\(index).yaml")
            let result = try Repository.runTool(["wave", wave, "--report-dir", fixture.path("out\(index)")])
            let line = result.stderr.trimmingCharacters(in: .newlines)
            XCTAssertEqual(result.status, 2, "case \(index): \(result.stdout) \(result.stderr)")
            XCTAssertFalse(line.contains("\n"), "case \(index): more than one line: \(line)")
            XCTAssertTrue(line.contains(": \(name): \(field): "), "case \(index): expected '\(name): \(field)' in: \(line)")
            XCTAssertTrue(line.contains(words), "case \(index): expected '\(words)' in: \(line)")
            XCTAssertTrue(result.stdout.isEmpty, "case \(index): \(result.stdout)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.path("out\(index)/wave.json")), "case \(index)")
        }
        // An unusable --report-dir is refused the same way, before anything is read.
        let fine = try fixture.waveFile("wave: fine\nvms:\n" + good, name: "fine.yaml")
        let badDir = try Repository.runTool(["wave", fine, "--report-dir", "/dev/null/reports"])
        XCTAssertEqual(badDir.status, 2, badDir.stderr)
        XCTAssertTrue(badDir.stderr.contains("/dev/null/reports"), badDir.stderr)
        // Nothing was read from either server, not even a connection's first request.
        XCTAssertEqual(try a.requestCounts(), [:])
        XCTAssertEqual(try b.requestCounts(), [:])
    }

    /// Wave-level errors and hostile files: named, refused, never a crash or a hang.
    func testHostileAndBrokenWaveFilesAreRefusedClearly() throws {
        let fixture = try WaveFixture()
        var cases: [(String, String, String)] = [
            ("wave: x\nvms: []\n", "field vms", "is empty"),
            ("wave: x\n", "field vms", "is missing"),
            ("wave: x\ncolour: blue\nvms: []\n", "field colour", "unknown field"),
            ("[1, 2]", "", "expected a mapping"),
            ("{\"wave\": \"x\", \"vms\": [", "", "JSON"),
            ("wave: x\nvms:\n  - inventory: a\n  - : :\n", "", "invalid YAML"),
        ]
        // A billion laughs: aliases that expand past the bound.
        var bomb = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for level in 1...9 {
            bomb += "\(Character(UnicodeScalar(97 + level)!)): &\(Character(UnicodeScalar(97 + level)!)) ["
                + Array(repeating: "*\(Character(UnicodeScalar(96 + level)!))", count: 10).joined(separator: ",") + "]\n"
        }
        cases.append((bomb + "vms: []\n", "", "aliases"))
        cases.append((String(repeating: "[", count: 100_000), "", "nesting"))
        cases.append(("wave: x\nvms:\n" + String(repeating: "  - inventory: a\n", count: 10_001), "field vms", "limit"))
        for (index, (text, field, words)) in cases.enumerated() {
            let wave = try fixture.waveFile(text, name: "hostile\(index).yaml")
            let result = try Repository.runTool(["wave", wave, "--report-dir", fixture.path("out\(index)")], timeout: 60)
            let line = result.stderr.trimmingCharacters(in: .newlines)
            XCTAssertEqual(result.status, 2, "case \(index): \(line)")
            XCTAssertFalse(line.contains("\n"), "case \(index): \(line)")
            XCTAssertTrue(line.hasPrefix("replica-audit: \(wave)"), "case \(index): \(line)")
            if !field.isEmpty { XCTAssertTrue(line.contains(field), "case \(index): \(line)") }
            XCTAssertTrue(line.contains(words), "case \(index): \(line)")
        }
        // Not a regular file, and a file that is not there.
        for path in ["/dev/zero", fixture.path("absent.yaml")] {
            let result = try Repository.runTool(["wave", path], timeout: 60)
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssertTrue(result.stderr.hasPrefix("replica-audit: \(path): "), result.stderr)
        }
    }
}
