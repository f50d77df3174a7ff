import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import AuditCore

/// A key file that cannot be used, in one line that says what to do.
public struct AttestationKeyError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ path: String, _ reason: String) { description = "\(path): \(reason)" }
}

/// Ed25519 keys as OpenSSL writes them (README.md, "Provenance and signed attestations"):
/// the private key as PEM PKCS#8 (`openssl genpkey -algorithm ed25519`), the public key as
/// PEM SubjectPublicKeyInfo (`openssl pkey -pubout`). The DER is read here, by a strict
/// minimal parser: only the Ed25519 algorithm (OID 1.3.101.112) is accepted.
public enum AttestationKeys {
    static let ed25519OID: [UInt8] = [0x06, 0x03, 0x2B, 0x65, 0x70]
    static let rsaOID: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
    static let ecOID: [UInt8] = [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]
    static let hint = "make one with 'openssl genpkey -algorithm ed25519 -out signing.pem'"

    /// The private key in `path`; throws a one-line reason for anything else.
    public static func privateKey(path: String) throws(AttestationKeyError) -> Curve25519.Signing.PrivateKey {
        let der = try pemBody(path: path, label: "PRIVATE KEY", what: "an Ed25519 private key (PEM PKCS#8)")
        // PrivateKeyInfo ::= SEQUENCE { version INTEGER, algorithm AlgorithmIdentifier,
        //                               privateKey OCTET STRING { OCTET STRING seed }, ... }
        var outer = DER(der)
        guard var info = outer.read(tag: 0x30), outer.atEnd, let version = info.bytes(tag: 0x02),
              version == [0] || version == [1], var algorithm = info.read(tag: 0x30) else {
            throw AttestationKeyError(path, "not a PKCS#8 private key (the DER inside the PEM does not parse); \(hint)")
        }
        try checkAlgorithm(&algorithm, path: path)
        guard let octets = info.bytes(tag: 0x04) else {
            throw AttestationKeyError(path, "the PKCS#8 key holds no private key octets; \(hint)")
        }
        var inner = DER(octets)
        guard let seed = inner.bytes(tag: 0x04), inner.atEnd, seed.count == 32 else {
            throw AttestationKeyError(path, "the Ed25519 private key is not a 32-byte seed; \(hint)")
        }
        do { return try Curve25519.Signing.PrivateKey(rawRepresentation: seed) } catch {
            throw AttestationKeyError(path, "the Ed25519 seed is not usable: \(error)")
        }
    }

    /// The public key in `path` (PEM SubjectPublicKeyInfo).
    public static func publicKey(path: String) throws(AttestationKeyError) -> Curve25519.Signing.PublicKey {
        let der = try pemBody(path: path, label: "PUBLIC KEY", what: "an Ed25519 public key (PEM, as 'openssl pkey -pubout' writes)")
        // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
        var outer = DER(der)
        guard var info = outer.read(tag: 0x30), outer.atEnd, var algorithm = info.read(tag: 0x30) else {
            throw AttestationKeyError(path, "not a SubjectPublicKeyInfo (the DER inside the PEM does not parse)")
        }
        try checkAlgorithm(&algorithm, path: path)
        guard let bits = info.bytes(tag: 0x03), info.atEnd, bits.count == 33, bits[0] == 0 else {
            throw AttestationKeyError(path, "the Ed25519 public key is not 32 bytes")
        }
        do { return try Curve25519.Signing.PublicKey(rawRepresentation: bits.dropFirst()) } catch {
            throw AttestationKeyError(path, "the Ed25519 public key is not usable: \(error)")
        }
    }

    /// The public key as PEM SubjectPublicKeyInfo, as `openssl pkey -pubout` writes it.
    public static func pem(_ key: Curve25519.Signing.PublicKey) -> String {
        let der = Data([0x30, 0x2A, 0x30, 0x05] + ed25519OID + [0x03, 0x21, 0x00]) + key.rawRepresentation
        return "-----BEGIN PUBLIC KEY-----\n" + der.base64EncodedString() + "\n-----END PUBLIC KEY-----\n"
    }

    /// The key ID recorded in the envelope: SHA-256 of the public key's SubjectPublicKeyInfo DER, hex.
    public static func keyID(_ key: Curve25519.Signing.PublicKey) -> String {
        let der = Data([0x30, 0x2A, 0x30, 0x05] + ed25519OID + [0x03, 0x21, 0x00]) + key.rawRepresentation
        return SHA256.hash(data: der).map { TextFormat.hex($0, width: 2) }.joined()
    }

    private static func checkAlgorithm(_ algorithm: inout DER, path: String) throws(AttestationKeyError) {
        let oid = algorithm.readRaw(tag: 0x06)
        if oid == ed25519OID, algorithm.atEnd { return }
        if oid == rsaOID { throw AttestationKeyError(path, "an RSA key; attestations are signed with Ed25519 only: \(hint)") }
        if oid == ecOID { throw AttestationKeyError(path, "an elliptic-curve (ECDSA) key; attestations are signed with Ed25519 only: \(hint)") }
        throw AttestationKeyError(path, "not an Ed25519 key (another algorithm); \(hint)")
    }

    /// The DER between the PEM armour lines `-----BEGIN <label>-----`, or a one-line reason.
    private static func pemBody(path: String, label: String, what: String) throws(AttestationKeyError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw AttestationKeyError(path, "no such file; expected \(what)") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw AttestationKeyError(path, "not a regular file; expected \(what)") }
        guard info.st_size > 0 else { throw AttestationKeyError(path, "the file is empty; expected \(what)") }
        guard info.st_size < 64 * 1024, let data = FileManager.default.contents(atPath: path) else {
            throw AttestationKeyError(path, info.st_size >= 64 * 1024 ? "too large for a key file; expected \(what)" : "cannot be read (permissions?)")
        }
        guard let text = String(data: data, encoding: .utf8), text.contains("-----BEGIN ") else {
            throw AttestationKeyError(path, "not a PEM file (binary DER or something else); expected \(what)")
        }
        if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
            throw AttestationKeyError(path, "an encrypted private key; write it unencrypted for signing (openssl pkey -in KEY -out signing.pem)")
        }
        if text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN RSA PUBLIC KEY-----") {
            throw AttestationKeyError(path, "an RSA key; attestations are signed with Ed25519 only: \(hint)")
        }
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        guard let start = text.firstRange(of: begin), let stop = text[start.upperBound..<text.endIndex].firstRange(of: end) else {
            let found = text.firstRange(of: #/-----BEGIN [A-Z0-9 ]+-----/#).map { String(text[$0]) } ?? "another PEM block"
            throw AttestationKeyError(path, "holds \(found), expected \(begin): \(what)")
        }
        let body = text[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        guard let der = Data(base64Encoded: String(body)), !der.isEmpty else {
            throw AttestationKeyError(path, "the PEM body is not valid base64")
        }
        return [UInt8](der)
    }
}

/// A minimal DER reader: definite lengths only, as keys use.
struct DER {
    private var bytes: ArraySlice<UInt8>

    init(_ bytes: [UInt8]) { self.bytes = bytes[...] }
    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { bytes.isEmpty }

    /// The contents of the next element if it has `tag`; nil (and nothing consumed) otherwise.
    mutating func read(tag: UInt8) -> DER? { contents(tag: tag).map { DER($0.contents) } }

    /// The next element's contents as bytes.
    mutating func bytes(tag: UInt8) -> [UInt8]? { contents(tag: tag).map { Array($0.contents) } }

    /// The whole next element (tag, length, contents).
    mutating func readRaw(tag: UInt8) -> [UInt8]? { contents(tag: tag).map { Array($0.whole) } }

    private mutating func contents(tag: UInt8) -> (whole: ArraySlice<UInt8>, contents: ArraySlice<UInt8>)? {
        let start = bytes.startIndex
        guard bytes.count >= 2, bytes[start] == tag else { return nil }
        var index = start + 1
        var length = Int(bytes[index])
        index += 1
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard (1...3).contains(count), bytes.endIndex - index >= count else { return nil }
            length = 0
            for _ in 0..<count { length = length << 8 | Int(bytes[index]); index += 1 }
        }
        guard bytes.endIndex - index >= length else { return nil }
        let whole = bytes[start..<index + length], contents = bytes[index..<index + length]
        bytes = bytes[(index + length)...]
        return (whole, contents)
    }
}
