import CProcessShim
import Core
import Gateway
import Runtime
import Store
#if canImport(Glibc)
import Glibc
#endif

/// A warm worker of `bundle serve-fastcgi`: started by the master with its control socket as
/// stdin, it takes connections from the master one at a time, serves the requests on each exactly
/// as the CGI adapter serves one (`CGIAdapter.respond`: the same route table, gateway, invocation
/// core and answers), in FastCGI records, and hands the connection back. What it keeps between
/// requests is what does not belong to any request: the parsed configuration and the database
/// connection (`InvocationEnvironment`), the route table. Each request gets its own request id,
/// logger, deadline (the watchdog, re-armed per request) and crash answer, and its state is
/// published in the worker's scoreboard slot so the master can answer for it if it dies.
enum FastCGIWorker {
    struct Options {
        var slot: Int
        var maxRequests: Int
        var workers: Int
    }

    /// The most input left unread after an answer that is drained to keep the connection.
    static let maxDrainBytes = 256 << 20

    static func run(_ catalog: FunctionCatalog, migrations: [Migration], options: Options) -> Never {
        signal(SIGPIPE, SIG_IGN)
        let control: Int32 = 0
        let setup = Logger(function: Launcher.executableName, requestID: "fastcgi-worker-\(options.slot)", level: .info)
        // The master's first message carries the scoreboard.
        guard case .message(let hello, let memory) = FastCGIControl.receive(from: control), hello.kind == .hello, memory >= 0,
              hello.number == FastCGIControl.version,
              let slots = bundle_map_slots(memory, options.slot + 1) else {
            setup.error("fastcgi.worker_unusable", ["note": "no scoreboard from the master (started by hand, or a master of another version)"])
            _exit(ErrorCode.misconfigured.exitCode)
        }
        close(memory)
        let slot = slots + options.slot
        bundle_slot_set(slot, Int32(BUNDLE_SLOT_PID.rawValue), Int64(getpid()))
        bundle_attach_answer(bundle_slot_field_address(slot, Int32(BUNDLE_SLOT_CLAIMED.rawValue)),
                             bundle_slot_field_address(slot, Int32(BUNDLE_SLOT_COMPLETE.rawValue)))
        let site = Site(catalog: catalog, migrations: migrations)
        // No crash guard: a worker that crashes dies of its signal, and the master answers the
        // request (500 internal for a crash, as the CGI crash guard would) and starts another.
        // The database is opened (and migrated) before the first request, not during it; a
        // database that cannot be opened now is each request's error, as under CGI.
        _ = try? site.environment(for: [:]).sharedDatabase()
        guard FastCGIControl.send(.init(kind: .ready, number: FastCGIControl.version), over: control) else { _exit(0) }

        var served = 0
        let connection = FastCGIConnection(maxRequests: options.workers)
        while case .message(let message, let descriptor) = FastCGIControl.receive(from: control) {
            switch message.kind {
            case .connection where descriptor >= 0:
                connection.attach(descriptor)
                let server = Server(site: site, slot: slot, connection: connection)
                let kept = server.serve(served: &served)
                close(descriptor)
                // A worker at its --max-requests says so before it hands the connection back, so the
                // master gives it nothing more.
                let done = options.maxRequests > 0 && served >= options.maxRequests
                if done { _ = FastCGIControl.send(.init(kind: .retiring, number: 0), over: control) }
                guard FastCGIControl.send(.init(kind: kept ? .idle : .closed, number: message.number), over: control), !done else { _exit(0) }
            case .retire:
                _exit(0)
            default:
                if descriptor >= 0 { close(descriptor) }
            }
        }
        _exit(0)  // the master is gone
    }

    /// What a worker keeps from one request to the next: the catalog's route table, and one
    /// invocation environment (configuration and database connection) per set of configuration
    /// parameters the web server sends, usually one.
    final class Site {
        let site: CGIAdapter.Site
        let routes: RouteTable
        let migrations: [Migration]
        private let processEnvironment = ProcessEnvironment.current()
        private var environments: [[String: String]: InvocationEnvironment] = [:]
        /// Distinct parameter sets kept at once; past it the others are dropped (and their connections closed).
        static let maxEnvironments = 8

        init(catalog: FunctionCatalog, migrations: [Migration]) {
            site = CGIAdapter.Site(catalog: catalog, only: nil)
            routes = site.routes
            self.migrations = migrations
        }

        /// The environment for a request whose FastCGI parameters set `overrides` (configuration
        /// variables such as a `fastcgi_param DATABASE_URL` line): the worker's environment and
        /// `.env` with those over it, as fcgiwrap would have given a CGI process. Built once per
        /// distinct set; a request never changes it.
        func environment(for overrides: [String: String]) -> InvocationEnvironment {
            if let known = environments[overrides] { return known }
            if environments.count >= Self.maxEnvironments { environments.removeAll() }
            let variables = processEnvironment.merging(overrides) { _, new in new }
            let made = InvocationEnvironment(config: Config.load(environment: variables).withoutRequestHeaders(), migrations: migrations)
            environments[overrides] = made
            return made
        }

        /// The parameters that are configuration: not the request's CGI variables or headers, nor
        /// instructions to a CGI wrapper.
        static func overrides(_ params: [String: String]) -> [String: String] {
            params.filter { name, _ in
                !CGIExchange.isCGIVariable(name) && name != "NO_BUFFERING" && !name.hasPrefix("FCGI_")
            }
        }
    }

    /// The requests of one connection.
    struct Server {
        let site: Site
        let slot: UnsafeMutablePointer<bundle_worker_slot>
        let connection: FastCGIConnection

        /// Serves requests until none is waiting; true when the connection stays open for the
        /// master to keep.
        func serve(served: inout Int) -> Bool {
            do {
                while true {
                    set(BUNDLE_SLOT_STATE, 1)
                    guard let head = try connection.readHead() else { return finish(kept: false) }
                    handle(head)
                    served += 1
                    set(BUNDLE_SLOT_SERVED, Int64(served))
                    // The input is read to its end even when the connection is not kept: closing
                    // a TCP socket with bytes unread sends a reset, which can cost the peer the answer.
                    if !connection.inputEnded {
                        guard try connection.drainInput(limit: FastCGIWorker.maxDrainBytes) else { return finish(kept: false) }
                    }
                    guard head.keepConnection else { return finish(kept: false) }
                    if !connection.hasBufferedInput { return finish(kept: true) }
                }
            } catch {
                return finish(kept: false)
            }
        }

        private func finish(kept: Bool) -> Bool {
            set(BUNDLE_SLOT_STATE, 0)
            // The master holds a copy of the descriptor: shutdown ends the connection for both.
            if !kept { shutdown(connection.descriptor, Int32(SHUT_RDWR)) }
            return kept
        }

        private func set(_ field: bundle_slot_field, _ value: Int64) {
            bundle_slot_set(slot, Int32(field.rawValue), value)
        }

        /// One request, answered in records: the same steps as `CGIAdapter.run`, with the deadline,
        /// the crash answer and the stream's end rendered for this connection.
        private func handle(_ head: FastCGIConnection.Head) {
            let started = ContinuousClock.now
            let environment = site.environment(for: Site.overrides(head.params))
            let config = environment.config
            let exchange = CGIExchange(environment: head.params)
            let requestID = head.requestID
            let cors = exchange.corsHeaders(config: config)
            let logger = environment.logger(function: Launcher.executableName, requestID: exchange.requestID)
            let descriptor = connection.descriptor
            set(BUNDLE_SLOT_REQUEST, Int64(requestID))
            set(BUNDLE_SLOT_KEEP_CONN, head.keepConnection ? 1 : 0)
            set(BUNDLE_SLOT_STDIN_DONE, 0)
            exchange.requestID.utf8CString.withUnsafeBufferPointer { bundle_slot_set_request_id(slot, $0.baseAddress, $0.count - 1) }
            set(BUNDLE_SLOT_STATE, 2)
            defer {
                set(BUNDLE_SLOT_KILL_AT_MS, 0)
                // Answered: from here the master never answers for this request.
                set(BUNDLE_SLOT_STATE, 3)
                bundle_release_stdout()
            }

            if head.paramsTooLarge {
                let error = BundleError(.invalidRequest, "the request's headers and parameters are larger than \(FastCGIConnection.maxParamsBytes) bytes")
                let refusal = CGIAdapter.errorResponse(error, exchange: exchange).adding(cors)
                return answer(FastCGIRecord.answer(refusal.cgiBytes, requestID: requestID, appStatus: error.code.exitCode), status: 400,
                              exchange: exchange, logger: logger, started: started)
            }
            let timeout: Double
            do {
                timeout = try CGIAdapter.requestTimeout(exchange, routes: site.routes, environment: environment)
            } catch {
                exchange.drainBody(config: config, readBody: { try connection.readBody($0) })
                let refusal = CGIAdapter.errorResponse(Invocation.bundleError(error, logger: logger), exchange: exchange).adding(cors)
                return answer(FastCGIRecord.answer(refusal.cgiBytes, requestID: requestID, appStatus: 0), status: refusal.status,
                              exchange: exchange, logger: logger, started: started)
            }
            // The deadline is enforced from outside: past it (and the grace the CGI watchdog gives)
            // the master kills this worker and answers 504 itself, however stuck the handler is.
            let killAt = bundle_monotonic_ms() + Int64((timeout + Watchdog.grace(for: timeout)) * 1000)
            set(BUNDLE_SLOT_TIMEOUT_MS, Int64(timeout * 1000))
            set(BUNDLE_SLOT_KILL_AT_MS, killAt)
            let slotAddress = Int(bitPattern: slot)

            let pingSeconds = (try? config.double("SSE_PING_SECONDS", default: ServerSentEventWriter.defaultPingSeconds, in: 0...86_400))
                ?? ServerSentEventWriter.defaultPingSeconds
            let openStream = {
                ServerSentEventWriter(head: ServerSentEventWriter.cgiHead(requestID: exchange.requestID, extraHeaders: cors),
                                      redactor: environment.answerRedactor, pingSeconds: pingSeconds) { bytes, first in
                    guard !first || StandardOutput.claim() else { return false }
                    // A started stream is ended by its own timeout event (`endStream`), which comes
                    // later than a plain answer's deadline: the master waits for it.
                    if first {
                        bundle_slot_set(UnsafeMutablePointer(bitPattern: slotAddress), Int32(BUNDLE_SLOT_KILL_AT_MS.rawValue),
                                        killAt + Int64((CGIAdapter.streamGraceSeconds + 1) * 1000))
                    }
                    var records: [UInt8] = []
                    FastCGIRecord.appendStream(.stdout, requestID: requestID, bytes: bytes, end: false, to: &records)
                    return FastCGIConnection.write(records, to: descriptor)
                }
            }
            // A stream stuck past its deadline has had its timeout event: end the request, then
            // the worker (the handler is still running somewhere in it); the master replaces it.
            let endStream: @Sendable (Int32) -> Void = { code in
                var records: [UInt8] = []
                FastCGIRecord.appendStream(.stdout, requestID: requestID, bytes: [], end: true, to: &records)
                FastCGIRecord.appendEnd(requestID: requestID, appStatus: code, status: .requestComplete, to: &records)
                if FastCGIConnection.write(records, to: descriptor) { bundle_mark_answer_complete() }
                _exit(code)
            }
            let outcome = CGIAdapter.respond(exchange, site: site.site, routes: site.routes, environment: environment,
                                             deadline: Deadline(seconds: timeout), openStream: openStream, endStream: endStream,
                                             readBody: { length in
                                                 let body = try connection.readBody(length)
                                                 connection.noteInputEndIfBuffered()
                                                 if connection.inputEnded { set(BUNDLE_SLOT_STDIN_DONE, 1) }
                                                 return body
                                             })
            switch outcome {
            case .response(let response):
                let full = response.adding(cors)
                answer(FastCGIRecord.answer(full.cgiBytes, requestID: requestID, appStatus: 0), status: full.status,
                       exchange: exchange, logger: logger, started: started)
            case .streamed(let exitCode):
                var records: [UInt8] = []
                FastCGIRecord.appendStream(.stdout, requestID: requestID, bytes: [], end: true, to: &records)
                FastCGIRecord.appendEnd(requestID: requestID, appStatus: exitCode, status: .requestComplete, to: &records)
                if connection.write(records) { bundle_mark_answer_complete() }
                CGIAdapter.logDone(exchange, status: 200, streamed: true, logger: logger, started: started)
            }
        }

        /// Writes a whole answer unless the watchdog or the crash guard wrote one.
        private func answer(_ records: [UInt8], status: Int, exchange: CGIExchange, logger: Logger, started: ContinuousClock.Instant) {
            if StandardOutput.claim(), connection.write(records) { bundle_mark_answer_complete() }
            CGIAdapter.logDone(exchange, status: status, logger: logger, started: started)
        }
    }
}
