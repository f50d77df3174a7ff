/// What a finding code means: its default severity, a one-line summary and what a person
/// should do about it. The catalog is the single source of docs/CONTRACT.md's finding-code
/// table (`replica-audit findings --format markdown` prints it; a test compares) and of
/// `replica-audit findings`. Keyed by the `FindingCode` constants, which stay plain strings
/// so that findings built as `Finding(code: FindingCode.x, severity: …)` keep compiling.
public struct FindingDefinition: Sendable, Equatable {
    /// The code, one of `FindingCode`'s constants.
    public let code: String
    /// The severity a finding of this code has unless its rule says otherwise.
    public let defaultSeverity: Severity
    /// The severities the code can have, as docs/CONTRACT.md states them ("error / critical",
    /// "(inconclusive)" for codes that keep a verdict from passing without failing it).
    public let severities: String
    /// What the code means, in one line.
    public let summary: String
    /// What a person should do about it.
    public let action: String

    public init(_ code: String, _ defaultSeverity: Severity, severities: String? = nil, _ summary: String, _ action: String) {
        self.code = code
        self.defaultSeverity = defaultSeverity
        self.severities = severities ?? defaultSeverity.rawValue
        self.summary = summary
        self.action = action
    }
}

public enum FindingCatalog {
    /// Every code, in docs/CONTRACT.md's order. A `FindingCode` constant without an entry
    /// here fails ContractDocumentTests, naming the code.
    public static let all: [FindingDefinition] = [
        FindingDefinition(FindingCode.duplicateTarget, .critical,
                          "two disk keys map to the same target (checked before any volume is read)",
                          "Give each disk key its own target; both disks were probably written to one export."),
        FindingDefinition(FindingCode.unmappedDisk, .error,
                          "an inventory disk has no target",
                          "Map the disk to its target volume (--nbd-targets, --targets or --volume), or select the VM's disks correctly."),
        FindingDefinition(FindingCode.unknownDisk, .error,
                          "a target names a key the inventory does not have",
                          "Check the key against the inventory's disk keys (replica-audit inventory) and fix the mapping."),
        FindingDefinition(FindingCode.targetUnreachable, .warning, severities: "(inconclusive)",
                          "the target could not be opened",
                          "Check that the export or device is served and reachable, then verify again."),
        FindingDefinition(FindingCode.unreadableRegion, .warning, severities: "(inconclusive)",
                          "reads failed; the regions are listed",
                          "Check the storage or the NBD server for read errors, then verify again; the listed regions were not checked."),
        FindingDefinition(FindingCode.notRead, .info, severities: "(inconclusive)",
                          "the volume was deliberately not read (e.g. it shares its target with another key)",
                          "Resolve the reason given (e.g. a shared target), then verify the disk again."),
        FindingDefinition(FindingCode.sourceUnreadable, .warning,
                          "the source or baseline entry could not be used; layout and identity were not compared",
                          "Make the source or baseline entry readable and verify again; until then layout and identity are unchecked."),
        FindingDefinition(FindingCode.targetSmallerThanSource, .critical,
                          "the volume cannot hold its source disk",
                          "Re-create the target at least as large as the source disk and replicate again."),
        FindingDefinition(FindingCode.targetLargerThanSource, .info,
                          "the volume is larger than its source (how much)",
                          "Nothing to fix if the volume was sized up on purpose; the guest can grow into it."),
        FindingDefinition(FindingCode.labelSizedForOtherDisk, .critical,
                          "the label was written for a disk of another size",
                          "Treat the volume as contaminated: find which disk's label it carries and replicate the right disk to it."),
        FindingDefinition(FindingCode.labelMatchesSourceLabel, .info,
                          "the label's size differs from the inventory, as the source's own label does",
                          "Nothing to fix: the copy reproduces the source's own label faithfully."),
        FindingDefinition(FindingCode.staleLabelAtEnd, .warning,
                          "a second, different GPT header sits at the device's true end",
                          "Check whether the volume was reused or written by another disk's copy; wipe and replicate again if so."),
        FindingDefinition(FindingCode.partitionBeyondSource, .error,
                          "a partition ends past the source disk's capacity",
                          "Compare the layout with the source; the label was likely written for a larger disk."),
        FindingDefinition(FindingCode.partitionPastDeviceEnd, .critical,
                          "a partition ends past the volume's end",
                          "Do not boot the copy: the guest will fail to read past the end. Re-create the target at the right size and replicate again."),
        FindingDefinition(FindingCode.duplicateIdentity, .critical,
                          "two volumes share a disk GUID, MBR signature, partition GUID or filesystem UUID",
                          "Find which volume carries the other's data (see contamination) and replicate the wrong one again."),
        FindingDefinition(FindingCode.layoutMismatch, .critical,
                          "partitions differ from the source / baseline",
                          "Replicate the disk again: its partitions are not the source's."),
        FindingDefinition(FindingCode.identityMismatch, .critical,
                          "disk GUID / partition GUIDs / filesystem UUIDs differ from the source",
                          "Check that the right source disk was copied to this target; replicate again if not."),
        FindingDefinition(FindingCode.guestFilesystemMissing, .error, severities: "error / critical / warning",
                          "a guest filesystem the inventory attributes to the disk was not found (critical when it is on another disk's volume; warning when regions were unreadable)",
                          "Look for the filesystem on the other volumes (contamination) and replicate this disk again."),
        FindingDefinition(FindingCode.contentMismatch, .critical,
                          "sampled or full content differs from the source; with `--canary`: a canary location holds other data, a block whose HMAC does not hold, or a generation newer than the manifest's",
                          "Replicate the disk again; the listed regions differ from the source (or the canary's blocks were overwritten)."),
        FindingDefinition(FindingCode.gptCRCInvalid, .error,
                          "a GPT header or entry array fails its CRC32",
                          "Treat the label as damaged: replicate again, or repair it with sgdisk only if the source is gone."),
        FindingDefinition(FindingCode.gptHeaderMismatch, .error,
                          "primary and backup GPT headers disagree",
                          "Compare both headers with the source; one of them is stale or damaged."),
        FindingDefinition(FindingCode.gptBackupMisplaced, .warning,
                          "the backup header is not where the primary says",
                          "If the volume was grown on purpose, move the backup with sgdisk -e in the guest; otherwise check the copy."),
        FindingDefinition(FindingCode.gptEntriesArrayInvalid, .error,
                          "the entry array's count, size or location is impossible",
                          "Treat the label as damaged and replicate the disk again."),
        FindingDefinition(FindingCode.labelSizeDiffersFromDevice, .info,
                          "the label was written for another size than the volume's",
                          "Check that the label belongs to this volume's disk (see the size rules)."),
        FindingDefinition(FindingCode.partitionsOverlap, .error,
                          "two partitions share sectors",
                          "Treat the table as damaged; replicate the disk again."),
        FindingDefinition(FindingCode.partitionReadersDisagree, .info, severities: "info / warning",
                          "libfdisk and libblkid disagree about the table (info when libfdisk's \"DOS label\" is a boot sector or an Atari table; no finding is built on the rejected table; a disk with it never passes)",
                          "Inspect the volume (replica-audit inspect) and decide by hand which table is real; it never passes unattended."),
        FindingDefinition(FindingCode.mbrHybrid, .warning,
                          "a protective MBR also lists ordinary partitions",
                          "Check that the source uses a hybrid MBR too; otherwise the copy is not faithful."),
        FindingDefinition(FindingCode.mbrProtectiveMalformed, .warning,
                          "the protective MBR's 0xEE entry is malformed",
                          "Check the source's protective MBR; some firmware refuses a malformed one."),
        FindingDefinition(FindingCode.dosEBRChainBroken, .error,
                          "the extended partition's EBR chain loops or leaves the disk",
                          "Treat the logical partitions as damaged and replicate the disk again."),
        FindingDefinition(FindingCode.ambiguousSignature, .warning,
                          "libblkid found more than one signature at the same place",
                          "Inspect the volume and wipe the stale signature (wipefs) only after confirming which one the guest uses."),
        FindingDefinition(FindingCode.volumeNotFound, .error, severities: "error / (inconclusive)",
                          "no whole-disk link in the by-id directory matches a `--volume` ID (blocks preflight; verify leaves the disk unread)",
                          "Attach the volume to this machine or correct the --volume ID, then run again."),
        FindingDefinition(FindingCode.volumeAmbiguous, .error,
                          "a `--volume` ID matches several different devices (an input error: exit 2)",
                          "Give the volume's full ID so that it matches one device only."),
        FindingDefinition(FindingCode.volumeResolved, .info,
                          "the volume ID, the by-id link used and the resolved path of a `--volume`",
                          "Nothing to fix: it records which device the volume ID resolved to."),
        FindingDefinition(FindingCode.targetNotBlank, .warning,
                          "preflight: the target already carries a label, signature or data (what, for which disk size)",
                          "Make sure this is the intended target before copying; wipe it if its content is not needed."),
        FindingDefinition(FindingCode.targetInUse, .critical,
                          "preflight: the target is mounted, swap, held by LVM/md/dm-crypt, or (an image file) attached as a loop device on this machine",
                          "Unmount, deactivate or detach the target before copying to it."),
        FindingDefinition(FindingCode.targetReadOnly, .warning,
                          "preflight: the target refuses writes (NBD read-only export, read-only block device or file)",
                          "Make the target writable (export, device or file) before copying."),
        FindingDefinition(FindingCode.diskNotReplicatedByImage, .warning,
                          "the inventory says the disk is an RDM or a raw device: an image copy usually does not replicate it (VM-level, naming the disk)",
                          "Replicate the RDM or raw device by other means, or accept that it is not copied."),
        FindingDefinition(FindingCode.diskIndependentMode, .warning,
                          "an independent or non-persistent disk: snapshot-based replication skips it, or its changes are discarded",
                          "Check that the replication tool copies independent disks; snapshot-based tools skip them."),
        FindingDefinition(FindingCode.ovfConfigurationAssumed, .info,
                          "an OVF with several deployment options was read for its default configuration",
                          "Give --ovf-configuration if the VM was deployed with another option."),
        FindingDefinition(FindingCode.diskKeysDerived, .info,
                          "the inventory format has no device keys; they were derived as vSphere numbers disks (docs/INVENTORIES.md)",
                          "Check that the derived keys match the targets' disks (replica-audit inventory)."),
        FindingDefinition(FindingCode.labelExtendedToVolume, .info,
                          "the disk's own GPT was extended to the volume's end (`sgdisk -e`, growpart, cloud-init): a faithful copy",
                          "Nothing to fix: the guest's own label was extended to the larger volume."),
        FindingDefinition(FindingCode.carriesOtherDisk, .critical,
                          "the disk is named in a contamination entry and no other rule failed it: it never passes",
                          "Replicate the named disk again to its own target; this volume holds another disk's data."),
        FindingDefinition(FindingCode.equalCapacitySwapPossible, .info,
                          "disks of equal capacity passed on sizes alone; without sources or a baseline a swap between them cannot be ruled out",
                          "Verify with --sources or --baseline to rule out a swap between these disks."),
        FindingDefinition(FindingCode.labelSectorSizeMismatch, .critical, severities: "critical / info",
                          "the GPT was written for another logical sector size than the device's (critical on a block device or with `--sector-size`; info on NBD and image files, naming the size the guest needs)",
                          "Present the volume to the guest with the sector size the label was written for (see evidence)."),
        FindingDefinition(FindingCode.protectiveMBRWithoutGPT, .error,
                          "the MBR says a GPT follows, but no GPT header is at LBA 1 (512 or 4096) nor at the last LBA: the guest sees no partitions",
                          "Treat the copy as incomplete or damaged: the GPT headers are missing; replicate again."),
        FindingDefinition(FindingCode.filesystemLargerThanContainer, .critical, severities: "critical / warning",
                          "a filesystem, LUKS, PV, md, btrfs, ZFS or LDM (Windows dynamic disk PRIVHEAD) header claims more bytes than its partition or disk holds (evidence names the disk it would fit); critical in verify, and in inspect when the container is a partition; a warning in inspect for a whole-disk one, which may be a truncated image",
                          "Check which disk the filesystem belongs to (evidence names the size it fits) and replicate again."),
        FindingDefinition(FindingCode.duplicateMember, .critical,
                          "one member identity of a multi-device set (md device UUID and role, btrfs device UUID, PV UUID, ZFS vdev GUID, LDM disk GUID, DDF PD GUID, IMSM disk serial) is on two volumes",
                          "Replicate the disk whose volume carries the other's member again; the set would assemble wrongly."),
        FindingDefinition(FindingCode.multiDeviceSet, .info,
                          "which disks hold the members of one md array, btrfs filesystem, volume group, pool, Windows dynamic disk group, or DDF / IMSM RAID container",
                          "Nothing to fix: it lists which disks hold the set's members."),
        FindingDefinition(FindingCode.multiDeviceMemberMissing, .warning,
                          "a set counts more members than the VM's volumes hold",
                          "Check that every disk of the set was replicated and mapped."),
        FindingDefinition(FindingCode.headerSizedForOtherDisk, .critical,
                          "a whole-disk PV / md / btrfs / LDM header records exactly another disk's capacity",
                          "Treat the volume as contaminated by the disk of that capacity; replicate the right disk to it."),
        FindingDefinition(FindingCode.targetIsSource, .critical,
                          "a target is the same volume as a source (mapping: `verify` exits 2 before reading anything)",
                          "Give the destination volume as the target, never the source."),
        FindingDefinition(FindingCode.gptEntrySizeNonstandard, .info,
                          "GPT entries of a size other than 128 bytes: legal per UEFI, rejected by the Linux kernel",
                          "Expect Linux to ignore this label; check the source uses the same entry size."),
        FindingDefinition(FindingCode.probeIncomplete, .info,
                          "a UDF, BeFS, NTFS or DDF magic was read but the data its prober follows lay outside what was read",
                          "Inspect the volume with more read (replica-audit inspect) if that signature matters."),
        FindingDefinition(FindingCode.volumeBlank, .critical, severities: "critical / warning / info",
                          "the volume holds no data and no label (critical in verify; warning in inspect; info when its source is blank too)",
                          "Replicate the disk: nothing was written to this volume."),
        FindingDefinition(FindingCode.copyIncomplete, .critical,
                          "data stops at an offset, yet the label promises partitions or a backup GPT past it, or a filesystem's end structure (ext2/3/4's last backup superblock, XFS's last AG superblock, NTFS's backup boot sector) is missing past it, or a filesystem's structures read as zeros with data past them (regions never written; also inside LVM logical volumes), or partitions holding data on the source hold nothing here",
                          "Run the copy again to completion; the data stops part-way or has regions never written."),
        FindingDefinition(FindingCode.imageContainerOnVolume, .critical, severities: "critical / info",
                          "the volume begins with an image container's header (qcow2, VMDK, VHDX, VHD, VDI, QED, Parallels): the image file was written to it byte for byte, so a guest sees the container, not the disk; info when the source begins with the same header",
                          "Write the disk's content, not its image file: convert it (qemu-img convert -O raw) or copy through qemu-nbd / nbdcopy from the image, then verify again."),
        FindingDefinition(FindingCode.volumeUnrecognised, .warning, severities: "warning / info",
                          "the volume holds data but no partition table and no signature libblkid knows: nothing on it could be checked, so the verdict is at best inconclusive (a wiped label, or raw data); info when its source holds unrecognised data too",
                          "Compare the volume with its source (--nbd-sources, a --baseline, --content full); if its label was wiped, replicate the disk again."),
        FindingDefinition(FindingCode.volumeLabelOnly, .warning, severities: "warning / info",
                          "the volume holds a partition table, and none of its partitions holds data or a signature: nothing beyond the label could be checked, so the verdict is at best inconclusive (a copy that wrote only the label, or a disk never formatted); `inspect` reports it too; info when its source is the same",
                          "Verify with the source (--nbd-sources, a --baseline from capture) to tell a never-formatted disk from a copy that wrote only the label; replicate again if the source holds data."),
        // Issue 14: canary disks (docs/CANARY.md).
        FindingDefinition(FindingCode.contentFromOtherDisk, .critical,
                          "`--canary`: canary locations hold another disk's sealed blocks (which disk, the ranges, the extent of its image on the volume; also a contamination entry with evidence `canary-blocks`)",
                          "Treat the volume as contaminated by the named disk: replicate this disk again to its own target and check the named disk's target too."),
        FindingDefinition(FindingCode.contentShifted, .error,
                          "`--canary`: the disk's own blocks sit at another offset than where they belong (`shiftBytes`, count, ranges)",
                          "The copier wrote at the wrong offset (the shift is in the evidence): fix the offset handling and replicate again."),
        FindingDefinition(FindingCode.contentNotWritten, .error,
                          "`--canary`: zeros or a hole where a canary block belongs, or the location is past the volume's end (count, ranges)",
                          "The listed ranges were never written: run the copy again to completion (for an incremental sync, check the changed-block tracking)."),
        FindingDefinition(FindingCode.contentStale, .error,
                          "`--canary`: the disk's own blocks at their offsets, in an older generation than the manifest's (an incremental sync missed changed blocks; count, generations, ranges)",
                          "An incremental sync missed changed blocks: run a full sync, and check the tool's changed-block tracking."),
    ]

    private static let byCode: [String: FindingDefinition] = Dictionary(all.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })

    /// The entry for `code`, or nil for a code the catalog does not know.
    public static func entry(_ code: String) -> FindingDefinition? { byCode[code] }

    /// The default severity of `code`; `.warning` for a code the catalog does not know (a
    /// finding is never silently demoted to info).
    public static func defaultSeverity(of code: String) -> Severity { byCode[code]?.defaultSeverity ?? .warning }

    /// docs/CONTRACT.md's finding-code table, as Markdown.
    public static func markdownTable() -> String {
        var lines = ["| code | severity | meaning | what to do |", "|---|---|---|---|"]
        for entry in all {
            lines.append("| `\(entry.code)` | \(entry.severities) | \(cell(entry.summary)) | \(cell(entry.action)) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func cell(_ text: String) -> String { text.replacingEvery("|", with: "\\|") }
}

extension Finding {
    /// A finding with its code's default severity from `FindingCatalog`.
    public init(code: String, message: String, evidence: [String: JSONValue] = [:]) {
        self.init(code: code, severity: FindingCatalog.defaultSeverity(of: code), message: message, evidence: evidence)
    }

    /// The catalog's entry for this finding's code.
    public var definition: FindingDefinition? { FindingCatalog.entry(code) }
}
