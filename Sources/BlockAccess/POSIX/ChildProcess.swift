#if canImport(Glibc)
import Glibc
#endif

/// Running a helper program with `posix_spawn`, in place of full Foundation's `Process`
/// (docs/RELEASE.md, "Foundation and start-up"): `canary create`'s image tools and `demo`'s
/// script.
public enum ChildProcess {
    /// How a child ended: its exit status, or the number of the signal that ended it (as
    /// `Process.terminationStatus` gives it), and what it wrote to stderr when captured.
    public struct Outcome: Sendable {
        public var status: Int32
        public var standardError: [UInt8]
    }

    /// Runs `executable` with `arguments` (argv[0] is `executable`) and waits for it.
    /// `environment` nil inherits this process's. `quiet`: stdin and stdout on /dev/null and stderr captured, else all three
    /// inherited. Throws the `errno` of a spawn that failed (ENOENT, EACCES, …).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           quiet: Bool) throws(Errno) -> Outcome {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipeEnds: [Int32] = [-1, -1]
        if quiet {
            guard pipe(&pipeEnds) == 0 else { throw Errno.current }
            _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
        }
        let argv = ([executable] + arguments).map { strdup($0) }
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } }
        defer {
            argv.forEach { free($0) }
            envp?.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = (argv + [nil]).withUnsafeBufferPointer { args in
            if let envp {
                return (envp + [nil]).withUnsafeBufferPointer { env in
                    posix_spawn(&pid, executable, &actions, nil, args.baseAddress!, env.baseAddress!)
                }
            }
            return posix_spawn(&pid, executable, &actions, nil, args.baseAddress!, environ)
        }
        if quiet { _ = close(pipeEnds[1]) }
        guard spawned == 0 else {
            if quiet { _ = close(pipeEnds[0]) }
            throw Errno(rawValue: spawned)
        }
        var captured: [UInt8] = []
        if quiet {
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
                if n > 0 {
                    captured += chunk[0..<n]
                } else if n < 0, Errno.current == .interrupted {
                    continue
                } else {
                    break
                }
            }
            _ = close(pipeEnds[0])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard Errno.current == .interrupted else { break }
        }
        let signal = status & 0x7F
        return Outcome(status: signal == 0 ? (status >> 8) & 0xFF : signal, standardError: captured)
    }
}
