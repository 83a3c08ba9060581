import Core
import FoundationEssentials
import Jobs
import Providers
import Retrieval
import Store
import TestSupport
import Testing
import Workspace

/// Custom prompts of one type stored from several connections at once on PostgreSQL (no global
/// lock in `concurrentWrite`): every request succeeds, every prompt is kept, and exactly one is
/// active. A read-then-write version (deactivate, then a plain insert) meets the partial unique
/// index and fails the later writer with a 409.
@Suite(.enabled(if: TestDatabase.dialect == .postgresql)) struct RowLevelPromptTests {
    static let type = LLMPromptType(name: "greeting", purpose: "Greets.", defaultSystem: "You greet people.")

    @Test func racingPromptWritersAllSucceedAndOneIsActive() async throws {
        let harness = try WorkspaceHarness()
        let path = harness.directory.file("bundle.sqlite")
        let migrations = ProvidersSchema.migrations + JobsSchema.migrations + RetrievalSchema.migrations + WorkspaceSchema.migrations
        let writers = 3, each = 20
        let stores = try (0..<writers).map { _ in LLMPromptStore(database: try TestDatabase.open(path, migrations: migrations)) }
        let now = Timestamp.parse(WorkspaceHarness.now)!
        let ids = try await Racing.onThreads(writers) { writer in
            try (0..<each).map { index in
                try stores[writer].create(Self.type, system: "Greet as \(writer)-\(index).", by: "writer-\(writer)", now: now).id ?? -1
            }
        }
        #expect(Set(ids.flatMap { $0 }).count == writers * each)
        #expect(try harness.count("llm_prompts") == writers * each)
        let active = try harness.database.read { try $0.query("SELECT id FROM llm_prompts WHERE prompt_type = 'greeting' AND is_active = 1") }
        #expect(active.count == 1)
        #expect(try stores[0].active(Self.type).isCustom)
    }
}
