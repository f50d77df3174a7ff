import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AuditCore

/// The hash chain (docs/LEDGER.md, "Canonical bytes" and "The chain").
public enum LedgerChain {
    /// The previous-record hash of the first record.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The first line of every record's canonical bytes.
    static let header = "replica-audit ledger record v1\n"

    /// The canonical bytes of a record: the header line, then one line per field in this
    /// order — id, kind, wave, vm, verdict, started_at, finished_at, recorded_at, host,
    /// tool_version, tool_build, command_line, report_sha256, previous_hash — each
    /// `NAME:LENGTH:VALUE\n` (LENGTH the decimal count of the value's UTF-8 bytes) or
    /// `NAME:null\n` for an absent wave or vm.
    public static func canonicalBytes(_ entry: LedgerEntry) -> Data {
        var out = Data(header.utf8)
        func field(_ name: String, _ value: String?) {
            guard let value else {
                out.append(contentsOf: Array("\(name):null\n".utf8))
                return
            }
            let bytes = Array(value.utf8)
            out.append(contentsOf: Array("\(name):\(bytes.count):".utf8))
            out.append(contentsOf: bytes)
            out.append(0x0A)
        }
        field("id", String(entry.id))
        field("kind", entry.kind)
        field("wave", entry.wave)
        field("vm", entry.vm)
        field("verdict", entry.verdict)
        field("started_at", entry.startedAt)
        field("finished_at", entry.finishedAt)
        field("recorded_at", entry.recordedAt)
        field("host", entry.host)
        field("tool_version", entry.toolVersion)
        field("tool_build", entry.toolBuild)
        field("command_line", entry.commandLineJSON)
        field("report_sha256", entry.reportSHA256)
        field("previous_hash", entry.previousHash)
        return out
    }

    /// SHA-256, lower-case hex.
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { TextFormat.hex($0, width: 2) }.joined()
    }

    /// The record hash of an entry: SHA-256 of its canonical bytes.
    public static func hash(_ entry: LedgerEntry) -> String { sha256(canonicalBytes(entry)) }

    /// The entry a draft becomes when stored as record `id` after `previous`.
    static func seal(_ draft: LedgerRecordDraft, id: Int64, previousHash: String, recordedAt: String) throws -> LedgerEntry {
        guard String(data: draft.report, encoding: .utf8) != nil, !draft.report.contains(0) else {
            throw LedgerError(.invalidRecord, "the report to record is not UTF-8 text; nothing was appended")
        }
        for (name, value) in [("verdict", draft.verdict as String?), ("vm", draft.vm), ("wave", draft.wave), ("host", draft.host)] {
            if let value, value.contains("\0") { throw LedgerError(.invalidRecord, "the \(name) to record contains a NUL byte; nothing was appended") }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let commandLine = String(decoding: try encoder.encode(draft.commandLine.map { $0.replacingEvery("\0", with: "") }), as: UTF8.self)
        var entry = LedgerEntry(id: id, kind: draft.kind.rawValue, wave: draft.wave, vm: draft.vm, verdict: draft.verdict,
                                startedAt: draft.startedAt, finishedAt: draft.finishedAt, recordedAt: recordedAt,
                                host: draft.host, toolVersion: draft.toolVersion, toolBuild: draft.toolBuild,
                                commandLineJSON: commandLine, reportSHA256: sha256(draft.report),
                                previousHash: previousHash, recordHash: "")
        entry.recordHash = hash(entry)
        return entry
    }

    /// Now, ISO 8601 UTC with milliseconds.
    static func now() -> String {
        UTCTime.milliseconds(Date())
    }

    /// Walks records in id order (`next` answers the records after an id, a page at a time,
    /// each with the SHA-256 of its stored report) and stops at the first that does not hold.
    static func verify(pages next: (Int64) throws -> [(LedgerEntry, String)]) throws -> ChainCheck {
        var previous: LedgerEntry?
        var previousHash = genesisHash
        var count = 0
        var after: Int64 = 0
        while true {
            let page = try next(after)
            if page.isEmpty { break }
            for (entry, reportDigest) in page {
                count += 1
                if let problem = check(entry, reportDigest: reportDigest, previous: previous, previousHash: previousHash) {
                    return ChainCheck(records: count, headHash: previousHash, lastID: previous?.id,
                                      firstBreak: ChainCheck.Break(recordID: entry.id, reason: problem))
                }
                previous = entry
                previousHash = entry.recordHash
                after = entry.id
            }
        }
        return ChainCheck(records: count, headHash: previousHash, lastID: previous?.id, firstBreak: nil)
    }

    /// Why one record does not hold, or nil.
    private static func check(_ entry: LedgerEntry, reportDigest: String, previous: LedgerEntry?, previousHash: String) -> String? {
        if entry.reportSHA256 != reportDigest {
            return "its stored report.json does not match the report SHA-256 recorded with it: the report was changed after it was recorded"
        }
        if hash(entry) != entry.recordHash {
            return "its fields no longer hash to its record hash: the record (verdict, VM, times, command line or id) was changed after it was recorded"
        }
        let expectedID = (previous?.id ?? 0) + 1
        if entry.previousHash != previousHash {
            if entry.id > expectedID {
                let missing = expectedID == entry.id - 1 ? "record \(expectedID) is" : "records \(expectedID)–\(entry.id - 1) are"
                return "\(missing) missing before it: deleted from the ledger"
            }
            if entry.previousHash == genesisHash {
                return "it claims to be the first record, but follows record \(previous?.id ?? 0): records were replaced or reordered"
            }
            guard let previous else { return "its previous-record hash is not that of a first record: the records before it were deleted" }
            return "the previous-record hash it carries is not record \(previous.id)'s: record \(previous.id) was changed and its "
                + "record hash recomputed, or records were replaced or reordered"
        }
        if entry.id != expectedID {
            return "it follows record \(previous.map { String($0.id) } ?? "(none)") in the chain but has id \(entry.id): ids were changed"
        }
        return nil
    }
}
