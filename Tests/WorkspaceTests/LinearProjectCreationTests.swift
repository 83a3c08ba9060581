import Core
import Foundation
import HTTPTransport
import Providers
import Runtime
import Store
import Synchronization
import TestSupport
import Testing
@testable import Workspace

/// Making the Linear project safely when calls time out or the final write fails: the claim's
/// project id is sent with every try, a timeout keeps it, the final write is retried and, when
/// it keeps failing, the log says where the project is; a name Linear refuses is refused first.
@Suite struct LinearProjectCreationTests {
    static let linear = ProjectDraftHandlerTests.linear
    static let endpoint = "https://linear.test/graphql"

    static func context(_ harness: WorkspaceHarness, transport: any Transport, database: (any Database)? = nil,
                        log: LogLines? = nil) -> FunctionContext {
        let logger = log.map { lines in Logger(function: "create-project", requestID: "req-linear", level: .info, sink: { lines.append($0) }) }
        let context = FunctionContext(function: "create-project", requestID: "req-linear", config: Config(linear),
                                      clock: BundleClock(frozenAt: Timestamp.parse(WorkspaceHarness.now)!), logger: logger ?? .discarding,
                                      deadline: Deadline(seconds: 60), database: database ?? harness.database)
        context.provide(transport, as: (any Transport).self)
        return context
    }

    static func claim(_ harness: WorkspaceHarness, _ conversationID: Int) throws -> (status: String, id: String?)? {
        try harness.database.read { sql in
            try sql.queryOne("SELECT status, linear_project_id FROM workspace_projects WHERE conversation_id = ?", conversationID).map {
                (try $0.string("status"), $0.optionalString("linear_project_id"))
            }
        }
    }

    /// The error `body` throws, as the contract reports it.
    static func failure(_ body: () async throws -> Void) async -> BundleError? {
        do { try await body() } catch { return BundleError.converting(error, otherwise: BundleError(.internal, "\(error)")) }
        Issue.record("expected a failure")
        return nil
    }

    static func sentID(_ request: HTTPRequest) -> String? {
        requestJSON(request)?["variables"]?["input"]?["id"]?.stringValue
    }

    /// Linear made the project, but the answer never came: the claim and its id stay, and the
    /// next request sends the same id; Linear refuses it as taken, so the project is fetched.
    @Test func aTimeoutKeepsTheClaimAndTheNextRequestSendsTheSameID() async throws {
        let harness = try WorkspaceHarness()
        let id = try ProjectDraftHandlerTests.conversation(harness)
        let linear = FakeTransport()
        linear.expect("POST", Self.endpoint) { _ in throw TransportError(.timeout, host: "linear.test", "timed out") }
        linear.expect("POST", Self.endpoint, respond: .json(400, ["errors": [["message": "Project with this id already exists",
                                                                             "extensions": ["code": "INVALID_INPUT"]]]]))
        linear.expect("POST", Self.endpoint) { request in
            .json(200, ["data": ["project": ["id": .string(requestJSON(request)?["variables"]?["id"]?.stringValue ?? ""),
                                             "url": "https://linear.app/acme/project/offsite"]]])
        }
        let context = Self.context(harness, transport: linear)
        let input: JSONValue = ["id": .number(Double(id)), "title": "Offsite", "description": "## Problem\n\nPlan it."]
        let timedOut = await Self.failure { _ = try await harness.call(CreateProjectHandler(), input, context: context) }
        #expect(timedOut?.code == .timeout)
        let claim = try #require(try Self.claim(harness, id))
        #expect(claim.status == "failed")
        let projectID = try #require(claim.id)
        #expect(UUID(uuidString: projectID) != nil && projectID.count == 36)
        #expect(Array(projectID)[14] == "4", "a UUID v4")
        #expect(try harness.database.read { try ConversationLock.isLocked($0, conversationID: id) } == false)

        let made = try await harness.call(CreateProjectHandler(), input, context: context)
        #expect(made["linear_project_id"]?.stringValue == projectID)
        #expect(made["linear_url"]?.stringValue == "https://linear.app/acme/project/offsite")
        #expect(linear.received.prefix(2).map(Self.sentID) == [projectID, projectID], "the same id both times")
        #expect(linear.received.last.flatMap(requestJSON)?["variables"]?["id"]?.stringValue == projectID, "the project fetched by that id")
        #expect(try Self.claim(harness, id)?.status == "created")
        #expect(try harness.database.read { try ConversationLock.isLocked($0, conversationID: id) } == true)
    }

    @Test func aNameLongerThanLinearTakesIsRefusedBeforeAnything() async throws {
        let harness = try WorkspaceHarness()
        let id = try ProjectDraftHandlerTests.conversation(harness)
        let linear = FakeTransport()
        let context = Self.context(harness, transport: linear)
        let error = await harness.error {
            _ = try await ProjectCreation.create(conversationID: id, title: String(repeating: "n", count: LinearClient.nameLimit + 1),
                                                 description: "D", context: context)
        }
        #expect(error?.code == .validationFailed)
        #expect(error?.details?.first?.field == "title")
        #expect(try harness.count("workspace_projects") == 0)
        #expect(linear.received.isEmpty)
    }

    /// The final write fails once (a busy database): it is tried again and the project stored.
    @Test func aFailedFinalWriteIsTriedAgain() async throws {
        let harness = try WorkspaceHarness()
        let id = try ProjectDraftHandlerTests.conversation(harness)
        let failed = Once()
        let database = InterceptingDatabase(harness.database) { statement, _ in
            if statement.contains("SET status = 'created'"), failed.first() { throw DatabaseError(kind: .busy, code: 5, message: "database is locked") }
        }
        let linear = FakeTransport()
        linear.expect("POST", Self.endpoint) { _ in ProjectDraftHandlerTests.linearAnswer(id: "proj-7") }
        let record = try await ProjectCreation.create(conversationID: id, title: "Offsite", description: "D",
                                                      context: Self.context(harness, transport: linear, database: database))
        #expect(failed.happened)
        #expect(record.linearProjectID == "proj-7")
        #expect(try Self.claim(harness, id)?.status == "created")
    }

    /// When the final write keeps failing, the error log names the project Linear made (id and
    /// URL, never the key), and the claim keeps the id for a later request.
    @Test func aFinalWriteThatKeepsFailingLogsTheProject() async throws {
        let harness = try WorkspaceHarness()
        let id = try ProjectDraftHandlerTests.conversation(harness)
        let database = InterceptingDatabase(harness.database) { statement, _ in
            if statement.contains("SET status = 'created'") { throw DatabaseError(kind: .busy, code: 5, message: "database is locked") }
        }
        let linear = FakeTransport()
        linear.expect("POST", Self.endpoint) { request in
            .json(200, ["data": ["projectCreate": ["success": true, "project": ["id": .string(Self.sentID(request) ?? ""),
                                                                               "url": "https://linear.app/acme/project/offsite"]]]])
        }
        let log = LogLines()
        let error = await Self.failure {
            _ = try await ProjectCreation.create(conversationID: id, title: "Offsite", description: "D",
                                                 context: Self.context(harness, transport: linear, database: database, log: log))
        }
        #expect(error?.code == .unavailable)
        let claim = try #require(try Self.claim(harness, id))
        #expect(claim.status == "creating", "kept for a later request (taken over after the claim's lifetime)")
        let line = try #require(log.lines.first { $0.contains("workspace.project_created_unstored") })
        #expect(line.contains("\"error\""), "at error level: \(line)")
        #expect(line.contains(claim.id ?? "-"))
        #expect(line.contains("https://linear.app/acme/project/offsite"))
        #expect(!log.lines.joined().contains(Self.linear["LINEAR_API_KEY"]!))
    }
}

/// Log lines a test's logger wrote.
final class LogLines: Sendable {
    private let state = Mutex<[String]>([])

    func append(_ line: String) { state.withLock { $0.append(line) } }
    var lines: [String] { state.withLock { $0 } }
}

/// A request's body as JSON.
func requestJSON(_ request: HTTPRequest) -> JSONValue? {
    try? JSONValue(parsing: request.body)
}
