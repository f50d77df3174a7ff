import Foundation
import SourceInventory
import XCTest

/// Every fixture, damaged in many reproducible ways (bytes flipped, cut short, spliced),
/// reads either as an inventory or as one clear error line — never a trap or a hang.
final class MutatedFixtureTests: XCTestCase {
    /// xorshift64*, so a failure can be reproduced from its seed.
    private struct Xorshift: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
    }

    func testDamagedFixturesNeverTrap() throws {
        let interesting: [UInt8] = Array("{}[]<>:,\"'-0123456789 \n\t=#&*!|>".utf8)
        var readable = 0, refused = 0
        for (file, _) in SeedEquivalenceTests.fixtures where !file.contains("/") {
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Seed.path(file))))
            var generator = Xorshift(state: 0x9E37_79B9_7F4A_7C15 ^ UInt64(original.count))
            for round in 0..<150 {
                var bytes = original
                switch round % 3 {
                case 0:
                    for _ in 0..<Int.random(in: 1...8, using: &generator) {
                        bytes[Int.random(in: 0..<bytes.count, using: &generator)] = interesting.randomElement(using: &generator)!
                    }
                case 1:
                    bytes = Array(bytes.prefix(Int.random(in: 1..<bytes.count, using: &generator)))
                default:
                    let from = Int.random(in: 0..<bytes.count, using: &generator)
                    let length = Int.random(in: 1...min(200, bytes.count - from), using: &generator)
                    let to = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes.insert(contentsOf: original[from..<from + length], at: to)
                }
                let name = "\(file)#\(round)"
                do {
                    _ = try InventoryLoader.load(bytes: bytes, path: name, vm: "pgtest1")
                    readable += 1
                } catch {
                    refused += 1
                    XCTAssertTrue(error.description.hasPrefix(name + ": "), error.description)
                    XCTAssertFalse(error.description.contains("\n"), error.description)
                    XCTAssertFalse(error.message.isEmpty, name)
                }
            }
        }
        XCTAssertGreaterThan(refused, 0)
        print("damaged fixtures: \(readable) still readable, \(refused) refused with one line")
    }

    func testDamagedVMXAndDescriptorsNeverTrap() throws {
        let files = try ScratchFiles()
        let vmx = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Seed.path("vmx/pgtest1.vmx"))))
        let descriptor = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Seed.path("vmx/pgtest1.vmdk"))))
        _ = try files.write("pgtest1_1.vmdk", bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: Seed.path("vmx/pgtest1_1.vmdk")))))
        var generator = Xorshift(state: 0xDEAD_BEEF_CAFE_F00D)
        let interesting: [UInt8] = Array("\"=:. -0123456789#\nRWVMFS".utf8)
        var refused = 0
        for round in 0..<200 {
            var damagedVMX = vmx, damagedDescriptor = descriptor
            let damageDescriptor = round % 2 == 1
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                if damageDescriptor {
                    damagedDescriptor[Int.random(in: 0..<damagedDescriptor.count, using: &generator)] = interesting.randomElement(using: &generator)!
                } else {
                    damagedVMX[Int.random(in: 0..<damagedVMX.count, using: &generator)] = interesting.randomElement(using: &generator)!
                }
            }
            _ = try files.write("pgtest1.vmdk", bytes: damagedDescriptor)
            let path = try files.write("pgtest1.vmx", bytes: damagedVMX)
            do {
                _ = try InventoryLoader.load(path: path, vm: nil)
            } catch {
                refused += 1
                XCTAssertTrue(error.description.hasPrefix(path + ": "), error.description)
                XCTAssertFalse(error.description.contains("\n"), error.description)
            }
        }
        XCTAssertGreaterThan(refused, 0)
    }
}
