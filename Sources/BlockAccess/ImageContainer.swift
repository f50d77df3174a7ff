#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore
#if canImport(Glibc)
import Glibc
#endif

/// A disk image container format: a file whose bytes are not the guest's disk but a format
/// that maps it (qcow2, VMDK, VHD, VHDX, VDI, …). Read as raw bytes it gives a confused
/// verdict, so such files are recognised by their magic and read through `qemu-nbd`
/// (README.md, "Targets"). The raw value is qemu's format name (`qemu-nbd -f`).
public enum ImageContainerFormat: String, Sendable, Codable, CaseIterable {
    case qcow2
    /// QEMU's old qcow (version 1).
    case qcow
    /// VMware VMDK: a sparse extent ("KDMV" or ESX "COWD") or a descriptor text file.
    case vmdk
    /// Microsoft VHD ("conectix" footer); qemu calls the format `vpc`.
    case vpc
    /// Microsoft VHDX ("vhdxfile").
    case vhdx
    /// VirtualBox VDI.
    case vdi
    /// QEMU enhanced disk.
    case qed
    /// Parallels disk image.
    case parallels

    /// The name people use: "VHD" for qemu's `vpc`, the format name otherwise.
    public var commonName: String {
        switch self {
        case .vpc: "VHD"
        case .vmdk: "VMDK"
        case .vhdx: "VHDX"
        case .vdi: "VDI"
        case .qed: "QED"
        default: rawValue
        }
    }

    /// The short name reports use: "vhd" for qemu's `vpc`, the format name otherwise.
    public var reportName: String { self == .vpc ? "vhd" : rawValue }

    /// `qemu-nbd -r -f FORMAT PATH`: read-only, format given (never probed by qemu), with
    /// the executable `qemuNBD` first.
    public func qemuNBDArguments(_ qemuNBD: String, path: String) -> [String] {
        [qemuNBD, "--read-only", "--format=\(rawValue)", path]
    }

    /// The command a person can run to serve the image, for messages: a Unix socket next to
    /// nothing shared, persistent, and the URI to give replica-audit.
    public func serveCommand(path: String) -> String {
        let socket = "/tmp/" + (PathText.lastComponent(path).isEmpty ? "image" : PathText.lastComponent(path)) + ".sock"
        return "'qemu-nbd --read-only --persistent --shared=4 --format=\(rawValue) --socket=\(socket) \(path)' "
            + "and give nbd+unix:///?socket=\(socket) as the target"
    }
}

/// Recognises image containers by their magic bytes.
public enum ImageContainer {
    /// The container format of the first bytes `head` (at least 512 when the file is that
    /// large) and the last 512 bytes `tail` of a file or device, or nil for a raw disk.
    public static func format(head: [UInt8], tail: [UInt8]) -> ImageContainerFormat? {
        func at(_ bytes: [UInt8], _ offset: Int, _ magic: [UInt8]) -> Bool {
            bytes.count >= offset + magic.count && Array(bytes[offset..<offset + magic.count]) == magic
        }
        if at(head, 0, [0x51, 0x46, 0x49, 0xFB]) {  // "QFI\xfb", then a big-endian version
            return head.count >= 8 && head[7] == 1 && head[4...6].allSatisfy({ $0 == 0 }) ? .qcow : .qcow2
        }
        if at(head, 0, Array("KDMV".utf8)) || at(head, 0, Array("COWD".utf8)) { return .vmdk }
        if at(head, 0, Array("vhdxfile".utf8)) { return .vhdx }
        // A dynamic VHD starts with a copy of its footer; a fixed one has it only at the end.
        if at(head, 0, Array("conectix".utf8)) || at(tail, 0, Array("conectix".utf8)) { return .vpc }
        if at(head, 0x40, [0x7F, 0x10, 0xDA, 0xBE]) { return .vdi }
        if at(head, 0, [0x51, 0x45, 0x44, 0x00]) { return .qed }  // "QED\0"
        if at(head, 0, Array("WithoutFreeSpace".utf8)) || at(head, 0, Array("WithouFreSpacExt".utf8)) { return .parallels }
        if isVMDKDescriptor(head) { return .vmdk }
        return nil
    }

    /// A VMDK descriptor text file: "# Disk DescriptorFile" on its first lines (comments and
    /// blank lines may come first).
    static func isVMDKDescriptor(_ head: [UInt8]) -> Bool {
        let text = String(decoding: head.prefix(1024).prefix { $0 != 0 }, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(8) {
            let trimmed = line.trimmingWhitespaceAndNewlines()
            if trimmed.lowercased().hasPrefix("# disk descriptorfile") { return true }
            if !trimmed.isEmpty, !trimmed.hasPrefix("#") { return false }
        }
        return false
    }

    /// The container format of an opened local volume: reads its first 1 KiB and last 512
    /// bytes. Nil for a raw disk or an empty file.
    public static func format(of volume: any Volume) throws(VolumeError) -> ImageContainerFormat? {
        // A VMDK descriptor is a few hundred bytes: look at any non-empty file.
        guard volume.sizeBytes > 0 else { return nil }
        let head = try volume.read(at: 0, count: Int(min(1024, volume.sizeBytes)))
        let tail = volume.sizeBytes >= 512 ? try volume.read(at: volume.sizeBytes - 512, count: 512) : []
        return format(head: head, tail: tail)
    }

    /// The absolute path of `qemu-nbd` on `PATH`, or nil when it is not installed.
    public static func qemuNBDPath() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/qemu-nbd"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The error for a container that cannot be read because qemu-nbd is missing: what the
    /// file is, and the exact command that serves it.
    public static func missingQEMUNBD(path: String, format: ImageContainerFormat) -> VolumeError {
        VolumeError(kind: .invalidTarget, operation: "open", target: path,
                    message: "this is a \(format.commonName) image container, not a raw disk; reading the guest disk in it "
                        + "needs qemu-nbd, which is not on PATH (Debian: apt-get install qemu-utils). "
                        + "Or serve it yourself: \(format.serveCommand(path: path))")
    }

    /// Why `target` cannot be opened at all before anything is read: a local image
    /// container while qemu-nbd is missing. Nil otherwise (other failures surface when the
    /// target is opened). Lets `verify` and `capture` refuse with exit 2 up front.
    public static func unservable(_ target: Target) -> VolumeError? {
        guard case .file(let path) = target, qemuNBDPath() == nil,
              let file = try? FileVolume(path: path) else { return nil }
        defer { file.close() }
        guard let format = try? ImageContainer.format(of: file) else { return nil }
        return missingQEMUNBD(path: path, format: format)
    }
}
