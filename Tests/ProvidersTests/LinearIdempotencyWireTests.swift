import Core
import Foundation
import HTTPTransport
import Providers
import TestSupport
import Testing

/// `LinearClient.createProject` with a project id chosen by the caller, against a loopback fake:
/// the id goes in `input.id`; an answer that says `success` with a project is a success even
/// with `errors[]`; an id Linear says is taken means the project exists, and it is fetched.
@Suite struct LinearIdempotencyWireTests {
    static let projectID = "6f1c2a4e-8b3d-4c5e-9f7a-1b2c3d4e5f60"

    @Test func theChosenIDTravelsInTheInput() async throws {
        let server = try LoopbackServer { _ in
            .json(200, ["data": ["projectCreate": ["success": true, "project": ["id": .string(Self.projectID), "url": "https://linear.app/acme/project/trip"]]]])
        }
        let project = try await LinearWireTests.client(server).createProject(id: Self.projectID, name: "Trip", description: "Plan it.", teamID: "team-1")
        #expect(project.id == Self.projectID)
        #expect(server.requests.first?.json?["variables"]?["input"]?["id"]?.stringValue == Self.projectID)
    }

    @Test func successWithErrorsIsASuccess() async throws {
        let server = try LoopbackServer { _ in
            .json(200, ["data": ["projectCreate": ["success": true, "project": ["id": "proj-9", "url": "https://linear.app/acme/project/proj-9"]]],
                        "errors": [["message": "Could not notify subscribers", "extensions": ["code": "INTERNAL_SERVER_ERROR"]]]])
        }
        let project = try await LinearWireTests.client(server).createProject(id: Self.projectID, name: "Trip", description: "Plan it.", teamID: "team-1")
        #expect(project == LinearClient.Project(id: "proj-9", url: "https://linear.app/acme/project/proj-9"))
        #expect(server.requests.count == 1)
    }

    /// A replay (or a later request with the same claim) meets the project the first call made.
    @Test func aTakenIDMeansTheProjectExistsAndIsFetched() async throws {
        let server = try LoopbackServer { request in
            let query = request.json?["query"]?.stringValue ?? ""
            if query.contains("projectCreate") {
                return .json(400, LinearWireTests.graphQLError("INVALID_INPUT", "duplicate key value violates unique constraint \"project_pkey\""))
            }
            return .json(200, ["data": ["project": ["id": .string(request.json?["variables"]?["id"]?.stringValue ?? ""),
                                                    "url": "https://linear.app/acme/project/trip"]]])
        }
        let project = try await LinearWireTests.client(server).createProject(id: Self.projectID, name: "Trip", description: "Plan it.", teamID: "team-1")
        #expect(project == LinearClient.Project(id: Self.projectID, url: "https://linear.app/acme/project/trip"))
        #expect(server.requests.count == 2)
        let lookup = try #require(server.requests.last?.json)
        #expect(lookup["query"]?.stringValue?.contains("project(id: $id)") == true)
        #expect(lookup["variables"]?["id"]?.stringValue == Self.projectID)
    }

    /// Without an id of its own a taken-id answer cannot be told from a refusal: it stays one.
    @Test func withoutAnIDADuplicateAnswerIsAFailure() async throws {
        let server = try LoopbackServer { _ in
            .json(400, LinearWireTests.graphQLError("INVALID_INPUT", "duplicate key value violates unique constraint"))
        }
        await #expect(throws: BundleError.self) {
            _ = try await LinearWireTests.client(server).createProject(name: "Trip", description: "Plan it.", teamID: "team-1")
        }
        #expect(server.requests.count == 1)
    }
}
