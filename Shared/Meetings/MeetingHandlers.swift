import Core
import Runtime

/// `GET /meetings`: newest start first, by status, paged with `limit` and `offset`.
package struct ListMeetingsHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var status: String?
        var limit: Int?
        var offset: Int?
    }

    package struct Output: Codable, Sendable {
        var meetings: [Meeting]
        var total: Int
        var limit: Int
        var offset: Int
    }

    package static let manifest = FunctionManifest(
        name: "list-meetings",
        summary: "Lists meetings, newest start first, optionally by status.",
        routes: [Route("GET", "/meetings")],
        input: Schema.object([
            "status": Schema.string(enum: Meeting.statuses),
            "limit": Schema.integer("At most this many (default 50)", minimum: 1, maximum: 200),
            "offset": Schema.integer("Skip this many", minimum: 0),
        ], required: []),
        output: Schema.object([
            "meetings": Schema.array(Meeting.schema), "total": Schema.integer(minimum: 0),
            "limit": Schema.integer(minimum: 1), "offset": Schema.integer(minimum: 0),
        ]),
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let page = try Paging(status: input.status, allowed: Meeting.statuses, limit: input.limit, offset: input.offset)
        let (meetings, total) = try MeetingStore(database: try context.database()).list(status: input.status, limit: page.limit, offset: page.offset)
        return Output(meetings: meetings, total: total, limit: page.limit, offset: page.offset)
    }
}

/// `GET /meetings/{id}`: everything known about one meeting.
package struct GetMeetingHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package static let manifest = FunctionManifest(
        name: "get-meeting",
        summary: "One meeting: calendar facts, company and role, pipeline status, enrichment, insights, drafts, feedback.",
        routes: [Route("GET", "/meetings/{id:int}")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Meeting.schema,
        timeoutSeconds: 10
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Meeting {
        guard let meeting = try MeetingStore(database: try context.database()).meeting(input.id) else {
            throw BundleError(.notFound, "no meeting with id \(input.id)")
        }
        return meeting
    }
}
