import Core
import FoundationEssentials
import Jobs
import Store
import TestSupport
import Testing

/// Claims from many connections at once (separate SQLite connections, as separate worker
/// processes would have) hand every job out exactly once.
@Suite struct ConcurrentClaimTests {
    @Test func manyClaimersNeverShareAJob() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("bundle.sqlite")
        let queue = JobQueue(database: try TestDatabase.open(path, migrations: JobsSchema.migrations))
        let now = Date()
        for index in 0..<60 {
            _ = try queue.enqueue(.init(function: "health", input: ["n": .number(Double(index))], timeoutSeconds: 10), now: now)
        }
        let claimed = try await withThrowingTaskGroup(of: [Int].self) { group in
            for worker in 0..<6 {
                group.addTask {
                    let own = JobQueue(database: try TestDatabase.open(path, migrations: JobsSchema.migrations))
                    var ids: [Int] = []
                    while let claim = try own.claim(worker: "w\(worker)", now: now, maxTimeout: 60) { ids.append(claim.job.id) }
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.count == 60)
        #expect(Set(claimed).count == 60)
    }
}

/// The row-level patterns of the queue, raced from several connections (on PostgreSQL each is its
/// own server session with no global lock: a read-then-write version fails these).
@Suite struct RowLevelQueueTests {
    @Test func theSameKeysSentFromTwoConnectionsAtOnceMakeOneJobEach() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("bundle.sqlite")
        _ = try TestDatabase.open(path, migrations: JobsSchema.migrations)
        let now = Date()
        let answers = try await withThrowingTaskGroup(of: [String: Int].self) { group in
            for _ in 0..<2 {
                group.addTask {
                    let queue = JobQueue(database: try TestDatabase.open(path, migrations: JobsSchema.migrations))
                    var ids: [String: Int] = [:]
                    for index in 0..<80 {
                        let key = "key-\(index)"
                        let (job, _) = try queue.enqueue(.init(function: "health", input: ["n": .number(Double(index))], idempotencyKey: key,
                                                               timeoutSeconds: 10), now: now)
                        ids[key] = job.id
                    }
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.count == 2)
        #expect(answers[0] == answers[1], "both callers of a key got the same job")
        let queue = JobQueue(database: try TestDatabase.open(path, migrations: JobsSchema.migrations))
        #expect(try queue.counts()["queued"] == 80)
        // The same key for other input is still a conflict, not a second job.
        #expect(throws: BundleError.self) {
            try queue.enqueue(.init(function: "health", input: ["n": 999], idempotencyKey: "key-1", timeoutSeconds: 10), now: now)
        }
    }

    @Test func withoutAFixedTimeLeasesFollowTheDatabasesClock() throws {
        let directory = try TemporaryDirectory()
        let queue = JobQueue(database: try TestDatabase.open(directory.file("bundle.sqlite"), migrations: JobsSchema.migrations))
        let before = Date()
        let (job, _) = try queue.enqueue(.init(function: "health", input: [:], timeoutSeconds: 10), now: before.addingTimeInterval(-5))
        // Scheduled a minute ahead by this process's view: not due by the database's clock yet.
        _ = try queue.enqueue(.init(function: "health", input: ["later": true], runAfter: before.addingTimeInterval(60), timeoutSeconds: 10),
                              now: before)
        let claim = try #require(try queue.claim(worker: "w", now: nil, maxTimeout: 60))
        #expect(claim.job.id == job.id)
        let after = Date()
        #expect(claim.leaseExpiresAt >= before.addingTimeInterval(10 + JobQueue.leaseGrace - 1))
        #expect(claim.leaseExpiresAt <= after.addingTimeInterval(10 + JobQueue.leaseGrace + 1))
        #expect(try queue.claim(worker: "w", now: nil, maxTimeout: 60) == nil)
        #expect(try queue.hasDueJobs(now: nil) == false)
    }
}
