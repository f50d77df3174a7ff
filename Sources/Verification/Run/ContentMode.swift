/// `--content none|sample|full`: how much of the volumes' content is compared with the
/// sources or a baseline.
public enum ContentMode: String, Sendable, CaseIterable {
    case none, sample, full
}
