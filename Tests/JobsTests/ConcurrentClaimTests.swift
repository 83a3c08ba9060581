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
