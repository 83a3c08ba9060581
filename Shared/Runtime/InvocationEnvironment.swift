import Core
import Store
import Synchronization

/// What stays the same from one invocation to the next in a process: the parsed configuration,
/// the log level, the schema (the migrations the launcher was handed: the runtime imports no
/// domain, so it cannot list their tables itself) and the database connection. A one-shot process makes one; the Lambda loop and
/// warm workers keep theirs, so a warm invocation reuses the connection and the configuration.
package final class InvocationEnvironment: Sendable {
    package let config: Config
    package let logLevel: LogLevel
    package let migrations: [Migration]
    /// Built once: what logs and error messages are cleaned of (every configured secret), and
    /// what answers are cleaned of (the distinctive ones, `Config.redactor`).
    private let logRedactor: SecretRedactor
    package let answerRedactor: SecretRedactor
    private let database: Mutex<(any Database)?>

    package init(config: Config, migrations: [Migration], database: (any Database)? = nil) {
        self.config = config
        self.migrations = migrations
        logLevel = config["LOG_LEVEL"].flatMap(LogLevel.init(name:)) ?? .info
        let secrets = config.secretValues
        logRedactor = SecretRedactor(secrets: secrets)
        answerRedactor = SecretRedactor(secrets: secrets.filter(SecretRedactor.isDistinctive))
        self.database = Mutex(database)
    }

    package func logger(function: String, requestID: String) -> Logger {
        Logger(function: function, requestID: requestID, level: logLevel, redactor: logRedactor)
    }

    /// The seconds a function may run: `FUNCTION_TIMEOUT_S` when set, else the manifest's timeout.
    /// One rule for every adapter; a bad value is `misconfigured`, naming the variable.
    package func timeout(for manifest: FunctionManifest) throws -> Double {
        try config.double("FUNCTION_TIMEOUT_S", default: manifest.timeoutSeconds, in: 0.001...86_400)
    }

    /// The process's database, opened (and migrated) on first use and then shared.
    package func sharedDatabase() throws -> any Database {
        if let open = database.withLock({ $0 }) { return open }
        let opened = try DatabaseLocation.open(config, migrations: migrations)
        return database.withLock { current in
            if let current { return current }
            current = opened
            return opened
        }
    }

    /// Keeps a connection opened elsewhere (the gateway's API-key check) for later invocations.
    package func adopt(_ opened: any Database) {
        database.withLock { current in if current == nil { current = opened } }
    }

    /// The context of one invocation. The clock is read from the configuration each time, so a
    /// bad `BUNDLE_NOW` is that invocation's `misconfigured` error, not a crash.
    package func context(function: String, logger: Logger, deadline: Deadline, http: JSONValue?,
                         database: (any Database)? = nil, events: (any EventSink)? = nil) throws -> FunctionContext {
        if let database { adopt(database) }
        let context = FunctionContext(function: function, requestID: logger.requestID, config: config, clock: try BundleClock.from(config),
                                      logger: logger, deadline: deadline, http: http, database: database,
                                      openDatabase: { [self] in try sharedDatabase() }, events: events)
        context.provide(answerRedactor)
        return context
    }
}
