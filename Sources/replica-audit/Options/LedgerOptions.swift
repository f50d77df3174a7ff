import ArgumentParser
import AuditCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Ledger

/// `--ledger URL` on verify and preflight (README.md, "The audit ledger"; docs/LEDGER.md):
/// the run is appended to the ledger after its local reports are written.
struct LedgerOptions: ParsableArguments {
    @Option(name: .customLong("ledger"),
            help: ArgumentHelp("Also record the run in this audit ledger, after the reports are written: a file path or sqlite:PATH (SQLite), or postgres://user@host:port/db (PostgreSQL). Default: $REPLICA_AUDIT_LEDGER. A ledger that cannot be written makes the command exit 2.",
                               valueName: "URL"))
    var ledger: String?

    /// The URL in effect: --ledger, else REPLICA_AUDIT_LEDGER.
    var url: String? { Ledgers.url(option: ledger) }

    func validate() throws {
        if let url {
            do { _ = try LedgerLocation(parsing: url) } catch {
                throw ValidationError("\(ledger != nil ? "--ledger" : Ledgers.environmentVariable): \(error)")
            }
        }
    }

    /// Before any volume is read: whether the ledger can be opened (and its schema made). A
    /// ledger that cannot is said at once; the run goes on, and `record` fails at the end.
    func precheck() {
        guard let url else { return }
        do {
            let store = try Ledgers.open(url, create: true)
            store.close()
        } catch {
            printError("warning: the audit ledger cannot be written now (\(error)); the run goes on, its reports are written, "
                       + "and it exits 2 unless the ledger can be written when it ends")
        }
    }

    /// Appends the run; on failure says so loudly and throws exit 2 (the reports are already written).
    func record(_ draft: LedgerRecordDraft, reportDirectory: String?) throws {
        guard let url else { return }
        do {
            let store = try Ledgers.open(url, create: true)
            defer { store.close() }
            let entry = try store.append(draft)
            printError("note: recorded in the audit ledger \(store.location) as run \(entry.id)")
        } catch {
            printError("replica-audit: LEDGER NOT WRITTEN: \(error). The run's verdict is \(draft.verdict.uppercased())"
                       + (reportDirectory.map { "; its reports are in \($0)" } ?? "") + "; record it again once the ledger can be reached")
            throw ExitCode(2)
        }
    }
}
