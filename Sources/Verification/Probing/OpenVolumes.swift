import BlockAccess
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// Volumes left open after their probe, so that later reads (content samples, a full
/// comparison) go over the connection the probe already had. A server may serve one
/// client only (qemu-nbd's default) and exit when it leaves (without `--persistent`):
/// reconnecting would then wait for the whole --timeout or be refused (README.md,
/// "Targets"). Closed with `closeAll()` or when released.
public final class OpenVolumes: @unchecked Sendable {
    private let lock = Lock()
    private var byIdentity: [String: any Volume] = [:]

    public init() {}

    /// The open volume of `target` (matched by `Target.identity`), if one is held.
    public func volume(for target: Target) -> (any Volume)? {
        lock.lock(); defer { lock.unlock() }
        return byIdentity[target.identity]
    }

    /// Keeps `volume` open for `target`; a volume already held for it wins and `volume` is closed.
    func keep(_ volume: any Volume, for target: Target) {
        lock.lock()
        let existing = byIdentity[target.identity]
        if existing == nil { byIdentity[target.identity] = volume }
        lock.unlock()
        if let existing, existing !== volume { volume.close() }
    }

    /// How many volumes are held.
    public var count: Int {
        lock.lock(); defer { lock.unlock() }
        return byIdentity.count
    }

    /// Closes every volume held.
    public func closeAll() {
        lock.lock()
        let all = Array(byIdentity.values)
        byIdentity.removeAll()
        lock.unlock()
        for volume in all { volume.close() }
    }

    deinit { closeAll() }
}
