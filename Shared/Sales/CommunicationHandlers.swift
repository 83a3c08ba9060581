import Core
import FoundationEssentials
import Runtime

/// `POST /api/v1/communications` (201): a past communication typed in, for a prospect (which must
/// exist) or a company named (at least one of the two), with its outcome and date (default now).
/// Stored with its chunks and full-text index at once, then embedded (see `CommunicationEmbedding`).
package struct CreateCommunicationHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var prospectID: Int?
        var companyName: String?
        var subject: String
        var content: String
        var outcome: String?
        var date: String?
        var sender: String?

        enum CodingKeys: String, CodingKey {
            case subject, content, outcome, date, sender
            case prospectID = "prospect_id"
            case companyName = "company_name"
        }
    }

    package struct Output: Codable, Sendable {
        var communication: Communication
        var embedding: CommunicationEmbedding
    }

    package static let manifest = FunctionManifest(
        name: "create-communication",
        summary: "Records a past communication with a prospect or company (subject, content, outcome, date) for similar-wins search.",
        routes: [Route("POST", "/api/v1/communications")],
        successStatus: 201,
        input: Schema.object([
            "prospect_id": Schema.nullable(Schema.integer("The prospect (prospect_id or company_name is required)", minimum: 1)),
            "company_name": Schema.nullable(Schema.string(maxLength: 300)),
            "subject": Schema.string(minLength: 1, maxLength: 500),
            "content": Schema.string(minLength: 1, maxLength: 200_000),
            "outcome": Schema.nullable(Schema.string("Free text: \"closed won\", \"meeting booked\", \"no reply\"…", maxLength: 2_000)),
            "date": Schema.nullable(Schema.string("ISO-8601 time or YYYY-MM-DD (default: now)", maxLength: 40)),
            "sender": Schema.nullable(Schema.string(maxLength: 500)),
        ], required: ["subject", "content"]),
        output: Schema.object(["communication": Communication.schema, "embedding": CommunicationEmbedding.schema]),
        timeoutSeconds: 60
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        func optional(_ text: String?) -> String? { text.map(StorableText.clean).flatMap { $0.trimmingWhitespace().isEmpty ? nil : $0.trimmingWhitespace() } }
        var problems: [ErrorDetail] = []
        let company = optional(input.companyName)
        if input.prospectID == nil && company == nil {
            problems.append(ErrorDetail(field: "prospect_id", problem: "give prospect_id or company_name (or both)"))
        }
        let subject = StorableText.clean(input.subject).trimmingWhitespace()
        let content = StorableText.clean(input.content).trimmingWhitespace()
        if subject.isEmpty { problems.append(ErrorDetail(field: "subject", problem: "must not be blank")) }
        if content.isEmpty { problems.append(ErrorDetail(field: "content", problem: "must not be blank")) }
        let now = context.clock.now()
        var date = now
        if let text = optional(input.date) {
            if let parsed = Timestamp.parse(text) { date = parsed } else {
                problems.append(ErrorDetail(field: "date", problem: "must be an ISO-8601 time or YYYY-MM-DD, got \"\(text.prefix(40))\""))
            }
        }
        guard problems.isEmpty else { throw BundleError.validation(problems) }
        let store = CommunicationStore(database: try context.database())
        let draft = CommunicationStore.Draft(prospectID: input.prospectID, companyName: company, subject: subject, content: content,
                                             sender: optional(input.sender), outcome: optional(input.outcome), date: date)
        let stored = try store.store([draft], upload: nil, now: now)
        let embedding = await CommunicationEmbedding.run(communicationChunkIDs: stored.chunkIDs, context: context)
        guard let communication = try store.communications(stored.ids).first else { throw BundleError(.internal, "the communication was not stored") }
        context.logger.info("sales.communication_created", ["communication": .number(Double(communication.id)),
                                                             "outcome_kind": .string(communication.outcomeKind)])
        return Output(communication: communication, embedding: embedding)
    }
}

/// `GET /api/v1/communications`: newest first (by date), paged; filters: prospect_id, company
/// (any spelling), outcome_kind, q (words in subject or content).
package struct ListCommunicationsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var prospectID: Int?
        var company: String?
        var outcomeKind: String?
        var q: String?
        var limit: Int?
        var offset: Int?

        enum CodingKeys: String, CodingKey {
            case company, q, limit, offset
            case prospectID = "prospect_id"
            case outcomeKind = "outcome_kind"
        }
    }

    package struct Output: Codable, Sendable {
        var communications: [Communication]
        var total: Int
        var limit: Int
        var offset: Int
    }

    package static let manifest = FunctionManifest(
        name: "list-communications",
        summary: "Past communications, newest first; filters: prospect_id, company (any spelling), outcome_kind, q (words).",
        routes: [Route("GET", "/api/v1/communications")],
        input: Schema.object([
            "prospect_id": Schema.integer(minimum: 1),
            "company": Schema.string("Any spelling of the company's name", maxLength: 200),
            "outcome_kind": Schema.string(enum: OutcomeKind.all),
            "q": Schema.string("Words in the subject or content", maxLength: 200),
            "limit": Schema.integer("At most this many (default 50)", minimum: 1, maximum: 200),
            "offset": Schema.integer("Skip this many", minimum: 0),
        ], required: []),
        output: Schema.object([
            "communications": Schema.array(Communication.schema), "total": Schema.integer(minimum: 0),
            "limit": Schema.integer(minimum: 1), "offset": Schema.integer(minimum: 0),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let page = try Paging(status: input.outcomeKind, allowed: OutcomeKind.all, limit: input.limit, offset: input.offset, field: "outcome_kind")
        let filter = CommunicationStore.Filter(prospectID: input.prospectID, company: input.company, outcomeKind: input.outcomeKind, query: input.q)
        let (communications, total) = try CommunicationStore(database: try context.database()).list(filter, limit: page.limit, offset: page.offset)
        return Output(communications: communications, total: total, limit: page.limit, offset: page.offset)
    }
}
