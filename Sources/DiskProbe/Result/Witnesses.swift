import AuditCore

/// Raw structures read directly from the volume, not through libfdisk.
public struct Witnesses: Codable, Sendable, Equatable {
    public var mbr: MBRWitness?
    /// The GPT header at LBA 1.
    public var primaryGPT: GPTHeaderWitness?
    /// The header at the LBA the primary's AlternateLBA names (when inside the device); without
    /// a primary, at the LBA where the protective MBR says the disk ends.
    public var backupGPT: GPTHeaderWitness?
    /// Whatever GPT header sits at the device's true last LBA.
    public var endGPT: GPTHeaderWitness?
    /// LBAs of the DOS extended partition's EBRs, in chain order.
    public var extendedBootRecordLBAs: [UInt64]
    /// How the EBR chain ended: "end" when well formed, else "loop at LBA …", "link outside
    /// the extended partition to LBA …", "no valid EBR at LBA …", "link limit reached";
    /// nil without an extended partition.
    public var extendedChainEnding: String?

    /// Creates the value from its fields.
    public init(mbr: MBRWitness? = nil, primaryGPT: GPTHeaderWitness? = nil,
                backupGPT: GPTHeaderWitness? = nil, endGPT: GPTHeaderWitness? = nil,
                extendedBootRecordLBAs: [UInt64] = [], extendedChainEnding: String? = nil) {
        self.extendedBootRecordLBAs = extendedBootRecordLBAs
        self.extendedChainEnding = extendedChainEnding
        self.mbr = mbr
        self.primaryGPT = primaryGPT
        self.backupGPT = backupGPT
        self.endGPT = endGPT
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case mbr, primaryGPT, backupGPT, endGPT, extendedBootRecordLBAs, extendedChainEnding }

    /// Encodes every key, absent witnesses as `null`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeOrNull(mbr, forKey: .mbr)
        try c.encodeOrNull(primaryGPT, forKey: .primaryGPT)
        try c.encodeOrNull(backupGPT, forKey: .backupGPT)
        try c.encodeOrNull(endGPT, forKey: .endGPT)
        try c.encode(extendedBootRecordLBAs, forKey: .extendedBootRecordLBAs)
        try c.encodeOrNull(extendedChainEnding, forKey: .extendedChainEnding)
    }
}

/// The MBR in LBA 0 (protective or legacy).
public struct MBRWitness: Codable, Sendable, Equatable {
    /// 0x55AA at offset 510.
    public var bootSignatureValid: Bool
    /// The 32-bit disk signature at offset 440, as "0x1234abcd".
    public var diskSignature: String
    public var entries: [MBREntry]
    /// The size field (in sectors) of the 0xEE protective entry, when there is one.
    public var protectiveSizeLBA: UInt64?

    /// Creates the value from its fields.
    public init(bootSignatureValid: Bool, diskSignature: String, entries: [MBREntry], protectiveSizeLBA: UInt64? = nil) {
        self.bootSignatureValid = bootSignatureValid
        self.diskSignature = diskSignature
        self.entries = entries
        self.protectiveSizeLBA = protectiveSizeLBA
    }
}

/// One of the four MBR partition entries (empty entries are omitted).
public struct MBREntry: Codable, Sendable, Equatable {
    /// 1…4.
    public var index: Int
    public var bootable: Bool
    /// Type byte as "0x83".
    public var type: String
    public var startLBA: UInt64
    public var sectors: UInt64

    /// Creates the value from its fields.
    public init(index: Int, bootable: Bool, type: String, startLBA: UInt64, sectors: UInt64) {
        self.index = index
        self.bootable = bootable
        self.type = type
        self.startLBA = startLBA
        self.sectors = sectors
    }
}

/// A GPT header as found at one LBA, with its CRC checks.
public struct GPTHeaderWitness: Codable, Sendable, Equatable {
    /// Where it was read.
    public var lba: UInt64
    /// "EFI PART" present.
    public var signatureValid: Bool
    public var headerCRCValid: Bool
    /// CRC of the entry array the header names; nil when the array could not be read.
    public var entriesCRCValid: Bool?
    public var revision: String
    public var headerSize: UInt32
    public var diskGUID: String
    public var myLBA: UInt64
    public var alternateLBA: UInt64
    public var firstUsableLBA: UInt64
    public var lastUsableLBA: UInt64
    public var entriesLBA: UInt64
    public var entryCount: UInt32
    public var entrySize: UInt32
    /// SHA-256 of the header sector, so a finding can cite it.
    public var sha256: String
    /// The header CRC stored on disk and the one computed (nil when the header size is implausible).
    public var storedHeaderCRC32: UInt32?
    public var computedHeaderCRC32: UInt32?
    /// The entry array CRC stored in the header and the one computed over the array read.
    public var storedEntriesCRC32: UInt32?
    public var computedEntriesCRC32: UInt32?
    /// SHA-256 of the entry array read, when it was read.
    public var entriesSHA256: String?
    /// Why the entry array was not read (absurd size, outside the device, unreadable).
    public var entriesProblem: String?

    /// Creates the value from its fields.
    public init(lba: UInt64, signatureValid: Bool, headerCRCValid: Bool, entriesCRCValid: Bool?, revision: String,
                headerSize: UInt32, diskGUID: String, myLBA: UInt64, alternateLBA: UInt64, firstUsableLBA: UInt64,
                lastUsableLBA: UInt64, entriesLBA: UInt64, entryCount: UInt32, entrySize: UInt32, sha256: String,
                storedHeaderCRC32: UInt32? = nil, computedHeaderCRC32: UInt32? = nil,
                storedEntriesCRC32: UInt32? = nil, computedEntriesCRC32: UInt32? = nil,
                entriesSHA256: String? = nil, entriesProblem: String? = nil) {
        self.storedHeaderCRC32 = storedHeaderCRC32
        self.computedHeaderCRC32 = computedHeaderCRC32
        self.storedEntriesCRC32 = storedEntriesCRC32
        self.computedEntriesCRC32 = computedEntriesCRC32
        self.entriesSHA256 = entriesSHA256
        self.entriesProblem = entriesProblem
        self.lba = lba
        self.signatureValid = signatureValid
        self.headerCRCValid = headerCRCValid
        self.entriesCRCValid = entriesCRCValid
        self.revision = revision
        self.headerSize = headerSize
        self.diskGUID = diskGUID
        self.myLBA = myLBA
        self.alternateLBA = alternateLBA
        self.firstUsableLBA = firstUsableLBA
        self.lastUsableLBA = lastUsableLBA
        self.entriesLBA = entriesLBA
        self.entryCount = entryCount
        self.entrySize = entrySize
        self.sha256 = sha256
    }
}
