import Foundation
import TestSupport
import XCTest

/// Issue 16: the modules replica_audit.verify.verify and .preflight on their own — what a wrong
/// argument, a missing or broken binary, or a refused input gives (failed, with a message, never
/// a traceback), preflight's verdicts, fail_on, and the documentation ansible-doc renders.
final class ModuleTests: XCTestCase {
    private func theLab() throws -> AnsibleLab { try AnsibleLab.shared() }

    /// One task of the cases playbook: its name, its module and arguments (YAML lines), and
    /// what it must give.
    private struct Case {
        let name: String
        let module: String
        let arguments: String
        let failed: Bool
        let message: String
        var verdict: String?
        var rc: Int??
    }

    private func cases(_ lab: AnsibleLab) throws -> [Case] {
        let good = "inventory: \(lab.path("pgtest-a.json"))\n  targets: \"\(lab.targets("a"))\"\n  binary: \(lab.binary)"
        let garbage = try lab.write("garbage-inventory.json", "{\"virtualMachines\": [ this is not JSON\n")
        // Stand-ins for a broken binary: one that prints no JSON, one that crashes, one whose
        // verdict contradicts its exit code.
        let noJSON = try lab.write("bin/no-json", "#!/bin/sh\necho 'all good, trust me'\nexit 0\n")
        let crash = try lab.write("bin/crash", "#!/bin/sh\necho 'replica-audit: about to crash' >&2\nkill -SEGV $$\n")
        let liar = try lab.write("bin/liar", """
            #!/bin/sh
            while [ $# -gt 0 ]; do [ "$1" = --report-dir ] && dir=$2; shift; done
            mkdir -p "$dir" && echo '{"schemaVersion": 1, "verdict": "pass", "vm": {"name": "x"}, "disks": [], "findings": []}' > "$dir/report.json"
            exit 1

            """)
        for script in [noJSON, crash, liar] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        }
        let pgA = lab.path("pgtest-a.json"), pgB = lab.path("pgtest-b.json"), pgC = lab.path("pgtest-c.json")
        let verify = "replica_audit.verify.verify", preflight = "replica_audit.verify.preflight"
        return [
            Case(name: "an unknown argument", module: verify, arguments: good + "\n  colour: red",
                 failed: true, message: "Unsupported parameters for (replica_audit.verify.verify) module: colour"),
            Case(name: "targets of the wrong type", module: verify,
                 arguments: "inventory: \(pgA)\n  targets: 42\n  binary: \(lab.binary)",
                 failed: true, message: "targets must be a string (KEY:URI,KEY:URI) or a dict of disk key to value, got int"),
            Case(name: "a target that is not a string", module: verify,
                 arguments: "inventory: \(pgA)\n  targets: {2000: [a, b]}\n  binary: \(lab.binary)",
                 failed: true, message: "targets: the value for disk 2000 must be a string, got list"),
            Case(name: "jobs that is not a number", module: verify, arguments: good + "\n  jobs: many",
                 failed: true, message: "jobs"),
            Case(name: "no inventory", module: verify, arguments: "targets: \"\(lab.targets("a"))\"",
                 failed: true, message: "missing required arguments: inventory"),
            Case(name: "no targets", module: verify, arguments: "inventory: \(pgA)\n  binary: \(lab.binary)",
                 failed: true, message: "give the destination volumes with targets (string or dict) or volumes (dict)"),
            Case(name: "sources and a baseline", module: verify,
                 arguments: good + "\n  sources: \"\(lab.targets("a"))\"\n  baseline: \(lab.path("baseline.json"))",
                 failed: true, message: "sources and baseline exclude each other"),
            Case(name: "an unknown fail_on verdict", module: verify, arguments: good + "\n  fail_on: [broken]",
                 failed: true, message: "value of fail_on must be one or more of: fail, inconclusive, pass"),
            Case(name: "a binary that is not there", module: verify,
                 arguments: "inventory: \(pgA)\n  targets: \"\(lab.targets("a"))\"\n  binary: /nonexistent/replica-audit",
                 failed: true, message: "replica-audit binary /nonexistent/replica-audit is not an executable file"),
            Case(name: "an inventory that is not there", module: verify,
                 arguments: "inventory: /nonexistent/inv.json\n  targets: \"\(lab.targets("a"))\"\n  binary: \(lab.binary)",
                 failed: true, message: "replica-audit verify refused its input: /nonexistent/inv.json", rc: 2),
            Case(name: "an inventory that is not JSON", module: verify,
                 arguments: "inventory: \(garbage)\n  targets: \"\(lab.targets("a"))\"\n  binary: \(lab.binary)",
                 failed: true, message: "replica-audit verify refused its input: ", rc: 2),
            Case(name: "a binary that prints no JSON", module: verify,
                 arguments: "inventory: \(pgA)\n  targets: \"\(lab.targets("a"))\"\n  binary: \(noJSON)",
                 failed: true, message: "exited 0 but its report.json could not be read", rc: 0),
            Case(name: "a binary that crashes", module: verify,
                 arguments: "inventory: \(pgA)\n  targets: \"\(lab.targets("a"))\"\n  binary: \(crash)",
                 failed: true, message: "ended abnormally (exit -11): about to crash", rc: -11),
            Case(name: "a verdict that contradicts the exit code", module: verify,
                 arguments: "inventory: \(pgA)\n  targets: \"\(lab.targets("a"))\"\n  binary: \(liar)",
                 failed: true, message: "the verdict pass does not match the exit code 1", rc: 1),
            Case(name: "a password in the ledger URL", module: verify,
                 arguments: good + "\n  ledger: postgres://audit:s3cret-pw@127.0.0.1:1/ledger",
                 failed: true, message: "replica-audit verify"),
            Case(name: "inconclusive fails when asked", module: verify,
                 arguments: "inventory: \(pgC)\n  targets: \"\(lab.targets("c"))\"\n  binary: \(lab.binary)\n  timeout: 5\n  extra_args: [--connect-retries, '0']\n  fail_on: [fail, inconclusive]",
                 failed: true, message: "replica-audit verify of pgtest-c: inconclusive", verdict: "inconclusive", rc: 3),
            Case(name: "a failing VM with an empty fail_on", module: verify,
                 arguments: "inventory: \(pgB)\n  targets: \"\(lab.targets("b"))\"\n  binary: \(lab.binary)\n  fail_on: []",
                 failed: false, message: "replica-audit verify of pgtest-b: fail", verdict: "fail", rc: 1),
            Case(name: "a first run into a report directory", module: verify,
                 arguments: good + "\n  report_dir: \(lab.path("reused-reports"))",
                 failed: false, message: "replica-audit verify of pgtest-a: pass", verdict: "pass", rc: 0),
            Case(name: "a refused run into the same directory", module: verify,
                 arguments: "inventory: /nonexistent/inv.json\n  targets: \"\(lab.targets("a"))\"\n  binary: \(lab.binary)\n"
                    + "  report_dir: \(lab.path("reused-reports"))",
                 failed: true, message: "replica-audit verify refused its input: /nonexistent/inv.json", rc: 2),
            Case(name: "preflight of two disks on one export", module: preflight,
                 arguments: "inventory: \(pgA)\n  targets: {2000: \"\(lab.uri("a-2000"))\", 2001: \"\(lab.uri("a-2000"))\"}\n  binary: \(lab.binary)",
                 failed: true, message: "replica-audit preflight of pgtest-a: blocked", verdict: "blocked", rc: 1),
            Case(name: "preflight of the right volumes", module: preflight,
                 arguments: good + "\n  content: sample\n  fail_on: [fail]",
                 failed: false, message: "replica-audit preflight of pgtest-a: ready", verdict: "ready", rc: 0),
            Case(name: "preflight refusing its input", module: preflight,
                 arguments: "inventory: /nonexistent/inv.json\n  targets: \"\(lab.targets("a"))\"\n  binary: \(lab.binary)",
                 failed: true, message: "replica-audit preflight refused its input: /nonexistent/inv.json", rc: 2),
        ]
    }

    func testEveryArgumentErrorAndBrokenBinaryFailsTheTaskWithAMessage() throws {
        let lab = try theLab()
        let cases = try cases(lab)
        var play = "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
        for c in cases {
            play += "    - name: \(c.name)\n      ignore_errors: true\n      \(c.module):\n"
            play += c.arguments.split(separator: "\n").map { "        " + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n") + "\n"
        }
        let path = try lab.write("cases.yml", play)
        let run = try lab.playbook(path, inventory: "localhost,", ["-c", "local"])
        XCTAssertEqual(run.status, 0, "every case ignores its errors: \(run.output)")
        for c in cases {
            guard let result = run.result(c.name, host: "localhost") else {
                XCTFail("\(c.name): no result\n\(run.output)")
                continue
            }
            XCTAssertEqual(result["failed"] as? Bool ?? false, c.failed, "\(c.name): \(result)")
            XCTAssertEqual(result["changed"] as? Bool, false, c.name)
            let message = result["msg"] as? String ?? ""
            XCTAssertTrue(message.contains(c.message), "\(c.name): \(message)")
            XCTAssertFalse(message.contains("Traceback") || message.contains("MODULE FAILURE"), "\(c.name): \(message)")
            if let verdict = c.verdict { XCTAssertEqual(result["verdict"] as? String, verdict, c.name) }
            if let rc = c.rc { XCTAssertEqual(result["rc"] as? Int, rc, c.name) }
        }
        // The earlier run's report.json in a reused directory is never returned as the refused run's.
        let refusedAgain = run.result("a refused run into the same directory", host: "localhost")
        XCTAssertTrue(refusedAgain?["verdict"] is NSNull, "\(refusedAgain ?? [:])")
        XCTAssertTrue(refusedAgain?["report"] is NSNull, "\(refusedAgain ?? [:])")
        // The tool's own one-line message reaches the task (not "exit 2").
        let refused = run.result("an inventory that is not there", host: "localhost")?["msg"] as? String ?? ""
        XCTAssertFalse(refused.contains("\n"), refused)
        XCTAssertTrue(refused.contains("No such file or directory"), refused)
        // A ledger password never shows, not even in the module's invocation.
        XCTAssertFalse(run.output.contains("s3cret-pw"), run.output)
        XCTAssertFalse(run.output.contains("Traceback"), run.output)
        // preflight ignores the verify-only arguments, and says so.
        let ready = run.result("preflight of the right volumes", host: "localhost")
        XCTAssertTrue((ready?["warnings"] as? [String] ?? []).contains { $0.contains("content ignored") }, "\(ready ?? [:])")
        let blocked = run.result("preflight of two disks on one export", host: "localhost")
        XCTAssertTrue((blocked?["findings"] as? [[String: Any]] ?? []).contains { $0["code"] as? String == "duplicate-target" },
                      "\(blocked ?? [:])")
        XCTAssertNotNil((blocked?["report"] as? [String: Any])?["disks"], "the preflight.json document is returned")
    }

    func testAnsibleDocRendersBothModulesAndTheRole() throws {
        let lab = try theLab()
        let modules = ["replica_audit.verify.verify", "replica_audit.verify.preflight"]
        let text = try lab.run(lab.venv + "/bin/ansible-doc", modules)
        for module in modules {
            XCTAssertTrue(text.stdout.contains("MODULE \(module)") || text.stdout.contains(module), "ansible-doc lacks \(module)")
        }
        for word in ["inventory", "targets", "volumes", "by_id_dir", "sources", "baseline", "content", "report_dir",
                     "ledger", "fail_on", "binary", "RETURN VALUES", "verdict", "findings", "EXAMPLES", "check_mode"] {
            XCTAssertTrue(text.stdout.contains(word), "ansible-doc lacks \(word)")
        }
        let json = try lab.run(lab.venv + "/bin/ansible-doc", ["--json"] + modules)
        let entries = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        for module in modules {
            let entry = try XCTUnwrap(entries[module] as? [String: Any], module)
            let options = (entry["doc"] as? [String: Any])?["options"] as? [String: Any] ?? [:]
            XCTAssertEqual(Set(options.keys).isSuperset(of: ["inventory", "vm", "targets", "volumes", "by_id_dir", "sources", "baseline",
                                                             "content", "report_dir", "ledger", "fail_on", "binary"]),
                           true, "\(module): \(options.keys.sorted())")
            XCTAssertEqual((options["inventory"] as? [String: Any])?["required"] as? Bool, true)
            XCTAssertEqual((options["fail_on"] as? [String: Any])?["default"] as? [String],
                           module.hasSuffix(".verify") ? ["fail"] : ["blocked"])
            let returns = entry["return"] as? [String: Any] ?? [:]
            XCTAssertEqual(Set(returns.keys).isSuperset(of: ["verdict", "rc", "report", "findings", "report_dir", "changed", "failed", "msg"]),
                           true, "\(module): \(returns.keys.sorted())")
        }
        let role = try lab.run(lab.venv + "/bin/ansible-doc", ["-t", "role", "replica_audit.verify.install"])
        XCTAssertTrue(role.stdout.contains("replica_audit_binary_src"), role.stdout)
    }

    /// The checks `ansible-test sanity` runs (validate-modules, pep8, compile, ansible-doc) on
    /// the installed collection, through integrations/ansible/tests/sanity.sh.
    func testSanity() throws {
        let lab = try theLab()
        let script = Repository.root.appendingPathComponent("integrations/ansible/tests/sanity.sh").path
        let result = try lab.run(script, [lab.venv, lab.collections], check: false)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("sanity: all checks passed"), result.stdout)
    }
}
