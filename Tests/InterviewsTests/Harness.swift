import Core
import FoundationEssentials
import HTTPTransport
import Interviews
import Jobs
import Providers
import Runtime
import Store
import Synchronization
import TestSupport

/// A temporary database and contexts over it, frozen at a given time.
struct Harness {
    let directory: TemporaryDirectory
    let database: any Database
    static let gasStation: JSONValue = [
        ["name": "fuel_brand", "type": "enum", "description": "Which fuel brand you usually buy", "enum": ["Shell", "BP", "Aral", "Other"]],
        ["name": "visits_per_month", "type": "integer", "description": "How many times a month you fill up", "min": 0, "max": 100],
        ["name": "uses_loyalty_card", "type": "boolean", "description": "Whether you use a loyalty card when you pay"],
        ["name": "litre_price", "type": "number", "description": "What you paid per litre last time, in euros", "min": 0.5, "max": 5],
        ["name": "switch_reason", "type": "string", "description": "What would make you switch to another station"],
    ]

    init() throws {
        directory = try TemporaryDirectory()
        database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: ProvidersSchema.migrations + JobsSchema.migrations + InterviewsSchema.migrations)
    }

    func context(_ values: [String: String] = [:], now: String = "2026-03-02T09:00:00Z", http: JSONValue? = nil,
                 llm provider: (any LLMProvider)? = nil, transport: (any Transport)? = NoNetwork()) -> FunctionContext {
        let llm = provider.map { LLMClient(provider: $0, recorder: DatabaseLLMCallRecorder(database: database), function: "test") }
        return FunctionContext(function: "test", requestID: "req-\(now)", config: Config(["TWILIO_SIGNATURE_CHECK": "off"].merging(values) { $1 }),
                               clock: BundleClock(frozenAt: Timestamp.parse(now)!), logger: .discarding, deadline: Deadline(seconds: 30),
                               http: http, database: database, transport: transport, llm: llm)
    }

    func decode<T: Decodable>(_ type: T.Type, _ json: JSONValue) throws -> T { try json.decode(as: type) }

    /// Creates and launches a campaign; returns its id.
    @discardableResult
    func launchedCampaign(phones: [String], schema: JSONValue = Harness.gasStation, rate: Int = 10, now: String = "2026-03-02T09:00:00Z",
                          maxTurns: Int? = nil) async throws -> Int {
        var input: [String: JSONValue] = ["name": "Gas station habits", "brief": "Learn how drivers choose where to fill up, and why they switch.",
                                          "schema": schema, "phones": .array(phones.map(JSONValue.string))]
        if let maxTurns { input["max_turns"] = .number(Double(maxTurns)) }
        let created = try JSONValue(encoding: try await CreateCampaignHandler().handle(try decode(CreateCampaignHandler.Input.self, .object(input)),
                                                                                       context: context(now: now)))
        let id = try created["campaign"]?["id"]?.intValue ?? { throw BundleError(.internal, "no campaign id") }()
        _ = try await LaunchCampaignHandler().handle(try decode(LaunchCampaignHandler.Input.self, ["id": .number(Double(id))]),
                                                     context: context(["OUTREACH_RATE_PER_MINUTE": String(rate)], now: now))
        return id
    }

    func sendOutreach(now: String, _ values: [String: String] = [:], transport: (any Transport)? = NoNetwork()) async throws -> JSONValue {
        try JSONValue(encoding: try await SendOutreachHandler().handle(NoInput(), context: context(values, now: now, transport: transport)))
    }

    /// One inbound webhook, as Twilio's form fields.
    func inbound(_ from: String, _ body: String, sid: String, now: String = "2026-03-02T09:05:00Z", llm: (any LLMProvider)? = nil,
                 _ values: [String: String] = [:]) async throws -> JSONValue {
        let input: JSONValue = ["MessageSid": .string(sid), "From": .string("whatsapp:" + from), "To": "whatsapp:+14155238886",
                                "Body": .string(body), "ProfileName": "Dana Reyes", "NumMedia": "0"]
        return try await InboundMessageHandler().handle(input, context: context(values, now: now, llm: llm))
    }

    func conversation(_ id: Int) async throws -> JSONValue {
        try JSONValue(encoding: try await GetConversationHandler().handle(try decode(GetConversationHandler.Input.self, ["id": .number(Double(id))]),
                                                                          context: context()))
    }

    func campaign(_ id: Int) async throws -> JSONValue {
        try JSONValue(encoding: try await GetCampaignHandler().handle(try decode(GetCampaignHandler.Input.self, ["id": .number(Double(id))]),
                                                                      context: context()))
    }

    func count(_ sql: String, _ arguments: any SQLBindable...) throws -> Int {
        try database.read { try $0.queryOne(sql, arguments)?.int("n") ?? 0 }
    }
}
