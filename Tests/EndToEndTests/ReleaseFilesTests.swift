import Foundation
import TestSupport
import XCTest

/// What `make install` and `make deb` ship beside the binary (docs/RELEASE.md), made from the
/// built binary the way the release makes them: the man page from the command definitions,
/// the completions, the installed layout, and `demo` run from installed files. The release
/// build itself (static runtime, linked libraries, the .deb installed with dpkg) is checked by
/// scripts/release-check.sh, which CI runs after `make test`.
final class ReleaseFilesTests: XCTestCase {
    private func assets() throws -> URL {
        let dir = try TemporaryDirectory.make(prefix: "release-assets")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try Tools.run(Repository.root.appendingPathComponent("scripts/release-assets.sh").path, [try Repository.binary(), dir.path])
        return dir
    }

    /// Every command of `--experimental-dump-help`, with its path, and its options' long names.
    private func commands() throws -> [(path: [String], options: [String])] {
        let dump = try Repository.runTool(["--experimental-dump-help"])
        let root = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])?["command"] as? [String: Any])
        var out: [(path: [String], options: [String])] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = sub["commandName"] as? String, name != "help", sub["shouldDisplay"] as? Bool ?? true else { continue }
                let options = (sub["arguments"] as? [[String: Any]] ?? []).filter { $0["shouldDisplay"] as? Bool ?? true }
                    .flatMap { ($0["names"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "long" } }
                    .compactMap { $0["name"] as? String }.filter { $0 != "help" && $0 != "version" }
                out.append((path + [name], options))
                walk(sub, path + [name])
            }
        }
        walk(root, [])
        return out
    }

    func testTheManPageDocumentsEveryCommandOptionAndExitStatus() throws {
        let page = try assets().appendingPathComponent("replica-audit.1")
        let rendered = try Tools.run("/usr/bin/groff", ["-man", "-Tutf8", "-P-cbou", "-ww", "-rLL=200n", page.path])
        XCTAssertEqual(rendered.stderr, "", "groff warned about the generated page")
        let text = rendered.stdout
        for heading in ["NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "EXAMPLES", "EXIT STATUS", "FILES"] {
            XCTAssertTrue(text.contains("\n" + heading + "\n"), "no \(heading) section")
        }
        let commands = try commands()
        XCTAssertGreaterThanOrEqual(commands.count, 9)
        for command in commands {
            XCTAssertTrue(text.contains("\n   " + command.path.joined(separator: " ") + "\n"), "no section for \(command.path)")
            for option in command.options {
                XCTAssertTrue(text.contains("--" + option), "\(command.path) --\(option) is not in the man page")
            }
        }
        // Every command of docs/CONTRACT.md's exit-code table has its codes on the page.
        for command in ["verify", "capture", "inspect", "compare", "inventory", "preflight", "devices", "attest verify"] {
            let section = try XCTUnwrap(text.components(separatedBy: "EXIT STATUS").last)
            XCTAssertTrue(section.contains(command), "EXIT STATUS has no \(command)")
        }
        XCTAssertTrue(text.contains("replica-audit verify --inventory inv.json --nbd-targets"), "verify's examples are missing")
    }

    func testTheBashCompletionCompletesCommandsAndOptionValues() throws {
        let directory = try assets().appendingPathComponent("completions")
        let completion = directory.appendingPathComponent("replica-audit.bash").path
        func complete(_ words: [String]) throws -> [String] {
            let line = words.joined(separator: " ")
            let script = """
                source '\(completion)'
                f=$(complete -p replica-audit | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p')
                COMP_WORDS=(\(words.map { "'\($0)'" }.joined(separator: " "))); COMP_CWORD=\(words.count - 1)
                COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
                $f replica-audit '\(words.last!)' '\(words[words.count - 2])'
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let result = try Tools.run("/bin/bash", ["-c", script])
            XCTAssertEqual(result.stderr, "", line)
            return result.stdout.split(separator: "\n").map(String.init)
        }
        let verbs = try complete(["replica-audit", "ver"])
        XCTAssertTrue(verbs.contains("verify"), "\(verbs)")
        let options = try complete(["replica-audit", "inspect", "--for"])
        XCTAssertTrue(options.contains("--format"), "\(options)")
        XCTAssertEqual(Set(try complete(["replica-audit", "inspect", "--format", ""])), ["text", "json"])
        XCTAssertTrue(try String(contentsOf: directory.appendingPathComponent("_replica-audit"), encoding: .utf8).hasPrefix("#compdef replica-audit"))
        XCTAssertTrue(try String(contentsOf: directory.appendingPathComponent("replica-audit.fish"), encoding: .utf8).contains("complete -c 'replica-audit'"))
    }

    func testInstallRunsTheDemoFromTheInstalledFilesAndUninstallRemovesEverything() throws {
        let dir = try TemporaryDirectory.make(prefix: "release-install")
        defer { try? FileManager.default.removeItem(at: dir) }
        let assets = try assets()
        let install = Repository.root.appendingPathComponent("scripts/install.sh").path
        let stage = dir.appendingPathComponent("stage").path
        let environment = ["RELEASE_BIN": try Repository.binary(), "RELEASE_ASSETS": assets.path]
        try Tools.run(install, [stage, "/opt/ra"], environment: environment)
        let prefix = URL(fileURLWithPath: stage + "/opt/ra")
        let files = [
            "bin/replica-audit", "share/man/man1/replica-audit.1.gz", "share/bash-completion/completions/replica-audit",
            "share/zsh/site-functions/_replica-audit", "share/fish/vendor_completions.d/replica-audit.fish",
            "share/doc/replica-audit/README.md", "share/doc/replica-audit/docs/CONTRACT.md",
            "share/replica-audit/Fixtures/demo.sh", "share/replica-audit/Fixtures/make-seed.sh",
            "share/replica-audit/Fixtures/inventories/demo-pgtest1.json",
        ]
        for file in files {
            XCTAssertTrue(FileManager.default.fileExists(atPath: prefix.appendingPathComponent(file).path), "\(file) was not installed")
        }
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: prefix.appendingPathComponent("share/replica-audit/Fixtures/demo.sh").path))

        // The installed binary, started outside any checkout, finds the installed demo and
        // writes into ./replica-audit-demo/ of the current directory.
        let cwd = dir.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
        let binary = prefix.appendingPathComponent("bin/replica-audit").path
        let demo = try Tools.run("/bin/bash", ["-c", "cd '\(cwd.path)' && exec '\(binary)' demo"], check: false)
        XCTAssertEqual(demo.status, 0, demo.stdout + demo.stderr)
        XCTAssertTrue(demo.stdout.contains("== signing key: replica-audit-demo/work/signing.pem"), demo.stdout)
        XCTAssertFalse(demo.stdout.contains(".work/demo"), demo.stdout)
        for (run, verdict) in [("2-incident", "fail"), ("3-correct", "pass")] {
            let report = cwd.appendingPathComponent("replica-audit-demo/reports/\(run)/report.json")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any]
            XCTAssertEqual(json?["verdict"] as? String, verdict, run)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: prefix.appendingPathComponent("share/replica-audit/.work").path),
                       "the demo wrote into the installed share directory")

        // A read-only current directory: one clear line, exit 2, nothing run.
        let readOnly = dir.appendingPathComponent("ro")
        try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: true)
        if getuid() != 0 {
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: readOnly.path)
            let refused = try Tools.run("/bin/bash", ["-c", "cd '\(readOnly.path)' && exec '\(binary)' demo"], check: false)
            XCTAssertEqual(refused.status, 2, refused.stderr)
            XCTAssertTrue(refused.stderr.contains("is not writable"), refused.stderr)
        }

        try Tools.run(install, ["--uninstall", stage, "/opt/ra"])
        let left = FileManager.default.enumerator(atPath: stage)?.compactMap { $0 as? String }
            .filter { !((try? FileManager.default.attributesOfItem(atPath: stage + "/" + $0)[.type] as? FileAttributeType) == .typeDirectory) }
        XCTAssertEqual(left ?? [], [], "make uninstall left files behind")

        // Without the installed share directory and outside a checkout: the one-line error, exit 2.
        let lone = dir.appendingPathComponent("lone")
        try FileManager.default.createDirectory(at: lone, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try Repository.binary(), toPath: lone.appendingPathComponent("replica-audit").path)
        let missing = try Tools.run("/bin/bash", ["-c", "cd '\(lone.path)' && exec ./replica-audit demo"], check: false)
        XCTAssertEqual(missing.status, 2, missing.stdout + missing.stderr)
        XCTAssertTrue(missing.stderr.contains("Fixtures/demo.sh was not found"), missing.stderr)
        XCTAssertEqual(missing.stderr.split(separator: "\n").count, 1, missing.stderr)
    }
}
