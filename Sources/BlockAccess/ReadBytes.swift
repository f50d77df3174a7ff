#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The bytes one read of a `Volume.perform` round returned, in the memory the read wrote
/// into: a reply is handed on without being copied into an array first (docs/PROBE.md,
/// "Round trips": a probe's round can carry megabytes, and every copy of them is page
/// faults and memory traffic). Immutable once the read has completed; a value type, whose
/// storage is shared by its copies and freed with the last of them.
public struct ReadBytes: RandomAccessCollection, Sendable, Equatable, CustomStringConvertible {
    /// Memory written once, by the read, before the `ReadBytes` is made; only read after.
    /// Either its own allocation, or a piece of a round's `Slab`.
    final class Storage: @unchecked Sendable {
        let base: UnsafeMutableRawBufferPointer
        /// The mapping `base` lies in (kept alive by every piece of it), or nil when `base`
        /// is this storage's own allocation.
        private let slab: Slab?

        init(byteCount: Int) {
            base = .allocate(byteCount: Swift.max(byteCount, 1), alignment: 64)
            slab = nil
        }

        init(slab: Slab, base: UnsafeMutableRawBufferPointer) {
            self.slab = slab
            self.base = base
        }

        deinit { if slab == nil { base.deallocate() } }
    }

    /// One anonymous mapping for all the reads of a round, in 2 MiB pages where the kernel
    /// offers transparent huge pages (docs/PROBE.md, "Round trips"): a round of megabytes in
    /// separate allocations costs a page fault for every 4 KiB it receives, which was a
    /// quarter of a probe's CPU time. Unmapped when the last reply in it is freed.
    final class Slab: @unchecked Sendable {
        static let hugePage = 2 << 20
        private let mapping: UnsafeMutableRawPointer
        private let mappedBytes: Int
        private let start: UnsafeMutableRawPointer
        let capacity: Int

        /// nil when the mapping fails (the caller then allocates each read on its own).
        init?(capacity: Int) {
            guard capacity > 0, capacity <= Int.max - 2 * Slab.hugePage else { return nil }
            let size = (capacity + Slab.hugePage - 1) / Slab.hugePage * Slab.hugePage
            // One huge page more than needed, so that a 2 MiB-aligned start fits inside.
            let mapped = size + Slab.hugePage
            guard let p = mmap(nil, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
                  p != MAP_FAILED else { return nil }
            mapping = p
            mappedBytes = mapped
            let aligned = (Int(bitPattern: p) + Slab.hugePage - 1) / Slab.hugePage * Slab.hugePage
            start = UnsafeMutableRawPointer(bitPattern: aligned)!
            self.capacity = size
            // Advice only: where transparent huge pages are off, the mapping keeps 4 KiB pages.
            _ = madvise(start, size, MADV_HUGEPAGE)
        }

        deinit { munmap(mapping, mappedBytes) }

        /// The slab bytes a read of `byteCount` bytes takes: a whole number of 64-byte lines.
        static func pieceBytes(_ byteCount: Int) -> Int { (Swift.max(byteCount, 1) + 63) & ~63 }

        /// Hands out consecutive pieces, each 64-byte aligned, until the slab is full.
        struct Cursor {
            let slab: Slab
            private var used = 0

            init(_ slab: Slab) { self.slab = slab }

            /// A storage of `byteCount` bytes in the slab, or its own allocation when the
            /// slab has no room left.
            mutating func storage(byteCount: Int) -> Storage {
                let n = Slab.pieceBytes(byteCount)
                guard n <= slab.capacity - used else { return Storage(byteCount: byteCount) }
                let piece = UnsafeMutableRawBufferPointer(start: slab.start + used, count: byteCount)
                used += n
                return Storage(slab: slab, base: piece)
            }
        }
    }

    /// Storages for reads of `counts` bytes (each at least 1), in order: from one slab when
    /// they come to at least `slabThreshold` bytes in all, else each its own allocation.
    static func storages(byteCounts counts: [Int]) -> [Storage] {
        let total = counts.reduce(0) { $0 &+ Slab.pieceBytes($1) }
        guard total >= slabThreshold, let slab = Slab(capacity: total) else {
            return counts.map { Storage(byteCount: $0) }
        }
        var cursor = Slab.Cursor(slab)
        return counts.map { cursor.storage(byteCount: $0) }
    }

    /// A slab is whole 2 MiB pages, which the kernel clears in full: below 1 MiB in a round,
    /// separate allocations touch less memory.
    static let slabThreshold = 1 << 20

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
        try filled(Storage(byteCount: count), count: count, fill)
    }

    /// Like `filled(count:_:)`, into `storage` (of at least `count` bytes).
    static func filled<E: Error>(_ storage: Storage, count: Int, _ fill: (UnsafeMutableRawBufferPointer) throws(E) -> Void) throws(E) -> ReadBytes {
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
