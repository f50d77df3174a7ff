import AuditCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import Verification

/// wave.json (README.md, "A wave"; docs/CONTRACT.md): the outcome of every VM of a wave,
/// with a link to each VM's own reports. Pretty-printed with sorted keys.
public struct WaveReport: Codable, Sendable, Equatable {
    public var schemaVersion: Int = 1
    public var kind: String = "wave"
    public var wave: String
    /// pass, fail or inconclusive: fail if any VM fails, else inconclusive if any VM is
    /// inconclusive or was not run, else pass.
    public var verdict: String
    /// True when Ctrl-C (SIGINT) or SIGTERM stopped the wave: VMs not started are "not-run".
    public var interrupted: Bool
    public var startedAt: String
    public var finishedAt: String
    public var tool: ToolInfo
    /// The wave file as given.
    public var waveFile: String
    /// `--jobs`: the most connections the wave had open at once.
    public var jobs: Int
    public var counts: Counts
    public var vms: [VM]

    /// How many VMs ended with each verdict.
    public struct Counts: Codable, Sendable, Equatable {
        public var pass = 0
        public var fail = 0
        public var inconclusive = 0
        public var notRun = 0
        public init() {}
    }

    /// One VM: its verdict and where its reports are.
    public struct VM: Codable, Sendable, Equatable {
        /// The entry's position in the wave file's `vms`, from 0.
        public var index: Int
        public var vm: String
        public var inventory: String
        /// pass, fail, inconclusive, or not-run (the wave was interrupted before it started).
        public var verdict: String
        /// The VM's report folder, relative to the wave's directory; nil when not run.
        public var reportDir: String?
        public var disks: [Disk]
        /// The keys of the disks that failed.
        public var failedDisks: [String]
        /// Every finding of the VM and its disks, without evidence (that is in its report.json).
        public var findings: [FindingSummary]
        /// The contamination, in plain words.
        public var contamination: [String]
        /// Notes for the user (an interrupted comparison, a report that could not be written).
        public var notes: [String]

        public init(index: Int, vm: String, inventory: String, verdict: String, reportDir: String?, disks: [Disk],
                    failedDisks: [String], findings: [FindingSummary], contamination: [String], notes: [String]) {
            self.index = index
            self.vm = vm
            self.inventory = inventory
            self.verdict = verdict
            self.reportDir = reportDir
            self.disks = disks
            self.failedDisks = failedDisks
            self.findings = findings
            self.contamination = contamination
            self.notes = notes
        }

        /// The summary of a verified VM whose reports are in `reportDir`.
        public init(index: Int, inventory: String, report: VerificationReport, reportDir: String?, notes: [String]) {
            let vmFindings = report.findings
            self.init(
                index: index, vm: report.vm.name, inventory: inventory, verdict: report.verdict.rawValue, reportDir: reportDir,
                disks: report.disks.map { Disk(key: $0.key, label: $0.label, target: $0.target, verdict: $0.verdict.rawValue,
                                               expectedBytes: $0.expectedBytes, actualBytes: $0.actualBytes) },
                failedDisks: report.disks.filter { $0.verdict == .fail }.map(\.key),
                findings: vmFindings.map { finding in
                    FindingSummary(disk: report.disks.first { Verifier.names(finding.evidence, key: $0.key) }?.key, finding)
                } + report.disks.flatMap { disk in disk.findings.map { FindingSummary(disk: disk.key, $0) } },
                contamination: report.contamination.map { ContaminationProse.sentence($0, in: report) }, notes: notes)
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case index, vm, inventory, verdict, reportDir, disks, failedDisks, findings, contamination, notes
        }

        /// Every field, a missing report folder as null.
        public func encode(to encoder: Encoder) throws {
            try NullEncoding.encode(self, keys: CodingKeys.self, to: encoder)
        }

        /// A VM the wave did not get to: its disks from the inventory, none read.
        public static func notRun(index: Int, vm: String, inventory: String,
                                  disks: [(key: String, label: String?, target: String?, bytes: UInt64)]) -> VM {
            VM(index: index, vm: vm, inventory: inventory, verdict: WaveReport.notRun, reportDir: nil,
               disks: disks.map { Disk(key: $0.key, label: $0.label, target: $0.target, verdict: WaveReport.notRun,
                                       expectedBytes: $0.bytes, actualBytes: nil) },
               failedDisks: [], findings: [], contamination: [],
               notes: ["not run: the wave was interrupted before this VM was started"])
        }
    }

    /// One disk of a VM.
    public struct Disk: Codable, Sendable, Equatable {
        public var key: String
        public var label: String?
        public var target: String?
        public var verdict: String
        public var expectedBytes: UInt64
        public var actualBytes: UInt64?

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case key, label, target, verdict, expectedBytes, actualBytes
        }

        /// Every field, an absent label, target or size as null.
        public func encode(to encoder: Encoder) throws {
            try NullEncoding.encode(self, keys: CodingKeys.self, to: encoder)
        }
    }

    /// A finding without its evidence; `disk` is nil for a VM finding that names no disk.
    public struct FindingSummary: Codable, Sendable, Equatable {
        public var disk: String?
        public var code: String
        public var severity: Severity
        public var message: String

        public init(disk: String?, _ finding: Finding) {
            self.disk = disk
            code = finding.code
            severity = finding.severity
            message = finding.message
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case disk, code, severity, message
        }

        /// Every field, a VM-level finding's disk as null.
        public func encode(to encoder: Encoder) throws {
            try NullEncoding.encode(self, keys: CodingKeys.self, to: encoder)
        }
    }

    /// The verdict of a VM the wave did not get to.
    public static let notRun = "not-run"

    /// A report over `vms` (in wave-file order); the verdict and counts follow from them.
    public init(wave: String, waveFile: String, startedAt: String, finishedAt: String, tool: ToolInfo, jobs: Int,
                interrupted: Bool, vms: [VM]) {
        self.wave = wave
        self.waveFile = waveFile
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.tool = tool
        self.jobs = jobs
        self.interrupted = interrupted
        self.vms = vms
        var counts = Counts()
        for vm in vms {
            switch vm.verdict {
            case Verdict.pass.rawValue: counts.pass += 1
            case Verdict.fail.rawValue: counts.fail += 1
            case Verdict.inconclusive.rawValue: counts.inconclusive += 1
            default: counts.notRun += 1
            }
        }
        self.counts = counts
        verdict = counts.fail > 0 ? Verdict.fail.rawValue
            : (counts.inconclusive + counts.notRun > 0 ? Verdict.inconclusive.rawValue : Verdict.pass.rawValue)
    }

    /// The exit code of `wave`: 1 if any VM fails, else 3 if any is inconclusive or not run, else 0.
    public var exitCode: Int32 {
        switch verdict {
        case Verdict.fail.rawValue: 1
        case Verdict.pass.rawValue: 0
        default: 3
        }
    }
}

/// Writes and renders the wave's own files: wave.json, junit.xml and index.html.
public enum WaveReports {
    /// The file names written into the wave's directory, besides one folder per VM.
    public static let fileNames = ["wave.json", "junit.xml", "index.html"]

    /// wave.json's bytes, ending with a newline.
    public static func json(_ report: WaveReport) throws -> Data {
        try JSONOutput.document(report)
    }

    /// Writes the three files into `directory` (which exists).
    public static func write(_ report: WaveReport, to directory: URL) throws {
        let path = { (name: String) in directory.appendingPathComponent(name).path }
        try OutputLocation.write(json(report), to: path("wave.json"))
        try OutputLocation.write(Data(WaveJUnitReport.render(report).utf8), to: path("junit.xml"))
        try OutputLocation.write(Data(WaveHTMLReport.render(report).utf8), to: path("index.html"))
    }
}
