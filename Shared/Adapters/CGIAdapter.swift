import Core
import FoundationEssentials
import Gateway
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
enum CGIAdapter {
    /// Seconds a request for no route may take (reading the body it must drain).
    static let unroutedSeconds = 30.0

    static func run(_ catalog: FunctionCatalog, only function: BundleFunction?, config loaded: Config, migrations: [Migration]) -> Never {
        signal(SIGPIPE, SIG_IGN)
        let exchange = CGIExchange(environment: loaded.all)
        let config = loaded.withoutRequestHeaders()
        let environment = InvocationEnvironment(config: config, migrations: migrations)
        let cors = exchange.corsHeaders(config: config)
        let routes = RouteTable(function.map { [$0.manifest] } ?? catalog.manifests)
        let logger = environment.logger(function: function?.name ?? "bundle", requestID: exchange.requestID)
        let render = { (error: BundleError) in
            GatewayResponse.error(error, requestID: exchange.requestID, extraHeaders: error.code == .unauthorized ? Authenticator.challenge : [])
                .adding(cors).cgiBytes
        }
        CrashGuard.install(render: render)
        CrashGuard.describe(logger)
        let started = ContinuousClock.now

        // The deadline is armed before the body is read: reading and parsing the request count
        // against the function's timeout, and past it (plus a short grace for the handler to fail
        // on its own deadline first) the answer is a 504 even when the handler is stuck.
        var timeout = unroutedSeconds
        var deadline = Deadline(seconds: timeout)
        if case .success(let match) = routes.match(method: exchange.request.method, path: exchange.request.path) {
            do {
                timeout = try config.double("FUNCTION_TIMEOUT_S", default: match.manifest.timeoutSeconds, in: 0.001...86_400)
                deadline = Deadline(seconds: timeout)
            } catch {
                finish(render(Invocation.bundleError(error, logger: logger)), status: 500, exchange: exchange, logger: logger, started: started)
            }
        }
        Watchdog.start(after: timeout + min(1.0, timeout * 0.1), logger: logger, render: render)

        let response: GatewayResponse
        switch exchange.prepare(routes: routes, config: config, openDatabase: { try environment.sharedDatabase() }) {
        case .refused(let refusal):
            response = refusal
        case .ready(let prepared):
            guard let target = catalog.function(named: prepared.match.manifest.name) else {
                // The route table is built from this catalog: a miss is a bug, not a request error.
                response = .error(BundleError(.internal, "the route has no function in this build"), requestID: exchange.requestID)
                break
            }
            let outcome = Invocation.invoke(target, input: prepared.input, environment: environment, requestID: exchange.requestID,
                                            deadline: deadline, database: prepared.database)
            switch outcome.result {
            case .success(let document):
                response = .from(output: document, successStatus: target.manifest.successStatus, requestID: exchange.requestID)
            case .failure(let error):
                response = .error(error, requestID: exchange.requestID,
                                  extraHeaders: error.code == .unauthorized ? Authenticator.challenge : [])
            }
        }
        let answer = response.adding(cors)
        finish(answer.cgiBytes, status: answer.status, exchange: exchange, logger: logger, started: started)
    }

    private static func finish(_ bytes: [UInt8], status: Int, exchange: CGIExchange, logger: Logger,
                               started: ContinuousClock.Instant) -> Never {
        logger.info("request.done", ["method": .string(exchange.request.method), "path": .string(exchange.request.path),
                                     "status": .number(Double(status)),
                                     "ms": .number(Double(started.duration(to: .now).milliseconds))])
        ProcessAnswer.emit(bytes, exitCode: 0)
    }
}
