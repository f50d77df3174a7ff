/// What a run compares with, and the combinations `verify` and `wave` refuse before anything
/// is read (README.md, "Commands"): one place for the rule, each caller names its own options.
public enum ReferenceChoice {
    /// A combination that cannot run.
    public enum Problem: Sendable, Equatable {
        /// Sources and a baseline were both given.
        case sourcesAndBaseline
        /// `--content sample|full` without sources or a baseline to compare with.
        case contentWithoutReference(ContentMode)
        /// `--content full` with a baseline, which holds only samples.
        case fullWithBaseline
    }

    /// The first problem with these choices, or nil when they can run.
    public static func problem(content: ContentMode?, hasSources: Bool, hasBaseline: Bool) -> Problem? {
        if hasBaseline, hasSources { return .sourcesAndBaseline }
        if let content, content != .none, !hasBaseline, !hasSources { return .contentWithoutReference(content) }
        if content == .full, hasBaseline { return .fullWithBaseline }
        return nil
    }
}
