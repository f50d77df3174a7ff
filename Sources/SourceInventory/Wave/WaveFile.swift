#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import AuditCore

/// A wave file (README.md, "A wave"; docs/CONTRACT.md): many VMs to verify in one run,
/// in YAML or JSON. This is its structure only, read with the same bounded parsers as an
/// inventory (size, nesting and YAML alias limits); the inventories, mappings and files it
/// names are checked by the wave's planner (`Sources/Wave`), which reuses verify's own
/// parsing.
///
/// Every field is known: an unknown field, a value of the wrong type, a key given in two
/// spellings (`by_id_dir` and `byIdDir`) or twice is an error naming the VM entry and field.
public struct WaveFile: Sendable {
    /// A disk mapping as written: migratekit's string (`2000:nbd://…,2001:…`) or a map
    /// `{KEY: TARGET}` (KEY a disk key or label).
    public enum Mapping: Sendable, Equatable {
        case spec(String)
        case pairs([(key: String, value: String)])

        public static func == (lhs: Mapping, rhs: Mapping) -> Bool {
            switch (lhs, rhs) {
            case (.spec(let a), .spec(let b)): a == b
            case (.pairs(let a), .pairs(let b)): a.map(\.key) == b.map(\.key) && a.map(\.value) == b.map(\.value)
            default: false
            }
        }
    }

    /// One VM entry of `vms`.
    public struct Entry: Sendable {
        /// The position in `vms`, from 0.
        public var index: Int
        /// `inventory`, as written (relative to the wave file).
        public var inventory: String
        public var vm: String?
        public var ovfConfiguration: String?
        public var ovfProperties: [(key: String, value: String)] = []
        public var targets: Mapping?
        /// `volumes`: KEY → cloud volume ID, resolved in `byIdDir`.
        public var volumes: [(key: String, value: String)] = []
        public var byIdDir: String?
        public var sources: Mapping?
        public var baseline: String?
        /// `baseline_public_key`: the Ed25519 public key the baseline's signature must hold under.
        public var baselinePublicKey: String?
        public var preflight: String?
        /// `content` as written (none, sample or full); checked by the planner.
        public var content: String?
        public var seed: UInt64?

        /// "vms[2] (pgtest1)", or the inventory when the entry names no VM.
        public var name: String {
            let named = vm ?? (inventory.isEmpty ? nil : inventory)
            return "vms[\(index)]" + (named.map { " (\($0))" } ?? "")
        }
    }

    /// The wave's name: `wave`, or the file's name without its extension.
    public var name: String
    /// The wave's default content mode, as written.
    public var content: String?
    /// The wave's default `by_id_dir`.
    public var byIdDir: String?
    public var vms: [Entry]

    /// The most VMs one wave file may list.
    public static let maximumVMs = 10_000
    /// The largest wave file read: 16 MiB.
    public static let maximumFileBytes = 16 << 20

    /// The fields of the wave and of an entry, each with its other spelling.
    static let waveFields: [[String]] = [["wave"], ["content"], ["by_id_dir", "byIdDir"], ["vms"]]
    static let entryFields: [[String]] = [
        ["inventory"], ["vm"], ["targets"], ["volumes"], ["by_id_dir", "byIdDir"], ["sources"], ["baseline"],
        ["baseline_public_key", "baselinePublicKey"], ["preflight"], ["content"], ["seed"], ["ovf_configuration", "ovfConfiguration"], ["ovf_properties", "ovfProperties"],
    ]

    /// Reads and parses a wave file.
    public static func load(path: String) throws(WaveFileError) -> WaveFile {
        let bytes: [UInt8]
        do throws(FieldError) {
            var info = stat()
            if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) > maximumFileBytes {
                throw FieldError(nil, "the file is \(info.st_size) bytes, larger than the limit of \(maximumFileBytes) bytes for a wave file")
            }
            bytes = try InventoryFile.text(try InventoryFile.read(path: path))
        } catch {
            throw WaveFileError(file: path, entry: nil, field: error.field, message: error.message.replacingEvery("an inventory", with: "a wave file"))
        }
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(bytes, file: path, defaultName: stem)
    }

    /// Parses a wave file's bytes; `file` names it in errors.
    public static func parse(_ bytes: [UInt8], file: String, defaultName: String) throws(WaveFileError) -> WaveFile {
        let root: DocumentNode
        do throws(FieldError) {
            switch FormatDetection.family(of: bytes) {
            case .json: root = DocumentNode(try JSONDocumentParser.parse(bytes), path: "")
            case .yaml: root = DocumentNode(try YAMLDocumentReader.parse(bytes), path: "")
            default: throw FieldError(nil, "not a wave file: expected YAML or JSON with 'vms'")
            }
        } catch {
            // A problem inside an entry (a duplicate key) names the entry, as the others do.
            if let field = error.field, let match = field.wholeMatch(of: /vms\[(\d+)\]\.?(.*)/) {
                throw WaveFileError(file: file, entry: "vms[\(match.output.1)]", field: match.output.2.isEmpty ? nil : String(match.output.2),
                                    message: error.message)
            }
            throw WaveFileError(file: file, entry: nil, field: error.field, message: error.message)
        }
        var wave = WaveFile(name: defaultName, content: nil, byIdDir: nil, vms: [])
        do throws(FieldError) {
            guard case .object = root.value else { throw FieldError(nil, "expected a mapping with 'wave' and 'vms', found \(root.value.kindName)") }
            try checkFields(root, allowed: waveFields)
            if let name = try root.optional("wave") {
                let text = try name.string().trimmingWhitespace()
                guard !text.isEmpty, !text.contains(where: { $0.isNewline }), text.count <= 200 else {
                    throw FieldError(name.path, "the wave's name must be one line of 1 to 200 characters")
                }
                wave.name = text
            }
            wave.content = try root.optional("content")?.string()
            wave.byIdDir = try field(root, ["by_id_dir", "byIdDir"])?.string()
            let vms = try root.required("vms").elements()
            guard !vms.isEmpty else { throw FieldError("vms", "is empty; list at least one VM") }
            guard vms.count <= maximumVMs else { throw FieldError("vms", "lists \(vms.count) VMs, more than the limit of \(maximumVMs) for one wave") }
            wave.vms.reserveCapacity(vms.count)
        } catch {
            throw WaveFileError(file: file, entry: nil, field: error.field, message: error.message)
        }
        // vms exists and is an array here.
        let nodes = (try? root.required("vms").elements()) ?? []
        for (index, node) in nodes.enumerated() {
            var entry = Entry(index: index, inventory: "")
            do throws(FieldError) {
                guard case .object = node.value else { throw FieldError(node.path, "expected a mapping with inventory and targets, found \(node.value.kindName)") }
                // Named in messages as soon as possible: the VM, else the inventory.
                entry.vm = try node.optional("vm")?.string()
                entry.inventory = (try? node.optional("inventory")?.string()) ?? ""
                try checkFields(node, allowed: entryFields)
                entry.inventory = try node.required("inventory").string()
                guard !entry.inventory.isEmpty else { throw FieldError(node.childPath("inventory"), "is empty") }
                entry.targets = try mapping(node.optional("targets"))
                entry.sources = try mapping(node.optional("sources"))
                if let volumes = try node.optional("volumes") { entry.volumes = try pairs(volumes) }
                entry.byIdDir = try field(node, ["by_id_dir", "byIdDir"])?.string()
                entry.baseline = try node.optional("baseline")?.string()
                entry.baselinePublicKey = try field(node, ["baseline_public_key", "baselinePublicKey"])?.string()
                entry.preflight = try node.optional("preflight")?.string()
                entry.content = try node.optional("content")?.string()
                entry.seed = try node.optional("seed")?.unsigned()
                entry.ovfConfiguration = try field(node, ["ovf_configuration", "ovfConfiguration"])?.string()
                if let properties = try field(node, ["ovf_properties", "ovfProperties"]) { entry.ovfProperties = try pairs(properties) }
            } catch {
                throw WaveFileError(file: file, entry: entry.name, field: error.field.map { relative($0, to: node.path) }, message: error.message)
            }
            wave.vms.append(entry)
        }
        return wave
    }

    /// Refuses a member that is not in `allowed` (matched exactly, so a misspelt field is
    /// never silently ignored), and one field given in two spellings.
    private static func checkFields(_ node: DocumentNode, allowed: [[String]]) throws(FieldError) {
        for key in node.keys where !allowed.joined().contains(key) {
            let close = allowed.joined().min { distance($0, key) < distance($1, key) }.flatMap { distance($0, key) <= 2 ? $0 : nil }
            throw FieldError(node.childPath(key), "unknown field" + (close.map { "; did you mean '\($0)'?" }
                ?? "; the fields are " + allowed.map { $0[0] }.joined(separator: ", ")))
        }
        for spellings in allowed where spellings.count > 1 && spellings.filter({ node.keys.contains($0) }).count > 1 {
            throw FieldError(node.childPath(spellings[1]), "given twice, as \(spellings.joined(separator: " and ")); keep one")
        }
    }

    /// The edit distance of two field names, ignoring case (for "did you mean").
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased()), y = Array(b.lowercased())
        guard !x.isEmpty, !y.isEmpty, x.count < 64, y.count < 64 else { return max(x.count, y.count) }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }

    /// The member under any of its spellings.
    private static func field(_ node: DocumentNode, _ spellings: [String]) throws(FieldError) -> DocumentNode? {
        for spelling in spellings where node.keys.contains(spelling) { return try node.optional(spelling) }
        return nil
    }

    /// A mapping in either form; an empty one is an error.
    private static func mapping(_ node: DocumentNode?) throws(FieldError) -> Mapping? {
        guard let node else { return nil }
        switch node.value {
        case .string(let text):
            guard !text.trimmingWhitespace().isEmpty else { throw FieldError(node.path, "is empty") }
            return .spec(text)
        case .object:
            let result = try pairs(node)
            guard !result.isEmpty else { throw FieldError(node.path, "is empty") }
            return .pairs(result)
        default:
            throw FieldError(node.path, "expected \"KEY:TARGET,…\" or a map {KEY: TARGET}, found \(node.value.kindName)")
        }
    }

    /// A map of strings (numbers are taken as their text: `2000: …` in YAML).
    private static func pairs(_ node: DocumentNode) throws(FieldError) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        for (key, child) in try node.members() {
            switch child.value {
            case .string, .number: result.append((key, try child.string()))
            default: throw FieldError(child.path, "expected a string, found \(child.value.kindName)")
            }
        }
        return result
    }

    /// `vms[2].targets.2000` → `targets.2000`.
    private static func relative(_ field: String, to prefix: String) -> String {
        guard field.hasPrefix(prefix) else { return field }
        let rest = field.dropFirst(prefix.count)
        return rest.hasPrefix(".") ? String(rest.dropFirst()) : (rest.isEmpty ? field : String(rest))
    }
}

/// Why a wave file cannot be used: the file, the VM entry ("vms[2] (pgtest1)"), the field,
/// and what is wrong, on one line. The whole wave is refused (exit 2) before anything is read.
public struct WaveFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    /// "vms[2] (pgtest1)", or nil for the wave as a whole.
    public var entry: String?
    /// The field within the entry (or the wave), e.g. "targets" or "volumes.2000".
    public var field: String?
    public var message: String

    public init(file: String, entry: String?, field: String?, message: String) {
        self.file = file
        self.entry = entry
        self.field = field
        self.message = message
    }

    /// "FILE: vms[2] (pgtest1): field targets: MESSAGE".
    public var description: String {
        var parts = [file]
        if let entry { parts.append(entry) }
        if let field { parts.append("field \(field)") }
        parts.append(message)
        return parts.map { String($0.map { $0.isNewline || $0 == "\t" ? " " : $0 }) }.joined(separator: ": ")
    }
}
