import Core
import Dispatch
import Store
import Synchronization

/// The one invocation core: a function, its input and an invocation context in; one answer (the
/// output document or the error) and an exit code out. Every adapter (stdin/stdout, CGI, the
/// Lambda loop, the job worker's children, a warm FastCGI worker) runs handlers through it; it
/// knows none of their transports.
package enum Invocation {
    /// What an invocation ended with: the document to send (already redacted) or the error.
    package struct Outcome: Sendable {
        package var result: Result<[UInt8], BundleError>

        package var exitCode: Int32 {
            switch result {
            case .success: 0
            case .failure(let error): error.code.exitCode
            }
        }

        /// The answer as the contract's document: the output, or `{"error": …}`.
        package var document: [UInt8] {
            switch result {
            case .success(let bytes): bytes
            case .failure(let error): Array(error.document.jsonText.utf8)
            }
        }
    }

    /// Parses raw input bytes (empty means `{}`) and runs the function. A request id the input
    /// carries (`_http.request_id`, from the gateway that queued it) wins over `requestID` unless
    /// the adapter's own id is authoritative (`requestIDFromInput: false`: Lambda's, which its logs
    /// and console are keyed by).
    package static func invoke(_ function: BundleFunction, bytes: [UInt8], environment: InvocationEnvironment,
                               requestID: String?, deadline: Deadline, requestIDFromInput: Bool = true) -> Outcome {
        let envelope: JSONValue
        do {
            envelope = try InputReader.parse(bytes).envelope
        } catch {
            let logger = environment.logger(function: function.name, requestID: requestID ?? RequestID.generate())
            return finish(.failure(bundleError(error, logger: logger)), logger: logger, started: .now, redactor: environment.answerRedactor)
        }
        return invoke(function, input: envelope, environment: environment, requestID: requestID, deadline: deadline,
                      requestIDFromInput: requestIDFromInput)
    }

    /// Runs the function on a parsed envelope, starting on this thread, and waits for its answer.
    /// `events` is where a streaming function's progress goes (the CGI adapter's SSE writer); the
    /// answer is still returned as one document, for the adapter to send as the last event.
    package static func invoke(_ function: BundleFunction, input envelope: JSONValue, environment: InvocationEnvironment,
                               requestID: String?, deadline: Deadline, database: (any Database)? = nil,
                               requestIDFromInput: Bool = true, events: (any EventSink)? = nil) -> Outcome {
        let started = ContinuousClock.now
        let fromInput = requestIDFromInput ? RequestID.sanitized(envelope["_http"]?["request_id"]?.stringValue) : nil
        let requestID = fromInput ?? requestID
            ?? environment.config["REQUEST_ID"].flatMap(RequestID.sanitized) ?? RequestID.generate()
        let logger = environment.logger(function: function.name, requestID: requestID)
        CrashGuard.describe(logger)
        let result: Result<[UInt8], BundleError>
        do {
            try JSONDepth.checkInput(envelope)
            let context = try environment.context(function: function.name, logger: logger, deadline: deadline,
                                                  http: envelope["_http"], database: database, events: events)
            result = runToCompletion(logger: logger) { try await function.run(envelope, context) }
        } catch {
            result = .failure(bundleError(error, logger: logger))
        }
        return finish(result, logger: logger, started: started, redactor: environment.answerRedactor)
    }

    /// Logs the outcome and takes configured secrets out of whatever is sent.
    private static func finish(_ result: Result<[UInt8], BundleError>, logger: Logger, started: ContinuousClock.Instant,
                               redactor: SecretRedactor) -> Outcome {
        let milliseconds = Double(started.duration(to: .now).milliseconds)
        switch result {
        case .success(let bytes):
            logger.info("invocation.done", ["ms": .number(milliseconds), "exit": 0])
            // No answer carries a configured secret, whatever a handler or an upstream put in it.
            let redacted = redactor.redact(bytes)
            if redacted != bytes {
                logger.warning("answer.redacted", ["note": "a configured secret was taken out of the answer"])
            }
            return Outcome(result: .success(redacted))
        case .failure(let error):
            let level: LogLevel = error.code == .internal || error.code == .misconfigured ? .error : .warning
            logger.log(level, "invocation.failed", ["ms": .number(milliseconds), "code": .string(error.code.rawValue),
                                                    "message": .string(error.message), "exit": .number(Double(error.code.exitCode))])
            // Messages are written not to carry secrets; redacting known secret values is the
            // safety net for one that quotes configuration back.
            return Outcome(result: .failure(BundleError(error.code, logger.redact(error.message), details: error.details)))
        }
    }

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
    package static func bundleError(_ error: any Error, logger: Logger) -> BundleError {
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
}

/// The outcome of the invocation, handed from the task to the waiting thread.
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
