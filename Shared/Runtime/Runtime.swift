import CProcessShim
import Core
import Dispatch
import FoundationEssentials
import Gateway
import Store
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs one function per process: the contract of DESIGN.md. Reads one JSON object from stdin,
/// decodes the typed input, runs the handler before its deadline, and writes exactly one JSON
/// document to stdout with the exit code the outcome calls for. Crashes and deadlines still
/// produce a JSON error on stdout.
package enum Runtime {
    package static func main<Handler: FunctionHandler>(_ handler: Handler.Type) -> Never {
        let manifest = Handler.manifest
        if CommandLineFlags.contains("--describe") {
            emit(JSONCoding.text(manifest.document, pretty: true), exitCode: 0)
        }
        if CommandLineFlags.contains("--help") || CommandLineFlags.contains("-h") {
            // Text for people goes to stderr: stdout only ever carries one JSON document.
            Logger.standardError(help(manifest) + "\n")
            _exit(0)
        }
        let loaded = Config.load()
        let exchange = CGIRequest.isCGI(loaded.all) ? CGIExchange(environment: loaded.all) : nil
        let config = exchange == nil ? loaded : loaded.withoutRequestHeaders()
        let channel: OutputChannel = exchange.map {
            .cgi(requestID: $0.requestID, successStatus: manifest.successStatus, headers: $0.corsHeaders(config: config))
        } ?? .pipe
        CrashGuard.install(channel)

        let logLevel = config["LOG_LEVEL"].flatMap(LogLevel.init(name:)) ?? .info
        var logger = Logger(function: manifest.name, requestID: exchange?.requestID ?? RequestID.generate(), level: logLevel,
                            secrets: config.secretValues)
        CrashGuard.describe(logger)

        let started = ContinuousClock.now
        let outcome: Result<[UInt8], BundleError>
        // Kept alive until the process exits: dropping it would close the database, and the last
        // connection to close checkpoints and deletes the WAL and shared-memory files, which the
        // next process must then create again (measured: most of a cold start's file I/O).
        var context: FunctionContext?
        var database: (any Database)?
        defer { withExtendedLifetime((context, database)) {} }
        do {
            let timeout = try config.double("FUNCTION_TIMEOUT_S", default: manifest.timeoutSeconds, in: 0.001...86_400)
            let deadline = Deadline(seconds: timeout)
            // Armed before stdin is read, so a caller that never closes stdin cannot hang us; a
            // short grace lets the handler fail on its own deadline first (and record what it did).
            Watchdog.start(after: timeout + min(1.0, timeout * 0.1), logger: logger, channel: channel)
            let envelope: JSONValue
            if let exchange {
                // nginx ran this binary directly: the runtime does what the dispatcher would.
                switch exchange.prepare(routes: RouteTable([manifest]), config: config) {
                case .ready(let prepared):
                    database = prepared.database
                    envelope = prepared.input
                case .refused(let response):
                    logger.info("request.refused", ["status": .number(Double(response.status)), "path": .string(exchange.request.path)])
                    emit(response.adding(exchange.corsHeaders(config: config)).cgiBytes, exitCode: 0)
                }
            } else {
                envelope = try InputReader.read(config: config).envelope
            }
            try JSONDepth.checkInput(envelope)
            let requestID = exchange?.requestID ?? RequestID.sanitized(envelope["_http"]?["request_id"]?.stringValue)
                ?? config["REQUEST_ID"].flatMap(RequestID.sanitized) ?? logger.requestID
            logger = Logger(function: manifest.name, requestID: requestID, level: logLevel, secrets: config.secretValues)
            CrashGuard.describe(logger)
            let clock = try BundleClock.from(config)
            let invocationContext = FunctionContext(function: manifest.name, requestID: requestID, config: config, clock: clock,
                                                    logger: logger, deadline: deadline, http: envelope["_http"], database: database)
            context = invocationContext
            outcome = runToCompletion(logger: logger) {
                try await Invocation.run(Handler(), input: envelope, context: invocationContext)
            }
        } catch {
            outcome = .failure(Invocation.bundleError(error, logger: logger))
        }
        let milliseconds = Double(started.duration(to: .now).milliseconds)
        switch outcome {
        case .success(let bytes):
            logger.info("invocation.done", ["ms": .number(milliseconds), "exit": 0])
            // No answer carries a configured secret, whatever a handler or an upstream put in it.
            let redacted = config.redactor.redact(bytes)
            if redacted != bytes {
                logger.warning("answer.redacted", ["note": "a configured secret was taken out of the answer"])
            }
            emit(channel.success(redacted, requestID: logger.requestID), exitCode: 0)
        case .failure(let error):
            let level: LogLevel = error.code == .internal || error.code == .misconfigured ? .error : .warning
            logger.log(level, "invocation.failed", ["ms": .number(milliseconds), "code": .string(error.code.rawValue),
                                                    "message": .string(error.message), "exit": .number(Double(error.code.exitCode))])
            // Messages are written not to carry secrets; redacting known secret values is the
            // safety net for one that quotes configuration back.
            let redacted = BundleError(error.code, logger.redact(error.message), details: error.details)
            emit(channel.failure(redacted, requestID: logger.requestID), exitCode: error.code.exitCode)
        }
    }

    /// Runs the async work starting on this thread (`Task.immediate`), so a handler that never
    /// suspends finishes without the concurrency runtime starting its worker threads (measured at
    /// several hundred microseconds of a cold start); one that suspends resumes on the pool while
    /// this thread waits.
    private static func runToCompletion(logger: Logger,
                                        _ work: @escaping @Sendable () async throws -> [UInt8]) -> Result<[UInt8], BundleError> {
        let completion = Completion()
        Task.immediate {
            do {
                completion.finish(.success(try await work()))
            } catch {
                completion.finish(.failure(Invocation.bundleError(error, logger: logger)))
            }
        }
        return completion.wait()
    }

    /// The error document for stdout.
    package static func errorDocument(_ error: BundleError) -> [UInt8] {
        Array(error.document.jsonText.utf8)
    }

    private static func emit(_ text: String, exitCode: Int32) -> Never {
        emit(Array((text + "\n").utf8), exitCode: exitCode)
    }

    /// Writes the one answer if nothing else has, then exits at once: the deadline timer is
    /// disarmed first, and `_exit` runs no exit handlers that could crash or stall after the
    /// answer is out.
    private static func emit(_ document: [UInt8], exitCode: Int32) -> Never {
        document.withUnsafeBytes { buffer in
            if bundle_claim_stdout() == 1 {
                bundle_disarm_deadline()
                _ = bundle_write_all(1, buffer.baseAddress, buffer.count)
            }
        }
        _exit(exitCode)
    }

    private static func help(_ manifest: FunctionManifest) -> String {
        var lines = ["\(manifest.name): \(manifest.summary)", ""]
        lines += manifest.routes.map { "  route:    \($0)" }
        if let schedule = manifest.schedule { lines.append("  schedule: \(schedule)") }
        lines += ["", "Reads one JSON object on stdin and writes one JSON document on stdout.",
                  "  echo '{}' | \(manifest.name)", "  \(manifest.name) --describe   prints the manifest entry with input and output schemas"]
        return lines.joined(separator: "\n")
    }
}

/// Runs the handler on checked, decoded input and encodes its output.
enum Invocation {
    static func run<Handler: FunctionHandler>(_ handler: Handler, bytes: [UInt8], context: FunctionContext) async throws -> [UInt8] {
        try await run(handler, input: try InputReader.parse(bytes).envelope, context: context)
    }

    /// The input is checked against the manifest's schema first (`InputContract`), so no
    /// function can drift from what it publishes; the handler then decodes the checked value.
    static func run<Handler: FunctionHandler>(_ handler: Handler, input envelope: JSONValue, context: FunctionContext) async throws -> [UInt8] {
        let checked = try InputContract.prepare(envelope, schema: Handler.manifest.inputSchema)
        let input: Handler.Input
        do {
            input = try JSONValueDecoder.decode(Handler.Input.self, from: checked)
        } catch {
            let (field, problem) = JSONCoding.describe(error)
            throw BundleError.validation(field: field ?? "(input)", problem)
        }
        let output = try await handler.handle(input, context: context)
        let document: JSONValue
        do {
            document = try JSONValue(encoding: output)
        } catch {
            throw BundleError(.internal, "the function's output could not be encoded as JSON")
        }
        try JSONDepth.checkOutput(document)
        return Array(document.jsonText.utf8)
    }

    /// Any error as the contract's error; unknown ones are `internal`, their description going
    /// to the log only.
    static func bundleError(_ error: any Error, logger: Logger) -> BundleError {
        switch error {
        case let error as BundleError: return error
        case let error as any BundleErrorConvertible: return error.bundleError
        case is CancellationError: return BundleError(.timeout, "the function was cancelled before it finished")
        default:
            logger.error("invocation.unexpected_error", ["type": .string(String(describing: type(of: error))),
                                                         "description": .string(String(describing: error))])
            return BundleError(.internal, "the function failed unexpectedly; its log on stderr has the request id")
        }
    }
}

/// The outcome of the invocation, handed from the task to the main thread.
private final class Completion: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let result = Mutex<Result<[UInt8], BundleError>?>(nil)

    func finish(_ outcome: Result<[UInt8], BundleError>) {
        result.withLock { $0 = outcome }
        semaphore.signal()
    }

    func wait() -> Result<[UInt8], BundleError> {
        semaphore.wait()
        return result.withLock { $0 } ?? .failure(BundleError(.internal, "the function ended without a result"))
    }
}

/// Flags on the command line, read from argv directly: `CommandLine.arguments` builds an array of
/// every argument as Swift strings, which shows at process start.
enum CommandLineFlags {
    static func contains(_ flag: String) -> Bool {
        for index in 1..<Int(CommandLine.argc) {
            if let argument = CommandLine.unsafeArgv[index], String(cString: argument) == flag { return true }
        }
        return false
    }
}
