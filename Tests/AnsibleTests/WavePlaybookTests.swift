import Foundation
import TestSupport
import XCTest

/// Issue 16: `ansible-playbook -f 3 replica_audit.verify.verify_wave` across three appliances on
/// this machine (ansible_connection local), each verifying the VM it replicated through its
/// own nbdkit exports: oma-a a correct replica (pass), oma-b the seed incident (fail), oma-c
/// exports that are gone (inconclusive); a fourth, oma-d, cannot be reached. All record into one PostgreSQL ledger (a real server,
/// Tests/TestSupport/PostgresServer), which the controller reads for the summary.
final class WavePlaybookTests: XCTestCase {
    private func theLab() throws -> AnsibleLab { try AnsibleLab.shared() }

    static let verifyTask = "Verify the VMs this appliance replicated"

    func testEachApplianceVerifiesItsVMAndTheControllerSummarisesTheWave() throws {
        let lab = try theLab()
        let reports = lab.path("reports-wave"), summaryPath = lab.path("wave-summary.json")
        let ledger = try PostgresServer.shared().makeDatabase(prefix: "wave").url
        let inventory = try lab.waveInventory(ledger: ledger, reports: reports, summary: summaryPath)
        let run = try lab.playbook("replica_audit.verify.verify_wave", inventory: inventory, ["-f", "3"])

        // ansible-playbook exits 4 when a host was unreachable (oma-d), else 2 when one failed (oma-b).
        XCTAssertEqual(run.status, 4, run.output)
        XCTAssertEqual(run.stats("oma-d")["unreachable"], 1, run.output)
        let expected = ["oma-a": ("pgtest-a", "pass", 0, false), "oma-b": ("pgtest-b", "fail", 1, true),
                        "oma-c": ("pgtest-c", "inconclusive", 3, false)]
        for (host, (vm, verdict, rc, failed)) in expected {
            let items = run.items(Self.verifyTask, host: host)
            XCTAssertEqual(items.count, 1, "\(host): \(run.output)")
            guard let item = items.first else { continue }
            XCTAssertEqual(item["verdict"] as? String, verdict, host)
            XCTAssertEqual(item["rc"] as? Int, rc, host)
            XCTAssertEqual(item["changed"] as? Bool, false, host)
            XCTAssertEqual(item["failed"] as? Bool, failed, host)
            let report = try XCTUnwrap(item["report"] as? [String: Any], host)
            XCTAssertEqual((report["vm"] as? [String: Any])?["name"] as? String, vm)
            XCTAssertEqual(report["verdict"] as? String, verdict)
            // The report directory on the appliance holds the reports the module returned.
            XCTAssertEqual(item["report_dir"] as? String, "\(reports)/wave-16/\(vm)")
            let onDisk = try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: "\(reports)/wave-16/\(vm)/report.json"))) as? [String: Any]
            XCTAssertEqual(onDisk?["verdict"] as? String, verdict)
            // The wave's name is the case ID of every run.
            XCTAssertEqual((report["provenance"] as? [String: Any])?["caseId"] as? String, "wave-16")
            XCTAssertTrue((item["msg"] as? String ?? "").hasPrefix("replica-audit verify of \(vm): \(verdict)"),
                          item["msg"] as? String ?? "")
            XCTAssertEqual(run.stats(host)["changed"], 0, "\(host) changed nothing")
            XCTAssertEqual(item["ledger"] as? String, ledger)
            XCTAssertNotNil(item["ledger_run"] as? Int, "\(host): \(item["stderr"] ?? "")")
        }
        XCTAssertEqual(run.stats("oma-b")["failures"], 1, run.output)
        XCTAssertEqual(run.stats("oma-a")["failures"], 0)
        XCTAssertEqual(run.stats("oma-c")["failures"], 0)

        // oma-b: the seed incident, named in the findings with the disk it concerns.
        let failed = try XCTUnwrap(run.items(Self.verifyTask, host: "oma-b").first)
        let findings = failed["findings"] as? [[String: Any]] ?? []
        XCTAssertTrue(findings.contains { $0["disk"] as? String == "2000" && $0["code"] as? String == "label-sized-for-other-disk" },
                      "\(findings)")
        let contamination = (failed["report"] as? [String: Any])?["contamination"] as? [[String: Any]] ?? []
        XCTAssertEqual(contamination.map { [$0["disk"] as? String, $0["carries"] as? String] }, [["2000", "2001"]])
        XCTAssertTrue((failed["msg"] as? String ?? "").contains("label-sized-for-other-disk"), failed["msg"] as? String ?? "")
        // oma-c: each disk's unreachable volume is a finding, and the task did not fail.
        let unreachable = try XCTUnwrap(run.items(Self.verifyTask, host: "oma-c").first)
        XCTAssertEqual(Set((unreachable["findings"] as? [[String: Any]] ?? []).compactMap { $0["disk"] as? String }), ["2000", "2001"])

        // One summary, on the controller, once.
        let show = try XCTUnwrap(run.result("Show the wave summary", host: "oma-a"), run.output)
        XCTAssertEqual(show["msg"] as? String,
                       "wave-16: fail (1 pass, 1 fail, 1 inconclusive, 0 not verified) — pgtest-a oma-a pass; pgtest-b oma-b fail; "
                       + "pgtest-c oma-c inconclusive; no result from oma-d")
        XCTAssertNil(run.result("Show the wave summary", host: "oma-b"))
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath))) as? [String: Any])
        XCTAssertEqual(summary["verdict"] as? String, "fail")
        XCTAssertEqual(summary["wave"] as? String, "wave-16")
        let vms = summary["vms"] as? [[String: Any]] ?? []
        XCTAssertEqual(vms.map { $0["appliance"] as? String }, ["oma-a", "oma-b", "oma-c"])
        XCTAssertEqual(vms.map { $0["verdict"] as? String }, ["pass", "fail", "inconclusive"])
        XCTAssertEqual(summary["appliancesWithoutResult"] as? [String], ["oma-d"], "an appliance that is down is named, never counted as passing")

        // The ledger: one record per VM, each with its verdict and the hash of the report the
        // appliance wrote; the summary read them back on the controller.
        let listed = try Tools.run(lab.binary, ["ledger", "list", "--ledger", ledger, "--format", "json"])
        let records = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: records.compactMap { r in (r["vm"] as? String).map { ($0, r["verdict"] as? String) } }),
                       ["pgtest-a": "pass", "pgtest-b": "fail", "pgtest-c": "inconclusive"])
        XCTAssertEqual(Set(records.compactMap { $0["kind"] as? String }), ["verify"])
        for record in records {
            let vm = record["vm"] as? String ?? ""
            let digest = try Tools.run("/usr/bin/sha256sum", ["\(reports)/wave-16/\(vm)/report.json"]).stdout.prefix(64)
            XCTAssertEqual(record["reportSha256"] as? String, String(digest), vm)
        }
        XCTAssertEqual(Set(records.compactMap { $0["id"] as? Int }),
                       Set(AnsibleLab.appliances.compactMap { run.items(Self.verifyTask, host: $0).first?["ledger_run"] as? Int }))
        let fromLedger = summary["ledger"] as? [[String: Any]] ?? []
        XCTAssertEqual(Set(fromLedger.compactMap { $0["vm"] as? String }), ["pgtest-a", "pgtest-b", "pgtest-c"])
        XCTAssertEqual(try Tools.run(lab.binary, ["ledger", "verify", "--ledger", ledger], check: false).status, 0,
                       "the hash chain of three appliances writing at once is intact")

        // The appliance that failed says why, in the last task.
        let fail = try XCTUnwrap(run.result("Fail the appliances with a VM that failed verification", host: "oma-b"))
        XCTAssertTrue((fail["msg"] as? String ?? "").contains("pgtest-b: fail"), fail["msg"] as? String ?? "")
        XCTAssertFalse(run.output.contains("Traceback"), run.output)
    }

    func testCheckModeStillVerifiesAndChangesNothing() throws {
        let lab = try theLab()
        let reports = lab.path("reports-check")
        let ledger = try PostgresServer.shared().makeDatabase(prefix: "check").url
        let inventory = try lab.waveInventory(ledger: ledger, reports: reports, summary: lab.path("check-summary.json"))
        let run = try lab.playbook("replica_audit.verify.verify_wave", inventory: inventory,
                                   ["-f", "3", "--check", "--limit", "oma-a,oma-b"])
        XCTAssertNil(run.result("Verify the VMs this appliance replicated", host: "oma-d"), "oma-d is not in --limit")
        XCTAssertEqual(run.status, 2, run.output)
        for (host, verdict) in [("oma-a", "pass"), ("oma-b", "fail")] {
            let item = try XCTUnwrap(run.items(Self.verifyTask, host: host).first, run.output)
            XCTAssertEqual(item["verdict"] as? String, verdict, "check mode runs the verification")
            XCTAssertEqual(item["changed"] as? Bool, false)
            XCTAssertEqual(item["failed"] as? Bool, verdict == "fail")
            XCTAssertNil(item["ledger"] as? String)
        }
        XCTAssertNil(run.result("Show the wave summary", host: "oma-c"), "oma-c is not in --limit")
        // Check mode writes no ledger record: the ledger was never even created.
        let listed = try Tools.run(lab.binary, ["ledger", "list", "--ledger", ledger, "--format", "json"], check: false)
        XCTAssertFalse(listed.stdout.contains("pgtest-"), listed.stdout + listed.stderr)
    }
}
