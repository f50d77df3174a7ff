#if canImport(Glibc)
import Glibc
#endif

extension FileDescriptor {
    /// Up to `count` bytes at `offset` (fewer only at end of file), as an array: the
    /// whole-file reads of inventories and provenance digests (in place of `FileHandle`).
    public func readBytes(at offset: UInt64, count: Int) throws(TransferError) -> [UInt8] {
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        var failure: TransferError?
        let got = bytes.withUnsafeMutableBytes { buffer -> Int in
            do throws(TransferError) { return try read(into: buffer, at: offset) } catch { failure = error; return 0 }
        }
        if let failure { throw failure }
        bytes.removeLast(count - got)
        return bytes
    }
}
