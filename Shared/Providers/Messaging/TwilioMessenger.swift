import Core
import FoundationEssentials
import HTTPTransport

/// Twilio's Messages API: `POST {base}/2010-04-01/Accounts/{Sid}/Messages.json`, HTTP Basic
/// (account SID and auth token, or an API key SID and secret), form fields `To`, `From` or
/// `MessagingServiceSid`, and `Body` or `ContentSid` + `ContentVariables`. Success is 201 with
/// the message's `sid`; errors carry Twilio's own `code`.
package struct TwilioMessenger: Messenger {
    package static let defaultBaseURL = "https://api.twilio.com"
    package let name = "twilio"
    let baseURL: String
    let accountSID: String
    let credentials: (user: String, password: String)
    /// The variable holding the secret half of `credentials`, named when Twilio refuses them.
    let keyVariable: String
    let from: String?
    let messagingServiceSID: String?
    /// `whatsapp:` by default; empty for SMS.
    let channelPrefix: String
    let statusCallback: String?
    let transport: any Transport

    package init(config: Config, transport: any Transport) throws {
        accountSID = try config.require("TWILIO_ACCOUNT_SID", for: "sending through Twilio")
        keyVariable = config["TWILIO_API_KEY_SID"] == nil ? "TWILIO_AUTH_TOKEN" : "TWILIO_API_KEY_SECRET"
        if let keySID = config["TWILIO_API_KEY_SID"] {
            credentials = (keySID, try config.require("TWILIO_API_KEY_SECRET", for: "Twilio API key authentication"))
        } else {
            credentials = (accountSID, try config.require("TWILIO_AUTH_TOKEN", for: "sending through Twilio"))
        }
        let channel = config["TWILIO_CHANNEL"]?.lowercased() ?? "whatsapp"
        guard channel == "whatsapp" || channel == "sms" else {
            throw BundleError.misconfigured(variable: "TWILIO_CHANNEL", "must be whatsapp or sms")
        }
        let prefix = channel == "whatsapp" ? "whatsapp:" : ""
        channelPrefix = prefix
        from = try Self.sender(config).map { number in number.hasPrefix(prefix) ? number : prefix + number }
        messagingServiceSID = config["TWILIO_MESSAGING_SERVICE_SID"]
        if from == nil, messagingServiceSID == nil {
            throw BundleError.misconfigured(variable: "TWILIO_FROM",
                                            "is not set (nor TWILIO_WHATSAPP_FROM); Twilio needs the sender (whatsapp:+14155238886) or TWILIO_MESSAGING_SERVICE_SID")
        }
        let base = config["TWILIO_BASE_URL"] ?? Self.defaultBaseURL
        baseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        // Delivery callbacks need the public address Twilio can reach.
        statusCallback = config["TWILIO_STATUS_CALLBACK_URL"] ?? config["PUBLIC_BASE_URL"].map { base in
            (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/twilio/status"
        }
        self.transport = transport
    }

    /// The sender: `TWILIO_FROM`, or `TWILIO_WHATSAPP_FROM` as the original interview agent named
    /// it. Both set to different numbers is `misconfigured`: picking one would send from a number
    /// the operator may not expect. The same number with and without `whatsapp:` counts as one.
    package static func sender(_ config: Config) throws -> String? {
        let bundle = config["TWILIO_FROM"]?.trimmingWhitespace()
        let original = config["TWILIO_WHATSAPP_FROM"]?.trimmingWhitespace()
        guard let bundle, let original else { return bundle ?? original }
        func number(_ value: String) -> String { value.lowercased().hasPrefix("whatsapp:") ? String(value.dropFirst(9)) : value }
        guard number(bundle) == number(original) else {
            throw BundleError.misconfigured(variable: "TWILIO_FROM",
                "and TWILIO_WHATSAPP_FROM name different senders (\(bundle), \(original)); set one of them")
        }
        return bundle
    }

    package func send(_ message: OutgoingMessage, deadline: Deadline) async throws -> SentMessage {
        var fields: [(String, String)] = [("To", channelPrefix + message.to)]
        if let messagingServiceSID { fields.append(("MessagingServiceSid", messagingServiceSID)) } else if let from { fields.append(("From", from)) }
        if let contentSid = message.contentSid {
            fields.append(("ContentSid", contentSid))
            if let variables = message.contentVariables {
                fields.append(("ContentVariables", JSONValue.object(variables.mapValues(JSONValue.string)).jsonText))
            }
        } else {
            fields.append(("Body", message.body ?? ""))
        }
        if let statusCallback { fields.append(("StatusCallback", statusCallback)) }
        let body = FormEncoding.encode(fields)
        let authorization = "Basic " + Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString()
        let request = HTTPRequest(method: "POST", url: "\(baseURL)/2010-04-01/Accounts/\(URLEncoding.component(accountSID))/Messages.json",
                                  headers: [("Authorization", authorization), ("Content-Type", "application/x-www-form-urlencoded"),
                                            ("Accept", "application/json")],
                                  body: Array(body.utf8), timeout: .seconds(30))
        let response = try await transport.send(request, deadline: deadline)
        let json = response.json
        guard response.isSuccess, let sid = json?["sid"]?.stringValue else {
            let code = json?["code"]?.intValue
            let text = json?["message"]?.stringValue ?? "HTTP \(response.status)"
            // 429 (20429) was never processed; 5xx may be a passing fault. Other 4xx will not change.
            let retryable = response.status == 429 || response.status >= 500 || (response.isSuccess && json?["sid"] == nil)
            let message = response.status == 401 || response.status == 403
                ? BundleError.credentialsRefused(variable: keyVariable, by: "Twilio", status: response.status).message
                : "Twilio refused the message" + (code.map { " (\($0))" } ?? "") + ": \(text.prefix(300))"
            throw MessagingError(providerCode: code, httpStatus: response.status, message: message, isRetryable: retryable)
        }
        return SentMessage(sid: sid, status: json?["status"]?.stringValue ?? "queued")
    }
}
