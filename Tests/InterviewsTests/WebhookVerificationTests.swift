import Core
import FoundationEssentials
import Interviews
import Providers
import Runtime
import Testing

/// The webhook handlers' signature check over the `_http` envelope the gateway builds.
@Suite struct WebhookVerificationTests {
    let harness: Harness
    let token = "verify-token"
    let url = "https://research.example.com/twilio/inbound"
    let fields = [("MessageSid", "SMv1"), ("From", "whatsapp:+4915112345678"), ("Body", "Hello there")]

    init() throws {
        harness = try Harness()
    }

    var body: String { fields.map { "\($0.0)=\($0.1.replacing(":", with: "%3A").replacing("+", with: "%2B").replacing(" ", with: "+"))" }.joined(separator: "&") }

    func envelope(signature: String?, url: String? = nil, body: String? = nil, type: String = "application/x-www-form-urlencoded") -> JSONValue {
        var headers: [String: JSONValue] = ["content-type": .string(type)]
        headers["x-twilio-signature"] = signature.map(JSONValue.string)
        return ["method": "POST", "url": .string(url ?? self.url), "headers": .object(headers), "raw_body": .string(body ?? self.body)]
    }

    func call(_ http: JSONValue, _ values: [String: String]? = nil) async throws -> JSONValue {
        let input: JSONValue = .object(Dictionary(uniqueKeysWithValues: fields.map { ($0.0, JSONValue.string($0.1)) }))
        return try await InboundMessageHandler().handle(input, context: harness.context(values ?? ["TWILIO_AUTH_TOKEN": token, "TWILIO_SIGNATURE_CHECK": "on"],
                                                                                          http: http))
    }

    func expectForbidden(_ http: JSONValue, _ values: [String: String]? = nil, containing text: String) async {
        do {
            _ = try await call(http, values)
            Issue.record("expected forbidden")
        } catch let error as BundleError {
            #expect(error.code == .forbidden)
            #expect(error.message.contains(text), "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aValidSignatureIsAcceptedAndEveryOtherRefused() async throws {
        let signature = TwilioSignature.compute(authToken: token, url: url, parameters: fields)
        #expect(try await call(envelope(signature: signature))["outcome"] == "ignored", "accepted: an unknown sender")
        await expectForbidden(envelope(signature: nil), containing: "X-Twilio-Signature header is missing")
        await expectForbidden(envelope(signature: signature, body: body.replacing("Hello", with: "Jello")), containing: "does not match")
        await expectForbidden(envelope(signature: signature, url: "http://127.0.0.1:8080/twilio/inbound"), containing: "PUBLIC_BASE_URL")
        await expectForbidden(envelope(signature: signature), ["TWILIO_SIGNATURE_CHECK": "on"], containing: "TWILIO_AUTH_TOKEN is not set")
        await expectForbidden(.null, ["TWILIO_AUTH_TOKEN": token, "TWILIO_SIGNATURE_CHECK": "on"], containing: "no HTTP request")
        await expectForbidden(envelope(signature: signature, body: "{}", type: "application/json"), containing: "bodySHA256")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM messages") == 1, "refused requests store nothing")
    }
}
