import Foundation
import TestSupport

/// Images for the content tests, made as sparse files in a fresh temporary directory and
/// removed with it.
final class ContentFixtures {
    let dir: URL

    init() throws { dir = try TemporaryDirectory.make(prefix: "content") }

    deinit { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// A sparse image of `size` (truncate syntax, e.g. "1G") named `name`.
    @discardableResult
    func sparse(_ name: String, size: String) throws -> String {
        try Tools.sh("truncate -s \(size) '\(path(name))'")
        return path(name)
    }

    /// Writes `mib` MiB of random bytes at `offsetMiB` MiB into `name`.
    func random(_ name: String, atMiB offsetMiB: Int, mib: Int) throws {
        try Tools.sh("head -c \(mib)M /dev/urandom | dd of='\(path(name))' bs=1M seek=\(offsetMiB) conv=notrunc status=none")
    }

    /// Writes `count` bytes of `byte` at byte `offset` into `name` (allocating them).
    func fill(_ name: String, at offset: UInt64, count: Int, byte: UInt8) throws {
        let handle = try FileHandle(forWritingTo: dir.appendingPathComponent(name))
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data(repeating: byte, count: count))
    }

    /// A sparse copy of `source` named `name`.
    @discardableResult
    func copy(_ source: String, to name: String) throws -> String {
        try Tools.sh("cp --sparse=always '\(path(source))' '\(path(name))'")
        return path(name)
    }

    /// Runs `Fixtures/NAME ARGS…` with this directory as OUTDIR.
    func script(_ name: String, _ args: [String] = []) throws {
        try Tools.run(Repository.fixture(name).path, [dir.path] + args, timeout: 600)
    }
}
