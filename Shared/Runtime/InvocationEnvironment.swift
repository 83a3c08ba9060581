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
    private let database: Mutex<(any Database)?>

    package init(config: Config, migrations: [Migration], database: (any Database)? = nil) {
        self.config = config
        self.migrations = migrations
        logLevel = config["LOG_LEVEL"].flatMap(LogLevel.init(name:)) ?? .info
        self.database = Mutex(database)
    }

    package func logger(function: String, requestID: String) -> Logger {
        Logger(function: function, requestID: requestID, level: logLevel, secrets: config.secretValues)
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
                         database: (any Database)? = nil) throws -> FunctionContext {
        if let database { adopt(database) }
        return FunctionContext(function: function, requestID: logger.requestID, config: config, clock: try BundleClock.from(config),
                               logger: logger, deadline: deadline, http: http, database: database,
                               openDatabase: { [self] in try sharedDatabase() })
    }
}
