import AuditCore

/// `image-container-on-volume`: the volume begins with the header of an image container
/// (qcow2, VMDK, VHDX, …), so an image file was written to it byte for byte instead of the
/// disk it holds — a guest given the volume sees a container, not its disk. Critical; verify
/// makes it info when the source begins with the same header (a disk that holds an image,
/// e.g. for nested virtualisation). README.md, "Blank and half-written volumes".
public enum ImageContainerOnVolumeRule: ProbeRule {
    /// What the critical finding tells the reader to do.
    public static let fix = "A guest given this volume sees the container, not the disk: write the disk's content "
        + "(qemu-img convert -O raw, or copy through qemu-nbd or nbdcopy from the image) and verify again."

    static func findings(in probe: ProbeResult) -> [Finding] {
        guard let format = probe.imageContainerHeader else { return [] }
        return [finding(format, severity: .critical, subject: "The volume", why: fix)]
    }

    /// The finding about `subject` ("The volume", "The volume of disk 2000 (…)") beginning
    /// with a `format` header.
    public static func finding(_ format: String, severity: Severity, subject: String, why: String) -> Finding {
        Finding(code: FindingCode.imageContainerOnVolume, severity: severity,
                message: "\(subject) begins with a \(format) image header: an image file was written to it byte for byte. \(why)",
                evidence: ["format": .string(format), "offset": .number(0)])
    }
}
