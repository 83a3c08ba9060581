import Core
import FoundationEssentials

/// Slack's request signature (Slack's wire format, so it lives with the providers):
/// `X-Slack-Signature: v0=` + hex HMAC-SHA256(signing secret, `v0:{X-Slack-Request-Timestamp}:{raw body}`),
/// with the timestamp within five minutes of the clock either way (a replayed or post-dated
/// request is refused). The comparison takes the same time whatever differs.
package enum SlackSignature {
    /// How far the request's timestamp may be from the clock.
    package static let tolerance: Double = 5 * 60

    /// Why a signature was refused (nil from `check`: valid).
    package enum Refusal: Equatable, Sendable {
        case missingHeaders, malformedTimestamp, stale, future, mismatch

        package var message: String {
            switch self {
            case .missingHeaders: "the X-Slack-Signature and X-Slack-Request-Timestamp headers are missing"
            case .malformedTimestamp: "X-Slack-Request-Timestamp is not a Unix time in seconds"
            case .stale: "the Slack request timestamp is more than 5 minutes old (a replay, or the clock is off)"
            case .future: "the Slack request timestamp is more than 5 minutes in the future (check the clock)"
            case .mismatch: "X-Slack-Signature does not match this request; check SLACK_SIGNING_SECRET"
            }
        }
    }

    /// The signature Slack sends for this timestamp and body: `v0=<hex>`.
    package static func signature(secret: String, timestamp: String, body: [UInt8]) -> String {
        "v0=" + SHA256.hex(SHA256.hmac(key: Array(secret.utf8), message: Array("v0:\(timestamp):".utf8) + body))
    }

    /// Nil when the request is signed by the holder of `secret` within the time window; else why not.
    package static func check(secret: String, signature: String?, timestamp: String?, body: [UInt8], now: Date) -> Refusal? {
        guard let signature = signature?.trimmingWhitespace(), !signature.isEmpty,
              let timestamp = timestamp?.trimmingWhitespace(), !timestamp.isEmpty else { return .missingHeaders }
        guard timestamp.utf8.count <= 12, timestamp.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let seconds = Double(timestamp) else {
            return .malformedTimestamp
        }
        let age = now.timeIntervalSince1970 - seconds
        if age > tolerance { return .stale }
        if age < -tolerance { return .future }
        let expected = Array(Self.signature(secret: secret, timestamp: timestamp, body: body).utf8)
        return SHA256.constantTimeEquals(expected, Array(signature.lowercased().utf8)) ? nil : .mismatch
    }
}
