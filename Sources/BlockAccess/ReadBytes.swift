/// The bytes one read of a `Volume.perform` round returned, in the memory the read wrote
/// into: a reply is handed on without being copied into an array first (docs/PROBE.md,
/// "Round trips": a probe's round can carry megabytes, and every copy of them is page
/// faults and memory traffic). Immutable once the read has completed; a value type, whose
/// storage is shared by its copies and freed with the last of them.
public struct ReadBytes: RandomAccessCollection, Sendable, Equatable, CustomStringConvertible {
    /// Memory written once, by the read, before the `ReadBytes` is made; only read after.
    final class Storage: @unchecked Sendable {
        let base: UnsafeMutableRawBufferPointer

        init(byteCount: Int) {
            base = .allocate(byteCount: Swift.max(byteCount, 1), alignment: 64)
        }

        deinit { base.deallocate() }
    }

    private let storage: Storage
    public let count: Int

    /// Takes `storage`, of which the first `count` bytes were written.
    init(storage: Storage, count: Int) {
        precondition(count >= 0 && count <= storage.base.count, "ReadBytes: count \(count) outside its storage")
        self.storage = storage
        self.count = count
    }

    /// A copy of `bytes` (for volumes that read into arrays, and tests).
    public init(_ bytes: [UInt8]) {
        let storage = Storage(byteCount: bytes.count)
        bytes.withUnsafeBytes { storage.base.copyMemory(from: $0) }
        self.init(storage: storage, count: bytes.count)
    }

    /// Memory for `count` bytes, filled by `fill` (which must write all of them or throw);
    /// the read goes straight into the memory the result keeps.
    public static func filled<E: Error>(count: Int, _ fill: (UnsafeMutableRawBufferPointer) throws(E) -> Void) throws(E) -> ReadBytes {
        let storage = Storage(byteCount: count)
        try fill(UnsafeMutableRawBufferPointer(rebasing: storage.base[0..<count]))
        return ReadBytes(storage: storage, count: count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < count, "ReadBytes: index \(position) out of range 0..<\(count)")
        return storage.base[position]
    }

    /// Calls `body` with the bytes, without copying them.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage.base[0..<count]))
    }

    /// All the bytes as an array (a copy).
    public var array: [UInt8] { withUnsafeBytes { [UInt8]($0) } }

    public static func == (a: ReadBytes, b: ReadBytes) -> Bool {
        a.count == b.count && a.withUnsafeBytes { x in b.withUnsafeBytes { y in x.elementsEqual(y) } }
    }

    public var description: String { "\(count) bytes" }
}
