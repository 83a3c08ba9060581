import Core
#if canImport(Glibc)
import Glibc
#endif

/// A long-lived child spoken to over pipes, one line at a time: what a stdio tool server (MCP)
/// needs, where `ChildProcess` (in-memory stdin/stdout, one document each way) does not fit.
/// The child's stderr goes to /dev/null so it can never fill a pipe nobody reads; it runs in a
/// process group of its own, so `terminate()` ends it with everything it started. Reads and
/// writes never block past their deadline: both pipe ends are non-blocking and waited on with
/// poll(2). Not for concurrent use: one exchange at a time (the MCP client serialises them).
package final class PipedProcess: @unchecked Sendable {
    package let pid: pid_t
    private var input: Int32
    private var output: Int32
    private var buffered: [UInt8] = []
    private var ended = false

    /// Starts `arguments[0]` (looked up in this process's PATH when it has no slash) with the
    /// rest as its arguments and exactly `environment`: nothing of this process's environment is
    /// inherited unless the caller put it there (see `minimalEnvironment`).
    package init(arguments: [String], environment: [String: String]) throws {
        guard let program = arguments.first, !program.isEmpty else {
            throw BundleError(.misconfigured, "the command to start is empty")
        }
        // A child that exits makes our next write fail with EPIPE instead of killing us with
        // SIGPIPE (the bundle's runtime ignores it already; a test runner or tool may not).
        signal(SIGPIPE, SIG_IGN)
        var toChild: [Int32] = [0, 0], fromChild: [Int32] = [0, 0]
        guard pipe(&toChild) == 0 else { throw BundleError(.internal, "cannot create a pipe (errno \(errno))") }
        guard pipe(&fromChild) == 0 else {
            close(toChild[0]); close(toChild[1])
            throw BundleError(.internal, "cannot create a pipe (errno \(errno))")
        }
        // Close-on-exec (Glibc's module has no pipe2): other children started meanwhile must not
        // hold these ends open, or the server would never see its stdin close.
        for descriptor in toChild + fromChild { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // A fresh signal state (the bundle ignores SIGPIPE; its test runner blocks signals) and a
        // process group of its own.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        // Without the HTTP_* variables CGI makes from request headers: a client must not be able
        // to set the server's environment by sending a header (httpoxy).
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.filter { !$0.key.hasPrefix("HTTP_") }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        close(toChild[0])
        close(fromChild[1])
        guard status == 0 else {
            close(toChild[1]); close(fromChild[0])
            throw BundleError(.misconfigured, "cannot start \(program): \(String(cString: strerror(status)))")
        }
        self.pid = pid
        input = toChild[1]
        output = fromChild[0]
        _ = fcntl(input, F_SETFL, fcntl(input, F_GETFL) | O_NONBLOCK)
        _ = fcntl(output, F_SETFL, fcntl(output, F_GETFL) | O_NONBLOCK)
    }

    deinit { terminate() }

    /// Why an exchange with the child stopped.
    package enum Failure: Error, Equatable {
        case timedOut
        /// The child closed its stdout or stdin (it exited or crashed).
        case closed
        /// A line longer than the limit.
        case lineTooLong
    }

    /// Writes all of `bytes` to the child's stdin by `deadline`.
    package func write(_ bytes: [UInt8], deadline: Deadline) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            guard !ended, input >= 0 else { throw .closed }
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(input, $0.baseAddress, $0.count) }
            if count > 0 { offset += count; continue }
            if count < 0 && errno == EINTR { continue }
            guard count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) else { throw .closed }
            try wait(on: input, events: Int16(POLLOUT), deadline: deadline)
        }
    }

    /// Reads one line (without its newline) from the child's stdout by `deadline`; a line over
    /// `limit` bytes ends the exchange, so a runaway child cannot exhaust memory.
    package func readLine(limit: Int, deadline: Deadline) throws(Failure) -> [UInt8] {
        var scanned = 0
        while true {
            if let newline = buffered[scanned...].firstIndex(of: 10) {
                let line = Array(buffered[..<newline])
                buffered.removeFirst(newline + 1)
                return line
            }
            scanned = buffered.count
            guard buffered.count <= limit else { throw .lineTooLong }
            guard !ended, output >= 0 else { throw .closed }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if count > 0 { buffered.append(contentsOf: chunk[..<count]); continue }
            if count == 0 { throw .closed }
            if errno == EINTR { continue }
            guard errno == EAGAIN || errno == EWOULDBLOCK else { throw .closed }
            try wait(on: output, events: Int16(POLLIN), deadline: deadline)
        }
    }

    private func wait(on descriptor: Int32, events: Int16, deadline: Deadline) throws(Failure) {
        let left = deadline.remaining
        guard left > .zero else { throw .timedOut }
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        let result = Glibc.poll(&entry, 1, Int32(clamping: max(1, min(left.milliseconds, 1_000))))
        if result < 0 && errno != EINTR { throw .closed }
    }

    /// Kills the child's process group without touching the pipes, so an exchange blocked on
    /// another thread sees them close and returns; safe from any thread.
    package func kill() {
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// Closes the pipes, kills the child's process group and reaps it. Safe to call more than
    /// once; not while another thread is in `write` or `readLine` (call `kill()` first).
    package func terminate() {
        guard !ended else { return }
        ended = true
        if input >= 0 { close(input); input = -1 }
        if output >= 0 { close(output); output = -1 }
        kill()
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
    }
}
