import DiskProbe

/// What happened when the verifier tried to read one disk's destination volume.
public enum ReadOutcome: Sendable, Equatable {
    /// The volume was opened and probed. The probe may still list unreadable regions.
    indirect case probed(ProbeResult)
    /// The target could not be opened; the message is the copied library error.
    case unreachable(message: String)
    /// The volume opened but the probe failed part-way (a read error, a dead connection).
    case probeFailed(message: String)
    /// The volume was deliberately not read, e.g. because its mapping is ambiguous.
    case notRead(reason: String)

    /// The probe result, when there is one.
    public var probe: ProbeResult? {
        if case .probed(let result) = self { return result }
        return nil
    }
}

/// One disk's destination as the verifier saw it: the target it was mapped to and what
/// reading it gave.
public struct VolumeObservation: Sendable, Equatable {
    /// The target, redacted; nil for an unmapped disk.
    public var target: String?
    /// The target's normalized identity (`Target.identity`), used to tell one export under
    /// two spellings from two exports.
    public var targetIdentity: String?
    public var outcome: ReadOutcome

    /// An observation of one disk's target.
    public init(target: String?, targetIdentity: String?, outcome: ReadOutcome) {
        self.target = target
        self.targetIdentity = targetIdentity
        self.outcome = outcome
    }
}
