import Foundation
import TestSupport
import XCTest

/// One end-to-end scenario: fixture images built by a script in Fixtures/, a govc-style
/// inventory, nbdkit servers, and runs of the built `replica-audit`.
final class Scenario {
    let directory: URL
    private var servers: [String: NBDKitServer] = [:]

    /// Builds the images with `Fixtures/SCRIPT` into a fresh temporary directory (the
    /// script's further `arguments` after it).
    init(script: String, arguments: [String] = []) throws {
        directory = try TemporaryDirectory.make(prefix: "e2e")
        try Tools.run(Repository.fixture(script).path, [directory.path] + arguments)
    }

    deinit {
        for server in servers.values { server.stop() }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The path of an image the script made.
    func image(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Serves `image` with nbdkit's file plugin (plus `filters`), once per name.
    @discardableResult
    func serve(_ name: String, image: String, filters: [String] = [], args: [String] = [],
               logRequests: Bool = false) throws -> NBDKitServer {
        let server = try NBDKitServer(plugin: "file", args: ["file=\(self.image(image))"] + args, filters: filters,
                                      logRequests: logRequests)
        servers[name] = server
        return server
    }

    /// The URI of a served image.
    func uri(_ name: String) -> String { servers[name]!.uri() }

    /// Stops a server, as when the sources are gone.
    func stop(_ name: String) { servers[name]?.stop() }

    /// A socket URI on which nothing listens.
    var deadURI: String { "nbd+unix:///?socket=\(directory.appendingPathComponent("nobody-listens.sock").path)" }

    /// Writes a govc `vm.info -json` (0.32+ encoding) inventory and returns its path.
    func inventory(vm: String, disks: [(key: Int, label: String, bytes: UInt64)],
                   guest: [(path: String, bytes: UInt64, type: String, key: Int)] = []) throws -> String {
        let devices: [[String: Any]] = disks.enumerated().map { index, disk in
            ["_typeName": "VirtualDisk", "key": disk.key,
             "deviceInfo": ["_typeName": "Description", "label": disk.label, "summary": "\(disk.bytes / 1024) KB"],
             "backing": ["_typeName": "VirtualDiskFlatVer2BackingInfo",
                         "fileName": "[datastore1] \(vm)/\(vm)\(index == 0 ? "" : "_\(index)").vmdk",
                         "diskMode": "persistent", "thinProvisioned": true],
             "controllerKey": 1000, "unitNumber": index,
             "capacityInKB": disk.bytes / 1024, "capacityInBytes": disk.bytes]
        }
        let guestDisks: [[String: Any]] = guest.map {
            ["_typeName": "GuestDiskInfo", "diskPath": $0.path, "capacity": $0.bytes, "freeSpace": $0.bytes / 2,
             "filesystemType": $0.type, "mappings": [["_typeName": "GuestInfoVirtualDiskMapping", "key": $0.key]]]
        }
        let document: [String: Any] = ["virtualMachines": [[
            "self": ["type": "VirtualMachine", "value": "vm-4242"], "name": vm,
            "config": ["name": vm, "uuid": "4212f0c1-1111-2222-3333-444455556666",
                       "hardware": ["numCPU": 2, "memoryMB": 4096, "device": devices]],
            "guest": ["disk": guestDisks],
        ]]]
        let path = directory.appendingPathComponent("\(vm)-inventory.json")
        try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]).write(to: path)
        return path.path
    }

    /// A fresh report directory inside the scenario.
    func reportDirectory(_ name: String) -> String { directory.appendingPathComponent("reports-\(name)").path }
}

/// A finished `verify` run: exit status, output and the parsed report.json.
struct VerifyResult {
    let status: Int32
    let stdout: String
    let stderr: String
    let report: [String: Any]
    let reportDirectory: String

    /// Runs `replica-audit verify ARGS --report-dir DIR` and reads DIR/report.json.
    init(_ arguments: [String], reportDirectory: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try Repository.runTool(["verify"] + arguments + ["--report-dir", reportDirectory])
        status = result.status
        stdout = result.stdout
        stderr = result.stderr
        self.reportDirectory = reportDirectory
        let data = try Data(contentsOf: URL(fileURLWithPath: reportDirectory).appendingPathComponent("report.json"))
        report = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any], file: file, line: line)
    }

    var verdict: String? { report["verdict"] as? String }
    var disks: [[String: Any]] { report["disks"] as? [[String: Any]] ?? [] }
    var vmFindings: [[String: Any]] { report["findings"] as? [[String: Any]] ?? [] }
    var contamination: [[String: Any]] { report["contamination"] as? [[String: Any]] ?? [] }

    func disk(_ key: String) -> [String: Any]? { disks.first { $0["key"] as? String == key } }

    func findings(of key: String) -> [[String: Any]] { disk(key)?["findings"] as? [[String: Any]] ?? [] }

    func codes(of key: String) -> [String] { findings(of: key).compactMap { $0["code"] as? String } }

    func finding(_ code: String, of key: String) -> [String: Any]? { findings(of: key).first { $0["code"] as? String == code } }

    /// Every finding code anywhere in the report.
    var allCodes: [String] { vmFindings.compactMap { $0["code"] as? String } + disks.flatMap { codes(of: $0["key"] as! String) } }

    /// `[(disk, carries)]`.
    var contaminationPairs: [[String]] { contamination.map { [$0["disk"] as? String ?? "", $0["carries"] as? String ?? ""] } }
}
