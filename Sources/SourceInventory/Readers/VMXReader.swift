import Foundation

/// Reads a VMX and the VMDK descriptors it names (`scsi0:1.fileName = "pgtest1_1.vmdk"`,
/// resolved next to the VMX unless absolute).
///
/// A VMX has no device keys; they follow vSphere's numbering: SCSI 2000 + 16 × bus + unit,
/// IDE 3000 + 2 × bus + unit, SATA 15000 + 30 × bus + unit, NVMe 31000 + 15 × bus + unit
/// (pgtest1's scsi0:0 and scsi0:1 are 2000 and 2001). Labels are "Hard disk N" in key order.
/// CD-ROMs, absent devices (`present = "FALSE"`) and non-VMDK files are skipped.
enum VMXReader {
    private static let buses: [(prefix: String, base: Int, perBus: Int, label: String)] = [
        ("scsi", 2000, 16, "SCSI controller"), ("ide", 3000, 2, "IDE"),
        ("sata", 15000, 30, "SATA controller"), ("nvme", 31000, 15, "NVME controller"),
    ]

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
            if vmx["\(device).deviceType"]?.lowercased().contains("cdrom") == true { continue }
            guard setting.value.lowercased().hasSuffix(".vmdk") else { continue }
            let descriptorURL = setting.value.hasPrefix("/") ? URL(fileURLWithPath: setting.value)
                : directory.appendingPathComponent(setting.value)
            let descriptorBytes: [UInt8]
            do {
                descriptorBytes = try InventoryFile.text(try InventoryFile.read(path: descriptorURL.path))
            } catch {
                throw FieldError(fileField, "the VMDK descriptor \(descriptorURL.path): \(error.message)")
            }
            let descriptor = try VMDKDescriptorReader.read(descriptorBytes, field: fileField)
            found.append((slot.key, SourceDisk(
                key: String(slot.key), capacityBytes: descriptor.capacityBytes, backingFile: setting.value,
                uuid: descriptor.uuid, controller: slot.controller, bus: slot.bus, unit: slot.unit, thin: descriptor.thin)))
        }
        found.sort { $0.key < $1.key }
        var disks = found.map(\.disk)
        for index in disks.indices { disks[index].label = "Hard disk \(index + 1)" }
        try DiskKeys.checkUnique(disks, field: "fileName")
        let uuid = vmx["uuid.bios"].map(VMDKDescriptorReader.uuidText)
        return Inventory(vm: VMIdentity(name: name, uuid: uuid, format: InventoryFormat.vmx.identifier), disks: disks)
    }

    /// `scsi0:1` → key 2001, "SCSI controller 0", bus 0, unit 1.
    private static func slot(_ lowered: String) -> (key: Int, controller: String, bus: Int, unit: Int)? {
        for bus in buses where lowered.hasPrefix(bus.prefix) {
            let rest = lowered.dropFirst(bus.prefix.count).prefix { $0 != "." }
            let parts = rest.split(separator: ":")
            guard parts.count == 2, let number = Int(parts[0]), let unit = Int(parts[1]),
                  (0..<64).contains(number), (0..<bus.perBus).contains(unit) else { return nil }
            return (bus.base + bus.perBus * number + unit, "\(bus.label) \(number)", number, unit)
        }
        return nil
    }
}
