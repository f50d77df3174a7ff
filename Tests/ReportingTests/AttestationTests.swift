import AuditCore
import Foundation
import Reporting
import TestSupport
import Verification
import XCTest

/// Issue 15, the pure parts: DSSE's PAE, key files, sign-then-verify, the provenance section.
/// The interoperability with independent implementations is in EndToEndTests/AttestationTests.
final class AttestationUnitTests: XCTestCase {
    /// Ed25519 test vector 1 of RFC 8032 as PKCS#8 and SubjectPublicKeyInfo PEM.
    static let rfcSeed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
    static let rfcPublic = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"

    func pem(_ label: String, _ hex: String) -> String {
        "-----BEGIN \(label)-----\n" + Data(hexString: hex).base64EncodedString() + "\n-----END \(label)-----\n"
    }

    func file(_ text: String) throws -> String {
        let dir = try TemporaryDirectory.make(prefix: "keys")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("key.pem").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testPAEIsTheOneTheDSSESpecDefines() {
        // The DSSE protocol's example: PAE("http://example.com/HelloWorld", "hello world").
        let pae = Attestation.pae(payloadType: "http://example.com/HelloWorld", payload: Data("hello world".utf8))
        XCTAssertEqual(String(decoding: pae, as: UTF8.self), "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
        // Lengths are byte counts, not character counts.
        let utf8 = Attestation.pae(payloadType: "t", payload: Data("é".utf8))
        XCTAssertEqual(String(decoding: utf8, as: UTF8.self), "DSSEv1 1 t 2 é")
    }

    func testKeysFromRFC8032ParseToTheKnownPublicKey() throws {
        let privatePath = try file(pem("PRIVATE KEY", "302e020100300506032b657004220420" + Self.rfcSeed))
        let key = try AttestationKeys.privateKey(path: privatePath)
        XCTAssertEqual(key.publicKey.rawRepresentation.map { String(format: "%02x", $0) }.joined(), Self.rfcPublic)
        let publicPath = try file(pem("PUBLIC KEY", "302a300506032b6570032100" + Self.rfcPublic))
        XCTAssertEqual(try AttestationKeys.publicKey(path: publicPath).rawRepresentation, key.publicKey.rawRepresentation)
        XCTAssertEqual(AttestationKeys.pem(key.publicKey), pem("PUBLIC KEY", "302a300506032b6570032100" + Self.rfcPublic))
    }

    func testMalformedKeysGiveOneLineReasons() throws {
        let cases: [(String, String)] = [
            (pem("PRIVATE KEY", "302e020100300506032b657004220420" + String(Self.rfcSeed.dropLast(2))), "does not parse"),
            (pem("PRIVATE KEY", "302d020100300506032b6570042104" + "1f" + String(Self.rfcSeed.dropLast(2))), "not a 32-byte seed"),
            (pem("PRIVATE KEY", "302e020100300506032b657104220420" + Self.rfcSeed), "not an Ed25519 key"),  // Ed448's OID
            (pem("PRIVATE KEY", "30"), "does not parse"),
            ("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "encrypted"),
            ("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n", "an RSA key"),
            ("just text\n", "not a PEM file"),
            ("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", "holds -----BEGIN OPENSSH PRIVATE KEY-----"),
            ("-----BEGIN PRIVATE KEY-----\nAAAA\n", "expected -----BEGIN PRIVATE KEY-----"),
        ]
        for (text, reason) in cases {
            let path = try file(text)
            XCTAssertThrowsError(try AttestationKeys.privateKey(path: path)) { error in
                let line = String(describing: error)
                XCTAssertTrue(line.contains(reason), "\(text): \(line)")
                XCTAssertFalse(line.contains("\n"), line)
            }
        }
    }

    func testSignedReportVerifiesAndEveryAlterationIsCaught() throws {
        let dir = try TemporaryDirectory.make(prefix: "attest")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        var report = SampleReports.incident()
        report.provenance = Provenance(tool: .init(version: "0.1.0"), commandLine: ["replica-audit", "verify"], host: "h", user: "u",
                                       startedAt: "2026-01-01T00:00:00Z", finishedAt: "2026-01-01T00:00:01Z",
                                       inputs: [.init(role: "inventory", path: "inv.json", sha256: String(repeating: "a", count: 64))],
                                       caseId: "C-1", examiner: "<script>alert(1)</script> | x")
        try ReportWriter.write(report, to: dir)
        let key = try AttestationKeys.privateKey(path: try file(pem("PRIVATE KEY", "302e020100300506032b657004220420" + Self.rfcSeed)))
        try Attestation.sign(report, in: dir, key: key)

        guard case .success(let verified) = Attestation.verify(directory: dir, key: key.publicKey) else {
            return XCTFail("a freshly signed directory does not verify")
        }
        XCTAssertEqual(verified.statement.predicate.result, "FAILED")
        XCTAssertEqual(verified.statement.predicate.configuration.first?.name, "inventory:inv.json")
        XCTAssertEqual(Set(verified.files), Set(ReportWriter.fileNames))
        let disks = verified.statement.subject.filter { $0.name.hasPrefix("disk:") }
        XCTAssertEqual(disks.map(\.name), report.disks.filter { $0.probe != nil }.map { "disk:\($0.key)" })
        let predicate = verified.statement.predicate
        XCTAssertEqual(predicate.failedTests, report.disks.filter { $0.verdict == .fail }.map { "disk:\($0.key)" })
        XCTAssertEqual(predicate.passedTests, report.disks.filter { $0.verdict == .pass }.map { "disk:\($0.key)" })
        XCTAssertEqual(predicate.warnedTests, report.disks.filter { $0.verdict == .inconclusive }.map { "disk:\($0.key)" })
        XCTAssertFalse(predicate.failedTests.isEmpty)

        // The untrusted examiner text is escaped in HTML and Markdown.
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertFalse(html.contains("<script>alert"))
        XCTAssertTrue(try String(contentsOf: dir.appendingPathComponent("report.md"), encoding: .utf8).contains("C-1"))

        // Another key; an edited junit.xml; an added subject escaping the directory.
        let other = try AttestationKeys.privateKey(path: try file(pem("PRIVATE KEY", "302e020100300506032b657004220420" + String(repeating: "11", count: 32))))
        guard case .failure(let wrongKey) = Attestation.verify(directory: dir, key: other.publicKey) else { return XCTFail("another key verified") }
        XCTAssertTrue(wrongKey.description.contains("signature does not verify"), wrongKey.description)
        let junit = dir.appendingPathComponent("junit.xml")
        try (String(contentsOf: junit, encoding: .utf8) + " ").write(to: junit, atomically: true, encoding: .utf8)
        guard case .failure(let edited) = Attestation.verify(directory: dir, key: key.publicKey) else { return XCTFail("an edited file verified") }
        XCTAssertTrue(edited.description.contains("junit.xml was changed after it was signed"), edited.description)
        try Attestation.write(directory: dir, files: ["report.json"], volumes: [.init(name: "../etc/passwd", sha256: "00")],
                              predicate: .init(result: "PASSED", configuration: [], passedTests: [], warnedTests: [], failedTests: []), key: key)
        guard case .failure(let escaping) = Attestation.verify(directory: dir, key: key.publicKey) else { return XCTFail("a subject outside verified") }
        XCTAssertTrue(escaping.description.contains("not a report file of this directory"), escaping.description)
    }

    func testVolumeDigestIsOverTheRawRegionDigestsInOrder() {
        let a = String(repeating: "01", count: 32), b = String(repeating: "ff", count: 32)
        let regions = [RegionReadFixture.make(a), RegionReadFixture.make(b)]
        let expected = Attestation.volumeDigest(regions)
        XCTAssertNotEqual(expected, Attestation.volumeDigest(regions.reversed()))
        // SHA-256 of 0x01×32 ‖ 0xff×32, computed independently with sha256sum.
        XCTAssertEqual(expected, RegionReadFixture.sha256sum(Data(hexString: a + b)))
    }
}

import DiskProbe

enum RegionReadFixture {
    static func make(_ sha: String) -> RegionRead { RegionRead(offset: 0, length: 512, sha256: sha, purpose: "test") }

    static func sha256sum(_ data: Data) -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ra-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        try? data.write(to: url)
        let out = (try? Tools.run("sha256sum", [url.path]).stdout) ?? ""
        return String(out.prefix(64))
    }
}

extension Data {
    init(hexString: String) {
        var bytes: [UInt8] = []
        var index = hexString.startIndex
        while index < hexString.endIndex {
            let next = hexString.index(index, offsetBy: 2)
            bytes.append(UInt8(hexString[index..<next], radix: 16)!)
            index = next
        }
        self.init(bytes)
    }
}
