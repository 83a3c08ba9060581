import Core
import HTTPTransport
import Providers
import TestSupport
import Testing

/// Composio's execute endpoint through a loopback fake: the request shape, and a failure that
/// arrives as HTTP 200 with `successful: false`.
@Suite struct ComposioTests {
    func client(_ server: LoopbackServer) throws -> ComposioClient {
        ComposioClient(baseURL: server.baseURL, apiKey: "cmp-key", userID: "user-1", connectedAccountID: "ca-9",
                       transport: try CurlTransport(config: Config([:])))
    }

    @Test func executeSendsTheToolCallAndReturnsData() async throws {
        let server = try LoopbackServer { _ in .json(200, ["successful": true, "data": ["items": [1, 2]], "error": nil, "log_id": "log1"]) }
        let data = try await client(server).execute("GOOGLECALENDAR_FIND_EVENT", arguments: ["calendar_id": "primary"], deadline: Deadline(seconds: 5))
        #expect(data == ["items": [1, 2]])
        let request = try #require(server.requests.first)
        #expect(request.path == "/api/v3/tools/execute/GOOGLECALENDAR_FIND_EVENT")
        #expect(request.header("x-api-key") == "cmp-key")
        #expect(request.json?["user_id"] == "user-1")
        #expect(request.json?["connected_account_id"] == "ca-9")
        #expect(request.json?["arguments"]?["calendar_id"] == "primary")
    }

    @Test func successfulFalseWithHTTP200IsAnError() async throws {
        let server = try LoopbackServer { _ in .json(200, ["successful": false, "data": [:], "error": "Calendar not found", "log_id": "l"]) }
        do {
            _ = try await client(server).execute("GOOGLECALENDAR_FIND_EVENT", arguments: [:], deadline: Deadline(seconds: 5))
            Issue.record("expected a failure")
        } catch let error as BundleError {
            #expect(error.code == .upstreamFailed)
            #expect(error.message.contains("Calendar not found"))
        }
        let refused = try LoopbackServer { _ in .json(401, ["error": ["message": "Invalid API key"]]) }
        do {
            _ = try await client(refused).execute("X", arguments: [:], deadline: Deadline(seconds: 5))
            Issue.record("expected misconfigured")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
        }
    }

    @Test func payloadsAreFoundWhereverTheyNest() {
        let data: JSONValue = ["response_data": ["event_data": ["event_data": [["id": "a", "start": [:]], ["id": "b", "start": [:]]]]],
                               "other": ["id": "not-an-event"]]
        #expect(ComposioClient.objects(in: data, having: ["id", "start"]).compactMap { $0["id"]?.stringValue } == ["a", "b"])
    }
}
