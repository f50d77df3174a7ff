import AuditCore
import DiskProbe
import SourceInventory
import Verification
import XCTest

/// Issue 10: the contamination list and the verdicts never contradict, over every
/// combination of what three disks' volumes can hold — own copies (exact, rounded up,
/// extended with sgdisk -e or growpart), another disk's label, a vSphere-grown label, a blank
/// or unreadable volume — with and without sources.
final class VerdictInvariantPropertyTests: XCTestCase {
    static let gib = ProbeValues.gib
    static let mib: UInt64 = 1 << 20
    static let disks = [SourceDisk(key: "2000", label: "Hard disk 1", capacityBytes: 10 * gib),
                        SourceDisk(key: "2001", label: "Hard disk 2", capacityBytes: 20 * gib),
                        SourceDisk(key: "2002", label: "Hard disk 3", capacityBytes: 30 * gib)]
    static let inventory = Inventory(vm: VMIdentity(name: "prop1", format: "govc-vm-info"), disks: disks)

    /// Disk `key`'s own label (written for `labelBytes`), on a volume of `volumeBytes`.
    static func label(_ key: String, labelBytes: UInt64, volumeBytes: UInt64, grownLast: Bool = false) -> ProbeResult {
        let p2Start = 2 * gib
        let p2Size = grownLast ? labelBytes - p2Start - 33 * 512 : 4 * gib
        return ProbeValues.gpt(volumeBytes: volumeBytes, labelBytes: labelBytes, guid: "\(key)-disk",
                               partitions: [(mib, gib, "\(key)-p1", "\(key)-fs1"), (p2Start, p2Size, "\(key)-p2", "\(key)-fs2")])
    }

    enum Holds: CaseIterable {
        case own, rounded, extended, growpart, vsphereGrown, otherDisk, otherDiskOnItsSize, blank, unreadable
    }

    /// What the volume of `disk` holds in variant `holds` (nil: not read), and its source.
    static func volume(_ disk: SourceDisk, _ holds: Holds) -> (ProbeResult?, ProbeResult) {
        let cap = disk.capacityBytes
        let other = disks.first { $0.key != disk.key && $0.capacityBytes != cap } ?? disks[0]
        let source = holds == .vsphereGrown ? label(disk.key, labelBytes: cap - 2 * gib, volumeBytes: cap)
                                            : label(disk.key, labelBytes: cap, volumeBytes: cap)
        switch holds {
        case .own: return (label(disk.key, labelBytes: cap, volumeBytes: cap), source)
        case .rounded: return (label(disk.key, labelBytes: cap, volumeBytes: cap + gib / 2), source)
        case .extended: return (label(disk.key, labelBytes: cap + 10 * gib, volumeBytes: cap + 10 * gib), source)
        case .growpart: return (label(disk.key, labelBytes: cap + 10 * gib, volumeBytes: cap + 10 * gib, grownLast: true), source)
        case .vsphereGrown: return (label(disk.key, labelBytes: cap - 2 * gib, volumeBytes: cap), source)
        case .otherDisk:
            return (label(other.key, labelBytes: other.capacityBytes, volumeBytes: max(cap, other.capacityBytes)), source)
        case .otherDiskOnItsSize:
            return (label(other.key, labelBytes: other.capacityBytes, volumeBytes: other.capacityBytes + cap), source)
        case .blank: return (ProbeResult(target: "blank-\(disk.key)", sizeBytes: cap, sectorSize: 512, partitionTable: nil,
                                         partitions: [], witnesses: Witnesses()), source)
        case .unreadable: return (nil, source)
        }
    }

    func testNoReportContradictsItself() {
        var reports = 0
        for a in Holds.allCases {
            for b in Holds.allCases {
                for c in [Holds.own, .extended, .otherDisk, .unreadable] {
                    for withSources in [false, true] {
                        var volumes: [String: VolumeObservation] = [:]
                        var references: [String: ProbeResult] = [:]
                        for (disk, holds) in zip(Self.disks, [a, b, c]) {
                            let (probe, source) = Self.volume(disk, holds)
                            volumes[disk.key] = probe.map { VolumeObservation(target: "t\(disk.key)", targetIdentity: "t\(disk.key)",
                                                                              outcome: .probed($0)) }
                                ?? VolumeObservation(target: "t\(disk.key)", targetIdentity: "t\(disk.key)",
                                                     outcome: .unreachable(message: "refused"))
                            if withSources { references[disk.key] = source }
                        }
                        let report = Verifier.verify(
                            VerificationInput(inventory: Self.inventory, volumes: volumes, references: references,
                                              referenceKind: withSources ? .sources : .none),
                            tool: ToolInfo(version: "test"), startedAt: "s", finishedAt: "f")
                        reports += 1
                        let scenario = "\(a), \(b), \(c), sources: \(withSources)"
                        for entry in report.contamination {
                            XCTAssertEqual(report.disk(entry.disk)?.verdict, .fail, "\(scenario): \(entry)")
                        }
                        for disk in report.disks where disk.verdict == .fail {
                            XCTAssertTrue(disk.findings.contains { $0.severity.fails }, "\(scenario): disk \(disk.key)")
                        }
                        XCTAssertGreaterThanOrEqual(report.verdict, report.disks.map(\.verdict).max() ?? .pass, scenario)
                        // Faithful volumes (own, rounded, extended, growpart, grown in vSphere) are never named, with sources.
                        for (disk, holds) in zip(Self.disks, [a, b, c])
                        where [.own, .rounded, .extended, .growpart, .vsphereGrown].contains(holds) && withSources {
                            XCTAssertFalse(report.contamination.contains { $0.disk == disk.key }, "\(scenario): \(disk.key)")
                            XCTAssertFalse(report.disk(disk.key)?.findings.contains { $0.code == "label-sized-for-other-disk" } ?? true,
                                           "\(scenario): \(disk.key)")
                        }
                    }
                }
            }
        }
        XCTAssertEqual(reports, 9 * 9 * 4 * 2)
    }
}
