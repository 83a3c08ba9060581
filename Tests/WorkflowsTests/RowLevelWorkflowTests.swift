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
        let workers = 3, subjects = 60
        let stores = try (0..<workers).map { _ in WorkflowStore(database: try TestDatabase.open(path, migrations: WorkflowsSchema.migrations)) }
        let now = Date()
        let outcomes = try await Racing.onThreads(workers) { worker in
            try (0..<subjects).map { subject -> (run: Int, claimed: Bool) in
                let (run, _) = try stores[worker].createRun(workflow: "demo", subject: "thing:\(subject)", input: [:], now: now)
                // nil: the database's clock, as a worker whose clock is not frozen passes it.
                let claimed = try stores[worker].claim(run.id, owner: "worker-\(worker)", leaseSeconds: 300, now: nil) != nil
                return (run.id, claimed)
            }
        }
        for subject in 0..<subjects {
            let runs = Set(outcomes.map { $0[subject].run })
            #expect(runs.count == 1, "subject \(subject): one run for every creator")
            #expect(outcomes.filter { $0[subject].claimed }.count == 1, "subject \(subject): one worker holds it")
        }
        let after = Date()
        // The leases run 300 s from the database's time of the claim.
        for subject in [0, subjects - 1] {
            let run = try #require(try stores[0].run(outcomes[0][subject].run))
            let until = try #require(run.leaseUntil.flatMap(Timestamp.parse))
            #expect(until >= now.addingTimeInterval(299) && until <= after.addingTimeInterval(301))
            let holder = try #require(outcomes.firstIndex { $0[subject].claimed })
            #expect(try stores[0].renew(run.id, owner: "worker-\(holder)", leaseSeconds: 600, now: nil))
            #expect(try stores[1].claim(run.id, owner: "late", leaseSeconds: 300, now: nil) == nil, "a held lease is not taken")
        }
    }
}
