import Foundation
import SourceInventory

/// libFuzzer target for the inventory readers: every input goes through format detection
/// and whichever reader it selects, with and without a `--vm` choice. Any thrown
/// `InventoryError` is a correct answer; a trap, hang or sanitizer report is a bug.
///
/// Build and run: `make fuzz`. Built without `-DFUZZING` it replays the files named on
/// its command line.
enum FuzzInventory {
    static func run(_ bytes: [UInt8]) {
        _ = try? InventoryLoader.load(bytes: bytes, path: "/nonexistent/fuzz-input", vm: nil)
        _ = try? InventoryLoader.load(bytes: bytes, path: "/nonexistent/fuzz-input.vmx", vm: "pgtest1")
    }
}

/// Entry point. SwiftPM links an executable's `main` under its own name, so libFuzzer's
/// `main` is not used; with `-DFUZZING` this hands control to `LLVMFuzzerRunDriver`.
@main
enum FuzzInventoryMain {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzInventory.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
            return 0
        })
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            FuzzInventory.run(Array(data))
            print("ok \(path)")
        }
        #endif
    }
}

#if FUZZING
/// libFuzzer's archive still references this symbol from its own (unused) `main`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzInventory.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif
