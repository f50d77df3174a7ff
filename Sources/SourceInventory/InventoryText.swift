import AuditCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `inventory --format text` rendering: what was understood, so a person can check it
/// before trusting a verdict built on it.
public enum InventoryText {
    /// Several lines: the VM, a table of disks, and the guest filesystems when known.
    public static func render(_ inventory: Inventory, file: String) -> String {
        let vm = inventory.vm
        let f = TerminalText.field
        let configuration = vm.ovfConfiguration.map { ", OVF configuration '\(f($0))'" } ?? ""
        var lines = ["VM \(f(vm.name))  (format \(vm.format)\(configuration), moref \(f(vm.moref ?? "-")), uuid \(f(vm.uuid ?? "-")))  from \(f(file))"]
        var rows = [["KEY", "LABEL", "CAPACITY", "BYTES", "CONTROLLER", "BUS:UNIT", "THIN", "BACKING", "DISK UUID", "NOTES"]]
        for disk in inventory.disks {
            rows.append([
                f(disk.key), f(disk.label ?? "-"), ByteSize.human(disk.capacityBytes), String(disk.capacityBytes),
                f(disk.controller ?? "-"),
                "\(disk.bus.map(String.init) ?? "-"):\(disk.unit.map(String.init) ?? "-")",
                disk.thin.map { $0 ? "thin" : "thick" } ?? "-",
                f(disk.backingFile ?? "-"), f(disk.uuid ?? "-"), f(notes(disk)),
            ])
        }
        if let deployment = inventory.ovfDeployment, let chosen = vm.ovfConfiguration {
            let others = deployment.configurations.filter { $0 != chosen }
            let how = deployment.chosenByOption ? "chosen with --ovf-configuration" : "the file's default, as no --ovf-configuration was given"
            lines.append("OVF configuration '\(chosen)' (\(how))\(others.isEmpty ? "" : "; the file also offers \(others.joined(separator: ", "))").")
        }
        lines.append("\(inventory.disks.count) disk\(inventory.disks.count == 1 ? "" : "s"):")
        lines += table(rows).map { "  " + $0 }
        if inventory.disks.contains(where: \.keyDerived) {
            lines.append("Keys marked \"key derived\" are not in the file: they were derived from each disk's controller type, bus and unit "
                + "as vSphere numbers disks (docs/INVENTORIES.md). Check them against the live VM (govc device.info) before mapping targets by key.")
        }
        for disk in inventory.disks {
            if let caveat = disk.replicationCaveat { lines.append("Disk \(disk.key) is \(caveat).") }
        }
        for disk in inventory.disks where disk.capacityFromKB == true {
            lines.append("warning: disk \(disk.key) has no capacityInBytes (0 or absent, as older govc prints it): its capacity "
                         + "is capacityInKB × 1024 = \(disk.capacityBytes) bytes, which rounds a size that is not a whole KiB down. "
                         + "A label up to 1023 bytes larger may be the disk's own; use a govc that prints capacityInBytes, "
                         + "or verify with sources.")
        }
        if !inventory.guestFilesystems.isEmpty {
            lines.append("Guest filesystems (VMware Tools):")
            var fsRows = [["PATH", "TYPE", "CAPACITY", "FREE", "DISKS"]]
            for fs in inventory.guestFilesystems {
                fsRows.append([f(fs.path), f(fs.type ?? "-"), ByteSize.human(fs.capacityBytes),
                               fs.freeBytes.map { ByteSize.human($0) } ?? "-",
                               fs.diskKeys.isEmpty ? "-" : f(fs.diskKeys.joined(separator: ","))])
            }
            lines += table(fsRows).map { "  " + $0 }
        }
        // Every untrusted field escaped for the terminal (README, "Output and untrusted text").
        return TerminalText.output(lines.joined(separator: "\n"))
    }

    /// "key derived; OVF name 'Harddisk core'; rdm-physical; independent_persistent".
    static func notes(_ disk: SourceDisk) -> String {
        var notes: [String] = []
        if disk.keyDerived { notes.append("key derived") }
        if let name = disk.elementName, name != disk.label { notes.append("OVF name '\(name)'") }
        if let kind = disk.backingKind, kind != .vmdk { notes.append(kind.rawValue) }
        if let mode = disk.diskMode, mode != "persistent" { notes.append(mode) }
        return notes.isEmpty ? "-" : notes.joined(separator: "; ")
    }

    private static func table(_ rows: [[String]]) -> [String] {
        guard let columns = rows.first?.count else { return [] }
        let widths = (0..<columns).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == columns - 1 ? cell : cell.padded(toLength: widths[index])
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
