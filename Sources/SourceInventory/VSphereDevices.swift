#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// The device keys and labels vSphere gives virtual disks, for the formats that carry none
/// (OVF, VMX). The rule and its sources are in docs/INVENTORIES.md ("Derived keys"):
///
/// | controller | disk keys                    | buses | units per bus |
/// |------------|------------------------------|-------|---------------|
/// | SCSI       | 2000 + 16 × bus + unit       | 0–3   | 0–15, not 7   |
/// | IDE        | 3000 + 2 × bus + unit        | 0–1   | 0–1           |
/// | SATA       | 16000 + 30 × bus + unit      | 0–3   | 0–29          |
/// | NVMe       | 32000 + 15 × bus + unit      | 0–3   | 0–14          |
///
/// A slot outside these ranges (e.g. a paravirtual SCSI unit above 15) has no documented
/// key: it is refused rather than guessed, so that a disk is never verified under a key the
/// live VM does not use.
public enum ControllerKind: String, Sendable, CaseIterable {
    case scsi, ide, sata, nvme

    /// The first disk key of this controller type.
    public var diskKeyBase: Int {
        switch self {
        case .scsi: 2000
        case .ide: 3000
        case .sata: 16000
        case .nvme: 32000
        }
    }

    /// How many units one controller of this type numbers in the key.
    public var unitsPerBus: Int {
        switch self {
        case .scsi: 16
        case .ide: 2
        case .sata: 30
        case .nvme: 15
        }
    }

    /// How many controllers of this type a VM may have.
    public var maximumBuses: Int { self == .ide ? 2 : 4 }

    /// vSphere's label for controller `bus`: "SCSI controller 0", "IDE 1", "SATA controller 0",
    /// "NVME controller 0".
    public func label(bus: Int) -> String {
        switch self {
        case .scsi: "SCSI controller \(bus)"
        case .ide: "IDE \(bus)"
        case .sata: "SATA controller \(bus)"
        case .nvme: "NVME controller \(bus)"
        }
    }

    /// The units a disk may use on one controller (SCSI unit 7 is the controller's own).
    public func isUsableUnit(_ unit: Int) -> Bool {
        (0..<unitsPerBus).contains(unit) && !(self == .scsi && unit == 7)
    }
}

enum VSphereKeys {
    /// The key vSphere gives a disk at `kind` `bus`:`unit`; refuses slots without a documented key.
    static func diskKey(_ kind: ControllerKind, bus: Int, unit: Int, field: String) throws(FieldError) -> Int {
        let slot = "\(kind.rawValue)\(bus):\(unit)"
        guard (0..<kind.maximumBuses).contains(bus) else {
            throw FieldError(field, "\(slot): a VM has \(kind.rawValue.uppercased()) buses 0 to \(kind.maximumBuses - 1) only")
        }
        guard kind.isUsableUnit(unit) else {
            throw FieldError(field, "\(slot): unit \(unit) has no documented vSphere disk key (units 0 to \(kind.unitsPerBus - 1)\(kind == .scsi ? ", not 7" : "")); read the VM with govc vm.info -json or the vSphere REST API, which give the real keys")
        }
        return kind.diskKeyBase + kind.unitsPerBus * bus + unit
    }

    /// "Hard disk 1", "Hard disk 2", … in key order, as vSphere labels the disks of an
    /// imported VM.
    static func labelInKeyOrder(_ disks: inout [SourceDisk]) {
        disks.sort { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }
        for index in disks.indices { disks[index].label = "Hard disk \(index + 1)" }
    }
}

/// vSphere's disk modes (`VirtualDiskMode`), from the API names and the VMX spellings.
enum DiskModes {
    /// "independent-persistent" (VMX) and "independent_persistent" (API) → "independent_persistent";
    /// a mode this reader does not know is kept as written, lower-cased.
    static func normalized(_ text: String?) -> String? {
        guard let text else { return nil }
        let lowered = text.trimmingWhitespace().lowercased().replacingEvery("-", with: "_")
        return lowered.isEmpty ? nil : lowered
    }
}
