import ArgumentParser
import AuditCore
import BlockAccess
import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Ledger

/// `--case-id`, `--examiner` and `--sign-key` of `verify`, `preflight` and `capture`, and the
/// provenance block every report carries (README.md, "Provenance and signed attestations").
struct ProvenanceOptions: ParsableArguments {
    @Option(name: .customLong("case-id"), help: "The case or ticket this run belongs to; recorded in the report's provenance.")
    var caseId: String?

    @Option(help: "Who ran the examination; recorded in the report's provenance.")
    var examiner: String?

    @Option(name: .customLong("sign-key"),
            help: "An Ed25519 private key (PEM PKCS#8, 'openssl genpkey -algorithm ed25519'): also write a signed in-toto statement: attestation.dsse.json over the reports of verify and preflight, OUTPUT.dsse.json over capture's baseline ('verify --baseline-public-key' checks it).")
    var signKey: String?

    /// The `--sign-key` key, loaded now so that a key that cannot sign stops the run before
    /// any volume is read (a one-line reason, exit 2); nil without `--sign-key`.
    func signingKey() throws -> Curve25519.Signing.PrivateKey? { try signKey.map(loadSigningKey) }

    func validate() throws {
        for (name, value) in [("--case-id", caseId), ("--examiner", examiner)] {
            if let value, value.trimmingWhitespace().isEmpty || value.contains(where: { $0.isNewline }) {
                throw ValidationError("\(name) must be one line of text, not empty")
            }
        }
    }

    /// The provenance of a run that started at `started` and read `inputs` (role, path).
    func provenance(startedAt started: Date, finishedAt finished: Date = Date(),
                    inputs: [(role: String, path: String)]) -> Provenance {
        Provenance(tool: Provenance.Tool(version: ReplicaAudit.configuration.version),
                   commandLine: RunEnvironment.redactedCommandLine(CommandLine.arguments),
                   host: RunEnvironment.host, user: RunEnvironment.user,
                   startedAt: ReportClock.iso8601(started), finishedAt: ReportClock.iso8601(finished),
                   inputs: inputs.map { Provenance.Input(role: $0.role, path: $0.path, sha256: RunEnvironment.sha256(ofFile: $0.path)) },
                   caseId: caseId, examiner: examiner)
    }
}

/// Host, user, the redacted command line, and file digests.
enum RunEnvironment {
    /// The host name as the kernel knows it.
    static var host: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The login name of the effective user (and its uid), e.g. "root (uid 0)".
    static var user: String {
        let uid = geteuid()
        if let entry = getpwuid(uid), let name = entry.pointee.pw_name { return "\(String(cString: name)) (uid \(uid))" }
        return "uid \(uid)"
    }

    /// The arguments with every secret replaced by REDACTED: the password in a URI's user
    /// information and every query value but `socket`, `tls-username` and `tls` (so a
    /// `tls-psk-file=` path never appears), in each comma-separated piece of an argument.
    /// Key files are named by path only; their contents never reach a report. A ledger URL's
    /// password and query values are redacted too (docs/LEDGER.md).
    static func redactedCommandLine(_ arguments: [String]) -> [String] {
        Ledgers.redactedCommandLine(arguments.map { argument in
            guard argument.contains("://") else { return argument }
            return argument.split(separator: ",", omittingEmptySubsequences: false)
                .map { Target.redactingURIs(in: String($0)) }.joined(separator: ",")
        })
    }

    /// SHA-256 of a file's bytes, lower-case hex; nil when it cannot be read (stdin, gone).
    static func sha256(ofFile path: String) -> String? {
        guard let handle = try? FileDescriptor.open(path, O_RDONLY | O_CLOEXEC) else { return nil }
        defer { _ = handle.close() }
        var hasher = SHA256()
        var offset: UInt64 = 0
        do {
            while true {
                let chunk = try handle.readBytes(at: offset, count: 1 << 20)
                if chunk.isEmpty { break }
                hasher.update(data: chunk)
                offset += UInt64(chunk.count)
            }
        } catch {
            return nil
        }
        return hasher.finalize().map { TextFormat.hex($0, width: 2) }.joined()
    }
}
