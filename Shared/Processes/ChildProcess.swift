import CProcessShim
import Core
#if canImport(Glibc)
import Glibc
#endif

/// One function run as a child process, the way the job worker runs each job: the
/// input document on stdin, stdout captured, stderr passed through (it carries the child's JSON log
/// lines), and a deadline after which the child and its process group are killed. stdin and
/// stdout are in-memory files rather than pipes, so neither side can stall on a full pipe and no
/// thread is needed to pump them. A child dies with the process that started it (SIGKILL through
/// `PR_SET_PDEATHSIG`, see `bundle_spawn`); the kernel ties that to the starting *thread*, so start,
/// wait for and reap a child on one thread that outlives it (the worker does).
package final class ChildProcess: @unchecked Sendable {
    package let pid: pid_t
    package let started: ContinuousClock.Instant
    private let stdoutDescriptor: Int32
    private let exitDescriptor: Int32
    private var status: Termination?

    /// How a child ended.
    package enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
        /// Killed by us at its deadline.
        case timedOut
    }

    /// What a finished child left behind.
    package struct Result: Sendable {
        package var termination: Termination
        package var stdout: [UInt8]
        package var duration: Duration
    }

    /// Starts `path` with `input` on stdin and exactly `environment` as its environment;
    /// `argv0` is the name the program sees itself started as (the path by default).
    package init(path: String, argv0: String? = nil, arguments: [String] = [], environment: [String: String], input: [UInt8],
                 workingDirectory: String? = nil) throws {
        let stdinDescriptor = bundle_memfd("stdin")
        let stdoutDescriptor = bundle_memfd("stdout")
        guard stdinDescriptor >= 0, stdoutDescriptor >= 0 else {
            if stdinDescriptor >= 0 { close(stdinDescriptor) }
            if stdoutDescriptor >= 0 { close(stdoutDescriptor) }
            throw BundleError(.internal, "cannot create the child's stdin and stdout (memfd_create: errno \(errno))")
        }
        defer { close(stdinDescriptor) }
        let written = input.withUnsafeBytes { bundle_write_all(stdinDescriptor, $0.baseAddress, $0.count) }
        guard written == 0, lseek(stdinDescriptor, 0, SEEK_SET) == 0 else {
            close(stdoutDescriptor)
            throw BundleError(.internal, "cannot write the child's input")
        }
        let argv = ([argv0 ?? path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = ContinuousClock.now
        var result: Int32 = 0
        // ETXTBSY: the file is open for writing somewhere, typically a moment while a deploy copies a
        // binary in or another process forked while holding it open; it passes within milliseconds.
        for attempt in 0..<40 {
            result = argv.withUnsafeBufferPointer { argvBuffer in
                envp.withUnsafeBufferPointer { envpBuffer in
                    bundle_spawn(&pid, path, argvBuffer.baseAddress, envpBuffer.baseAddress, stdinDescriptor, stdoutDescriptor,
                                 workingDirectory)
                }
            }
            guard result == ETXTBSY, attempt < 39 else { break }
            usleep(5_000)
        }
        guard result == 0 else {
            close(stdoutDescriptor)
            throw BundleError(.internal, "cannot start \(path): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        self.started = spawned
        self.stdoutDescriptor = stdoutDescriptor
        self.exitDescriptor = bundle_pidfd_open(pid)
    }

    deinit {
        close(stdoutDescriptor)
        if exitDescriptor >= 0 { close(exitDescriptor) }
    }

    /// Whether the child has ended (reaping it if so); never blocks.
    package func poll() -> Bool {
        if status != nil { return true }
        var raw: Int32 = 0
        let reaped = waitpid(pid, &raw, WNOHANG)
        guard reaped == pid else { return false }
        status = Self.termination(raw)
        return true
    }

    /// Waits until the child ends or `deadline` passes; past it the child's process group is
    /// killed and the result says `.timedOut`.
    package func wait(until deadline: ContinuousClock.Instant) -> Result {
        while !poll() {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero {
                kill()
                break
            }
            waitForExit(atMost: remaining)
        }
        return collect()
    }

    /// Blocks until the child may have exited, at most `duration`: on its pidfd when the kernel
    /// has one, else in short sleeps.
    package func waitForExit(atMost duration: Duration) {
        let milliseconds = max(1, Int32(clamping: duration.milliseconds))
        if exitDescriptor >= 0 {
            var descriptor = pollfd(fd: exitDescriptor, events: Int16(POLLIN), revents: 0)
            _ = Glibc.poll(&descriptor, 1, milliseconds)
        } else {
            usleep(UInt32(min(milliseconds, 2)) * 1000)
        }
    }

    /// Blocks until one of the children may have exited, at most `duration`.
    package static func waitForAny(_ processes: [ChildProcess], atMost duration: Duration) {
        let milliseconds = max(1, Int32(clamping: duration.milliseconds))
        guard !processes.isEmpty else { return }
        if processes.allSatisfy({ $0.exitDescriptor >= 0 }) {
            var descriptors = processes.map { pollfd(fd: $0.exitDescriptor, events: Int16(POLLIN), revents: 0) }
            _ = Glibc.poll(&descriptors, nfds_t(descriptors.count), milliseconds)
        } else {
            usleep(UInt32(min(milliseconds, 2)) * 1000)
        }
    }

    /// Kills the child's process group and reaps it; its result says `.timedOut`.
    package func kill() {
        guard status == nil else { return }
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        status = .timedOut
    }

    /// The outcome and everything the child wrote to stdout (call after it ended).
    package func collect() -> Result {
        var bytes: [UInt8] = []
        if lseek(stdoutDescriptor, 0, SEEK_SET) == 0 {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(stdoutDescriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                bytes.append(contentsOf: chunk[0..<count])
            }
        }
        return Result(termination: status ?? .signaled(0), stdout: bytes, duration: started.duration(to: .now))
    }

    private static func termination(_ raw: Int32) -> Termination {
        raw & 0x7F == 0 ? .exited((raw >> 8) & 0xFF) : .signaled(raw & 0x7F)
    }
}

extension ChildProcess.Termination {
    /// The exit code a shell would report (128 + signal for a signal; a deadline kill as SIGKILL).
    package var exitCode: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        case .timedOut: 128 + SIGKILL
        }
    }
}
