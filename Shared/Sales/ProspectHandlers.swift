import Core
import Runtime

/// `POST /api/v1/prospects` (201): one prospect, its company found or created by name key; a
/// LinkedIn URL already stored is a conflict naming that prospect.
package struct CreateProspectHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var linkedinURL: String
        var fullName: String
        var title: String
        var companyName: String
        var companySize: String?
        var industry: String?
        var location: String?
        var email: String?
        var phone: String?
        var status: String?

        enum CodingKeys: String, CodingKey {
            case title, industry, location, email, phone, status
            case linkedinURL = "linkedin_url"
            case fullName = "full_name"
            case companyName = "company_name"
            case companySize = "company_size"
        }
    }

    package static let manifest = FunctionManifest(
        name: "create-prospect",
        summary: "Creates a prospect (LinkedIn URL normalised, company found or created by its normalised name); a known LinkedIn URL is a conflict.",
        routes: [Route("POST", "/api/v1/prospects")],
        successStatus: 201,
        input: Schema.object([
            "linkedin_url": Schema.string("Any spelling of the member profile URL", minLength: 1, maxLength: ProspectFields.maxLength),
            "full_name": Schema.string(minLength: 1, maxLength: ProspectFields.maxLength),
            "title": Schema.string(minLength: 1, maxLength: ProspectFields.maxLength),
            "company_name": Schema.string(minLength: 1, maxLength: ProspectFields.maxLength),
            "company_size": Schema.nullable(Schema.string(maxLength: ProspectFields.maxLength)),
            "industry": Schema.nullable(Schema.string(maxLength: ProspectFields.maxLength)),
            "location": Schema.nullable(Schema.string(maxLength: ProspectFields.maxLength)),
            "email": Schema.nullable(Schema.string(maxLength: ProspectFields.maxLength)),
            "phone": Schema.nullable(Schema.string(maxLength: ProspectFields.maxLength)),
            "status": Schema.string("Default: new", enum: Prospect.statuses),
        ], required: ["linkedin_url", "full_name", "title", "company_name"]),
        output: Prospect.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Prospect {
        let raw = ProspectFields.Raw(linkedinURL: input.linkedinURL, fullName: input.fullName, title: input.title, companyName: input.companyName,
                                     companySize: input.companySize, industry: input.industry, location: input.location,
                                     email: input.email, phone: input.phone, status: input.status)
        let fields: ProspectFields
        switch ProspectFields.check(raw) {
        case .success(let checked): fields = checked
        case .failure(let problems): throw BundleError.validation(problems.details)
        }
        let prospect = try ProspectStore(database: try context.database()).create(fields, now: context.clock.now())
        context.logger.info("prospect.created", ["prospect": .number(Double(prospect.id)), "company": .number(Double(prospect.companyID ?? 0))])
        return prospect
    }
}

/// `GET /api/v1/prospects`: newest first, paged, filtered by status, industry, company (any
/// spelling of its name) and words (`q`).
package struct ListProspectsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var status: String?
        var industry: String?
        var company: String?
        var q: String?
        var limit: Int?
        var offset: Int?
    }

    package struct Output: Codable, Sendable {
        var prospects: [Prospect]
        var total: Int
        var limit: Int
        var offset: Int
    }

    package static let manifest = FunctionManifest(
        name: "list-prospects",
        summary: "Prospects, newest first, with their companies; filters: status, industry, company (any spelling), q (words).",
        routes: [Route("GET", "/api/v1/prospects")],
        input: Schema.object([
            "status": Schema.string(enum: Prospect.statuses), "industry": Schema.string(maxLength: 200),
            "company": Schema.string("Any spelling of the company's name (\"ACME Corp.\" finds Acme Corporation)", maxLength: 200),
            "q": Schema.string("Words in the name, title, company or email", maxLength: 200),
            "limit": Schema.integer("At most this many (default 50)", minimum: 1, maximum: 200),
            "offset": Schema.integer("Skip this many", minimum: 0),
        ], required: []),
        output: Schema.object([
            "prospects": Schema.array(Prospect.schema), "total": Schema.integer(minimum: 0),
            "limit": Schema.integer(minimum: 1), "offset": Schema.integer(minimum: 0),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let page = try Paging(status: input.status, allowed: Prospect.statuses, limit: input.limit, offset: input.offset)
        let filter = ProspectStore.Filter(status: input.status, industry: input.industry, company: input.company, query: input.q)
        let (prospects, total) = try ProspectStore(database: try context.database()).list(filter, limit: page.limit, offset: page.offset)
        return Output(prospects: prospects, total: total, limit: page.limit, offset: page.offset)
    }
}

/// `GET /api/v1/prospects/{id}`: one prospect with its company.
package struct GetProspectHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package static let manifest = FunctionManifest(
        name: "get-prospect",
        summary: "One prospect with its company.",
        routes: [Route("GET", "/api/v1/prospects/{id:int}")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Prospect.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Prospect {
        guard let prospect = try ProspectStore(database: try context.database()).prospect(input.id) else {
            throw BundleError(.notFound, "no prospect with id \(input.id)")
        }
        return prospect
    }
}

/// `PATCH /api/v1/prospects/{id}`: edits the person's fields (see `ProspectEdit`).
package struct UpdateProspectHandler: FunctionHandler {
    package static let manifest = FunctionManifest(
        name: "update-prospect",
        summary: "Edits a prospect; unknown and computed fields are refused by name, a new company name re-links the company.",
        routes: [Route("PATCH", "/api/v1/prospects/{id:int}")],
        input: ProspectEdit.schema,
        output: Prospect.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: JSONValue, context: FunctionContext) async throws -> Prospect {
        guard let id = input["id"]?.intValue, id >= 1 else { throw BundleError.validation(field: "id", "is required: the prospect's id") }
        let edit = try ProspectEdit(input)
        let prospect = try ProspectStore(database: try context.database()).edit(id, edit, now: context.clock.now())
        context.logger.info("prospect.updated", ["prospect": .number(Double(id)), "fields": .array(edit.fields.map(JSONValue.string))])
        return prospect
    }
}
