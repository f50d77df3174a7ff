/// A target or source mapping that cannot be understood: which piece of the argument, and why.
public struct MappingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The piece of the argument at fault (redacted when it is a target).
    public var text: String
    public var message: String

    /// An error about the piece `text` of a mapping argument.
    public init(text: String, message: String) {
        self.text = text
        self.message = message
    }

    /// "'2000nbd://…': MESSAGE" on one line.
    public var description: String { "'\(text)': \(message)" }
}
