import Foundation
import TestSupport
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Issue 18, items 2–8: what a person sees, through the built binary — hostile strings in
/// every output format, output locations checked before reading, mapping mistakes as
/// input errors, per-disk verdicts, the terminal summary, help pages and error wording.
final class OperatorExperienceTests: XCTestCase {
    /// Bytes a guest administrator or an inventory controls: a window-title OSC, a clear
    /// screen, an HTML tag, a Markdown heading after a newline, backticks and emphasis.
    static let hostileInventoryLabel = "Hard disk 1\u{1B}]0;pwned\u{07}\u{1B}[2J<img src=x>\n## heading `x` **b**"
    static let hostileVM = "pg\u{1B}]0;pwned\u{07}<img src=x>"
    static let gptName = "$'\\e]0;pwned\\a\\e[2J<img src=x>\\n## h`**'"
    static let ext4Label = "$'\\e[2J<img>`**'"

    /// A 64 MiB GPT disk with one partition named `gptName` holding an ext4 labelled `ext4Label`.
    func makeHostileDisk(in dir: URL) throws -> String {
        let image = dir.appendingPathComponent("hostile.img").path
        try Tools.sh("""
            truncate -s 64M '\(image)'
            sgdisk -n 1:2048:0 -t 1:8300 -c 1:\(Self.gptName) '\(image)' >/dev/null
            mkfs.ext4 -q -F -L \(Self.ext4Label) -E offset=1048576 '\(image)' 60M
            """)
        return image
    }

    /// A govc vm.info inventory with one disk of `bytes` per (key, label).
    func writeInventory(_ dir: URL, vm: String, disks: [(String, String, UInt64)]) throws -> String {
        let devices: [[String: Any]] = disks.enumerated().map { index, disk in
            ["_typeName": "VirtualDisk", "key": Int(disk.0)!,
             "deviceInfo": ["_typeName": "Description", "label": disk.1, "summary": "\(disk.2 / 1024) KB"],
             "backing": ["_typeName": "VirtualDiskFlatVer2BackingInfo", "fileName": "[ds1] vm/vm_\(index).vmdk",
                         "diskMode": "persistent", "thinProvisioned": true],
             "controllerKey": 1000, "unitNumber": index, "capacityInKB": disk.2 / 1024, "capacityInBytes": disk.2]
        }
        let document: [String: Any] = ["virtualMachines": [[
            "self": ["type": "VirtualMachine", "value": "vm-77"], "name": vm,
            "config": ["name": vm, "uuid": "4212f0c1-1111-2222-3333-444455556666",
                       "hardware": ["numCPU": 2, "memoryMB": 4096, "device": devices]],
        ]]]
        let path = dir.appendingPathComponent("inventory-\(UUID().uuidString.prefix(6)).json")
        try JSONSerialization.data(withJSONObject: document).write(to: path)
        return path.path
    }

    func tempDir() throws -> URL {
        let dir = try TemporaryDirectory.make(prefix: "ux")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// No raw control character that drives a terminal: ESC, BEL, CR, DEL, C1, bidi overrides.
    func assertTerminalSafe(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let bad = text.unicodeScalars.filter { s in
            let v = s.value
            return (v < 0x20 && v != 0x0A && v != 0x09) || v == 0x7F || (0x80...0x9F).contains(v) || (0x202A...0x202E).contains(v)
        }
        XCTAssertTrue(bad.isEmpty, "\(what) has raw control characters \(bad.map { String($0.value, radix: 16) }):\n\(text)",
                      file: file, line: line)
    }

    // MARK: - 18.2 hostile strings

    func testHostileStringsAreSanitisedInEveryOutputFormat() throws {
        let dir = try tempDir()
        let image = try makeHostileDisk(in: dir)
        let server = try NBDKitServer(plugin: "file", args: ["file=\(image)"])
        let inventory = try writeInventory(dir, vm: Self.hostileVM, disks: [("2000", Self.hostileInventoryLabel, 64 << 20)])

        let inspect = try Repository.runTool(["inspect", server.uri()])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        assertTerminalSafe(inspect.stdout, "inspect")
        XCTAssertTrue(inspect.stdout.contains("\\x1b]0;pwned\\x07\\x1b[2J<img src=x>\\n## h`**"), inspect.stdout)
        XCTAssertTrue(inspect.stdout.contains("LABEL=\"\\x1b[2J<img>`**\""), inspect.stdout)

        let listed = try Repository.runTool(["inventory", inventory])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        assertTerminalSafe(listed.stdout, "inventory")
        XCTAssertTrue(listed.stdout.contains("\\x1b]0;pwned\\x07\\x1b[2J<img src=x>\\n## heading"), listed.stdout)
        XCTAssertFalse(listed.stdout.contains("\n## heading"), listed.stdout)

        let reports = dir.appendingPathComponent("reports").path
        // A label unknown to the inventory in the mapping: the error echoes it, escaped.
        let typo = try Repository.runTool(["verify", "--inventory", inventory, "--target", "\u{1B}[2J=\(image)", "--report-dir", reports])
        XCTAssertEqual(typo.status, 2, typo.stderr)
        assertTerminalSafe(typo.stderr, "mapping error")

        // Mapped by its (hostile) label: resolved to key 2000.
        let run = try VerifyResult(["--inventory", inventory, "--target", "\(Self.hostileInventoryLabel)=\(server.uri())"],
                                   reportDirectory: reports)
        XCTAssertNotEqual(run.status, 2, run.stderr)
        XCTAssertEqual(run.disks.map { $0["key"] as? String }, ["2000"])
        assertTerminalSafe(run.stdout, "verify summary")
        assertTerminalSafe(run.stderr, "verify stderr")
        XCTAssertTrue(run.stdout.contains("VM pg\\x1b]0;pwned\\x07<img src=x>:"), run.stdout)

        // report.json stays valid JSON and keeps the exact bytes (JSON escapes them).
        XCTAssertEqual((run.report["vm"] as? [String: Any])?["name"] as? String, Self.hostileVM)
        XCTAssertEqual(run.disk("2000")?["label"] as? String, Self.hostileInventoryLabel)
        let partitions = (run.disk("2000")?["probe"] as? [String: Any])?["partitions"] as? [[String: Any]]
        XCTAssertEqual(partitions?.first?["name"] as? String, "\u{1B}]0;pwned\u{07}\u{1B}[2J<img src=x>\n## h`**")

        // report.md: no raw HTML, no heading from guest bytes, no control characters.
        let md = try String(contentsOfFile: reports + "/report.md", encoding: .utf8)
        assertTerminalSafe(md, "report.md")
        XCTAssertNil(md.range(of: #"(?<!\\)<img"#, options: .regularExpression), "raw HTML in report.md:\n" + md)
        XCTAssertTrue(md.contains("\\<img src=x\\>"), md)
        let headings = md.split(separator: "\n").filter { $0.hasPrefix("#") }
        XCTAssertFalse(headings.contains { $0.hasPrefix("## heading") || $0.hasPrefix("## h") && !$0.hasPrefix("## Disks") && !$0.hasPrefix("## VM") && !$0.hasPrefix("## Contamination") }, "\(headings)")
        XCTAssertFalse(md.contains("**b**"), md)

        // report.html and junit.xml: escaped (and ESC dropped, as XML requires).
        for name in ["report.html", "junit.xml"] {
            let text = try String(contentsOfFile: reports + "/" + name, encoding: .utf8)
            XCTAssertFalse(text.contains("<img src=x>"), name)
            XCTAssertTrue(text.contains("&lt;img src=x&gt;"), name)
            XCTAssertFalse(text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, name)
        }
        let junit = try Data(contentsOf: URL(fileURLWithPath: reports + "/junit.xml"))
        XCTAssertNoThrow(try XMLDocument(data: junit), "junit.xml must parse")
    }

    // MARK: - 18.4 mapping mistakes

    func testMappingMistakesAreInputErrorsQuotingThePairAndNothingIsRead() throws {
        let dir = try tempDir()
        let image = try makeHostileDisk(in: dir)
        let server = try NBDKitServer(plugin: "file", args: ["file=\(image)"], logRequests: true)
        let uri = server.uri()
        let inventory = try writeInventory(dir, vm: "pgtest1", disks: [("2000", "Hard disk 1", 64 << 20), ("2001", "Hard disk 2", 64 << 20)])
        let cases: [([String], String)] = [
            (["--nbd-targets", "2000:\(uri),2010:\(uri)x"], "'2010:\(uri)x'"),                 // key typo
            (["--nbd-targets", "2000:\(image) 2001:\(image)"], "2000:\(image) 2001:\(image)"),  // space, not comma
            (["--nbd-targets", "2000:\(uri),2001=\(image)"], "'2001=\(image)'"),                // '=' after a URI with a query
            (["--nbd-targets", "2000:\(image);2001:\(image)x"], "2001:\(image)x"),
            (["--target", "2000=\(image) 2001=\(image)x"], "2001=\(image)x"),
            (["--target", "Hard disk 3=\(image)"], "'Hard disk 3"),                          // no such label
            (["--target", "2000=\(uri)", "--target", "Hard disk 1=\(image)"], "mapped twice"),
        ]
        for (mapping, quoted) in cases {
            let result = try Repository.runTool(["verify", "--inventory", inventory, "--report-dir", dir.appendingPathComponent("r").path] + mapping)
            XCTAssertEqual(result.status, 2, "\(mapping): \(result.stdout) \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(quoted), "\(mapping) should quote \(quoted): \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("r/report.json").path))
        }
        XCTAssertEqual(try server.requestCounts(), [:], "a mapping error reads nothing")

        // By label, in both spellings, the same as by key.
        let second = dir.appendingPathComponent("second.img").path
        try Tools.sh("cp --sparse=always '\(image)' '\(second)'")
        let byLabel = try VerifyResult(["--inventory", inventory, "--nbd-targets", "hard disk 1:\(uri),Hard disk 2:\(second)"],
                                       reportDirectory: dir.appendingPathComponent("by-label").path)
        XCTAssertNotEqual(byLabel.status, 2, byLabel.stderr)
        XCTAssertEqual(byLabel.disks.map { $0["target"] as? String }, [uri, second])
    }

    func testAVMFindingAboutOneDiskNeverFailsAnotherAndJUnitAgreesWithReportJSON() throws {
        let scenario = try Scenario(script: "make-seed.sh")
        try scenario.serve("vol2000", image: "vol2000.img")
        let inventory = try scenario.inventory(vm: "pgtest1", disks: [(2000, "Hard disk 1", 123_480_309_760),
                                                                      (2001, "Hard disk 2", 10_737_418_240)])
        // Disk 2001 is left out: unmapped-disk names 2001 only; 2000 is copied correctly.
        let run = try VerifyResult(["--inventory", inventory, "--target", "2000=\(scenario.uri("vol2000"))"],
                                   reportDirectory: scenario.reportDirectory("unmapped"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        XCTAssertEqual(run.disk("2000")?["verdict"] as? String, "pass", run.stdout)
        XCTAssertEqual(run.disk("2001")?["verdict"] as? String, "fail", run.stdout)
        XCTAssertTrue(run.stdout.contains("disk 2000 (Hard disk 1, 115 GiB)  PASS"), run.stdout)
        let junit = try String(contentsOfFile: run.reportDirectory + "/junit.xml", encoding: .utf8)
        let suites = junit.split(separator: "\n").filter { $0.contains("<testsuite ") }
        let suite2000 = try XCTUnwrap(suites.first { $0.contains("disk 2000") })
        let suite2001 = try XCTUnwrap(suites.first { $0.contains("disk 2001") })
        XCTAssertTrue(suite2000.contains("failures=\"0\""), String(suite2000))
        XCTAssertFalse(suite2001.contains("failures=\"0\""), String(suite2001))
        // Both keys on one target: each disk fails in report.json and in JUnit (its "mapping" case).
        let duplicate = try VerifyResult(["--inventory", inventory, "--target", "2000=\(scenario.uri("vol2000"))",
                                          "--target", "2001=\(scenario.uri("vol2000"))"],
                                         reportDirectory: scenario.reportDirectory("duplicate"))
        XCTAssertEqual(duplicate.status, 1, duplicate.stdout + duplicate.stderr)
        let duplicateJUnit = try String(contentsOfFile: duplicate.reportDirectory + "/junit.xml", encoding: .utf8)
        for key in ["2000", "2001"] {
            XCTAssertEqual(duplicate.disk(key)?["verdict"] as? String, "fail")
            XCTAssertTrue(duplicateJUnit.contains("name=\"disk \(key): mapping\" time=\"0\">\n      <failure "), duplicateJUnit)
        }
        let md = try String(contentsOfFile: run.reportDirectory + "/report.md", encoding: .utf8)
        XCTAssertTrue(md.contains("### disk 2000 (Hard disk 1, 115 GiB) — PASS"), md)
        XCTAssertTrue(md.contains("### disk 2001 (Hard disk 2, 10 GiB) — FAIL"), md)
    }

    // MARK: - 18.3 output locations

    func testEveryOutputLocationIsCheckedBeforeAnyVolumeIsRead() throws {
        let dir = try tempDir()
        let image = try makeHostileDisk(in: dir)
        let server = try NBDKitServer(plugin: "file", args: ["file=\(image)"], logRequests: true)
        let inventory = try writeInventory(dir, vm: "pgtest1", disks: [("2000", "Hard disk 1", 64 << 20)])
        let file = dir.appendingPathComponent("a-file").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let dangling = dir.appendingPathComponent("dangling").path
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: dir.appendingPathComponent("gone").path)
        let cases: [(String, String)] = [
            (dir.appendingPathComponent("no/such/parent").path, "does not exist; create it first"),
            (file, "is a file, not a directory"),
            (file + "/sub", "is a file, not a directory"),
            (dangling, "which does not exist"),
            ("/proc/version/reports", "is a file, not a directory"),
            ("/sys/kernel/replica-audit-reports", "cannot be created"),
        ]
        for (reportDir, expected) in cases {
            let result = try Repository.runTool(["verify", "--inventory", inventory, "--target", "2000=\(server.uri())",
                                                 "--report-dir", reportDir])
            XCTAssertEqual(result.status, 2, "\(reportDir): \(result.stdout) \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(reportDir), "names the path: \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(expected), "\(reportDir): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("NSCocoaErrorDomain") || result.stderr.contains("Error Domain"), result.stderr)
            XCTAssertTrue(result.stdout.isEmpty, "nothing is verified: \(result.stdout)")
        }
        // An input file is refused in plain words too (a directory given as --baseline).
        let baseline = try Repository.runTool(["verify", "--inventory", inventory, "--target", "2000=\(server.uri())",
                                               "--baseline", dir.path, "--report-dir", dir.appendingPathComponent("b").path])
        XCTAssertEqual(baseline.status, 2, baseline.stderr)
        XCTAssertTrue(baseline.stderr.contains("is a directory"), baseline.stderr)
        XCTAssertFalse(baseline.stderr.contains("NSCocoaErrorDomain"), baseline.stderr)
        // The default Reports/<vm>-<time>/ under a current directory that cannot hold it.
        let defaultDir = try Tools.run("/bin/bash", ["-c", "cd /proc && exec \"$0\" \"$@\"", try Repository.binary(), "verify",
                                                     "--inventory", inventory, "--target", "2000=\(server.uri())"], check: false)
        XCTAssertEqual(defaultDir.status, 2, defaultDir.stderr)
        XCTAssertTrue(defaultDir.stderr.contains("/proc/Reports/pgtest1-") && defaultDir.stderr.contains("cannot be created"), defaultDir.stderr)
        // capture --output
        let captures: [(String, String)] = [
            (dir.appendingPathComponent("no/dir/baseline.json").path, "does not exist"),
            (dir.path, "is a directory"),
            (dangling, "which does not exist"),
            ("/proc/version/baseline.json", "is a file, not a directory"),
        ]
        for (output, expected) in captures {
            let result = try Repository.runTool(["capture", "--inventory", inventory, "--source", "2000=\(server.uri())",
                                                 "--output", output])
            XCTAssertEqual(result.status, 2, "\(output): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(output) && result.stderr.contains(expected), "\(output): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("NSCocoaErrorDomain"), result.stderr)
        }
        XCTAssertEqual(try server.requestCounts(), [:], "no volume was read")
        // Control: a good directory is read and written.
        let good = try Repository.runTool(["verify", "--inventory", inventory, "--target", "2000=\(server.uri())",
                                           "--report-dir", dir.appendingPathComponent("good").path])
        XCTAssertNotEqual(good.status, 2, good.stderr)
        XCTAssertGreaterThan(try server.requestCounts()["Read"] ?? 0, 0)
    }

    // MARK: - 18.8 smaller items

    func testSocketPathsTypedArgumentsAndOneExitCodeForCannotOpen() throws {
        let dir = try tempDir()
        let image = try makeHostileDisk(in: dir)
        let server = try NBDKitServer(plugin: "file", args: ["file=\(image)"])
        let socket = try Repository.runTool(["inspect", server.socketPath])
        XCTAssertEqual(socket.status, 3, socket.stderr)
        XCTAssertTrue(socket.stderr.contains("nbd+unix:///?socket=\(server.socketPath)"), socket.stderr)

        let typed = "nbd+unix:///my export?socket=\(dir.path)/no such dir/s.sock"
        let unreachable = try Repository.runTool(["inspect", typed, "--connect-retries", "0"])
        XCTAssertEqual(unreachable.status, 3, unreachable.stderr)
        XCTAssertTrue(unreachable.stderr.contains("my export?socket=\(dir.path)/no such dir/s.sock"), unreachable.stderr)
        XCTAssertFalse(unreachable.stderr.contains("%20"), unreachable.stderr)

        for target in ["http://example.com/x", dir.path, dir.appendingPathComponent("missing.img").path] {
            let result = try Repository.runTool(["inspect", target])
            XCTAssertEqual(result.status, 3, "\(target): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("replica-audit inspect: cannot open"), result.stderr)
        }
    }

    func testEveryHelpPageEndsWithAnExample() throws {
        for command in [[], ["inspect"], ["verify"], ["capture"], ["inventory"], ["compare"], ["demo"]] {
            for form in [["help"] + command, command + ["--help"]] {
                let result = try Repository.runTool(form)
                XCTAssertEqual(result.status, 0, "\(form): \(result.stderr)")
                let lines = result.stdout.split(separator: "\n")
                let examples = try XCTUnwrap(lines.lastIndex(of: "EXAMPLES:"), "\(form): \(result.stdout)")
                XCTAssertGreaterThan(lines.count, examples + 1)
                XCTAssertTrue(lines[(examples + 1)...].allSatisfy { $0.hasPrefix("  ") && ($0.contains("replica-audit") || $0.contains("govc")) },
                              "\(form): \(lines[(examples + 1)...])")
                if let name = command.first { XCTAssertTrue(lines.last!.contains(name), "\(form): \(lines.last!)") }
            }
        }
    }

    // MARK: - README sample

    /// The README's sample output is what the binary prints for the demo's run 2.
    func testTheREADMESampleIsWhatTheBinaryPrints() throws {
        let scenario = try Scenario(script: "make-seed.sh")
        try scenario.serve("vol2000", image: "vol2000-contaminated.img")
        try scenario.serve("vol2001", image: "vol2001.img")
        let cwd = scenario.directory.appendingPathComponent("cwd")
        try FileManager.default.createDirectory(at: cwd.appendingPathComponent("Reports/demo"), withIntermediateDirectories: true)
        let inventory = Repository.fixture("inventories/demo-pgtest1.json").path
        let result = try Tools.run("/bin/bash", ["-c", "cd '\(cwd.path)' && exec \"$0\" \"$@\"", try Repository.binary(),
                                                 "verify", "--inventory", inventory, "--nbd-targets",
                                                 "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))",
                                                 "--report-dir", "Reports/demo/2-incident"], check: false,
                                   environment: ["COLUMNS": "120"])
        XCTAssertEqual(result.status, 1, result.stderr)
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        let marker = try XCTUnwrap(readme.range(of: "<!-- sample: seed incident, verify --report-dir Reports/demo/2-incident -->\n```text\n"))
        let end = try XCTUnwrap(readme.range(of: "\n```", range: marker.upperBound..<readme.endIndex))
        let sample = String(readme[marker.upperBound..<end.lowerBound])
        XCTAssertEqual(sample, result.stdout.trimmingCharacters(in: .newlines), "README sample differs; the binary prints:\n" + result.stdout)
    }

    // MARK: - 18.7 the terminal summary on a real terminal

    /// Runs verify on a pseudo-terminal (util-linux `script`), as a person at a shell would.
    func verifyOnATerminal(_ scenario: Scenario, inventory: String, environment: [String: String]) throws -> String {
        let binary = try Repository.binary()
        let command = [binary, "verify", "--inventory", inventory, "--nbd-targets",
                       "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))",
                       "--report-dir", scenario.reportDirectory(UUID().uuidString)].map { "'\($0)'" }.joined(separator: " ")
        let result = try Tools.run("script", ["-qec", command, "/dev/null"], check: false, environment: environment)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        return result.stdout.replacingOccurrences(of: "\r", with: "")
    }

    func testOnATerminalTheSummaryIsColouredUnlessNOCOLORAndWrapsAtTheWidth() throws {
        let scenario = try Scenario(script: "make-seed.sh")
        try scenario.serve("vol2000", image: "vol2000-contaminated.img")
        try scenario.serve("vol2001", image: "vol2001.img")
        let inventory = Repository.fixture("inventories/demo-pgtest1.json").path
        let coloured = try verifyOnATerminal(scenario, inventory: inventory, environment: ["COLUMNS": "72", "NO_COLOR": "", "TERM": "xterm"])
        XCTAssertTrue(coloured.contains("\u{1B}[1;31mFAIL\u{1B}[0m"), coloured)
        XCTAssertTrue(coloured.contains("\u{1B}[31mCRITICAL\u{1B}[0m duplicate-identity"), coloured)
        let visible = coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        let lines = visible.split(separator: "\n")
        // Every line fits, except one holding a single word longer than a line (the report path), never cut.
        XCTAssertTrue(lines.allSatisfy { $0.count <= 72 || !$0.split(separator: " ").last!.contains(" ") && $0.contains("/reports-") },
                      "wrapped at 72:\n" + visible)
        XCTAssertTrue(lines.contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix(scenario.reportDirectory("")) }, visible)
        let first = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("disk 2000 (Hard disk 1, 115 GiB)  FAIL  label-sized-for-other-disk:") },
                                  visible)
        // 72 columns leave too little room under the message column (40): the text hangs 4 in.
        XCTAssertTrue(lines[first + 1].hasPrefix("    ") && lines[first + 1].dropFirst(4).first != " ",
                      "hanging indent:\n" + visible)
        XCTAssertTrue(lines.contains { $0.hasPrefix("    CRITICAL duplicate-identity: ") }, visible)
        let plain = try verifyOnATerminal(scenario, inventory: inventory, environment: ["COLUMNS": "72", "NO_COLOR": "1", "TERM": "xterm"])
        XCTAssertFalse(plain.contains("\u{1B}["), plain)
        XCTAssertTrue(plain.contains("FAIL  label-sized-for-other-disk"), plain)
    }
}
