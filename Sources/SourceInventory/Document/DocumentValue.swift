/// A parsed JSON or YAML document as the readers see it: objects keep their members in file
/// order, numbers keep their literal text so that capacities are converted exactly (never
/// through `Double`), and every value knows the path it was found at.
indirect enum DocumentValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text, e.g. "123480309760", "-5", "1e30".
    case number(String)
    case string(String)
    case array([DocumentValue])
    /// Members in file order. Parsers refuse duplicate keys, so keys are unique.
    case object([(key: String, value: DocumentValue)])

    static func == (lhs: DocumentValue, rhs: DocumentValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// "object", "array", "string", … for messages.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
