#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore
#if canImport(Glibc)
import Glibc
#endif

/// Finds an attached volume by its cloud volume ID in a `/dev/disk/by-id`-style directory
/// (README.md, "Attached volumes by volume ID"). The link names tried, in order:
///
/// - `virtio-<first 20 characters of the ID>` (virtio-blk serials are 20 bytes: OpenStack),
/// - `virtio-<first 20 characters of the ID without hyphens>` (CloudStack),
/// - `scsi-0QEMU_QEMU_HARDDISK_<ID>` and `scsi-0QEMU_QEMU_HARDDISK_<first 20>` (virtio-scsi),
/// - `wwn-0x<ID without hyphens>`,
/// - and, beyond those, `nvme-Amazon_Elastic_Block_Store_<ID without hyphens>` (AWS EBS on
///   Nitro: the NVMe serial is the volume ID `vol-…` without its hyphen).
///
/// Whole disks only: a `-partN` link, or a link that resolves to a partition, never matches.
/// Exactly one distinct device must match (links are compared by what they resolve to:
/// `st_rdev` for block devices, device and inode for files), else the volume is not found
/// or ambiguous. Dangling links and link loops are recorded as problems, never followed blindly.
public enum VolumeIDResolver {
    /// The default directory of the links.
    public static let defaultDirectory = "/dev/disk/by-id"

    /// One link that matched: its name and what it resolves to.
    public struct Match: Sendable, Equatable, Codable {
        /// The link's name inside the directory, e.g. `virtio-0a1b2c3d-4e5f-4a6b-8`.
        public var link: String
        /// The resolved path (`realpath`).
        public var path: String
        /// What was compared to tell devices apart: `block:MAJ:MIN` or `file:DEV:INO`.
        public var device: String
        /// Whether the resolved path is a block device (else an image file).
        public var isBlockDevice: Bool
    }

    /// The outcome of resolving one volume ID.
    public struct Resolution: Sendable, Equatable, Codable {
        public enum Status: String, Sendable, Codable { case found, notFound = "not-found", ambiguous }
        public var key: String
        public var volumeID: String
        public var directory: String
        public var status: Status
        /// The link used (the first name tried that matched), when found.
        public var link: String?
        /// The resolved path, when found.
        public var path: String?
        /// Every link that matched, in the order tried.
        public var matches: [Match]
        /// The link names tried, in order.
        public var tried: [String]
        /// Links that exist but could not be used: dangling, a loop, a partition, not a device.
        public var problems: [String]

        /// One line for messages: what was looked for and what came of it.
        public var summary: String {
            switch status {
            case .found:
                return "volume \(volumeID) is \(path ?? "?") (link \(directory)/\(link ?? "?"))"
            case .notFound:
                var s = "no whole-disk link for volume \(volumeID) in \(directory) (tried \(tried.joined(separator: ", ")))"
                if !problems.isEmpty { s += "; " + problems.joined(separator: "; ") }
                return s
            case .ambiguous:
                let devices = Dictionary(grouping: matches, by: \.device).values.map { group in
                    "\(group[0].path) (via \(group.map(\.link).joined(separator: ", ")))"
                }.sorted()
                return "volume \(volumeID) matches \(devices.count) different devices in \(directory): \(devices.joined(separator: " and "))"
            }
        }
    }

    /// An input error: a malformed volume ID or an unusable directory.
    public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Checks that `volumeID` can be a volume ID: 1 to 128 characters of letters, digits,
    /// '-', '_', '.' and ':', beginning with a letter or digit. Anything else (a path, spaces,
    /// a glob, an empty string) could only match by accident.
    public static func validate(_ volumeID: String) throws(InputError) {
        guard !volumeID.isEmpty else { throw InputError(message: "the volume ID is empty") }
        guard volumeID.count <= 128 else { throw InputError(message: "the volume ID is \(volumeID.count) characters long; volume IDs have at most 128") }
        guard let first = volumeID.unicodeScalars.first, first.isASCIIAlphanumeric else {
            throw InputError(message: "'\(printable(volumeID))' is not a volume ID: it must begin with a letter or a digit")
        }
        guard volumeID.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || "-_.:".unicodeScalars.contains($0) }) else {
            throw InputError(message: "'\(printable(volumeID))' is not a volume ID: only letters, digits, '-', '_', '.' and ':' are allowed")
        }
    }

    /// The link names tried for `volumeID`, in order, without repeats.
    public static func candidateLinks(for volumeID: String) -> [String] {
        let plain = volumeID.replacingEvery("-", with: "")
        let names = [
            "virtio-" + String(volumeID.prefix(20)),
            "virtio-" + String(plain.prefix(20)),
            "scsi-0QEMU_QEMU_HARDDISK_" + volumeID,
            "scsi-0QEMU_QEMU_HARDDISK_" + String(volumeID.prefix(20)),
            "wwn-0x" + plain,
            "nvme-Amazon_Elastic_Block_Store_" + plain,
        ]
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// Checks that `directory` exists and is a directory that can be listed.
    public static func checkDirectory(_ directory: String) throws(InputError) {
        var st = stat()
        guard stat(directory, &st) == 0 else {
            let e = Errno.current
            throw InputError(message: "the by-id directory \(directory) cannot be used: \(e.message)")
        }
        guard st.st_mode & S_IFMT == S_IFDIR else {
            throw InputError(message: "the by-id directory \(directory) is not a directory")
        }
        guard access(directory, R_OK | X_OK) == 0 else {
            let e = Errno.current
            throw InputError(message: "the by-id directory \(directory) cannot be read: \(e.message)")
        }
    }

    /// Resolves `volumeID` for disk `key` in `directory`. Throws only for input errors
    /// (a malformed ID, a missing directory); a volume that is not there, or is there twice,
    /// is a `Resolution` with that status.
    public static func resolve(key: String, volumeID: String, directory: String = defaultDirectory) throws(InputError) -> Resolution {
        try validate(volumeID)
        try checkDirectory(directory)
        let tried = candidateLinks(for: volumeID)
        var matches: [Match] = []
        var problems: [String] = []
        for name in tried {
            if isPartitionLinkName(name) {
                problems.append("\(name) names a partition, not a whole disk")
                continue
            }
            let linkPath = PathText.join(directory, name)
            var lst = stat()
            guard lstat(linkPath, &lst) == 0 else { continue }  // not there: the usual case
            switch inspect(linkPath) {
            case .success(let target):
                if let partitionOf = target.partitionOf {
                    problems.append("\(name) resolves to \(target.path), a partition of \(partitionOf), not a whole disk")
                } else {
                    matches.append(Match(link: name, path: target.path, device: target.device, isBlockDevice: target.isBlock))
                }
            case .failure(let problem):
                problems.append("\(name): \(problem.message)")
            }
        }
        let devices = matches.reduce(into: [String]()) { if !$0.contains($1.device) { $0.append($1.device) } }
        let status: Resolution.Status = devices.isEmpty ? .notFound : devices.count == 1 ? .found : .ambiguous
        return Resolution(key: key, volumeID: volumeID, directory: directory, status: status,
                          link: status == .found ? matches.first?.link : nil,
                          path: status == .found ? matches.first?.path : nil,
                          matches: matches, tried: tried, problems: problems)
    }

    /// Whether a link name is a partition's (`…-partN`).
    public static func isPartitionLinkName(_ name: String) -> Bool {
        guard let range = name.lastRange(of: "-part") else { return false }
        let digits = name[range.upperBound...]
        return !digits.isEmpty && digits.allSatisfy(\.isNumber)
    }

    /// What a path resolves to.
    public struct ResolvedDevice: Sendable, Equatable {
        public var path: String
        public var device: String
        public var isBlock: Bool
        /// For a partition of a block device: the whole disk's name (from /sys/dev/block).
        public var partitionOf: String?
        public var sizeBytes: UInt64?
    }

    /// Resolves `path` (following links) and says what it is: a block device (by `st_rdev`)
    /// or a regular file (by `st_dev`/`st_ino`). Dangling links, loops and anything that is
    /// neither are problems.
    public static func inspect(_ path: String) -> Result<ResolvedDevice, InputError> {
        guard let resolvedC = realpath(path, nil) else {
            let e = Errno.current
            switch e {
            case .tooManyLinks: return .failure(InputError(message: "a link loop (\(e.message))"))
            case .noSuchFile:
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { " to \($0)" } ?? ""
                return .failure(InputError(message: "a dangling link\(target): nothing is there"))
            default: return .failure(InputError(message: e.message))
            }
        }
        let resolved = String(cString: resolvedC)
        free(resolvedC)
        var st = stat()
        guard stat(resolved, &st) == 0 else {
            let e = Errno.current
            return .failure(InputError(message: "\(resolved): \(e.message)"))
        }
        switch st.st_mode & S_IFMT {
        case S_IFBLK:
            let (major, minor) = majorMinor(UInt64(st.st_rdev))
            let sys = "/sys/dev/block/\(major):\(minor)"
            var partitionOf: String?
            if FileManager.default.fileExists(atPath: sys + "/partition") {
                let parent = URL(fileURLWithPath: sys).resolvingSymlinksInPath().deletingLastPathComponent().lastPathComponent
                partitionOf = "/dev/" + parent
            }
            let sectors = (try? String(contentsOfFile: sys + "/size", encoding: .utf8))
                .flatMap { UInt64($0.trimmingWhitespaceAndNewlines()) }
            return .success(ResolvedDevice(path: resolved, device: "block:\(major):\(minor)", isBlock: true,
                                           partitionOf: partitionOf, sizeBytes: sectors.map { $0 * 512 }))
        case S_IFREG:
            return .success(ResolvedDevice(path: resolved, device: "file:\(st.st_dev):\(st.st_ino)", isBlock: false,
                                           partitionOf: nil, sizeBytes: UInt64(st.st_size)))
        case S_IFDIR:
            return .failure(InputError(message: "\(resolved) is a directory, not a volume"))
        default:
            return .failure(InputError(message: "\(resolved) is neither a block device nor an image file"))
        }
    }

    /// glibc's `gnu_dev_major`/`gnu_dev_minor` (macros, not imported into Swift).
    public static func majorMinor(_ dev: UInt64) -> (UInt64, UInt64) {
        (((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff)), (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff)))
    }

    private static func printable(_ text: String) -> String {
        String(text.unicodeScalars.prefix(80).map { $0.value < 0x20 || $0.value == 0x7f ? "?" : Character($0) })
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}
