import AuditCore
import BlockAccess
import Crypto
import DiskProbe
import SourceInventory

/// `preflight`: run before a single byte is copied (README.md, "Before the copy: preflight").
///
/// 1. The mapping: `duplicate-target` (two spellings of one export or device included),
///    `unmapped-disk`, `unknown-disk`, and `volume-not-found` for `--volume`s that are not
///    attached. Any of these blocks **before any volume is opened**.
/// 2. Each target, opened read-only: its size against the source capacity
///    (`target-smaller-than-source` blocks, even by one byte; `target-larger-than-source` is
///    noted), whether it refuses writes (`target-read-only`), and its first and last MiB:
///    blank (all zero) or what is there (`target-not-blank`: label type, the disk size it was
///    written for, disk GUID, and which inventory disk has that capacity).
///
/// Verdict: blocked if any finding is error or critical; otherwise inconclusive if a
/// target could not be opened or read; otherwise ready.
public struct PreflightRun: Sendable {
    public var inventory: Inventory
    /// Every target, `--target`s and resolved `--volume`s alike.
    public var targets: [TargetAssignment]
    /// The `--volume` resolutions, when any were given.
    public var volumes: VolumeMapping.Resolved?
    public var jobs: Int
    public var options: VolumeOptions

    /// The bytes read at each end of a target.
    public static let windowBytes: UInt64 = 1 << 20

    public init(inventory: Inventory, targets: [TargetAssignment], volumes: VolumeMapping.Resolved? = nil,
                jobs: Int = 4, options: VolumeOptions = VolumeOptions()) {
        self.inventory = inventory
        self.targets = targets
        self.volumes = volumes
        self.jobs = jobs
        self.options = options
    }

    /// Checks everything and returns the report. Never throws: what cannot be opened or
    /// read is a finding that keeps the verdict from being ready.
    public func execute(tool: ToolInfo, startedAt: String, now: () -> String) -> PreflightReport {
        var vmFindings = MappingCheck.findings(inventory: inventory, assignments: targets, role: .target)
        let missing = Set(volumes?.notFound.map(\.key) ?? [])
        // A disk whose --volume is not attached is reported as such, not as unmapped.
        vmFindings.removeAll { $0.code == FindingCode.unmappedDisk && missing.contains(Self.key(of: $0) ?? "") }
        if let volumes {
            vmFindings += VolumeMapping.findings(volumes, inventory: inventory, notFoundSeverity: .error)
        }
        let blockedByMapping = vmFindings.contains { $0.severity.fails }

        let known = Set(inventory.disks.map(\.key))
        var disks: [PreflightDisk] = inventory.disks.map { disk in
            let assignment = targets.first { $0.key == disk.key }
            var entry = PreflightDisk(key: disk.key, label: disk.label, target: assignment?.target.redacted,
                                      targetIdentity: assignment?.target.identity, expectedBytes: disk.capacityBytes,
                                      state: .unreadable)
            if let resolution = volumes?.resolutions.first(where: { $0.key == disk.key }) {
                entry.volumeId = resolution.volumeID
                entry.link = resolution.link
                entry.resolvedPath = resolution.path
            }
            if assignment == nil {
                entry.reason = missing.contains(disk.key) ? "its volume is not attached" : "no target is mapped to it"
            } else if blockedByMapping {
                entry.reason = "the mapping blocks the copy; no volume was opened"
            }
            return entry
        }

        if !blockedByMapping {
            let work = disks.indices.compactMap { index -> (Int, TargetAssignment, SourceDisk)? in
                guard let assignment = targets.first(where: { $0.key == disks[index].key }), known.contains(assignment.key),
                      let disk = self.inventory.disks.first(where: { $0.key == assignment.key }) else { return nil }
                return (index, assignment, disk)
            }
            let inventory = self.inventory
            let options = self.options
            let entries = disks
            let results = BoundedThreads.map(count: work.count, jobs: jobs) { i in
                Self.check(work[i].1, disk: work[i].2, entry: entries[work[i].0], inventory: inventory, options: options)
            }
            for (i, item) in work.enumerated() { disks[item.0] = results[i] }
        }

        for i in disks.indices {
            let naming = vmFindings.filter { Verifier.names($0.evidence, key: disks[i].key) }
            let all = disks[i].findings + naming
            disks[i].verdict = all.contains { $0.severity.fails } ? .blocked
                : disks[i].state == .unreadable ? .inconclusive : .ready
        }
        let everything = vmFindings + disks.flatMap(\.findings)
        let verdict: PreflightVerdict = everything.contains { $0.severity.fails } ? .blocked
            : disks.contains { $0.state == .unreadable } ? .inconclusive : .ready
        return PreflightReport(tool: tool, startedAt: startedAt, finishedAt: now(), verdict: verdict, vm: inventory.vm,
                               disks: disks, findings: vmFindings, volumesOpened: !blockedByMapping)
    }

    private static func key(of finding: Finding) -> String? {
        if case .string(let key)? = finding.evidence["key"] { return key }
        return nil
    }

    /// Opens one target read-only and checks it.
    static func check(_ assignment: TargetAssignment, disk: SourceDisk, entry: PreflightDisk, inventory: Inventory,
                      options: VolumeOptions) -> PreflightDisk {
        var entry = entry
        let name = DiskContext.describe(disk)
        let volume: any Volume
        do {
            volume = try VolumeOpener.open(assignment.target, options: options)
        } catch {
            entry.reason = "could not be opened: \(error.description)"
            entry.findings.append(Finding(
                code: FindingCode.targetUnreachable, severity: .warning,
                message: "The volume of \(name) could not be opened: \(error.description). Nothing about it is checked; make it reachable and run preflight again before copying.",
                evidence: ["target": .string(assignment.target.redacted), "error": .string(error.description)]))
            return entry
        }
        defer { volume.close() }
        entry.actualBytes = volume.sizeBytes
        entry.findings += sizeFindings(volume.sizeBytes, disk: disk, name: name)

        if case .file(let path) = assignment.target {
            let uses = DeviceUse.uses(path: path)
            if !uses.isEmpty {
                entry.findings.append(Finding(
                    code: FindingCode.targetInUse, severity: .critical,
                    message: "The volume of \(name) is in use on this machine: \(uses.joined(separator: "; ")). Copying onto it would corrupt both the copy and what is using it; unmount, deactivate or detach it first, or correct the mapping if it is the wrong device.",
                    evidence: ["target": .string(assignment.target.redacted), "uses": .array(uses.map(JSONValue.string))]))
            }
        }
        if let refusal = VolumeWritability.refusal(of: volume) {
            entry.readOnly = true
            entry.findings.append(Finding(
                code: FindingCode.targetReadOnly, severity: .warning,
                message: "The volume of \(name) refuses writes: \(refusal). The copy will fail on it; attach or export it read-write before copying.",
                evidence: ["target": .string(assignment.target.redacted), "reason": .string(refusal)]))
        } else {
            entry.readOnly = false
        }

        let size = volume.sizeBytes
        let headLength = min(windowBytes, size)
        let tailLength = min(windowBytes, size)
        let head: [UInt8], tail: [UInt8]
        do {
            head = try volume.read(at: 0, count: Int(headLength))
            tail = try volume.read(at: size - tailLength, count: Int(tailLength))
        } catch {
            entry.reason = "its first and last MiB could not be read: \(error.description)"
            entry.findings.append(Finding(
                code: FindingCode.unreadableRegion, severity: .warning,
                message: "The first and last MiB of the volume of \(name) could not be read: \(error.description). Whether it is blank is not known.",
                evidence: ["target": .string(assignment.target.redacted), "error": .string(error.description)]))
            return entry
        }
        entry.head = window(head, at: 0)
        entry.tail = window(tail, at: size - tailLength)
        if entry.head!.allZero && entry.tail!.allZero {
            entry.state = .blank
            return entry
        }
        entry.state = .labelled
        let probe = try? DiskProber.probe(WindowVolume(of: volume, head: head, tail: tail))
        let carried = describe(probe, head: entry.head!, tail: entry.tail!, inventory: inventory, disk: disk)
        entry.carries = carried
        // Only the regions read completely inside the windows: what verify can compare.
        entry.regions = (probe?.regionsRead ?? []).filter { !$0.sha256.isEmpty }
        var evidence: [String: JSONValue] = [
            "target": .string(assignment.target.redacted),
            "labelType": .optional(carried.type),
            "diskId": .optional(carried.diskId),
            "impliedDiskBytes": carried.impliedDiskBytes.map { .number($0) } ?? .null,
            "matchesDisks": .array(carried.matchesDisks.map(JSONValue.string)),
            "signature": .optional(carried.signature),
            "headSHA256": .string(entry.head!.sha256),
            "tailSHA256": .string(entry.tail!.sha256),
            "headAllZero": .bool(entry.head!.allZero),
            "tailAllZero": .bool(entry.tail!.allZero),
        ]
        if let probe, let end = probe.witnesses.endGPT { evidence["endGPTDiskGUID"] = .string(end.diskGUID) }
        entry.findings.append(Finding(
            code: FindingCode.targetNotBlank, severity: .warning,
            message: "The volume of \(name) is not blank: it carries \(carried.description). The copy may not overwrite all of it; keep this report and give it to verify with --preflight, so that a leftover is not mistaken for the copy (or wipe the volume before copying).",
            evidence: evidence))
        return entry
    }

    /// `target-smaller-than-source` (critical, even one byte) or `target-larger-than-source` (info).
    static func sizeFindings(_ actual: UInt64, disk: SourceDisk, name: String) -> [Finding] {
        let expected = disk.capacityBytes
        var evidence: [String: JSONValue] = ["volumeBytes": .number(actual), "sourceCapacityBytes": .number(expected)]
        if actual < expected {
            let missing = expected - actual
            evidence["missingBytes"] = .number(missing)
            let gib: UInt64 = 1 << 30
            // A size computed by whole units and floored (a common migration-tool bug) says so.
            let rounding = [(gib, "GiB"), (1_000_000_000, "GB")].first { unit, _ in
                actual > 0 && actual % unit == 0 && expected % unit != 0 && expected / unit == actual / unit
            }.map { ": rounded down to whole \($0.1)" } ?? ""
            // When both sizes print alike ("10 GiB"), the exact byte counts tell them apart.
            let sizes = ByteSize.human(actual) == ByteSize.human(expected)
                ? "\(actual)-byte volume for a \(expected)-byte disk" : "\(ByteSize.human(actual)) volume for a \(ByteSize.human(expected)) disk"
            return [Finding(
                code: FindingCode.targetSmallerThanSource, severity: .critical,
                message: "\(sizes)\(rounding). The volume (\(actual) bytes) is \(missing) bytes (\(ByteSize.human(missing))) short of \(name) (\(expected) bytes): the copy would lose the disk's last \(ByteSize.human(missing)). Create a volume of at least \(expected) bytes (\(ByteSize.human(roundUp(expected, to: gib))) when sized in whole GiB).",
                evidence: evidence)]
        }
        if actual > expected {
            evidence["roundedUpBytes"] = .number(actual - expected)
            return [Finding(
                code: FindingCode.targetLargerThanSource, severity: .info,
                message: "The volume is \(ByteSize.human(actual - expected)) (\(actual - expected) bytes) larger than \(name), as when a volume is rounded up to whole GiB; the copy fits.",
                evidence: evidence)]
        }
        return []
    }

    static func roundUp(_ value: UInt64, to unit: UInt64) -> UInt64 { (value + unit - 1) / unit * unit }

    static func window(_ bytes: [UInt8], at offset: UInt64) -> PreflightWindow {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for byte in SHA256.hash(data: bytes) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return PreflightWindow(offset: offset, length: UInt64(bytes.count), sha256: String(decoding: hex, as: UTF8.self),
                               allZero: bytes.allSatisfy { $0 == 0 })
    }

    /// What the non-zero windows hold, in one sentence and as fields.
    static func describe(_ probe: ProbeResult?, head: PreflightWindow, tail: PreflightWindow, inventory: Inventory,
                         disk: SourceDisk) -> CarriedLabel {
        let table = probe?.partitionTable
        let type = table?.type ?? probe?.partitionTableSignature?.type
        let diskId = table?.diskId ?? probe?.partitionTableSignature?.uuid
        let implied = table?.impliedDiskBytes
        let signature = probe?.filesystem?.type
        let matches = implied.map { bytes in inventory.disks.filter { $0.capacityBytes == bytes }.map(\.key) } ?? []
        var parts: [String] = []
        if let type {
            var s = "a \(type == "dos" ? "DOS/MBR" : type.uppercased()) partition table"
            if let implied { s += " written for a \(ByteSize.human(implied)) disk (\(implied) bytes)" }
            if let diskId { s += ", disk identifier \(diskId)" }
            s += ", \(probe?.partitions.count ?? 0) partition\(probe?.partitions.count == 1 ? "" : "s")"
            parts.append(s)
            if implied != nil {
                if matches.isEmpty {
                    parts.append("no disk of VM \(inventory.vm.name) has that capacity")
                } else {
                    let names = matches.compactMap { key in inventory.disks.first { $0.key == key } }.map { d in
                        d.key == disk.key ? "\(DiskContext.describe(d)) itself (an earlier copy of this disk?)" : DiskContext.describe(d)
                    }
                    parts.append("that is the capacity of \(names.joined(separator: " and "))")
                }
            }
        }
        // A GPT header at the last LBA that is not the start's label's backup: what an
        // earlier, larger label leaves behind (README.md, stale-label-at-end).
        if let end = probe?.witnesses.endGPT, end.signatureValid {
            let primary = probe?.witnesses.primaryGPT.flatMap { $0.signatureValid ? $0.diskGUID : nil }
            if primary?.uppercased() != end.diskGUID.uppercased() {
                let written = (end.myLBA + 1) * UInt64(probe?.sectorSize ?? 512)
                parts.append("a GPT header at its last LBA \(end.lba) (disk GUID \(end.diskGUID), header CRC \(end.headerCRCValid ? "valid" : "invalid"), for a \(ByteSize.human(written)) disk)"
                    + (primary == nil ? " with no GPT at its start: a backup label left over from an earlier use"
                                      : ", not the backup of the label at its start: left over from an earlier use"))
            }
        }
        if let signature { parts.append("a \(signature) signature on the whole disk") }
        if parts.isEmpty {
            let where_ = [head.allZero ? nil : "first MiB", tail.allZero ? nil : "last MiB"].compactMap { $0 }
            parts.append("non-zero data in its \(where_.joined(separator: " and ")) but no partition table or signature that libfdisk or libblkid recognize")
        }
        return CarriedLabel(type: type, diskId: diskId, impliedDiskBytes: implied, matchesDisks: matches, signature: signature,
                            partitionCount: probe?.partitions.count ?? 0, description: parts.joined(separator: "; "))
    }
}
