import Core
import HTTPTransport
import Jobs
import Providers
import Store
import Synchronization

/// What a handler gets besides its input: configuration, clock, logger, deadline, and the shared
/// services, each opened on first use so a function pays only for what it touches.
package final class FunctionContext: Sendable {
    package let function: String
    package let requestID: String
    package let config: Config
    package let clock: BundleClock
    package let logger: Logger
    package let deadline: Deadline
    /// The HTTP request envelope (`_http`) when the call came through the dispatcher.
    package let http: JSONValue?

    private let services: Mutex<Services>

    private struct Services {
        var database: (any Database)?
        var transport: (any Transport)?
        var llm: LLMClient?
    }

    package init(function: String, requestID: String, config: Config, clock: BundleClock, logger: Logger,
                 deadline: Deadline, http: JSONValue? = nil, database: (any Database)? = nil,
                 transport: (any Transport)? = nil, llm: LLMClient? = nil) {
        self.function = function
        self.requestID = requestID
        self.config = config
        self.clock = clock
        self.logger = logger
        self.deadline = deadline
        self.http = http
        self.services = Mutex(Services(database: database, transport: transport, llm: llm))
    }

    /// The job this invocation runs for, when the worker started it (`JOB_ID`).
    package var jobID: Int? { config["JOB_ID"].flatMap { Int($0) } }

    /// Reports progress (0–100, with a message people can read) on this invocation's job, so
    /// `GET /jobs/{id}` can show it; outside a job it does nothing. A failure to record progress
    /// is logged and never fails the function.
    package func reportProgress(_ percent: Int, _ message: String? = nil) {
        guard let jobID else { return }
        do {
            try JobQueue(database: try database()).reportProgress(job: jobID, percent: percent, message: message, now: clock.now())
        } catch {
            logger.warning("job.progress_not_recorded", ["job": .number(Double(jobID))])
        }
    }

    /// The authenticated caller's name, when the dispatcher set one.
    package var principal: String? { http?["principal"]?.stringValue }

    /// The shared database (opened and migrated on first use).
    package func database() throws -> any Database {
        try services.withLock { services in
            if let database = services.database { return database }
            let database = try DatabaseLocation.open(config)
            services.database = database
            return database
        }
    }

    /// Outgoing HTTP: libcurl with the retry policy, configured secrets taken out of every answer.
    package func transport() throws -> any Transport {
        try services.withLock { services in
            if let transport = services.transport { return transport }
            let policy = try RetryPolicy(config: config).with(classify: LLMSelection.retryClassifier(config))
            let curl = RedactingTransport(try CurlTransport(config: config), redactor: config.redactor)
            let transport = RetryingTransport(curl, policy: policy, logger: logger)
            services.transport = transport
            return transport
        }
    }

    /// The LLM client for the selected provider, recording calls into `llm_calls`.
    package func llm() throws -> LLMClient {
        if let existing = services.withLock({ $0.llm }) { return existing }
        let provider = try LLMSelection.make(config, transport: try transport())
        let client = LLMClient(provider: provider, recorder: DatabaseLLMCallRecorder(database: try database()),
                               limiter: ConcurrencyLimiter(limit: try config.int("MAX_CONCURRENT_LLM_CALLS", default: 5, in: 1...100)),
                               prices: try PriceTable(config: config), function: function, requestID: requestID,
                               logger: logger, clock: clock)
        return services.withLock { services in
            if let existing = services.llm { return existing }
            services.llm = client
            return client
        }
    }
}
