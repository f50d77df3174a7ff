import AuditCore
import DiskProbe
import Verification

/// An inline SVG map of one disk: the source layout above the destination volume's layout,
/// drawn to one scale, so a 10 GiB layout on a 115 GiB volume shows at a glance. Marks
/// where the label says its disk ends and any stale header at the volume's end.
public enum DiskMapSVG {
    static let width = 760.0
    static let left = 90.0
    static let barHeight = 26.0

    /// The `<svg>` element for `disk`.
    public static func render(_ disk: DiskReport, carries: String?) -> String {
        let implied = disk.probe?.partitionTable?.impliedDiskBytes
        let scale = max(disk.expectedBytes, disk.actualBytes ?? 0, implied ?? 0, disk.reference?.sizeBytes ?? 0, 1)
        let barWidth = width - left - 10
        func x(_ bytes: UInt64) -> Double { left + Double(bytes) / Double(scale) * barWidth }
        func w(_ bytes: UInt64) -> Double { max(2, Double(bytes) / Double(scale) * barWidth) }

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"diskmap\" width=\"\(Int(width))\" height=\"150\" "
            + "viewBox=\"0 0 \(Int(width)) 150\" role=\"img\" aria-label=\"\(Markup.escape("layout of \(disk.described)"))\">\n"
        // Source row.
        let sourceY = 18.0
        svg += label("source", y: sourceY)
        let sourceBytes = disk.reference?.sizeBytes ?? disk.expectedBytes
        svg += rect(x: left, y: sourceY, w: w(sourceBytes), h: barHeight, cls: "disk")
        if let reference = disk.reference {
            for p in reference.partitions { svg += partition(p, x: x(p.startBytes), w: w(p.sizeBytes), y: sourceY, cls: "part own") }
        }
        let sourceText = disk.reference == nil
            ? "\(ByteSize.human(disk.expectedBytes)) in the inventory (no source layout read)"
            : "\(ByteSize.human(sourceBytes)) source, \(disk.reference?.partitions.count ?? 0) partitions"
        svg += text(sourceText, x: left, y: sourceY + barHeight + 13)

        // Destination row.
        let volumeY = 78.0
        svg += label("volume", y: volumeY)
        if let probe = disk.probe {
            svg += rect(x: left, y: volumeY, w: w(probe.sizeBytes), h: barHeight, cls: "disk")
            let cls = carries == nil ? "part own" : "part foreign"
            for p in probe.partitions { svg += partition(p, x: x(p.startBytes), w: w(p.sizeBytes), y: volumeY, cls: cls) }
            if let implied, implied != disk.expectedBytes {
                let mx = x(implied)
                svg += "<line class=\"implied\" x1=\"\(f(mx))\" y1=\"\(f(volumeY - 6))\" x2=\"\(f(mx))\" y2=\"\(f(volumeY + barHeight + 6))\"/>\n"
            }
            if probe.witnesses.endGPT?.signatureValid == true, disk.findings.contains(where: { $0.code == FindingCode.staleLabelAtEnd }) {
                svg += rect(x: x(probe.sizeBytes) - 3, y: volumeY - 4, w: 3, h: barHeight + 8, cls: "stale")
            }
            var caption = "\(ByteSize.human(probe.sizeBytes)) volume"
            if let implied { caption += "; its label was written for a \(ByteSize.human(implied)) disk" }
            if let carries { caption += " (disk \(carries)'s)" }
            svg += text(caption, x: left, y: volumeY + barHeight + 13)
        } else {
            svg += rect(x: left, y: volumeY, w: w(disk.expectedBytes), h: barHeight, cls: "unread")
            svg += text("not read", x: left + 6, y: volumeY + 17)
        }
        svg += "</svg>"
        return svg
    }

    static func f(_ v: Double) -> String { String(Int((v * 10).rounded())) .withDecimal }

    static func rect(x: Double, y: Double, w: Double, h: Double, cls: String) -> String {
        "<rect class=\"\(cls)\" x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(h))\"/>\n"
    }

    static func partition(_ p: Partition, x: Double, w: Double, y: Double, cls: String) -> String {
        let name = "partition \(p.number): \(ByteSize.human(p.sizeBytes)) at \(p.startBytes)"
            + (p.filesystem.map { ", \($0.type) \($0.uuid ?? "")" } ?? "")
        return "<rect class=\"\(cls)\" x=\"\(f(x))\" y=\"\(f(y + 3))\" width=\"\(f(w))\" height=\"\(f(barHeight - 6))\">"
            + "<title>\(Markup.escape(name))</title></rect>\n"
    }

    static func label(_ s: String, y: Double) -> String {
        "<text class=\"rowlabel\" x=\"4\" y=\"\(f(y + 17))\">\(Markup.escape(s))</text>\n"
    }

    static func text(_ s: String, x: Double, y: Double) -> String {
        "<text class=\"caption\" x=\"\(f(x))\" y=\"\(f(y))\">\(Markup.escape(s))</text>\n"
    }
}

extension String {
    /// "1234" (tenths) → "123.4".
    fileprivate var withDecimal: String {
        let negative = hasPrefix("-")
        let digits = negative ? String(dropFirst()) : self
        let padded = digits.count < 2 ? String(repeating: "0", count: 2 - digits.count) + digits : digits
        return (negative ? "-" : "") + padded.dropLast() + "." + padded.suffix(1)
    }
}
