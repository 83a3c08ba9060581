import Core
import FoundationEssentials
import Interviews
import Jobs
import Providers
import Runtime
import Store
import TestSupport
import Testing

/// The Interviews hot paths raced from several connections on PostgreSQL, where each connection is
/// its own server session and `concurrentWrite` takes no global lock: a read-then-write version of
/// any of them fails here (a unique violation, a second claim, a status moved back, a minute over
/// its pace). On SQLite the single writer makes the race moot, so these run on PostgreSQL only.
@Suite(.enabled(if: TestDatabase.dialect == .postgresql)) struct RowLevelInterviewsTests {
    static let migrations = ProvidersSchema.migrations + JobsSchema.migrations + InterviewsSchema.migrations

    func numbers(_ count: Int) -> [String] { (0..<count).map { "+1415555\(String(format: "%04d", 2000 + $0))" } }

    /// Runs `body` on `connections` connections of their own at once, each on a thread of its own
    /// (`Racing`), and returns what each returned, in connection order.
    func race<T: Sendable>(_ path: String, connections: Int = 2,
                           _ body: @escaping @Sendable (_ index: Int, _ database: any Database) throws -> T) async throws -> [T] {
        let databases = try (0..<connections).map { _ in try TestDatabase.open(path, migrations: Self.migrations) }
        return try await Racing.onThreads(connections) { index in try body(index, databases[index]) }
    }

    /// Each webhook sent to two hosts at the same moment: one stored message per `MessageSid`, the
    /// twin answered `duplicate` with the first one's message (never an error, so never a 409), and
    /// the conversation moved once.
    @Test func duplicateMessageSidsRacingStoreOneMessageEach() async throws {
        let harness = try Harness()
        let phones = numbers(20)
        try await harness.launchedCampaign(phones: phones, rate: 100)
        _ = try await harness.sendOutreach(now: "2026-03-02T09:00:30Z", ["OUTREACH_RATE_PER_MINUTE": "100"])
        let now = Timestamp.parse("2026-03-02T09:05:00Z")!
        let sids = 80
        let receptions = try await race(harness.directory.file("bundle.sqlite")) { _, database in
            let reception = InboundReception(database: database)
            return try (0..<sids).map { index in
                // Every tenth is a STOP: its opt-out and goodbye must happen once too.
                let body = index % 10 == 9 ? "STOP" : "Answer \(index)"
                return try reception.receive(InboundMessage(sid: "SM\(index)", from: phones[index % phones.count], to: nil, body: body,
                                                            profileName: "P\(index)"), now: now)
            }
        }
        var firsts = 0
        for index in 0..<sids {
            let pair = [receptions[0][index], receptions[1][index]]
            let duplicates = pair.compactMap { reception -> Int? in
                if case .duplicate(let id, _) = reception { return id }
                return nil
            }
            #expect(duplicates.count == 1, "sid \(index): one of the twins is the duplicate: \(pair)")
            let first = pair.first { if case .duplicate = $0 { false } else { true } }
            let firstID: Int? = switch first {
            case .queued(let id, _)?, .optedOut(let id, _, _)?, .ignored(let id, _, _)?, .optedIn(let id)?: id
            default: nil
            }
            #expect(firstID != nil && duplicates.first == firstID, "sid \(index): the duplicate is answered with the first one's message")
            firsts += firstID == nil ? 0 : 1
        }
        #expect(firsts == sids)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM messages WHERE direction = 'inbound'") == sids)
        #expect(try harness.count("SELECT COUNT(DISTINCT provider_sid) AS n FROM messages WHERE direction = 'inbound'") == sids)
        // STOPs came from two people (indexes 9, 29, 49… and 19, 39, 59… map to two phones): one goodbye each.
        #expect(try harness.count("SELECT COUNT(*) AS n FROM messages WHERE kind = 'goodbye'") == 2)
    }

    /// Two delivery callbacks for each message at the same moment (`delivered` and `read`, as
    /// Twilio sends them close together): the status only moves forward, so every message ends
    /// `read`, and no callback fails.
    @Test func statusCallbacksRacingForOneMessageOnlyMoveItForward() async throws {
        let harness = try Harness()
        let messages = 300
        try harness.database.write { sql in
            for index in 0..<messages {
                try sql.execute("""
                    INSERT INTO messages (direction, kind, body, provider, provider_sid, status, created_at, updated_at)
                    VALUES ('outbound', 'reply', 'hi', 'twilio', ?, 'sent', '2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z')
                    """, "SMout\(index)")
            }
        }
        let statuses = ["delivered", "read"]
        let now = Timestamp.parse("2026-03-02T09:01:00Z")!
        let updated = try await race(harness.directory.file("bundle.sqlite")) { connection, database in
            try (0..<messages).reduce(0) { count, index in
                let output = try JSONValue(encoding: try MessageStatusHandler.apply(DeliveryStatus(status: statuses[connection]), sid: "SMout\(index)",
                                                                                    database: database, now: now))
                return count + (output["message_id"]?.intValue == nil ? 0 : 1)
            }
        }
        #expect(updated == [messages, messages], "every callback found its message")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM messages WHERE status = 'read'") == messages)
    }

    /// Three outreach runs (three hosts) claiming at once, minute after minute: no minute carries
    /// more claims than the rate, every minute gets exactly the rate (nothing lost to the race),
    /// and no opening is claimed twice.
    @Test func outreachClaimsRacingNeverExceedThePaceNorTakeAnOpeningTwice() async throws {
        let harness = try Harness()
        let rate = 4, minutes = 6, phones = 40
        try await harness.launchedCampaign(phones: numbers(phones), rate: rate)
        let path = harness.directory.file("bundle.sqlite")
        var claimed: [Int] = []
        for minute in 0..<minutes {
            let now = Timestamp.parse("2026-03-02T09:0\(minute):10Z")!
            let claims = try await race(path, connections: 3) { _, database in
                // Leases longer than the test's minutes, so no claim expires and is taken again.
                let sender = OutreachSender(database: database, messenger: OutboxMessenger(),
                                            llm: { throw BundleError(.internal, "no model in this test") },
                                            settings: try OutreachSettings(config: Config(["OUTREACH_RATE_PER_MINUTE": String(rate)])),
                                            clock: BundleClock(frozenAt: now), logger: .discarding, deadline: Deadline(seconds: 900))
                return try sender.claim(now: now).claims.map(\.queueID)
            }
            #expect(claims.map(\.count).reduce(0, +) == rate, "minute \(minute): \(claims)")
            claimed += claims.flatMap { $0 }
        }
        #expect(claimed.count == rate * minutes)
        #expect(Set(claimed).count == claimed.count, "no opening was claimed twice")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM outreach_queue WHERE status = 'sending' AND attempts = 1") == rate * minutes)
    }

    /// The same idempotency keys sent to two hosts at once: one campaign per key, both callers get it.
    @Test func theSameCampaignKeysFromTwoConnectionsMakeOneCampaignEach() async throws {
        let harness = try Harness()
        let keys = 40
        let schema = try Harness.gasStation.decode(as: ExtractionSchema.self)
        let ids = try await race(harness.directory.file("bundle.sqlite")) { _, database in
            let store = CampaignStore(database: database)
            return try (0..<keys).map { index in
                let draft = CampaignDraft(name: "Campaign \(index)", brief: "Learn how drivers choose where to fill up.", schema: schema,
                                          phones: ["+14155552671"], openingMessage: nil, maxTurns: 8, idempotencyKey: "key-\(index)")
                return try store.create(draft, now: Timestamp.parse("2026-03-02T09:00:00Z")!).campaign.id
            }
        }
        #expect(ids[0] == ids[1], "both callers of a key got the same campaign")
        #expect(Set(ids[0]).count == keys)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM campaigns") == keys)
    }
}
