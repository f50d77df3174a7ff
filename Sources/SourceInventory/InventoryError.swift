/// Why an inventory file could not be read: which file, which format was tried, which field,
/// and what was wrong with it. Its description is the one line the CLI prints (exit 2).
public struct InventoryError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file as the user named it.
    public var file: String
    /// The format that was tried, e.g. "govc vm.info -json (camelCase, govc >= 0.32)",
    /// or "any" when the file was refused before its format was known.
    public var format: String
    /// The field path, e.g. "virtualMachines[0].config.hardware.device[7].capacityInKB",
    /// or nil when the problem is the file as a whole.
    public var field: String?
    /// What was wrong, for a person.
    public var message: String

    /// An error about `file`, read as `format`, at `field` (nil for the whole file).
    public init(file: String, format: String, field: String?, message: String) {
        self.file = file
        self.format = format
        self.field = field
        self.message = message
    }

    /// The format value of an error raised before any format was tried (size, binary, …).
    public static let beforeParsing = "any"

    /// "FILE: read as FORMAT: field FIELD: MESSAGE" on a single line; for a file refused
    /// before any format was tried, "FILE: MESSAGE (refused before parsing)".
    public var description: String {
        if format == Self.beforeParsing {
            return [file, message + " (refused before parsing)"].map(Self.singleLine).joined(separator: ": ")
        }
        var parts = [file, "read as \(format)"]
        if let field { parts.append("field \(field)") }
        parts.append(message)
        return parts.map(Self.singleLine).joined(separator: ": ")
    }

    private static func singleLine(_ text: String) -> String {
        String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }
}

/// A failure inside a reader, before the loader adds the file and format to it.
struct FieldError: Error, Sendable {
    /// The field path, or nil for the document as a whole.
    var field: String?
    var message: String

    init(_ field: String?, _ message: String) {
        self.field = field
        self.message = message
    }
}
