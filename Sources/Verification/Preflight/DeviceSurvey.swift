import AuditCore
import BlockAccess
import DiskProbe
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// One whole disk found by `devices` (README.md, "Attached volumes by volume ID").
public struct AttachedDevice: Codable, Sendable, Equatable {
    /// The resolved path (`realpath` of its links), e.g. /dev/vdb or an image file.
    public var path: String
    public var sizeBytes: UInt64?
    /// Its whole-disk links in the by-id directory, sorted.
    public var links: [String]
    public var isBlockDevice: Bool
    /// Partition table type, disk GUID / MBR signature, and the disk size the label was written for.
    public var labelType: String?
    public var diskId: String?
    public var impliedDiskBytes: UInt64?
    /// Signatures libblkid found: "disk: TYPE" for the whole disk, "partition N: TYPE" for each partition.
    public var signatures: [String]
    public var partitionCount: Int
    /// Why it could not be read, when it could not.
    public var error: String?

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case path, sizeBytes, links, isBlockDevice, labelType, diskId, impliedDiskBytes, signatures, partitionCount, error
    }

    /// Encodes every key, absent values as `null`.
    public func encode(to encoder: Encoder) throws {
        try NullEncoding.encode(self, keys: CodingKeys.self, to: encoder)
    }
}

/// `devices`, the forensic `lsblk`: every whole disk reachable through a by-id directory
/// (and, for the system's own /dev/disk/by-id, every disk in /sys/block too, since a
/// volume without a serial has no by-id link), each probed read-only.
public enum DeviceSurvey {
    /// What was found, and links that could not be used (dangling, loops, partitions).
    public struct Survey: Codable, Sendable, Equatable {
        public var byIdDir: String
        public var devices: [AttachedDevice]
        public var problems: [String]
    }

    /// Surveys `directory`; `includeSysBlock` adds /sys/block's disks. Throws for a
    /// directory that cannot be used.
    public static func survey(directory: String, includeSysBlock: Bool,
                              options: VolumeOptions = VolumeOptions()) throws(VolumeIDResolver.InputError) -> Survey {
        try VolumeIDResolver.checkDirectory(directory)
        var order: [String] = []
        var found: [String: (path: String, isBlock: Bool, links: [String])] = [:]
        var problems: [String] = []
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        for name in names where !name.hasPrefix(".") {
            if VolumeIDResolver.isPartitionLinkName(name) { continue }
            switch VolumeIDResolver.inspect(PathText.join(directory, name)) {
            case .success(let device):
                if device.partitionOf != nil { continue }
                if found[device.device] == nil { order.append(device.device); found[device.device] = (device.path, device.isBlock, []) }
                found[device.device]?.links.append(name)
            case .failure(let problem):
                problems.append("\(name): \(problem.message)")
            }
        }
        if includeSysBlock {
            // Unused loop devices and empty drives have no size and are left out.
            for (id, device) in sysBlockDisks() where found[id] == nil {
                order.append(id)
                found[id] = (device.path, device.isBlock, [])
            }
        }
        let devices = order.map { id -> AttachedDevice in
            let entry = found[id]!
            return describe(path: entry.path, isBlock: entry.isBlock, links: entry.links.sorted(), options: options)
        }
        return Survey(byIdDir: directory, devices: devices, problems: problems)
    }

    /// /sys/block's disks alone, for a machine without /dev/disk/by-id.
    public static func systemDisks(options: VolumeOptions = VolumeOptions()) -> Survey {
        var order: [String] = []
        var found: [String: (path: String, isBlock: Bool)] = [:]
        for (id, device) in sysBlockDisks() where found[id] == nil {
            order.append(id)
            found[id] = (device.path, device.isBlock)
        }
        let devices = order.map { describe(path: found[$0]!.path, isBlock: found[$0]!.isBlock, links: [], options: options) }
        return Survey(byIdDir: VolumeIDResolver.defaultDirectory, devices: devices,
                      problems: ["\(VolumeIDResolver.defaultDirectory) does not exist (no udev?): the disks of /sys/block are listed without links"])
    }

    /// The whole disks of /sys/block that have a size: (identity, device).
    static func sysBlockDisks() -> [(String, VolumeIDResolver.ResolvedDevice)] {
        let blocks = ((try? FileManager.default.contentsOfDirectory(atPath: "/sys/block")) ?? []).sorted()
        return blocks.compactMap { name in
            guard !name.hasPrefix("ram") else { return nil }
            let size = (try? String(contentsOfFile: "/sys/block/\(name)/size", encoding: .utf8))
                .flatMap { UInt64($0.trimmingWhitespaceAndNewlines()) } ?? 0
            guard size > 0, case .success(let device) = VolumeIDResolver.inspect("/dev/\(name)") else { return nil }
            return (device.device, device)
        }
    }

    /// Opens `path` read-only and probes it.
    static func describe(path: String, isBlock: Bool, links: [String], options: VolumeOptions) -> AttachedDevice {
        var device = AttachedDevice(path: path, sizeBytes: nil, links: links, isBlockDevice: isBlock, labelType: nil, diskId: nil,
                                    impliedDiskBytes: nil, signatures: [], partitionCount: 0, error: nil)
        let volume: any Volume
        do { volume = try VolumeOpener.open(.file(path: path), options: options) } catch {
            device.error = error.description
            if case .success(let resolved) = VolumeIDResolver.inspect(path) { device.sizeBytes = resolved.sizeBytes }
            return device
        }
        defer { volume.close() }
        device.sizeBytes = volume.sizeBytes
        do {
            let probe = try DiskProber.probe(volume)
            device.labelType = probe.partitionTable?.type ?? probe.partitionTableSignature?.type
            device.diskId = probe.partitionTable?.diskId ?? probe.partitionTableSignature?.uuid
            device.impliedDiskBytes = probe.partitionTable?.impliedDiskBytes
            device.partitionCount = probe.partitions.count
            if let fs = probe.filesystem { device.signatures.append("disk: \(signature(fs))") }
            for p in probe.partitions {
                if let fs = p.filesystem { device.signatures.append("partition \(p.number): \(signature(fs))") }
            }
            if !probe.unreadableRegions.isEmpty { device.error = "\(probe.unreadableRegions.count) regions could not be read" }
        } catch {
            device.error = error.description
        }
        return device
    }

    static func signature(_ fs: FilesystemSignature) -> String {
        var s = fs.type
        if let uuid = fs.uuid { s += " UUID=\(uuid)" }
        if let label = fs.label { s += " LABEL=\(label)" }
        return s
    }

    /// The text listing: a block per device.
    public static func text(_ survey: Survey) -> String {
        var lines: [String] = []
        if survey.devices.isEmpty { lines.append("no whole-disk device found in \(survey.byIdDir)") }
        for d in survey.devices {
            var head = "\(d.path)  \(d.sizeBytes.map { "\(ByteSize.human($0)) (\($0) bytes)" } ?? "size unknown")"
            if let type = d.labelType {
                head += "  \(type)"
                if let implied = d.impliedDiskBytes {
                    head += " written for \(ByteSize.human(implied))"
                    if let size = d.sizeBytes, implied != size { head += " (not this device's size)" }
                }
                if let id = d.diskId { head += ", id \(id)" }
                head += ", \(d.partitionCount) partition\(d.partitionCount == 1 ? "" : "s")"
            } else if d.error == nil {
                head += "  no partition table"
            }
            lines.append(head)
            lines.append("  links: \(d.links.isEmpty ? "(none in \(survey.byIdDir))" : d.links.joined(separator: ", "))")
            if !d.signatures.isEmpty { lines.append("  signatures: \(d.signatures.joined(separator: "; "))") }
            if let error = d.error { lines.append("  could not be read: \(error)") }
        }
        for problem in survey.problems { lines.append("note: \(problem)") }
        return lines.joined(separator: "\n")
    }
}
