/// Names the binary files people most often pass by mistake where an inventory belongs, so the
/// error can say what to do instead.
enum BinarySignature {
    /// "a tar archive (an OVA? extract its .ovf)", or nil for unrecognized bytes.
    static func describe(_ bytes: [UInt8]) -> String? {
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + magic.count && Array(bytes[offset..<offset + magic.count]) == magic
        }
        if starts(Array("ustar".utf8), at: 257) { return "a tar archive (an OVA? extract its .ovf and pass that)" }
        if starts([0x1F, 0x8B]) { return "gzip-compressed data (decompress it first)" }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return "a zip archive (extract the inventory first)" }
        if starts(Array("KDMV".utf8)) { return "a sparse VMDK disk image (pass the VM's .vmx, or the text descriptor)" }
        if starts([0x51, 0x46, 0x49, 0xFB]) { return "a qcow2 disk image (inventories describe the source VM; images are targets)" }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return "a PNG image" }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return "an ELF executable" }
        return nil
    }
}
