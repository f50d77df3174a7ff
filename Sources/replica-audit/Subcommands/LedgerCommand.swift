import ArgumentParser
import AuditCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import BlockAccess
import Ledger
import Reporting
import Verification

/// `ledger list|show|verify|record` (README.md, "The audit ledger"; docs/LEDGER.md).
struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Read and check the audit ledger: every verify, preflight and wave run given --ledger.",
        discussion: """
            The ledger is an SQLite file (a path or sqlite:PATH) or a PostgreSQL database \
            (postgres://user[:password]@host:port/db, or ?host=/socket/dir), given with --ledger or \
            $REPLICA_AUDIT_LEDGER. It is append-only: each record carries the SHA-256 of the record \
            before it, so 'ledger verify' finds an edited, deleted or reordered record. Secrets \
            (passwords, key file paths in URLs) are redacted before anything is recorded.

            Exit codes: 0 success (verify: the chain is intact), 1 (verify) the chain is broken, \
            2 usage error or the ledger cannot be read.
            """,
        subcommands: [List.self, Show.self, VerifyChain.self, Record.self])

    /// The examples that end this command's help page.
    static let examples = [
        "replica-audit verify --inventory inv.json --nbd-targets 2000:nbd://oma/vol-a --ledger /var/lib/replica-audit/ledger.db",
        "replica-audit ledger list --ledger /var/lib/replica-audit/ledger.db --wave wave-12 --verdict fail",
        "replica-audit ledger show 42 --format html > run-42.html",
        "REPLICA_AUDIT_LEDGER=postgres://audit@db.example:5432/ledger replica-audit ledger verify",
    ]
}

/// `--ledger URL` of the ledger subcommands: required, from the option or the environment.
struct LedgerLocationOption: ParsableArguments {
    @Option(name: .customLong("ledger"),
            help: ArgumentHelp("The ledger: a file path or sqlite:PATH, or postgres://user@host:port/db (default: $REPLICA_AUDIT_LEDGER).",
                               valueName: "URL"))
    var ledger: String?

    func validate() throws {
        guard let url = Ledgers.url(option: ledger) else {
            throw ValidationError("give the ledger with --ledger URL or \(Ledgers.environmentVariable)")
        }
        do { _ = try LedgerLocation(parsing: url) } catch {
            throw ValidationError("\(ledger != nil ? "--ledger" : Ledgers.environmentVariable): \(error)")
        }
    }

    /// Opens the ledger for reading, or prints one line and exits 2.
    func open(create: Bool = false) throws -> any LedgerStore {
        do { return try Ledgers.open(Ledgers.url(option: ledger) ?? "", create: create) } catch {
            printError("replica-audit: \(error)")
            throw ExitCode(2)
        }
    }
}

/// Runs `body`, turning a ledger error into one line and exit 2.
private func reading<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as LedgerError {
        printError("replica-audit: \(error)")
        throw ExitCode(2)
    }
}

extension LedgerCommand {
    /// `ledger list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the recorded runs, oldest first.",
            discussion: "Filters combine (all must hold). --since takes a date (2026-12-01), a UTC time (2026-12-01T08:00:00Z) or an age (90m, 36h, 7d).")

        @OptionGroup var location: LedgerLocationOption

        @Option(help: "Only runs of this VM.")
        var vm: String?

        @Option(help: "Only runs of this wave.")
        var wave: String?

        @Option(help: "Only runs with this verdict (pass, fail, inconclusive; preflight: ready, blocked, inconclusive).")
        var verdict: String?

        @Option(help: "Only runs of this kind: verify, preflight or wave.")
        var kind: String?

        @Option(help: "Only runs started at or after this date, UTC time or age (e.g. 2026-12-01, 2026-12-01T08:00:00Z, 7d).")
        var since: String?

        @Option(help: "At most this many runs: the most recent.")
        var limit: Int?

        @Option(help: "text (a table) or json (an array of records without their reports).")
        var format: OutputFormat = .text

        func validate() throws {
            if let since, LedgerTime.parse(since) == nil {
                throw ValidationError("--since \"\(since)\" is not a date (2026-12-01), a UTC time (2026-12-01T08:00:00Z) or an age (90m, 36h, 7d)")
            }
            if let kind, LedgerRunKind(rawValue: kind) == nil { throw ValidationError("--kind must be verify, preflight or wave, not \"\(kind)\"") }
            if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() throws {
            let store = try location.open()
            defer { store.close() }
            let filter = LedgerFilter(vm: vm, wave: wave, verdict: verdict?.lowercased(), kind: kind.flatMap(LedgerRunKind.init(rawValue:)),
                                      since: since.flatMap { LedgerTime.parse($0) }, limit: limit)
            let entries = try reading { try store.list(filter) }
            switch format {
            case .json:
                StandardStream.output.write(try JSONOutput.document(entries.map(LedgerJSON.init)))
            case .text:
                print(LedgerText.table(entries, style: TerminalStyle.detect(fd: STDOUT_FILENO)))
                let filtered = vm != nil || wave != nil || verdict != nil || kind != nil || since != nil || limit != nil
                print("\(entries.count) run\(entries.count == 1 ? "" : "s")\(filtered ? " matching" : "") in \(store.location)"
                      + LedgerText.verdictCounts(entries))
            }
        }
    }

    /// `ledger show`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show one recorded run: its record and its report.",
            discussion: """
                --format text: the record and the run's summary; json: the record with its report.json \
                embedded; report: the stored report.json byte for byte (its SHA-256 is the record's); \
                html: the run's HTML report regenerated from the stored report.json (verify runs).
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, report, html }

        @Argument(help: "The run's id (the ID column of 'ledger list').")
        var runID: Int64

        @OptionGroup var location: LedgerLocationOption

        @Option(help: "text, json, report or html.")
        var format: Format = .text

        func run() throws {
            let store = try location.open()
            defer { store.close() }
            guard let record = try reading({ try store.record(id: runID) }) else {
                printError("replica-audit: the ledger \(store.location) has no run \(runID)")
                throw ExitCode(2)
            }
            if LedgerChain.sha256(record.report) != record.entry.reportSHA256 {
                printError("warning: run \(runID)'s stored report does not match its recorded SHA-256: it was changed; run 'replica-audit ledger verify'")
            }
            switch format {
            case .report:
                StandardStream.output.write(record.report)
            case .json:
                var object: [String: JSONValue] = [:]
                if case .object(let entry) = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(LedgerJSON(record.entry))) { object = entry }
                object["report"] = (try? JSONDecoder().decode(JSONValue.self, from: record.report)) ?? .string(String(decoding: record.report, as: UTF8.self))
                StandardStream.output.write(try JSONOutput.document(JSONValue.object(object)))
            case .text:
                print(LedgerText.details(record.entry))
                if let summary = try LedgerText.summary(record) { print("\n" + summary) }
            case .html:
                guard record.entry.kind == LedgerRunKind.verify.rawValue else {
                    printError("replica-audit: run \(runID) is a \(record.entry.kind) run, which has no HTML report; use --format text, json or report")
                    throw ExitCode(2)
                }
                let report: VerificationReport
                do { report = try JSONDecoder().decode(VerificationReport.self, from: record.report) } catch {
                    printError("replica-audit: run \(runID)'s stored report.json cannot be read as a verify report (\(error)); use --format report")
                    throw ExitCode(2)
                }
                StandardStream.output.write(HTMLReport.render(report))
            }
        }
    }

    /// `ledger verify`.
    struct VerifyChain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Recompute the hash chain: exit 0 intact, 1 broken (naming the first bad record).",
            discussion: """
                Every record's hash is recomputed from its fields and its report, and checked against \
                the hash the next record carries. An edited record, an edited report, a deleted record \
                and reordered records each break the chain at the first record concerned. Deleting the \
                newest records leaves a shorter chain that holds: note the head hash printed here \
                elsewhere (a ticket, a signed report) and give it later with --expect-head.
                """)

        @OptionGroup var location: LedgerLocationOption

        @Option(name: .customLong("expect-head"),
                help: "A head hash printed by an earlier 'ledger verify': the chain must still contain that record.")
        var expectHead: String?

        @Option(help: "text or json.")
        var format: OutputFormat = .text

        func validate() throws {
            if let expectHead, expectHead.count != 64 || !expectHead.allSatisfy(\.isHexDigit) {
                throw ValidationError("--expect-head must be a SHA-256 in hex (64 characters), as 'ledger verify' prints it")
            }
        }

        func run() throws {
            let store = try location.open()
            defer { store.close() }
            let check = try reading { try store.verifyChain() }
            var headMissing = false
            if check.isIntact, let expectHead {
                let known = try reading { try store.list(LedgerFilter()) }.contains { $0.recordHash == expectHead.lowercased() }
                headMissing = !known
            }
            switch format {
            case .json:
                var object: [String: JSONValue] = ["ledger": .string(store.location), "intact": .bool(check.isIntact && !headMissing),
                                                   "records": .number(check.records), "headHash": .string(check.headHash),
                                                   "lastId": check.lastID.map { JSONValue.number($0) } ?? .null]
                object["firstBadRecord"] = check.firstBreak.map { JSONValue.object(["id": .number($0.recordID), "reason": .string($0.reason)]) } ?? .null
                if expectHead != nil { object["expectedHeadFound"] = check.isIntact ? .bool(!headMissing) : .null }
                StandardStream.output.write(try JSONOutput.document(JSONValue.object(object)))
            case .text:
                if let bad = check.firstBreak {
                    print(TerminalText.output("ledger BROKEN at record \(bad.recordID): \(bad.reason) (\(store.location); records before it hold)"))
                } else if headMissing {
                    print("ledger BROKEN: the chain of \(check.records) records holds, but no record has the expected head hash \(expectHead ?? ""): records were deleted from its end (\(store.location))")
                } else {
                    print("ledger intact: \(check.records) record\(check.records == 1 ? "" : "s"), head hash \(check.headHash) (\(store.location))")
                }
            }
            if !check.isIntact || headMissing { throw ExitCode(1) }
        }
    }

    /// `ledger record`.
    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record",
            abstract: "Record a run from its report folder (when the ledger could not be reached at the time).",
            discussion: """
                Reads report.json (verify) or preflight.json (preflight) from the folder and appends it \
                with the run's own times, host, build and command line from the report's provenance.
                """)

        @Argument(help: "The run's report folder (--report-dir of verify or preflight).")
        var reportDir: String

        @OptionGroup var location: LedgerLocationOption

        @Option(help: "The wave the run belonged to, if any.")
        var wave: String?

        func run() throws {
            let folder = URL(fileURLWithPath: reportDir)
            let draft: LedgerRecordDraft
            do { draft = try LedgerDrafts.fromReportFolder(folder, wave: wave) } catch {
                printError("replica-audit: \(error)")
                throw ExitCode(2)
            }
            let store = try location.open(create: true)
            defer { store.close() }
            let entry = try reading { try store.append(draft) }
            print(TerminalText.output("recorded \(draft.kind.rawValue) run of VM \(draft.vm ?? "-") (\(draft.verdict)) as run \(entry.id) in \(store.location)"))
        }
    }
}

/// A record in JSON (list and show): the entry's fields, the command line as an array.
struct LedgerJSON: Encodable {
    let entry: LedgerEntry
    init(_ entry: LedgerEntry) { self.entry = entry }

    private enum Keys: String, CodingKey {
        case id, kind, wave, vm, verdict, startedAt, finishedAt, recordedAt, host, toolVersion, toolBuild, commandLine,
             reportSHA256 = "reportSha256", previousHash, recordHash
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(entry.id, forKey: .id)
        try c.encode(entry.kind, forKey: .kind)
        try c.encode(entry.wave, forKey: .wave)
        try c.encode(entry.vm, forKey: .vm)
        try c.encode(entry.verdict, forKey: .verdict)
        try c.encode(entry.startedAt, forKey: .startedAt)
        try c.encode(entry.finishedAt, forKey: .finishedAt)
        try c.encode(entry.recordedAt, forKey: .recordedAt)
        try c.encode(entry.host, forKey: .host)
        try c.encode(entry.toolVersion, forKey: .toolVersion)
        try c.encode(entry.toolBuild, forKey: .toolBuild)
        try c.encode(entry.commandLine, forKey: .commandLine)
        try c.encode(entry.reportSHA256, forKey: .reportSHA256)
        try c.encode(entry.previousHash, forKey: .previousHash)
        try c.encode(entry.recordHash, forKey: .recordHash)
    }
}

/// Drafts for the ledger from what verify and preflight wrote.
enum LedgerDrafts {
    struct Refusal: Error, CustomStringConvertible { let description: String }

    /// The draft of a verify report.
    static func verify(_ report: VerificationReport, wave: String? = nil) throws -> LedgerRecordDraft? {
        guard let provenance = report.provenance else { return nil }
        return LedgerRecordDraft(kind: .verify, wave: wave, vm: report.vm.name, verdict: report.verdict.rawValue,
                                 provenance: provenance, report: try JSONReport.render(report))
    }

    /// The draft of a preflight report.
    static func preflight(_ report: PreflightReport, wave: String? = nil) throws -> LedgerRecordDraft? {
        guard let provenance = report.provenance else { return nil }
        return LedgerRecordDraft(kind: .preflight, wave: wave, vm: report.vm.name, verdict: report.verdict.rawValue,
                                 provenance: provenance, report: try PreflightReports.json(report))
    }

    /// From a report folder: report.json or preflight.json as written, byte for byte.
    static func fromReportFolder(_ folder: URL, wave: String?) throws -> LedgerRecordDraft {
        let verifyFile = folder.appendingPathComponent("report.json"), preflightFile = folder.appendingPathComponent("preflight.json")
        if let data = try? Data(contentsOf: verifyFile) {
            guard let report = try? JSONDecoder().decode(VerificationReport.self, from: data), let provenance = report.provenance else {
                throw Refusal(description: "\(verifyFile.path) is not a verify report with provenance")
            }
            return LedgerRecordDraft(kind: .verify, wave: wave, vm: report.vm.name, verdict: report.verdict.rawValue, provenance: provenance, report: data)
        }
        if let data = try? Data(contentsOf: preflightFile) {
            guard let report = try? JSONDecoder().decode(PreflightReport.self, from: data), let provenance = report.provenance else {
                throw Refusal(description: "\(preflightFile.path) is not a preflight report with provenance")
            }
            return LedgerRecordDraft(kind: .preflight, wave: wave, vm: report.vm.name, verdict: report.verdict.rawValue, provenance: provenance, report: data)
        }
        throw Refusal(description: "\(folder.path) holds neither report.json (verify) nor preflight.json (preflight)")
    }
}

/// `--since` values.
enum LedgerTime {
    /// A date, a UTC time or an age as the ISO 8601 UTC time the stored times compare with; nil when unreadable.
    static func parse(_ text: String, now: Date = Date()) -> String? {
        let value = text.trimmingWhitespace()
        if let unit = value.last, "mhdw".contains(unit), let amount = Double(value.dropLast()), amount >= 0 {
            let seconds = amount * ["m": 60, "h": 3600, "d": 86_400, "w": 604_800][String(unit)]!
            return format(now.addingTimeInterval(-seconds))
        }
        if value.count == 10, let date = try? Date.ISO8601FormatStyle().year().month().day().parse(value) { return format(date) }
        if let date = try? Date.ISO8601FormatStyle().parse(value) { return format(date) }
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(value) { return format(date) }
        return nil
    }

    private static func format(_ date: Date) -> String {
        UTCTime.seconds(date)
    }
}

/// The text forms of `ledger list` and `ledger show`.
enum LedgerText {
    /// One row per run under a header; "-" for an absent wave or VM.
    static func table(_ entries: [LedgerEntry], style: TerminalStyle) -> String {
        let header = ["ID", "STARTED (UTC)", "KIND", "WAVE", "VM", "VERDICT", "HOST", "TOOL"]
        let rows = entries.map { entry -> [String] in
            [String(entry.id), entry.startedAt.replacingEvery("T", with: " ").replacingEvery("Z", with: ""),
             entry.kind, entry.wave ?? "-", entry.vm ?? "-", entry.verdict.uppercased(), entry.host,
             String(entry.toolVersion + " " + entry.toolBuild.prefix(12))].map { TerminalText.field(String($0.prefix(40))) }
        }
        guard !rows.isEmpty else { return "(no runs)" }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        let paint = style.colour
        return ([header] + rows).enumerated().map { index, row in
            row.enumerated().map { column, cell in
                var text = column == row.count - 1 ? cell : cell.padded(toLength: widths[column])
                if paint, index > 0, column == 5 {
                    let colour = ["FAIL": "31", "BLOCKED": "31", "PASS": "32", "READY": "32"][cell] ?? "33"
                    text = "\u{1B}[\(colour)m\(text)\u{1B}[0m"
                }
                return text
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// ": 2 fail, 1 pass" — the verdicts counted, the worst first; empty for no runs.
    static func verdictCounts(_ entries: [LedgerEntry]) -> String {
        let order = ["fail", "blocked", "inconclusive", "pass", "ready"]
        let counts = Dictionary(grouping: entries, by: \.verdict).mapValues(\.count)
        let sorted = counts.keys.sorted { (order.firstIndex(of: $0) ?? order.count, $0) < (order.firstIndex(of: $1) ?? order.count, $1) }
        return sorted.isEmpty ? "" : ": " + sorted.map { "\(counts[$0]!) \(TerminalText.field($0))" }.joined(separator: ", ")
    }

    /// The record's fields, one per line.
    static func details(_ entry: LedgerEntry) -> String {
        let lines: [(String, String)] = [
            ("run", String(entry.id)), ("kind", entry.kind), ("wave", entry.wave ?? "-"), ("vm", entry.vm ?? "-"),
            ("verdict", entry.verdict.uppercased()), ("started", entry.startedAt), ("finished", entry.finishedAt),
            ("recorded", entry.recordedAt), ("host", entry.host), ("tool", "\(entry.toolVersion) (build \(entry.toolBuild))"),
            ("command", Provenance(tool: .init(version: entry.toolVersion), commandLine: entry.commandLine, host: "", user: "",
                                   startedAt: "", finishedAt: "", inputs: [], caseId: nil, examiner: nil).shellCommandLine),
            ("report sha256", entry.reportSHA256), ("previous hash", entry.previousHash), ("record hash", entry.recordHash),
        ]
        return lines.map { TerminalText.output("\($0.0.padded(toLength: 14))\($0.1)") }.joined(separator: "\n")
    }

    /// The run's own summary from its stored report, as the command printed it; nil for a wave.
    static func summary(_ record: LedgerRecord) throws -> String? {
        switch record.entry.kind {
        case LedgerRunKind.verify.rawValue:
            guard let report = try? JSONDecoder().decode(VerificationReport.self, from: record.report) else {
                return "(the stored report.json cannot be read as a verify report; --format report gives it as stored)"
            }
            return TerminalSummary.render(report, reportDirectory: nil, style: TerminalStyle.detect(fd: STDOUT_FILENO))
        case LedgerRunKind.preflight.rawValue:
            guard let report = try? JSONDecoder().decode(PreflightReport.self, from: record.report) else {
                return "(the stored preflight.json cannot be read as a preflight report; --format report gives it as stored)"
            }
            return PreflightReports.text(report, reportDirectory: nil)
        default:
            return "(--format report gives the stored \(record.entry.kind).json)"
        }
    }
}
