import Core
import FoundationEssentials
import Providers
import Runtime
import Store

/// `POST /candidates/{id}/interview`: opens an interview room (Daily, or a Jitsi Meet link),
/// moves the candidate to `briefing`, and returns the room with a briefing for the interviewer.
/// The room's name is stored before the room is made, so a retry or a concurrent call makes
/// or finds the same room; once it has a URL, calls return it without touching the provider.
/// The answer also carries the original's top-level `room_name`, `room_url` and `candidate`.
package struct StartInterviewHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package struct Room: Codable, Sendable, Equatable {
        var provider: String
        var name: String
        var url: String
        var expiresAt: String?

        enum CodingKeys: String, CodingKey {
            case provider, name, url
            case expiresAt = "expires_at"
        }
    }

    package struct Output: Codable, Sendable {
        var candidateID: Int
        var interviewStatus: String
        var room: Room
        var briefing: InterviewBriefing
        var created: Bool
        var roomName: String?
        var roomURL: String?
        var candidate: Candidate?

        enum CodingKeys: String, CodingKey {
            case room, briefing, created, candidate
            case roomName = "room_name"
            case roomURL = "room_url"
            case candidateID = "candidate_id"
            case interviewStatus = "interview_status"
        }
    }

    package static let manifest = FunctionManifest(
        name: "start-interview",
        summary: "Opens an interview room for a candidate (Daily with DAILY_API_KEY, else Jitsi Meet) and returns it with a briefing; idempotent.",
        routes: [Route("POST", "/candidates/{id:int}/interview"),
                 .alias("/api/pluto/candidates/{id:int}/interview", of: Route("POST", "/candidates/{id:int}/interview"))],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Schema.object([
            "candidate_id": Schema.integer(minimum: 1), "interview_status": Schema.string(enum: Candidate.interviewStatuses),
            "room": Schema.object(["provider": Schema.string(enum: ["daily", "jitsi"]), "name": Schema.string(), "url": Schema.string(),
                                   "expires_at": Schema.nullable(Schema.string(format: "date-time"))]),
            "briefing": InterviewBriefing.schema,
            "created": Schema.boolean("false when the room existed already"),
            "room_name": Schema.string("The same as room.name (the original's name)"),
            "room_url": Schema.string("The same as room.url"),
            "candidate": Candidate.schema,
        ]),
        timeoutSeconds: 30
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        var output = try await open(input, context: context)
        output.roomName = output.room.name
        output.roomURL = output.room.url
        output.candidate = try CandidateStore(database: try context.database()).candidate(input.id)
        return output
    }

    private func open(_ input: Input, context: FunctionContext) async throws -> Output {
        let database = try context.database()
        let store = InterviewRoomStore(database: database)
        let now = context.clock.now()
        if var existing = try store.openRoom(input.id, now: now) {
            // The same room; the briefing is rebuilt, since scores may have changed since.
            existing.briefing = try Self.briefing(input.id, database: database)
            return existing
        }
        let provider = try context.rooms()
        let hours = try context.config.double("INTERVIEW_ROOM_TTL_HOURS", default: 168, in: 1...8760)
        let expiresAt = now.addingTimeInterval(hours * 3600)
        let name = try store.claimRoomName(input.id, provider: provider.name, proposed: Self.newRoomName(candidateID: input.id), now: now)
        let url = try await provider.room(named: name, expiresAt: expiresAt, deadline: context.deadline)
        let briefing = try Self.briefing(input.id, database: database)
        let output = try store.saveRoom(input.id, url: url, expiresAt: provider.name == "daily" ? expiresAt : nil, briefing: briefing, now: now)
        context.logger.info("interview.room_created", ["candidate": .number(Double(input.id)), "provider": .string(provider.name),
                                                       "created": .bool(output.created)])
        return output
    }
}

extension StartInterviewHandler {
    /// `interview-<candidate>-<26 random base32 characters>` (130 bits): unguessable, and valid
    /// as a Daily room name and a Jitsi path.
    static func newRoomName(candidateID: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        let random = String((0..<26).map { _ in alphabet[Int(generator.next() % 32)] })
        return "interview-\(candidateID)-\(random)"
    }

    static func briefing(_ id: Int, database: any Database) throws -> InterviewBriefing {
        guard let candidate = try CandidateStore(database: database).candidate(id),
              let role = try RoleStore(database: database).role(candidate.roleID) else {
            throw BundleError(.notFound, "no candidate with id \(id)")
        }
        return InterviewBriefing(candidate: candidate, role: role)
    }
}

/// The interview columns of `candidates`.
struct InterviewRoomStore {
    let database: any Database

    /// The candidate's room, unless it has expired: then it is forgotten so a new one is made.
    func openRoom(_ id: Int, now: Date) throws -> StartInterviewHandler.Output? {
        try database.write { sql in
            guard let row = try sql.queryOne("SELECT * FROM candidates WHERE id = ?", id) else {
                throw BundleError(.notFound, "no candidate with id \(id)")
            }
            if let expires = row.optionalDate("room_expires_at"), expires <= now {
                try sql.execute("""
                    UPDATE candidates SET room_name = NULL, room_url = NULL, room_expires_at = NULL, room_provider = NULL WHERE id = ?
                    """, id)
                return nil
            }
            return try Self.output(row, created: false)
        }
    }

    /// The room name to use: the one a previous attempt stored, or `proposed`.
    func claimRoomName(_ id: Int, provider: String, proposed: String, now: Date) throws -> String {
        try database.write { sql in
            try sql.execute("UPDATE candidates SET room_name = ?, room_provider = ? WHERE id = ? AND room_name IS NULL", proposed, provider, id)
            guard let row = try sql.queryOne("SELECT room_name, room_provider FROM candidates WHERE id = ?", id) else {
                throw BundleError(.notFound, "no candidate with id \(id)")
            }
            if let stored = row.optionalString("room_provider"), stored != provider {
                // The provider changed since an attempt that never got a URL: start afresh.
                try sql.execute("UPDATE candidates SET room_name = ?, room_provider = ? WHERE id = ? AND room_url IS NULL", proposed, provider, id)
                return proposed
            }
            return try row.string("room_name")
        }
    }

    func saveRoom(_ id: Int, url: String, expiresAt: Date?, briefing: InterviewBriefing, now: Date) throws -> StartInterviewHandler.Output {
        try database.write { sql in
            let changed = try sql.execute("""
                UPDATE candidates SET room_url = ?, room_expires_at = ?, briefing = ?,
                    interview_status = CASE WHEN interview_status = 'not_scheduled' THEN 'briefing' ELSE interview_status END, updated_at = ?
                WHERE id = ? AND room_url IS NULL
                """, url, expiresAt, try JSONValue(encoding: briefing), now, id)
            guard let row = try sql.queryOne("SELECT * FROM candidates WHERE id = ?", id), let output = try Self.output(row, created: changed == 1) else {
                throw BundleError(.internal, "the interview room was not stored")
            }
            return output
        }
    }

    static func output(_ row: Row, created: Bool) throws -> StartInterviewHandler.Output? {
        guard let url = row.optionalString("room_url"), let briefing = try row.optionalJSON("briefing") else { return nil }
        let room = StartInterviewHandler.Room(provider: try row.string("room_provider"), name: try row.string("room_name"), url: url,
                                              expiresAt: row.optionalDate("room_expires_at").map { Timestamp.format($0) })
        return StartInterviewHandler.Output(candidateID: try row.int("id"), interviewStatus: try row.string("interview_status"), room: room,
                                            briefing: try briefing.decode(as: InterviewBriefing.self), created: created)
    }
}
