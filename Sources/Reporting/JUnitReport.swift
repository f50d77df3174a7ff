import AuditCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Verification

/// junit.xml for CI: one testsuite for the VM (mapping, contamination) and one per disk,
/// with one testcase per rule family. A failing family carries its findings in
/// `<failure>`; a volume that could not be read is an `<error>`; a family that did not
/// apply is `<skipped>`. The shape Jenkins' and GitLab's JUnit readers accept:
/// `testsuites > testsuite > testcase > failure|error|skipped`, one such child at most.
/// Test names are unique across the document ("disk 2000: label-geometry"), because
/// GitLab keeps only the first of equally named tests; the finding text is the element's
/// body as well as its `message`, because GitLab shows only the body.
public enum JUnitReport {
    /// The XML document.
    public static func render(_ report: VerificationReport) -> String {
        var suites: [Suite] = [vmSuite(report)]
        suites += report.disks.map { disk in
            diskSuite(disk, vm: report.vm.name, vmFindings: report.findings.filter { Verifier.names($0.evidence, key: disk.key) })
        }
        let timestamp = String(report.startedAt.prefix(19))
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"\(Markup.escape("replica-audit verify \(report.vm.name)"))\""
            + " tests=\"\(suites.map(\.cases.count).reduce(0, +))\" failures=\"\(suites.map(\.failures).reduce(0, +))\""
            + " errors=\"\(suites.map(\.errors).reduce(0, +))\" skipped=\"\(suites.map(\.skipped).reduce(0, +))\" time=\"0\">\n"
        for (index, suite) in suites.enumerated() {
            xml += "  <testsuite name=\"\(Markup.escape(suite.name))\" id=\"\(index)\" tests=\"\(suite.cases.count)\""
                + " failures=\"\(suite.failures)\" errors=\"\(suite.errors)\" skipped=\"\(suite.skipped)\""
                + " time=\"0\" timestamp=\"\(Markup.escape(timestamp))\" hostname=\"replica-audit\">\n"
            if index == 0 {
                xml += "    <properties>\n"
                xml += "      <property name=\"verdict\" value=\"\(report.verdict.rawValue)\"/>\n"
                xml += "      <property name=\"references\" value=\"\(report.references.rawValue)\"/>\n"
                xml += "      <property name=\"content\" value=\"\(Markup.escape(report.content.mode))\"/>\n"
                xml += "    </properties>\n"
            }
            for testcase in suite.cases { xml += testcase.xml(classname: suite.classname) }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>\n"
        return xml
    }

    struct Suite {
        var name: String
        var classname: String
        var cases: [Case]
        var failures: Int { cases.filter { if case .failure = $0.outcome { true } else { false } }.count }
        var errors: Int { cases.filter { if case .error = $0.outcome { true } else { false } }.count }
        var skipped: Int { cases.filter { if case .skipped = $0.outcome { true } else { false } }.count }
    }

    struct Case {
        enum Outcome {
            case passed
            case failure(message: String, type: String, text: String)
            case error(message: String, type: String, text: String)
            case skipped(message: String)
        }
        var name: String
        var outcome: Outcome
        /// Findings that do not fail the case (warnings, info), for `<system-out>`, which
        /// Jenkins and GitLab show with the test.
        var output = ""

        func xml(classname: String) -> String {
            let open = "    <testcase classname=\"\(Markup.escape(classname))\" name=\"\(Markup.escape(name))\" time=\"0\""
            let systemOut = output.isEmpty ? "" : "      <system-out>\(Markup.escape(output))</system-out>\n"
            switch outcome {
            case .passed:
                return systemOut.isEmpty ? open + "/>\n" : open + ">\n" + systemOut + "    </testcase>\n"
            case .failure(let message, let type, let text):
                return open + ">\n      <failure message=\"\(Markup.escape(message))\" type=\"\(Markup.escape(type))\">"
                    + Markup.escape(text) + "</failure>\n    </testcase>\n"
            case .error(let message, let type, let text):
                return open + ">\n      <error message=\"\(Markup.escape(message))\" type=\"\(Markup.escape(type))\">"
                    + Markup.escape(text) + "</error>\n    </testcase>\n"
            case .skipped(let message):
                return open + ">\n      <skipped message=\"\(Markup.escape(message))\"/>\n" + systemOut + "    </testcase>\n"
            }
        }
    }

    static func vmSuite(_ report: VerificationReport) -> Suite {
        let mapping = outcome(for: report.findings, unreadIsError: true)
        let contamination: Case.Outcome = report.contamination.isEmpty
            ? .passed
            : .failure(message: ContaminationProse.sentence(report.contamination[0], in: report),
                       type: "contamination",
                       text: report.contamination.map { ContaminationProse.sentence($0, in: report) }.joined(separator: "\n"))
        return Suite(name: report.vm.name, classname: "\(report.vm.name).vm",
                     cases: [Case(name: "VM \(report.vm.name): mapping", outcome: mapping, output: quietOutput(report.findings)),
                             Case(name: "VM \(report.vm.name): contamination", outcome: contamination)])
    }

    /// One suite per disk. `vmFindings` are the VM findings that name this disk (a
    /// duplicate-target): they get a "mapping" case, so that a disk whose verdict they
    /// fail also fails in JUnit, as in report.json.
    static func diskSuite(_ disk: DiskReport, vm: String, vmFindings: [Finding] = []) -> Suite {
        var cases = disk.checks.map { check -> Case in
            let findings = disk.findings.filter { check.findingCodes.contains($0.code) }
            if let reason = check.skippedBecause, findings.isEmpty {
                return Case(name: "disk \(disk.key): \(check.family.rawValue)", outcome: .skipped(message: reason))
            }
            return Case(name: "disk \(disk.key): \(check.family.rawValue)", outcome: outcome(for: findings, unreadIsError: true),
                        output: quietOutput(findings))
        }
        if !vmFindings.isEmpty {
            cases.insert(Case(name: "disk \(disk.key): mapping", outcome: outcome(for: vmFindings, unreadIsError: true),
                              output: quietOutput(vmFindings)), at: 0)
        }
        return Suite(name: "\(vm) \(disk.described)", classname: "\(vm).disk-\(disk.key)", cases: cases)
    }

    /// A failure when any finding fails, an error when the only problem is that something
    /// could not be read, a pass otherwise (info and warning findings do not change the outcome; a
    /// passing case carries them in `<system-out>`).
    static func outcome(for findings: [Finding], unreadIsError: Bool) -> Case.Outcome {
        let text = findings.map(describe).joined(separator: "\n\n")
        if let worst = findings.filter({ $0.severity.fails }).max(by: { $0.severity < $1.severity }) {
            let codes = Array(Set(findings.filter { $0.severity.fails }.map(\.code))).sorted().joined(separator: ",")
            return .failure(message: worst.message, type: codes, text: text)
        }
        if let unread = findings.first(where: { FindingCode.unread.contains($0.code) }) {
            return .error(message: unread.message, type: unread.code, text: text)
        }
        return .passed
    }

    /// The warnings and info findings of a case, for `<system-out>` (empty when there are none).
    static func quietOutput(_ findings: [Finding]) -> String {
        findings.filter { !$0.severity.fails }.map(describe).joined(separator: "\n\n")
    }

    static func describe(_ finding: Finding) -> String {
        var lines = ["[\(finding.severity.rawValue)] \(finding.code): \(finding.message)"]
        for (key, value) in finding.evidence.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(key): \(EvidenceText.render(value))")
        }
        return lines.joined(separator: "\n")
    }
}
