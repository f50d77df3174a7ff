import Foundation
import Ledger
import TestSupport
import XCTest

/// The seed incident's images, made once per test process, and runs of the built binary
/// over nbdkit servers on them.
final class SeedImages: @unchecked Sendable {
    let directory: URL
    private static let lock = NSLock()
    nonisolated(unsafe) private static var made: SeedImages?

    static func shared() throws -> SeedImages {
        lock.lock()
        defer { lock.unlock() }
        if let made { return made }
        let images = try SeedImages()
        made = images
        atexit { SeedImages.removeShared() }
        return images
    }

    /// Removes the images at exit.
    static func removeShared() {
        if let made { try? FileManager.default.removeItem(at: made.directory) }
        made = nil
    }

    private init() throws {
        directory = try TemporaryDirectory.make(prefix: "ledger-seed")
        try Tools.run("/bin/bash", [Repository.fixture("make-seed.sh").path, directory.path], timeout: 600)
    }

    func image(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static var inventory: String { Repository.fixture("inventories/demo-pgtest1.json").path }

    /// The correct replica (pass) served read-only by two nbdkit servers.
    func servers() throws -> [NBDKitServer] {
        try ["vol2000.img", "vol2001.img"].map { try NBDKitServer(plugin: "file", args: ["file=\(image($0))"], extraOptions: ["-r"]) }
    }

    /// A verify report folder (report.json with provenance) for `ledger record`, made once.
    func reportFolder() throws -> URL {
        let folder = directory.appendingPathComponent("verify-reports")
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("report.json").path) { return folder }
        let run = try Repository.runTool(["verify", "--inventory", Self.inventory, "--target", "2000=\(image("vol2000.img"))",
                                          "--target", "2001=\(image("vol2001.img"))", "--report-dir", folder.path])
        guard run.status == 0 else { throw ToolError("verify of the correct replica: \(run.status) \(run.stderr)") }
        return folder
    }
}

/// verify and preflight with --ledger, the ledger subcommands, unreachable ledgers and
/// secrets, through the built binary — the same for both backends.
struct LedgerCommandSuite {
    let backend: LedgerBackend

    /// `verify --ledger` and `preflight --ledger` over real nbdkit targets: one record each,
    /// holding the report.json they wrote; list, show (text, json, report, html) read them.
    func verifyAndPreflightRecord() throws {
        let seed = try SeedImages.shared()
        let servers = try seed.servers()
        defer { servers.forEach { $0.stop() } }
        let url = try backend.makeLedger()
        let work = try TemporaryDirectory.make(prefix: "ledger-e2e")
        defer { try? FileManager.default.removeItem(at: work) }
        let targets = "2000:\(servers[0].uri()),2001:\(servers[1].uri())"

        let verify = try Repository.runTool(["verify", "--inventory", SeedImages.inventory, "--nbd-targets", targets,
                                             "--report-dir", work.appendingPathComponent("verify").path, "--ledger", url])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertTrue(verify.stderr.contains("recorded in the audit ledger"), verify.stderr)
        let preflight = try Repository.runTool(["preflight", "--inventory", SeedImages.inventory, "--nbd-targets", targets,
                                                "--report-dir", work.appendingPathComponent("preflight").path, "--ledger", url])
        // The targets already hold data: preflight reports them (not blank); whichever verdict, it is recorded.
        XCTAssertNotEqual(preflight.status, 2, preflight.stdout + preflight.stderr)
        XCTAssertTrue(preflight.stderr.contains("as run 2"), preflight.stderr)

        let store = try Ledgers.open(url, create: false)
        defer { store.close() }
        let entries = try store.list(LedgerFilter())
        XCTAssertEqual(entries.map(\.kind), ["verify", "preflight"])
        XCTAssertEqual(entries.map(\.vm), ["pgtest1", "pgtest1"])
        let reportJSON = try Data(contentsOf: work.appendingPathComponent("verify/report.json"))
        let preflightJSON = try Data(contentsOf: work.appendingPathComponent("preflight/preflight.json"))
        XCTAssertEqual(try store.record(id: 1)?.report, reportJSON, "the ledger holds report.json as written")
        XCTAssertEqual(try store.record(id: 2)?.report, preflightJSON, "the ledger holds preflight.json as written")
        let preflightVerdict = (try JSONSerialization.jsonObject(with: preflightJSON) as? [String: Any])?["verdict"] as? String
        XCTAssertEqual(entries.map(\.verdict), ["pass", preflightVerdict ?? "?"])
        XCTAssertEqual(entries[0].commandLine.first.map { URL(fileURLWithPath: $0).lastPathComponent }, "replica-audit")
        XCTAssertTrue(entries[0].commandLine.contains("--ledger"))
        XCTAssertFalse(entries[0].toolVersion.isEmpty)
        XCTAssertEqual(entries[0].host, try Tools.run("hostname", []).stdout.trimmingCharacters(in: .whitespacesAndNewlines))

        let list = try Repository.runTool(["ledger", "list", "--ledger", url])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.contains("VERDICT"), list.stdout)
        XCTAssertTrue(list.stdout.contains("PASS"), list.stdout)
        XCTAssertTrue(list.stdout.contains("2 runs in"), list.stdout)
        XCTAssertTrue(list.stdout.contains("1 pass"), "the verdicts are counted: \(list.stdout)")
        let onlyVerify = try Repository.runTool(["ledger", "list", "--ledger", url, "--kind", "verify", "--verdict", "pass", "--since", "1d", "--format", "json"])
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(onlyVerify.stdout.utf8)) as? [[String: Any]], onlyVerify.stdout + onlyVerify.stderr)
        XCTAssertEqual(array.map { $0["id"] as? Int }, [1])
        XCTAssertEqual(array.first?["reportSha256"] as? String, LedgerChain.sha256(reportJSON))

        let html = try Repository.runTool(["ledger", "show", "1", "--ledger", url, "--format", "html"])
        XCTAssertEqual(html.status, 0, html.stderr)
        let written = try String(contentsOf: work.appendingPathComponent("verify/report.html"), encoding: .utf8)
        XCTAssertEqual(html.stdout, written, "the HTML regenerated from the ledger is the report.html the run wrote")
        let raw = try Repository.runTool(["ledger", "show", "2", "--ledger", url, "--format", "report"])
        XCTAssertEqual(Data(raw.stdout.utf8), preflightJSON)
        let text = try Repository.runTool(["ledger", "show", "1", "--ledger", url])
        XCTAssertTrue(text.stdout.contains("verdict       PASS"), text.stdout)
        XCTAssertTrue(text.stdout.contains("Verdict: PASS"), "the run's own summary follows: \(text.stdout)")
        let json = try Repository.runTool(["ledger", "show", "1", "--ledger", url, "--format", "json"])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((object["report"] as? [String: Any])?["verdict"] as? String, "pass")
        let noHTML = try Repository.runTool(["ledger", "show", "2", "--ledger", url, "--format", "html"])
        XCTAssertEqual(noHTML.status, 2)
        XCTAssertTrue(noHTML.stderr.contains("no HTML report"), noHTML.stderr)
        let missing = try Repository.runTool(["ledger", "show", "7", "--ledger", url])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no run 7"), missing.stderr)

        // The ledger from the environment when --ledger is not given.
        let env = try Tools.run(try Repository.binary(), ["ledger", "verify"], check: false, environment: ["REPLICA_AUDIT_LEDGER": url])
        XCTAssertEqual(env.status, 0, env.stdout + env.stderr)
        XCTAssertTrue(env.stdout.contains("intact: 2 records"), env.stdout)
    }

    /// A ledger URL with a password and key paths, and targets with secrets: none reaches the
    /// ledger (nor the reports), yet the record says which ledger and targets were used.
    func secretsNeverStored() throws {
        let seed = try SeedImages.shared()
        let servers = try seed.servers()
        defer { servers.forEach { $0.stop() } }
        var url = try backend.makeLedger()
        var secrets = ["top-secret.psk", "hunter2"]
        if backend.name == "postgres" {
            // Trust authentication ignores the password; sslmode=disable ignores the key paths.
            url = url.replacingOccurrences(of: "postgres@", with: "postgres:swordfish@")
                + "?sslmode=disable&sslkey=/etc/ssl/ledger-client.key&sslpassword=keypass99"
            secrets += ["swordfish", "ledger-client.key", "keypass99"]
        }
        let reports = try TemporaryDirectory.make(prefix: "ledger-secrets")
        defer { try? FileManager.default.removeItem(at: reports) }
        let run = try Repository.runTool(["verify", "--inventory", SeedImages.inventory, "--connect-retries", "0",
                                          "--target", "2000=\(servers[0].uri())",
                                          "--target", "2001=nbds+unix://bob:hunter2@/vol-b?socket=\(reports.path)/none.sock&tls-psk-file=/etc/top-secret.psk",
                                          "--report-dir", reports.path, "--ledger", url])
        XCTAssertEqual(run.status, 3, "one target cannot be reached: inconclusive, and recorded: \(run.stdout) \(run.stderr)")
        let store = try Ledgers.open(url, create: false)
        defer { store.close() }
        let record = try XCTUnwrap(try store.list(LedgerFilter()).first.flatMap { try store.record(id: $0.id) })
        XCTAssertEqual(record.entry.verdict, "inconclusive")
        let everything = try backend.sql("SELECT * FROM ledger_runs", ledger: url) + String(decoding: record.report, as: UTF8.self)
            + record.entry.commandLineJSON + run.stdout + run.stderr
            + (try String(contentsOf: reports.appendingPathComponent("report.json"), encoding: .utf8))
        for secret in secrets { XCTAssertFalse(everything.contains(secret), "\(backend.name): \(secret) was stored or shown") }
        XCTAssertTrue(record.entry.commandLineJSON.contains("--ledger"), record.entry.commandLineJSON)
        XCTAssertTrue(record.entry.commandLineJSON.contains("REDACTED") || backend.name == "sqlite", record.entry.commandLineJSON)
    }
}
