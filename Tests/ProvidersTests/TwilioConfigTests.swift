import Core
import Foundation
import HTTPTransport
import Providers
import Testing

/// The original interview agent named its sender `TWILIO_WHATSAPP_FROM`; the bundle reads it as
/// `TWILIO_FROM` instead of failing for a missing sender.
@Suite struct TwilioConfigTests {
    let account = ["TWILIO_ACCOUNT_SID": "AC123", "TWILIO_AUTH_TOKEN": "token-123", "TWILIO_BASE_URL": "https://twilio.test"]

    func sentFrom(_ extra: [String: String]) async throws -> String? {
        let transport = FakeTransport()
        transport.expect("POST", "https://twilio.test/2010-04-01/Accounts/AC123/Messages.json",
                         respond: .json(201, ["sid": "SM1", "status": "queued"]))
        let messenger = try TwilioMessenger(config: Config(account.merging(extra) { $1 }), transport: transport)
        _ = try await messenger.send(OutgoingMessage(to: "+4915100000001", body: "Hi", reference: 1), deadline: Deadline(seconds: 5))
        let body = String(decoding: try #require(transport.received.first).body, as: UTF8.self)
        return body.split(separator: "&").first { $0.hasPrefix("From=") }.map { String($0.dropFirst(5)).removingPercentEncoding ?? "" }
    }

    @Test func theOriginalsSenderVariableIsRead() async throws {
        #expect(try await sentFrom(["TWILIO_WHATSAPP_FROM": "whatsapp:+14155238886"]) == "whatsapp:+14155238886")
        #expect(try await sentFrom(["TWILIO_FROM": "+14155238886"]) == "whatsapp:+14155238886")
        // The same number written both ways is one sender.
        #expect(try await sentFrom(["TWILIO_FROM": "+14155238886", "TWILIO_WHATSAPP_FROM": "whatsapp:+14155238886"]) == "whatsapp:+14155238886")
    }

    @Test func twoDifferentSendersAreMisconfigured() throws {
        do {
            _ = try TwilioMessenger(config: Config(account.merging(["TWILIO_FROM": "+14155238886", "TWILIO_WHATSAPP_FROM": "whatsapp:+15005550006"]) { $1 }),
                                    transport: FakeTransport())
            Issue.record("expected misconfigured")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
            #expect(error.message.contains("TWILIO_WHATSAPP_FROM"))
        }
        #expect(throws: BundleError.self) { try TwilioMessenger(config: Config(account), transport: FakeTransport()) }
    }
}
