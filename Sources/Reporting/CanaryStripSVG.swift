import AuditCore
import Canary
import Verification

/// Issue 14: per disk, an inline SVG strip of its volume showing what `verify --canary`
/// found at every canary location (docs/CANARY.md): its own blocks, each other disk's blocks
/// in a colour of their own, shifted, stale, not written, mismatched. Drawn to the scale of
/// the disk map above it (DiskMapSVG).
public enum CanaryStripSVG {
    static let width = DiskMapSVG.width
    static let left = DiskMapSVG.left
    static let palette = ["#d9534f", "#8e44ad", "#16a085", "#d35400", "#2c3e50", "#c0392b"]

    /// The colour of each other disk's blocks: by the disk's position in the report.
    static func colour(of disk: String, in report: VerificationReport) -> String {
        let index = report.disks.firstIndex { $0.key == disk } ?? 0
        return palette[index % palette.count]
    }

    /// The `<svg>` strip and its legend for `result`, the canary scan of `disk`.
    public static func render(_ result: CanaryDiskResult, disk: DiskReport, in report: VerificationReport) -> String {
        let scale = max(result.volumeBytes, disk.expectedBytes, 1)
        let barWidth = width - left - 10
        let y = 10.0, h = 22.0
        func x(_ bytes: UInt64) -> Double { left + Double(bytes) / Double(scale) * barWidth }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"canarystrip\" style=\"display:block;max-width:100%;height:auto;margin:2px 0\" width=\"\(Int(width))\" height=\"56\" "
            + "viewBox=\"0 0 \(Int(width)) 56\" role=\"img\" aria-label=\"\(Markup.escape("canary blocks of \(disk.described)"))\">\n"
        svg += "<text class=\"rowlabel\" x=\"4\" y=\"\(DiskMapSVG.f(y + 15))\">canary</text>\n"
        svg += DiskMapSVG.rect(x: left, y: y, w: max(2, x(result.volumeBytes) - left), h: h, cls: "disk")
        for range in result.ranges {
            let fill: String
            var what: String
            switch range.kind {
            case .own: fill = "#4f7fc9"; what = "own blocks"
            case .otherDisk:
                fill = colour(of: range.fromDisk ?? "", in: report)
                what = "disk \(range.fromDisk ?? "?")'s blocks (from its byte \(range.sourceStart ?? 0))" + (range.inferred == true ? ", inferred" : "")
            case .shifted: fill = "#f1c40f"; what = "own blocks shifted by \(range.shiftBytes ?? 0) bytes"
            case .notWritten: fill = "#ffffff"; what = range.pastEnd == true ? "past the volume's end" : "not written (zeros or a hole)"
            case .stale: fill = "#e09b00"; what = "stale: generation \(range.generation ?? 0), expected \(range.expectedGeneration ?? 0)"
            case .mismatch: fill = "#1d2430"; what = "mismatch: \(range.reason ?? "")"
            case .unread: fill = "#eeeeee"; what = "not read (the read failed)"
            }
            let start = x(range.start), end = max(x(range.end), start + 2)
            let title = "\(what): bytes \(range.start)–\(range.end), \(range.count) \(range.count == 1 ? "location" : "locations")"
            let stroke = range.kind == .notWritten ? " stroke=\"#b3261e\" stroke-dasharray=\"3 2\"" : ""
            svg += "<rect x=\"\(DiskMapSVG.f(start))\" y=\"\(DiskMapSVG.f(y + 2))\" width=\"\(DiskMapSVG.f(end - start))\" "
                + "height=\"\(DiskMapSVG.f(h - 4))\" fill=\"\(fill)\"\(stroke)><title>\(Markup.escape(title))</title></rect>\n"
        }
        let counts = CanaryRange.Kind.allCases.compactMap { kind in result.counts[kind.rawValue].map { "\($0) \(kind.rawValue)" } }
        svg += DiskMapSVG.text("\(result.expectedBlocks) canary locations: \(counts.joined(separator: ", "))"
                               + (result.error.map { "; \($0)" } ?? ""), x: left, y: y + h + 14)
        svg += "</svg>\n"
        var legend = "<p class=\"legend\"><span class=\"swatch\" style=\"background:#4f7fc9\"></span> own blocks"
        for other in Set(result.ranges.compactMap(\.fromDisk)).sorted() {
            legend += " <span class=\"swatch\" style=\"background:\(colour(of: other, in: report))\"></span> disk \(Markup.escape(other))'s blocks"
        }
        legend += " <span class=\"swatch\" style=\"background:#f1c40f\"></span> shifted"
            + " <span class=\"swatch\" style=\"background:#e09b00\"></span> stale"
            + " <span class=\"swatch\" style=\"background:#fff;outline:1px dashed #b3261e\"></span> not written"
            + " <span class=\"swatch\" style=\"background:#1d2430\"></span> mismatch</p>\n"
        return svg + legend
    }
}
