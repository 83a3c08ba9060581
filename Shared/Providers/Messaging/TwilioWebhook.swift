import Core
import HTTPTransport
import Runtime

/// What Twilio's webhooks share: the signature check, the fields, and the TwiML answer. Twilio's
/// wire format, so it lives with the Twilio client; the webhook handlers decide what a message means.
package enum TwilioWebhook {
    /// An empty TwiML answer: nothing is sent back through the webhook (replies go out through the
    /// REST API, so their delivery is tracked like any other message).
    package static let emptyResponse: JSONValue = ["content_type": "text/xml; charset=utf-8",
                                                   "body": "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>"]

    /// Verifies `X-Twilio-Signature` against the public URL of the request (`PUBLIC_BASE_URL` plus
    /// the path and query, as Twilio called it) and the exact form fields sent. Without
    /// `TWILIO_AUTH_TOKEN` every request is refused unless `TWILIO_SIGNATURE_CHECK=off` says
    /// otherwise, so a forgotten token never leaves the webhook open.
    package static func verify(_ context: FunctionContext) throws {
        let config = context.config
        if config["TWILIO_SIGNATURE_CHECK"]?.lowercased() == "off" {
            context.logger.warning("twilio.signature_check_off")
            return
        }
        guard let token = config["TWILIO_AUTH_TOKEN"], !token.isEmpty else {
            throw BundleError(.forbidden, "TWILIO_AUTH_TOKEN is not set, so the Twilio signature cannot be checked; set it, "
                              + "or set TWILIO_SIGNATURE_CHECK=off to accept unsigned requests (local testing only)")
        }
        guard let http = context.http, case .object = http else {
            throw BundleError(.forbidden, "no HTTP request to check the Twilio signature against; "
                              + "piped calls need TWILIO_SIGNATURE_CHECK=off")
        }
        guard let signature = http["headers"]?["x-twilio-signature"]?.stringValue, !signature.isEmpty else {
            throw BundleError(.forbidden, "the X-Twilio-Signature header is missing")
        }
        let url = http["url"]?.stringValue ?? ""
        let raw = http["raw_body"]?.stringValue ?? ""
        let type = http["headers"]?["content-type"]?.stringValue?.lowercased() ?? ""
        let isJSON = type.hasPrefix("application/json")
        // A JSON body is covered by the signature only through bodySHA256 in the URL.
        if isJSON, !url.contains("bodySHA256=") {
            throw BundleError(.forbidden, "a JSON webhook must carry bodySHA256 in its URL for its signature to cover the body")
        }
        let parameters = isJSON ? [] : FormEncoding.pairs(raw)
        guard TwilioSignature.isValid(signature: signature, authToken: token, url: url, parameters: parameters, rawBody: raw) else {
            context.logger.warning("twilio.signature_mismatch", ["url_host": .string(HTTPRequest(url: url).host)])
            throw BundleError(.forbidden, "X-Twilio-Signature does not match this request; check TWILIO_AUTH_TOKEN and that "
                              + "PUBLIC_BASE_URL is the address Twilio calls")
        }
    }

    /// A webhook parameter's schema: text in Twilio's forms, where a JSON webhook may send a number
    /// (`field` reads both), so the runtime's input check accepts both.
    package static let parameter: JSONValue = ["type": ["string", "number"]]

    /// A text field of the webhook: the first of `names` present, a number written as text.
    package static func field(_ input: JSONValue, _ names: String...) -> String? {
        for name in names {
            if let value = input[name]?.stringValue { return value }
            if let value = input[name]?.doubleValue { return JSONValue.number(value).jsonText }
        }
        return nil
    }
}
