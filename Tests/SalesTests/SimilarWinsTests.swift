import Core
import Foundation
import Jobs
import Providers
import Retrieval
import Runtime
import Sales
import Store
import TestSupport
import Testing

/// Similar-wins search over stored communications: by words and by meaning (the offline
/// embedder), losses never returned, one hit per communication; a failed embedding keeps the
/// communications searchable by words and the job fills the vectors in later.
@Suite struct SimilarWinsTests {
    let harness: CommunicationHarness

    init() throws { harness = try CommunicationHarness() }

    func add(_ subject: String, _ content: String, outcome: String, embedder: any Embedder = OfflineEmbedder()) async throws -> (id: Int, output: JSONValue) {
        let output = try await harness.run(CreateCommunicationHandler(), ["company_name": "Acme", "subject": .string(subject), "content": .string(content),
                                                                        "outcome": .string(outcome)], embedder: embedder)
        return (try #require(output["communication"]?["id"]?.intValue), output)
    }

    func search(_ text: String, embedder: any Embedder = OfflineEmbedder()) async throws -> [PastWin] {
        try await harness.context(embedder).similarWinsSearching().similarWins(to: text, limit: 5, deadline: Deadline(seconds: 30))
    }

    @Test func winsAreFoundByWordsAndByMeaningAndLossesNever() async throws {
        let won = try await add("Warehouse automation pilot", "Their warehouse robots now pick orders overnight; the pilot cut picking errors in half.",
                                outcome: "closed won")
        let lost = try await add("Warehouse automation pitch", "We pitched warehouse robots to pick orders overnight, same as the pilot elsewhere.",
                                 outcome: "closed lost")
        let other = try await add("Payroll outsourcing", "Payroll runs for 40 countries, handled by our partner.", outcome: "meeting booked")
        _ = lost

        let byWords = try await search("warehouse robots")
        #expect(byWords.map(\.communicationID) == [won.id], "the loss says the same words but is never a past win")
        #expect(byWords.first?.foundBy.contains("full_text") == true)
        #expect(byWords.first?.outcome == "closed won")
        #expect(byWords.first?.companyName == "Acme")

        // The offline embedder's vectors agree (its n-grams overlap the words), so both lists found it.
        #expect(byWords.first?.foundBy == ["full_text", "vector"])

        #expect(try await search("payroll").map(\.communicationID) == [other.id])
        #expect(try await search("quantum chromodynamics lattice").isEmpty, "nothing similar was won")
    }

    /// By meaning alone: no word of the query is in any communication, only an embedder that
    /// knows "relational" is about databases (a stand-in for a real model) can find it. The offline
    /// embedder's n-grams never reach the floor without shared words, so it cannot show this.
    @Test func aWinIsFoundByMeaningWithNoWordInCommon() async throws {
        let embedder = ConceptEmbedder()
        let won = try await add("Migration done", "Moved all their databases to the managed service in a weekend.", outcome: "won", embedder: embedder)
        let lost = try await add("Migration refused", "They kept their databases on premises.", outcome: "lost", embedder: embedder)
        let hits = try await search("relational engine upgrade", embedder: embedder)
        #expect(hits.map(\.communicationID) == [won.id])
        #expect(hits.first?.foundBy == ["vector"])
        #expect(!hits.map(\.communicationID).contains(lost.id))
        #expect(try await search("speech narration aloud", embedder: embedder).isEmpty, "a concept nothing won is about")
    }

    @Test func aLongCommunicationIsOneHitWithTheMatchingChunk() async throws {
        let filler = (1...40).map { "Paragraph \($0) is about routine status updates and scheduling of the quarterly meeting." }.joined(separator: "\n")
        let long = try await add("Long thread", filler + "\nThe decisive point was the cold-chain temperature monitoring for vaccines.\n" + filler
                                 + "\nCold-chain monitoring came up again in the contract.", outcome: "won")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_communication_chunks WHERE communication_id = ?", long.id) > 3)
        let hits = try await search("cold-chain temperature monitoring")
        #expect(hits.count == 1)
        #expect(hits.first?.excerpt.lowercased().contains("cold-chain") == true, "a chunk that matched: \(hits.first?.excerpt ?? "")")
    }

    @Test func aFailedEmbeddingKeepsWordsSearchableAndTheJobFillsTheVectors() async throws {
        let stored = try await add("Fleet telematics", "Fleet telematics rollout across 300 trucks.", outcome: "won", embedder: FailingEmbedder())
        let embedding = stored.output["embedding"]
        #expect(embedding?["status"] == "pending")
        #expect(embedding?["message"]?.stringValue?.contains("searchable by words") == true)
        let jobID = try #require(embedding?["job_id"]?.intValue)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM retrieval_vectors") == 0)
        #expect(try await search("telematics", embedder: FailingEmbedder()).map(\.communicationID) == [stored.id], "by words while vectors are missing")

        // A second failure reuses the queued job.
        let second = try await add("Fleet fuel cards", "Fuel cards for the same fleet.", outcome: "won", embedder: FailingEmbedder())
        #expect(second.output["embedding"]?["job_id"]?.intValue == jobID)
        let job = try #require(try JobQueue(database: harness.database).job(jobID))
        #expect(job.function == "reembed-communications")

        let run = try await harness.run(ReembedCommunicationsHandler(), [:])
        #expect(run["embedded"] == 2)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM retrieval_vectors WHERE collection = ?", CommunicationVectors.collection) == 2)
        #expect(try await harness.run(ReembedCommunicationsHandler(), [:])["embedded"] == 0, "a retry embeds only what is missing")
        let byMeaning = try await search("telematic trucking fleets")
        #expect(byMeaning.contains { $0.communicationID == stored.id && $0.foundBy.contains("vector") })
    }

    /// Any failure after the rows are committed (here: storing vectors, then queueing the job)
    /// answers `pending`, never an error a client would retry into a second copy; a retried
    /// upload reports that upload's real missing vectors, not `complete`.
    @Test func failuresAfterTheCommitAnswerPendingAndADuplicateUploadReportsItsMissingVectors() async throws {
        try harness.database.write { try FailingTrigger.create($0, "no_vectors", before: "INSERT", on: "retrieval_vectors", message: "vector store down") }
        let stored = try await add("Route planning", "Route planning for 80 vans.", outcome: "won")
        #expect(stored.output["embedding"]?["status"] == "pending")
        #expect(stored.output["embedding"]?["pending"] == 1)
        #expect(stored.output["embedding"]?["job_id"]?.intValue != nil)
        #expect(stored.output["embedding"]?["message"]?.stringValue?.contains("vector store down") == true)

        try harness.database.write { try FailingTrigger.create($0, "no_jobs", before: "INSERT", on: "jobs", message: "queue down") }
        try harness.database.write { try $0.execute("DELETE FROM jobs") }
        let unqueued = try await add("Depot scheduling", "Depot scheduling for the vans.", outcome: "won")
        #expect(unqueued.output["embedding"]?["status"] == "pending")
        #expect(unqueued.output["embedding"]?["job_id"] == .null)
        #expect(unqueued.output["embedding"]?["message"]?.stringValue?.contains("could not be queued") == true)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_communications") == 2, "each stored once, nothing thrown after the commit")

        let notes = Array(("Fleet notes\n" + String(repeating: "Telematics rollout line.\n", count: 100)).utf8)
        let first = try await harness.upload(notes, name: "fleet.txt", ["company_name": "Acme", "outcome": "won"])
        #expect(first["embedding"]?["status"] == "pending")
        let chunks = try harness.count("SELECT COUNT(*) AS n FROM sales_communication_chunks c JOIN sales_communications m ON m.id = c.communication_id WHERE m.upload_id = ?",
                                       try #require(first["upload_id"]?.intValue))
        #expect(chunks > 1)
        let retried = try await harness.upload(notes, name: "fleet.txt", ["company_name": "Acme", "outcome": "won"])
        #expect(retried["duplicate"] == true)
        #expect(retried["embedding"]?["status"] == "pending")
        #expect(retried["embedding"]?["pending"]?.intValue == chunks, "the upload's own missing vectors")

        try harness.database.write { try FailingTrigger.drop($0, "no_vectors", on: "retrieval_vectors"); try FailingTrigger.drop($0, "no_jobs", on: "jobs") }
        let healed = try await harness.upload(notes, name: "fleet.txt", ["company_name": "Acme", "outcome": "won"])
        #expect(healed["duplicate"] == true)
        #expect(healed["embedding"]?["status"] == "complete")
        #expect(healed["embedding"]?["embedded"]?.intValue == chunks, "the retry filled them in")
        let again = try await harness.upload(notes, name: "fleet.txt", ["company_name": "Acme", "outcome": "won"])
        #expect(again["embedding"] == ["status": "complete", "embedded": 0, "pending": 0, "job_id": .null, "message": .null])
    }

    @Test func aModelChangeQueuesTheJobAndSearchAnswersByWordsMeanwhile() async throws {
        let stored = try await add("Customs automation", "Automated customs filings for the EU lanes.", outcome: "won", embedder: ConceptEmbedder())
        #expect(try harness.count("SELECT COUNT(*) AS n FROM jobs") == 0)
        let hits = try await search("customs filings")
        #expect(hits.map(\.communicationID) == [stored.id])
        #expect(hits.first?.foundBy == ["full_text"], "no vector of the offline model yet")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM jobs WHERE function = ?", "reembed-communications") == 1)
        _ = try await search("customs filings")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM jobs") == 1, "the active job is reused")
        // A job that died (chunks that can never be embedded) is not queued again by every search.
        try harness.database.write { try $0.execute("UPDATE jobs SET status = 'dead'") }
        _ = try await search("customs filings")
        _ = try await search("customs filings")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM jobs") == 1, "at most one job an hour")
    }

    @Test func chunksFollowLinesAndCutOverlongOnesAtSpaces() {
        #expect(CommunicationChunks.split("  \n\n ") == [])
        #expect(CommunicationChunks.split("one\ntwo") == ["one\ntwo"])
        let lines = (1...30).map { "Line \($0) " + String(repeating: "word ", count: 20) }
        let chunks = CommunicationChunks.split(lines.joined(separator: "\n"), target: 500, maximum: 800)
        #expect(chunks.count > 3)
        #expect(chunks.allSatisfy { $0.count <= 800 })
        #expect(chunks.joined(separator: "\n").split(separator: "\n").count == 30, "no line lost or split")
        let long = CommunicationChunks.split(String(repeating: "abcd ", count: 1_000), target: 500, maximum: 800)
        #expect(long.allSatisfy { $0.count <= 800 && !$0.hasPrefix(" ") })
        #expect(long.joined(separator: " ").split(separator: " ").count == 1_000)
    }
}
