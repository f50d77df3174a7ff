import Foundation
import SourceInventory
import TestSupport
import XCTest

/// The wave file's structure (pure parsing of in-memory text), and `volumes` by ID end to end.
final class WaveFileTests: XCTestCase {
    func parse(_ text: String) throws -> WaveFile {
        try WaveFile.parse(Array(text.utf8), file: "w.yaml", defaultName: "w")
    }

    func testYAMLAndJSONGiveTheSameWave() throws {
        let yaml = try parse("""
            wave: wave-12
            content: sample
            byIdDir: /dev/disk/by-id
            vms:
              - inventory: inv/a.json
                vm: a
                targets: "2000:nbd://oma/vol-1,2001:nbd://oma/vol-2"
                sources: {2000: "nbd://vc/s1"}
                seed: 42
                ovf_configuration: large
                ovf_properties: {disk_size: 20}
              - inventory: inv/b.ovf
                volumes: {2000: 101328f1-7c9e-4f55-9a3a-54d1c1e0a001}
                by_id_dir: by-id
            """)
        let json = try parse("""
            {"wave": "wave-12", "content": "sample", "by_id_dir": "/dev/disk/by-id", "vms": [
              {"inventory": "inv/a.json", "vm": "a", "targets": "2000:nbd://oma/vol-1,2001:nbd://oma/vol-2",
               "sources": {"2000": "nbd://vc/s1"}, "seed": 42, "ovfConfiguration": "large", "ovfProperties": {"disk_size": "20"}},
              {"inventory": "inv/b.ovf", "volumes": {"2000": "101328f1-7c9e-4f55-9a3a-54d1c1e0a001"}, "byIdDir": "by-id"}]}
            """)
        for wave in [yaml, json] {
            XCTAssertEqual(wave.name, "wave-12")
            XCTAssertEqual(wave.content, "sample")
            XCTAssertEqual(wave.byIdDir, "/dev/disk/by-id")
            XCTAssertEqual(wave.vms.count, 2)
            XCTAssertEqual(wave.vms[0].targets, .spec("2000:nbd://oma/vol-1,2001:nbd://oma/vol-2"))
            XCTAssertEqual(wave.vms[0].sources, .pairs([(key: "2000", value: "nbd://vc/s1")]))
            XCTAssertEqual(wave.vms[0].seed, 42)
            XCTAssertEqual(wave.vms[0].ovfConfiguration, "large")
            XCTAssertEqual(wave.vms[0].ovfProperties.map(\.value), ["20"])
            XCTAssertEqual(wave.vms[1].volumes.map(\.key), ["2000"])
            XCTAssertEqual(wave.vms[1].byIdDir, "by-id")
            XCTAssertEqual(wave.vms[1].name, "vms[1] (inv/b.ovf)")
        }
        XCTAssertEqual(try parse("vms:\n  - {inventory: a}\n").name, "w", "the file's name when 'wave' is absent")
    }

    func testErrorsNameTheEntryAndTheField() {
        let cases: [(String, String)] = [
            ("vms:\n  - {inventory: a, vm: x, targets: {2000: [1]}}\n", "w.yaml: vms[0] (x): field targets.2000: expected a string, found array"),
            ("vms:\n  - {inventory: a, targets: \"\"}\n", "w.yaml: vms[0] (a): field targets: is empty"),
            ("vms:\n  - {inventory: a, inventroy: b}\n", "w.yaml: vms[0] (a): field inventroy: unknown field; did you mean 'inventory'?"),
            ("vms:\n  - {vm: x}\n", "w.yaml: vms[0] (x): field inventory: is missing"),
            ("wave: \"\"\nvms:\n  - {inventory: a}\n", "w.yaml: field wave: the wave's name must be one line of 1 to 200 characters"),
            ("vms: {a: 1}\n", "w.yaml: field vms: expected an array, found object"),
            ("vms:\n  - {inventory: a, targets: x, targets: y}\n", "w.yaml: vms[0]: field targets: duplicate key \"targets\""),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try parse(text), text) { error in
                XCTAssertEqual((error as? WaveFileError)?.description, expected)
            }
        }
    }

    /// `volumes` resolved in the wave's `by_id_dir` (relative to the wave file), as `--volume` is.
    func testVolumesByIDAreResolvedInTheWavesByIdDir() throws {
        let fixture = try WaveFixture()
        try fixture.build("make-verify-rounded.sh", into: "rounded")
        try fixture.manifest(vm: "attached1", disks: WaveFixture.roundedDisks)
        let id2000 = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", id2001 = "1b2c3d4e-5f60-4b7c-9d8e-0f1a2b3c4d5e"
        try FileManager.default.createDirectory(atPath: fixture.path("by-id"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: fixture.path("by-id/virtio-\(id2000.prefix(20))"),
                                                   withDestinationPath: fixture.path("rounded/vol2000.img"))
        try FileManager.default.createSymbolicLink(atPath: fixture.path("by-id/virtio-\(id2001.prefix(20))"),
                                                   withDestinationPath: fixture.path("rounded/vol2001.img"))
        let wave = try fixture.waveFile("""
            wave: attached
            by_id_dir: by-id
            vms:
              - inventory: inv/attached1.yaml
                volumes: {2000: \(id2000), "2001": "\(id2001)"}
            """)
        let run = try WaveResult([wave], directory: fixture.path("out"))
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let codes = (run.vm("attached1")?["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        XCTAssertEqual(codes.filter { $0 == "volume-resolved" }.count, 2, "\(codes)")
        XCTAssertEqual((run.vm("attached1")?["disks"] as? [[String: Any]])?.compactMap { $0["target"] as? String },
                       [fixture.path("rounded/vol2000.img"), fixture.path("rounded/vol2001.img")].map {
                           URL(fileURLWithPath: $0).resolvingSymlinksInPath().path })
    }

    func testHelpExplainsTheWaveFileAndEndsWithExamples() throws {
        for form in [["help", "wave"], ["wave", "--help"]] {
            let result = try Repository.runTool(form)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.contains("--jobs"), result.stdout)
            XCTAssertTrue(result.stdout.contains("not-run"), result.stdout)
            XCTAssertTrue(result.stdout.contains("--ledger"), result.stdout)
            XCTAssertTrue(result.stdout.hasSuffix("replica-audit wave wave-12.yaml --format json > wave.json\n"), result.stdout)
        }
    }
}
