import Foundation
import TestSupport
import XCTest

/// Issue 16: the collection integrations/ansible driven by real ansible-core (PyPI, pinned, in
/// .work/ansible-venv — scripts/ansible-venv.sh, run by scripts/deps.sh test), built with
/// `ansible-galaxy collection build` and installed with `ansible-galaxy collection install`
/// into a fresh collections path, against the seed-incident images (Fixtures/make-seed.sh)
/// served by nbdkit: one pair of exports per "appliance".
final class AnsibleLab: @unchecked Sendable {
    let directory: URL
    let venv: String
    let collections: String
    let binary: String
    private var servers: [String: NBDKitServer] = [:]

    /// The appliances of the wave: each replicated one VM (pgtest-a, -b, -c).
    static let appliances = ["oma-a", "oma-b", "oma-c"]

    nonisolated(unsafe) private static var sharedLab: Result<AnsibleLab, Error>?
    private static let lock = NSLock()

    /// The one lab of the test run, made on first use (fixtures, collection build and install
    /// take seconds; every test class shares them) and removed when the process exits.
    static func shared() throws -> AnsibleLab {
        lock.lock()
        defer { lock.unlock() }
        if sharedLab == nil {
            sharedLab = Result { try AnsibleLab() }
            atexit {
                if case .success(let lab)? = AnsibleLab.sharedLab { lab.stop() }
            }
        }
        return try sharedLab!.get()
    }

    init() throws {
        venv = Repository.root.appendingPathComponent(".work/ansible-venv").path
        guard FileManager.default.isExecutableFile(atPath: venv + "/bin/ansible-playbook") else {
            throw ToolError("ansible-core is not installed in \(venv); run 'scripts/deps.sh test' (make test does)")
        }
        binary = try Repository.binary()
        directory = try TemporaryDirectory.make(prefix: "ansible")
        collections = directory.appendingPathComponent("collections").path
        try FileManager.default.createDirectory(atPath: directory.appendingPathComponent("home").path,
                                                withIntermediateDirectories: true)
        try write("ansible.cfg", "[defaults]\nretry_files_enabled = False\ninterpreter_python = auto_silent\n"
                  + "[connection]\npipelining = True\n")
        // The collection exactly as a user installs it: a tarball, then ansible-galaxy collection install.
        let source = Repository.root.appendingPathComponent("integrations/ansible").path
        try run(venv + "/bin/ansible-galaxy", ["collection", "build", source, "--output-path", directory.path, "--force"])
        let tarball = directory.appendingPathComponent("replica_audit-verify-0.1.0.tar.gz").path
        guard FileManager.default.fileExists(atPath: tarball) else { throw ToolError("ansible-galaxy built no \(tarball)") }
        try run(venv + "/bin/ansible-galaxy", ["collection", "install", "-p", collections, tarball])

        let images = directory.appendingPathComponent("images").path
        try Tools.run(Repository.fixture("make-seed.sh").path, [images])
        // One nbdkit per volume and appliance: oma-a holds a correct replica, oma-b the seed
        // incident (2000's volume carries 2001's GPT), oma-c's exports are gone.
        for (name, image) in [("a-2000", "vol2000.img"), ("a-2001", "vol2001.img"),
                              ("b-2000", "vol2000-contaminated.img"), ("b-2001", "vol2001.img")] {
            servers[name] = try NBDKitServer(plugin: "file", args: ["file=\(images)/\(image)"], extraOptions: ["-r"])
        }
        let template = try String(contentsOf: Repository.fixture("inventories/demo-pgtest1.json"), encoding: .utf8)
        for vm in ["pgtest-a", "pgtest-b", "pgtest-c"] {
            try write("\(vm).json", template.replacingOccurrences(of: "pgtest1", with: vm))
        }
    }

    func stop() {
        for server in servers.values { server.stop() }
        servers = [:]
        try? FileManager.default.removeItem(at: directory)
    }

    /// `nbd+unix://` of a served volume, e.g. `uri("b-2000")`; a socket nobody listens on otherwise.
    func uri(_ name: String) -> String {
        servers[name]?.uri() ?? "nbd+unix:///?socket=\(directory.appendingPathComponent("gone-\(name).sock").path)"
    }

    /// The migratekit form of a VM's targets on appliance `letter`.
    func targets(_ letter: String) -> String { "2000:\(uri("\(letter)-2000")),2001:\(uri("\(letter)-2001"))" }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// The environment of every ansible command: the installed collection only, no user config,
    /// nothing written to the real home directory, a JSON document on stdout (tests/callback).
    var environment: [String: String] {
        ["ANSIBLE_CONFIG": path("ansible.cfg"), "ANSIBLE_HOME": path("home"),
         "ANSIBLE_COLLECTIONS_PATH": collections, "ANSIBLE_LOCAL_TEMP": path("home/tmp"),
         "ANSIBLE_STDOUT_CALLBACK": "results_json", "ANSIBLE_NOCOLOR": "1",
         "ANSIBLE_CALLBACK_PLUGINS": Repository.root.appendingPathComponent("integrations/ansible/tests/callback").path, "ANSIBLE_FORCE_COLOR": "0",
         "ANSIBLE_DEPRECATION_WARNINGS": "false", "ANSIBLE_PYTHON_INTERPRETER": venv + "/bin/python",
         "PATH": venv + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    @discardableResult
    func run(_ executable: String, _ arguments: [String], check: Bool = true, timeout: TimeInterval = 120) throws -> Tools.Result {
        try Tools.run(executable, arguments, check: check, environment: environment, timeout: timeout)
    }

    /// Runs a playbook with the JSON callback and parses what it printed.
    func playbook(_ playbook: String, inventory: String?, _ extra: [String] = []) throws -> PlaybookRun {
        let result = try run(venv + "/bin/ansible-playbook", (inventory.map { ["-i", $0] } ?? []) + extra + [playbook], check: false)
        return try PlaybookRun(result)
    }

    /// A playbook of integrations/ansible/playbooks, as installed with the collection.
    func shippedPlaybook(_ name: String) -> String {
        collections + "/ansible_collections/replica_audit/verify/playbooks/" + name
    }

    /// The inventory of the wave: three appliances on this machine, each with its own volumes,
    /// and a fourth that cannot be reached.
    func waveInventory(ledger: String?, reports: String, summary: String) throws -> String {
        var text = """
        all:
          vars:
            ansible_connection: local
            ansible_python_interpreter: "{{ ansible_playbook_python }}"
            replica_audit_binary: \(binary)
            replica_audit_controller_binary: \(binary)
            replica_audit_wave: wave-16
            replica_audit_report_root: \(reports)
            replica_audit_summary_file: \(summary)
            replica_audit_timeout: 5
            replica_audit_extra_args: ["--connect-retries", "0"]

        """
        if let ledger { text += "    replica_audit_ledger: \"\(ledger)\"\n" }
        text += """
          children:
            appliances:
              hosts:
                oma-a:
                  replica_audit_vms:
                    - vm: pgtest-a
                      inventory: \(path("pgtest-a.json"))
                      targets: "\(targets("a"))"
                oma-b:
                  replica_audit_vms:
                    - vm: pgtest-b
                      inventory: \(path("pgtest-b.json"))
                      targets:
                        2000: "\(uri("b-2000"))"
                        2001: "\(uri("b-2001"))"
                oma-c:
                  replica_audit_vms:
                    - vm: pgtest-c
                      inventory: \(path("pgtest-c.json"))
                      targets: "\(targets("c"))"
                # An appliance that is down: SSH to a port nobody listens on.
                oma-d:
                  ansible_connection: ssh
                  ansible_host: 127.0.0.1
                  ansible_port: 9
                  ansible_ssh_common_args: "-o ConnectTimeout=5 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
                  replica_audit_vms:
                    - vm: pgtest-d
                      inventory: /nonexistent/pgtest-d.json
                      targets: "2000:nbd://oma-d/vol-1"

        """
        return try write("wave-\(UUID().uuidString.prefix(6)).yml", text)
    }
}

/// One ansible-playbook run, as the JSON stdout callback reported it.
struct PlaybookRun {
    let status: Int32
    let stdout: String
    let stderr: String
    let document: [String: Any]

    init(_ result: Tools.Result) throws {
        status = result.status
        stdout = result.stdout
        stderr = result.stderr
        // The callback prints one JSON document; warnings may come before it.
        guard let start = result.stdout.firstIndex(of: "{"),
              let object = try? JSONSerialization.jsonObject(with: Data(result.stdout[start...].utf8)) as? [String: Any] else {
            throw ToolError("ansible-playbook (exit \(result.status)) printed no JSON:\n\(result.stdout)\n\(result.stderr)")
        }
        document = object
    }

    var plays: [[String: Any]] { document["plays"] as? [[String: Any]] ?? [] }

    var tasks: [[String: Any]] { plays.flatMap { $0["tasks"] as? [[String: Any]] ?? [] } }

    /// The names of the tasks of play `index` that reported a change on any host.
    func changedTasks(play index: Int) -> [String] {
        guard index < plays.count else { return [] }
        return (plays[index]["tasks"] as? [[String: Any]] ?? []).compactMap { task in
            let hosts = task["hosts"] as? [String: Any] ?? [:]
            let changed = hosts.values.contains { ($0 as? [String: Any])?["changed"] as? Bool == true }
            return changed ? Self.name(of: task) : nil
        }
    }

    /// A task's name without the "ROLE : " that Ansible puts before a role's tasks.
    static func name(of task: [String: Any]) -> String? {
        guard let name = (task["task"] as? [String: Any])?["name"] as? String else { return nil }
        return name.range(of: " : ").map { String(name[$0.upperBound...]) } ?? name
    }

    /// The result of the task named `name` on `host` (nil when it did not run there), in the
    /// first play that has it or in play `play`.
    func result(_ name: String, host: String, play: Int? = nil) -> [String: Any]? {
        let scope = play.map { $0 < plays.count ? plays[$0]["tasks"] as? [[String: Any]] ?? [] : [] } ?? tasks
        let task = scope.first { Self.name(of: $0) == name }
        return (task?["hosts"] as? [String: Any])?[host] as? [String: Any]
    }

    /// The loop items' results of the task named `name` on `host`.
    func items(_ name: String, host: String) -> [[String: Any]] {
        result(name, host: host)?["results"] as? [[String: Any]] ?? []
    }

    /// The play recap of `host`: ok, changed, failures, ignored, unreachable, skipped.
    func stats(_ host: String) -> [String: Int] {
        (document["stats"] as? [String: Any])?[host] as? [String: Int] ?? [:]
    }

    /// Everything printed, for failure messages and for checking that no traceback escaped.
    var output: String { stdout + "\n" + stderr }
}
