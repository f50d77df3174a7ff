import AuditCore

/// The normalized source inventory: what every reader produces, whatever the format.
/// Its JSON form is the `inventory --format json` contract (DESIGN.md).
public struct Inventory: Codable, Sendable, Equatable {
    public var vm: VMIdentity
    public var disks: [SourceDisk]
    public var guestFilesystems: [GuestFilesystem]

    /// An inventory of `disks` for `vm`; guest filesystems only when VMware Tools reported them.
    public init(vm: VMIdentity, disks: [SourceDisk], guestFilesystems: [GuestFilesystem] = []) {
        self.vm = vm
        self.disks = disks
        self.guestFilesystems = guestFilesystems
    }

    /// The disk with `key`, if any.
    public func disk(_ key: String) -> SourceDisk? { disks.first { $0.key == key } }
}

/// Which VM the inventory describes, and in which format it was read.
public struct VMIdentity: Codable, Sendable, Equatable {
    public var name: String
    /// vSphere managed object reference, e.g. "vm-1234".
    public var moref: String?
    /// BIOS or instance UUID.
    public var uuid: String?
    /// "govc-vm-info", "govc-device-info", "vsphere-rest-api", "vsphere-rest-legacy", "ovf", "vmx", "manifest".
    public var format: String

    /// A VM identity; `format` is one of the identifiers listed on `format`.
    public init(name: String, moref: String? = nil, uuid: String? = nil, format: String) {
        self.name = name
        self.moref = moref
        self.uuid = uuid
        self.format = format
    }
}

/// One virtual disk of the source VM.
public struct SourceDisk: Codable, Sendable, Equatable {
    /// Device key as a string, e.g. "2000".
    public var key: String
    /// e.g. "Hard disk 1".
    public var label: String?
    public var capacityBytes: UInt64
    /// e.g. "[datastore1] pgtest1/pgtest1.vmdk".
    public var backingFile: String?
    /// The VMDK's disk UUID.
    public var uuid: String?
    /// e.g. "SCSI controller 0" or controller key "1000".
    public var controller: String?
    public var bus: Int?
    public var unit: Int?
    public var thin: Bool?
    /// An expected layout, when the manifest gives one.
    public var expectedLayout: ExpectedLayout?
    /// True when govc gave `capacityInBytes` as 0 or not at all (govc before vSphere 5.5
    /// fields), so the capacity is `capacityInKB × 1024`, rounded down to whole KiB (issue 21).
    public var capacityFromKB: Bool?

    /// A disk; only the key and the capacity are required.
    public init(key: String, label: String? = nil, capacityBytes: UInt64, backingFile: String? = nil,
                uuid: String? = nil, controller: String? = nil, bus: Int? = nil, unit: Int? = nil,
                thin: Bool? = nil, expectedLayout: ExpectedLayout? = nil) {
        self.key = key
        self.label = label
        self.capacityBytes = capacityBytes
        self.backingFile = backingFile
        self.uuid = uuid
        self.controller = controller
        self.bus = bus
        self.unit = unit
        self.thin = thin
        self.expectedLayout = expectedLayout
    }
}

/// A partition layout the manifest says a disk should have.
public struct ExpectedLayout: Codable, Sendable, Equatable {
    /// "gpt" or "dos".
    public var type: String?
    public var diskId: String?
    public var partitions: [ExpectedPartition]

    /// An expected layout with its partitions in table order.
    public init(type: String? = nil, diskId: String? = nil, partitions: [ExpectedPartition]) {
        self.type = type
        self.diskId = diskId
        self.partitions = partitions
    }
}

/// One expected partition.
public struct ExpectedPartition: Codable, Sendable, Equatable {
    public var number: Int
    public var startBytes: UInt64
    public var sizeBytes: UInt64
    public var uuid: String?
    public var filesystemUUID: String?

    /// An expected partition; offsets and sizes in bytes.
    public init(number: Int, startBytes: UInt64, sizeBytes: UInt64, uuid: String? = nil, filesystemUUID: String? = nil) {
        self.number = number
        self.startBytes = startBytes
        self.sizeBytes = sizeBytes
        self.uuid = uuid
        self.filesystemUUID = filesystemUUID
    }
}

/// A filesystem the guest reported (VMware Tools `guest.disk[]`).
public struct GuestFilesystem: Codable, Sendable, Equatable {
    public var path: String
    public var capacityBytes: UInt64
    public var freeBytes: UInt64?
    public var type: String?
    /// Device keys of the disks it lives on.
    public var diskKeys: [String]

    /// A guest filesystem and the keys of the disks it lives on.
    public init(path: String, capacityBytes: UInt64, freeBytes: UInt64? = nil, type: String? = nil, diskKeys: [String]) {
        self.path = path
        self.capacityBytes = capacityBytes
        self.freeBytes = freeBytes
        self.type = type
        self.diskKeys = diskKeys
    }
}

// The contract prints absent values as `null` (DESIGN.md, `inventory --format json`), where
// synthesized encoding would leave the member out.

extension VMIdentity {
    private enum CodingKeys: String, CodingKey { case name, moref, uuid, format }

    /// Encodes every member, absent ones as `null`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(moref, forKey: .moref)
        try container.encode(uuid, forKey: .uuid)
        try container.encode(format, forKey: .format)
    }
}

extension SourceDisk {
    private enum CodingKeys: String, CodingKey {
        case key, label, capacityBytes, backingFile, uuid, controller, bus, unit, thin, expectedLayout
    }

    /// Encodes every member, absent ones as `null`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(label, forKey: .label)
        try container.encode(capacityBytes, forKey: .capacityBytes)
        try container.encode(backingFile, forKey: .backingFile)
        try container.encode(uuid, forKey: .uuid)
        try container.encode(controller, forKey: .controller)
        try container.encode(bus, forKey: .bus)
        try container.encode(unit, forKey: .unit)
        try container.encode(thin, forKey: .thin)
        try container.encode(expectedLayout, forKey: .expectedLayout)
    }
}

extension GuestFilesystem {
    private enum CodingKeys: String, CodingKey { case path, capacityBytes, freeBytes, type, diskKeys }

    /// Encodes every member, absent ones as `null`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(capacityBytes, forKey: .capacityBytes)
        try container.encode(freeBytes, forKey: .freeBytes)
        try container.encode(type, forKey: .type)
        try container.encode(diskKeys, forKey: .diskKeys)
    }
}
