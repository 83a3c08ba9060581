import Core
import Foundation
import TestSupport
import Testing

/// Server-Sent Events through the generated nginx site and fcgiwrap, with the test-support
/// `runtime-probe` serving `stream-probe` on a streaming route: events arrive as written (the
/// client reads the first before the function writes the next, proven with a file handshake, not
/// with timings), a JSON request gets one document, a refused request keeps its status code (422), a
/// client that hangs up leaves the function to finish.
@Suite(.serialized) struct StreamingTests {
    static let secret = "probe-secret-7f3a9c2e41b8d6f0aa55"
    let server: NginxServer
    let bin: TemporaryDirectory
    let files: TemporaryDirectory

    init() throws {
        bin = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: bin.file("bundle"), withDestinationPath: Binaries.buildDirectory + "/runtime-probe")
        server = try NginxServer(mode: .dispatch, binaries: bin.path, environment: ["PROBE_SECRET_TOKEN": Self.secret])
        files = try TemporaryDirectory()
        chmod(files.path, 0o777)  // fcgiwrap's children may run as another user
    }

    func stream(_ input: JSONValue, accept: String = "text/event-stream") throws -> StreamingHTTPClient {
        try StreamingHTTPClient(port: server.port, method: "POST", path: "/api/conversations/import",
                                headers: ["Content-Type": "application/json", "Accept": accept], body: Array(input.jsonText.utf8))
    }

    @Test func eventsArriveAsWrittenAndDoneComesLast() throws {
        let go = files.file("go")
        let client = try stream(["steps": 3, "wait_for": .string(go)])
        // The function waits for `go` after its first event: reading that event first shows it
        // was delivered while the function was still running.
        #expect(client.read(until: "\"n\":1"), "\(client.headText)\n\(client.bodyText)")
        #expect(!client.bodyText.contains("\"n\":2"))
        _ = FileManager.default.createFile(atPath: go, contents: Data())
        client.readToEnd()
        #expect(client.headText.hasPrefix("HTTP/1.1 200"))
        #expect(client.headText.lowercased().contains("content-type: text/event-stream"))
        #expect(client.headText.lowercased().contains("x-request-id:"))
        let events = client.events
        #expect(events.map(\.event) == ["step", "step", "step", "done"], "\(client.bodyText)")
        #expect(events.first?.data?["type"] == "step")
        #expect(events.last?.data?["response"]?["steps"] == 3)
        #expect(!client.bodyText.contains(Self.secret))
    }

    @Test func aJSONRequestGetsOneDocument() throws {
        let reply = try server.send("POST", "/api/conversations/import", headers: ["Content-Type": "application/json", "Accept": "application/json"],
                                    body: #"{"steps": 2}"#)
        #expect(reply.status == 200)
        #expect(reply.header("content-type")?.hasPrefix("application/json") == true)
        #expect(reply.json?["steps"] == 2)
    }

    @Test func aRequestRefusedBeforeAnyEventKeepsItsStatus() throws {
        let client = try stream(["steps": 0])
        client.readToEnd()
        #expect(client.headText.hasPrefix("HTTP/1.1 422"), "\(client.headText)")
        #expect(client.bodyText.contains("\"validation_failed\""))
    }

    @Test func aFailureAfterTheFirstEventIsAnErrorEvent() throws {
        let client = try stream(["steps": 2, "fail": true])
        client.readToEnd()
        #expect(client.headText.hasPrefix("HTTP/1.1 200"))
        let last = client.events.last
        #expect(last?.event == "error")
        #expect(last?.data?["error"]?["code"] == "conflict")
        #expect(last?.data?["message"] == "probe stream conflict")
    }

    @Test func aClientThatHangsUpLeavesTheFunctionToFinish() throws {
        let go = files.file("go-hangup")
        let marker = files.file("finished")
        let client = try stream(["steps": 200, "wait_for": .string(go), "marker": .string(marker)])
        #expect(client.read(until: "\"n\":1"))
        client.hangUp()
        _ = FileManager.default.createFile(atPath: go, contents: Data())
        // The function writes its marker after its last event: it ran to the end.
        #expect(Eventually.holds { FileManager.default.fileExists(atPath: marker) })
    }
}
