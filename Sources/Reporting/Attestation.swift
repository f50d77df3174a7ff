import AuditCore
import Crypto
import DiskProbe
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `attestation.dsse.json` (README.md, "Provenance and signed attestations"; docs/CONTRACT.md):
/// a DSSE envelope, signed with Ed25519, around an in-toto Statement v1 whose subjects are the
/// report files and each volume read (`disk:KEY`), with the test-result predicate.
public enum Attestation {
    public static let fileName = "attestation.dsse.json"
    public static let payloadType = "application/vnd.in-toto+json"
    public static let statementType = "https://in-toto.io/Statement/v1"
    public static let predicateType = "https://in-toto.io/attestation/test-result/v0.1"

    /// One subject: a report file (its name in the directory) or a volume (`disk:KEY`).
    public struct Subject: Codable, Sendable, Equatable {
        public var name: String
        public var digest: [String: String]

        public init(name: String, sha256: String) {
            self.name = name
            self.digest = ["sha256": sha256]
        }
    }

    /// The test-result predicate: the verdict as PASSED / WARNED / FAILED and which tests had which.
    public struct Predicate: Codable, Sendable, Equatable {
        public var result: String
        /// The input files (inventory, baseline, …) with their digests.
        public var configuration: [Subject]
        public var passedTests: [String]
        public var warnedTests: [String]
        public var failedTests: [String]

        public init(result: String, configuration: [Subject], passedTests: [String], warnedTests: [String], failedTests: [String]) {
            self.result = result
            self.configuration = configuration
            self.passedTests = passedTests
            self.warnedTests = warnedTests
            self.failedTests = failedTests
        }
    }

    /// The in-toto Statement v1.
    public struct Statement: Codable, Sendable, Equatable {
        public var type: String
        public var subject: [Subject]
        public var predicateType: String
        public var predicate: Predicate

        private enum CodingKeys: String, CodingKey {
            case type = "_type", subject, predicateType, predicate
        }
    }

    /// The DSSE envelope.
    public struct Envelope: Codable, Sendable, Equatable {
        public struct Signature: Codable, Sendable, Equatable {
            public var keyid: String
            public var sig: String
        }
        public var payload: String
        public var payloadType: String
        public var signatures: [Signature]
    }

    /// DSSE's pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body,
    /// lengths as ASCII decimal byte counts.
    public static func pae(payloadType: String, payload: Data) -> Data {
        var out = Data("DSSEv1 \(payloadType.utf8.count) \(payloadType) \(payload.count) ".utf8)
        out.append(payload)
        return out
    }

    /// A volume's digest: SHA-256 over its region hashes in the order they were read, each
    /// the 32 raw bytes of the region's SHA-256.
    public static func volumeDigest(_ regions: [RegionRead]) -> String {
        var hasher = SHA256()
        for region in regions { hasher.update(data: hexBytes(region.sha256) ?? Data(region.sha256.utf8)) }
        return hex(hasher.finalize())
    }

    /// SHA-256 of a file's bytes, hex; nil when it cannot be read.
    public static func fileDigest(_ url: URL) -> String? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return hex(SHA256.hash(data: data))
    }

    /// Signs a statement about the report files `files` in `directory` (hashed as written),
    /// the volumes `volumes` (`disk:KEY` → digest) and writes `attestation.dsse.json` there.
    public static func write(directory: URL, files: [String], volumes: [Subject], predicate: Predicate,
                             key: Curve25519.Signing.PrivateKey, to envelopeURL: URL? = nil) throws {
        var subjects: [Subject] = []
        for name in files {
            guard let digest = fileDigest(directory.appendingPathComponent(name)) else {
                throw AttestationKeyError(directory.appendingPathComponent(name).path, "the report file to sign cannot be read back")
            }
            subjects.append(Subject(name: name, sha256: digest))
        }
        let statement = Statement(type: statementType, subject: subjects + volumes, predicateType: predicateType, predicate: predicate)
        let payload = try JSONOutput.encode(statement, pretty: false)
        let signature = try key.signature(for: pae(payloadType: payloadType, payload: payload))
        let envelope = Envelope(payload: payload.base64EncodedString(), payloadType: payloadType,
                                signatures: [.init(keyid: AttestationKeys.keyID(key.publicKey), sig: Data(signature).base64EncodedString())])
        try OutputLocation.write(try JSONOutput.document(envelope), to: (envelopeURL ?? directory.appendingPathComponent(fileName)).path)
    }

    /// Removes an attestation left in `directory` by an earlier signed run: reports written
    /// unsigned into the same directory must not appear signed (or appear tampered with).
    public static func removeStale(in directory: URL) {
        try? FileManager.default.removeItem(at: directory.appendingPathComponent(fileName))
    }

    /// Signs a baseline `capture` wrote at `file`: `FILE.dsse.json` beside it, subjects the
    /// baseline file and each source disk (`disk:KEY`, the digest over its probe's regions);
    /// PASSED, since capture writes a baseline only when every source was read completely.
    public static func signBaseline(at file: URL, volumes: [Subject], configuration: [Subject],
                                    key: Curve25519.Signing.PrivateKey) throws {
        let predicate = Predicate(result: "PASSED", configuration: configuration,
                                  passedTests: volumes.map(\.name), warnedTests: [], failedTests: [])
        try write(directory: file.deletingLastPathComponent(), files: [file.lastPathComponent], volumes: volumes,
                  predicate: predicate, key: key, to: envelopeURL(forFile: file))
    }

    /// What `attest verify` found good.
    public struct Verified: Sendable {
        public var statement: Statement
        public var keyid: String
        public var files: [String]
    }

    /// Why an attestation does not hold, in one line.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Checks `directory/attestation.dsse.json` against `key`: the signature over the PAE,
    /// the statement's types, and that every report file named as a subject is there with
    /// the signed digest.
    public static func verify(directory: URL, key: Curve25519.Signing.PublicKey) -> Result<Verified, Failure> {
        verify(envelope: directory.appendingPathComponent(fileName), directory: directory, key: key)
    }

    /// The envelope of a signed file (a `capture` baseline): `FILE.dsse.json` beside it.
    public static func envelopeURL(forFile file: URL) -> URL {
        file.deletingLastPathComponent().appendingPathComponent(file.lastPathComponent + ".dsse.json")
    }

    /// Checks the envelope at `path`; its file subjects are names in `directory`.
    public static func verify(envelope path: URL, directory: URL, key: Curve25519.Signing.PublicKey) -> Result<Verified, Failure> {
        let fileName = path.lastPathComponent
        let fail = { (text: String) in Result<Verified, Failure>.failure(Failure(description: text)) }
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory else {
            return fail("\(directory.path) is not a directory of reports")
        }
        guard let data = FileManager.default.contents(atPath: path.path) else {
            return fail("\(path.path) is missing: nothing was signed (--sign-key) or the file was removed")
        }
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: data) else {
            return fail("\(fileName) is not a DSSE envelope (payload, payloadType, signatures)")
        }
        guard envelope.payloadType == payloadType else {
            return fail("\(fileName) has payloadType '\(envelope.payloadType)', expected \(payloadType)")
        }
        guard let payload = Data(base64Encoded: envelope.payload) else { return fail("\(fileName): the payload is not valid base64") }
        guard !envelope.signatures.isEmpty else { return fail("\(fileName) carries no signature") }
        let message = pae(payloadType: envelope.payloadType, payload: payload)
        let good = envelope.signatures.first { signature in
            guard let bytes = Data(base64Encoded: signature.sig) else { return false }
            return key.isValidSignature(bytes, for: message)
        }
        guard let good else {
            return fail("the signature does not verify with this public key (another key signed it, or the attestation was altered)")
        }
        guard let statement = try? JSONDecoder().decode(Statement.self, from: payload) else {
            return fail("the signed payload is not an in-toto statement")
        }
        guard statement.type == statementType, statement.predicateType == predicateType else {
            return fail("the signed statement is \(statement.type) / \(statement.predicateType), expected \(statementType) / \(predicateType)")
        }
        let files = statement.subject.filter { !$0.name.hasPrefix("disk:") }
        guard !files.isEmpty else { return fail("the signed statement names no report file") }
        for subject in files {
            guard !subject.name.contains("/"), subject.name != "..", let expected = subject.digest["sha256"] else {
                return fail("the signed statement names '\(subject.name)', which is not a report file of this directory")
            }
            let url = directory.appendingPathComponent(subject.name)
            guard FileManager.default.fileExists(atPath: url.path) else { return fail("\(subject.name) is missing from \(directory.path)") }
            guard let actual = fileDigest(url) else { return fail("\(subject.name) cannot be read") }
            guard actual == expected.lowercased() else {
                return fail("\(subject.name) was changed after it was signed (sha256 \(actual), signed \(expected))")
            }
        }
        return .success(Verified(statement: statement, keyid: good.keyid, files: files.map(\.name)))
    }

    static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        bytes.map { TextFormat.hex($0, width: 2) }.joined()
    }

    static func hexBytes(_ text: String) -> Data? {
        guard text.count % 2 == 0 else { return nil }
        var out = Data(capacity: text.count / 2)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }
}
