import Core
import Foundation
import HTTPTransport
import Providers
import TestSupport
import Testing

/// `LinearClient` against a loopback fake speaking Linear's GraphQL: the request it sends (key
/// without "Bearer", the query constant, every value in variables) and what each kind of answer
/// becomes, including `errors[]` that arrive with HTTP 200 or 400.
@Suite struct LinearWireTests {
    static let key = "lin_api_SECRETKEY1234567890"

    static func client(_ server: LoopbackServer) throws -> LinearClient {
        LinearClient(endpoint: server.baseURL + "/graphql", apiKey: key, transport: try CurlTransport(config: Config([:])))
    }

    static func graphQLError(_ code: String, _ message: String) -> JSONValue {
        ["errors": [["message": .string(message), "extensions": ["code": .string(code), "type": "graphql error", "userPresentableMessage": .string(message)]]],
         "data": nil]
    }

    func failure(_ response: ScriptedResponse) async throws -> BundleError? {
        let server = try LoopbackServer { _ in response }
        do {
            _ = try await Self.client(server).createProject(name: "Trip", description: "## Problem\n\nx", teamID: "team-1")
            Issue.record("expected a failure")
            return nil
        } catch let error as BundleError {
            #expect(!error.message.contains(Self.key), "the key never reaches a message")
            return error
        }
    }

    @Test func createsAProjectWithVariablesAndTheBareKey() async throws {
        let server = try LoopbackServer { _ in
            .json(200, ["data": ["projectCreate": ["success": true, "project": ["id": "proj-1", "url": "https://linear.app/acme/project/trip-1"]]]])
        }
        let title = "Trip \"planner\" } mutation { evil }"
        let description = "## Problem\n\nPeople plan May trips on a small budget.\n\n## Goals\n\n- Cheap"
        let project = try await Self.client(server).createProject(name: title, description: description, teamID: "team-uuid-1")
        #expect(project == LinearClient.Project(id: "proj-1", url: "https://linear.app/acme/project/trip-1"))
        let request = try #require(server.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/graphql")
        #expect(request.header("authorization") == Self.key, "a personal key goes without Bearer")
        let body = try #require(request.json)
        let query = try #require(body["query"]?.stringValue)
        #expect(query.contains("projectCreate(input: $input)"))
        #expect(!query.contains("planner"), "values travel in variables, never in the query")
        let input = body["variables"]?["input"]
        #expect(input?["name"]?.stringValue == title)
        #expect(input?["teamIds"] == ["team-uuid-1"])
        #expect(input?["content"]?.stringValue == description)
        #expect(input?["description"]?.stringValue == "People plan May trips on a small budget.", "the short summary")
    }

    @Test func errorsWithHTTP200AreFailures() async throws {
        let error = try await failure(.json(200, Self.graphQLError("INTERNAL_SERVER_ERROR", "Something went wrong")))
        #expect(error?.code == .upstreamFailed)
        #expect(error?.message.contains("Something went wrong") == true)
    }

    @Test func rateLimitWithHTTP400IsRateLimited() async throws {
        let error = try await failure(.json(400, Self.graphQLError("RATELIMITED", "Rate limit exceeded"),
                                            headers: ["X-RateLimit-Requests-Remaining": "0"]))
        #expect(error?.code == .rateLimited)
    }

    @Test func authenticationErrorNamesTheKeyVariable() async throws {
        let error = try await failure(.json(400, Self.graphQLError("AUTHENTICATION_ERROR", "Authentication required, not authenticated")))
        #expect(error?.code == .misconfigured)
        #expect(error?.message.contains("LINEAR_API_KEY") == true)
        let plain = try await failure(.json(401, ["error": "unauthorized"]))
        #expect(plain?.code == .misconfigured)
        #expect(plain?.message.contains("LINEAR_API_KEY") == true)
    }

    @Test func unknownTeamNamesTheTeamVariable() async throws {
        let invalid = try await failure(.json(400, Self.graphQLError("INVALID_INPUT", "Argument Validation Error: teamIds must be UUIDs")))
        #expect(invalid?.code == .misconfigured)
        #expect(invalid?.details?.first?.field == "LINEAR_TEAM_ID")
        let forbidden = try await failure(.json(200, Self.graphQLError("FORBIDDEN", "You don't have access to this team")))
        #expect(forbidden?.code == .misconfigured)
        #expect(forbidden?.message.contains("LINEAR_TEAM_ID") == true)
        let other = try await failure(.json(400, Self.graphQLError("INVALID_INPUT", "name must be shorter than or equal to 80 characters")))
        #expect(other?.code == .validationFailed)
    }

    @Test func unsuccessfulAndPlainHTTPFailures() async throws {
        let unsuccessful = try await failure(.json(200, ["data": ["projectCreate": ["success": false, "project": nil]]]))
        #expect(unsuccessful?.code == .upstreamFailed)
        let limited = try await failure(.json(429, ["error": "slow down"]))
        #expect(limited?.code == .rateLimited)
        let broken = try await failure(.text(503, "unavailable"))
        #expect(broken?.code == .upstreamFailed)
    }

    @Test func missingKeyIsMisconfigured() throws {
        let error = #expect(throws: BundleError.self) { try LinearClient(config: Config([:]), transport: NoNetwork()) }
        #expect(error?.code == .misconfigured)
        #expect(error?.message.contains("LINEAR_API_KEY") == true)
    }
}
