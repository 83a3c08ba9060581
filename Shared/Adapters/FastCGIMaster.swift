import CProcessShim
import Core
import Gateway
import Runtime
import Store
#if canImport(Glibc)
import Glibc
#endif

/// `bundle serve-fastcgi`: the warm mode's master (PHP-FPM's model). It holds the listening socket
/// and every accepted connection (nginx keeps them open with `fastcgi_keep_conn on`), and hands a
/// connection whose request is waiting to an idle worker; the worker serves it and hands it back.
/// Because connections live here, a worker can be recycled (`--max-requests`), replaced after a
/// crash, killed past its deadline or swapped for a new binary (SIGHUP) without closing one of
/// them. The master runs no handler and starts no thread: one epoll loop over the listener, the
/// workers' control sockets, idle connections and a signalfd.
final class FastCGIMaster {
    static let command = "serve-fastcgi"
    /// The most connections held at once (`FCGI_MAX_CONNS`); past it new ones wait in the backlog.
    static let maxConnections = 1024
    /// A connection ended abnormally is read and dropped for at most this long before it is closed
    /// (so the peer reads the answer before the close, not a reset).
    static let lingerMilliseconds: Int64 = 5_000
    static let idleReadTimeoutSeconds = 30
    static let writeTimeoutSeconds = 60

    struct Options {
        var address: FastCGIListener.Address = .unix(path: FastCGIListener.defaultSocket, mode: 0o660)
        var workers = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        var maxRequests = 0
        var backlog: Int32 = 511
    }

    private enum Token {
        static let listener: UInt64 = 1 << 32
        static let signals: UInt64 = 2 << 32
        static let worker: UInt64 = 3 << 32
        static let connection: UInt64 = 4 << 32
    }

    private final class Worker {
        let pid: pid_t
        let slot: Int
        let control: Int32
        let generation: Int
        var ready = false
        var connection: UInt32?
        /// Told to exit (reload, drain, replaced): given no more connections.
        var retiring = false
        /// Said it reached --max-requests; its replacement is already started.
        var replaced = false
        var killedForDeadline = false

        init(pid: pid_t, slot: Int, control: Int32, generation: Int) {
            self.pid = pid
            self.slot = slot
            self.control = control
            self.generation = generation
        }
    }

    private final class Connection {
        let number: UInt32
        let descriptor: Int32
        var lingerUntil: Int64?
        init(number: UInt32, descriptor: Int32) {
            self.number = number
            self.descriptor = descriptor
        }
    }

    private let options: Options
    private let listener: FastCGIListener
    private let logger: Logger
    private let executable: String
    private let epoll: Int32
    private let signals: Int32
    private let scoreboard: UnsafeMutablePointer<bundle_worker_slot>
    private let scoreboardFile: Int32
    private let slotCount: Int
    private let devNull: Int32

    private var workers: [Int: Worker] = [:]  // by slot
    private var idle: [Int] = []  // slots of ready workers with no connection
    private var connections: [UInt32: Connection] = [:]
    private var waiting: [UInt32] = []  // connections with a request and no worker yet, oldest first
    private var waitingHead = 0
    private var nextNumber: UInt32 = 0
    private var generation = 1
    private var pendingGeneration: Int?
    private var draining = false
    private var accepting = true
    /// Worker starts that failed before the worker was ready, in a row (the backoff's exponent).
    private var failedStarts = 0
    private var restartAt: Int64?
    /// `fastcgi.ready` (and READY=1) is said once, when the first workers are all ready.
    private var announcedReady = false
    private var notify: SystemdNotifier?

    private init(options: Options, listener: FastCGIListener, logger: Logger, executable: String) throws {
        self.options = options
        self.listener = listener
        self.logger = logger
        self.executable = executable
        slotCount = max(16, options.workers * 3)
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        signals = bundle_master_signalfd()
        scoreboardFile = bundle_memfd("bundle-fastcgi-scoreboard")
        devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard epoll >= 0, signals >= 0, scoreboardFile >= 0, devNull >= 0,
              ftruncate(scoreboardFile, off_t(slotCount * MemoryLayout<bundle_worker_slot>.stride)) == 0,
              let mapped = bundle_map_slots(scoreboardFile, slotCount) else {
            throw BundleError(.unavailable, "the master could not set up its event loop: \(FastCGIListener.errorText())")
        }
        scoreboard = mapped
        notify = SystemdNotifier(ProcessEnvironment.current()["NOTIFY_SOCKET"])
        watch(listener.descriptor, token: Token.listener, events: EPOLLIN.rawValue)
        watch(signals, token: Token.signals, events: EPOLLIN.rawValue)
    }

    // MARK: - Entry

    static func main(_ catalog: FunctionCatalog, migrations: [Migration], arguments: [String], config: Config) -> Never {
        let logger = Logger(function: Launcher.executableName, requestID: "fastcgi-master",
                            level: config["LOG_LEVEL"].flatMap(LogLevel.init(name:)) ?? .info, secrets: config.secretValues)
        if arguments.contains("--worker") {
            guard let slot = value(of: "--slot", in: arguments).flatMap({ Int($0) }) else { fail(BundleError(.invalidRequest, "--worker needs --slot"), logger) }
            FastCGIWorker.run(catalog, migrations: migrations, options: .init(
                slot: slot, maxRequests: value(of: "--max-requests", in: arguments).flatMap { Int($0) } ?? 0,
                workers: value(of: "--workers", in: arguments).flatMap { Int($0) } ?? 1))
        }
        do {
            var options = try parse(arguments)
            if FastCGIListener.isSocketActivated(ProcessEnvironment.current()) {
                options.address = .inherited
                unsetenv("LISTEN_PID")
                unsetenv("LISTEN_FDS")
                unsetenv("LISTEN_FDNAMES")
            }
            signal(SIGPIPE, SIG_IGN)
            let listener = try FastCGIListener.open(options.address, backlog: options.backlog, config: config)
            let master = try FastCGIMaster(options: options, listener: listener, logger: logger, executable: executablePath())
            master.run()
        } catch {
            fail(error as? BundleError ?? BundleError(.internal, String(describing: error)), logger)
        }
    }

    /// A master that cannot start: the log line, and the contract's error document on stdout.
    private static func fail(_ error: BundleError, _ logger: Logger) -> Never {
        logger.error("fastcgi.refused", ["code": .string(error.code.rawValue), "message": .string(error.message)])
        ProcessAnswer.emit(Array((error.document.jsonText + "\n").utf8), exitCode: error.code.exitCode)
    }

    static let usage = """
        bundle serve-fastcgi [--socket PATH | --listen HOST:PORT] [--workers N] [--max-requests N] [--socket-mode OCTAL] [--backlog N]
        """

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var mode: mode_t = 0o660
        var path: String?
        var tcp: FastCGIListener.Address?
        var index = 0
        func next(_ flag: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw BundleError(.invalidRequest, "\(flag) needs a value; usage: \(usage)") }
            return arguments[index]
        }
        func number(_ flag: String, _ range: ClosedRange<Int>) throws -> Int {
            let text = try next(flag)
            guard let value = Int(text), range.contains(value) else {
                throw BundleError(.invalidRequest, "\(flag) must be a whole number in \(range.lowerBound)...\(range.upperBound), got \"\(text.prefix(20))\"")
            }
            return value
        }
        while index < arguments.count {
            let flag = arguments[index]
            switch flag {
            case "--socket": path = try next(flag)
            case "--listen":
                let text = try next(flag)
                guard let address = FastCGIListener.parseTCP(text) else {
                    throw BundleError(.invalidRequest, "--listen takes HOST:PORT (127.0.0.1:9000, [::1]:9000), got \"\(text.prefix(60))\"")
                }
                tcp = address
            case "--workers": options.workers = try number(flag, 1...512)
            case "--max-requests": options.maxRequests = try number(flag, 0...Int(Int32.max))
            case "--backlog": options.backlog = Int32(try number(flag, 1...65_535))
            case "--socket-mode":
                let text = try next(flag)
                guard let value = mode_t(text, radix: 8), value <= 0o777 else {
                    throw BundleError(.invalidRequest, "--socket-mode takes octal permissions such as 0660, got \"\(text.prefix(20))\"")
                }
                mode = value
            default:
                throw BundleError(.invalidRequest, "\(flag) is not an option of serve-fastcgi; usage: \(usage)")
            }
            index += 1
        }
        if path != nil && tcp != nil { throw BundleError(.invalidRequest, "give --socket or --listen, not both") }
        options.address = tcp ?? .unix(path: path ?? FastCGIListener.defaultSocket, mode: mode)
        return options
    }

    private static func value(of flag: String, in arguments: [String]) -> String? {
        guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    /// The path the binary was started from (not what /proc/self/exe resolves to): workers started
    /// after a deploy replaced the file there run the new binary.
    static func executablePath() -> String {
        let invoked = CommandLine.unsafeArgv[0].map { String(cString: $0) } ?? ""
        if invoked.contains("/") {
            if invoked.hasPrefix("/") { return invoked }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
            if getcwd(&buffer, buffer.count) != nil { return String(cString: buffer) + "/" + invoked }
        } else if !invoked.isEmpty {
            for directory in (ProcessEnvironment.current()["PATH"] ?? "").split(separator: ":") {
                let candidate = "\(directory)/\(invoked)"
                if access(candidate, X_OK) == 0 { return candidate }
            }
        }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return count > 0 ? String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : invoked
    }

    // MARK: - Loop

    private func run() -> Never {
        for _ in 0..<options.workers { spawn(generation: generation) }
        var events = [epoll_event](repeating: epoll_event(), count: 64)
        while true {
            let timeout = nextTimeout()
            let count = epoll_wait(epoll, &events, Int32(events.count), timeout)
            if count < 0 && errno != EINTR {
                logger.error("fastcgi.epoll_failed", ["message": .string(FastCGIListener.errorText())])
                stop(code: ErrorCode.internal.exitCode)
            }
            for index in 0..<max(0, Int(count)) {
                let event = events[index]
                let token = event.data.u64
                switch token & 0xffff_ffff_0000_0000 {
                case Token.listener: acceptConnections()
                case Token.signals: takeSignals()
                case Token.worker: readMessages(slot: Int(token & 0xffff_ffff))
                case Token.connection: connectionReady(UInt32(token & 0xffff_ffff), events: event.events)
                default: break
                }
            }
            enforceDeadlines()
            lingerTimeouts()
            if let restartAt, bundle_monotonic_ms() >= restartAt {
                self.restartAt = nil
                fillWorkers()
            }
            if draining && workers.isEmpty { stop(code: 0) }
        }
    }

    /// Milliseconds until the next deadline kill, linger end or restart (at most a second).
    private func nextTimeout() -> Int32 {
        let now = bundle_monotonic_ms()
        var next = now + 1000
        for worker in workers.values where worker.connection != nil {
            let killAt = bundle_slot_get(slot(worker.slot), Int32(BUNDLE_SLOT_KILL_AT_MS.rawValue))
            if killAt > 0 { next = min(next, killAt) }
        }
        for connection in connections.values { if let until = connection.lingerUntil { next = min(next, until) } }
        if let restartAt { next = min(next, restartAt) }
        return Int32(max(0, min(1000, next - now)))
    }

    private func slot(_ index: Int) -> UnsafeMutablePointer<bundle_worker_slot> { scoreboard + index }

    // MARK: - Workers

    private func spawn(generation: Int) {
        guard let vacant = (0..<slotCount).first(where: { workers[$0] == nil }) else {
            logger.error("fastcgi.no_slot", ["workers": .number(Double(workers.count))])
            return
        }
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            logger.error("fastcgi.spawn_failed", ["message": .string(FastCGIListener.errorText())])
            return scheduleRestart()
        }
        memset(slot(vacant), 0, MemoryLayout<bundle_worker_slot>.stride)
        let arguments = [executable, Self.command, "--worker", "--slot", String(vacant), "--max-requests", String(options.maxRequests),
                         "--workers", String(options.workers)]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let failure = bundle_spawn(&pid, executable, &argv, environ, pair[1], devNull, nil)
        close(pair[1])
        guard failure == 0 else {
            close(pair[0])
            logger.error("fastcgi.spawn_failed", ["path": .string(executable), "message": .string(String(cString: strerror(failure)))])
            return scheduleRestart()
        }
        _ = fcntl(pair[0], F_SETFL, fcntl(pair[0], F_GETFL) | O_NONBLOCK)
        _ = FastCGIControl.send(.init(kind: .hello, number: FastCGIControl.version), over: pair[0], attaching: scoreboardFile)
        let worker = Worker(pid: pid, slot: vacant, control: pair[0], generation: generation)
        workers[vacant] = worker
        watch(pair[0], token: Token.worker | UInt64(vacant), events: EPOLLIN.rawValue)
        logger.debug("fastcgi.worker_started", ["pid": .number(Double(pid)), "slot": .number(Double(vacant)),
                                                 "generation": .number(Double(generation))])
    }

    /// Starts workers until the serving generation has its count again.
    private func fillWorkers() {
        guard !draining else { return }
        let serving = workers.values.filter { $0.generation == generation && !$0.retiring && !$0.replaced }.count
        for _ in serving..<max(serving, options.workers) { spawn(generation: generation) }
    }

    private func scheduleRestart() {
        let delay = min(10_000, 100 << min(failedStarts, 7))
        restartAt = bundle_monotonic_ms() + Int64(delay)
    }

    private func readMessages(slot index: Int) {
        guard let worker = workers[index] else { return }
        while true {
            switch FastCGIControl.receive(from: worker.control) {
            case .message(let message, let descriptor):
                if descriptor >= 0 { close(descriptor) }
                handle(message, from: worker)
            case .none:
                return
            case .closed:
                // The worker closed its end (it is exiting): SIGCHLD reaps it.
                return unwatch(worker.control)
            }
        }
    }

    private func handle(_ message: FastCGIControl.Message, from worker: Worker) {
        switch message.kind {
        case .ready:
            guard message.number == FastCGIControl.version else {
                logger.error("fastcgi.worker_incompatible", ["pid": .number(Double(worker.pid)), "version": .number(Double(message.number)),
                                                             "note": "the binary speaks another protocol version: restart the service"])
                worker.retiring = true
                kill(worker.pid, SIGKILL)
                return
            }
            worker.ready = true
            failedStarts = 0
            becameIdle(worker)
            if let pending = pendingGeneration,
               workers.values.filter({ $0.generation == pending }).allSatisfy(\.ready) { promote(pending) }
            if !draining && pendingGeneration == nil && workers.values.allSatisfy(\.ready) && !announcedReady {
                announcedReady = true
                logger.info("fastcgi.ready", ["socket": .string(listener.description), "workers": .number(Double(options.workers)),
                                              "max_requests": .number(Double(options.maxRequests)), "pid": .number(Double(getpid()))])
                notify?.send("READY=1\nSTATUS=serving on \(listener.description)")
            }
        case .idle, .closed:
            guard let number = worker.connection, number == message.number else { return }
            worker.connection = nil
            if message.kind == .idle && !draining { rearm(number) } else { closeConnection(number) }
            becameIdle(worker)
        case .retiring:
            worker.replaced = true
            worker.retiring = true
            idle.removeAll { $0 == worker.slot }
            if worker.generation == generation { spawn(generation: generation) }
        default:
            break
        }
    }

    /// A worker with no connection: it takes the oldest waiting request, or waits (or exits when
    /// it is retiring).
    private func becameIdle(_ worker: Worker) {
        guard worker.ready, worker.connection == nil else { return }
        // A worker retired by a reload leaves the waiting requests to the new generation; while
        // draining, the retiring workers serve what is still waiting first.
        if !worker.retiring || draining {
            while let number = nextWaiting() {
                if give(number, to: worker) { return }
                if worker.retiring && !draining { break }
            }
        }
        if worker.retiring {
            idle.removeAll { $0 == worker.slot }
            _ = FastCGIControl.send(.init(kind: .retire, number: 0), over: worker.control)
            return
        }
        if !idle.contains(worker.slot) { idle.append(worker.slot) }
    }

    /// The oldest waiting connection still open.
    private func nextWaiting() -> UInt32? {
        while waitingHead < waiting.count {
            let number = waiting[waitingHead]
            waitingHead += 1
            if waitingHead == waiting.count {
                waiting.removeAll(keepingCapacity: true)
                waitingHead = 0
            } else if waitingHead > 1024 && waitingHead * 2 > waiting.count {
                waiting.removeFirst(waitingHead)
                waitingHead = 0
            }
            if connections[number] != nil { return number }
        }
        return nil
    }

    private func give(_ number: UInt32, to worker: Worker) -> Bool {
        guard let connection = connections[number] else { return false }
        idle.removeAll { $0 == worker.slot }
        guard FastCGIControl.send(.init(kind: .connection, number: number), over: worker.control, attaching: connection.descriptor) else {
            // The worker is dying: its exit is reaped; the request waits for another.
            worker.retiring = true
            waiting.append(number)
            return false
        }
        worker.connection = number
        return true
    }

    /// A new generation from the binary and configuration as they are now (SIGHUP).
    private func reload() {
        guard !draining else { return }
        guard pendingGeneration == nil else {
            logger.warning("fastcgi.reload_ignored", ["note": "a reload is already under way"])
            return
        }
        let next = generation + 1
        pendingGeneration = next
        notify?.send("RELOADING=1\nMONOTONIC_USEC=\(bundle_monotonic_ms() * 1000)")
        logger.info("fastcgi.reload", ["generation": .number(Double(next)), "path": .string(executable)])
        for _ in 0..<options.workers { spawn(generation: next) }
    }

    /// Every worker of the new generation is ready: the older ones finish what they hold and exit.
    private func promote(_ next: Int) {
        pendingGeneration = nil
        generation = next
        for worker in workers.values where worker.generation < next {
            worker.retiring = true
            if worker.connection == nil { becameIdle(worker) }
        }
        logger.info("fastcgi.reloaded", ["generation": .number(Double(next)), "workers": .number(Double(options.workers))])
        notify?.send("READY=1")
    }

    private func takeSignals() {
        while true {
            let number = bundle_read_signal(signals)
            guard number > 0 else { return }
            switch number {
            case SIGCHLD: reap()
            case SIGHUP: reload()
            case SIGTERM, SIGINT:
                if draining { stopNow() } else { drain() }
            case SIGQUIT: stopNow()
            default: break
            }
        }
    }

    /// Workers that exited: the request one held is answered here when it had no answer, and it is
    /// replaced unless it was told to go.
    private func reap() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { return }
            guard let worker = workers.values.first(where: { $0.pid == pid }) else { continue }
            // Messages it sent before it exited come first (a connection handed back, `retiring`).
            readMessages(slot: worker.slot)
            unwatch(worker.control)
            close(worker.control)
            workers[worker.slot] = nil
            idle.removeAll { $0 == worker.slot }
            let signal = status & 0x7f
            let code = (status >> 8) & 0xff
            let record = slot(worker.slot)
            var fields: [String: JSONValue] = ["pid": .number(Double(pid)), "slot": .number(Double(worker.slot)),
                                               "generation": .number(Double(worker.generation)),
                                               "served": .number(Double(bundle_slot_get(record, Int32(BUNDLE_SLOT_SERVED.rawValue))))]
            if signal != 0 { fields["signal"] = .number(Double(signal)) } else { fields["exit"] = .number(Double(code)) }
            if let number = worker.connection {
                fields["request"] = .string(requestID(of: record))
                settle(number, after: worker, record: record, signal: signal, code: code)
            }
            let expected = worker.retiring || (signal == 0 && code == 0 && worker.replaced)
            logger.log(expected && worker.connection == nil ? .debug : .warning, "fastcgi.worker_exited", fields)
            if !worker.ready && !worker.retiring {
                failedStarts += 1
                if let pending = pendingGeneration, worker.generation == pending {
                    abandonReload(pending, fields: fields)
                    continue
                }
            }
            if !expected && !draining && worker.generation >= generation {
                if worker.ready { spawn(generation: worker.generation) } else { scheduleRestart() }
            }
        }
    }

    /// A new generation that could not start: the old one keeps serving.
    private func abandonReload(_ pending: Int, fields: [String: JSONValue]) {
        pendingGeneration = nil
        for other in workers.values where other.generation == pending {
            other.retiring = true
            kill(other.pid, SIGKILL)
        }
        logger.error("fastcgi.reload_failed", fields.merging(["note": "a new worker exited before it was ready; the running workers keep serving"]) { $1 })
        notify?.send("READY=1")
    }

    private func requestID(of record: UnsafeMutablePointer<bundle_worker_slot>) -> String {
        var buffer = [CChar](repeating: 0, count: 140)
        let length = bundle_slot_request_id(record, &buffer, buffer.count)
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The connection of a worker that died mid-request: answered here when the worker had not
    /// started an answer, then kept when its request was read to the end, else closed after a linger.
    private func settle(_ number: UInt32, after worker: Worker, record: UnsafeMutablePointer<bundle_worker_slot>, signal: Int32, code: Int32) {
        func field(_ name: bundle_slot_field) -> Int64 { bundle_slot_get(record, Int32(name.rawValue)) }
        guard let connection = connections[number] else { return }
        // Handed over but never read (the worker died waiting): the request is still in the socket.
        if field(BUNDLE_SLOT_STATE) == 0 && field(BUNDLE_SLOT_CLAIMED) == 0 {
            return draining ? closeConnection(number) : rearm(number)
        }
        let clean = field(BUNDLE_SLOT_STDIN_DONE) == 1 && field(BUNDLE_SLOT_KEEP_CONN) == 1
        if field(BUNDLE_SLOT_COMPLETE) == 1 {
            return clean && !draining ? rearm(number) : linger(connection)
        }
        guard field(BUNDLE_SLOT_CLAIMED) == 0, field(BUNDLE_SLOT_STATE) == 2 else { return linger(connection) }
        let requestID = requestID(of: record)
        let error: BundleError
        if worker.killedForDeadline {
            let seconds = JSONValue.number(Double(field(BUNDLE_SLOT_TIMEOUT_MS)) / 1000).jsonText
            error = BundleError(.timeout, "the function did not finish within its deadline of \(seconds) s")
        } else if Self.crashSignals.contains(signal) {
            // What the CGI crash guard answers: the worker has none, its master answers for it.
            error = BundleError(.internal, "the function crashed; its log on stderr has the details")
        } else {
            let how = signal != 0 ? "was ended by signal \(signal)" : "exited with status \(code)"
            error = BundleError(.upstreamFailed, "the worker serving this request \(how) before it answered; the log on stderr has the request id")
        }
        let response = GatewayResponse.error(error, requestID: requestID.isEmpty ? RequestID.generate() : requestID)
        let records = FastCGIRecord.answer(response.cgiBytes, requestID: UInt16(truncatingIfNeeded: field(BUNDLE_SLOT_REQUEST)),
                                           appStatus: error.code.exitCode)
        let sent = records.withUnsafeBytes { send(connection.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        if sent == records.count && clean && !draining { rearm(number) } else { linger(connection) }
    }

    /// The signals a crash raises (a trap, a bad access), as opposed to a kill from outside.
    static let crashSignals: Set<Int32> = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT]

    /// Kills a worker past its request's deadline: the request is answered 504 when it is reaped.
    private func enforceDeadlines() {
        let now = bundle_monotonic_ms()
        for worker in workers.values where worker.connection != nil && !worker.killedForDeadline {
            let killAt = bundle_slot_get(slot(worker.slot), Int32(BUNDLE_SLOT_KILL_AT_MS.rawValue))
            guard killAt > 0, now >= killAt else { continue }
            worker.killedForDeadline = true
            logger.warning("invocation.deadline", ["pid": .number(Double(worker.pid)), "request": .string(requestID(of: slot(worker.slot))),
                                                     "timeout_ms": .number(Double(bundle_slot_get(slot(worker.slot), Int32(BUNDLE_SLOT_TIMEOUT_MS.rawValue))))])
            kill(worker.pid, SIGKILL)
        }
    }

    // MARK: - Connections

    private func acceptConnections() {
        while accepting && connections.count < Self.maxConnections {
            let descriptor = bundle_accept(listener.descriptor)
            if descriptor < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE {
                    logger.error("fastcgi.accept_failed", ["message": .string(FastCGIListener.errorText())])
                }
                break
            }
            guard listener.admits(descriptor) else {
                logger.warning("fastcgi.peer_refused", ["note": "not in FCGI_WEB_SERVER_ADDRS"])
                close(descriptor)
                continue
            }
            var read = timeval(tv_sec: Self.idleReadTimeoutSeconds, tv_usec: 0)
            var write = timeval(tv_sec: Self.writeTimeoutSeconds, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &read, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &write, socklen_t(MemoryLayout<timeval>.size))
            if case .tcp = listener.address {
                var one: Int32 = 1
                setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            }
            nextNumber &+= 1
            while connections[nextNumber] != nil { nextNumber &+= 1 }
            let connection = Connection(number: nextNumber, descriptor: descriptor)
            connections[nextNumber] = connection
            watch(descriptor, token: Token.connection | UInt64(nextNumber), events: Self.connectionEvents)
        }
        if connections.count >= Self.maxConnections && accepting {
            modify(listener.descriptor, token: Token.listener, events: 0)
            accepting = false
        }
    }

    private static let connectionEvents = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLONESHOT.rawValue

    private func connectionReady(_ number: UInt32, events: UInt32) {
        guard let connection = connections[number] else { return }
        if connection.lingerUntil != nil { return drainLingering(connection) }
        // An event fetched before drain() queued the connection itself.
        if draining && (waiting[waitingHead...].contains(number) || workers.values.contains { $0.connection == number }) { return }
        if events & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            var byte: UInt8 = 0
            if recv(connection.descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) <= 0 { return closeConnection(number) }
        }
        if let slot = idle.popLast(), let worker = workers[slot] {
            if !give(number, to: worker) { becameIdle(worker) }
        } else {
            waiting.append(number)
        }
    }

    private func rearm(_ number: UInt32) {
        guard let connection = connections[number] else { return }
        modify(connection.descriptor, token: Token.connection | UInt64(number), events: Self.connectionEvents)
    }

    /// Ends a connection whose state is unknown: the answer written so far is sent, what the peer
    /// still sends is read and dropped until it closes or the linger ends, so it never sees a reset.
    private func linger(_ connection: Connection) {
        shutdown(connection.descriptor, Int32(SHUT_WR))
        connection.lingerUntil = bundle_monotonic_ms() + Self.lingerMilliseconds
        modify(connection.descriptor, token: Token.connection | UInt64(connection.number), events: Self.connectionEvents)
    }

    private func drainLingering(_ connection: Connection) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = recv(connection.descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                return modify(connection.descriptor, token: Token.connection | UInt64(connection.number), events: Self.connectionEvents)
            }
            return closeConnection(connection.number)
        }
    }

    private func lingerTimeouts() {
        let now = bundle_monotonic_ms()
        for connection in connections.values where (connection.lingerUntil ?? .max) <= now { closeConnection(connection.number) }
    }

    private func closeConnection(_ number: UInt32) {
        guard let connection = connections.removeValue(forKey: number) else { return }
        unwatch(connection.descriptor)
        close(connection.descriptor)
        if !accepting && !draining && connections.count < Self.maxConnections {
            modify(listener.descriptor, token: Token.listener, events: EPOLLIN.rawValue)
            accepting = true
        }
    }

    // MARK: - Stopping

    /// SIGTERM: no new connections; idle ones are closed; requests waiting or running finish; then exit.
    private func drain() {
        // Connections still in the backlog may carry a request sent before the signal: taken now.
        acceptConnections()
        draining = true
        accepting = false
        notify?.send("STOPPING=1")
        unwatch(listener.descriptor)
        listener.close()
        var queued = Set(waiting[waitingHead...])
        let busy = Set(workers.values.compactMap(\.connection))
        // A request that arrived before the signal but whose event this loop has not handled yet
        // (a connection just accepted, or one behind the signal in this batch of events) waits for
        // a worker like the queued ones; its event is disarmed (and connectionReady skips one
        // already fetched), so it is never handed out twice.
        for (number, connection) in connections where !queued.contains(number) && !busy.contains(number) && connection.lingerUntil == nil {
            var byte: UInt8 = 0
            guard recv(connection.descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) > 0 else { continue }
            modify(connection.descriptor, token: Token.connection | UInt64(number), events: 0)
            waiting.append(number)
            queued.insert(number)
        }
        logger.info("fastcgi.draining", ["running": .number(Double(busy.count)), "waiting": .number(Double(queued.count))])
        for number in connections.keys where !queued.contains(number) && !busy.contains(number) { closeConnection(number) }
        for worker in workers.values {
            worker.retiring = true
            if !worker.ready { kill(worker.pid, SIGKILL) } else if worker.connection == nil { becameIdle(worker) }
        }
        if let pending = pendingGeneration {
            pendingGeneration = nil
            for worker in workers.values where worker.generation == pending { kill(worker.pid, SIGKILL) }
        }
    }

    /// A second SIGTERM or SIGQUIT: the workers are killed and the master exits.
    private func stopNow() {
        logger.warning("fastcgi.stopped_now", ["killed": .number(Double(workers.count))])
        for worker in workers.values { kill(worker.pid, SIGKILL) }
        if !draining { listener.close() }
        _exit(0)
    }

    private func stop(code: Int32) -> Never {
        if !draining { listener.close() }
        for connection in connections.values { close(connection.descriptor) }
        logger.info("fastcgi.stopped", ["pid": .number(Double(getpid()))])
        _exit(code)
    }

    // MARK: - epoll

    private func watch(_ descriptor: Int32, token: UInt64, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event)
    }

    private func modify(_ descriptor: Int32, token: UInt64, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        epoll_ctl(epoll, EPOLL_CTL_MOD, descriptor, &event)
    }

    private func unwatch(_ descriptor: Int32) {
        var event = epoll_event()
        epoll_ctl(epoll, EPOLL_CTL_DEL, descriptor, &event)
    }
}

/// sd_notify(3): state changes to systemd's NOTIFY_SOCKET (a path, or `@` for the abstract
/// namespace), for a `Type=notify` unit.
struct SystemdNotifier {
    private let address: [UInt8]

    init?(_ socket: String?) {
        guard let socket, !socket.isEmpty, socket.utf8.count < 108, socket.hasPrefix("/") || socket.hasPrefix("@") else { return nil }
        var bytes = Array(socket.utf8)
        if bytes[0] == UInt8(ascii: "@") { bytes[0] = 0 }
        address = bytes
    }

    func send(_ state: String) {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var target = sockaddr_un()
        target.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &target.sun_path) { raw in
            for (index, byte) in address.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + address.count)
        let bytes = Array(state.utf8)
        _ = withUnsafePointer(to: &target) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL), $0, length) }
        }
    }
}
