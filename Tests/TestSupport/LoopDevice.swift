import Foundation

/// A read-only loop device over an image, with a chosen logical sector size
/// (`losetup --sector-size`), detached when released. Needs root, as `make test` runs in CI.
public final class LoopDevice: @unchecked Sendable {
    public let path: String

    /// Attaches `image` read-only with `sectorSize`-byte logical sectors.
    public init(image: String, sectorSize: Int) throws {
        let result = try Tools.run("losetup", ["--find", "--show", "--read-only", "--sector-size", String(sectorSize), image])
        path = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard path.hasPrefix("/dev/loop") else { throw ToolError("losetup printed no device: \(result.stdout)") }
    }

    /// Detaches the device.
    public func detach() { _ = try? Tools.run("losetup", ["--detach", path], check: false) }

    deinit { detach() }
}
