import AuditCore

/// The Markdown sink's sanitiser (README, "Output and untrusted text"). Every string that a
/// guest or an inventory controls — and every finding message, which may quote one — goes
/// through `text` or `code` before it reaches report.md, so it can neither add markup (a
/// heading, emphasis, a link, raw HTML such as a tracking `<img>`) nor break the document's
/// structure (a newline, a table pipe). Control characters are shown escaped, as on a
/// terminal.
public enum MarkdownText {
    /// Characters with a meaning in CommonMark/GFM inline text, escaped with a backslash
    /// (`<` too, so no HTML tag or autolink can open; `&` so no entity can be spelled).
    static let punctuation: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "~", "!", "&", "{", "}", "$"]

    /// Untrusted text for a paragraph, list item, heading or table cell: controls
    /// (newlines included) shown escaped, markup characters backslash-escaped.
    public static func text(_ raw: String) -> String {
        var out = ""
        out.reserveCapacity(raw.utf8.count + 8)
        for character in TerminalText.field(raw) {
            if punctuation.contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// Untrusted text as an inline code span: a fence of backticks longer than any run
    /// inside, controls shown escaped (a newline can never end the span or start a block).
    /// `inTable` also escapes `|`, which GFM splits cells at even inside code spans.
    public static func code(_ raw: String, inTable: Bool = false) -> String {
        var body = TerminalText.field(raw)
        if inTable { body = body.replacingEvery("|", with: "\\|") }
        var longest = 0, run = 0
        for character in body {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = body.hasPrefix("`") || body.hasSuffix("`") || body.hasPrefix(" ") && body.hasSuffix(" ") ? " " : ""
        return fence + pad + body + pad + fence
    }

    /// Untrusted lines for a fenced code block: the fence is longer than any backtick run
    /// inside, and each line has its controls escaped, so the block cannot be closed early.
    public static func block(_ lines: [String], indent: String) -> String {
        let escaped = lines.map { TerminalText.field($0) }
        var longest = 2, run = 0
        for line in escaped {
            run = 0
            for character in line {
                run = character == "`" ? run + 1 : 0
                longest = max(longest, run)
            }
        }
        let fence = String(repeating: "`", count: longest + 1)
        return indent + fence + "text\n" + escaped.map { indent + $0 + "\n" }.joined() + indent + fence + "\n"
    }
}
