import CProcessShim
import Core
import FoundationEssentials
import Processes
import Store
#if canImport(Glibc)
import Glibc
#endif

/// `dispatch`: the one CGI program behind nginx + fcgiwrap. It finds the route, checks the API
/// key, builds the input object, runs the function's binary (from the dispatcher's own directory
/// only) with that input on stdin, and turns its answer into the HTTP response. A function past its
/// deadline is killed (504); one that leaves no JSON document is a 500.
package enum Dispatcher {
    /// Seconds past a function's own deadline before it is killed: its watchdog answers first.
    static let killGrace = 2.0

    package static func main(manifests: [FunctionManifest]) -> Never {
        signal(SIGPIPE, SIG_IGN)
        let loaded = Config.load()
        let exchange = CGIExchange(environment: loaded.all)
        let config = loaded.withoutRequestHeaders()
        let level = config["LOG_LEVEL"].flatMap(LogLevel.init(name:)) ?? .info
        let logger = Logger(function: "dispatch", requestID: exchange.requestID, level: level, secrets: config.secretValues)
        let started = ContinuousClock.now
        let cors = exchange.corsHeaders(config: config)
        armDeadline(exchange, manifests: manifests, config: config, cors: cors)
        let response = respond(exchange, manifests: manifests, config: config, logger: logger).adding(cors)
        logger.info("request.done", ["method": .string(exchange.request.method), "path": .string(exchange.request.path),
                                     "status": .number(Double(response.status)),
                                     "ms": .number(Double(started.duration(to: .now).milliseconds))])
        let bytes = response.cgiBytes
        if bundle_claim_stdout() == 1 {
            bundle_disarm_deadline()
            _ = bytes.withUnsafeBytes { bundle_write_all(1, $0.baseAddress, $0.count) }
        }
        _exit(0)
    }

    /// Seconds a request for no route may take (reading the body it must drain).
    static let unroutedSeconds = 30.0

    /// The dispatcher's own deadline, armed before the body is read: reading and parsing the
    /// request count against the function's timeout, as in direct mode, and past it (plus the
    /// grace the child gets) the answer is a 504 even when the dispatcher itself is stuck.
    static func armDeadline(_ exchange: CGIExchange, manifests: [FunctionManifest], config: Config,
                            cors: [(name: String, value: String)]) {
        var seconds = unroutedSeconds
        if case .success(let match) = RouteTable(manifests).match(method: exchange.request.method, path: exchange.request.path) {
            seconds = timeout(of: match.manifest, config: config)
        }
        let total = seconds + killGrace + 1
        let error = BundleError(.timeout, "the request did not finish within its deadline of \(JSONValue.number(seconds).jsonText) s")
        let document = GatewayResponse.error(error, requestID: exchange.requestID).adding(cors).cgiBytes
        let line: JSONValue = [
            "ts": .string(Timestamp.format(Date().addingTimeInterval(total), milliseconds: true)), "level": "error", "fn": "dispatch", "request_id": .string(exchange.requestID), "msg": "dispatch.deadline",
            "seconds": .number(total),
        ]
        let logLine = Array((line.jsonText + "\n").utf8)
        document.withUnsafeBytes { documentBytes in
            logLine.withUnsafeBytes { logBytes in
                bundle_arm_deadline(total, documentBytes.baseAddress, documentBytes.count, logBytes.baseAddress, logBytes.count, 0)
            }
        }
    }

    static func timeout(of manifest: FunctionManifest, config: Config) -> Double {
        (try? config.double("FUNCTION_TIMEOUT_S", default: manifest.timeoutSeconds, in: 0.001...86_400)) ?? manifest.timeoutSeconds
    }

    static func respond(_ exchange: CGIExchange, manifests: [FunctionManifest], config: Config, logger: Logger) -> GatewayResponse {
        switch exchange.prepare(routes: RouteTable(manifests), config: config) {
        case .refused(let response):
            return response
        case .ready(let prepared):
            return run(prepared, exchange: exchange, config: config, logger: logger)
        }
    }

    static func run(_ prepared: CGIExchange.Prepared, exchange: CGIExchange, config: Config, logger: Logger) -> GatewayResponse {
        let manifest = prepared.match.manifest
        let requestID = exchange.requestID
        let timeout = timeout(of: manifest, config: config)
        var environment: [String: String] = [:]
        for (name, value) in ProcessEnvironment.current() where !CGIExchange.isCGIVariable(name) { environment[name] = value }
        environment["REQUEST_ID"] = requestID
        let path = BinaryDirectory.path(of: manifest.name, config: config)
        let child: ChildProcess
        do {
            child = try ChildProcess(path: path, environment: environment, input: Array(prepared.input.jsonText.utf8))
        } catch {
            logger.error("function.spawn_failed", ["function": .string(manifest.name), "path": .string(path)])
            return .error(BundleError(.misconfigured, "the binary of \(manifest.name) could not be started; install every function next to dispatch"),
                          requestID: requestID)
        }
        let result = child.wait(until: .now + .milliseconds(Int64((timeout + killGrace) * 1000)))
        logger.debug("function.done", ["function": .string(manifest.name), "exit": .number(Double(result.termination.exitCode)),
                                       "ms": .number(Double(result.duration.milliseconds))])
        switch result.termination {
        case .timedOut:
            logger.error("function.killed", ["function": .string(manifest.name), "seconds": .number(timeout)])
            return .error(BundleError(.timeout, "\(manifest.name) did not finish within its deadline of \(JSONValue.number(timeout).jsonText) s"),
                          requestID: requestID)
        case .signaled, .exited:
            if result.stdout.isEmpty {
                logger.error("function.no_output", ["function": .string(manifest.name), "exit": .number(Double(result.termination.exitCode))])
                return .error(BundleError(.internal, "\(manifest.name) ended without an answer; its log has the request id"),
                              requestID: requestID)
            }
            return .from(output: result.stdout, successStatus: manifest.successStatus, requestID: requestID)
        }
    }
}

