import Foundation
import XCTest

/// Issue 11, item 1: one type owns the libnbd handle (Sources/BlockAccess/NBDHandle.swift);
/// every other file goes through it. These tests read the sources, so a new raw `nbd_*`
/// call anywhere else fails the build's tests, not a review.
final class NBDHandleOwnerTests: XCTestCase {
    static let owner = "Sources/BlockAccess/NBDHandle.swift"

    private func repositoryRoot() -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Every Swift file under Sources/, with its path relative to the repository.
    private func sources() throws -> [(path: String, text: String)] {
        let root = repositoryRoot()
        let sources = root.appendingPathComponent("Sources")
        let walker = try XCTUnwrap(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        var out: [(String, String)] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            let relative = String(url.path.dropFirst(root.path.count + 1))
            out.append((relative, try String(contentsOf: url, encoding: .utf8)))
        }
        return out
    }

    /// A line without its `//` comment and its string literals (libnbd names appear in
    /// documentation and in error operation names; only calls count).
    private func code(_ line: String) -> String {
        var out = ""
        var inString = false
        var previous: Character = " "
        for ch in line {
            if !inString, ch == "/", previous == "/" { out.removeLast(); break }
            if ch == "\"", previous != "\\" { inString.toggle(); previous = ch; continue }
            if !inString { out.append(ch) }
            previous = ch
        }
        return out
    }

    func testOnlyTheHandleOwnerCallsLibNBD() throws {
        let files = try sources()
        XCTAssertTrue(files.contains { $0.path == Self.owner }, "the owner file moved: update this test and docs/ARCHITECTURE.md")
        XCTAssertGreaterThan(files.count, 50, "Sources/ was not found from \(#filePath)")
        let call = try NSRegularExpression(pattern: #"\bnbd_[a-z0-9_]+\s*\("#)
        var offenders: [String] = []
        for file in files where file.path != Self.owner {
            for (n, line) in file.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let c = code(String(line))
                if call.firstMatch(in: c, range: NSRange(c.startIndex..., in: c)) != nil {
                    offenders.append("\(file.path):\(n + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        XCTAssertEqual(offenders, [], "raw libnbd calls outside \(Self.owner)")
        // The owner really is where the calls are.
        let owner = try XCTUnwrap(files.first { $0.path == Self.owner })
        XCTAssertGreaterThan(owner.text.components(separatedBy: "nbd_aio_pread(").count - 1, 0)
    }

    func testOnlyTheHandleOwnerImportsTheCModule() throws {
        let importers = try sources().filter { file in
            file.text.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "import CLibNBD" }
        }.map(\.path)
        XCTAssertEqual(importers, [Self.owner])
    }

    /// The regular expression and the comment stripping do find a call (the test can fail).
    func testTheCheckFindsARawCall() throws {
        let call = try NSRegularExpression(pattern: #"\bnbd_[a-z0-9_]+\s*\("#)
        for (line, expected) in [("let r = nbd_poll(h, 10)", true), ("// see nbd_poll(h)", false),
                                 ("op == \"nbd_aio_connect_uri\"", false), ("x = f() // nbd_close(h)", false)] {
            let c = code(line)
            XCTAssertEqual(call.firstMatch(in: c, range: NSRange(c.startIndex..., in: c)) != nil, expected, line)
        }
    }
}
