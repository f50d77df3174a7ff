/// The terminal sink's sanitiser (issue 18, README "Output and untrusted text"): strings a
/// guest administrator or an inventory controls — GPT partition names, filesystem labels,
/// inventory labels, VM names, paths — never reach a terminal as control sequences.
/// C0 controls (ESC, BEL, CR, NUL, …), DEL, C1 controls (U+0080–U+009F) and the Unicode
/// bidirectional overrides and isolates are shown escaped (`\x1b`, `\x7f`, `\u{202e}`), so
/// `ESC ] 0 ; … BEL` cannot retitle the window and `ESC [ 2 J` cannot clear it.
public enum TerminalText {
    /// One untrusted field: every control character escaped, newlines and tabs included
    /// (a field never starts a line of its own that could pass for the tool's output).
    public static func field(_ text: String) -> String {
        escape(text, keepLayout: false)
    }

    /// A whole block of output the tool composed (lines may carry untrusted fields):
    /// newlines and tabs are kept, every other control character is escaped. Applied to
    /// everything written to stdout/stderr as text, whatever the fields already got.
    public static func output(_ text: String) -> String {
        escape(text, keepLayout: true)
    }

    /// Whether `scalar` must never reach a terminal raw.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || isBidiControl(v)
    }

    /// U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069: they reorder what follows them.
    static func isBidiControl(_ v: UInt32) -> Bool {
        v == 0x061C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    private static func escape(_ text: String, keepLayout: Bool) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if keepLayout, scalar == "\n" || scalar == "\t" {
                out.unicodeScalars.append(scalar)
            } else if isUnsafe(scalar) {
                out += escaped(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `\n`, `\t`, `\r`, `\x1b`, `\x7f`, `\u{9b}`, `\u{202e}`.
    static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\t": return "\\t"
        case "\r": return "\\r"
        default:
            let hex = String(scalar.value, radix: 16)
            if scalar.value < 0x80 { return "\\x" + (hex.count < 2 ? "0" + hex : hex) }
            return "\\u{\(hex)}"
        }
    }
}
