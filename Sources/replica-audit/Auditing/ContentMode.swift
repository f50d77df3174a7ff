import ArgumentParser

/// `--content none|sample|full`: how much of the volumes' content is compared with the
/// sources or a baseline.
enum ContentMode: String, ExpressibleByArgument, CaseIterable {
    case none, sample, full
}
