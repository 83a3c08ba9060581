import Core
import Store
import Synchronization

/// What a handler gets besides its input: configuration, clock, logger, deadline, the database,
/// and the services other modules attach (providers, the job queue), each made on first use so
/// a function pays only for what it touches. The runtime knows no service by type: a module that
/// offers one extends the context with an accessor built on `service(_:make:)`, and a test hands
/// a fake in with `provide(_:)`.
package final class FunctionContext: Sendable {
    package let function: String
    package let requestID: String
    package let config: Config
    package let clock: BundleClock
    package let logger: Logger
    package let deadline: Deadline
    /// The HTTP request envelope (`_http`) when the call came through HTTP.
    package let http: JSONValue?
    /// Where progress events go while the function runs: an SSE stream when the HTTP caller asked
    /// for `text/event-stream` and the function `streams`; nil otherwise (piped, queued, JSON).
    package let events: (any EventSink)?

    private let openDatabase: @Sendable () throws -> any Database
    private let state: Mutex<State>

    private struct State {
        var database: (any Database)?
        var services: [ObjectIdentifier: any Sendable] = [:]
    }

    package init(function: String, requestID: String, config: Config, clock: BundleClock, logger: Logger,
                 deadline: Deadline, http: JSONValue? = nil, database: (any Database)? = nil,
                 openDatabase: (@Sendable () throws -> any Database)? = nil, events: (any EventSink)? = nil) {
        self.function = function
        self.events = events
        self.requestID = requestID
        self.config = config
        self.clock = clock
        self.logger = logger
        self.deadline = deadline
        self.http = http
        // Only the invocation environment knows the schema to migrate to; a context made without
        // a database or an opener (a test of a handler that needs none) has none to open.
        self.openDatabase = openDatabase ?? { throw BundleError(.internal, "this invocation was given no database") }
        self.state = Mutex(State(database: database))
    }

    /// Sends a progress event to a streaming caller; does nothing when no one streams. Never
    /// throws: a caller that went away stops the stream, never the work.
    package func emit(_ event: String, _ data: JSONValue) {
        events?.send(event: event, data: data)
    }

    /// What answers and upstream bodies are cleaned of (`Config.redactor`): the invocation
    /// environment hands in the one it built for the process; otherwise built once on first use.
    package var redactor: SecretRedactor { service(SecretRedactor.self) { $0.config.redactor } }

    /// The authenticated caller's name, when the HTTP gateway set one.
    package var principal: String? { http?["principal"]?.stringValue }

    /// The shared database (opened and migrated on first use).
    package func database() throws -> any Database {
        if let database = state.withLock({ $0.database }) { return database }
        let opened = try openDatabase()
        return state.withLock { state in
            if let database = state.database { return database }
            state.database = opened
            return opened
        }
    }

    /// The service of this type, made by `make` on first use and kept for the invocation. `make`
    /// runs outside the lock, so it may use other services; if two callers race, the first one
    /// stored wins and both get it.
    package func service<Service: Sendable>(_ type: Service.Type, make: (FunctionContext) throws -> Service) rethrows -> Service {
        let key = ObjectIdentifier(type)
        if let existing = state.withLock({ $0.services[key] }) as? Service { return existing }
        let made = try make(self)
        return state.withLock { state in
            if let existing = state.services[key] as? Service { return existing }
            state.services[key] = made
            return made
        }
    }

    /// Hands in a service (a fake in tests, or one the adapter already has), replacing any made.
    package func provide<Service: Sendable>(_ service: Service, as type: Service.Type = Service.self) {
        state.withLock { $0.services[ObjectIdentifier(type)] = service }
    }
}
