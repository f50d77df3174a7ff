/// Exact conversion of a number's text to `UInt64`.
enum WholeNumber {
    static func parse(_ text: String, field: String) throws(FieldError) -> UInt64 {
        let quoted = text.count > 40 ? String(text.prefix(40)) + "…" : text
        if text.hasPrefix("-") {
            throw FieldError(field, "\(quoted) is negative")
        }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw FieldError(field, "\(quoted) is not a whole number")
        }
        guard let value = UInt64(text) else {
            throw FieldError(field, "\(quoted) is too large (more than 2^64 - 1)")
        }
        return value
    }
}
