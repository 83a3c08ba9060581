import CProcessShim
import Core
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Runs one function per process: the contract of DESIGN.md. Reads one JSON object from stdin,
/// decodes the typed input, runs the handler before its deadline, and writes exactly one JSON
/// document to stdout with the exit code the outcome calls for. Crashes and deadlines still
/// produce a JSON error on stdout.
package enum Runtime {
    package static func main<Handler: FunctionHandler>(_ handler: Handler.Type,
                                                       arguments: [String] = CommandLine.arguments) async -> Never {
        let manifest = Handler.manifest
        if arguments.contains("--describe") {
            emit(JSONCoding.text(manifest.document, pretty: true), exitCode: 0)
        }
        if arguments.contains("--help") || arguments.contains("-h") {
            emitText(help(manifest))
        }
        CrashGuard.install()

        let config = Config.load()
        let logLevel = config["LOG_LEVEL"].flatMap(LogLevel.init(name:)) ?? .info
        var logger = Logger(function: manifest.name, requestID: RequestID.generate(), level: logLevel, secrets: config.secretValues)

        let started = ContinuousClock.now
        let outcome: Result<[UInt8], BundleError>
        do {
            let input = try InputReader.read(config: config)
            let requestID = RequestID.sanitized(input.envelope["_http"]?["request_id"]?.stringValue)
                ?? config["REQUEST_ID"].flatMap(RequestID.sanitized) ?? logger.requestID
            logger = Logger(function: manifest.name, requestID: requestID, level: logLevel, secrets: config.secretValues)
            let clock = try BundleClock.from(config)
            let timeout = try config.double("FUNCTION_TIMEOUT_S", default: manifest.timeoutSeconds, in: 0.001...86_400)
            let deadline = Deadline(seconds: timeout)
            // A short grace lets the handler fail on its own deadline first (and record what it did).
            Watchdog.start(after: timeout + min(1.0, timeout * 0.1), logger: logger)
            let context = FunctionContext(function: manifest.name, requestID: requestID, config: config, clock: clock,
                                          logger: logger, deadline: deadline, http: input.envelope["_http"])
            let output = try await Invocation.run(Handler(), bytes: input.bytes, context: context)
            outcome = .success(output)
        } catch {
            outcome = .failure(Invocation.bundleError(error, logger: logger))
        }
        let milliseconds = Double(started.duration(to: .now).milliseconds)
        switch outcome {
        case .success(let bytes):
            logger.info("invocation.done", ["ms": .number(milliseconds), "exit": 0])
            emit(bytes, exitCode: 0)
        case .failure(let error):
            let level: LogLevel = error.code == .internal || error.code == .misconfigured ? .error : .warning
            logger.log(level, "invocation.failed", ["ms": .number(milliseconds), "code": .string(error.code.rawValue),
                                                    "message": .string(error.message), "exit": .number(Double(error.code.exitCode))])
            emit(errorDocument(error), exitCode: error.code.exitCode)
        }
    }

    /// The error document for stdout.
    package static func errorDocument(_ error: BundleError) -> [UInt8] {
        Array(error.document.jsonText.utf8)
    }

    private static func emit(_ text: String, exitCode: Int32) -> Never {
        emit(Array(text.utf8), exitCode: exitCode)
    }

    /// Writes the one document (plus a newline) if nothing else has, then exits.
    private static func emit(_ bytes: [UInt8], exitCode: Int32) -> Never {
        let document = bytes + [10]
        document.withUnsafeBytes { buffer in
            if bundle_claim_stdout() == 1 {
                _ = bundle_write_all(1, buffer.baseAddress, buffer.count)
            }
        }
        exit(exitCode)
    }

    private static func emitText(_ text: String) -> Never {
        emit(text, exitCode: 0)
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

/// Runs the handler on decoded input and encodes its output.
enum Invocation {
    static func run<Handler: FunctionHandler>(_ handler: Handler, bytes: [UInt8], context: FunctionContext) async throws -> [UInt8] {
        let input: Handler.Input
        do {
            input = try JSONCoding.decode(Handler.Input.self, from: bytes)
        } catch {
            let (field, problem) = JSONCoding.describe(error)
            throw BundleError.validation(field: field ?? "(input)", problem)
        }
        let output = try await handler.handle(input, context: context)
        do {
            return try JSONCoding.encode(output)
        } catch {
            throw BundleError(.internal, "the function's output could not be encoded as JSON")
        }
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
