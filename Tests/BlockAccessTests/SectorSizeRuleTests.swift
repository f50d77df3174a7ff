import BlockAccess
import XCTest

/// The one set of sector-size rules (README.md, "Sector sizes").
final class SectorSizeRuleTests: XCTestCase {
    func testValidSizesArePowersOfTwoFrom512To65536() {
        for size in [512, 1024, 2048, 4096, 65536] { XCTAssertTrue(SectorSize.isValid(size), "\(size)") }
        for size in [0, -512, 256, 520, 3000, 131_072] {
            XCTAssertFalse(SectorSize.isValid(size), "\(size)")
            XCTAssertEqual(SectorSize.problem(size), "sector size \(size) is not a power of two between 512 and 65536")
        }
    }

    func testTheCommandLineOffers512And4096() {
        XCTAssertNil(SectorSize.overrideProblem(512))
        XCTAssertNil(SectorSize.overrideProblem(4096))
        XCTAssertEqual(SectorSize.overrideProblem(2048), "--sector-size must be 512 or 4096, not 2048")
    }

    func testTheOpenerRefusesAnInvalidForcedSize() {
        XCTAssertThrowsError(try VolumeOpener.open(.file(path: "/dev/null"), options: VolumeOptions(sectorSize: 1000))) { error in
            XCTAssertEqual((error as? VolumeError)?.message, "sector size 1000 is not a power of two between 512 and 65536")
        }
    }
}
