import ArgumentParser
import AuditCore
import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Reporting

/// Loads `--sign-key`, or prints a one-line reason and exits 2 (before any volume is read).
func loadSigningKey(_ path: String) throws -> Curve25519.Signing.PrivateKey {
    do { return try AttestationKeys.privateKey(path: path) } catch {
        printError("replica-audit: --sign-key \(error)")
        throw ExitCode(2)
    }
}

/// `attest`: checks the signed attestations `verify --sign-key` writes (README.md,
/// "Provenance and signed attestations").
struct Attest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Check the signed attestation of a report directory.",
        subcommands: [AttestVerify.self])

    static let examples = [
        "openssl pkey -in signing.pem -pubout -out signing.pub",
        "replica-audit attest verify Reports/pgtest1-20260101T120000Z --public-key signing.pub",
    ]
}

/// `attest verify DIR --public-key FILE`: exit 0 when the signature is good and every signed
/// report file is unchanged; 1 with a one-line reason otherwise.
struct AttestVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check DIR/attestation.dsse.json: the Ed25519 signature, and that every signed report file is unchanged.",
        discussion: """
            Exit codes: 0 the signature is good and every report file it names matches its signed \
            SHA-256; 1 otherwise (bad or foreign signature, an edited or missing file, an unusable \
            public key), with the reason on one line.
            """)

    @Argument(help: "The report directory (report.json and attestation.dsse.json), or a baseline file signed by 'capture --sign-key' (BASELINE.dsse.json beside it).")
    var directory: String

    @Option(name: .customLong("public-key"), help: "The Ed25519 public key, PEM as 'openssl pkey -pubout' writes it.")
    var publicKey: String

    func run() throws {
        let key: Curve25519.Signing.PublicKey
        do { key = try AttestationKeys.publicKey(path: publicKey) } catch {
            printError("replica-audit: attest verify: --public-key \(error)")
            throw ExitCode(1)
        }
        var isDirectory = false
        let exists = FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory)
        let url = URL(fileURLWithPath: directory)
        let outcome = exists && !isDirectory
            ? Attestation.verify(envelope: Attestation.envelopeURL(forFile: url), directory: url.deletingLastPathComponent(), key: key)
            : Attestation.verify(directory: url, key: key)
        switch outcome {
        case .success(let verified):
            let disks = verified.statement.subject.count - verified.files.count
            print(TerminalText.output("attestation good: \(verified.files.joined(separator: ", ")) unchanged, "
                                      + "\(disks) volume\(disks == 1 ? "" : "s") attested, result \(verified.statement.predicate.result), "
                                      + "signed by key \(String(verified.keyid.prefix(16)))"))
        case .failure(let failure):
            printError("replica-audit: attest verify: \(failure.description)")
            throw ExitCode(1)
        }
    }
}
