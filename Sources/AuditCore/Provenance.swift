/// Where a report came from (README.md, "Provenance and signed attestations"): which build
/// of the tool, run how, on which host by whom, when, from which input files, for which case.
public struct Provenance: Codable, Sendable, Equatable {
    /// The commit and commit date of the build (`BuildInfo`), "unknown" when the build was not stamped.
    public struct Build: Codable, Sendable, Equatable {
        public var commit: String
        public var date: String

        public init(commit: String, date: String) {
            self.commit = commit
            self.date = date
        }
    }

    /// The tool that wrote the report.
    public struct Tool: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
        public var build: Build

        public init(name: String = "replica-audit", version: String, build: Build = BuildInfo.current) {
            self.name = name
            self.version = version
            self.build = build
        }
    }

    /// One input file the run read, with the SHA-256 of its bytes, hashed right after it was read.
    public struct Input: Codable, Sendable, Equatable {
        /// "inventory", "baseline", "preflight", …
        public var role: String
        /// The path as given on the command line.
        public var path: String
        /// Lower-case hex; nil when the file could not be read again for hashing.
        public var sha256: String?
        /// For a signed input (a baseline with `--baseline-public-key`): what its signature
        /// check found, e.g. "verified: key 64b36fcd6dcb47db"; null when not checked.
        public var signature: String?

        public init(role: String, path: String, sha256: String?, signature: String? = nil) {
            self.role = role
            self.path = path
            self.sha256 = sha256
            self.signature = signature
        }

        private enum CodingKeys: String, CodingKey, CaseIterable { case role, path, sha256, signature }

        /// Every key, an absent digest as `null`.
        public func encode(to encoder: Encoder) throws {
            try NullEncoding.encode(self, keys: CodingKeys.self, to: encoder)
        }
    }

    public var tool: Tool
    /// The arguments, the program first, with secrets redacted (URI passwords and query values).
    public var commandLine: [String]
    public var host: String
    public var user: String
    /// ISO 8601 UTC.
    public var startedAt: String
    public var finishedAt: String
    public var inputs: [Input]
    /// `--case-id`, `--examiner`; null when not given.
    public var caseId: String?
    public var examiner: String?

    public init(tool: Tool, commandLine: [String], host: String, user: String, startedAt: String, finishedAt: String,
                inputs: [Input], caseId: String?, examiner: String?) {
        self.tool = tool
        self.commandLine = commandLine
        self.host = host
        self.user = user
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.inputs = inputs
        self.caseId = caseId
        self.examiner = examiner
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case tool, commandLine, host, user, startedAt, finishedAt, inputs, caseId, examiner
    }

    /// Every key, absent values as `null`.
    public func encode(to encoder: Encoder) throws {
        try NullEncoding.encode(self, keys: CodingKeys.self, to: encoder)
    }

    /// The command line as one shell-quoted line, for the HTML and Markdown reports.
    public var shellCommandLine: String {
        commandLine.map { word in
            let plain = !word.isEmpty && word.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=,@+%".contains($0) }
            return plain ? word : "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: #"'\''"#) + "'"
        }.joined(separator: " ")
    }
}

/// The build this binary came from. `make` stamps it (scripts/build-info.sh writes
/// Sources/AuditCore/BuildStamp.generated.swift, git-ignored, and compiles with
/// `-DREPLICA_AUDIT_BUILD_STAMP`); a plain `swift build` says "unknown" (README.md,
/// "Provenance and signed attestations").
public enum BuildInfo {
    /// The commit (with "-dirty" when the tree had changes) and its commit date, or "unknown".
    public static var current: Provenance.Build {
        Provenance.Build(commit: BuildStamp.commit ?? "unknown", date: BuildStamp.date ?? "unknown")
    }
}

#if !REPLICA_AUDIT_BUILD_STAMP
/// The fallback of an unstamped build.
enum BuildStamp {
    static let commit: String? = nil
    static let date: String? = nil
}
#endif
