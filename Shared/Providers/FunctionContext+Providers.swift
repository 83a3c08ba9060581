import Core
import HTTPTransport
import Runtime
import Store

/// The providers a handler reaches through its context, made on first use from the configuration
/// and kept for the invocation. Tests and adapters hand their own in with `provide(_:)` (or the
/// initializer below).
extension FunctionContext {
    /// Outgoing HTTP: libcurl with the retry policy, configured secrets taken out of every answer.
    package func transport() throws -> any Transport {
        try service((any Transport).self) { context in
            let policy = try RetryPolicy(config: context.config).with(classify: LLMSelection.retryClassifier(context.config))
            let curl = RedactingTransport(try CurlTransport(config: context.config), redactor: context.config.redactor)
            return RetryingTransport(curl, policy: policy, logger: context.logger)
        }
    }

    /// The LLM client for the selected provider, recording calls into `llm_calls`.
    package func llm() throws -> LLMClient {
        try service(LLMClient.self) { context in
            let provider = try LLMSelection.make(context.config, transport: try context.transport())
            return LLMClient(provider: provider, recorder: DatabaseLLMCallRecorder(database: try context.database()),
                             limiter: ConcurrencyLimiter(limit: try context.config.int("MAX_CONCURRENT_LLM_CALLS", default: 5, in: 1...100)),
                             prices: try PriceTable(config: context.config), function: context.function,
                             requestID: context.requestID, logger: context.logger, clock: context.clock)
        }
    }

    /// A context with its transport and LLM client handed in (tests, and adapters that hold them).
    package convenience init(function: String, requestID: String, config: Config, clock: BundleClock, logger: Logger,
                             deadline: Deadline, http: JSONValue? = nil, database: (any Database)? = nil,
                             transport: (any Transport)?, llm: LLMClient? = nil) {
        self.init(function: function, requestID: requestID, config: config, clock: clock, logger: logger,
                  deadline: deadline, http: http, database: database)
        if let transport { provide(transport, as: (any Transport).self) }
        if let llm { provide(llm) }
    }
}
