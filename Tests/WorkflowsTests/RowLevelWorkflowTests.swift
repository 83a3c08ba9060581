import Core
import FoundationEssentials
import Store
import TestSupport
import Testing
import Workflows

/// Workflow runs created and claimed from several connections at once on PostgreSQL (no global
/// lock in `concurrentWrite`), with leases on the database's clock: one run per subject, and
/// each run held by exactly one worker. A read-then-write claim (look at the run, then take it)
/// hands one run to two workers here.
@Suite(.enabled(if: TestDatabase.dialect == .postgresql)) struct RowLevelWorkflowTests {
    @Test func racingWorkersCreateOneRunPerSubjectAndClaimEachOnce() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("bundle.sqlite")
        let workers = 3, subjects = 100
        let stores = try (0..<workers).map { _ in WorkflowStore(database: try TestDatabase.open(path, migrations: WorkflowsSchema.migrations)) }
        let now = Date()
        let created = try await Racing.onThreads(workers) { worker in
            try (0..<subjects).map { subject in
                try stores[worker].createRun(workflow: "demo", subject: "thing:\(subject)", input: [:], now: now).run.id
            }
        }
        for subject in 0..<subjects {
            #expect(Set(created.map { $0[subject] }).count == 1, "subject \(subject): one run for every creator")
        }
        // Every worker tries every run, all at once; nil: the database's clock, as a worker whose clock is not frozen passes it.
        let claims = try await Racing.onThreads(workers) { worker in
            try created[0].map { run in try stores[worker].claim(run, owner: "worker-\(worker)", leaseSeconds: 300, now: nil) != nil }
        }
        for subject in 0..<subjects {
            #expect(claims.filter { $0[subject] }.count == 1, "subject \(subject): one worker holds it")
        }
        let after = Date()
        // The leases run 300 s from the database's time of the claim.
        for subject in [0, subjects - 1] {
            let run = try #require(try stores[0].run(created[0][subject]))
            let until = try #require(run.leaseUntil.flatMap(Timestamp.parse))
            #expect(until >= now.addingTimeInterval(299) && until <= after.addingTimeInterval(301))
            let holder = try #require(claims.firstIndex { $0[subject] })
            #expect(try stores[0].renew(run.id, owner: "worker-\(holder)", leaseSeconds: 600, now: nil))
            #expect(try stores[1].claim(run.id, owner: "late", leaseSeconds: 300, now: nil) == nil, "a held lease is not taken")
        }
    }
}
