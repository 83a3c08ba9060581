/// The contract's error codes. Each code fixes the HTTP status and the process exit code
/// (DESIGN.md's table), so callers never have to agree on them separately.
package struct ErrorCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    package let rawValue: String
    package init(rawValue: String) { self.rawValue = rawValue }

    package static let invalidRequest = ErrorCode(rawValue: "invalid_request")
    package static let payloadTooLarge = ErrorCode(rawValue: "payload_too_large")
    package static let unauthorized = ErrorCode(rawValue: "unauthorized")
    package static let forbidden = ErrorCode(rawValue: "forbidden")
    package static let notFound = ErrorCode(rawValue: "not_found")
    /// The gateway's answer to a known path with another method (405, with `Allow`).
    package static let methodNotAllowed = ErrorCode(rawValue: "method_not_allowed")
    package static let conflict = ErrorCode(rawValue: "conflict")
    package static let validationFailed = ErrorCode(rawValue: "validation_failed")
    package static let rateLimited = ErrorCode(rawValue: "rate_limited")
    package static let upstreamFailed = ErrorCode(rawValue: "upstream_failed")
    package static let unavailable = ErrorCode(rawValue: "unavailable")
    package static let timeout = ErrorCode(rawValue: "timeout")
    package static let misconfigured = ErrorCode(rawValue: "misconfigured")
    package static let `internal` = ErrorCode(rawValue: "internal")

    package static let all: [ErrorCode] = [
        .invalidRequest, .payloadTooLarge, .unauthorized, .forbidden, .notFound, .methodNotAllowed, .conflict,
        .validationFailed, .rateLimited, .upstreamFailed, .unavailable, .timeout, .misconfigured, .internal,
    ]

    package var httpStatus: Int {
        switch self {
        case .invalidRequest: 400
        case .payloadTooLarge: 413
        case .unauthorized: 401
        case .forbidden: 403
        case .notFound: 404
        case .methodNotAllowed: 405
        case .conflict: 409
        case .validationFailed: 422
        case .rateLimited: 429
        case .upstreamFailed: 502
        case .unavailable: 503
        case .timeout: 504
        default: 500  // misconfigured, internal, and any unknown code
        }
    }

    /// sysexits(3) values: 64 usage, 65 data, 66 no input, 69 unavailable, 70 software,
    /// 75 temporary failure, 77 permission, 78 configuration.
    package var exitCode: Int32 {
        switch self {
        case .invalidRequest, .payloadTooLarge, .methodNotAllowed: 64
        case .unauthorized, .forbidden: 77
        case .notFound: 66
        case .conflict, .validationFailed: 65
        case .rateLimited, .unavailable, .timeout: 75
        case .upstreamFailed: 69
        case .misconfigured: 78
        default: 70
        }
    }

    /// Whether running the same input again can succeed (the job worker's retry rule).
    package var isRetryable: Bool {
        switch self {
        case .rateLimited, .upstreamFailed, .unavailable, .timeout, .internal: true
        default: false
        }
    }

    package var description: String { rawValue }

    package init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// One problem with one field of the input, for `error.details`.
package struct ErrorDetail: Codable, Sendable, Hashable {
    package var field: String
    package var problem: String

    package init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }
}

/// The one error type that crosses module boundaries and reaches callers. Messages are for
/// people: they say what is wrong and what to fix, and never carry secrets.
package struct BundleError: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    package var code: ErrorCode
    package var message: String
    package var details: [ErrorDetail]?
    /// False when running the same input again cannot help although the code usually can (a
    /// model's answer that failed validation after its repair round): retries then stop at once.
    /// Internal to the bundle: not part of the error document.
    package var retryable: Bool = true

    private enum CodingKeys: String, CodingKey { case code, message, details }

    package init(_ code: ErrorCode, _ message: String, details: [ErrorDetail]? = nil, retryable: Bool = true) {
        self.code = code
        self.message = message
        self.details = details?.isEmpty == true ? nil : details
        self.retryable = retryable
    }

    /// Whether running the same input again can succeed: the code's rule, unless this error says no.
    package var isRetryable: Bool { retryable && code.isRetryable }

    package var description: String { "\(code): \(message)" }

    /// At most this many problems are listed, so that input with thousands of bad fields gets an
    /// answer (and a log line) of bounded size; the message still gives the total.
    package static let listedProblems = 20

    package static func validation(_ details: [ErrorDetail]) -> BundleError {
        let listed = Array(details.prefix(listedProblems))
        let more = details.count - listed.count
        let message = details.count == 1
            ? "\(details[0].field): \(details[0].problem)"
            : "\(details.count) fields are invalid: " + listed.map(\.field).joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
        return BundleError(.validationFailed, message, details: listed)
    }

    package static func validation(field: String, _ problem: String) -> BundleError {
        validation([ErrorDetail(field: field, problem: problem)])
    }

    package static func misconfigured(variable: String, _ problem: String) -> BundleError {
        BundleError(.misconfigured, "\(variable) \(problem)", details: [ErrorDetail(field: variable, problem: problem)])
    }

    /// An upstream refused the credentials in `variable` (HTTP 401 or 403): `misconfigured`,
    /// naming the variable to fix. A 401 means the value is wrong; a 403 usually means it is
    /// valid but lacks access (a missing scope, a resource not shared with it), which `access`
    /// can say in the service's own terms. The upstream's own text is left out: it is not the
    /// caller's to act on, and some upstreams echo the credentials they refused.
    package static func credentialsRefused(variable: String, by service: String, status: Int, access: String? = nil) -> BundleError {
        if status == 403 {
            let problem = "was not allowed access by \(service) (HTTP 403)"
            let fix = access ?? "grant it access to what the bundle uses (scopes, sharing, permissions)"
            return BundleError(.misconfigured, "\(variable) \(problem): the value was accepted but lacks access; \(fix)",
                               details: [ErrorDetail(field: variable, problem: problem)])
        }
        let problem = "was refused by \(service) (HTTP \(status))"
        return BundleError(.misconfigured, "\(variable) \(problem); set a valid value", details: [ErrorDetail(field: variable, problem: problem)])
    }
}

extension BundleError {
    /// The contract's failure document, `{"error": {...}}`, built without an encoder so the
    /// crash guard and the deadline can pre-render it cheaply.
    package var document: JSONValue {
        var fields: [String: JSONValue] = ["code": .string(code.rawValue), "message": .string(message)]
        if let details {
            fields["details"] = .array(details.map { ["field": .string($0.field), "problem": .string($0.problem)] })
        }
        return ["error": .object(fields)]
    }
}

/// The contract's failure document: `{"error": {...}}`.
package struct ErrorEnvelope: Codable, Sendable {
    package var error: BundleError
    package init(_ error: BundleError) { self.error = error }
}

extension BundleError {
    /// Any error as the contract's error: itself, what a lower layer says it means, or `fallback`.
    package static func converting(_ error: any Error, otherwise fallback: @autoclosure () -> BundleError) -> BundleError {
        (error as? BundleError) ?? (error as? any BundleErrorConvertible)?.bundleError ?? fallback()
    }
}

/// Errors from lower layers (SQLite, transport) that know which contract code they mean.
package protocol BundleErrorConvertible: Error {
    var bundleError: BundleError { get }
}
