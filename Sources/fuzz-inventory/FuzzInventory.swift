import Foundation
import FuzzSupport
import SourceInventory

/// libFuzzer target for the inventory readers: every input goes through format detection
/// and whichever reader it selects, with and without a `--vm` choice. Any thrown
/// `InventoryError` is a correct answer; a trap, hang or sanitizer report is a bug.
///
/// Build and run: `make fuzz` (scripts/fuzz.sh).
enum FuzzInventory {
    static func run(_ bytes: [UInt8]) {
        _ = try? InventoryLoader.load(bytes: bytes, path: "/nonexistent/fuzz-input", vm: nil)
        _ = try? InventoryLoader.load(bytes: bytes, path: "/nonexistent/fuzz-input.vmx", vm: "pgtest1")
    }
}

/// Entry point: libFuzzer with `-DFUZZING`, else a replay of the files named.
@main
enum FuzzInventoryMain {
    static func main() { FuzzDriver.run(FuzzInventory.run) }
}
