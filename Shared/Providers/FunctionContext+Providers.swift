import Core
import HTTPTransport
import Runtime
import Store

/// The providers a handler reaches through its context, made on first use from the configuration
/// and kept for the invocation. Tests and adapters hand their own in with `provide(_:)` (or the
/// initializer below).
extension FunctionContext {
    /// Outgoing HTTP: libcurl with the retry policy, configured secrets taken out of every answer.
    /// OpenAI's rule (an exhausted quota never clears by waiting) is installed whatever the
    /// bundle's own provider: the registry reaches OpenAI-compatible servers for any prompt type,
    /// and the rule only ever forbids a retry of a 429 that names `insufficient_quota`.
    package func transport() throws -> any Transport {
        try service((any Transport).self) { context in
            let policy = try RetryPolicy(config: context.config).with(classify: OpenAICompatibleProvider.retryClassifier)
            let curl = RedactingTransport(try CurlTransport(config: context.config), redactor: context.redactor)
            return RetryingTransport(curl, policy: policy, logger: context.logger)
        }
    }

    /// The LLM provider `LLM_PROVIDER` chooses, without the client around it (health reports it
    /// with no database at hand).
    package func llmProvider() throws -> any LLMProvider {
        try service((any LLMProvider).self) { context in try LLMSelection.make(context.config, transport: try context.transport()) }
    }

    /// The LLM client for the selected provider, recording calls into `llm_calls`.
    package func llm() throws -> LLMClient {
        try service(LLMClient.self) { context in
            LLMClient(provider: try context.llmProvider(), recorder: DatabaseLLMCallRecorder(database: try context.database()),
                      limiter: ConcurrencyLimiter(limit: try context.config.int("MAX_CONCURRENT_LLM_CALLS", default: 5, in: 1...100)),
                      prices: try PriceTable(config: context.config), function: context.function,
                      requestID: context.requestID, logger: context.logger, clock: context.clock, redactor: context.redactor)
        }
    }

    /// The messenger `MESSAGING_PROVIDER` chooses: Twilio, or the outbox.
    package func messenger() throws -> any Messenger {
        try service((any Messenger).self) { context in try MessengerSelection.make(context.config, transport: try context.transport()) }
    }

    /// The web search `SEARCH_PROVIDER` chooses: You.com, or offline over the stored corpus.
    package func search() throws -> any SearchProvider {
        try service((any SearchProvider).self) { context in
            let clock = context.clock
            return try SearchSelection.make(context.config, transport: try context.transport(), now: { clock.now().timeIntervalSince1970 })
        }
    }

    /// The interview room provider `ROOMS_PROVIDER` chooses: Daily, or Jitsi links.
    package func rooms() throws -> any RoomProvider {
        try service((any RoomProvider).self) { context in try RoomSelection.make(context.config) { try context.transport() } }
    }

    /// The calendar `CALENDAR_PROVIDER` chooses (ICS, Google, Composio); nil when none is configured.
    package func calendar() throws -> (any CalendarSource)? {
        try service(ProviderChoice<any CalendarSource>.self) { context in
            ProviderChoice(try CalendarSelection.make(context.config) { try context.transport() })
        }.provider
    }

    /// Where Notion rows go (`NOTION_PROVIDER`: Notion, Composio); nil for `none`.
    package func notion() throws -> (any NotionRows)? {
        try service(ProviderChoice<any NotionRows>.self) { context in
            ProviderChoice(try NotionSelection.make(context.config) { try context.transport() })
        }.provider
    }

    /// Where email drafts go (`EMAIL_DRAFT_PROVIDER`: Gmail, Composio); nil for `outbox`.
    package func emailDrafts() throws -> (any EmailDrafts)? {
        try service(ProviderChoice<any EmailDrafts>.self) { context in
            ProviderChoice(try EmailDraftSelection.make(context.config) { try context.transport() })
        }.provider
    }

    /// Where uploaded files go: an S3-compatible bucket when `S3_BUCKET` is set, else the local
    /// directory `FILE_STORAGE_DIR` (default `var/files`).
    package func fileStorage() throws -> any FileStorage {
        try service((any FileStorage).self) { context in try StorageSelection.make(context.config) { try context.transport() } }
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

/// A provider that may be switched off (`none`, `outbox`), as the context keeps it: the service
/// cache holds values, so "none" is a choice made once, not a missing entry. Tests hand one in
/// with `provide(ProviderChoice(fake))`.
package struct ProviderChoice<Provider: Sendable>: Sendable {
    package let provider: Provider?

    package init(_ provider: Provider?) {
        self.provider = provider
    }
}
