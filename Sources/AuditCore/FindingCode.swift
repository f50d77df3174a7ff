/// Every finding code the project emits, in one place: the probe's, the content check's,
/// the mapping's and the verifier's. The ones in DESIGN.md's table are part of the CLI
/// contract; never rename one. The README lists each with its severity.
public enum FindingCode {
    // Each constant is the code itself; DESIGN.md's table gives the meaning and severity.
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

    // Issue 9.3: blank and half-written volumes.
    /// The volume holds no data at all (all holes or zeros).
    public static let volumeBlank = "volume-blank"
    /// The copy stopped part-way: the label promises data (partitions, a backup GPT header) past where the data ends.
    public static let copyIncomplete = "copy-incomplete"

    /// Codes that mean "this could not be read": they make a verdict inconclusive rather
    /// than letting it pass.
    public static let unread: Set<String> = [targetUnreachable, unreadableRegion, notRead, sourceUnreadable]
}
