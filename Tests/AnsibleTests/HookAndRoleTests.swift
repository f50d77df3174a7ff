import Foundation
import TestSupport
import XCTest

/// Issue 16: the Forklift/MTV PostHook playbook against plan.yml and workload.yml shaped like
/// the files Forklift mounts in /tmp/hook (the samples shipped in playbooks/samples/hook).
final class MTVPostHookTests: XCTestCase {
    private func hook(_ lab: AnsibleLab, vm: String, id: String) throws -> PlaybookRun {
        let samples = Repository.root.appendingPathComponent("integrations/ansible/playbooks/samples/hook")
        let dir = "hook-\(vm)"
        try lab.write("\(dir)/plan.yml", String(contentsOf: samples.appendingPathComponent("plan.yml"), encoding: .utf8))
        let workload = try String(contentsOf: samples.appendingPathComponent("workload.yml"), encoding: .utf8)
            .replacingOccurrences(of: "pgtest-a", with: vm).replacingOccurrences(of: "vm-4242", with: id)
        try lab.write("\(dir)/workload.yml", workload)
        // pgtest-a is mapped by name, pgtest-b by its VMware ID, as the sample mapping does.
        let mapping = try lab.write("\(dir)/mapping.yml", """
            replica_audit_mtv_vms:
              pgtest-a:
                inventory: \(lab.path("pgtest-a.json"))
                targets: "\(lab.targets("a"))"
              vm-4243:
                inventory: \(lab.path("pgtest-b.json"))
                targets:
                  2000: "\(lab.uri("b-2000"))"
                  2001: "\(lab.uri("b-2001"))"

            """)
        return try lab.playbook("replica_audit.verify.mtv_posthook", inventory: nil,
                                ["-e", "replica_audit_hook_dir=\(lab.path(dir))", "-e", "replica_audit_mtv_mapping_file=\(mapping)",
                                 "-e", "replica_audit_binary=\(lab.binary)", "-e", "replica_audit_report_root=\(lab.path(dir))/reports"])
    }

    func testAVerifiedVMPassesTheHook() throws {
        let lab = try AnsibleLab.shared()
        let run = try hook(lab, vm: "pgtest-a", id: "vm-4242")
        XCTAssertEqual(run.status, 0, run.output)
        let verify = try XCTUnwrap(run.result("Verify the VM's volumes", host: "localhost"), run.output)
        XCTAssertEqual(verify["verdict"] as? String, "pass")
        XCTAssertEqual(verify["changed"] as? Bool, false)
        XCTAssertEqual(verify["report_dir"] as? String, lab.path("hook-pgtest-a") + "/reports/wave-16-pg/pgtest-a")
        XCTAssertEqual(((verify["report"] as? [String: Any])?["provenance"] as? [String: Any])?["caseId"] as? String, "wave-16-pg",
                       "the plan's name is the case ID")
        let said = run.result("Report the verdict", host: "localhost")?["msg"] as? String ?? ""
        XCTAssertTrue(said.hasPrefix("MTV plan wave-16-pg (namespace pg-migrated), VM pgtest-a (vm-4242): pass"), said)
        XCTAssertEqual(run.result("Fail the hook when verification failed", host: "localhost")?["skipped"] as? Bool, true)
    }

    func testAContaminatedVMFailsTheHook() throws {
        let lab = try AnsibleLab.shared()
        let run = try hook(lab, vm: "pgtest-b", id: "vm-4243")
        XCTAssertEqual(run.status, 2, "the hook fails, and so the VM's migration: \(run.output)")
        let verify = try XCTUnwrap(run.result("Verify the VM's volumes", host: "localhost"), run.output)
        XCTAssertEqual(verify["verdict"] as? String, "fail")
        let failure = try XCTUnwrap(run.result("Fail the hook when verification failed", host: "localhost"))
        XCTAssertEqual(failure["failed"] as? Bool, true)
        let message = failure["msg"] as? String ?? ""
        XCTAssertTrue(message.hasPrefix("replica-audit failed VM pgtest-b of plan wave-16-pg: replica-audit verify of pgtest-b: fail"), message)
        XCTAssertTrue(message.contains("label-sized-for-other-disk"), message)
    }

    func testAVMWithoutAMappingFailsTheHookSayingWhatToAdd() throws {
        let lab = try AnsibleLab.shared()
        let run = try hook(lab, vm: "pgtest-z", id: "vm-4244")
        XCTAssertNotEqual(run.status, 0, run.output)
        // The workload's VM is not in the plan: the hook files do not belong together.
        let check = try XCTUnwrap(run.result("Check that the Plan migrates this VM", host: "localhost"), run.output)
        XCTAssertEqual(check["failed"] as? Bool, true)
        XCTAssertTrue((check["msg"] as? String ?? "").contains("does not list the VM pgtest-z (vm-4244)"), "\(check)")
        XCTAssertNil(run.result("Verify the VM's volumes", host: "localhost"))
        XCTAssertFalse(run.output.contains("Traceback"), run.output)
    }
}

/// Issue 16: the role replica_audit.verify.install, from a local binary and from a release
/// tarball; the second run from the tarball (with the runtime libraries through apt) changes nothing.
final class InstallRoleTests: XCTestCase {
    func testInstallsFromAPathAndFromATarballAndASecondRunChangesNothing() throws {
        let lab = try AnsibleLab.shared()
        let user = try Tools.run("/usr/bin/id", ["-un"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let group = try Tools.run("/usr/bin/id", ["-gn"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // A release tarball as `make release` lays one out, with a completion file of the same name.
        let stage = lab.path("release/replica-audit-0.1.0")
        try FileManager.default.createDirectory(atPath: stage + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: stage + "/share/bash-completion/completions", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: lab.binary, toPath: stage + "/bin/replica-audit")
        try "complete -F _replica_audit replica-audit\n".write(toFile: stage + "/share/bash-completion/completions/replica-audit",
                                                            atomically: true, encoding: .utf8)
        let tarball = lab.path("replica-audit-0.1.0-linux-x86_64.tar")
        try Tools.run("tar", ["-C", lab.path("release"), "-cf", tarball, "replica-audit-0.1.0"])

        let fromPath = lab.path("installed-from-path"), fromTarball = lab.path("installed-from-tarball")
        func play(_ name: String, _ vars: String) -> String {
            """
            - name: \(name)
              hosts: localhost
              gather_facts: false
              vars:
                replica_audit_install_owner: "\(user)"
                replica_audit_install_group: "\(group)"
            \(vars.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
              roles:
                - replica_audit.verify.install

            """
        }
        let pathVars = "replica_audit_binary_src: \(lab.binary)\nreplica_audit_install_dir: \(fromPath)"
        let tarVars = "replica_audit_release: \(tarball)\nreplica_audit_install_dir: \(fromTarball)\n"
            + "replica_audit_cache_dir: \(lab.path("cache"))"
        let playbook = try lab.write("install.yml", play("from a path", pathVars) + play("from a tarball", tarVars) + play("from a tarball again, with the runtime libraries",
                                                     tarVars + "\nreplica_audit_install_runtime_libraries: true"))
        let run = try lab.playbook(playbook, inventory: nil)
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertEqual(run.changedTasks(play: 0), ["Make the install directory", "Copy the binary from the controller"], run.output)
        XCTAssertEqual(run.changedTasks(play: 1), ["Make the install directory", "Make the cache directory",
                                                   "Copy the release tarball from the controller", "Unpack the release tarball",
                                                   "Put the binary in place"], run.output)
        XCTAssertEqual(run.changedTasks(play: 2), [], "a second run changes nothing, the libraries already there")
        let libraries = run.result("Install the runtime libraries", host: "localhost", play: 2)
        XCTAssertEqual(libraries?["changed"] as? Bool, false, "\(libraries ?? [:])")
        XCTAssertNil(libraries?["skipped"], "apt checked the libraries")
        let original = try Data(contentsOf: URL(fileURLWithPath: lab.binary))
        for dir in [fromPath, fromTarball] {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/replica-audit")), original, dir)
            let version = try Tools.run(dir + "/replica-audit", ["--version"])
            XCTAssertFalse(version.stdout.isEmpty)
            let mode = try FileManager.default.attributesOfItem(atPath: dir + "/replica-audit")[.posixPermissions] as? Int
            XCTAssertEqual(mode, 0o755)
        }

        // Neither source given: a message that says what to set.
        let none = try lab.write("install-none.yml", play("from nowhere", "replica_audit_install_dir: \(lab.path("nowhere"))"))
        let refused = try lab.playbook(none, inventory: nil)
        XCTAssertNotEqual(refused.status, 0)
        let check = refused.result("Check where the binary comes from", host: "localhost")
        XCTAssertTrue((check?["msg"] as? String ?? "").contains("Set exactly one of replica_audit_binary_src"), refused.output)
    }
}
