import Core
import FoundationEssentials
import Gateway
import HTTPTransport
import Runtime
import Store
#if canImport(Glibc)
import Glibc
#endif

/// The CGI adapter: nginx + fcgiwrap start `bundle` (under any of its names) for one request. The
/// route table finds the function, the gateway checks the body and the API key and builds the
/// input, and the handler runs in this same process: no second process per request. Started as
/// `bundle` or `dispatch` it serves every route; started under a function's name (the direct nginx
/// site maps each route to `bin/<function>`) it serves that function's routes only.
///
/// `respond` turns one request into its response and returns; `run` is what is particular to a
/// CGI process (the watchdog, the crash guard, writing the answer and exiting), so a persistent
/// FastCGI responder can call `respond` per request with its own transport and deadline handling.
enum CGIAdapter {
    /// Seconds a request for no route may take (reading the body it must drain).
    static let unroutedSeconds = 30.0
    /// Seconds a stream still running past its deadline gets before it is ended with a timeout event.
    static let streamGraceSeconds = 2.0

    /// What routes a request: every function of the catalog, or only the one the process was
    /// started as.
    struct Site {
        let catalog: FunctionCatalog
        let only: BundleFunction?

        var routes: RouteTable { RouteTable(only.map { [$0.manifest] } ?? catalog.manifests) }
    }

    static func run(_ site: Site, config loaded: Config, migrations: [Migration]) -> Never {
        signal(SIGPIPE, SIG_IGN)
        let exchange = CGIExchange(environment: loaded.all)
        let config = loaded.withoutRequestHeaders()
        let environment = InvocationEnvironment(config: config, migrations: migrations)
        let cors = exchange.corsHeaders(config: config)
        let logger = environment.logger(function: site.only?.name ?? Launcher.executableName, requestID: exchange.requestID)
        let render = { (error: BundleError) in errorResponse(error, exchange: exchange).adding(cors).cgiBytes }
        CrashGuard.install(render: render)
        CrashGuard.describe(logger)
        let started = ContinuousClock.now
        let routes = site.routes

        // The deadline is armed before the body is read: reading and parsing the request count
        // against the function's timeout, and past it (plus a short grace for the handler to fail
        // on its own deadline first) the answer is a 504 even when the handler is stuck.
        // A stream's first event usually waits on an upstream (the draft chat on its LLM):
        // libcurl loads on another core while the request is read and the database opened.
        if case .success(let match) = routes.match(method: exchange.request.method, path: exchange.request.path),
           match.manifest.streams && ServerSentEventWriter.accepts(exchange.request.header("accept")) {
            CurlTransport.preload()
        }
        let timeout: Double
        do {
            timeout = try requestTimeout(exchange, routes: routes, environment: environment)
        } catch {
            exchange.drainBody(config: config)
            let refusal = errorResponse(Invocation.bundleError(error, logger: logger), exchange: exchange).adding(cors)
            finish(refusal, exchange: exchange, logger: logger, started: started)
        }
        Watchdog.start(after: timeout + Watchdog.grace(for: timeout), logger: logger, render: render)
        let pingSeconds = (try? config.double("SSE_PING_SECONDS", default: ServerSentEventWriter.defaultPingSeconds,
                                              in: 0...86_400)) ?? ServerSentEventWriter.defaultPingSeconds
        let openStream = {
            ServerSentEventWriter(head: ServerSentEventWriter.cgiHead(requestID: exchange.requestID, extraHeaders: cors),
                                  redactor: environment.answerRedactor, pingSeconds: pingSeconds) { bytes, first in
                // The first write takes stdout from the watchdog and the crash guard: a stream
                // never starts after either answered, and neither answers into a stream.
                (!first || StandardOutput.claim()) && StandardOutput.write(bytes)
            }
        }
        switch respond(exchange, site: site, routes: routes, environment: environment, deadline: Deadline(seconds: timeout),
                       openStream: openStream) {
        case .response(let response):
            finish(response.adding(cors), exchange: exchange, logger: logger, started: started)
        case .streamed(let exitCode):
            logDone(exchange, status: 200, streamed: true, logger: logger, started: started)
            StandardOutput.exit(exitCode)
        }
    }

    /// The seconds a request may take: its function's timeout, or `unroutedSeconds` for a request
    /// no route takes. A bad `FUNCTION_TIMEOUT_S` is the request's `misconfigured` error.
    static func requestTimeout(_ exchange: CGIExchange, routes: RouteTable, environment: InvocationEnvironment) throws -> Double {
        guard case .success(let match) = routes.match(method: exchange.request.method, path: exchange.request.path) else {
            return unroutedSeconds
        }
        return try environment.timeout(for: match.manifest)
    }

    /// How a request was answered: a response still to send, or an event stream already sent
    /// (its head, its events and its last `done` or `error` event), with the outcome's exit code.
    enum Answer {
        case response(GatewayResponse)
        case streamed(exitCode: Int32)
    }

    /// One request to its response: route, body, API key and input through the gateway, then the
    /// handler through the invocation core. Never exits; reads the body from stdin unless told
    /// otherwise. A stream still running `grace` past its deadline is ended with a timeout event,
    /// then `endStream` with the timeout's exit code (the CGI process exits).
    static func respond(_ exchange: CGIExchange, site: Site, routes: RouteTable, environment: InvocationEnvironment,
                        deadline: Deadline, openStream: (() -> ServerSentEventWriter)? = nil,
                        endStream: @escaping @Sendable (Int32) -> Void = { StandardOutput.exit($0) },
                        readBody: (Int) throws -> [UInt8] = { try CGIExchange.readBody(length: $0) }) -> Answer {
        switch exchange.prepare(routes: routes, config: environment.config, readBody: readBody,
                                openDatabase: { try environment.sharedDatabase() }) {
        case .refused(let refusal):
            return .response(refusal)
        case .ready(let prepared):
            guard let target = site.catalog.function(named: prepared.match.manifest.name) else {
                // The route table is built from this catalog: a miss is a bug, not a request error.
                return .response(.error(BundleError(.internal, "the route has no function in this build"), requestID: exchange.requestID))
            }
            // A streaming function asked for events streams them; the head goes out with the first
            // event, so a request refused before any event still gets its status code.
            let stream = target.manifest.streams && ServerSentEventWriter.accepts(exchange.request.header("accept"))
                ? openStream?() : nil
            stream?.endAfter(deadline, grace: streamGraceSeconds, exit: endStream)
            let outcome = Invocation.invoke(target, input: prepared.input, environment: environment, requestID: exchange.requestID,
                                            deadline: deadline, database: prepared.database, events: stream)
            if let stream, stream.hasStarted {
                stream.finish(outcome.result)
                return .streamed(exitCode: outcome.exitCode)
            }
            stream?.close()
            switch outcome.result {
            case .success(let document):
                return .response(.from(output: document, successStatus: target.manifest.successStatus, requestID: exchange.requestID,
                                       encoded: true))
            case .failure(let error):
                return .response(errorResponse(error, exchange: exchange))
            }
        }
    }

    /// A request for a name that is no function (a stale link in a deployment): its body is
    /// drained (fcgiwrap answers 502 for a CGI program that leaves it unread) and the answer is
    /// the contract's `not_found`, with the CORS headers of any other answer.
    static func refuse(_ error: BundleError, config loaded: Config) -> Never {
        let exchange = CGIExchange(environment: loaded.all)
        let config = loaded.withoutRequestHeaders()
        let logger = Logger(function: Launcher.executableName, requestID: exchange.requestID,
                            level: config["LOG_LEVEL"].flatMap(LogLevel.init(name:)) ?? .info, secrets: config.secretValues)
        exchange.drainBody(config: config)
        finish(errorResponse(error, exchange: exchange).adding(exchange.corsHeaders(config: config)), exchange: exchange,
               logger: logger, started: .now)
    }

    static func errorResponse(_ error: BundleError, exchange: CGIExchange) -> GatewayResponse {
        .error(error, requestID: exchange.requestID, extraHeaders: error.code == .unauthorized ? Authenticator.challenge : [])
    }

    private static func finish(_ response: GatewayResponse, exchange: CGIExchange, logger: Logger,
                               started: ContinuousClock.Instant) -> Never {
        logDone(exchange, status: response.status, logger: logger, started: started)
        ProcessAnswer.emit(response.cgiBytes, exitCode: 0)
    }

    /// The line every answered request leaves in the log, whichever adapter answered it.
    static func logDone(_ exchange: CGIExchange, status: Int, streamed: Bool = false, logger: Logger, started: ContinuousClock.Instant) {
        var fields: [String: JSONValue] = ["method": .string(exchange.request.method), "path": .string(exchange.request.path),
                                           "status": .number(Double(status)), "ms": .number(Double(started.duration(to: .now).milliseconds))]
        if streamed { fields["streamed"] = true }
        logger.info("request.done", fields)
    }
}
