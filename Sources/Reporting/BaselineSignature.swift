import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The check of a baseline's signature before any volume is read (README.md, "Provenance and
/// signed attestations"): BASELINE.dsse.json, written by `capture --sign-key`, must hold
/// under the public key and cover the baseline's bytes. Shared by `verify
/// --baseline-public-key` and a wave entry's `baseline_public_key`.
public enum BaselineSignature {
    /// "verified: key 0123456789abcdef" for the report's provenance, or the one-line reason
    /// the signature does not hold.
    public static func check(baseline: String, publicKey: String) -> Result<String, BaselineSignatureError> {
        let key: Curve25519.Signing.PublicKey
        do { key = try AttestationKeys.publicKey(path: publicKey) } catch {
            return .failure(BaselineSignatureError(description: "\(error)", aboutKey: true))
        }
        let file = URL(fileURLWithPath: baseline)
        switch Attestation.verify(envelope: Attestation.envelopeURL(forFile: file), directory: file.deletingLastPathComponent(), key: key) {
        case .success(let verified) where verified.files.contains(file.lastPathComponent):
            return .success("verified: key \(verified.keyid.prefix(16))")
        case .success:
            return .failure(BaselineSignatureError(description: "the baseline's signature does not cover \(file.lastPathComponent); capture it again with --sign-key"))
        case .failure(let failure):
            return .failure(BaselineSignatureError(description: "the baseline's signature does not hold: \(failure.description)"))
        }
    }
}

/// Why a baseline's signature was not accepted; `aboutKey` when the public key itself is unusable.
public struct BaselineSignatureError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public var aboutKey = false
}
