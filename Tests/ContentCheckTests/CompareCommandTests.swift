import XCTest
import TestSupport

/// `replica-audit compare` as a user runs it: exit codes, JSON, text, Ctrl-C.
final class CompareCommandTests: XCTestCase {
    var fx: ContentFixtures!

    override func setUpWithError() throws { fx = try ContentFixtures() }
    override func tearDown() { fx = nil }

    private func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    func testExitCodesAndJSONFollowQemuImgCompare() throws {
        try fx.sparse("src.img", size: "256M")
        try fx.random("src.img", atMiB: 16, mib: 16)
        try fx.copy("src.img", to: "same.img")
        try fx.copy("src.img", to: "diff.img")
        try fx.fill("diff.img", at: 20 << 20, count: 4096, byte: 9)
        let a = try NBDKitServer(plugin: "file", args: ["file=\(fx.path("src.img"))"])
        let b = try NBDKitServer(plugin: "file", args: ["file=\(fx.path("same.img"))"])
        let c = try NBDKitServer(plugin: "file", args: ["file=\(fx.path("diff.img"))"])

        let same = try Repository.runTool(["compare", a.uri(), b.uri()])
        XCTAssertEqual(same.status, 0, same.stderr)
        XCTAssertTrue(same.stdout.contains("identical"), same.stdout)

        let diff = try Repository.runTool(["compare", a.uri(), c.uri(), "--format", "json"])
        XCTAssertEqual(diff.status, 1, diff.stderr)
        let doc = try json(diff.stdout)
        XCTAssertEqual(doc["status"] as? String, "different")
        XCTAssertEqual(doc["identical"] as? Bool, false)
        let differences = try XCTUnwrap(doc["differences"] as? [[String: Any]])
        XCTAssertEqual(differences.first?["offset"] as? Int, 20 << 20)
        XCTAssertEqual(differences.first?["length"] as? Int, 4096)
        for key in ["sourceBytes", "targetBytes", "bytesCompared", "bytesSkippedAsHoles", "unreadable", "interrupted"] {
            XCTAssertNotNil(doc[key], key)
        }
        XCTAssertEqual(diff.stderr, "", "no progress bar when stderr is not a terminal")

        let text = try Repository.runTool(["compare", fx.path("src.img"), fx.path("diff.img")])
        XCTAssertEqual(text.status, 1)
        XCTAssertTrue(text.stdout.contains("offset 20971520"), text.stdout)

        let missing = try Repository.runTool(["compare", a.uri(), fx.path("nope.img")])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("nope.img"), missing.stderr)

        let sampled = try Repository.runTool(["compare", "--sample", "--seed", "77", "--format", "json", a.uri(), c.uri()])
        XCTAssertTrue([0, 1].contains(sampled.status), sampled.stderr)
        let sdoc = try json(sampled.stdout)
        XCTAssertEqual((sdoc["check"] as? [String: Any])?["seed"] as? Int, 77)
    }

    func testCtrlCGivesAnInterruptedResultAndExitTwo() throws {
        try fx.sparse("src.img", size: "1G")
        try fx.random("src.img", atMiB: 0, mib: 128)
        try fx.copy("src.img", to: "dst.img")
        let a = try NBDKitServer(plugin: "file", args: ["file=\(fx.path("src.img"))", "rdelay=1"], filters: ["delay"])
        let b = try NBDKitServer(plugin: "file", args: ["file=\(fx.path("dst.img"))"])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Repository.binary())
        process.arguments = ["compare", a.uri(), b.uri(), "--format", "json"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 1.0)
        XCTAssertTrue(process.isRunning, "the slow compare should still be running")
        kill(process.processIdentifier, SIGINT)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 2)
        let doc = try json(String(decoding: data, as: UTF8.self))
        XCTAssertEqual(doc["interrupted"] as? Bool, true)
        XCTAssertEqual(doc["status"] as? String, "incomplete")
    }

    func testProgressBarIsDrawnOnlyWhenStderrIsATerminal() throws {
        try fx.sparse("src.img", size: "256M")
        try fx.random("src.img", atMiB: 0, mib: 48)
        try fx.copy("src.img", to: "dst.img")
        let a = try NBDKitServer(plugin: "file", args: ["file=\(fx.path("src.img"))", "rdelay=400ms"], filters: ["delay"])
        let b = try NBDKitServer(plugin: "file", args: ["file=\(fx.path("dst.img"))"])
        let command = [try Repository.binary(), "compare", a.uri(), b.uri()].map { "'\($0)'" }.joined(separator: " ")
        // script(1) gives the command a pseudo-terminal: stdout and stderr both land in the typescript.
        let tty = try Tools.run("script", ["-qec", command, "/dev/null"], check: false)
        XCTAssertEqual(tty.status, 0, tty.stdout + tty.stderr)
        XCTAssertTrue(tty.stdout.contains("ETA"), tty.stdout)
        XCTAssertTrue(tty.stdout.contains("/s"), tty.stdout)
        XCTAssertTrue(tty.stdout.contains("identical"), tty.stdout)
        let piped = try Repository.runTool(["compare", a.uri(), b.uri()])
        XCTAssertEqual(piped.status, 0)
        XCTAssertFalse(piped.stderr.contains("ETA"), piped.stderr)
    }
}
