import Foundation
import TestSupport
import XCTest

/// Issue 15: provenance in every report, and signed DSSE / in-toto attestations checked by
/// independent implementations (Python's `cryptography` with the DSSE PAE written out, and
/// `openssl pkeyutl -verify -rawin`).
final class AttestationTests: XCTestCase {
    /// An independent DSSE verifier: PAE from the DSSE spec, Ed25519 from `cryptography`.
    /// Prints the statement's result and subject names; exits 1 on a bad signature.
    static let pythonVerifier = #"""
import base64, json, sys
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from cryptography.exceptions import InvalidSignature
envelope = json.load(open(sys.argv[1]))
key = load_pem_public_key(open(sys.argv[2], "rb").read())
payload = base64.b64decode(envelope["payload"])
ptype = envelope["payloadType"].encode()
pae = b"DSSEv1 %d %s %d %s" % (len(ptype), ptype, len(payload), payload)
try:
    key.verify(base64.b64decode(envelope["signatures"][0]["sig"]), pae)
except InvalidSignature:
    print("BAD SIGNATURE"); sys.exit(1)
statement = json.loads(payload)
print(json.dumps({"type": statement["_type"], "predicateType": statement["predicateType"],
                  "result": statement["predicate"]["result"], "payloadType": envelope["payloadType"],
                  "subjects": {s["name"]: s["digest"]["sha256"] for s in statement["subject"]}}))
"""#

    struct Keys {
        let directory: URL
        var privateKey: String { directory.appendingPathComponent("signing.pem").path }
        var publicKey: String { directory.appendingPathComponent("signing.pub").path }
        var otherPublicKey: String { directory.appendingPathComponent("other.pub").path }
        var verifier: String { directory.appendingPathComponent("dsse_verify.py").path }
    }

    func makeKeys() throws -> Keys {
        let dir = try TemporaryDirectory.make(prefix: "keys")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let keys = Keys(directory: dir)
        try Tools.run("openssl", ["genpkey", "-algorithm", "ed25519", "-out", keys.privateKey])
        try Tools.run("openssl", ["pkey", "-in", keys.privateKey, "-pubout", "-out", keys.publicKey])
        let other = dir.appendingPathComponent("other.pem").path
        try Tools.run("openssl", ["genpkey", "-algorithm", "ed25519", "-out", other])
        try Tools.run("openssl", ["pkey", "-in", other, "-pubout", "-out", keys.otherPublicKey])
        try Self.pythonVerifier.write(toFile: keys.verifier, atomically: true, encoding: .utf8)
        return keys
    }

    func seed() throws -> (Scenario, String) {
        let scenario = try Scenario(script: "make-seed.sh")
        try scenario.serve("vol2000", image: "vol2000-contaminated.img")
        try scenario.serve("vol2001", image: "vol2001.img")
        let inventory = try scenario.inventory(vm: "pgtest1", disks: [
            (2000, "Hard disk 1", 123_480_309_760), (2001, "Hard disk 2", 10_737_418_240),
        ])
        return (scenario, inventory)
    }

    func sha256(_ path: String) throws -> String {
        let out = try Tools.run("sha256sum", [path]).stdout
        return String(out.prefix(64))
    }

    func testSignedReportVerifiesWithIndependentImplementationsAndFailsWhenEdited() throws {
        let keys = try makeKeys()
        let (scenario, inventory) = try seed()
        let run = try VerifyResult(
            ["--inventory", inventory,
             "--nbd-targets", "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))",
             "--sign-key", keys.privateKey, "--case-id", "INC-4711", "--examiner", "J. Doe"],
            reportDirectory: scenario.reportDirectory("signed"))
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let dir = run.reportDirectory
        let envelopePath = dir + "/attestation.dsse.json"

        // Provenance: build, redacted command line, inputs with their digests, case and examiner.
        let provenance = try XCTUnwrap(run.report["provenance"] as? [String: Any])
        XCTAssertEqual(provenance["caseId"] as? String, "INC-4711")
        XCTAssertEqual(provenance["examiner"] as? String, "J. Doe")
        let tool = try XCTUnwrap(provenance["tool"] as? [String: Any])
        XCTAssertEqual(tool["name"] as? String, "replica-audit")
        let build = try XCTUnwrap(tool["build"] as? [String: Any])
        // `make` stamps the build (scripts/build-info.sh); a plain `swift build` says "unknown".
        let commit = try XCTUnwrap(build["commit"] as? String), date = try XCTUnwrap(build["date"] as? String)
        if commit == "unknown" {
            XCTAssertEqual(date, "unknown")
        } else {
            XCTAssertNotNil(commit.range(of: #"^[0-9a-f]{40}(-dirty)?$"#, options: .regularExpression), commit)
            XCTAssertNotNil(date.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"#, options: .regularExpression), date)
            let known = try Tools.run("git", ["-C", Repository.root.path, "cat-file", "-e", String(commit.prefix(40)) + "^{commit}"], check: false)
            XCTAssertEqual(known.status, 0, "the stamped commit \(commit) is not in this repository")
        }
        let inputs = try XCTUnwrap(provenance["inputs"] as? [[String: Any]])
        XCTAssertEqual(inputs.count, 1)
        XCTAssertEqual(inputs.first?["role"] as? String, "inventory")
        XCTAssertEqual(inputs.first?["sha256"] as? String, try sha256(inventory))
        let commandLine = try XCTUnwrap(provenance["commandLine"] as? [String])
        XCTAssertTrue(commandLine.contains("--sign-key") && commandLine.contains(keys.privateKey), "\(commandLine)")
        let keyText = try String(contentsOfFile: keys.privateKey, encoding: .utf8)
        let body = keyText.split(separator: "\n")[1]
        XCTAssertFalse(try String(contentsOfFile: dir + "/report.json", encoding: .utf8).contains(body), "key material in the report")
        XCTAssertFalse((provenance["host"] as? String ?? "").isEmpty)
        XCTAssertFalse((provenance["user"] as? String ?? "").isEmpty)
        XCTAssertTrue(try String(contentsOfFile: dir + "/report.md", encoding: .utf8).contains("INC-4711"))
        XCTAssertTrue(try String(contentsOfFile: dir + "/report.html", encoding: .utf8).contains("J. Doe"))

        // Python's cryptography with the DSSE PAE written out agrees, and sees what was signed.
        let python = try Tools.run("python3", [keys.verifier, envelopePath, keys.publicKey], check: false)
        XCTAssertEqual(python.status, 0, python.stdout + python.stderr)
        let seen = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(python.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(seen["type"] as? String, "https://in-toto.io/Statement/v1")
        XCTAssertEqual(seen["predicateType"] as? String, "https://in-toto.io/attestation/test-result/v0.1")
        XCTAssertEqual(seen["payloadType"] as? String, "application/vnd.in-toto+json")
        XCTAssertEqual(seen["result"] as? String, "FAILED")
        let subjects = try XCTUnwrap(seen["subjects"] as? [String: String])
        XCTAssertEqual(subjects["report.json"], try sha256(dir + "/report.json"))
        XCTAssertEqual(Set(subjects.keys), ["report.json", "junit.xml", "report.md", "report.html", "disk:2000", "disk:2001"])
        // disk:KEY is SHA-256 over the raw region digests of the probe, in order.
        let regions = (run.disk("2001")?["probe"] as? [String: Any])?["regionsRead"] as? [[String: Any]] ?? []
        XCTAssertFalse(regions.isEmpty)
        let concatenated = dir + "/regions.bin"
        let hex = regions.map { $0["sha256"] as? String ?? "" }.joined()
        try Tools.run("sh", ["-c", "printf '%s' \"$1\" | xxd -r -p > \"$2\"", "sh", hex, concatenated])
        XCTAssertEqual(subjects["disk:2001"], try sha256(concatenated))
        try FileManager.default.removeItem(atPath: concatenated)
        // The other key is refused by the independent verifier too.
        XCTAssertEqual(try Tools.run("python3", [keys.verifier, envelopePath, keys.otherPublicKey], check: false).status, 1)

        // openssl: the PAE rebuilt with the shell, the raw Ed25519 signature checked.
        let pae = dir + "/../pae.bin", sig = dir + "/../sig.bin"
        try Tools.run("python3", ["-c", """
            import base64, json, sys
            e = json.load(open(sys.argv[1])); p = base64.b64decode(e["payload"]); t = e["payloadType"].encode()
            open(sys.argv[2], "wb").write(b"DSSEv1 %d %s %d %s" % (len(t), t, len(p), p))
            open(sys.argv[3], "wb").write(base64.b64decode(e["signatures"][0]["sig"]))
            """, envelopePath, pae, sig])
        let openssl = try Tools.run("openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", keys.publicKey, "-rawin",
                                                "-in", pae, "-sigfile", sig], check: false)
        XCTAssertEqual(openssl.status, 0, openssl.stdout + openssl.stderr)
        XCTAssertTrue(openssl.stdout.contains("Signature Verified Successfully"), openssl.stdout)

        // attest verify: good, then wrong key, then one byte of report.json edited, then missing.
        let good = try Repository.runTool(["attest", "verify", dir, "--public-key", keys.publicKey])
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        XCTAssertTrue(good.stdout.contains("result FAILED"), good.stdout)
        let wrong = try Repository.runTool(["attest", "verify", dir, "--public-key", keys.otherPublicKey])
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stderr.contains("signature does not verify"), wrong.stderr)
        XCTAssertEqual(wrong.stderr.split(separator: "\n").count, 1, wrong.stderr)

        let reportURL = URL(fileURLWithPath: dir + "/report.json")
        var bytes = try Data(contentsOf: reportURL)
        let index = try XCTUnwrap(bytes.firstIndex(of: UInt8(ascii: "f")))  // "fail" → "gail"
        bytes[index] = UInt8(ascii: "g")
        try bytes.write(to: reportURL)
        let edited = try Repository.runTool(["attest", "verify", dir, "--public-key", keys.publicKey])
        XCTAssertEqual(edited.status, 1)
        XCTAssertTrue(edited.stderr.contains("report.json was changed after it was signed"), edited.stderr)
        XCTAssertEqual(edited.stderr.split(separator: "\n").count, 1, edited.stderr)
        try FileManager.default.removeItem(at: reportURL)
        let missing = try Repository.runTool(["attest", "verify", dir, "--public-key", keys.publicKey])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("report.json is missing"), missing.stderr)

        // A tampered envelope (the payload's result rewritten) fails on the signature.
        var envelope = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: envelopePath))) as? [String: Any])
        let payload = String(decoding: try XCTUnwrap(Data(base64Encoded: envelope["payload"] as? String ?? "")), as: UTF8.self)
        envelope["payload"] = Data(payload.replacingOccurrences(of: "FAILED", with: "PASSED").utf8).base64EncodedString()
        try JSONSerialization.data(withJSONObject: envelope).write(to: URL(fileURLWithPath: envelopePath))
        let tampered = try Repository.runTool(["attest", "verify", dir, "--public-key", keys.publicKey])
        XCTAssertEqual(tampered.status, 1)
        XCTAssertTrue(tampered.stderr.contains("signature does not verify"), tampered.stderr)
        try FileManager.default.removeItem(atPath: envelopePath)
        let unsigned = try Repository.runTool(["attest", "verify", dir, "--public-key", keys.publicKey])
        XCTAssertEqual(unsigned.status, 1)
        XCTAssertTrue(unsigned.stderr.contains("attestation.dsse.json is missing"), unsigned.stderr)
    }

    func testUnusableKeysStopBeforeAnyVolumeIsRead() throws {
        let keys = try makeKeys()
        let dir = keys.directory
        let rsa = dir.appendingPathComponent("rsa.pem").path
        try Tools.run("openssl", ["genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsa])
        let der = dir.appendingPathComponent("key.der").path
        try Tools.run("openssl", ["genpkey", "-algorithm", "ed25519", "-outform", "DER", "-out", der])
        let ec = dir.appendingPathComponent("ec.pem").path
        try Tools.run("openssl", ["genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ec])
        let empty = dir.appendingPathComponent("empty.pem").path
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        let garbage = dir.appendingPathComponent("garbage.pem").path
        try "-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n".write(toFile: garbage, atomically: true, encoding: .utf8)
        // A server that logs every request: no volume may be read when the key is bad.
        let image = dir.appendingPathComponent("disk.img").path
        try Tools.run("truncate", ["-s", "64M", image])
        let server = try NBDKitServer(plugin: "file", args: ["file=\(image)"], logRequests: true)
        defer { server.stop() }
        let inventory = Repository.root.appendingPathComponent("Fixtures/inventories/demo-pgtest1.json").path
        let cases: [(String, String)] = [
            (rsa, "an RSA key"), (empty, "the file is empty"), (dir.appendingPathComponent("nope.pem").path, "no such file"),
            (der, "not a PEM file"), (keys.publicKey, "expected -----BEGIN PRIVATE KEY-----"), (ec, "ECDSA"),
            (garbage, "not valid base64"),
        ]
        for command in ["verify", "preflight"] {
            for (key, reason) in cases {
                let reports = dir.appendingPathComponent("reports-\(command)").path
                let result = try Repository.runTool([command, "--inventory", inventory,
                                                     "--nbd-targets", "2000:\(server.uri()),2001:\(server.uri())",
                                                     "--sign-key", key, "--report-dir", reports])
                XCTAssertEqual(result.status, 2, "\(command) \(key): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains(reason), "\(command) \(key): \(result.stderr)")
                XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
                XCTAssertFalse(FileManager.default.fileExists(atPath: reports), "reports written for a bad key")
            }
        }
        XCTAssertEqual(try server.requestCounts(), [:], "a volume was read")
        // --case-id and --examiner are one line of text.
        for (option, value) in [("--case-id", ""), ("--examiner", "a\nb")] {
            let result = try Repository.runTool(["verify", "--inventory", inventory, "--nbd-targets", "2000:\(server.uri()),2001:\(server.uri())",
                                                 option, value, "--report-dir", dir.appendingPathComponent("r").path])
            XCTAssertEqual(result.status, 2, result.stderr)
            XCTAssertTrue(result.stderr.contains("\(option) must be one line of text"), result.stderr)
        }
        XCTAssertEqual(try server.requestCounts(), [:], "a volume was read")
        // attest verify with an RSA public key: one line, exit 1.
        let rsaPub = dir.appendingPathComponent("rsa.pub").path
        try Tools.run("openssl", ["pkey", "-in", rsa, "-pubout", "-out", rsaPub])
        let attest = try Repository.runTool(["attest", "verify", dir.path, "--public-key", rsaPub])
        XCTAssertEqual(attest.status, 1)
        XCTAssertTrue(attest.stderr.contains("an RSA key"), attest.stderr)
    }

    func testPreflightAndCaptureCarryProvenanceAndPreflightIsSigned() throws {
        let keys = try makeKeys()
        let (scenario, inventory) = try seed()
        try scenario.serve("src2000", image: "disk2000.img")
        try scenario.serve("src2001", image: "disk2001.img")
        let reports = scenario.reportDirectory("preflight")
        let preflight = try Repository.runTool(["preflight", "--inventory", inventory,
                                                "--nbd-targets", "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))",
                                                "--sign-key", keys.privateKey, "--examiner", "auditor", "--report-dir", reports])
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reports + "/preflight.json"))) as? [String: Any])
        let expected: (Int32, String)? = ["ready": (0, "PASSED"), "blocked": (1, "FAILED"), "inconclusive": (3, "WARNED")][document["verdict"] as? String ?? ""]
        XCTAssertEqual(preflight.status, expected?.0, preflight.stdout + preflight.stderr)
        let provenance = try XCTUnwrap(document["provenance"] as? [String: Any])
        XCTAssertEqual(provenance["examiner"] as? String, "auditor")
        XCTAssertTrue(provenance["caseId"] is NSNull)
        XCTAssertEqual((provenance["inputs"] as? [[String: Any]])?.first?["sha256"] as? String, try sha256(inventory))
        let python = try Tools.run("python3", [keys.verifier, reports + "/attestation.dsse.json", keys.publicKey], check: false)
        XCTAssertEqual(python.status, 0, python.stdout + python.stderr)
        XCTAssertTrue(python.stdout.contains("preflight.json") && python.stdout.contains("disk:2000"), python.stdout)
        XCTAssertTrue(python.stdout.contains("\"result\": \"\(expected?.1 ?? "?")\""), python.stdout)
        let good = try Repository.runTool(["attest", "verify", reports, "--public-key", keys.publicKey])
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        XCTAssertTrue(preflight.stderr.contains("note: reports signed: \(reports)/attestation.dsse.json"), preflight.stderr)

        // capture: the baseline carries provenance; verify --baseline records the baseline's digest.
        let baseline = scenario.directory.appendingPathComponent("baseline.json").path
        let capture = try Repository.runTool(["capture", "--inventory", inventory, "--case-id", "CHG-9", "--sign-key", keys.privateKey,
                                              "--nbd-sources", "2000:\(scenario.uri("src2000")),2001:\(scenario.uri("src2001"))",
                                              "--output", baseline])
        XCTAssertEqual(capture.status, 0, capture.stdout + capture.stderr)
        XCTAssertTrue(capture.stdout.contains("signed in \(baseline).dsse.json (key "), capture.stdout)
        let captured = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: baseline))) as? [String: Any])
        XCTAssertEqual((captured["provenance"] as? [String: Any])?["caseId"] as? String, "CHG-9")
        // The baseline's envelope verifies independently and with attest verify BASELINE.
        let baselinePython = try Tools.run("python3", [keys.verifier, baseline + ".dsse.json", keys.publicKey], check: false)
        XCTAssertEqual(baselinePython.status, 0, baselinePython.stdout + baselinePython.stderr)
        XCTAssertTrue(baselinePython.stdout.contains("\"baseline.json\": \"\(try sha256(baseline))\""), baselinePython.stdout)
        XCTAssertEqual(try Repository.runTool(["attest", "verify", baseline, "--public-key", keys.publicKey]).status, 0)

        let targets = "2000:\(scenario.uri("vol2000")),2001:\(scenario.uri("vol2001"))"
        let unchecked = try VerifyResult(["--inventory", inventory, "--baseline", baseline, "--nbd-targets", targets],
                                         reportDirectory: scenario.reportDirectory("baseline"))
        var inputs = (unchecked.report["provenance"] as? [String: Any])?["inputs"] as? [[String: Any]] ?? []
        XCTAssertEqual(inputs.compactMap { $0["role"] as? String }, ["inventory", "baseline"])
        XCTAssertEqual(inputs.last?["sha256"] as? String, try sha256(baseline))
        XCTAssertTrue(inputs.last?["signature"] is NSNull, "\(inputs)")
        let checked = try VerifyResult(["--inventory", inventory, "--baseline", baseline, "--baseline-public-key", keys.publicKey,
                                        "--nbd-targets", targets], reportDirectory: scenario.reportDirectory("baseline-checked"))
        inputs = (checked.report["provenance"] as? [String: Any])?["inputs"] as? [[String: Any]] ?? []
        XCTAssertTrue((inputs.last?["signature"] as? String ?? "").hasPrefix("verified: key "), "\(inputs)")
        // Another key, or a baseline edited after capture: exit 2 before any volume is read.
        let wrong = try Repository.runTool(["verify", "--inventory", inventory, "--baseline", baseline, "--baseline-public-key", keys.otherPublicKey,
                                            "--nbd-targets", targets, "--report-dir", scenario.reportDirectory("wrong")])
        XCTAssertEqual(wrong.status, 2, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("the baseline's signature does not hold: the signature does not verify"), wrong.stderr)
        var text = try String(contentsOfFile: baseline, encoding: .utf8)
        text = text.replacingOccurrences(of: "CHG-9", with: "CHG-8")
        try text.write(toFile: baseline, atomically: true, encoding: .utf8)
        let edited = try Repository.runTool(["verify", "--inventory", inventory, "--baseline", baseline, "--baseline-public-key", keys.publicKey,
                                             "--nbd-targets", targets, "--report-dir", scenario.reportDirectory("edited")])
        XCTAssertEqual(edited.status, 2, edited.stderr)
        XCTAssertTrue(edited.stderr.contains("baseline.json was changed after it was signed"), edited.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scenario.reportDirectory("edited")))

        // Reports written unsigned into a directory that held a signed run lose the old attestation.
        let rerun = try Repository.runTool(["preflight", "--inventory", inventory, "--nbd-targets", targets, "--report-dir", reports])
        XCTAssertNotEqual(rerun.status, 2, rerun.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: reports + "/attestation.dsse.json"))
    }

    func testSecretsInURIsNeverReachTheProvenance() throws {
        let dir = try TemporaryDirectory.make(prefix: "redact")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let inventory = Repository.root.appendingPathComponent("Fixtures/inventories/demo-pgtest1.json").path
        let reports = dir.appendingPathComponent("r").path
        // Nothing listens: the run is inconclusive, but its report is written with provenance.
        let socket = dir.appendingPathComponent("none.sock").path
        let result = try Repository.runTool([
            "verify", "--inventory", inventory, "--report-dir", reports,
            "--nbd-targets", "2000:nbd+unix://admin:s3cr3tpw@/a?socket=\(socket)&tls-psk-file=/etc/psk-hidden.txt,2001:nbd+unix:///b?socket=\(socket)",
        ])
        XCTAssertNotEqual(result.status, 0)
        let text = try String(contentsOfFile: reports + "/report.json", encoding: .utf8)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let commandLine = try XCTUnwrap((document["provenance"] as? [String: Any])?["commandLine"] as? [String])
        XCTAssertTrue(commandLine.contains { $0.contains("2001:nbd+unix:///b?socket=") }, "\(commandLine)")
        for file in ["report.json", "report.md", "report.html"] {
            let content = try String(contentsOfFile: reports + "/" + file, encoding: .utf8)
            XCTAssertFalse(content.contains("s3cr3tpw"), file)
            XCTAssertFalse(content.contains("psk-hidden"), file)
        }
    }
}
