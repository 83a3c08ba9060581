import Core
import Foundation
import Jobs
import Providers
import Retrieval
import Store
import TestSupport
import Testing
import Workspace

/// The draft store: versions numbered without gaps or collisions (also when writers race on one
/// file), activation within a draft only, the lock, and the cascade when a conversation goes.
@Suite struct ProjectDraftStoreTests {
    static let now = Timestamp.parse("2026-12-02T09:00:00Z")!

    static func conversation(_ harness: WorkspaceHarness, id: String = "draft-1") throws -> Int {
        try ConversationStore(database: harness.database).save(SummaryChats.short(id: id), importedBy: "ada", now: now).id
    }

    @Test func firstVersionCreatesTheDraftAndLaterOnesCountUp() throws {
        let harness = try WorkspaceHarness()
        let conversationID = try Self.conversation(harness)
        let store = ProjectDraftStore(database: harness.database)
        #expect(try store.draft(conversationID: conversationID) == nil)
        let first = try store.addVersion(conversationID: conversationID, title: "Trip planner", description: "## Problem\nMay trips",
                                         source: .generated, createdBy: "ada", now: Self.now,
                                         generation: .init(provider: "offline", model: "offline", promptVersion: "default-1"))
        #expect(first.active.versionNumber == 1)
        #expect(first.versionCount == 1)
        #expect(first.active.generation?.provider == "offline")
        let second = try store.addVersion(conversationID: conversationID, title: "Budget trip planner", description: "## Problem\nMay trips",
                                          source: .manualEdit, createdBy: "bob", now: Self.now)
        #expect(second.id == first.id, "one draft per conversation")
        #expect(second.active.versionNumber == 2)
        #expect(second.active.isManualEdit)
        #expect(second.versionCount == 2)
        #expect(try store.draft(conversationID: conversationID)?.active.title == "Budget trip planner")
        let versions = try store.versions(draftID: first.id)
        #expect(versions.map(\.versionNumber) == [2, 1], "newest first")
        #expect(versions.map(\.source) == [.manualEdit, .generated])
        #expect(versions.last?.createdBy == "ada")
    }

    @Test func missingConversationIsNotFound() throws {
        let harness = try WorkspaceHarness()
        let error = #expect(throws: BundleError.self) {
            try ProjectDraftStore(database: harness.database).addVersion(conversationID: 999, title: "t", description: "d", source: .chat,
                                                                       createdBy: nil, now: Self.now)
        }
        #expect(error?.code == .notFound)
    }

    @Test func activatePointsAtAnOlderVersionOfTheSameDraftOnly() throws {
        let harness = try WorkspaceHarness()
        let store = ProjectDraftStore(database: harness.database)
        let mine = try Self.conversation(harness)
        let other = try Self.conversation(harness, id: "draft-2")
        let v1 = try store.addVersion(conversationID: mine, title: "One", description: "first", source: .generated, createdBy: nil, now: Self.now)
        _ = try store.addVersion(conversationID: mine, title: "Two", description: "second", source: .chat, createdBy: nil, now: Self.now)
        let foreign = try store.addVersion(conversationID: other, title: "Other", description: "x", source: .generated, createdBy: nil, now: Self.now)

        let restored = try store.activate(conversationID: mine, versionID: v1.active.id, now: Self.now)
        #expect(restored.active.title == "One")
        #expect(restored.active.versionNumber == 1)
        #expect(restored.versionCount == 2, "activating writes no version")

        let notOurs = #expect(throws: BundleError.self) { try store.activate(conversationID: mine, versionID: foreign.active.id, now: Self.now) }
        #expect(notOurs?.code == .notFound)
        let missing = #expect(throws: BundleError.self) { try store.activate(conversationID: mine, versionID: 4_242, now: Self.now) }
        #expect(missing?.code == .notFound)
        #expect(try store.draft(conversationID: mine)?.active.title == "One", "a refused activation changes nothing")
        // The next version still counts from the highest number, not from the active one.
        #expect(try store.addVersion(conversationID: mine, title: "Three", description: "third", source: .manualEdit, createdBy: nil,
                                     now: Self.now).active.versionNumber == 3)
    }

    @Test func lockedConversationRefusesNewVersionsAndActivation() throws {
        let harness = try WorkspaceHarness()
        let store = ProjectDraftStore(database: harness.database)
        let conversationID = try Self.conversation(harness)
        let draft = try store.addVersion(conversationID: conversationID, title: "One", description: "d", source: .generated, createdBy: nil,
                                         now: Self.now)
        try harness.database.write { sql in
            try sql.execute("""
                INSERT INTO workspace_projects (conversation_id, status, linear_project_id, title, description, linear_url, claimed_at, created_at)
                VALUES (?, 'created', 'lin-1', 'One', 'd', 'https://linear.app/acme/project/one', ?, ?)
                """, [conversationID, Self.now, Self.now])
            try sql.execute("UPDATE workspace_conversations SET is_locked = 1 WHERE id = ?", [conversationID])
        }
        let add = #expect(throws: BundleError.self) {
            try store.addVersion(conversationID: conversationID, title: "Two", description: "d", source: .chat, createdBy: nil, now: Self.now)
        }
        #expect(add?.code == .conflict)
        #expect(add?.message.contains("https://linear.app/acme/project/one") == true, "names the project")
        let activate = #expect(throws: BundleError.self) {
            try store.activate(conversationID: conversationID, versionID: draft.active.id, now: Self.now)
        }
        #expect(activate?.code == .conflict)
        let after = try store.draft(conversationID: conversationID)
        #expect(after?.versionCount == 1)
        #expect(after?.isLocked == true)
    }

    @Test func deletingTheConversationDeletesDraftVersionsAndProject() throws {
        let harness = try WorkspaceHarness()
        let store = ProjectDraftStore(database: harness.database)
        let conversationID = try Self.conversation(harness)
        let keptID = try Self.conversation(harness, id: "kept")
        for title in ["One", "Two", "Three"] {
            _ = try store.addVersion(conversationID: conversationID, title: title, description: "d", source: .chat, createdBy: nil, now: Self.now)
        }
        _ = try store.addVersion(conversationID: keptID, title: "Kept", description: "d", source: .chat, createdBy: nil, now: Self.now)
        try harness.database.write { sql in
            try sql.execute("""
                INSERT INTO workspace_projects (conversation_id, status, title, description, claimed_at, created_at)
                VALUES (?, 'creating', 'One', 'd', ?, ?)
                """, [conversationID, Self.now, Self.now])
        }
        #expect(try ConversationStore(database: harness.database).delete(conversationID))
        #expect(try harness.count("workspace_project_drafts") == 1)
        #expect(try harness.count("workspace_project_draft_versions") == 1)
        #expect(try harness.count("workspace_projects") == 0)
        #expect(try store.draft(conversationID: keptID)?.active.title == "Kept")
    }

    /// Writers on their own connections to one file (as separate processes are), all adding
    /// versions to one draft at once, the first of them racing to create it.
    @Test func racingWritersGetDistinctNumbers() async throws {
        let harness = try WorkspaceHarness()
        let conversationID = try Self.conversation(harness)
        let path = harness.directory.file("bundle.sqlite")
        let migrations = ProvidersSchema.migrations + JobsSchema.migrations + RetrievalSchema.migrations + WorkspaceSchema.migrations
        let writers = 6, versionsEach = 12
        let numbers = try await withThrowingTaskGroup(of: [Int].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    let store = ProjectDraftStore(database: try TestDatabase.open(path, migrations: migrations))
                    return try await Task.detached {
                        try (0..<versionsEach).map { index in
                            try store.addVersion(conversationID: conversationID, title: "w\(writer)-\(index)", description: "d",
                                                 source: .chat, createdBy: "writer-\(writer)", now: Self.now).active.versionNumber
                        }
                    }.value
                }
            }
            return try await group.reduce(into: [Int]()) { $0 += $1 }
        }
        #expect(numbers.sorted() == Array(1...(writers * versionsEach)))
        let store = ProjectDraftStore(database: harness.database)
        let draft = try #require(try store.draft(conversationID: conversationID))
        #expect(draft.versionCount == writers * versionsEach)
        #expect(try harness.count("workspace_project_drafts") == 1)
        #expect(Set(try store.versions(draftID: draft.id, limit: 200).map(\.versionNumber)).count == writers * versionsEach)
    }
}
