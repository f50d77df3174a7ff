import Foundation
import TestSupport
import XCTest

/// Issue 18.5 and 18.6: progress during `verify --content full`, and Ctrl-C against nbdkit
/// under load — the servers must survive and keep serving, the tool exits with its
/// documented code and says how much was compared.
final class InterruptAndProgressTests: XCTestCase {
    /// An nbdkit pattern export of `size` whose reads each take `delay`: requests are always
    /// in flight when the signal arrives.
    func slowServer(size: String = "4G", delay: String = "40ms") throws -> NBDKitServer {
        try NBDKitServer(plugin: "pattern", args: ["size=\(size)", "rdelay=\(delay)"], filters: ["delay"])
    }

    /// Starts the built binary, sends SIGINT after `after` seconds — and, with `when`, only
    /// once its stderr satisfies `when` (at most 60 s) — and waits for it.
    func interrupt(_ arguments: [String], after: TimeInterval,
                   when ready: ((String) -> Bool)? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let dir = try TemporaryDirectory.make(prefix: "sigint")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Repository.binary())
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: after)
        if let ready {
            let limit = Date().addingTimeInterval(60)
            while process.isRunning, Date() < limit, !ready((try? String(contentsOf: err, encoding: .utf8)) ?? "") {
                usleep(50_000)
            }
        }
        XCTAssertTrue(process.isRunning, "still comparing when interrupted")
        kill(process.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            XCTFail("did not stop within 30 s of SIGINT")
        }
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    func assertServing(_ servers: [NBDKitServer], file: StaticString = #filePath, line: UInt = #line) throws {
        for server in servers {
            XCTAssertTrue(server.process.isRunning, "nbdkit died after the interrupt", file: file, line: line)
            let probe = try Repository.runTool(["inspect", server.uri(), "--timeout", "10"])
            XCTAssertEqual(probe.status, 0, "nbdkit no longer serves: \(probe.stderr)", file: file, line: line)
        }
    }

    func testCtrlCDuringCompareLeavesBothServersServing() throws {
        let source = try slowServer(), target = try slowServer()
        let result = try interrupt(["compare", source.uri(), target.uri(), "--requests-in-flight", "8"], after: 3)
        XCTAssertEqual(result.status, 2, "compare: 2 on Ctrl-C\n\(result.stdout)\(result.stderr)")
        XCTAssertTrue(result.stdout.contains("interrupted after "), result.stdout)
        try assertServing([source, target])
    }

    func testCtrlCDuringVerifyContentFullSaysHowMuchWasComparedAndServersSurvive() throws {
        let dir = try TemporaryDirectory.make(prefix: "sigint-verify")
        defer { try? FileManager.default.removeItem(at: dir) }
        let servers = try (0..<4).map { _ in try slowServer() }
        let inventory = dir.appendingPathComponent("inv.json")
        let disks: [[String: Any]] = [("2000", 0), ("2001", 1)].map { key, unit in
            ["_typeName": "VirtualDisk", "key": Int(key)!, "deviceInfo": ["label": "Hard disk \(unit + 1)", "summary": "x"],
             "backing": ["_typeName": "VirtualDiskFlatVer2BackingInfo", "fileName": "[ds] vm/vm_\(unit).vmdk"],
             "controllerKey": 1000, "unitNumber": unit, "capacityInBytes": 4 << 30, "capacityInKB": 4 << 20]
        }
        let document: [String: Any] = ["virtualMachines": [["name": "pgtest1", "self": ["type": "VirtualMachine", "value": "vm-1"],
                                                            "config": ["name": "pgtest1", "hardware": ["device": disks]]]]]
        try JSONSerialization.data(withJSONObject: document).write(to: inventory)
        let result = try interrupt(["verify", "--inventory", inventory.path, "--content", "full", "--progress-interval", "0.5",
                                    "--nbd-targets", "2000:\(servers[0].uri()),2001:\(servers[1].uri())",
                                    "--nbd-sources", "2000:\(servers[2].uri()),2001:\(servers[3].uri())",
                                    "--report-dir", dir.appendingPathComponent("reports").path], after: 1,
                                   when: { $0.components(separatedBy: "VM pgtest1 content: ").count > 3 })
        XCTAssertEqual(result.status, 3, "verify: inconclusive when interrupted\n\(result.stdout)\(result.stderr)")
        // The header came first, at once; progress lines (not a terminal: plain, periodic) named both disks.
        XCTAssertTrue(result.stdout.hasPrefix("VM pgtest1: 2 disks, compared with the inventory and the live source disks\n"),
                      result.stdout)
        let progress = result.stderr.split(separator: "\n").filter { $0.hasPrefix("VM pgtest1 content: ") }
        XCTAssertGreaterThanOrEqual(progress.count, 3, result.stderr)
        XCTAssertTrue(progress.last!.contains("disk 2000 ") && progress.last!.contains("disk 2001 "), String(progress.last!))
        XCTAssertNotNil(progress.last!.range(of: #"[1-9][0-9.]* [KMG]iB / 8 GiB"#, options: .regularExpression), String(progress.last!))
        XCTAssertNotNil(result.stderr.range(of: #"note: interrupted after [0-9.]+ [KMG]iB of 8 GiB were compared"#,
                                            options: .regularExpression), result.stderr)
        XCTAssertTrue(result.stdout.contains("Verdict: INCONCLUSIVE"), result.stdout)
        try assertServing(servers)
    }

    func testOnATerminalTheProgressLineIsRedrawnInPlaceAndCleared() throws {
        let dir = try TemporaryDirectory.make(prefix: "progress-tty")
        defer { try? FileManager.default.removeItem(at: dir) }
        let servers = try (0..<4).map { _ in try slowServer(size: "512M", delay: "20ms") }
        let inventory = dir.appendingPathComponent("inv.json")
        let disks: [[String: Any]] = [("2000", 0), ("2001", 1)].map { key, unit in
            ["_typeName": "VirtualDisk", "key": Int(key)!, "deviceInfo": ["label": "Hard disk \(unit + 1)", "summary": "x"],
             "backing": ["_typeName": "VirtualDiskFlatVer2BackingInfo", "fileName": "[ds] vm/vm_\(unit).vmdk"],
             "controllerKey": 1000, "unitNumber": unit, "capacityInBytes": 512 << 20, "capacityInKB": 512 << 10]
        }
        let document: [String: Any] = ["virtualMachines": [["name": "pgtest1", "self": ["type": "VirtualMachine", "value": "vm-1"],
                                                            "config": ["name": "pgtest1", "hardware": ["device": disks]]]]]
        try JSONSerialization.data(withJSONObject: document).write(to: inventory)
        let command = [try Repository.binary(), "verify", "--inventory", inventory.path, "--content", "full",
                       "--nbd-targets", "2000:\(servers[0].uri()),2001:\(servers[1].uri())",
                       "--nbd-sources", "2000:\(servers[2].uri()),2001:\(servers[3].uri())",
                       "--report-dir", dir.appendingPathComponent("reports").path].map { "'\($0)'" }.joined(separator: " ")
        let result = try Tools.run("script", ["-qec", command, "/dev/null"], check: false, environment: ["NO_COLOR": "1", "COLUMNS": "150"])
        XCTAssertEqual(result.status, 0, result.stdout)
        let redraws = result.stdout.components(separatedBy: "\r\u{1B}[KVM pgtest1 content: ").count - 1
        XCTAssertGreaterThanOrEqual(redraws, 2, "redrawn in place:\n" + result.stdout)
        XCTAssertTrue(result.stdout.contains("/ 1 GiB ("), result.stdout)
        // The line is cleared before the summary, and the summary passes both disks.
        XCTAssertTrue(result.stdout.contains("\r\u{1B}[Kdisk 2000 (Hard disk 1, 512 MiB)  PASS"), result.stdout)
    }
}
