import Foundation
import SourceInventory
import XCTest

/// OVF descriptors.
final class OVFReaderTests: XCTestCase {
    func testOVFUnitsAndFiles() throws {
        let ovf = try InventoryLoader.load(path: Seed.path("pgtest1.ovf"), vm: nil)
        XCTAssertEqual(ovf.disk("2000")?.backingFile, "pgtest1-disk1.vmdk")
        XCTAssertEqual(ovf.disk("2001")?.controller, "SCSI controller 0")
        let files = try ScratchFiles()
        let template = try String(contentsOfFile: Seed.path("pgtest1.ovf"), encoding: .utf8)
        let decimal = try files.write("decimal.ovf", template.replacingOccurrences(of: "byte * 2^30", with: "byte * 10^9"))
        XCTAssertEqual(try InventoryLoader.load(path: decimal, vm: nil).disks.map(\.capacityBytes), [115_000_000_000, 10_000_000_000])
        let unknown = try files.write("unknown.ovf", template.replacingOccurrences(of: "byte * 2^30", with: "furlongs"))
        let error = try XCTUnwrap(expectInventoryError(unknown))
        XCTAssertEqual(error.format, "OVF descriptor")
        XCTAssertEqual(error.field, "Envelope/DiskSection[0]/Disk[0]@ovf:capacityAllocationUnits")
        XCTAssertTrue(error.message.contains("unknown allocation unit 'furlongs'"), error.description)
    }
}
