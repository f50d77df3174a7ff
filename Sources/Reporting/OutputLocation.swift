import BlockAccess
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A place the tool will write to (a report directory, a baseline file), checked before the
/// first volume is read so that a typo never costs hours of reading (README, "Reports").
/// Errors name the path and say what to do; they never carry Foundation's error domains.
public struct OutputLocationError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { message }
}

public enum OutputLocation {
    /// Makes sure `path` is a directory the reports can be written to: it may not exist yet
    /// (it is created, with its missing parents when `createParents`, as for the default
    /// Reports/<vm>-<time>/), but then its parent must exist; it must not be a file or a
    /// dangling symbolic link; a test file must be creatable in it. Creates the directory.
    public static func prepareDirectory(_ path: String, option: String, createParents: Bool) throws(OutputLocationError) {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: path)
        if let kind = try? fm.attributesOfItem(atPath: path)[.type] as? FileAttributeType, kind == .typeSymbolicLink,
           !fm.fileExists(atPath: path) {
            let to = (try? fm.destinationOfSymbolicLink(atPath: path)) ?? "?"
            throw OutputLocationError(path: path, message: "\(option) \(path) is a symbolic link to \(to), which does not exist; "
                                      + "create \(to) or give another \(option)")
        }
        var isDirectory = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory else {
                throw OutputLocationError(path: path, message: "\(option) \(path) is a file, not a directory; "
                                          + "give a directory (it is created when missing)")
            }
        } else {
            let parent = url.deletingLastPathComponent().path
            var parentIsDirectory = false
            let parentExists = fm.fileExists(atPath: parent, isDirectory: &parentIsDirectory)
            if parentExists, !parentIsDirectory {
                throw OutputLocationError(path: path, message: "\(option) \(path) cannot be created: \(parent) is a file, not a directory")
            }
            if !parentExists, !createParents {
                throw OutputLocationError(path: path, message: "\(option) \(path) cannot be created: its parent directory \(parent) "
                                          + "does not exist; create it first (mkdir -p \(parent)) or give another \(option)")
            }
            if let problem = mkdirs(path) {
                let reason = problem.message
                throw OutputLocationError(path: path, message: "\(option) \(path) cannot be created: \(reason.lowercased()); "
                                          + "give a directory you can write to")
            }
        }
        try probeWritable(directory: path, option: option, shown: path)
    }

    /// Makes sure the file `path` can be written: its directory exists and takes a new
    /// file, and `path` itself is not a directory or a dangling symbolic link.
    public static func checkFile(_ path: String, option: String) throws(OutputLocationError) {
        let fm = FileManager.default
        if let kind = try? fm.attributesOfItem(atPath: path)[.type] as? FileAttributeType, kind == .typeSymbolicLink,
           !fm.fileExists(atPath: path) {
            let to = (try? fm.destinationOfSymbolicLink(atPath: path)) ?? "?"
            throw OutputLocationError(path: path, message: "\(option) \(path) is a symbolic link to \(to), which does not exist; "
                                      + "give the file's real path")
        }
        var isDirectory = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory {
            throw OutputLocationError(path: path, message: "\(option) \(path) is a directory; give a file name, e.g. \(path)/baseline.json")
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var parentIsDirectory = false
        guard fm.fileExists(atPath: parent, isDirectory: &parentIsDirectory) else {
            throw OutputLocationError(path: path, message: "\(option) \(path) cannot be written: the directory \(parent) does not exist; "
                                      + "create it first (mkdir -p \(parent))")
        }
        guard parentIsDirectory else {
            throw OutputLocationError(path: path, message: "\(option) \(path) cannot be written: \(parent) is a file, not a directory")
        }
        try probeWritable(directory: parent, option: option, shown: path)
    }

    /// Writes `data` to `path` atomically (a temporary file in the same directory, then a
    /// rename). Errors say which file and why, in plain words.
    public static func write(_ data: Data, to path: String) throws(OutputLocationError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let temporary = directory + "/.\(URL(fileURLWithPath: path).lastPathComponent).\(getpid()).tmp"
        let fd: FileDescriptor
        do { fd = try FileDescriptor.open(temporary, O_WRONLY | O_CREAT | O_TRUNC, permissions: 0o644) } catch {
            throw failure(path, error)
        }
        let written = data.withUnsafeBytes { raw -> Errno? in
            do throws(Errno) { try fd.writeAll(raw); return nil } catch { return error }
        }
        if let problem = written ?? fd.close() {
            unlink(temporary)
            throw failure(path, problem)
        }
        if rename(temporary, path) != 0 {
            let code = Errno.current
            unlink(temporary)
            throw failure(path, code)
        }
    }

    private static func failure(_ path: String, _ code: Errno) -> OutputLocationError {
        let hint = code == .noSpace ? "; free some space or choose another place" : ""
        return OutputLocationError(path: path, message: "\(path) could not be written: \(code.message.lowercased())\(hint)")
    }

    private static func probeWritable(directory: String, option: String, shown: String) throws(OutputLocationError) {
        let probe = directory + "/.replica-audit-write-test.\(getpid())"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = Errno.current.message.lowercased()
            throw OutputLocationError(path: shown, message: "\(option) \(shown) is not writable (\(reason)); "
                                      + "give a directory you can write to, or fix its permissions")
        }
        close(fd)
        unlink(probe)
    }

    /// `mkdir -p`: nil on success, else the error.
    private static func mkdirs(_ path: String) -> Errno? {
        var isDirectory = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            return isDirectory ? nil : .notDirectory
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if parent != path, let problem = mkdirs(parent) { return problem }
        if mkdir(path, 0o755) != 0 {
            let problem = Errno.current
            if problem != .exists { return problem }
        }
        return nil
    }
}
