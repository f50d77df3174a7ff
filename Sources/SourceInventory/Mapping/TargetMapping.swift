import Foundation
import BlockAccess

/// Parses the two spellings of a disk-to-volume mapping: migratekit's `--nbd-targets`
/// (`2000:nbd://…,2001:nbd://…`) and repeatable `--target KEY=TARGET`. The same forms serve
/// sources (`--nbd-sources`, `--source`).
public enum TargetMapping {
    /// "2000:nbd://…,2001:nbd://…" — pairs are split at a ',' only where the text after it
    /// starts a new pair: `KEY:` where KEY is digits when the first key is (vSphere device
    /// keys), or else letters, digits, '_', '-', '.' and not a URI scheme. So URIs keep their
    /// own ':' and '?', and ',' inside query strings and paths; each pair splits at its first ':'.
    /// An empty pair (",,", a trailing ',') is an error.
    public static func parse(nbdTargets: String) throws(MappingError) -> [TargetAssignment] {
        let spec = nbdTargets.trimmingCharacters(in: .whitespaces)
        guard !spec.isEmpty else { throw MappingError(text: nbdTargets, message: "the mapping is empty; expected KEY:TARGET[,KEY:TARGET…]") }
        let numericKeys = spec.prefix(while: { $0 != ":" }).trimmingCharacters(in: .whitespaces).allSatisfy(\.isNumber)
        var pairs: [Substring] = []
        var start = spec.startIndex
        var index = spec.startIndex
        while index < spec.endIndex {
            let next = spec.index(after: index)
            if spec[index] == ",", next == spec.endIndex || spec[next] == "," {
                throw MappingError(text: redacted(spec), message: "an empty pair (',,' or a trailing ','); expected KEY:TARGET[,KEY:TARGET…]")
            }
            if spec[index] == ",", startsPair(spec[next...], numericKeys: numericKeys) {
                pairs.append(spec[start..<index])
                start = next
            }
            index = next
        }
        pairs.append(spec[start...])
        var assignments: [TargetAssignment] = []
        for pair in pairs {
            guard let colon = pair.firstIndex(of: ":") else {
                throw MappingError(text: redacted(String(pair)), message: "expected KEY:TARGET (e.g. 2000:nbd://host:10809/export)")
            }
            assignments.append(try assignment(key: pair[..<colon], target: pair[pair.index(after: colon)...], pair: pair, form: "KEY:TARGET"))
        }
        try checkDistinctKeys(assignments)
        return assignments
    }

    /// ["2000=nbd://…", …] — each item splits at its first '='.
    public static func parse(keyEquals: [String]) throws(MappingError) -> [TargetAssignment] {
        var assignments: [TargetAssignment] = []
        for item in keyEquals {
            guard let equals = item.firstIndex(of: "="), !item[..<equals].contains(":"), !item[..<equals].contains("/") else {
                throw MappingError(text: redacted(item), message: "expected KEY=TARGET (e.g. 2000=nbd://host:10809/export)")
            }
            assignments.append(try assignment(key: item[..<equals], target: item[item.index(after: equals)...], pair: Substring(item), form: "KEY=TARGET"))
        }
        try checkDistinctKeys(assignments)
        return assignments
    }

    private static let schemes: Set<String> = ["nbd", "nbds", "file", "http", "https"]

    /// Whether `rest` begins with `KEY:` for a plausible disk key.
    private static func startsPair(_ rest: Substring, numericKeys: Bool) -> Bool {
        let trimmed = rest.drop(while: { $0 == " " })
        guard let colon = trimmed.firstIndex(of: ":") else { return false }
        let key = trimmed[..<colon].trimmingCharacters(in: .whitespaces)
        if numericKeys { return !key.isEmpty && key.allSatisfy { $0.isASCII && $0.isNumber } }
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else { return false }
        return !schemes.contains(key.lowercased())
    }

    private static func assignment(key: Substring, target: Substring, pair: Substring, form: String) throws(MappingError) -> TargetAssignment {
        let key = key.trimmingCharacters(in: .whitespaces)
        let text = target.trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { throw MappingError(text: redacted(String(pair)), message: "the disk key is empty; expected \(form)") }
        guard key.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
            throw MappingError(text: redacted(String(pair)), message: "'\(key)' is not a disk key; expected \(form)")
        }
        guard !text.isEmpty else { throw MappingError(text: String(pair), message: "disk \(key) has an empty target; expected \(form)") }
        do {
            return TargetAssignment(key: key, text: text, target: try Target(parsing: text))
        } catch {
            throw MappingError(text: redacted(String(pair)), message: error.message)
        }
    }

    private static func checkDistinctKeys(_ assignments: [TargetAssignment]) throws(MappingError) {
        var seen: [String: TargetAssignment] = [:]
        for assignment in assignments {
            if let earlier = seen[assignment.key] {
                throw MappingError(text: assignment.key, message: "disk \(assignment.key) is mapped twice (\(earlier.target.redacted) and \(assignment.target.redacted))")
            }
            seen[assignment.key] = assignment
        }
    }

    /// A piece of the argument with its target part redacted, when it parses as one.
    private static func redacted(_ text: String) -> String {
        guard let range = text.range(of: "://") else { return text }
        let schemeStart = text[..<range.lowerBound].lastIndex(where: { $0 == ":" || $0 == "=" }).map { text.index(after: $0) } ?? text.startIndex
        let prefix = text[..<schemeStart]
        guard let target = try? Target(parsing: String(text[schemeStart...])) else { return text }
        return prefix + target.redacted
    }
}
