import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One canary block: 4096 bytes that say which VM and disk they belong to, at which byte
/// offset of that disk they were written, and in which generation, sealed with an
/// HMAC-SHA-256 under the manifest's secret (docs/CANARY.md, "Block format").
///
/// ```
/// 0     8  magic "RACANARY"
/// 8     4  format version (1), little-endian
/// 12    4  generation, little-endian
/// 16    8  own byte offset on its disk, little-endian
/// 24    2  length of the VM name (<= 255)
/// 26    2  length of the disk key (<= 64)
/// 28    4  reserved (0)
/// 32  256  VM name, UTF-8, zero-padded
/// 288  64  disk key, UTF-8, zero-padded
/// 352 3712 filler: a pattern derived from the offset (never zeros)
/// 4064 32  HMAC-SHA-256 over bytes 0..<4064
/// ```
public struct CanaryBlock: Sendable, Equatable {
    public static let size = 4096
    public static let magic: [UInt8] = Array("RACANARY".utf8)
    static let version: UInt32 = 1
    static let macOffset = size - 32
    static let maxVMName = 255
    static let maxKey = 64

    public var vm: String
    public var disk: String
    public var offset: UInt64
    public var generation: UInt32

    public init(vm: String, disk: String, offset: UInt64, generation: UInt32) {
        self.vm = vm
        self.disk = disk
        self.offset = offset
        self.generation = generation
    }

    /// The 4096 bytes of this block, sealed with `secret`.
    public func encoded(secret: [UInt8]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.size)
        bytes.replaceSubrange(0..<8, with: Self.magic)
        Self.put(UInt64(Self.version), at: 8, width: 4, in: &bytes)
        Self.put(UInt64(generation), at: 12, width: 4, in: &bytes)
        Self.put(offset, at: 16, width: 8, in: &bytes)
        let name = Array(vm.utf8.prefix(Self.maxVMName)), key = Array(disk.utf8.prefix(Self.maxKey))
        Self.put(UInt64(name.count), at: 24, width: 2, in: &bytes)
        Self.put(UInt64(key.count), at: 26, width: 2, in: &bytes)
        bytes.replaceSubrange(32..<(32 + name.count), with: name)
        bytes.replaceSubrange(288..<(288 + key.count), with: key)
        var state = offset ^ 0xC0FF_EE00_CA9A_4171
        for i in stride(from: 352, to: Self.macOffset, by: 8) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            Self.put(state | 1, at: i, width: 8, in: &bytes)
        }
        let mac = HMAC<SHA256>.authenticationCode(for: bytes[0..<Self.macOffset], using: SymmetricKey(data: secret))
        bytes.replaceSubrange(Self.macOffset..<Self.size, with: Array(mac))
        return bytes
    }

    /// What 4096 bytes read from a volume are, as far as the block format can tell.
    public enum Reading: Sendable, Equatable {
        /// Every byte is zero.
        case zeros
        /// No canary magic: other data (a filesystem, another tool's bytes, garbage).
        case otherData
        /// The magic and fields of a canary block, but the HMAC does not hold under the secret.
        case badSeal(claimed: CanaryBlock?)
        /// A sealed canary block.
        case block(CanaryBlock)
    }

    /// Reads `bytes` (exactly 4096) as a canary block, checking its seal with `secret`.
    public static func read(_ bytes: UnsafeRawBufferPointer, secret: SymmetricKey) -> Reading {
        guard bytes.count == size else { return .otherData }
        guard bytes.starts(with: magic) else {
            return isZero(bytes) ? .zeros : .otherData
        }
        let claimed = fields(bytes)
        let valid = HMAC<SHA256>.isValidAuthenticationCode(
            UnsafeRawBufferPointer(rebasing: bytes[macOffset..<size]),
            authenticating: UnsafeRawBufferPointer(rebasing: bytes[0..<macOffset]), using: secret)
        guard valid, let claimed else { return .badSeal(claimed: claimed) }
        return .block(claimed)
    }

    /// The fields of a block that carries the magic, unchecked; nil when they do not parse.
    static func fields(_ bytes: UnsafeRawBufferPointer) -> CanaryBlock? {
        guard get(bytes, at: 8, width: 4) == UInt64(version) else { return nil }
        let nameCount = Int(get(bytes, at: 24, width: 2)), keyCount = Int(get(bytes, at: 26, width: 2))
        guard nameCount <= maxVMName, keyCount <= maxKey,
              let vm = String(validating: bytes[32..<(32 + nameCount)], as: UTF8.self),
              let key = String(validating: bytes[288..<(288 + keyCount)], as: UTF8.self) else { return nil }
        return CanaryBlock(vm: vm, disk: key, offset: get(bytes, at: 16, width: 8),
                           generation: UInt32(get(bytes, at: 12, width: 4)))
    }

    static func isZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) != 0 { return false }
            index += 8
        }
        while index < count {
            if bytes[index] != 0 { return false }
            index += 1
        }
        return true
    }

    static func put(_ value: UInt64, at offset: Int, width: Int, in bytes: inout [UInt8]) {
        for i in 0..<width { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }

    static func get(_ bytes: UnsafeRawBufferPointer, at offset: Int, width: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<width { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        return value
    }
}
