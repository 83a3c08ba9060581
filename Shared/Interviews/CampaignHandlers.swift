import Core
import Runtime

/// `POST /campaigns`: a research campaign from a brief, an extraction schema and phone numbers.
/// The schema must be valid as a whole; phone numbers are taken one by one: duplicates are
/// removed and each unusable number is reported with its position while the rest are kept.
package struct CreateCampaignHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var name: String?
        var brief: String?
        var schema: JSONValue?
        var phones: JSONValue?
        var openingMessage: String?
        var maxTurns: Int?
        var idempotencyKey: String?

        enum CodingKeys: String, CodingKey {
            case name, brief, schema, phones
            case openingMessage = "opening_message"
            case maxTurns = "max_turns"
            case idempotencyKey = "idempotency_key"
        }
    }

    package struct RejectedPhone: Codable, Sendable, Equatable {
        var index: Int
        var value: String
        var problem: String
    }

    package struct Output: Codable, Sendable {
        var campaign: Campaign
        var created: Bool
        var acceptedPhones: Int
        var duplicatesRemoved: Int
        var rejectedPhones: [RejectedPhone]

        enum CodingKeys: String, CodingKey {
            case campaign, created
            case acceptedPhones = "accepted_phones"
            case duplicatesRemoved = "duplicates_removed"
            case rejectedPhones = "rejected_phones"
        }
    }

    package static let manifest = FunctionManifest(
        name: "create-campaign",
        summary: "Creates a research-interview campaign (draft) from a brief, an extraction schema and E.164 phone numbers.",
        routes: [Route("POST", "/campaigns")],
        successStatus: 201,
        input: Schema.object([
            "name": Schema.string("What the campaign is called", minLength: 1, maxLength: 200),
            "brief": Schema.string("What the research wants to learn, for the agent", minLength: 1, maxLength: 4000),
            "schema": Schema.any,
            "phones": Schema.listOrText("E.164 numbers (+4915112345678), or one string of them separated by commas, semicolons or lines; spaces, dashes and whatsapp: are cleaned up"),
            "opening_message": Schema.string("The first message, instead of one written from the brief", maxLength: 500),
            "max_turns": Schema.integer("Replies after which the interview ends anyway (default 20)", minimum: 1, maximum: 100),
            "idempotency_key": Schema.string("Retrying with the same key returns the same campaign", maxLength: 200),
            // The original's names (its campaign request).
            "research_brief": Schema.alias(of: "brief", Schema.string(minLength: 1, maxLength: 4000)),
            "extraction_schema": Schema.alias(of: "schema", Schema.any),
            "phone_numbers": Schema.alias(of: "phones", Schema.listOrText()),
        ], required: ["name", "brief", "schema", "phones"]),
        output: Schema.object([
            "campaign": Campaign.schema, "created": Schema.boolean(), "accepted_phones": Schema.integer(minimum: 0),
            "duplicates_removed": Schema.integer(minimum: 0),
            "rejected_phones": Schema.array(Schema.object(["index": Schema.integer(minimum: 0), "value": Schema.string(), "problem": Schema.string()])),
        ]),
        timeoutSeconds: 30
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        var problems: [ErrorDetail] = []
        let name = input.name?.trimmingWhitespace() ?? ""
        if name.isEmpty { problems.append(ErrorDetail(field: "name", problem: "is required")) }
        if name.count > 200 { problems.append(ErrorDetail(field: "name", problem: "must be at most 200 characters")) }
        let brief = input.brief?.trimmingWhitespace() ?? ""
        if brief.count < 10 { problems.append(ErrorDetail(field: "brief", problem: "is required: a few sentences on what the research wants to learn")) }
        if brief.count > 4000 { problems.append(ErrorDetail(field: "brief", problem: "must be at most 4,000 characters")) }
        let opening = input.openingMessage?.trimmingWhitespace()
        if let opening, opening.count > 500 { problems.append(ErrorDetail(field: "opening_message", problem: "must be at most 500 characters")) }
        let maxTurns = input.maxTurns ?? 20
        if !(1...100).contains(maxTurns) { problems.append(ErrorDetail(field: "max_turns", problem: "must be 1 to 100")) }
        var schema: ExtractionSchema?
        do {
            schema = try ExtractionSchema.parse(input.schema)
        } catch let error as BundleError {
            problems += error.details ?? [ErrorDetail(field: "schema", problem: error.message)]
        }
        let items: [JSONValue]
        switch input.phones {
        case .array(let list)?: items = list
        case .string(let text)?: items = text.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == ";" }).map { .string(String($0)) }
        default:
            problems.append(ErrorDetail(field: "phones", problem: "is required: a list of E.164 numbers"))
            items = []
        }
        if items.count > 100_000 { problems.append(ErrorDetail(field: "phones", problem: "at most 100,000 numbers per campaign")) }
        if !problems.isEmpty { throw BundleError.validation(problems) }

        var accepted: [String] = []
        var seen: Set<String> = []
        var rejected: [RejectedPhone] = []
        var duplicates = 0
        for (index, item) in items.enumerated() {
            guard let text = item.stringValue else {
                rejected.append(RejectedPhone(index: index, value: item.jsonText.prefixed(40), problem: "must be a string"))
                continue
            }
            switch PhoneNumber.normalize(text) {
            case .success(let number):
                if seen.insert(number).inserted { accepted.append(number) } else { duplicates += 1 }
            case .failure(let problem):
                rejected.append(RejectedPhone(index: index, value: text.prefixed(40), problem: problem.reason))
            }
        }
        let draft = CampaignDraft(name: name, brief: brief, schema: schema!, phones: accepted, openingMessage: opening?.isEmpty == false ? opening : nil,
                                  maxTurns: maxTurns, idempotencyKey: input.idempotencyKey)
        let (campaign, created) = try CampaignStore(database: try context.database()).create(draft, now: context.clock.now())
        context.logger.info("campaign.created", ["campaign": .number(Double(campaign.id)), "phones": .number(Double(accepted.count)),
                                                 "rejected": .number(Double(rejected.count)), "created": .bool(created)])
        return Output(campaign: campaign, created: created, acceptedPhones: accepted.count, duplicatesRemoved: duplicates, rejectedPhones: rejected)
    }
}

/// `GET /campaigns`: newest first, with their conversation counts.
package struct ListCampaignsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var status: String?
        var limit: Int?
        var offset: Int?
    }

    package struct Output: Codable, Sendable {
        var campaigns: [Campaign]
        var total: Int
        var limit: Int
        var offset: Int
    }

    package static let manifest = FunctionManifest(
        name: "list-campaigns",
        summary: "Lists research campaigns, newest first, with conversation counts per status.",
        routes: [Route("GET", "/campaigns")],
        input: Schema.object([
            "status": Schema.string(enum: Campaign.statuses),
            "limit": Schema.integer("At most this many (default 50)", minimum: 1, maximum: 200),
            "offset": Schema.integer("Skip this many", minimum: 0),
        ], required: []),
        output: Schema.object([
            "campaigns": Schema.array(Campaign.schema), "total": Schema.integer(minimum: 0),
            "limit": Schema.integer(minimum: 1), "offset": Schema.integer(minimum: 0),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let page = try Paging(status: input.status, allowed: Campaign.statuses, limit: input.limit, offset: input.offset)
        let (campaigns, total) = try CampaignStore(database: try context.database()).list(status: input.status, limit: page.limit, offset: page.offset)
        return Output(campaigns: campaigns, total: total, limit: page.limit, offset: page.offset)
    }
}

/// `GET /campaigns/{id}`: one campaign with its numbers, counts per conversation status and
/// completion rate.
package struct GetCampaignHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package static let manifest = FunctionManifest(
        name: "get-campaign",
        summary: "One campaign: brief, schema, numbers, conversation counts per status, completion rate, outreach progress.",
        routes: [Route("GET", "/campaigns/{id:int}")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Campaign.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Campaign {
        guard let campaign = try CampaignStore(database: try context.database()).campaign(input.id, includePhones: true) else {
            throw BundleError(.notFound, "no campaign with id \(input.id)")
        }
        return campaign
    }
}
