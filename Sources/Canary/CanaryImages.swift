import AuditCore
import BlockAccess
import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Makes and advances canary images (`canary create`, `canary advance`): sparse raw images
/// with a GPT written by sgdisk, FAT and ext4 made by mkfs.fat and mke2fs at an offset into
/// the image (no loop device, nothing mounted), canary blocks written with pwrite, and
/// qcow2 / streamOptimized VMDK copies converted by qemu-img. Only zeros are never written:
/// a 115 GiB disk stays a few MiB on the host.
public enum CanaryImages {
    /// One disk to make.
    public struct DiskSpec: Sendable, Equatable {
        public var key: String
        public var capacityBytes: UInt64
        public var label: String?

        public init(key: String, capacityBytes: UInt64, label: String?) {
            self.key = key
            self.capacityBytes = capacityBytes
            self.label = label
        }

        /// Parses `KEY:SIZE[:LABEL]`, e.g. `2000:115GiB:Hard disk 1`.
        public static func parse(_ text: String) throws(CanaryError) -> DiskSpec {
            let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2 else { throw CanaryError("--disk '\(text)': expected KEY:SIZE[:LABEL], e.g. 2000:115GiB:Hard disk 1") }
            guard CanaryError.isKey(parts[0]) else {
                throw CanaryError("--disk '\(text)': '\(parts[0])' is not a disk key (letters, digits, '_', '-', '.', at most 64)")
            }
            guard let size = parseSize(parts[1]) else {
                throw CanaryError("--disk '\(text)': '\(parts[1])' is not a size; give e.g. 115GiB, 10G, 512M or a number of bytes")
            }
            guard size >= CanaryLayout.minCapacity, size % 4096 == 0 else {
                throw CanaryError("--disk '\(text)': \(size) bytes; a canary disk is a multiple of 4096 bytes and at least 8 MiB")
            }
            let label = parts.count == 3 && !parts[2].isEmpty ? parts[2] : nil
            return DiskSpec(key: parts[0], capacityBytes: size, label: label)
        }
    }

    /// `115GiB`, `10G`, `512M`, `1.5GiB`, `64 MiB`, `4096`, `1T`: binary units (K, M, G, T with or
    /// without "iB"/"B"), plain bytes without one; a fraction must come to a whole number of bytes.
    public static func parseSize(_ text: String) -> UInt64? {
        let trimmed = text.trimmingWhitespace()
        let whole = trimmed.prefix { $0.isASCII && $0.isNumber }
        var rest = trimmed.dropFirst(whole.count)
        var fraction = Substring("")
        if rest.first == "." {
            fraction = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
            guard !fraction.isEmpty, fraction.count <= 6 else { return nil }
            rest = rest.dropFirst(1 + fraction.count)
        }
        guard !whole.isEmpty, let number = UInt64(whole) else { return nil }
        let shift: UInt64
        switch rest.trimmingWhitespace().lowercased() {
        case "", "b": shift = 0
        case "k", "kb", "kib": shift = 10
        case "m", "mb", "mib": shift = 20
        case "g", "gb", "gib": shift = 30
        case "t", "tb", "tib": shift = 40
        default: return nil
        }
        let unit: UInt64 = 1 << shift
        let (value, overflow) = number.multipliedReportingOverflow(by: unit)
        guard !overflow, value <= 1 << 50 else { return nil }
        guard !fraction.isEmpty else { return value }
        var scale: UInt64 = 1
        for _ in fraction { scale *= 10 }
        let (part, partOverflow) = UInt64(fraction)!.multipliedReportingOverflow(by: unit)
        guard !partOverflow, part % scale == 0 else { return nil }  // not a whole number of bytes
        return value + part / scale
    }

    /// The image formats `--image-format` takes.
    public static let formats = ["raw", "qcow2", "vmdk"]

    /// Makes the canary of `vm` in `output` (created if absent; it must hold no canary yet)
    /// and returns its manifest, already written to `output/canary.json`.
    public static func create(vm: String, disks: [DiskSpec], output: String, imageFormat: String = "raw",
                              seed: UInt64? = nil, stride: UInt64 = CanaryLayout.maxStride) throws(CanaryError) -> CanaryManifest {
        guard !vm.isEmpty, vm.utf8.count <= CanaryBlock.maxVMName else { throw CanaryError("--vm: a VM name of 1 to 255 bytes is needed") }
        guard !disks.isEmpty else { throw CanaryError("give at least one --disk KEY:SIZE[:LABEL]") }
        guard formats.contains(imageFormat) else { throw CanaryError("--image-format '\(imageFormat)': expected raw, qcow2 or vmdk") }
        var seen = Set<String>()
        for disk in disks where !seen.insert(disk.key).inserted { throw CanaryError("--disk: key \(disk.key) is given twice") }
        try prepare(output: output, disks: disks, imageFormat: imageFormat)
        let tools = try requireTools(imageFormat == "raw" ? [] : ["qemu-img"])
        var secret = [UInt8](repeating: 0, count: 32)
        var system = SystemRandomNumberGenerator()
        for i in secret.indices { secret[i] = UInt8.random(in: 0...255, using: &system) }
        let usedSeed = seed ?? UInt64.random(in: 0...UInt64(UInt32.max), using: &system)
        let manifest = CanaryManifest(vm: vm, disks: disks.map { ($0.key, $0.capacityBytes, $0.label) }, seed: usedSeed,
                                      secret: secret, stride: stride,
                                      imageFormats: imageFormat == "raw" ? ["raw"] : ["raw", imageFormat])
        do throws(CanaryError) {
            for disk in manifest.disks {
                let path = output + "/" + disk.image
                let layout = manifest.layout(of: disk)
                try makeImage(path: path, spec: DiskSpec(key: disk.key, capacityBytes: disk.capacityBytes, label: disk.label),
                              layout: layout, tools: tools)
                try writeBlocks(layout.blocks.map { CanaryBlock(vm: vm, disk: disk.key, offset: $0.offset, generation: 1) },
                                to: path, secret: secret)
            }
            try manifest.check()
            try convert(manifest, in: output, tools: tools)
            try manifest.write(to: output + "/" + CanaryManifest.fileName)
        } catch {
            // Half a canary is no canary: what this run wrote goes, so the command can be run again.
            for disk in manifest.disks {
                for name in [disk.image, "\(disk.key).qcow2", "\(disk.key).vmdk"] {
                    try? FileManager.default.removeItem(atPath: output + "/" + name)
                }
            }
            throw error
        }
        return manifest
    }

    /// What `advance` changed.
    public struct Advance: Sendable {
        public var manifest: CanaryManifest
        /// Disk key → how many blocks now carry the new generation.
        public var rewritten: [String: Int]
        public var seed: UInt64
    }

    /// Rewrites a seeded `fraction` of every disk's canary blocks (at least one per disk)
    /// with the next generation, in the raw images, their qcow2/VMDK copies and the manifest —
    /// what a guest's writes between two incremental syncs look like.
    public static func advance(directory: String, fraction: Double = 0.1, seed: UInt64? = nil) throws(CanaryError) -> Advance {
        guard fraction > 0, fraction <= 1 else { throw CanaryError("--fraction \(fraction): expected a number above 0 and at most 1") }
        let manifestPath = directory + "/" + CanaryManifest.fileName
        var manifest = try CanaryManifest.load(path: manifestPath)
        for disk in manifest.disks {
            let path = directory + "/" + disk.image
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw CanaryError("\(path): the image of disk \(disk.key) is missing (\(String(cString: strerror(errno)))); the canary cannot advance without it")
            }
            guard UInt64(info.st_size) == disk.capacityBytes else {
                throw CanaryError("\(path): \(info.st_size) bytes, but the manifest gives disk \(disk.key) \(disk.capacityBytes) bytes")
            }
        }
        let tools = try requireTools(manifest.imageFormats.contains { $0 != "raw" } ? ["qemu-img"] : [])
        var system = SystemRandomNumberGenerator()
        let usedSeed = seed ?? UInt64.random(in: 0...UInt64(UInt32.max), using: &system)
        var rng = SeededGenerator(seed: usedSeed)
        let next = manifest.generation + 1
        var rewritten: [String: Int] = [:]
        for index in manifest.disks.indices {
            let disk = manifest.disks[index]
            var offsets = manifest.layout(of: disk).blocks.map(\.offset)
            let count = max(1, min(offsets.count, Int((Double(offsets.count) * fraction).rounded())))
            for i in 0..<count {  // a seeded partial Fisher-Yates shuffle picks `count` blocks
                let j = i + Int(rng.below(UInt64(offsets.count - i)))
                offsets.swapAt(i, j)
            }
            let chosen = offsets.prefix(count).sorted()
            try writeBlocks(chosen.map { CanaryBlock(vm: manifest.vm.name, disk: disk.key, offset: $0, generation: next) },
                            to: directory + "/" + disk.image, secret: manifest.secretBytes)
            var generations = disk.generations
            for offset in chosen { generations.exceptions[String(offset)] = next }
            if generations.exceptions.count == disk.blockCount, Set(generations.exceptions.values).count == 1 {
                generations = .init(default: next, exceptions: [:])
            }
            manifest.disks[index].generations = generations
            rewritten[disk.key] = count
        }
        manifest.generation = next
        try manifest.check()
        try convert(manifest, in: directory, tools: tools)
        try manifest.write(to: manifestPath)
        return Advance(manifest: manifest, rewritten: rewritten, seed: usedSeed)
    }

    // MARK: Steps

    static func prepare(output: String, disks: [DiskSpec], imageFormat: String) throws(CanaryError) {
        let fm = FileManager.default
        var isDirectory = false
        if fm.fileExists(atPath: output, isDirectory: &isDirectory) {
            guard isDirectory else { throw CanaryError("--output \(output): exists and is not a directory") }
            if fm.fileExists(atPath: output + "/" + CanaryManifest.fileName) {
                throw CanaryError("--output \(output): already holds a canary (canary.json); give an empty or new directory")
            }
            for disk in disks {
                for name in ["\(disk.key).img", "\(disk.key).qcow2", "\(disk.key).vmdk"] where fm.fileExists(atPath: output + "/" + name) {
                    throw CanaryError("--output \(output): \(name) already exists; give an empty or new directory")
                }
            }
        } else {
            do { try fm.createDirectory(atPath: output, withIntermediateDirectories: true) } catch {
                throw CanaryError("--output \(output): cannot be created (\(Errno.reason(error)))")
            }
        }
    }

    static func requireTools(_ extra: [String]) throws(CanaryError) -> [String: String] {
        var found: [String: String] = [:]
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin:/usr/bin:/bin"
        for name in ["sgdisk", "mkfs.fat", "mke2fs"] + extra {
            let dirs = path.split(separator: ":")
            guard let dir = dirs.first(where: { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }) else {
                let package = ["sgdisk": "gdisk", "mkfs.fat": "dosfstools", "mke2fs": "e2fsprogs", "qemu-img": "qemu-utils"][name] ?? name
                throw CanaryError("\(name) is not installed; it is needed to make canary images (Debian package \(package))")
            }
            found[name] = "\(dir)/\(name)"
        }
        return found
    }

    static func makeImage(path: String, spec: DiskSpec, layout: CanaryLayout, tools: [String: String]) throws(CanaryError) {
        let fd: FileDescriptor
        do { fd = try FileDescriptor.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, permissions: 0o644) } catch {
            throw CanaryError("\(path): cannot be created (\(error.message))")
        }
        defer { _ = fd.close() }
        do { try fd.truncate(to: spec.capacityBytes) } catch {
            throw CanaryError("\(path): cannot be sized to \(spec.capacityBytes) bytes (\(error.message))")
        }
        var args = ["-o", "-U", layout.diskGUID]
        for p in layout.partitions {
            let first = p.startBytes / 512, last = (p.startBytes + p.sizeBytes) / 512 - 1
            let type = p.filesystem == .vfat ? "EF00" : "8300"
            args += ["-n", "\(p.number):\(first):\(last)", "-t", "\(p.number):\(type)", "-c", "\(p.number):\(p.name)",
                     "-u", "\(p.number):\(p.uuid)"]
        }
        try run(tools["sgdisk"]!, args + [path])
        for p in layout.partitions {
            switch p.filesystem {
            case .vfat:
                // 2048 reserved sectors: the partition's first MiB belongs to no file, so its canary block breaks nothing.
                let id = (p.filesystemUUID ?? "").replacingEvery("-", with: "")
                try run(tools["mkfs.fat"]!, ["-F", "16", "-R", "2048", "-s", "4", "-i", id, "-n", "CANARY\(p.number)",
                                             "--offset", String(p.startBytes / 512), path, String(p.sizeBytes / 1024)])
            case .ext4:
                // No journal, 64 inodes, no resize inode: the metadata fits in the first 256 KiB,
                // and the blocks at 512 KiB and at the last MiB stay free.
                try run(tools["mke2fs"]!, ["-q", "-F", "-t", "ext4", "-b", "4096", "-N", "64", "-m", "0",
                                           "-O", "^has_journal,^resize_inode", "-E", "offset=\(p.startBytes),nodiscard",
                                           "-U", p.filesystemUUID ?? "random", "-L", "canary\(p.number)", path,
                                           String(p.sizeBytes / 4096)])
            case nil:
                break
            }
        }
    }

    static func writeBlocks(_ blocks: [CanaryBlock], to path: String, secret: [UInt8]) throws(CanaryError) {
        let fd: FileDescriptor
        do { fd = try FileDescriptor.open(path, O_WRONLY | O_CLOEXEC) } catch {
            throw CanaryError("\(path): cannot be opened for writing (\(error.message))")
        }
        defer { _ = fd.close() }
        for block in blocks {
            let bytes = block.encoded(secret: secret)
            let failure: FileDescriptor.TransferError? = bytes.withUnsafeBytes { raw -> FileDescriptor.TransferError? in
                do throws(FileDescriptor.TransferError) { try fd.write(raw, at: block.offset) } catch { return error }
                return nil
            }
            if let failure {
                throw CanaryError("\(path): writing the canary block at byte \(block.offset) failed (\(failure.errno.message))")
            }
        }
        do { try fd.sync() } catch { throw CanaryError("\(path): fsync failed (\(error.message))") }
    }

    /// (Re)makes the qcow2 / streamOptimized VMDK copies the manifest lists.
    static func convert(_ manifest: CanaryManifest, in directory: String, tools: [String: String]) throws(CanaryError) {
        for format in manifest.imageFormats where format != "raw" {
            for disk in manifest.disks {
                let source = directory + "/" + disk.image
                let target = directory + "/\(disk.key).\(format)"
                let options = format == "vmdk" ? ["-o", "subformat=streamOptimized"] : []
                try? FileManager.default.removeItem(atPath: target)
                try run(tools["qemu-img"]!, ["convert", "-q", "-f", "raw", "-O", format] + options + [source, target])
            }
        }
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws(CanaryError) {
        let merged = environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let outcome: ChildProcess.Outcome
        do { outcome = try ChildProcess.run(executable, arguments, environment: merged, quiet: true) } catch {
            throw CanaryError("\(executable) could not start: \(error.message)")
        }
        guard outcome.status == 0 else {
            let text = String(decoding: outcome.standardError, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            throw CanaryError("\(PathText.lastComponent(executable)) \(arguments.prefix(4).joined(separator: " ")) … failed (exit \(outcome.status)): \(text)")
        }
    }
}
