import Foundation
import TestSupport
import XCTest

/// Images, inventories and nbdkit servers for a wave, in one temporary directory; the wave
/// file is written there too, so its relative paths are relative to it.
final class WaveFixture {
    let directory: URL
    private var servers: [NBDKitServer] = []

    init() throws {
        directory = try TemporaryDirectory.make(prefix: "wave")
    }

    deinit {
        for server in servers { server.stop() }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Builds `Fixtures/SCRIPT` into the subfolder `name`.
    func build(_ script: String, into name: String) throws {
        try Tools.run(Repository.fixture(script).path, [directory.appendingPathComponent(name).path])
    }

    func path(_ relative: String) -> String { directory.appendingPathComponent(relative).path }

    /// Serves one image with nbdkit's file plugin.
    func serve(_ image: String, logRequests: Bool = false, filters: [String] = [], args: [String] = []) throws -> NBDKitServer {
        let server = try NBDKitServer(plugin: "file", args: ["file=\(path(image))"] + args, filters: filters, logRequests: logRequests)
        servers.append(server)
        return server
    }

    /// Serves every file of the subfolder `name` as an export of that name (nbdkit `dir=`).
    func serveDirectory(_ name: String, logRequests: Bool = false, filters: [String] = [], args: [String] = []) throws -> NBDKitServer {
        let server = try NBDKitServer(plugin: "file", args: ["dir=\(path(name))"] + args, filters: filters, logRequests: logRequests)
        servers.append(server)
        return server
    }

    /// A socket URI on which nothing listens.
    var deadURI: String { "nbd+unix:///?socket=\(path("nobody-listens.sock"))" }

    /// Writes a replica-audit manifest (YAML) for `vm` and returns its name, relative to the fixture.
    @discardableResult
    func manifest(vm: String, disks: [(key: Int, label: String, bytes: UInt64)]) throws -> String {
        var text = "manifestVersion: 1\nvm:\n  name: \(vm)\ndisks:\n"
        for disk in disks {
            text += "  - key: \(disk.key)\n    label: \(disk.label)\n    capacityBytes: \(disk.bytes)\n"
        }
        let name = "inv/\(vm).yaml"
        try FileManager.default.createDirectory(atPath: path("inv"), withIntermediateDirectories: true)
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return name
    }

    /// Writes the wave file `name` and returns its path.
    @discardableResult
    func waveFile(_ text: String, name: String = "wave.yaml") throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    static let seedDisks: [(key: Int, label: String, bytes: UInt64)] = [
        (2000, "Hard disk 1", 123_480_309_760), (2001, "Hard disk 2", 10_737_418_240),
    ]
    static let roundedDisks: [(key: Int, label: String, bytes: UInt64)] = [
        (2000, "Hard disk 1", 11_274_289_152), (2001, "Hard disk 2", 2_684_354_560),
    ]
}

/// A finished `wave` run and its wave.json.
struct WaveResult {
    let status: Int32
    let stdout: String
    let stderr: String
    let directory: String
    let wave: [String: Any]

    init(_ arguments: [String], directory: String, timeout: TimeInterval = 300, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try Repository.runTool(["wave"] + arguments + ["--report-dir", directory], timeout: timeout)
        status = result.status
        stdout = result.stdout
        stderr = result.stderr
        self.directory = directory
        let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent("wave.json"))
        wave = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any], file: file, line: line)
    }

    var vms: [[String: Any]] { wave["vms"] as? [[String: Any]] ?? [] }

    func vm(_ name: String) -> [String: Any]? { vms.first { $0["vm"] as? String == name } }

    func verdict(_ name: String) -> String? { vm(name)?["verdict"] as? String }

    /// The VM's report.json.
    func report(_ name: String) throws -> [String: Any] {
        let dir = try XCTUnwrap(vm(name)?["reportDir"] as? String)
        let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(dir).appendingPathComponent("report.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

/// The most connections an nbdkit log filter saw open at once (Connect … Disconnect).
func peakConnections(logs: [String]) -> Int {
    var events: [(time: String, delta: Int)] = []
    for log in logs {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 4, words[2].hasPrefix("connection=") else { continue }
            let time = String(words[0] + " " + words[1])
            if words[3] == "Connect" { events.append((time, 1)) } else if words[3] == "Disconnect" { events.append((time, -1)) }
        }
    }
    // Disconnects first at equal times: a slot given back and taken again is not two at once.
    events.sort { $0.time != $1.time ? $0.time < $1.time : $0.delta < $1.delta }
    var open = 0, peak = 0
    for event in events {
        open += event.delta
        peak = max(peak, open)
    }
    return peak
}
