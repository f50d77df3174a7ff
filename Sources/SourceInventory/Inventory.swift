import AuditCore

/// The normalized source inventory: what every reader produces, whatever the format.
/// Its JSON form is the `inventory --format json` contract (docs/CONTRACT.md).
public struct Inventory: Codable, Sendable, Equatable {
    public var vm: VMIdentity
    public var disks: [SourceDisk]
    public var guestFilesystems: [GuestFilesystem]
    /// For an OVF with a DeploymentOptionSection: the configurations it offers and how the
    /// one read (`vm.ovfConfiguration`) was chosen. Absent (not `null`) otherwise.
    public var ovfDeployment: OVFDeployment?

    /// An inventory of `disks` for `vm`; guest filesystems only when VMware Tools reported them.
    public init(vm: VMIdentity, disks: [SourceDisk], guestFilesystems: [GuestFilesystem] = [],
                ovfDeployment: OVFDeployment? = nil) {
        self.vm = vm
        self.disks = disks
        self.guestFilesystems = guestFilesystems
        self.ovfDeployment = ovfDeployment
    }

    /// The disk with `key`, if any.
    public func disk(_ key: String) -> SourceDisk? { disks.first { $0.key == key } }
}

/// The deployment options of an OVF and how the one read was chosen.
public struct OVFDeployment: Codable, Sendable, Equatable {
    /// Every `Configuration ovf:id`, in document order.
    public var configurations: [String]
    /// The one marked `ovf:default="true"`, else the first.
    public var defaultConfiguration: String
    /// True when `--ovf-configuration` chose it, false when the default was assumed.
    public var chosenByOption: Bool

    /// The options of one OVF.
    public init(configurations: [String], defaultConfiguration: String, chosenByOption: Bool) {
        self.configurations = configurations
        self.defaultConfiguration = defaultConfiguration
        self.chosenByOption = chosenByOption
    }
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
    /// The OVF deployment option (DeploymentOptionSection `Configuration ovf:id`) whose disks
    /// were read; nil for other formats and for an OVF without deployment options.
    public var ovfConfiguration: String?

    /// A VM identity; `format` is one of the identifiers listed on `format`.
    public init(name: String, moref: String? = nil, uuid: String? = nil, format: String, ovfConfiguration: String? = nil) {
        self.name = name
        self.moref = moref
        self.uuid = uuid
        self.format = format
        self.ovfConfiguration = ovfConfiguration
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
    /// True when the file carries no device key and `key` was derived from the controller type,
    /// bus and unit the way vSphere numbers disks (OVF, VMX; see docs/INVENTORIES.md).
    public var keyDerived: Bool
    /// The name the file gives the disk when `label` is the one vSphere would show instead
    /// (an OVF Item's `ElementName`, e.g. "Harddisk core").
    public var elementName: String?
    /// What backs the disk when the file says: see `DiskBackingKind`.
    public var backingKind: DiskBackingKind?
    /// vSphere's disk mode when the file says: "persistent", "independent_persistent",
    /// "independent_nonpersistent", "nonpersistent", "undoable" or "append".
    public var diskMode: String?
    /// True when govc gave `capacityInBytes` as 0 or not at all (govc before vSphere 5.5
    /// fields), so the capacity is `capacityInKB × 1024`, rounded down to whole KiB (issue 21).
    public var capacityFromKB: Bool?

    /// A disk; only the key and the capacity are required.
    public init(key: String, label: String? = nil, capacityBytes: UInt64, backingFile: String? = nil,
                uuid: String? = nil, controller: String? = nil, bus: Int? = nil, unit: Int? = nil,
                thin: Bool? = nil, expectedLayout: ExpectedLayout? = nil, keyDerived: Bool = false,
                elementName: String? = nil, backingKind: DiskBackingKind? = nil, diskMode: String? = nil) {
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
        self.keyDerived = keyDerived
        self.elementName = elementName
        self.backingKind = backingKind
        self.diskMode = diskMode
    }

    /// Whether an image copy of the VM's disks would usually not carry this disk as it is in
    /// vSphere: an RDM or raw device (the data is on a LUN, not in a VMDK), or an independent
    /// or non-persistent disk (left out of snapshots, or its changes discarded).
    public var replicationCaveat: String? {
        switch backingKind {
        case .rdmPhysical:
            return "a raw device mapping in physical compatibility mode: its data lives on a SAN LUN, not in a VMDK, and snapshot-based image copies do not read it"
        case .rdmVirtual:
            return "a raw device mapping in virtual compatibility mode: its data lives on a SAN LUN, not in a VMDK, so an image copy may not have replicated it"
        case .rawDevice:
            return "backed by a raw host device, not a VMDK, so an image copy usually does not replicate it"
        default:
            break
        }
        switch diskMode {
        case "independent_persistent":
            return "an independent disk: vSphere leaves it out of snapshots, so snapshot-based (CBT) replication usually skips it"
        case "independent_nonpersistent":
            return "an independent non-persistent disk: its changes are discarded at power-off and it is left out of snapshots, so a copy holds the base disk at best"
        case "nonpersistent", "undoable", "append":
            return "in \(diskMode ?? "") mode: changes made while the VM runs may be discarded or kept in a redo log, so a copy of the base disk may not hold them"
        default:
            return nil
        }
    }
}

/// What backs a virtual disk, as far as the inventory file says.
public enum DiskBackingKind: String, Codable, Sendable, Equatable {
    /// A VMDK file (flat, sparse, SE sparse, vSAN/vVol object): what an image copy reads.
    case vmdk
    /// A raw device mapping in physical compatibility mode (pass-through SCSI).
    case rdmPhysical = "rdm-physical"
    /// A raw device mapping in virtual compatibility mode.
    case rdmVirtual = "rdm-virtual"
    /// A host device or partition given to the VM directly (`deviceType = "rawDisk"`,
    /// `scsi-passthru`, or a raw-disk backing).
    case rawDevice = "raw-device"
    /// Some other backing the readers do not classify (e.g. a REST backing type other than VMDK_FILE).
    case other
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

// The contract prints absent values as `null` (docs/CONTRACT.md, `inventory --format json`), where
// synthesized encoding would leave the member out.

extension VMIdentity {
    private enum CodingKeys: String, CodingKey, CaseIterable { case name, moref, uuid, format, ovfConfiguration }

    /// Encodes every member, absent ones as `null`; `ovfConfiguration` only for an OVF with
    /// deployment options.
    public func encode(to encoder: Encoder) throws {
        try NullEncoding.encode(self, keys: CodingKeys.self, to: encoder, omittingNil: ["ovfConfiguration"])
    }
}

extension SourceDisk {
    private enum CodingKeys: String, CodingKey, CaseIterable {
        case key, label, capacityBytes, backingFile, uuid, controller, bus, unit, thin, expectedLayout
        case keyDerived, elementName, backingKind, diskMode, capacityFromKB
    }

    /// Decodes the `inventory --format json` shape; `keyDerived` is false when absent.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            key: try container.decode(String.self, forKey: .key),
            label: try container.decodeIfPresent(String.self, forKey: .label),
            capacityBytes: try container.decode(UInt64.self, forKey: .capacityBytes),
            backingFile: try container.decodeIfPresent(String.self, forKey: .backingFile),
            uuid: try container.decodeIfPresent(String.self, forKey: .uuid),
            controller: try container.decodeIfPresent(String.self, forKey: .controller),
            bus: try container.decodeIfPresent(Int.self, forKey: .bus),
            unit: try container.decodeIfPresent(Int.self, forKey: .unit),
            thin: try container.decodeIfPresent(Bool.self, forKey: .thin),
            expectedLayout: try container.decodeIfPresent(ExpectedLayout.self, forKey: .expectedLayout),
            keyDerived: try container.decodeIfPresent(Bool.self, forKey: .keyDerived) ?? false,
            elementName: try container.decodeIfPresent(String.self, forKey: .elementName),
            backingKind: try container.decodeIfPresent(DiskBackingKind.self, forKey: .backingKind),
            diskMode: try container.decodeIfPresent(String.self, forKey: .diskMode))
        capacityFromKB = try container.decodeIfPresent(Bool.self, forKey: .capacityFromKB)
    }

    /// Encodes every member, absent ones as `null`.
    public func encode(to encoder: Encoder) throws {
        try NullEncoding.encode(self, keys: CodingKeys.self, to: encoder, omittingNil: ["capacityFromKB"])
    }
}

extension GuestFilesystem {
    private enum CodingKeys: String, CodingKey, CaseIterable { case path, capacityBytes, freeBytes, type, diskKeys }

    /// Encodes every member, absent ones as `null`.
    public func encode(to encoder: Encoder) throws {
        try NullEncoding.encode(self, keys: CodingKeys.self, to: encoder)
    }
}
