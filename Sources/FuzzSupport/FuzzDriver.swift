#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The shared entry point of the libFuzzer targets.
///
/// Built with `-DFUZZING` (scripts/fuzz.sh), `run` hands control to libFuzzer through
/// `LLVMFuzzerRunDriver`: SwiftPM links an executable's `main` under its own name, so
/// libFuzzer's own `main` is never used. Built without it, `run` replays the files named
/// on the command line, which is how a saved crash is re-checked.
public enum FuzzDriver {
    nonisolated(unsafe) static var body: ([UInt8]) -> Void = { _ in }

    /// Runs `body` on every input: libFuzzer's or the command line's files.
    public static func run(_ body: @escaping ([UInt8]) -> Void) -> Never {
        FuzzDriver.body = body
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzDriver.body(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
            return 0
        })
        #else
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                _ = "cannot read \(path)\n".withCString { Glibc.write(STDERR_FILENO, $0, strlen($0)) }
                exit(2)
            }
            body(Array(data))
            print("ok \(path)")
        }
        exit(0)
        #endif
    }
}

#if FUZZING
/// libFuzzer's archive still references this symbol from its own (unused) `main`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzDriver.body(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif
