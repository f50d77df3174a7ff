import AuditCore

/// `probe-incomplete` (info): the bytes read hold the magic of a libblkid prober that follows
/// pointers to data elsewhere (UDF, BeFS, NTFS, DDF), but libblkid did not report that type
/// there — what it needed lay outside the regions read (docs/PROBE.md, "What the probe reads").
/// The signature list of that place may be incomplete. It never fires where no such magic was
/// read, so ordinary ext4, XFS, LVM, swap and readable NTFS volumes never carry it.
enum ProbeIncompleteRule: ProbeRule {
    static let code = FindingCode.probeIncomplete

    static func findings(in probe: ProbeResult) -> [Finding] {
        (probe.incompleteProbes ?? []).map { gap in
            Finding(code: code, severity: .info,
                    message: "The \(gap.place) may hold a \(gap.prober) signature that was not identified: \(gap.reason). "
                        + "Run 'blkid -p' on the volume itself before relying on its signature list.",
                    evidence: ["place": .string(gap.place), "prober": .string(gap.prober), "reason": .string(gap.reason)])
        }
    }
}
