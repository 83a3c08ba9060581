import Catalog
import Core
import Foundation
import TestSupport
import Testing

/// The interview functions as cron or a person runs them: fixtures piped into the binaries.
@Suite struct InterviewBinariesTests {
    let directory: TemporaryDirectory
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    let environment = ["BUNDLE_NOW": "2026-03-02T09:00:00Z", "TWILIO_SIGNATURE_CHECK": "off"]

    init() throws {
        directory = try TemporaryDirectory()
    }

    func fixture(_ path: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent(path), encoding: .utf8)
    }

    /// Runs a function and checks its output against its manifest's output schema.
    func run(_ name: String, _ stdin: String, _ extra: [String: String] = [:], exit: Int32 = 0) throws -> JSONValue {
        let result = try Binaries.run(name, stdin: stdin, environment: environment.merging(extra) { $1 }, workingDirectory: directory.path)
        #expect(result.exitCode == exit, "\(name): \(result.stdoutText) \(result.stderr)")
        let json = try #require(result.json, "\(name) printed no JSON: \(result.stdoutText)")
        if exit == 0, let manifest = Catalog.manifest(named: name) {
            let problems = SchemaValidator.validate(json, against: manifest.outputSchema)
            #expect(problems.isEmpty, "\(name): \(problems)")
        }
        return json
    }

    @Test func aCampaignFromFixturesThroughEveryFunction() throws {
        let created = try run("create-campaign", try fixture("create-campaign/gas-station.json"))
        #expect(created["accepted_phones"] == 3)
        #expect(created["duplicates_removed"] == 1)
        #expect(created["rejected_phones"]?.arrayValue?.first?["index"] == 4)
        let invalid = try run("create-campaign", try fixture("create-campaign/invalid-schema.json"), exit: 65)
        #expect(invalid["error"]?["code"] == "validation_failed")
        #expect(Set(invalid["error"]?["details"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []) == ["schema.brand.enum", "schema.distance.type"])

        let launched = try run("launch-campaign", #"{"id": 1}"#)
        #expect(launched["launch"]?["conversations_created"] == 3)
        let outreach = try run("send-outreach", "")
        #expect(outreach["outreach"]?["sent"] == 3)

        let reply = try run("inbound-message", try fixture("inbound-message/reply.json"), ["BUNDLE_NOW": "2026-03-02T09:04:00Z"])
        #expect(reply["outcome"] == "handled")
        #expect(reply["_http"]?["content_type"] == "text/xml; charset=utf-8")
        // Without a token and without the explicit opt-out of the check, the webhook is refused.
        let refused = try run("inbound-message", try fixture("inbound-message/reply.json"), ["TWILIO_SIGNATURE_CHECK": ""], exit: 77)
        #expect(refused["error"]?["code"] == "forbidden")
        #expect(refused["error"]?["message"]?.stringValue?.contains("TWILIO_AUTH_TOKEN") == true)

        let status = try run("message-status", try fixture("message-status/delivered.json"))
        #expect(status["updated"] == true)
        let conversation = try run("get-conversation", #"{"id": 1}"#)
        #expect(conversation["status"] == "active")
        #expect(conversation["messages"]?.arrayValue?.map { $0["kind"] } == ["opening", "reply", "reply"])
        #expect(conversation["messages"]?[0]?["status"] == "delivered")
        let listed = try run("list-conversations", #"{"id": 1, "status": "active"}"#)
        #expect(listed["total"] == 1)
        #expect(try run("process-conversation", #"{"id": 1}"#)["handled"] == [])
        #expect(try run("list-campaigns", "")["campaigns"]?.arrayValue?.count == 1)
        #expect(try run("get-campaign", #"{"id": 1}"#)["counts"]?["active"] == 1)
        #expect(try run("pause-campaign", #"{"id": 1}"#)["campaign"]?["status"] == "paused")
        #expect(try run("list-extractions", #"{"id": 1}"#)["total"] == 0)
        #expect(try run("get-campaign", #"{"id": 9}"#, exit: 66)["error"]?["code"] == "not_found")
    }
}

extension JSONValue {
    subscript(index: Int) -> JSONValue? { arrayValue.flatMap { index < $0.count ? $0[index] : nil } }
}

extension InterviewBinariesTests {
    /// The agent step through an OpenAI-compatible server (real libcurl, loopback): the request
    /// carries the turn's JSON Schema, and the model's answer is checked and merged.
    @Test func anAgentStepThroughAnOpenAICompatibleServer() throws {
        let server = try LoopbackServer { request in
            let schemaName = request.json?["response_format"]?["json_schema"]?["name"]?.stringValue ?? ""
            let content: JSONValue = schemaName == "interview_opening"
                ? ["message": "Hello from the fuel study! Do you have three minutes for a few questions?"]
                : ["reply": "Thanks! How many times a month do you fill up?", "asking_about": "visits_per_month", "declined": [], "done": false, "opt_out": false,
                   "extracted": [["field": "fuel_brand", "value": "Aral"], ["field": "visits_per_month", "value": "often"]]]
            return .json(200, ["model": "gpt-4.1-mini", "usage": ["prompt_tokens": 300, "completion_tokens": 40],
                               "choices": [["message": ["role": "assistant", "content": .string(content.jsonText)], "finish_reason": "stop"]]])
        }
        let llm = ["LLM_PROVIDER": "openai", "LLM_BASE_URL": server.baseURL + "/v1", "LLM_API_KEY": "sk-interview-test"]
        _ = try run("create-campaign", try fixture("create-campaign/gas-station.json"))
        _ = try run("launch-campaign", #"{"id": 1}"#)
        #expect(try run("send-outreach", "", llm)["outreach"]?["opening_written_by"] == "openai")
        let reply = try run("inbound-message", try fixture("inbound-message/reply.json"), llm.merging(["BUNDLE_NOW": "2026-03-02T09:04:00Z"]) { $1 })
        #expect(reply["agent"] == "openai")
        let conversation = try run("get-conversation", #"{"id": 1}"#)
        #expect(conversation["extracted"] == ["fuel_brand": "Aral"], "\"often\" is not an integer: dropped")
        #expect(conversation["messages"]?[0]?["body"]?.stringValue?.hasPrefix("Hello from the fuel study!") == true)
        #expect(conversation["messages"]?[2]?["body"] == "Thanks! How many times a month do you fill up?")
        let turn = try #require(server.requests.last?.json)
        #expect(turn["response_format"]?["json_schema"]?["name"] == "interview_turn")
        let prompt = turn["messages"]?.arrayValue?.last?["content"]?.stringValue ?? ""
        #expect(prompt.contains("- fuel_brand (enum): Which fuel brand you usually buy One of: Shell, BP, Aral, Esso, Other."))
        #expect(prompt.contains("Participant's latest message: Sure, happy to help!"))
        #expect(server.requests.allSatisfy { $0.header("authorization") == "Bearer sk-interview-test" })
    }

    @Test func malformedWebhooksGetClearErrors() throws {
        let noSid = try run("inbound-message", #"{"From": "whatsapp:+4915112345678", "Body": "hi"}"#, exit: 65)
        #expect(noSid["error"]?["details"]?.arrayValue?.first?["field"] == "MessageSid")
        let badFrom = try run("inbound-message", #"{"MessageSid": "SM1", "From": "whatsapp:abc", "Body": "hi"}"#, exit: 65)
        #expect(badFrom["error"]?["details"]?.arrayValue?.first?["field"] == "From")
        #expect(try run("inbound-message", "[1]", exit: 64)["error"]?["code"] == "invalid_request")
        #expect(try run("message-status", #"{"MessageSid": "SM1"}"#, exit: 65)["error"]?["details"]?.arrayValue?.first?["field"] == "MessageStatus")
        #expect(try run("create-campaign", #"{"name": 5, "brief": [], "schema": "x", "phones": {}}"#, exit: 65)["error"]?["code"] == "validation_failed")
        #expect(try run("list-extractions", #"{"id": 1, "format": "xml"}"#, exit: 65)["error"]?["code"] == "validation_failed")
    }
}
