import BlockAccess
import DiskProbe
import Foundation
import TestSupport
import XCTest

/// Builds fixture images into a fresh temporary directory (removed by `remove()`).
struct FixtureDirectory {
    let url: URL

    /// Runs `Fixtures/SCRIPT OUTDIR ARGS…` into a new temporary directory.
    static func build(_ script: String, _ args: [String] = []) throws -> FixtureDirectory {
        let dir = try TemporaryDirectory.make(prefix: "probe-fixtures")
        try Tools.run("/bin/bash", [Repository.fixture(script).path, dir.path] + args, timeout: 600)
        return FixtureDirectory(url: dir)
    }

    /// The path of `NAME.img`.
    func image(_ name: String) -> String { url.appendingPathComponent("\(name).img").path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Probes a target string with default options.
func probe(_ target: String, options: VolumeOptions = VolumeOptions()) throws -> ProbeResult {
    let volume = try VolumeOpener.open(target, options: options)
    defer { volume.close() }
    return try DiskProber.probe(volume)
}

/// The codes of a result's findings.
func codes(_ result: ProbeResult) -> [String] { result.findings.map(\.code) }

/// Sorted-key JSON of a value, for comparing whole results.
func canonicalJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
