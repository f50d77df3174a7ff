import AuditCore
import Foundation

/// The `inventory --format text` rendering: what was understood, so a person can check it
/// before trusting a verdict built on it.
public enum InventoryText {
    /// Several lines: the VM, a table of disks, and the guest filesystems when known.
    public static func render(_ inventory: Inventory, file: String) -> String {
        let vm = inventory.vm
        var lines = ["VM \(vm.name)  (format \(vm.format), moref \(vm.moref ?? "-"), uuid \(vm.uuid ?? "-"))  from \(file)"]
        var rows = [["KEY", "LABEL", "CAPACITY", "BYTES", "CONTROLLER", "BUS:UNIT", "THIN", "BACKING", "DISK UUID"]]
        for disk in inventory.disks {
            rows.append([
                disk.key, disk.label ?? "-", ByteSize.human(disk.capacityBytes), String(disk.capacityBytes),
                disk.controller ?? "-",
                "\(disk.bus.map(String.init) ?? "-"):\(disk.unit.map(String.init) ?? "-")",
                disk.thin.map { $0 ? "thin" : "thick" } ?? "-",
                disk.backingFile ?? "-", disk.uuid ?? "-",
            ])
        }
        lines.append("\(inventory.disks.count) disk\(inventory.disks.count == 1 ? "" : "s"):")
        lines += table(rows).map { "  " + $0 }
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
                fsRows.append([fs.path, fs.type ?? "-", ByteSize.human(fs.capacityBytes),
                               fs.freeBytes.map { ByteSize.human($0) } ?? "-",
                               fs.diskKeys.isEmpty ? "-" : fs.diskKeys.joined(separator: ",")])
            }
            lines += table(fsRows).map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    private static func table(_ rows: [[String]]) -> [String] {
        guard let columns = rows.first?.count else { return [] }
        let widths = (0..<columns).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == columns - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
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
