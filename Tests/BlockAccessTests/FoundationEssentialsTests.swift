import AuditCore
import Foundation
import TestSupport
import XCTest
@testable import BlockAccess

/// The release binary links FoundationEssentials, not full Foundation (docs/RELEASE.md,
/// "Foundation and start-up"): a source file that imports full Foundation, or calls an API
/// only full Foundation has, would pull ~50 MB of Foundation, FoundationInternationalization
/// and ICU back in. This catches it in `make test`, without a release build;
/// scripts/release-check.sh checks the built binary's symbols.
final class FoundationEssentialsRuleTests: XCTestCase {
    /// Foundation-only names and calls (each has its replacement named in docs/RELEASE.md).
    static let foundationOnly: [(pattern: String, replacement: String)] = [
        (#"\bNSLock\b"#, "AuditCore's Lock"),
        (#"\bNSCondition\b"#, "AuditCore's Condition"),
        (#"\bNSRecursiveLock\b"#, "AuditCore's Lock"),
        (#"\bThread\b(?!s)"#, "AuditCore's Threads.detach / Threads.sleep"),
        (#"\bFileHandle\b"#, "StandardStream / FileDescriptor (BlockAccess/POSIX)"),
        (#"\bString\(format:"#, "AuditCore's TextFormat"),
        (#"\b(ISO8601)?DateFormatter\b"#, "Date.ISO8601FormatStyle"),
        (#"\b(Number|ByteCount|DateComponents)Formatter\b"#, "AuditCore's TextFormat"),
        (#"\bJSONSerialization\b"#, "JSONValue with JSONDecoder / JSONOutput"),
        (#"\bProcess\(\)"#, "ChildProcess (BlockAccess/POSIX)"),
        (#"\bPipe\(\)"#, "ChildProcess (BlockAccess/POSIX)"),
        (#"\bNS(String|Error|Number|Null|RegularExpression|Data|Array|Dictionary)\b"#, "Swift types, PathText, Errno.reason"),
        (#"\bObjCBool\b"#, "Bool"),
        (#"\bCharacterSet\b"#, "trimmingWhitespace() / trimmingScalars(where:)"),
        (#"\.trimmingCharacters\("#, "trimmingWhitespace() / trimmingWhitespaceAndNewlines()"),
        (#"\.replacingOccurrences\("#, "replacingEvery(_:with:)"),
        (#"\.padding\(toLength"#, "padded(toLength:)"),
        (#"\.localizedDescription\b"#, "Errno.reason(_:)"),
        (#"\.(adding|removing)PercentEncoding\b"#, "PathText.percentEncodedSegment / percentDecoded"),
        (#"\.range\(of:"#, "firstRange(of:) / lastRange(of:)"),
        (#"options: \.regularExpression"#, "a hand-written matcher or Swift Regex"),
        (#"\bRunLoop\b"#, "Dispatch"),
    ]

    /// What `source` (one file's text) breaks: `import Foundation` outside the
    /// `#if canImport(FoundationEssentials) … #else` fallback, or a Foundation-only API outside
    /// comments. Each entry is "line N: what".
    static func violations(in source: String) -> [String] {
        let rules = foundationOnly.map { (try! NSRegularExpression(pattern: $0.pattern), $0.pattern, $0.replacement) }
        let any = try! NSRegularExpression(pattern: foundationOnly.map { "(?:\($0.pattern))" }.joined(separator: "|"))
        let lines = source.components(separatedBy: "\n")
        var found: [String] = []
        var inBlockComment = false
        for (index, raw) in lines.enumerated() {
            var line = raw
            if inBlockComment {
                guard let end = line.range(of: "*/") else { continue }
                line = String(line[end.upperBound...])
                inBlockComment = false
            }
            if let start = line.range(of: "/*"), line.range(of: "*/", range: start.upperBound..<line.endIndex) == nil {
                line = String(line[..<start.lowerBound])
                inBlockComment = true
            }
            if let comment = line.range(of: "//") { line = String(line[..<comment.lowerBound]) }
            let code = line.trimmingCharacters(in: .whitespaces)
            if code.range(of: #"^(@_exported\s+)?import\s+(\w+\s+)?Foundation(\.|\s|$)"#, options: .regularExpression) != nil {
                let before = lines[..<index].map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.suffix(3)
                if Array(before) != ["#if canImport(FoundationEssentials)", "import FoundationEssentials", "#else"] {
                    found.append("line \(index + 1): 'import Foundation' outside '#if canImport(FoundationEssentials) import FoundationEssentials #else'")
                }
                continue
            }
            guard any.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil else { continue }
            for (regex, pattern, replacement) in rules
            where regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil {
                found.append("line \(index + 1): \(pattern) is full Foundation only; use \(replacement)")
            }
        }
        return found
    }

    func testTheRuleFindsWhatItLooksFor() {
        XCTAssertEqual(Self.violations(in: "import Foundation\nlet x = 1\n").count, 1)
        XCTAssertEqual(Self.violations(in: "#if canImport(FoundationEssentials)\nimport FoundationEssentials\n#else\nimport Foundation\n#endif\n"), [])
        XCTAssertEqual(Self.violations(in: "let l = NSLock()\nlet s = String(format: \"%02x\", 1)\n").count, 2)
        XCTAssertEqual(Self.violations(in: "let t = s.trimmingCharacters(in: .whitespaces)\nlet r = s.replacingOccurrences(of: \"a\", with: \"b\")\n").count, 2)
        XCTAssertEqual(Self.violations(in: "FileHandle.standardError.write(d)\nlet p = Process()\n").count, 2)
        XCTAssertEqual(Self.violations(in: "Thread.sleep(forTimeInterval: 1)\nThreads.sleep(seconds: 1)\n").count, 1)
        XCTAssertEqual(Self.violations(in: "// NSLock and FileHandle in a comment\n/* String(format:)\n NSString */ let a = 1\n"), [])
    }

    func testNoSourceFileNeedsFullFoundation() throws {
        let sources = Repository.root.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(atPath: sources.path)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && !$0.hasPrefix("fuzz-") }
        var offenders: [String] = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            offenders += Self.violations(in: text).map { "Sources/\(file) \($0)" }
        }
        XCTAssertGreaterThan(files.count, 100, "the scan found the sources")
        XCTAssertEqual(offenders, [], "the release binary links FoundationEssentials only (docs/RELEASE.md, \"Foundation and start-up\")")
    }
}

/// The replacements give the text the full-Foundation calls gave (the tests link Foundation
/// and compare the two on the same inputs).
final class FoundationReplacementTests: XCTestCase {
    static let texts = ["", " ", "abc", "  abc  ", "\tabc\t", " a b ", "\u{00A0}x\u{3000}", "\u{2028}x\u{2029}", "\r\nx\r\n",
                        "\n\u{0085}x\u{000B}\u{000C}", "é\u{0301} ", " \u{200B}x", "\u{200C}x\u{180E}", "\u{FEFF}x\u{205F}", "a-b-c", "--a--", "aaa", "a|b|c\n", "x\0y\0",
                        "A\\040B", "📦 box ", "🇫🇷|🇫🇷", "e\u{301}-e\u{301}"]

    func testTrimmingMatchesCharacterSets() {
        for text in Self.texts {
            XCTAssertEqual(text.trimmingWhitespace(), text.trimmingCharacters(in: .whitespaces), text.debugDescription)
            XCTAssertEqual(text.trimmingWhitespaceAndNewlines(), text.trimmingCharacters(in: .whitespacesAndNewlines), text.debugDescription)
            XCTAssertEqual(text.trimmingNewlines(), text.trimmingCharacters(in: .newlines), text.debugDescription)
            XCTAssertEqual(text.dropFirst().trimmingWhitespace(), text.dropFirst().trimmingCharacters(in: .whitespaces))
        }
    }

    func testReplacingPaddingAndLastRangeMatchFoundation() {
        for text in Self.texts {
            for (target, replacement) in [("-", ""), ("|", "\\|"), ("\n", " "), ("\0", ""), ("\\040", " "), ("a", "aa"), ("aa", "b"), ("🇫🇷", "F")] {
                XCTAssertEqual(text.replacingEvery(target, with: replacement), text.replacingOccurrences(of: target, with: replacement),
                               "\(text.debugDescription) \(target.debugDescription)")
            }
            for length in [0, 1, 3, 8, 14] {
                XCTAssertEqual(text.padded(toLength: length), text.padding(toLength: length, withPad: " ", startingAt: 0), text.debugDescription)
            }
            for target in ["-", "a", "aa", "-part"] {
                let mine = text.lastRange(of: target).map { text.distance(from: text.startIndex, to: $0.lowerBound) }
                let theirs = text.range(of: target, options: .backwards).map { text.distance(from: text.startIndex, to: $0.lowerBound) }
                XCTAssertEqual(mine, theirs, "\(text.debugDescription) \(target)")
            }
        }
        XCTAssertEqual("sda-part1-part2".lastRange(of: "-part").map { String("sda-part1-part2"[$0.lowerBound...]) }, "-part2")
    }

    func testNumberFormatsMatchPrintf() {
        var rng = SeededGenerator(seed: 17)
        var values: [Double] = [0, 0.005, 0.015, 0.125, 1.005, 2.675, 99.995, 1e-9, 123456.789, 1e15, -0.004, -1.5]
        for _ in 0..<500 { values.append(Double(rng.next() % 10_000_000) / Double(1 + rng.next() % 1000)) }
        for value in values {
            XCTAssertEqual(TextFormat.fixed(value, decimals: 2), String(format: "%.2f", value), "\(value)")
            XCTAssertEqual(TextFormat.fixed(value, decimals: 0), String(format: "%.0f", value), "\(value)")
        }
        for value in [0, 5, 9, 10, 59, 99, 100, 12345, -3] {
            XCTAssertEqual(TextFormat.zeroPadded(value, width: 2), String(format: "%02d", value))
        }
        for byte in UInt8.min...UInt8.max {
            XCTAssertEqual(TextFormat.hex(byte, width: 2), String(format: "%02x", byte))
            XCTAssertEqual(TextFormat.hex(byte, width: 2, uppercase: true), String(format: "%02X", byte))
        }
        for _ in 0..<200 {
            let value = UInt32(truncatingIfNeeded: rng.next()) >> (rng.next() % 32)
            XCTAssertEqual(TextFormat.hex(value, width: 8, uppercase: true), String(format: "%08X", value))
        }
        let bytes: [UInt8] = [0x00, 0x0F, 0xA0, 0xFF, 0x5C]
        XCTAssertEqual(TextFormat.hex(bytes: bytes), bytes.map { String(format: "%02x", $0) }.joined())
        XCTAssertEqual(TextFormat.hex(bytes: bytes, uppercase: true), bytes.map { String(format: "%02X", $0) }.joined())
    }

    func testPathTextMatchesNSString() {
        for path in ["", "/", "a", "/a", "/a/", "/a/b", "a/b", "/a/b/", "./x.img", "/dev/disk/by-id", "/var/lib/replica-audit/ledger.db"] {
            XCTAssertEqual(PathText.lastComponent(path), (path as NSString).lastPathComponent, path)
            if path.contains("/") {
                XCTAssertEqual(PathText.deletingLastComponent(path), (path as NSString).deletingLastPathComponent, path)
            } else {  // corelibs Foundation traps here (String._startOfLastPathComponent); Darwin's gives ""
                XCTAssertEqual(PathText.deletingLastComponent(path), "", path)
            }
            for name in ["x", "wwn-0x5000"] {
                XCTAssertEqual(PathText.join(path, name), (path as NSString).appendingPathComponent(name), "\(path) + \(name)")
            }
        }
    }

    func testPercentEncodingMatchesFoundation() {
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))
        for text in Self.texts + ["vm one", "a%b", "a?b#c", "ü/ß", "100%", "x;y=z&w", "~user.name_1(2)"] {
            XCTAssertEqual(PathText.percentEncodedSegment(text), text.addingPercentEncoding(withAllowedCharacters: allowed), text.debugDescription)
        }
        for text in ["a%20b", "%2Fsock", "%zz", "%2", "%", "%C3%BC", "%C3", "plain", "%E2%80%A8", ""] {
            XCTAssertEqual(PathText.percentDecoded(text), text.removingPercentEncoding, text)
        }
    }

    func testDatesMatchTheFormattersTheyReplace() {
        let iso = ISO8601DateFormatter()
        iso.timeZone = TimeZone(identifier: "UTC")
        iso.formatOptions = [.withInternetDateTime]
        let fractional = ISO8601DateFormatter()
        fractional.timeZone = TimeZone(identifier: "UTC")
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let compact = DateFormatter()
        compact.locale = Locale(identifier: "en_US_POSIX")
        compact.timeZone = TimeZone(identifier: "UTC")
        compact.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        var rng = SeededGenerator(seed: 3)
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_764_000_000.9995), Date(timeIntervalSince1970: 951_782_400.001)]
        for _ in 0..<300 {
            dates.append(Date(timeIntervalSince1970: Double(rng.next() % 4_000_000_000) + Double(rng.next() % 1000) / 1000))
            dates.append(Date(timeIntervalSince1970: Double(rng.next() % 4_000_000_000) + Double(rng.next() % 1_000_000) / 1_000_000))
        }
        for date in dates {
            XCTAssertEqual(UTCTime.seconds(date), iso.string(from: date))
            XCTAssertEqual(UTCTime.milliseconds(date), fractional.string(from: date))
            XCTAssertEqual(UTCTime.compact(date), compact.string(from: date))
        }
    }
}

/// Locks, threads and child processes without Foundation's NSLock, Thread and Process.
final class EssentialsConcurrencyTests: XCTestCase {
    func testLockAndThreadsCountEveryIncrement() {
        final class Counter: @unchecked Sendable {
            let lock = Lock()
            var value = 0
        }
        let counter = Counter()
        let group = DispatchGroup()
        for _ in 0..<8 {
            group.enter()
            Threads.detach(stackSize: 1 << 20) {
                for _ in 0..<10_000 { counter.lock.withLock { counter.value += 1 } }
                group.leave()
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(counter.value, 80_000)
    }

    func testConditionTimesOutAndWakes() {
        let condition = Condition()
        condition.lock()
        let start = DispatchTime.now()
        XCTAssertFalse(condition.wait(seconds: 0.05))
        XCTAssertGreaterThanOrEqual(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds, 40_000_000)
        condition.unlock()
        final class Flag: @unchecked Sendable { var set = false }
        let flag = Flag()
        Threads.detach {
            Threads.sleep(seconds: 0.02)
            condition.lock()
            flag.set = true
            condition.broadcast()
            condition.unlock()
        }
        condition.lock()
        var waits = 0
        while !flag.set, waits < 200 {
            condition.wait(seconds: 0.1)
            waits += 1
        }
        condition.unlock()
        XCTAssertTrue(flag.set)
    }

    func testChildProcessStatusStderrEnvironmentAndFailure() throws {
        let failed = try ChildProcess.run("/bin/sh", ["-c", "echo \"to stderr $RA_TEST_VALUE\" >&2; echo to-stdout; exit 3"],
                                          environment: ["RA_TEST_VALUE": "forty-two", "PATH": "/usr/bin:/bin"], quiet: true)
        XCTAssertEqual(failed.status, 3)
        XCTAssertEqual(String(decoding: failed.standardError, as: UTF8.self), "to stderr forty-two\n")
        let killed = try ChildProcess.run("/bin/sh", ["-c", "kill -TERM $$"], quiet: true)
        XCTAssertEqual(killed.status, SIGTERM, "a signal is reported by its number, as Process.terminationStatus did")
        XCTAssertEqual(try ChildProcess.run("/bin/true", [], quiet: true).status, 0)
        XCTAssertThrowsError(try ChildProcess.run("/nonexistent/tool", [], quiet: true)) { XCTAssertEqual($0 as? Errno, .noSuchFile) }
    }

    func testErrorReasonsNameTheErrno() {
        XCTAssertThrowsError(try Data(contentsOf: URL(fileURLWithPath: "/nonexistent/file"))) {
            XCTAssertEqual(Errno.reason($0), "No such file or directory")
        }
        XCTAssertThrowsError(try Data("x".utf8).write(to: URL(fileURLWithPath: "/nonexistent/dir/file"))) {
            XCTAssertEqual(Errno.reason($0), "No such file or directory")
        }
        XCTAssertEqual(Errno.reason(Errno(rawValue: EACCES)), "Permission denied")
    }
}
