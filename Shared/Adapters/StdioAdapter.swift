import Core
import Runtime
import Store

/// The stdin/stdout adapter: one JSON object on stdin, one JSON document and a newline on stdout,
/// the exit code of the outcome. Pipes, cron, FaaS watchdogs and the job worker's children all
/// use it. The deadline watchdog is armed before stdin is read, so a caller that never closes
/// stdin cannot hang the process.
enum StdioAdapter {
    static func run(_ function: BundleFunction, config: Config, migrations: [Migration]) -> Never {
        let environment = InvocationEnvironment(config: config, migrations: migrations)
        let render = { (error: BundleError) in Array((error.document.jsonText + "\n").utf8) }
        CrashGuard.install(render: render)
        let requestID = config["REQUEST_ID"].flatMap(RequestID.sanitized) ?? RequestID.generate()
        let logger = environment.logger(function: function.name, requestID: requestID)
        CrashGuard.describe(logger)
        let timeout: Double
        do {
            timeout = try environment.timeout(for: function.manifest)
        } catch {
            fail(Invocation.bundleError(error, logger: logger), logger: logger)
        }
        Watchdog.start(after: timeout + Watchdog.grace(for: timeout), logger: logger, render: render)
        let bytes: [UInt8]
        do {
            bytes = try InputReader.readStandardInput(config: config)
        } catch {
            fail(Invocation.bundleError(error, logger: logger), logger: logger)
        }
        let outcome = Invocation.invoke(function, bytes: bytes, environment: environment, requestID: requestID,
                                        deadline: Deadline(seconds: timeout))
        ProcessAnswer.emit(outcome.document + [10], exitCode: outcome.exitCode)
    }

    /// An error before the handler could run (bad configuration, unreadable input).
    static func fail(_ error: BundleError, logger: Logger) -> Never {
        logger.warning("invocation.failed", ["code": .string(error.code.rawValue), "message": .string(error.message),
                                             "exit": .number(Double(error.code.exitCode))])
        ProcessAnswer.emit(Array((error.document.jsonText + "\n").utf8), exitCode: error.code.exitCode)
    }
}
