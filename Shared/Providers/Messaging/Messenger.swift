import Core
import HTTPTransport

/// One outgoing chat message: free text, or an approved template (`contentSid` with variables),
/// which WhatsApp requires for business-initiated messages outside the 24-hour window.
package struct OutgoingMessage: Sendable, Equatable {
    /// E.164, without a channel prefix.
    package var to: String
    package var body: String?
    package var contentSid: String?
    package var contentVariables: [String: String]?
    /// Our own message id: the outbox uses it for its sid.
    package var reference: Int

    package init(to: String, body: String?, contentSid: String? = nil, contentVariables: [String: String]? = nil, reference: Int) {
        self.to = to
        self.body = body
        self.contentSid = contentSid
        self.contentVariables = contentVariables
        self.reference = reference
    }
}

/// What the provider said when it took a message.
package struct SentMessage: Sendable, Equatable {
    package var sid: String
    /// The provider's status (`queued`, `accepted`, `sent`…), or `outbox` when it was only stored.
    package var status: String

    package init(sid: String, status: String) {
        self.sid = sid
        self.status = status
    }
}

/// A message the provider refused, with its own error code (Twilio's `code`), so callers can
/// tell an opted-out person (21610, 131050) from a bad number or a passing failure.
package struct MessagingError: BundleErrorConvertible, CustomStringConvertible {
    package static let optOutCodes: Set<Int> = [21610, 131050]

    package let providerCode: Int?
    package let httpStatus: Int?
    package let message: String
    package let isRetryable: Bool

    package init(providerCode: Int?, httpStatus: Int?, message: String, isRetryable: Bool) {
        self.providerCode = providerCode
        self.httpStatus = httpStatus
        self.message = message
        self.isRetryable = isRetryable
    }

    package var isOptOut: Bool { providerCode.map(Self.optOutCodes.contains) ?? false }
    package var description: String { message }

    package var bundleError: BundleError {
        if httpStatus == 429 { return BundleError(.rateLimited, message) }
        if httpStatus == 401 || httpStatus == 403 { return BundleError(.misconfigured, message) }
        return BundleError(isRetryable ? .upstreamFailed : .validationFailed, message)
    }
}

/// Sends chat messages: Twilio, or the `outbox` (stored, never sent) so every function runs on
/// a machine with no keys.
package protocol Messenger: Sendable {
    /// `twilio` or `outbox`.
    var name: String { get }
    func send(_ message: OutgoingMessage, deadline: Deadline) async throws -> SentMessage
}

/// The default messenger: nothing leaves the machine. The message stays in the database with
/// status `outbox`, which is what `get-conversation` shows.
package struct OutboxMessenger: Messenger {
    package let name = "outbox"
    package init() {}

    package func send(_ message: OutgoingMessage, deadline: Deadline) async throws -> SentMessage {
        SentMessage(sid: "outbox-\(message.reference)", status: "outbox")
    }
}

/// Chooses the messenger: `MESSAGING_PROVIDER` = `twilio` or `outbox`; unset, `twilio` when
/// `TWILIO_ACCOUNT_SID` is set, else `outbox`.
package enum MessengerSelection {
    package static func name(_ config: Config) throws -> String {
        switch config["MESSAGING_PROVIDER"]?.lowercased() {
        case nil, "": return config["TWILIO_ACCOUNT_SID"] == nil ? "outbox" : "twilio"
        case "twilio": return "twilio"
        case "outbox", "none": return "outbox"
        case let other?:
            throw BundleError.misconfigured(variable: "MESSAGING_PROVIDER", "must be twilio or outbox, got \"\(other.prefix(40))\"")
        }
    }

    package static func make(_ config: Config, transport: @autoclosure () throws -> any Transport) throws -> any Messenger {
        try name(config) == "twilio" ? try TwilioMessenger(config: config, transport: try transport()) : OutboxMessenger()
    }
}
