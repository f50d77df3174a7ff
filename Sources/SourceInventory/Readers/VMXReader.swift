#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads a VMX and the VMDK descriptors it names (`scsi0:1.fileName = "pgtest1_1.vmdk"`,
/// resolved next to the VMX unless absolute).
///
/// A VMX has no device keys; they are derived as vSphere numbers them (`VSphereKeys`: SCSI
/// 2000 + 16 × bus + unit, IDE 3000 + 2 × bus + unit, SATA 16000 + 30 × bus + unit, NVMe
/// 32000 + 15 × bus + unit; pgtest1's scsi0:0 and scsi0:1 are 2000 and 2001) and marked
/// `keyDerived`. Labels are "Hard disk N" in key order. CD-ROMs, absent devices
/// (`present = "FALSE"`, or on a controller that is not present) and non-VMDK files are
/// skipped; a disk slot with no documented key, or a hard-disk device backed by something
/// other than a VMDK, is refused.
///
/// The disk mode is `scsi0:1.mode` ("independent-persistent", …); the backing kind is a raw
/// device for `deviceType = "rawDisk"` or `"scsi-passthru"`, else what the descriptor's
/// `createType` says (an RDM for `vmfsRawDeviceMap` / `vmfsPassthroughRawDeviceMap`).
enum VMXReader {
    static func read(_ bytes: [UInt8], path: String, vm: String?) throws(FieldError) -> Inventory {
        let vmx = try VMXFile(String(decoding: bytes, as: UTF8.self))
        guard let name = vmx["displayName"] else { throw FieldError("displayName", "is missing") }
        try VMSelection.confirm(name: name, vm: vm, field: "displayName")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var found: [(key: Int, disk: SourceDisk)] = []
        for (lowered, setting) in vmx.settings.sorted(by: { $0.value.line < $1.value.line }) {
            guard lowered.hasSuffix(".filename"), let slot = slot(lowered) else { continue }
            let device = String(lowered.dropLast(".filename".count))
            let fileField = "\(device).fileName"
            if vmx["\(device).present"]?.uppercased() == "FALSE" { continue }
            // A disk on a controller that is not present is not part of the VM.
            if vmx["\(slot.kind.rawValue)\(slot.bus).present"]?.uppercased() == "FALSE" { continue }
            let deviceType = vmx["\(device).deviceType"]?.lowercased()
            if deviceType?.contains("cdrom") == true { continue }
            guard setting.value.lowercased().hasSuffix(".vmdk") else {
                // A device the VMX calls a disk must not vanish from the inventory unseen.
                if let deviceType, deviceType.contains("harddisk") || deviceType == "rawdisk" {
                    throw FieldError(fileField, "'\(setting.value)' backs a \(deviceType) device but is not a VMDK descriptor, so its capacity cannot be read; read the VM with govc vm.info -json or the vSphere REST API instead")
                }
                continue
            }
            let key = try VSphereKeys.diskKey(slot.kind, bus: slot.bus, unit: slot.unit, field: fileField)
            let descriptorURL = setting.value.hasPrefix("/") ? URL(fileURLWithPath: setting.value)
                : directory.appendingPathComponent(setting.value)
            let descriptorBytes: [UInt8]
            do {
                descriptorBytes = try InventoryFile.text(try InventoryFile.read(path: descriptorURL.path))
            } catch {
                throw FieldError(fileField, "the VMDK descriptor \(descriptorURL.path): \(error.message)")
            }
            let descriptor = try VMDKDescriptorReader.read(descriptorBytes, field: fileField)
            let rawDevice = deviceType == "rawdisk" || deviceType == "scsi-passthru"
            found.append((key, SourceDisk(
                key: String(key), capacityBytes: descriptor.capacityBytes, backingFile: setting.value,
                uuid: descriptor.uuid, controller: slot.kind.label(bus: slot.bus), bus: slot.bus, unit: slot.unit,
                thin: descriptor.thin, keyDerived: true,
                backingKind: rawDevice ? .rawDevice : descriptor.backingKind,
                diskMode: DiskModes.normalized(vmx["\(device).mode"]))))
        }
        found.sort { $0.key < $1.key }
        var disks = found.map(\.disk)
        for index in disks.indices { disks[index].label = "Hard disk \(index + 1)" }
        try DiskKeys.checkUnique(disks, field: "fileName")
        let uuid = vmx["uuid.bios"].map(VMDKDescriptorReader.uuidText)
        return Inventory(vm: VMIdentity(name: name, uuid: uuid, format: InventoryFormat.vmx.identifier), disks: disks)
    }

    /// `scsi0:1` → SCSI, bus 0, unit 1; nil for settings that are not a disk slot.
    private static func slot(_ lowered: String) -> (kind: ControllerKind, bus: Int, unit: Int)? {
        for kind in ControllerKind.allCases where lowered.hasPrefix(kind.rawValue) {
            let rest = lowered.dropFirst(kind.rawValue.count).prefix { $0 != "." }
            let parts = rest.split(separator: ":")
            guard parts.count == 2, let bus = Int(parts[0]), let unit = Int(parts[1]), bus >= 0, unit >= 0 else { return nil }
            return (kind, bus, unit)
        }
        return nil
    }
}
