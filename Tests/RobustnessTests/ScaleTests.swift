import BlockAccess
import DiskProbe
import Foundation
import TestSupport
import XCTest

/// Resource bounds: many disks in one verify, many probes in one process.
final class ScaleTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws { dir = try TemporaryDirectory.make(prefix: "scale") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// 64 GPT disks with distinct GUIDs in `dir/disks`, and a manifest naming them 2000…2063.
    private func makeSixtyFourDisks() throws -> (disks: URL, manifest: String) {
        let disks = dir.appendingPathComponent("disks")
        try FileManager.default.createDirectory(at: disks, withIntermediateDirectories: true)
        try Tools.sh("""
            cd '\(disks.path)'
            truncate -s 64M base
            sgdisk -n 1:2048:+16M -t 1:8300 -n 2:0:0 -t 2:8300 base >/dev/null
            for i in $(seq 0 63); do
              cp --sparse=always base disk-$i.img; sgdisk -G disk-$i.img >/dev/null
              # a filesystem in partition 1, each with its own volume ID (a label alone is volume-label-only)
              mkfs.fat -F 16 --offset 2048 -i $(printf '%08x' $((0x64000000 + i))) disk-$i.img 16384 >/dev/null
            done
            rm base
            """)
        let entries = (0..<64).map { i in
            #"{ "key": "\#(2000 + i)", "label": "Hard disk \#(i + 1)", "capacityBytes": 67108864 }"#
        }
        let manifest = dir.appendingPathComponent("manifest.json").path
        try #"{ "manifestVersion": 1, "vm": { "name": "wide64" }, "disks": [ \#(entries.joined(separator: ",\n")) ] }"#
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        return (disks, manifest)
    }

    /// The most connections the log filter saw open at once.
    private func peakConnections(_ logPath: String) throws -> Int {
        let text = try String(contentsOfFile: logPath, encoding: .utf8)
        var open = 0, peak = 0
        for line in text.split(separator: "\n") {
            if line.contains(" Connect export=") { open += 1; peak = max(peak, open) }
            if line.contains(" Disconnect ") { open -= 1 }
        }
        return peak
    }

    func testSixtyFourDiskVerifyRunsWithBoundedConcurrency() throws {
        let (disks, manifest) = try makeSixtyFourDisks()
        // One nbdkit serves every file in the directory as an export of that name.
        let server = try NBDKitServer(plugin: "file", args: ["dir=\(disks.path)"], logRequests: true)
        let targets = (0..<64).map { "--target=\(2000 + $0)=\(server.uri(export: "disk-\($0).img"))" }
        let reports = dir.appendingPathComponent("reports").path
        let run = try Repository.runTool(["verify", "--inventory", manifest, "--content", "none", "--jobs", "4",
                                          "--report-dir", reports, "--format", "json"] + targets, timeout: 600)
        XCTAssertEqual(run.status, 0, run.stderr)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(doc["verdict"] as? String, "pass")
        let disksJSON = try XCTUnwrap(doc["disks"] as? [[String: Any]])
        XCTAssertEqual(disksJSON.count, 64)
        XCTAssertEqual(Set(disksJSON.compactMap { $0["verdict"] as? String }), ["pass"])
        let peak = try peakConnections(try XCTUnwrap(server.logPath))
        XCTAssertGreaterThan(peak, 0)
        XCTAssertLessThanOrEqual(peak, 4, "more volumes open at once than --jobs allows")
        let counts = try server.requestCounts()
        XCTAssertEqual(Set(counts.keys).subtracting(["Read", "Extents", "BlockStatus"]), [], "\(counts)")
    }

    /// Open descriptors of this process.
    private func openDescriptors() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
    }

    func testThousandProbesLeakNoDescriptorsOrHandles() throws {
        let image = dir.appendingPathComponent("disk.img").path
        try Tools.sh("truncate -s 64M '\(image)'; sgdisk -n 1:2048:+16M -n 2:0:0 '\(image)' >/dev/null")
        let server = try NBDKitServer(plugin: "file", args: ["file=\(image)"])
        let absent = "nbd+unix:///?socket=\(dir.path)/absent.sock"
        let failing = VolumeOptions(connectRetries: 0)
        func round() throws {
            for target in [server.uri(), image] {
                let volume = try VolumeOpener.open(target)
                let result = try DiskProber.probe(volume)
                XCTAssertEqual(result.partitions.count, 2)
                volume.close()
            }
            XCTAssertThrowsError(try VolumeOpener.open(absent, options: failing))
        }
        for _ in 0..<5 { try round() }  // warm-up: libraries open what they keep for good
        let before = try openDescriptors()
        for _ in 0..<500 { try round() }  // 1,000 probes (500 over NBD, 500 of the file) + 500 failed opens
        let after = try openDescriptors()
        XCTAssertEqual(after, before, "descriptors leaked over 1,000 probes")
        // Every libnbd handle owns one socket: a leaked handle would show above. Check the
        // server agrees that no connection is left open.
    }
}
