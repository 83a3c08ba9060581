import Core
import Runtime
import Store

/// `POST /api/v1/events` (201): an event prospects can be matched to and invited to, with the
/// original system's field names.
package struct CreateEventHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var title: String
        var description: String
        var eventType: String
        var eventDate: String
        var location: String?
        var targetIndustries: JSONValue?
        var targetRoles: JSONValue?
        var featuredSolutions: JSONValue?

        enum CodingKeys: String, CodingKey {
            case title, description, location
            case eventType = "event_type"
            case eventDate = "event_date"
            case targetIndustries = "target_industries"
            case targetRoles = "target_roles"
            case featuredSolutions = "aws_solutions_featured"
        }
    }

    package static let manifest = FunctionManifest(
        name: "create-event",
        summary: "Creates an event (title, description, type, date, target industries and roles, featured AWS solutions).",
        routes: [Route("POST", "/api/v1/events")],
        successStatus: 201,
        input: Schema.object([
            "title": Schema.string(minLength: 1, maxLength: 300),
            "description": Schema.string(minLength: 1, maxLength: 10_000),
            "event_type": Schema.string("summit, workshop, webinar, …", minLength: 1, maxLength: 100),
            "event_date": Schema.string("An ISO date (2026-05-14) or date-time (2026-05-14T09:00:00Z)", minLength: 1, maxLength: 40),
            "location": Schema.nullable(Schema.string(maxLength: 300)),
            "target_industries": Schema.listOrText("Industries it is for (matched without case); a list or one text split on ; | , or lines", nullable: true),
            "target_roles": Schema.listOrText("Role keywords matched in prospects' titles (\"CTO\", \"VP Engineering\")", nullable: true),
            "aws_solutions_featured": Schema.listOrText("The AWS solutions it features", nullable: true),
        ], required: ["title", "description", "event_type", "event_date"]),
        output: SalesEvent.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> SalesEvent {
        let fields = try EventFields(title: input.title, description: input.description, eventType: input.eventType, eventDate: input.eventDate,
                                     location: input.location, targetIndustries: input.targetIndustries, targetRoles: input.targetRoles,
                                     featuredSolutions: input.featuredSolutions)
        let event = try EventStore(database: try context.database()).create(fields, now: context.clock.now())
        context.logger.info("event.created", ["event": .number(Double(event.id))])
        return event
    }
}

/// `GET /api/v1/events`: upcoming events (from today, UTC) soonest first by default; `when=past`
/// latest first, `when=all` by date; paged.
package struct ListEventsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var when: String?
        var limit: Int?
        var offset: Int?
    }

    package struct Output: Codable, Sendable {
        var events: [SalesEvent]
        var when: String
        var total: Int
        var limit: Int
        var offset: Int
    }

    package static let manifest = FunctionManifest(
        name: "list-events",
        summary: "Events: upcoming (default, soonest first), past (latest first) or all; paged.",
        routes: [Route("GET", "/api/v1/events")],
        input: Schema.object([
            "when": Schema.string("upcoming (from today, UTC; the default), past or all", enum: EventStore.When.allCases.map(\.rawValue)),
            "limit": Schema.integer("At most this many (default 50)", minimum: 1, maximum: 200),
            "offset": Schema.integer("Skip this many", minimum: 0),
        ], required: []),
        output: Schema.object([
            "events": Schema.array(SalesEvent.schema), "when": Schema.string(enum: EventStore.When.allCases.map(\.rawValue)),
            "total": Schema.integer(minimum: 0), "limit": Schema.integer(minimum: 1), "offset": Schema.integer(minimum: 0),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let page = try Paging(status: input.when, allowed: EventStore.When.allCases.map(\.rawValue), limit: input.limit, offset: input.offset,
                              field: "when")
        let when = input.when.flatMap(EventStore.When.init(rawValue:)) ?? .upcoming
        let (events, total) = try EventStore(database: try context.database())
            .list(when, today: Timestamp.formatDay(context.clock.now()), limit: page.limit, offset: page.offset)
        return Output(events: events, when: when.rawValue, total: total, limit: page.limit, offset: page.offset)
    }
}

/// `GET /api/v1/events/{id}`: one event.
package struct GetEventHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package static let manifest = FunctionManifest(
        name: "get-event",
        summary: "One event.",
        routes: [Route("GET", "/api/v1/events/{id:int}")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: SalesEvent.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> SalesEvent {
        try SalesEvent.require(input.id, database: try context.database())
    }
}

extension SalesEvent {
    /// The event, or `not_found` naming it.
    package static func require(_ id: Int, database: any Database) throws -> SalesEvent {
        guard let event = try database.read({ sql in try load(id, sql: sql) }) else { throw BundleError(.notFound, "no event with id \(id)") }
        return event
    }
}
