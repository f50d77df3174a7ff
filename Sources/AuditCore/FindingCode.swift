/// Every finding code the project emits, in one place: the probe's, the content check's,
/// the mapping's and the verifier's. All of them are part of the CLI
/// contract; never rename one. Each has an entry in `FindingCatalog` (default severity,
/// meaning, what to do), from which docs/CONTRACT.md's table is generated.
public enum FindingCode {
    // Each constant is the code itself; FindingCatalog gives the meaning and severity.
    public static let duplicateTarget = "duplicate-target"
    public static let unmappedDisk = "unmapped-disk"
    public static let unknownDisk = "unknown-disk"
    public static let targetUnreachable = "target-unreachable"
    public static let unreadableRegion = "unreadable-region"
    public static let targetSmallerThanSource = "target-smaller-than-source"
    public static let targetLargerThanSource = "target-larger-than-source"
    public static let labelSizedForOtherDisk = "label-sized-for-other-disk"
    public static let staleLabelAtEnd = "stale-label-at-end"
    public static let partitionBeyondSource = "partition-beyond-source"
    public static let duplicateIdentity = "duplicate-identity"
    public static let layoutMismatch = "layout-mismatch"
    public static let identityMismatch = "identity-mismatch"
    public static let guestFilesystemMissing = "guest-filesystem-missing"
    public static let contentMismatch = "content-mismatch"
    public static let notRead = "not-read"
    public static let sourceUnreadable = "source-unreadable"
    public static let labelMatchesSourceLabel = "label-matches-source-label"

    // Findings that need no inventory (DiskProbe's rules).
    public static let gptCRCInvalid = "gpt-crc-invalid"
    public static let gptHeaderMismatch = "gpt-header-mismatch"
    public static let gptBackupMisplaced = "gpt-backup-misplaced"
    public static let gptEntriesArrayInvalid = "gpt-entries-array-invalid"
    public static let labelSizeDiffersFromDevice = "label-size-differs-from-device"
    public static let partitionPastDeviceEnd = "partition-past-device-end"
    public static let partitionsOverlap = "partitions-overlap"
    public static let partitionReadersDisagree = "partition-readers-disagree"
    public static let mbrHybrid = "mbr-hybrid"
    public static let mbrProtectiveMalformed = "mbr-protective-malformed"
    public static let dosEBRChainBroken = "dos-ebr-chain-broken"
    public static let ambiguousSignature = "ambiguous-signature"

    // Issue 9 item 7: inventory disks an image copy does not cover (Verification's DiskBackingRule).
    public static let diskNotReplicatedByImage = "disk-not-replicated-by-image"
    public static let diskIndependentMode = "disk-independent-mode"
    // Issue 19: what the inventory assumed (Verification's InventoryAssumptionsRule).
    public static let ovfConfigurationAssumed = "ovf-configuration-assumed"
    public static let diskKeysDerived = "disk-keys-derived"
    // Issue 12: preflight (before the copy) and volumes found by their cloud volume ID.
    public static let volumeNotFound = "volume-not-found"
    public static let volumeAmbiguous = "volume-ambiguous"
    public static let volumeResolved = "volume-resolved"
    public static let targetNotBlank = "target-not-blank"
    public static let targetReadOnly = "target-read-only"
    public static let targetInUse = "target-in-use"
    // Issue 10 (verify): extended labels, contamination named from content, swaps that inventory alone cannot rule out.
    public static let labelExtendedToVolume = "label-extended-to-volume"
    public static let carriesOtherDisk = "carries-other-disk"
    public static let equalCapacitySwapPossible = "equal-capacity-swap-possible"
    // Issue 9 (probe): labels for another sector size, protective MBR without a GPT,
    // filesystems larger than their container.
    public static let labelSectorSizeMismatch = "label-sector-size-mismatch"
    public static let protectiveMBRWithoutGPT = "protective-mbr-without-gpt"
    public static let filesystemLargerThanContainer = "filesystem-larger-than-container"
    /// Issue 9: whether `finding` means "the label was not understood" — the partition
    /// readers disagree about a real table (warning or above): a disk with one never passes;
    /// at best it is inconclusive. The info form (libfdisk took a FAT/NTFS/exFAT boot sector
    /// or an Atari table for a label, and libblkid's answer was used) is understood.
    /// So is a volume that holds data and nothing recognisable (`volume-unrecognised`, warning),
    /// and one whose partitions all hold nothing (`volume-label-only`, warning).
    public static func notUnderstood(_ finding: Finding) -> Bool {
        [partitionReadersDisagree, volumeUnrecognised, volumeLabelOnly].contains(finding.code) && finding.severity >= .warning
    }
    // Issue 21 / issue 10 (multi-device guest storage, cloned disks, attribution from size
    // fields, a target that is its own source).
    /// A member identity (md device UUID, btrfs device UUID, PV UUID, ZFS vdev GUID) on two volumes (critical).
    public static let duplicateMember = "duplicate-member"
    /// The volumes that hold the members of one md array / btrfs / VG / pool (info).
    public static let multiDeviceSet = "multi-device-set"
    /// A member of a set is on none of the VM's volumes (warning).
    public static let multiDeviceMemberMissing = "multi-device-member-missing"
    /// A whole-disk PV / md / btrfs header records another disk's capacity (critical).
    public static let headerSizedForOtherDisk = "header-sized-for-other-disk"
    /// A target is the same volume as a source (critical, mapping: nothing is read).
    public static let targetIsSource = "target-is-source"
    /// GPT entries of a size other than 128 bytes: legal, but Linux rejects them (info).
    public static let gptEntrySizeNonstandard = "gpt-entry-size-nonstandard"
    // Issue 20: a prober's magic was read but the data it follows was not (info).
    public static let probeIncomplete = "probe-incomplete"
    // Issue 9.3: blank and half-written volumes.
    /// The volume holds no data at all (all holes or zeros).
    public static let volumeBlank = "volume-blank"
    /// The copy stopped part-way: the label promises data (partitions, a backup GPT header) past where the data ends.
    public static let copyIncomplete = "copy-incomplete"
    /// The volume holds data but no partition table and no signature: nothing on it could be
    /// checked (a wiped label, or raw data). Warning: the verdict is at best inconclusive.
    public static let volumeUnrecognised = "volume-unrecognised"
    /// The volume holds a partition table, and none of its partitions holds data or a
    /// signature: nothing beyond the label could be checked (a copy that wrote only the
    /// label, or a disk never formatted). Warning: the verdict is at best inconclusive.
    public static let volumeLabelOnly = "volume-label-only"
    /// The volume begins with an image container's header (qcow2, VMDK, …): the image file
    /// was written to it byte for byte, and a guest sees no disk (critical; info when the
    /// source begins with the same header).
    public static let imageContainerOnVolume = "image-container-on-volume"

    // Issue 14: canary disks (`verify --canary`; docs/CANARY.md). content-mismatch is reused for
    // overwritten or damaged canary blocks.
    /// A canary location of this volume holds another disk's canary block (critical).
    public static let contentFromOtherDisk = "content-from-other-disk"
    /// This disk's canary blocks sit at another offset than where they belong (error).
    public static let contentShifted = "content-shifted"
    /// Zeros or a hole where a canary block belongs (error).
    public static let contentNotWritten = "content-not-written"
    /// This disk's canary blocks in an older generation than the manifest's (error).
    public static let contentStale = "content-stale"

    /// Codes that mean "this could not be read": they make a verdict inconclusive rather
    /// than letting it pass.
    public static let unread: Set<String> = [targetUnreachable, unreadableRegion, notRead, sourceUnreadable]
}
