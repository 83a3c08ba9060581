import Core
import Foundation
import Providers
import Synchronization
import TestSupport
import Testing

/// The research-interview agent end to end: real nginx + fcgiwrap, webhooks signed as Twilio
/// signs them for the public URL behind a proxy, the offline LLM and the outbox.
@Suite(.serialized) struct ResearchInterviewTests {
    static let token = "e2e-twilio-auth-token"
    static let publicBase = "https://research.example.com"

    static func formBody(_ fields: [(String, String)]) -> String {
        fields.map { "\(URLComponent.encode($0.0))=\(URLComponent.encode($0.1))" }.joined(separator: "&")
    }

    static func webhook(_ phone: String, _ body: String, sid: String) -> [(String, String)] {
        [("SmsMessageSid", sid), ("NumMedia", "0"), ("ProfileName", "Participant"), ("MessageType", "text"), ("SmsSid", sid),
         ("WaId", String(phone.dropFirst())), ("Body", body), ("To", "whatsapp:+14155238886"), ("MessageSid", sid),
         ("AccountSid", "AC00000000000000000000000000000000"), ("From", "whatsapp:" + phone), ("ApiVersion", "2010-04-01")]
    }

    static func post(_ server: NginxServer, _ path: String, _ fields: [(String, String)], signedFor url: String? = nil,
                     signature: String? = nil, body: String? = nil) throws -> HTTPReply {
        var headers = ["Content-Type": "application/x-www-form-urlencoded"]
        headers["X-Twilio-Signature"] = signature ?? TwilioSignature.compute(authToken: token, url: url ?? publicBase + path, parameters: fields)
        return try server.send("POST", path, headers: headers, body: body ?? formBody(fields))
    }

    @Test func campaignToExtractionsThroughNginx() throws {
        let server = try NginxServer(mode: .direct, environment: ["TWILIO_AUTH_TOKEN": Self.token, "PUBLIC_BASE_URL": Self.publicBase + "/"])
        let auth = ["X-API-Key": try server.createKey(), "Content-Type": "application/json"]
        let (dana, sam, kim) = ("+4915112345678", "+447700900123", "+14155550134")
        let schema: JSONValue = [["name": "brand", "type": "enum", "description": "Which fuel brand you usually buy", "enum": ["Shell", "BP", "Aral"]],
                                 ["name": "visits", "type": "integer", "description": "How many times a month you fill up", "min": 0, "max": 60],
                                 ["name": "card", "type": "boolean", "description": "Whether you use a loyalty card"],
                                 ["name": "price", "type": "number", "description": "What you paid per litre, in euros", "min": 0.5, "max": 5],
                                 ["name": "reason", "type": "string", "description": "What would make you switch stations"]]
        let create: JSONValue = ["name": "Fuel", "brief": "How drivers choose where to fill up.", "schema": schema,
                                 "phones": [.string(dana), .string(sam), .string(kim), "not a number"]]
        let created = try server.send("POST", "/campaigns", headers: auth, body: create.jsonText)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.json?["rejected_phones"]?.arrayValue?.count == 1)
        let id = try #require(created.json?["campaign"]?["id"]?.intValue)
        #expect(try server.send("POST", "/campaigns/\(id)/launch", headers: auth, body: "{}").status == 200)
        let outreach = try Binaries.run("send-outreach", environment: ["DATABASE_URL": server.databaseURL], workingDirectory: server.state.path)
        #expect(outreach.json?["outreach"]?["sent"] == 3, "\(outreach.stdoutText) \(outreach.stderr)")

        // Signatures: missing, tampered, signed for the internal address: all 403, nothing stored.
        let first = Self.webhook(dana, "Hi, sure!", sid: "SMe2e0001")
        var unsigned = ["Content-Type": "application/x-www-form-urlencoded"]
        #expect(try server.send("POST", "/twilio/inbound", headers: unsigned, body: Self.formBody(first)).status == 403)
        unsigned["X-Twilio-Signature"] = TwilioSignature.compute(authToken: Self.token, url: Self.publicBase + "/twilio/inbound", parameters: first)
        let tampered = Self.formBody(first).replacingOccurrences(of: "Hi%2C%20sure%21", with: "STOP")
        #expect(try server.send("POST", "/twilio/inbound", headers: unsigned, body: tampered).status == 403)
        let signedInternally = try Self.post(server, "/twilio/inbound", first, signedFor: "http://127.0.0.1:\(server.port)/twilio/inbound")
        #expect(signedInternally.status == 403)
        #expect(signedInternally.json?["error"]?["code"] == "forbidden")

        let accepted = try Self.post(server, "/twilio/inbound", first)
        #expect(accepted.status == 200, "\(accepted.text)")
        #expect(accepted.header("content-type") == "text/xml; charset=utf-8")
        #expect(accepted.text == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>")
        #expect(try Self.post(server, "/twilio/inbound", first).status == 200, "a duplicate is answered as before")

        // Signed by Twilio's own library: accepted the same way.
        let library = try Binaries.run("/usr/bin/env", arguments: [
            "python3", NginxServer.repositoryRoot.appendingPathComponent("infra/twilio/webhooks.py").path, "send", "--token", Self.token,
            "--url", Self.publicBase + "/twilio/inbound", "--to", "http://127.0.0.1:\(server.port)/twilio/inbound",
        ] + Self.webhook(dana, "Mostly Aral", sid: "SMe2e0002").map { "\($0.0)=\($0.1)" }, workingDirectory: server.state.path)
        #expect(library.stdoutText.hasPrefix("200\n"), "\(library.stdoutText) \(library.stderr)")

        // Four messages from Sam at once: stored in arrival order, answered one at a time, one reply each.
        let bodies = ["Shell", "about 5", "sometimes more", "ok"]
        let replies = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: bodies.count) { index in
            let status = (try? Self.post(server, "/twilio/inbound", Self.webhook(sam, bodies[index], sid: "SMsam\(index)")).status) ?? 0
            replies.withLock { $0.append(status) }
        }
        #expect(replies.withLock { $0 } == [200, 200, 200, 200])
        let samID = try #require(try server.send("GET", "/campaigns/\(id)/conversations", headers: auth).json?["conversations"]?
            .arrayValue?.first { $0["phone"] == .string(sam) }?["id"]?.intValue)
        let transcript = try server.send("GET", "/conversations/\(samID)", headers: auth).json?["messages"]?.arrayValue ?? []
        let inbound = transcript.filter { $0["direction"] == "inbound" }
        let answers = transcript.filter { $0["direction"] == "outbound" && $0["kind"] != "opening" }
        #expect(inbound.count == 4)
        #expect(answers.map { $0["in_reply_to"] } == inbound.map { $0["id"] })

        // Kim opts out: one goodbye, conversation abandoned.
        #expect(try Self.post(server, "/twilio/inbound", Self.webhook(kim, "STOP", sid: "SMkim")).status == 200)

        // Dana finishes: the brand came with "Mostly Aral".
        for (index, text) in ["3 times", "yes", "1.75", "=cheaper fuel, nearer"].enumerated() {
            #expect(try Self.post(server, "/twilio/inbound", Self.webhook(dana, text, sid: "SMdana\(index)")).status == 200)
        }
        let campaign = try server.send("GET", "/campaigns/\(id)", headers: auth).json
        #expect(campaign?["counts"]?["completed"] == 1)
        #expect(campaign?["counts"]?["abandoned"] == 1)
        #expect(campaign?["counts"]?["active"] == 1)
        let csv = try server.send("GET", "/campaigns/\(id)/extractions?format=csv", headers: auth)
        #expect(csv.status == 200)
        #expect(csv.header("content-type") == "text/csv; charset=utf-8")
        #expect(csv.header("content-disposition")?.contains("campaign-\(id)-extractions.csv") == true)
        #expect(csv.text.hasPrefix("conversation_id,phone,completed_at,brand,visits,card,price,reason\r\n"))
        #expect(csv.text.contains(",'\(dana),"))
        #expect(csv.text.hasSuffix(",Aral,3,true,1.75,\"'=cheaper fuel, nearer\"\r\n"), "\(csv.text)")

        // A signed delivery callback for the first opening.
        let callback = [("MessageSid", "outbox-1"), ("MessageStatus", "delivered"), ("AccountSid", "AC00000000000000000000000000000000")]
        let delivered = try Self.post(server, "/twilio/status", callback)
        #expect(delivered.status == 200, "\(delivered.text)")
        #expect(delivered.json?["updated"] == true)
    }
}

enum URLComponent {
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")) ?? text
    }
}
