#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore
import BlockAccess

/// Parses the two spellings of a disk-to-volume mapping: migratekit's `--nbd-targets`
/// (`2000:nbd://…,2001:nbd://…`) and repeatable `--target KEY=TARGET`. The same forms serve
/// sources (`--nbd-sources`, `--source`).
public enum TargetMapping {
    /// "2000:nbd://…,2001:nbd://…" — pairs are split at a ',' only where the text after it
    /// starts a new pair: `KEY:` where KEY is digits when the first key is (vSphere device
    /// keys), or else letters, digits, '_', '-', '.' and not a URI scheme. So URIs keep their
    /// own ':' and '?', and ',' inside query strings and paths; each pair splits at its first ':'.
    /// An empty pair (",,", a trailing ',') is an error, and so is a pair that would
    /// otherwise be swallowed into the previous target: `KEY=…` after a ',' (the `--target`
    /// spelling), or `KEY:`/`KEY=` after a space or ';' (pairs must be separated by ',').
    ///
    /// With `inventory`, a disk may also be named by its label ("Hard disk 2:nbd://…",
    /// case-insensitive) and every key is resolved against the inventory: a key or label the
    /// VM does not have is an error quoting the pair (README, "Commands": a mapping mistake
    /// is an input error, exit 2, never a verdict).
    ///
    /// `keepUnknown` keeps a key that names no disk, for a caller that reports it as the
    /// `unknown-disk` finding (preflight, whose contract blocks on it) instead of an error.
    public static func parse(nbdTargets: String, inventory: Inventory? = nil,
                             keepUnknown: Bool = false) throws(MappingError) -> [TargetAssignment] {
        let labels = knownLabels(inventory)
        let spec = nbdTargets.trimmingWhitespace()
        guard !spec.isEmpty else { throw MappingError(text: nbdTargets, message: "the mapping is empty; expected KEY:TARGET[,KEY:TARGET…]") }
        let numericKeys = spec.prefix(while: { $0 != ":" }).trimmingWhitespace().allSatisfy(\.isNumber)
        var pairs: [Substring] = []
        var start = spec.startIndex
        var index = spec.startIndex
        while index < spec.endIndex {
            let next = spec.index(after: index)
            if spec[index] == ",", next == spec.endIndex || spec[next] == "," {
                throw MappingError(text: redacted(spec), message: "an empty pair (',,' or a trailing ','); expected KEY:TARGET[,KEY:TARGET…]")
            }
            if spec[index] == ",", startsPair(spec[next...], numericKeys: numericKeys, labels: labels)
                || startsMistakenPair(spec[next...], numericKeys: numericKeys, labels: labels) {
                pairs.append(spec[start..<index])
                start = next
            }
            index = next
        }
        pairs.append(spec[start...])
        var assignments: [TargetAssignment] = []
        for pair in pairs {
            if startsMistakenPair(pair, numericKeys: numericKeys, labels: labels) {
                throw MappingError(text: redacted(String(pair).trimmingWhitespace()),
                                   message: "in --nbd-targets/--nbd-sources each pair is KEY:TARGET, not KEY=TARGET "
                                       + "(KEY=TARGET is the form of --target/--source); pairs are separated by ','")
            }
            guard let colon = pair.firstIndex(of: ":") else {
                throw MappingError(text: redacted(String(pair)), message: "expected KEY:TARGET (e.g. 2000:nbd://host:10809/export)")
            }
            assignments.append(try assignment(key: pair[..<colon], target: pair[pair.index(after: colon)...], pair: pair,
                                              form: "KEY:TARGET", labels: labels, separator: ","))
        }
        if let inventory { assignments = try resolve(assignments, in: inventory, keepUnknown: keepUnknown) }
        try checkDistinctKeys(assignments)
        return assignments
    }

    /// ["2000=nbd://…", …] — each item splits at its first '='. With `inventory`, KEY may
    /// be a disk label ("Hard disk 2=/dev/vdc") and keys are resolved as for `nbdTargets`.
    public static func parse(keyEquals: [String], inventory: Inventory? = nil,
                             keepUnknown: Bool = false) throws(MappingError) -> [TargetAssignment] {
        let labels = knownLabels(inventory)
        var assignments: [TargetAssignment] = []
        let rawLabels = inventory?.disks.compactMap(\.label) ?? []
        for item in keyEquals {
            // A label may itself hold '=' or ':'; a known label followed by '=' is the key.
            let trimmed = item.drop(while: { $0 == " " })
            if let label = rawLabels.filter({ trimmed.lowercased().hasPrefix($0.lowercased() + "=") }).max(by: { $0.count < $1.count }) {
                let equals = trimmed.index(trimmed.startIndex, offsetBy: label.count)
                assignments.append(try assignment(key: trimmed[..<equals], target: trimmed[trimmed.index(after: equals)...],
                                                  pair: Substring(item), form: "KEY=TARGET", labels: labels + [normalizedLabel(label)],
                                                  separator: " --target "))
                continue
            }
            guard let equals = item.firstIndex(of: "="), !item[..<equals].contains(":"), !item[..<equals].contains("/") else {
                throw MappingError(text: redacted(item), message: "expected KEY=TARGET (e.g. 2000=nbd://host:10809/export)")
            }
            assignments.append(try assignment(key: item[..<equals], target: item[item.index(after: equals)...], pair: Substring(item),
                                              form: "KEY=TARGET", labels: labels, separator: " --target "))
        }
        if let inventory { assignments = try resolve(assignments, in: inventory, keepUnknown: keepUnknown) }
        try checkDistinctKeys(assignments)
        return assignments
    }

    /// Replaces each label by its disk's key and checks that every key is a disk of the
    /// inventory. Throws, quoting the pair, for a key or label the VM lacks or a label
    /// that several disks share.
    public static func resolve(_ assignments: [TargetAssignment], in inventory: Inventory,
                               keepUnknown: Bool = false) throws(MappingError) -> [TargetAssignment] {
        let disks = inventory.disks
        let known = disks.map { disk in disk.label.map { "\(disk.key) (\($0))" } ?? disk.key }
        var out: [TargetAssignment] = []
        for var assignment in assignments {
            if disks.contains(where: { $0.key == assignment.key }) { out.append(assignment); continue }
            let wanted = normalizedLabel(assignment.key)
            let byLabel = disks.filter { $0.label.map(normalizedLabel) == wanted }
            let pair = redacted("\(assignment.key):\(assignment.text)")
            if byLabel.count > 1 {
                throw MappingError(text: pair, message: "the label '\(assignment.key)' names \(byLabel.count) disks of VM "
                                   + "\(inventory.vm.name) (\(byLabel.map(\.key).joined(separator: ", "))); map them by key")
            }
            guard let disk = byLabel.first else {
                if keepUnknown { out.append(assignment); continue }
                throw MappingError(text: pair, message: "VM \(inventory.vm.name) has no disk '\(assignment.key)' (no such key or label); "
                                   + "its disks are \(known.joined(separator: ", ")). Correct the mapping: nothing was read")
            }
            assignment.key = disk.key
            out.append(assignment)
        }
        return out
    }

    private static func knownLabels(_ inventory: Inventory?) -> [String] {
        inventory?.disks.compactMap { $0.label.map(normalizedLabel) } ?? []
    }

    /// A label compared case-insensitively with runs of white space as one space.
    static func normalizedLabel(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Whether `rest` begins with `KEY=` for a disk key (or known label) followed by a
    /// target: the `--target` spelling inside `--nbd-targets`, which must not be swallowed
    /// into the previous pair's URI.
    private static func startsMistakenPair(_ rest: Substring, numericKeys: Bool, labels: [String]) -> Bool {
        let trimmed = rest.drop(while: { $0 == " " })
        guard let equals = trimmed.firstIndex(of: "=") else { return false }
        let key = trimmed[..<equals].trimmingWhitespace()
        guard !key.isEmpty, !key.contains(":"), !key.contains("/") else { return false }
        if labels.contains(normalizedLabel(key)) { return true }
        if key.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        guard !numericKeys, key.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else { return false }
        let value = trimmed[trimmed.index(after: equals)...]
        return value.hasPrefix("/") || value.hasPrefix("./") || ["nbd", "nbds", "nbd+unix", "nbds+unix", "nbd+vsock", "nbds+vsock"].contains(where: { value.lowercased().hasPrefix($0 + "://") })
    }

    private static let schemes: Set<String> = ["nbd", "nbds", "file", "http", "https"]

    /// Whether `rest` begins with `KEY:` for a plausible disk key or a known label.
    private static func startsPair(_ rest: Substring, numericKeys: Bool, labels: [String]) -> Bool {
        let trimmed = rest.drop(while: { $0 == " " })
        guard let colon = trimmed.firstIndex(of: ":") else { return false }
        let key = trimmed[..<colon].trimmingWhitespace()
        if labels.contains(normalizedLabel(key)) { return true }
        // With an inventory, a label-like key of several words ("Hard disk 3") starts a pair
        // too, so that a misspelt label is reported as such rather than swallowed.
        if !labels.isEmpty, key.contains(" "), key.first!.isLetter,
           key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == " " || "_-.".contains($0) }) { return true }
        if numericKeys { return !key.isEmpty && key.allSatisfy { $0.isASCII && $0.isNumber } }
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else { return false }
        return !schemes.contains(key.lowercased())
    }

    private static func assignment(key: Substring, target: Substring, pair: Substring, form: String, labels: [String],
                                   separator: String) throws(MappingError) -> TargetAssignment {
        let key = key.trimmingWhitespace()
        let text = target.trimmingWhitespace()
        guard !key.isEmpty else { throw MappingError(text: redacted(String(pair)), message: "the disk key is empty; expected \(form)") }
        let labelLike = !labels.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == " " || "_-.".contains($0) }
        guard key.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) || labels.contains(normalizedLabel(key)) || labelLike else {
            throw MappingError(text: redacted(String(pair)), message: "'\(key)' is not a disk key\(labels.isEmpty ? "" : " or label"); expected \(form)")
        }
        guard !text.isEmpty else { throw MappingError(text: String(pair), message: "disk \(key) has an empty target; expected \(form)") }
        if let second = embeddedPair(text, labels: labels) {
            throw MappingError(text: redacted(String(pair).trimmingWhitespace()),
                               message: "this looks like two pairs in one: '\(redacted(second))' follows the target of disk \(key); "
                                   + "separate pairs with '\(separator.trimmingWhitespace())'"
                                   + (separator == "," ? " (e.g. 2000:/dev/vdb,2001:/dev/vdc)" : " (give --target once per disk)"))
        }
        do {
            return TargetAssignment(key: key, text: text, target: try Target(parsing: text))
        } catch {
            throw MappingError(text: redacted(String(pair)), message: error.message)
        }
    }

    /// The start of a second `KEY:TARGET` or `KEY=TARGET` inside a target, after white
    /// space, ';' or '|' (numeric keys or known labels only), e.g. "/dev/loop0 2001:/dev/loop1".
    private static func embeddedPair(_ text: String, labels: [String]) -> String? {
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            let next = text.index(after: index)
            if c.isWhitespace || c == ";" || c == "|" {
                let rest = text[next...].drop(while: { $0.isWhitespace })
                if let sep = rest.firstIndex(where: { $0 == ":" || $0 == "=" }) {
                    let key = rest[..<sep].trimmingWhitespace()
                    let numeric = !key.isEmpty && key.allSatisfy { $0.isASCII && $0.isNumber }
                    if (numeric || (!key.isEmpty && labels.contains(normalizedLabel(key)))), rest.index(after: sep) < rest.endIndex {
                        return String(rest)
                    }
                }
            }
            index = next
        }
        return nil
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
        guard let range = text.firstRange(of: "://") else { return text }
        let schemeStart = text[..<range.lowerBound].lastIndex(where: { $0 == ":" || $0 == "=" }).map { text.index(after: $0) } ?? text.startIndex
        let prefix = text[..<schemeStart]
        guard let target = try? Target(parsing: String(text[schemeStart...])) else { return text }
        return prefix + target.redacted
    }
}
