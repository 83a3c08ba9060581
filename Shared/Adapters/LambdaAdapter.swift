import Core
import FoundationEssentials
import HTTPTransport
import Runtime
import Store
#if canImport(Glibc)
import Glibc
#endif

/// The AWS Lambda Runtime API adapter (`bundle --lambda`, exec'd once by `bootstrap`): the
/// function is the handler setting (`_HANDLER`), and one process serves every event of its
/// execution environment, so warm invocations reuse the parsed configuration and the database
/// connection. Each event runs through `Invocation.invoke` with Lambda's deadline, request id and
/// trace id; its answer is posted as the response, or as an error whose `errorType` and
/// `Lambda-Runtime-Function-Error-Type` are the contract's error code. Lambda enforces its own
/// timeout, so no SIGALRM watchdog is armed per event.
enum LambdaAdapter {
    /// Time kept back from Lambda's deadline to post the answer before Lambda stops the invocation.
    static let answerMargin: Duration = .milliseconds(250)
    /// Waits between failed `next` calls: doubling from the first, capped at the last.
    static let firstBackoff: Duration = .milliseconds(100)
    static let maxBackoff: Duration = .seconds(5)

    static func run(_ catalog: FunctionCatalog, config: Config, migrations: [Migration]) -> Never {
        signal(SIGPIPE, SIG_IGN)
        let environment = InvocationEnvironment(config: config, migrations: migrations)
        let setup = environment.logger(function: Launcher.executableName, requestID: "lambda-init")
        guard let address = config["AWS_LAMBDA_RUNTIME_API"], !address.isEmpty else {
            // Nowhere to report it but here: the process was not started by Lambda.
            let error = BundleError.misconfigured(variable: "AWS_LAMBDA_RUNTIME_API",
                                                  "is not set: `bundle --lambda` runs inside AWS Lambda (or its runtime interface emulator)")
            StdioAdapter.fail(error, logger: setup)
        }
        bypassProxies(for: address)
        let api = LambdaRuntimeAPI(address: address)
        let handler = config["_HANDLER"] ?? ""
        guard let function = catalog.function(named: handler) else {
            let unknown = catalog.unknown(handler)
            let error = BundleError(.misconfigured, "the handler setting (_HANDLER) must name a function: \(unknown.message)")
            initFailed(error, api: api, logger: setup)
        }
        let inputLimit: Int
        do {
            // No larger than what the Runtime API client reads: a bigger setting would let an event
            // fail inside `next` and never be answered.
            inputLimit = try config.int("MAX_INPUT_BYTES", default: LambdaRuntimeAPI.maxEventBytes, in: 1024...LambdaRuntimeAPI.maxEventBytes)
            _ = try environment.timeout(for: function.manifest)
        } catch {
            initFailed(Invocation.bundleError(error, logger: setup), api: api, logger: setup)
        }
        // A crash mid-event writes the contract's `internal` document to stdout (Lambda's log),
        // after the `invocation.crashed` line naming the event's request id; Lambda itself then
        // reports the invocation as failed (Runtime.ExitError).
        CrashGuard.install { error in Array((error.document.jsonText + "\n").utf8) }
        setup.info("lambda.ready", ["handler": .string(function.name), "pid": .number(Double(getpid()))])

        var served = 0
        var backoff = firstBackoff
        while true {
            let event: LambdaRuntimeAPI.Event
            do {
                event = try api.next()
                backoff = firstBackoff
            } catch let error as TransportError where error.kind == .invalid {
                // libcurl missing or an unusable address: waiting cannot fix it, and Lambda reports
                // a runtime that exits (Runtime.ExitError).
                setup.error("lambda.unusable", ["message": .string(error.description)])
                _exit(error.bundleError.code.exitCode)
            } catch {
                setup.warning("lambda.next_failed", ["message": .string(String(describing: error)),
                                                     "retry_ms": .number(Double(backoff.milliseconds))])
                pause(backoff)
                backoff = min(backoff * 2, maxBackoff)
                continue
            }
            served += 1
            serve(event, function: function, environment: environment, api: api, inputLimit: inputLimit, served: served)
        }
    }

    /// Reports a problem found before the first event to `init/error` and ends the process.
    private static func initFailed(_ error: BundleError, api: LambdaRuntimeAPI, logger: Logger) -> Never {
        logger.error("lambda.init_failed", ["code": .string(error.code.rawValue), "message": .string(error.message)])
        do {
            _ = try api.initError(error)
        } catch {
            logger.error("lambda.post_failed", ["path": "init/error", "message": .string(String(describing: error))])
        }
        _exit(error.code.exitCode)
    }

    /// Runs one event and posts its answer; nothing in it can end the loop.
    private static func serve(_ event: LambdaRuntimeAPI.Event, function: BundleFunction, environment: InvocationEnvironment,
                              api: LambdaRuntimeAPI, inputLimit: Int, served: Int) {
        let requestID = RequestID.sanitized(event.awsRequestID) ?? RequestID.generate()
        let logger = environment.logger(function: function.name, requestID: requestID)
        // As the AWS runtimes do, so anything reading X-Ray's variable sees this event's trace.
        if let trace = event.traceID { setenv("_X_AMZN_TRACE_ID", trace, 1) } else { unsetenv("_X_AMZN_TRACE_ID") }
        let deadline = deadline(event, function: function, environment: environment)
        var fields: [String: JSONValue] = ["pid": .number(Double(getpid())), "invocation": .number(Double(served)),
                                           "bytes": .number(Double(event.body.count)),
                                           "deadline_ms": .number(Double(deadline.remaining.milliseconds))]
        if let trace = event.traceID { fields["trace_id"] = .string(trace) }
        if requestID != event.awsRequestID { fields["aws_request_id"] = .string(event.awsRequestID) }
        logger.info("lambda.event", fields)

        let result: Result<[UInt8], BundleError>
        if event.body.count > inputLimit {
            result = refuse(BundleError(.payloadTooLarge, "the event is larger than \(inputLimit) bytes (MAX_INPUT_BYTES)"), logger: logger)
        } else if deadline.hasPassed {
            result = refuse(BundleError(.timeout, "the invocation's deadline (Lambda-Runtime-Deadline-Ms) had passed before it could start"),
                            logger: logger)
        } else {
            result = Invocation.invoke(function, bytes: event.body, environment: environment, requestID: requestID, deadline: deadline,
                                       requestIDFromInput: false).result
        }
        post(result, for: event, api: api, logger: logger)
    }

    /// An event answered without running the handler, logged as the core logs a failed invocation.
    private static func refuse(_ error: BundleError, logger: Logger) -> Result<[UInt8], BundleError> {
        logger.warning("invocation.failed", ["code": .string(error.code.rawValue), "message": .string(error.message),
                                             "exit": .number(Double(error.code.exitCode))])
        return .failure(error)
    }

    /// The function's own timeout (as on every other path), cut short by Lambda's deadline less
    /// the margin to answer when that comes first. The timeout was checked at init.
    static func deadline(_ event: LambdaRuntimeAPI.Event, function: BundleFunction, environment: InvocationEnvironment) -> Deadline {
        let own = Duration.milliseconds(Int64(((try? environment.timeout(for: function.manifest)) ?? function.manifest.timeoutSeconds) * 1000))
        guard let epochMilliseconds = event.deadlineEpochMilliseconds else { return Deadline(after: own) }
        let now = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let left = Duration.milliseconds(epochMilliseconds - now) - answerMargin
        return Deadline(after: max(min(left, own), .zero))
    }

    private static func post(_ result: Result<[UInt8], BundleError>, for event: LambdaRuntimeAPI.Event, api: LambdaRuntimeAPI,
                             logger: Logger) {
        do {
            switch result {
            case .success(let document):
                let status = try api.respond(to: event.awsRequestID, document: document)
                if status == 413 {
                    // Lambda refuses answers over its payload limit: say so as the invocation's error.
                    logger.warning("lambda.response_refused", ["status": 413, "bytes": .number(Double(document.count))])
                    let error = BundleError(.payloadTooLarge, "the answer (\(document.count) bytes) is larger than Lambda accepts")
                    check(try api.fail(event.awsRequestID, error: error), path: "error", logger: logger)
                } else {
                    check(status, path: "response", logger: logger)
                }
            case .failure(let error):
                check(try api.fail(event.awsRequestID, error: error), path: "error", logger: logger)
            }
        } catch {
            logger.error("lambda.post_failed", ["message": .string(String(describing: error))])
        }
    }

    private static func check(_ status: Int, path: String, logger: Logger) {
        if status != 202 {
            logger.error("lambda.post_refused", ["path": .string(path), "status": .number(Double(status))])
        }
    }

    /// libcurl honours `http_proxy`, which a function may need for its upstreams; the Runtime API
    /// is on this host and never goes through one. Set once, before any other thread runs.
    private static func bypassProxies(for address: String) {
        let host = address.lastIndex(of: ":").map { String(address[..<$0]) } ?? address
        for name in ["no_proxy", "NO_PROXY"] {
            let current = getenv(name).map { String(cString: $0) } ?? ""
            if current.split(separator: ",").contains(where: { $0.trimmingWhitespace() == host }) { continue }
            setenv(name, current.isEmpty ? host : current + "," + host, 1)
        }
    }

    private static func pause(_ duration: Duration) {
        let milliseconds = duration.milliseconds
        var wait = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int(milliseconds % 1000) * 1_000_000)
        var left = timespec()
        while nanosleep(&wait, &left) != 0 && errno == EINTR { wait = left }
    }
}
