import AuditCore
import BlockAccess

/// `--volume KEY=VOLUME_ID`: disks named by their cloud volume ID, resolved through a
/// `/dev/disk/by-id`-style directory (README.md, "Attached volumes by volume ID";
/// `VolumeIDResolver` holds the link-name rules). Resolved volumes become ordinary
/// `TargetAssignment`s (the resolved path), so the mapping check sees them next to
/// `--target`s: two IDs that resolve to one device are a `duplicate-target`.
public enum VolumeMapping {
    /// One `--volume` argument.
    public struct Request: Sendable, Equatable {
        public var key: String
        public var volumeID: String
        public init(key: String, volumeID: String) {
            self.key = key
            self.volumeID = volumeID
        }
    }

    /// What resolving every `--volume` gave.
    public struct Resolved: Sendable {
        /// Disks whose volume was found, as assignments to the resolved path.
        public var assignments: [TargetAssignment]
        /// Every resolution, found or not, for the reports.
        public var resolutions: [VolumeIDResolver.Resolution]
        /// The resolutions that found nothing.
        public var notFound: [VolumeIDResolver.Resolution] { resolutions.filter { $0.status == .notFound } }
    }

    /// Parses `KEY=VOLUME_ID` items (each split at its first '='); the ID is checked here,
    /// so a malformed one is a one-line error before anything is looked up.
    public static func parse(_ items: [String]) throws(MappingError) -> [Request] {
        var requests: [Request] = []
        for item in items {
            guard let equals = item.firstIndex(of: "=") else {
                throw MappingError(text: item, message: "expected KEY=VOLUME_ID (e.g. 2000=0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d)")
            }
            let key = item[..<equals].trimmingWhitespace()
            let id = item[item.index(after: equals)...].trimmingWhitespace()
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
                throw MappingError(text: item, message: "'\(key)' is not a disk key; expected KEY=VOLUME_ID")
            }
            do {
                try VolumeIDResolver.validate(id)
            } catch {
                throw MappingError(text: item, message: error.message)
            }
            if let earlier = requests.first(where: { $0.key == key }) {
                throw MappingError(text: key, message: "disk \(key) is given two volumes (\(earlier.volumeID) and \(id))")
            }
            requests.append(Request(key: key, volumeID: id))
        }
        return requests
    }

    /// Checks that no disk key is given both as `--target` and `--volume`.
    public static func checkDistinct(_ requests: [Request], from assignments: [TargetAssignment]) throws(MappingError) {
        for request in requests {
            if let other = assignments.first(where: { $0.key == request.key }) {
                throw MappingError(text: request.key, message: "disk \(request.key) is mapped twice (\(other.target.redacted) and volume \(request.volumeID))")
            }
        }
    }

    /// Resolves every request in `directory`. Throws a `MappingError` for a directory that
    /// cannot be used and for a volume that matches several devices (`volume-ambiguous`:
    /// naming a volume that way is an input error, not a fact about the volumes).
    public static func resolve(_ requests: [Request], directory: String) throws(MappingError) -> Resolved {
        var resolutions: [VolumeIDResolver.Resolution] = []
        var assignments: [TargetAssignment] = []
        for request in requests {
            let resolution: VolumeIDResolver.Resolution
            do {
                resolution = try VolumeIDResolver.resolve(key: request.key, volumeID: request.volumeID, directory: directory)
            } catch {
                throw MappingError(text: "\(request.key)=\(request.volumeID)", message: error.message)
            }
            if resolution.status == .ambiguous {
                throw MappingError(text: "\(request.key)=\(request.volumeID)",
                                   message: "\(FindingCode.volumeAmbiguous): \(resolution.summary); give the device with --target \(request.key)=PATH instead")
            }
            if resolution.status == .found, let path = resolution.path {
                assignments.append(TargetAssignment(key: request.key, text: path, target: .file(path: path)))
            }
            resolutions.append(resolution)
        }
        return Resolved(assignments: assignments, resolutions: resolutions)
    }

    /// The findings for the reports: `volume-resolved` (info: the ID, the link used and the
    /// resolved path) for each volume found, `volume-not-found` for each one that is not, at
    /// `notFoundSeverity` (error in preflight, where it blocks; warning in verify, where the
    /// disk is then not read and its verdict inconclusive).
    public static func findings(_ resolved: Resolved, inventory: Inventory, notFoundSeverity: Severity) -> [Finding] {
        resolved.resolutions.map { resolution in
            var evidence: [String: JSONValue] = [
                "key": .string(resolution.key),
                "volumeId": .string(resolution.volumeID),
                "byIdDir": .string(resolution.directory),
                "link": .optional(resolution.link),
                "path": .optional(resolution.path),
                "links": .array(resolution.matches.map { .string($0.link) }),
                "tried": .array(resolution.tried.map(JSONValue.string)),
            ]
            if !resolution.problems.isEmpty { evidence["problems"] = .array(resolution.problems.map(JSONValue.string)) }
            let disk = inventory.disks.first { $0.key == resolution.key }
            let name = disk.map { "disk \($0.key)\($0.label.map { " (\($0))" } ?? "")" } ?? "disk \(resolution.key)"
            switch resolution.status {
            case .found:
                let also = resolution.matches.count > 1 ? " (also linked as \(resolution.matches.dropFirst().map(\.link).joined(separator: ", ")))" : ""
                return Finding(code: FindingCode.volumeResolved, severity: .info,
                               message: "\(name) is volume \(resolution.volumeID): \(resolution.directory)/\(resolution.link ?? "?") → \(resolution.path ?? "?")\(also)",
                               evidence: evidence)
            case .notFound, .ambiguous:
                let problems = resolution.problems.isEmpty ? "" : " (\(resolution.problems.joined(separator: "; ")))"
                return Finding(code: FindingCode.volumeNotFound, severity: notFoundSeverity,
                               message: "volume \(resolution.volumeID) of \(name) is not attached: no whole-disk link for it in \(resolution.directory) (tried \(resolution.tried.joined(separator: ", ")))\(problems). Attach the volume, or check the ID; \(name) was not read",
                               evidence: evidence)
            }
        }
    }
}
