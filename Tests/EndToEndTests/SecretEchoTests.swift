import Core
import Foundation
import Store
import TestSupport
import Testing

/// An upstream that echoes the credentials it was sent: nothing stored or answered may carry them,
/// and a refused key is named by its variable, not by the upstream's text.
@Suite struct SecretEchoTests {
    let directory: TemporaryDirectory
    let sid = "AC0123456789abcdef0123456789abcdef"
    let token = "f00dfeedc0ffee1234567890abcdef42"
    var basic: String { Data("\(sid):\(token)".utf8).base64EncodedString() }

    init() throws {
        directory = try TemporaryDirectory()
    }

    func run(_ name: String, _ stdin: String, _ environment: [String: String]) throws -> ProcessResult {
        try Binaries.run(name, stdin: stdin, environment: environment, workingDirectory: directory.path)
    }

    /// `escaped`: the upstream JSON-escapes its echo as PHP (`\/`) and .NET (`\u002B`) do.
    func sendOutreach(twilioStatus: Int, escaped: Bool = false) throws -> (outreach: ProcessResult, conversation: ProcessResult, server: LoopbackServer) {
        let token = token
        let server = try LoopbackServer { request in
            if escaped {
                let echo = "bad request from \(request.header("Authorization") ?? "-") token \(token)"
                    .replacing("/", with: "\\/").replacing("+", with: "\\u002B").replacing("f00d", with: "f\\u0030\\u0030d")
                    .replacing("Z", with: "\\u005a")
                return ScriptedResponse(status: twilioStatus, headers: ["Content-Type": "application/json"],
                                        body: Array(#"{"code": 21211, "message": "\#(echo)"}"#.utf8))
            }
            // Twilio-shaped error that quotes the request's credentials back.
            let echoed = "bad request from \(request.header("Authorization") ?? "-") token=\(request.body.isEmpty ? "" : "x")"
            return .json(twilioStatus, ["code": 21211, "message": .string(echoed + " " + String(decoding: Data(request.header("Authorization")?.utf8 ?? "".utf8), as: UTF8.self)),
                                        "more_info": "https://www.twilio.com/docs/errors/21211"])
        }
        let environment = ["BUNDLE_NOW": "2026-03-02T09:00:00Z", "MESSAGING_PROVIDER": "twilio", "TWILIO_BASE_URL": server.baseURL,
                           "TWILIO_ACCOUNT_SID": sid, "TWILIO_AUTH_TOKEN": token, "TWILIO_FROM": "+14155238886"]
        let campaign = #"{"name": "Echo", "brief": "How people choose a fuel station.", "schema": [{"name": "brand", "type": "string", "description": "Brand"}], "phones": ["+491511234567"]}"#
        #expect(try run("create-campaign", campaign, environment).exitCode == 0)
        #expect(try run("launch-campaign", #"{"id": 1}"#, environment).exitCode == 0)
        let outreach = try run("send-outreach", "", environment)
        let conversation = try run("get-conversation", #"{"id": 1}"#, environment)
        return (outreach, conversation, server)
    }

    /// Everything the database holds, as text: the SQLite file and its WAL byte for byte, or on
    /// PostgreSQL every row of every table in the test's schema.
    func storedText() throws -> String {
        let path = directory.file("var/bundle.sqlite")
        guard TestDatabase.dialect == .postgresql else {
            return ["", "-wal"].compactMap { try? String(contentsOfFile: path + $0, encoding: .isoLatin1) }.joined()
        }
        return try TestDatabase.open(path, migrations: []).read { sql in
            let tables = try sql.query("""
                SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
                """).compactMap { $0.optionalString("table_name") }
            #expect(tables.contains("conversations"), "\(tables)")
            return try tables.map { table in
                try sql.query("SELECT CAST(t AS TEXT) AS r FROM \"\(table)\" t").compactMap { $0.optionalString("r") }.joined(separator: "\n")
            }.joined(separator: "\n")
        }
    }

    @Test(arguments: [false, true])
    func credentialsEchoedInAnUpstreamErrorAreNeitherStoredNorServed(escaped: Bool) throws {
        let (outreach, conversation, server) = try sendOutreach(twilioStatus: 400, escaped: escaped)
        #expect(server.requests.first?.header("Authorization") == "Basic \(basic)", "the fake saw the real credentials")
        #expect(conversation.exitCode == 0, "\(conversation.stdoutText)")
        #expect(conversation.stdoutText.contains("[redacted]"), "\(conversation.stdoutText)")
        for result in [outreach, conversation] {
            #expect(!result.stdoutText.contains(token))
            #expect(!result.stdoutText.contains(String(basic.dropFirst(48).prefix(16))), "no stretch of the Basic credentials")
            #expect(!result.stderr.contains(token))
        }
        let stored = try storedText()
        #expect(!stored.contains(token), "nothing in the database")
        #expect(!stored.contains(String(basic.dropFirst(48).prefix(16))))
    }

    @Test func aRefusedKeyNamesTheVariableAndNotTheUpstreamsText() throws {
        let (outreach, conversation, _) = try sendOutreach(twilioStatus: 401)
        #expect(outreach.stdoutText.contains("TWILIO_AUTH_TOKEN was refused by Twilio (HTTP 401)") ||
                conversation.stdoutText.contains("TWILIO_AUTH_TOKEN was refused by Twilio (HTTP 401)"),
                "\(outreach.stdoutText) \(conversation.stdoutText)")
        #expect(!conversation.stdoutText.contains("bad request from"))
        #expect(!outreach.stdoutText.contains("bad request from"))
    }
}
