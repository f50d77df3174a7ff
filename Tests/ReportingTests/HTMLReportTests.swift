import Reporting
import Verification
import XCTest

final class HTMLReportTests: XCTestCase {
    func testThePageIsSelfContained() {
        let html = HTMLReport.render(SampleReports.incident())
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("<link"))
        let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        XCTAssertNil(withoutNamespace.range(of: #"(src|href)\s*=|https?://|url\(|@import"#, options: .regularExpression))
        XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 2)
        XCTAssertTrue(html.contains("label-sized-for-other-disk"))
        XCTAssertTrue(html.contains("<th>alternateLBA</th><td><code>20971519</code></td>"))
    }

    func testTextIsEscaped() {
        let html = HTMLReport.render(SampleReports.incident(vmName: "<img onerror=x>"))
        XCTAssertFalse(html.contains("<img"))
        XCTAssertTrue(html.contains("&lt;img onerror=x&gt;"))
    }

    func testTheDiskMapDrawsSourceAndVolumeToOneScale() throws {
        let report = SampleReports.incident()
        let disk = try XCTUnwrap(report.disk("2000"))
        let svg = DiskMapSVG.render(disk, carries: "2001")
        // Both bars span the full width (115 GiB); the 8 GiB foreign partition is 8/115 of it.
        let widths = svg.matches(of: /class="disk" x="[\d.]+" y="[\d.]+" width="([\d.]+)"/).map { Double($0.1)! }
        XCTAssertEqual(widths.count, 2)
        XCTAssertEqual(widths[0], widths[1], accuracy: 0.1)
        let foreign = try XCTUnwrap(svg.firstMatch(of: /class="part foreign" x="[\d.]+" y="[\d.]+" width="([\d.]+)"/))
        XCTAssertEqual(Double(foreign.1)! / widths[1], 8.0 / 115.0, accuracy: 0.002)
        XCTAssertTrue(svg.contains("class=\"implied\""), "marks where the label says its disk ends")
        XCTAssertTrue(svg.contains("its label was written for a 10 GiB disk (disk 2001&#39;s)"))
    }
}
