import Core
import FoundationEssentials
import Providers
import Retrieval
import Store

/// A prospect's latest succeeded research as matching reads it: the summary, the pains and the
/// recommended solutions (what the event is compared with, and what scoring is told).
package struct ResearchDigest: Codable, Sendable, Equatable {
    package var summary: String
    package var painPoints: [String]
    package var solutions: [String]

    enum CodingKeys: String, CodingKey {
        case summary, solutions
        case painPoints = "pain_points"
    }

    /// The text its vector is made from (its hash decides whether it is embedded again).
    package var text: String {
        String((["Research: " + summary] + painPoints.map { "Pain: " + $0 } + solutions.map { "Solution: " + $0 }).joined(separator: "\n").prefix(4000))
    }

    /// From a stored research result (`ResearchFindings` JSON); nil when it holds nothing usable.
    init?(result: JSONValue?) {
        guard let result else { return nil }
        summary = String((result["research_summary"]?.stringValue ?? "").prefix(1500))
        painPoints = Array((result["pain_points"]?.arrayValue ?? []).compactMap { $0["pain"]?.stringValue }.prefix(8))
        solutions = Array((result["recommended_solutions"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }.prefix(10))
        if summary.isEmpty && painPoints.isEmpty && solutions.isEmpty { return nil }
    }
}

/// One prospect `find_candidates` kept, with its similarity to the event (0 without research).
package struct EventCandidate: Codable, Sendable, Equatable {
    package var prospectID: Int
    package var fullName: String
    package var title: String
    package var companyName: String
    package var industry: String?
    package var status: String
    package var similarity: Double
    package var research: ResearchDigest?
    /// Whether the prospect's latest research run succeeded (what outreach requires); nil in
    /// pools recorded before this was kept, where having a digest stands for it.
    package var researchSucceeded: Bool?

    /// What outreach without `allow_without_research` needs: the latest research run succeeded.
    package var hasSucceededResearch: Bool { researchSucceeded ?? (research != nil) }

    enum CodingKeys: String, CodingKey {
        case title, industry, status, similarity, research
        case researchSucceeded = "research_succeeded"
        case prospectID = "prospect_id"
        case fullName = "full_name"
        case companyName = "company_name"
    }
}

/// `find_candidates`' output: the event, how many prospects passed the filters, how many vectors
/// this run had to make, and the candidates best first.
package struct CandidatePool: Codable, Sendable, Equatable {
    package var event: SalesEvent
    package var considered: Int
    package var withResearch: Int
    package var embedded: Int
    package var embedder: String
    /// Why candidates are not ordered by similarity (the embedder failed); nil when they are.
    package var similarityUnavailable: String?
    package var candidates: [EventCandidate]

    enum CodingKeys: String, CodingKey {
        case event, considered, embedded, embedder, candidates
        case withResearch = "with_research"
        case similarityUnavailable = "similarity_unavailable"
    }
}

/// Finds an event's candidates: the prospects that pass the audience filters in SQL, ranked by
/// the similarity of their latest research to the event's text (vectors in `retrieval_vectors`:
/// research under `sales.event_research`, events under `sales.events`, each keyed by its text's
/// hash so unchanged text is never embedded again; what is stale is embedded in batches, the
/// event's text with the first), then the ones without research by id, at most `limit`. Every
/// filtered prospect is ranked: the filtered prospects are read a page at a time to embed what
/// is stale, the vector search takes the same filter, and only the top rows are loaded after.
package struct EventCandidateFinder: Sendable {
    package static let researchCollection = "sales.event_research"
    package static let eventCollection = "sales.events"
    /// Filtered prospects are read this many at a time (each brings its research result) while
    /// their vectors are brought up to date, so memory stays bounded however many pass.
    static let pageSize = 500
    static let batchSize = 64

    let database: any Database
    let embedder: any Embedder
    let deadline: Deadline
    let clock: BundleClock

    package init(database: any Database, embedder: any Embedder, deadline: Deadline, clock: BundleClock) {
        self.database = database
        self.embedder = embedder
        self.deadline = deadline
        self.clock = clock
    }

    /// Filtered prospects with their research, by id: `extra` narrows them, at most `limit`.
    func load(_ filter: SQLFilter, extra: SQLFilter, limit: Int) throws -> [EventCandidate] {
        try database.read { sql in
            try sql.query("""
                SELECT p.id, p.full_name, p.title, p.company_name, p.industry, p.status,
                       (SELECT r.result FROM workflow_runs r WHERE r.workflow = ? AND r.subject = 'prospect:' || p.id
                          AND r.status = 'succeeded' ORDER BY r.id DESC LIMIT 1) AS research,
                       (SELECT r.status FROM workflow_runs r WHERE r.workflow = ? AND r.subject = 'prospect:' || p.id
                          ORDER BY r.id DESC LIMIT 1) AS research_status
                FROM sales_prospects p WHERE \(filter.sql) AND \(extra.sql) ORDER BY p.id LIMIT ?
                """, [ResearchWorkflow.name, ResearchWorkflow.name] + filter.arguments + extra.arguments + [limit]).map { row in
                EventCandidate(prospectID: try row.int("id"), fullName: try row.string("full_name"), title: try row.string("title"),
                               companyName: try row.string("company_name"), industry: row.optionalString("industry"),
                               status: try row.string("status"), similarity: 0,
                               research: ResearchDigest(result: try row.optionalJSON("research")),
                               researchSucceeded: row.optionalString("research_status") == "succeeded")
            }
        }
    }

    static func ids(_ ids: [Int], in column: String, not: Bool = false) -> SQLFilter {
        ids.isEmpty ? SQLFilter(not ? "1 = 1" : "1 = 0")
            : SQLFilter("\(column) \(not ? "NOT IN" : "IN") (\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))", ids)
    }

    package func find(event: SalesEvent, limit: Int) async throws -> CandidatePool {
        let filter = try database.read { sql in try EventAudience(event: event).sqlFilter(in: sql) }
        let research = VectorIndex(database: database, collection: Self.researchCollection)
        let events = VectorIndex(database: database, collection: Self.eventCollection)
        let eventItem = VectorIndex.Item(id: event.id, text: Self.eventText(event))
        var eventStale = try !events.stale([eventItem], model: embedder.model).isEmpty
        var (considered, withResearch, embedded) = (0, 0, 0)
        var failure: EmbedderFailure?
        var after = 0
        while true {
            let page = try load(filter, extra: SQLFilter("p.id > ?", [after]), limit: Self.pageSize)
            guard let last = page.last else { break }
            after = last.prospectID
            considered += page.count
            let items = page.compactMap { candidate in candidate.research.map { VectorIndex.Item(id: candidate.prospectID, text: $0.text) } }
            withResearch += items.count
            guard failure == nil else { continue }
            do {
                embedded += try await embed(eventStale ? eventItem : nil, try research.stale(items, model: embedder.model),
                                            events: events, research: research)
                eventStale = false
            } catch let error as EmbedderFailure {
                // Similarity only orders the candidates: without the embedder they come in id order,
                // and the pool says why, rather than the match failing (storage errors still throw).
                failure = EmbedderFailure(error: error.error, embedded: embedded + error.embedded)
            }
        }
        if eventStale && failure == nil { embedded += try await embed(eventItem, [], events: events, research: research) }
        var hits: [VectorIndex.Hit] = []
        if failure == nil {
            let eventVector = try database.read { sql in
                try sql.queryOne("SELECT vector FROM retrieval_vectors WHERE collection = ? AND item_id = ? AND model = ?",
                                 Self.eventCollection, event.id, embedder.model).flatMap { row -> [Float]? in
                    guard case .blob(let bytes) = row["vector"] else { return nil }
                    return bytes.withUnsafeBytes { VectorMath.vector($0) }
                }
            } ?? []
            hits = try research.search(eventVector, model: embedder.model,
                                       filter: SQLFilter("item_id IN (SELECT p.id FROM sales_prospects p WHERE \(filter.sql))", filter.arguments),
                                       limit: limit)
        }
        // Only the top rows are loaded: the hits, then researched prospects the search did not
        // reach (no vector of this model), then those without research, by id.
        let hitRows = Dictionary(try load(filter, extra: Self.ids(hits.map(\.id), in: "p.id"), limit: max(1, hits.count)).map { ($0.prospectID, $0) },
                                 uniquingKeysWith: { first, _ in first })
        var candidates: [EventCandidate] = []
        for hit in hits {
            guard var candidate = hitRows[hit.id], candidate.research != nil else { continue }
            candidate.similarity = (hit.similarity * 10_000).rounded() / 10_000
            candidates.append(candidate)
        }
        let researched = "EXISTS (SELECT 1 FROM workflow_runs r WHERE r.workflow = ? AND r.subject = 'prospect:' || p.id AND r.status = 'succeeded')"
        for without in [false, true] where candidates.count < limit {
            let taken = Self.ids(candidates.map(\.prospectID), in: "p.id", not: true)
            let extra = SQLFilter("\(without ? "NOT " : "")\(researched) AND \(taken.sql)", [ResearchWorkflow.name] + taken.arguments)
            candidates += try load(filter, extra: extra, limit: limit - candidates.count)
        }
        return CandidatePool(event: event, considered: considered, withResearch: withResearch, embedded: failure?.embedded ?? embedded,
                             embedder: "\(embedder.provider)/\(embedder.model)",
                             similarityUnavailable: failure.map { "\($0.error.code.rawValue): \(String($0.error.message.prefix(300)))" },
                             candidates: candidates)
    }

    /// The embedder failed (not the store): what it said and how many vectors were stored before.
    struct EmbedderFailure: Error {
        var error: BundleError
        var embedded: Int
    }

    /// Embeds the stale texts in batches (the event's, when stale, with the first) and stores
    /// each batch's vectors; returns how many were made.
    func embed(_ eventItem: VectorIndex.Item?, _ staleResearch: [VectorIndex.Item], events: VectorIndex, research: VectorIndex) async throws -> Int {
        var embedded = 0
        if eventItem != nil || !staleResearch.isEmpty {
            // The event's text rides with the first batch: no call of its own.
            var queue = (eventItem.map { [($0, true)] } ?? []) + staleResearch.map { ($0, false) }
            while !queue.isEmpty {
                let batch = Array(queue.prefix(Self.batchSize))
                queue.removeFirst(batch.count)
                let vectors: [[Float]]
                do {
                    vectors = try await embedder.embed(batch.map(\.0.text), deadline: deadline)
                    guard vectors.count == batch.count else {
                        throw BundleError(.upstreamFailed, "the embedder returned \(vectors.count) vectors for \(batch.count) texts")
                    }
                } catch {
                    throw EmbedderFailure(error: BundleError.converting(error, otherwise: BundleError(.upstreamFailed, "the embedder failed")),
                                          embedded: embedded)
                }
                let now = clock.now()
                try database.write { sql in
                    let pairs = zip(batch, vectors)
                    try events.store(pairs.filter { $0.0.1 }.map { (item: $0.0.0, vector: $0.1) }, model: embedder.model, now: now, in: sql)
                    try research.store(pairs.filter { !$0.0.1 }.map { (item: $0.0.0, vector: $0.1) }, model: embedder.model, now: now, in: sql)
                }
                embedded += batch.count
            }
        }
        return embedded
    }

    /// What the event's vector is made from.
    static func eventText(_ event: SalesEvent) -> String {
        var lines = [event.title, event.eventType, event.description]
        if !event.targetIndustries.isEmpty { lines.append("Industries: " + event.targetIndustries.joined(separator: ", ")) }
        if !event.targetRoles.isEmpty { lines.append("Roles: " + event.targetRoles.joined(separator: ", ")) }
        if !event.featuredSolutions.isEmpty { lines.append("Solutions: " + event.featuredSolutions.joined(separator: ", ")) }
        return String(lines.joined(separator: "\n").prefix(4000))
    }
}
