import AuditCore
import Foundation

/// The `inventory --format text` rendering: what was understood, so a person can check it
/// before trusting a verdict built on it.
public enum InventoryText {
    /// Several lines: the VM, a table of disks, and the guest filesystems when known.
    public static func render(_ inventory: Inventory, file: String) -> String {
        let vm = inventory.vm
        let f = TerminalText.field
        var lines = ["VM \(f(vm.name))  (format \(vm.format), moref \(f(vm.moref ?? "-")), uuid \(f(vm.uuid ?? "-")))  from \(f(file))"]
        var rows = [["KEY", "LABEL", "CAPACITY", "BYTES", "CONTROLLER", "BUS:UNIT", "THIN", "BACKING", "DISK UUID"]]
        for disk in inventory.disks {
            rows.append([
                f(disk.key), f(disk.label ?? "-"), ByteSize.human(disk.capacityBytes), String(disk.capacityBytes),
                f(disk.controller ?? "-"),
                "\(disk.bus.map(String.init) ?? "-"):\(disk.unit.map(String.init) ?? "-")",
                disk.thin.map { $0 ? "thin" : "thick" } ?? "-",
                f(disk.backingFile ?? "-"), f(disk.uuid ?? "-"),
            ])
        }
        lines.append("\(inventory.disks.count) disk\(inventory.disks.count == 1 ? "" : "s"):")
        lines += table(rows).map { "  " + $0 }
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
