import Foundation
import TestSupport
import XCTest

/// TLS end to end, and no secret in any report or log line: key files' paths and contents,
/// passwords in URIs.
final class SecretsTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try TemporaryDirectory.make(prefix: "secrets")
        try Tools.run("/bin/bash", [Repository.fixture("make-seed.sh").path, dir.path], timeout: 600)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Every file the run wrote under `reports`, and its stdout and stderr.
    private func everything(_ run: Tools.Result, reports: URL) throws -> [(String, String)] {
        var texts = [("stdout", run.stdout), ("stderr", run.stderr)]
        for name in try FileManager.default.contentsOfDirectory(atPath: reports.path) {
            let data = try Data(contentsOf: reports.appendingPathComponent(name))
            texts.append((name, String(decoding: data, as: UTF8.self)))
        }
        return texts
    }

    func testVerifyOverTLSWithAPSKLeavesNoKeyMaterialInReports() throws {
        let psk = dir.appendingPathComponent("secret-keys.psk").path
        try Tools.run("psktool", ["-u", "auditor", "-p", psk])
        let key = try String(contentsOfFile: psk, encoding: .utf8).split(separator: ":").last.map(String.init)?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        XCTAssertGreaterThan(key.count, 16)
        let options = ["--tls=require", "--tls-psk=\(psk)"]
        let v2000 = try NBDKitServer(plugin: "file", args: ["file=\(dir.path)/vol2000.img"], extraOptions: options)
        let v2001 = try NBDKitServer(plugin: "file", args: ["file=\(dir.path)/vol2001.img"], extraOptions: options)
        func tls(_ s: NBDKitServer) -> String { "nbds+unix://auditor@/?socket=\(s.socketPath)&tls-psk-file=\(psk)" }
        let reports = dir.appendingPathComponent("tls-reports")
        let run = try Repository.runTool(["verify", "--inventory", Repository.fixture("inventories/demo-pgtest1.json").path,
                                          "--require-tls", "--nbd-targets", "2000:\(tls(v2000)),2001:\(tls(v2001))",
                                          "--report-dir", reports.path])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        for (name, text) in try everything(run, reports: reports) {
            XCTAssertFalse(text.contains(key), "\(name) carries the PSK")
            XCTAssertFalse(text.contains("secret-keys.psk"), "\(name) carries the PSK file's path")
        }
        // The same targets in plaintext are refused by --require-tls before any connection.
        let plain = try Repository.runTool(["verify", "--inventory", Repository.fixture("inventories/demo-pgtest1.json").path,
                                            "--require-tls", "--nbd-targets", "2000:\(v2000.uri()),2001:\(v2001.uri())",
                                            "--report-dir", dir.appendingPathComponent("plain").path])
        XCTAssertNotEqual(plain.status, 0)
        XCTAssertTrue((plain.stdout + plain.stderr).contains("require-tls"), plain.stdout + plain.stderr)
    }

    func testPasswordsInURIsNeverReachReportsOrErrors() throws {
        let reports = dir.appendingPathComponent("pw-reports")
        let run = try Repository.runTool(["verify", "--inventory", Repository.fixture("inventories/demo-pgtest1.json").path,
                                          "--connect-retries", "0",
                                          "--target", "2000=nbd://alice:hunter2@127.0.0.1:1/vol-a",
                                          "--target", "2001=nbds+unix://bob:swordfish@/vol-b?socket=\(dir.path)/none.sock&tls-psk-file=/etc/top-secret.psk",
                                          "--report-dir", reports.path])
        XCTAssertEqual(run.status, 3, run.stdout + run.stderr)
        for (name, text) in try everything(run, reports: reports) {
            for secret in ["hunter2", "swordfish", "top-secret.psk"] {
                XCTAssertFalse(text.contains(secret), "\(name) carries \(secret)")
            }
        }
        let inspect = try Repository.runTool(["inspect", "nbd://alice:hunter2@127.0.0.1:1/vol-a", "--connect-retries", "0"])
        XCTAssertEqual(inspect.status, 3)
        XCTAssertFalse((inspect.stdout + inspect.stderr).contains("hunter2"), inspect.stderr)
        XCTAssertTrue(inspect.stderr.contains("127.0.0.1:1/vol-a"), "the target must stay identifiable: \(inspect.stderr)")
    }
}
