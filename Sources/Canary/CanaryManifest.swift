import AuditCore
import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BlockAccess

/// `DIR/canary.json`: what `canary create` made and `canary advance` changed — the VM, its
/// disks with their layouts, the secret that seals the blocks, and the generation of every
/// block (a default per disk and the exceptions). Also an inventory (docs/CANARY.md, "Manifest").
public struct CanaryManifest: Codable, Sendable, Equatable {
    /// The schema this build writes and reads.
    public static let currentVersion = 1
    public static let fileName = "canary.json"

    public var canaryVersion: Int
    public var vm: VM
    /// 32 bytes, hex: the HMAC-SHA-256 key of every block.
    public var secret: String
    public var seed: UInt64
    public var blockBytes: Int
    public var strideBytes: UInt64
    /// The latest generation written (1 after create, +1 per advance).
    public var generation: UInt32
    /// The image files next to the manifest: raw always, qcow2 and vmdk when asked for.
    public var imageFormats: [String]
    public var disks: [Disk]

    public struct VM: Codable, Sendable, Equatable {
        public var name: String
    }

    public struct Disk: Codable, Sendable, Equatable {
        public var key: String
        public var label: String?
        public var capacityBytes: UInt64
        /// The raw image, relative to the manifest's directory.
        public var image: String
        public var diskGUID: String
        public var partitions: [CanaryPartition]
        /// How many canary blocks the layout places on the disk.
        public var blockCount: Int
        public var generations: Generations
    }

    /// The generation of each block: `default`, except the blocks listed in `exceptions`
    /// (byte offset as a decimal string → generation).
    public struct Generations: Codable, Sendable, Equatable {
        public var `default`: UInt32
        public var exceptions: [String: UInt32]

        public func of(_ offset: UInt64) -> UInt32 { exceptions[String(offset)] ?? self.default }
    }

    /// A manifest for `disks` (key, capacity, label) at generation 1, their layouts derived
    /// from `seed`; what `canary create` records before it writes the images.
    public init(vm: String, disks: [(key: String, capacityBytes: UInt64, label: String?)], seed: UInt64, secret: [UInt8],
                stride: UInt64 = CanaryLayout.maxStride, imageFormats: [String] = ["raw"]) {
        canaryVersion = Self.currentVersion
        self.vm = VM(name: vm)
        self.secret = secret.map { TextFormat.hex($0, width: 2) }.joined()
        self.seed = seed
        blockBytes = CanaryBlock.size
        strideBytes = stride
        generation = 1
        self.imageFormats = imageFormats
        self.disks = disks.map { disk in
            let layout = CanaryLayout.derive(key: disk.key, capacity: disk.capacityBytes, seed: seed, stride: stride)
            return Disk(key: disk.key, label: disk.label, capacityBytes: disk.capacityBytes, image: "\(disk.key).img",
                        diskGUID: layout.diskGUID, partitions: layout.partitions, blockCount: layout.blocks.count,
                        generations: Generations(default: 1, exceptions: [:]))
        }
    }

    /// The secret as bytes (validated on load).
    public var secretBytes: [UInt8] {
        var bytes: [UInt8] = []
        var chars = Array(secret.utf8)[...]
        while chars.count >= 2 {
            bytes.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) ?? 0)
            chars = chars.dropFirst(2)
        }
        return bytes
    }

    public var secretKey: SymmetricKey { SymmetricKey(data: secretBytes) }

    /// The disk with `key`.
    public func disk(_ key: String) -> Disk? { disks.first { $0.key == key } }

    /// The layout of `disk`, derived again from its key, capacity and the seed.
    public func layout(of disk: Disk) -> CanaryLayout {
        CanaryLayout.derive(key: disk.key, capacity: disk.capacityBytes, seed: seed, stride: strideBytes)
    }

    // MARK: Reading and writing

    /// Reads and checks `path`. Every problem is one `CanaryError` line naming the file and the field.
    public static func load(path: String) throws(CanaryError) -> CanaryManifest {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CanaryError("\(path): cannot be read (\(Errno.reason(error)))")
        }
        guard data.count <= 64 << 20 else { throw CanaryError("\(path): \(data.count) bytes is too large for a canary manifest") }
        if let root = try? JSONDecoder().decode(JSONValue.self, from: data), case .object(let object) = root {
            if case .int(let version)? = object["canaryVersion"], version != Int64(currentVersion) {
                throw CanaryError("\(path): canaryVersion \(version) is not supported; this replica-audit reads version \(currentVersion)")
            }
            if object["canaryVersion"] == nil {
                throw CanaryError("\(path): not a canary manifest (no canaryVersion); write one with 'replica-audit canary create'")
            }
        } else {
            throw CanaryError("\(path): not valid JSON; a canary manifest is the canary.json that 'replica-audit canary create' wrote")
        }
        let manifest: CanaryManifest
        do { manifest = try JSONDecoder().decode(CanaryManifest.self, from: data) } catch let error as DecodingError {
            throw CanaryError("\(path): \(describe(error))")
        } catch {
            throw CanaryError("\(path): \(error)")
        }
        do throws(CanaryError) { try manifest.check() } catch {
            throw CanaryError("\(path): \(error.message)")
        }
        return manifest
    }

    /// Whether the manifest holds together: the secret, the sizes, and every disk's layout
    /// equal to the one its key, capacity and seed give (a hand edit shows up here).
    public func check() throws(CanaryError) {
        guard secret.utf8.count == 64, secret.allSatisfy(\.isHexDigit) else {
            throw CanaryError("secret: expected 64 hex digits (32 bytes), found \(secret.utf8.count) characters")
        }
        guard blockBytes == CanaryBlock.size else { throw CanaryError("blockBytes: \(blockBytes), expected \(CanaryBlock.size)") }
        guard strideBytes >= CanaryLayout.mib, strideBytes <= CanaryLayout.maxStride, strideBytes % CanaryLayout.mib == 0 else {
            throw CanaryError("strideBytes: \(strideBytes) is not a whole number of MiB between 1 MiB and 64 MiB")
        }
        guard !vm.name.isEmpty, vm.name.utf8.count <= CanaryBlock.maxVMName else {
            throw CanaryError("vm.name: must be 1 to \(CanaryBlock.maxVMName) bytes")
        }
        guard !disks.isEmpty else { throw CanaryError("disks: lists no disk") }
        var keys = Set<String>()
        for disk in disks {
            let field = "disk \(disk.key)"
            guard CanaryError.isKey(disk.key) else { throw CanaryError("disks: '\(disk.key)' is not a disk key (letters, digits, '_', '-', '.', at most 64)") }
            guard keys.insert(disk.key).inserted else { throw CanaryError("disks: key \(disk.key) appears twice") }
            // advance writes to the image: it must be the disk's own file next to the manifest, nowhere else.
            guard disk.image == "\(disk.key).img" else {
                throw CanaryError("\(field): image '\(disk.image)' is not \(disk.key).img; the manifest was edited")
            }
            for format in imageFormats where !["raw", "qcow2", "vmdk"].contains(format) {
                throw CanaryError("imageFormats: '\(format)' is not raw, qcow2 or vmdk")
            }
            guard disk.capacityBytes >= CanaryLayout.minCapacity, disk.capacityBytes % 4096 == 0 else {
                throw CanaryError("\(field): capacityBytes \(disk.capacityBytes) is not a multiple of 4096 of at least 8 MiB")
            }
            for p in disk.partitions where p.startBytes + p.sizeBytes > disk.capacityBytes {
                throw CanaryError("\(field): partition \(p.number) ends at byte \(p.startBytes + p.sizeBytes), past the disk's capacity \(disk.capacityBytes)")
            }
            let layout = self.layout(of: disk)
            guard layout.diskGUID == disk.diskGUID, layout.partitions == disk.partitions else {
                throw CanaryError("\(field): the disk GUID or partitions recorded are not those its key, capacity and seed give; the manifest was edited (capacityBytes, partitions, seed) — create the canary again")
            }
            guard layout.blocks.count == disk.blockCount else {
                throw CanaryError("\(field): blockCount \(disk.blockCount), but the layout places \(layout.blocks.count) blocks; the manifest was edited")
            }
            let offsets = Set(layout.blocks.map(\.offset))
            for (offset, generation) in disk.generations.exceptions {
                guard let value = UInt64(offset), offsets.contains(value) else {
                    throw CanaryError("\(field): generations.exceptions names offset \(offset), where no canary block is")
                }
                guard generation >= 1, generation <= self.generation else {
                    throw CanaryError("\(field): generation \(generation) at offset \(offset) is outside 1...\(self.generation)")
                }
            }
            guard disk.generations.default >= 1, disk.generations.default <= generation else {
                throw CanaryError("\(field): default generation \(disk.generations.default) is outside 1...\(generation)")
            }
        }
    }

    /// Writes the manifest to `path` atomically (a temporary file renamed over it).
    public func write(to path: String) throws(CanaryError) {
        do {
            let data = try JSONOutput.document(self)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CanaryError("\(path): cannot be written (\(Errno.reason(error)))")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return p.hasPrefix(".") ? String(p.dropFirst()) : (p.isEmpty ? "(top level)" : p)
        }
        switch error {
        case .keyNotFound(let key, let context):
            let base = path(context)
            return "\(base == "(top level)" ? "" : base + ".")\(key.stringValue): is missing"
        case .typeMismatch(let type, let context): return "\(path(context)): expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)): expected \(type), found null"
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// A canary error: one line for the user (exit 2 at the command line).
public struct CanaryError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    static func isKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= CanaryBlock.maxKey && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }
    }
}
