import Core
import FoundationEssentials
import Meetings
import Store
import TestSupport
import Testing

/// Steering versions written from several connections at once on PostgreSQL (no global lock in
/// `concurrentWrite`): every writer succeeds, and the numbers run 1…n without a gap or a
/// duplicate. A read-then-write version (`MAX(version) + 1`, then a plain insert) fails here with
/// a unique violation, a 409 to its caller.
@Suite(.enabled(if: TestDatabase.dialect == .postgresql)) struct RowLevelSteeringTests {
    @Test func racingWritersGetConsecutiveVersionsAndNoneFails() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("bundle.sqlite")
        let now = Timestamp.parse("2026-03-02T09:00:00Z")!
        _ = try SteeringStore(database: try TestDatabase.open(path, migrations: MeetingsSchema.migrations)).current(now: now)
        let writers = 3, each = 20
        let stores = try (0..<writers).map { _ in SteeringStore(database: try TestDatabase.open(path, migrations: MeetingsSchema.migrations)) }
        let versions = try await Racing.onThreads(writers) { writer in
            try (0..<each).map { index in
                var profile = SteeringProfile.defaultProfile
                profile.productFocus = "focus \(writer)-\(index)"
                let (version, created) = try stores[writer].save(profile, source: "put", now: now)
                return created ? version.version : -1
            }
        }
        #expect(versions.flatMap { $0 }.sorted() == Array(2...(writers * each + 1)))
        let stored = try stores[0].versions(limit: 500).map(\.version)
        #expect(stored.sorted() == Array(1...(writers * each + 1)))
    }
}
