import Core
import FoundationEssentials

/// A `PATCH /api/v1/outreach/{draft_id}` body: a new subject and/or body (checked, never
/// refused: problems come back as warnings) and/or `sent_at` (marks the draft sent). Fields a
/// person cannot set are refused by name ("not editable"); an unknown field never reaches here
/// (the closed input schema names it with a did-you-mean).
package struct OutreachEdit: Sendable, Equatable {
    package var subject: String?
    package var body: String?
    package var sentAt: Date?

    static let computed: Set<String> = ["prospect_id", "event_id", "run_id", "suggested_solutions", "context_used", "warnings",
                                        "without_research", "word_count", "edited_at", "created_at", "updated_at"]

    package init(subject: String? = nil, body: String? = nil, sentAt: Date? = nil) {
        self.subject = subject
        self.body = body
        self.sentAt = sentAt
    }

    /// How far `sent_at` may be ahead of the clock (clocks differ a little); beyond, it is a mistake.
    static let futureTolerance: TimeInterval = 300

    /// `now` is the bundle's clock: a `sent_at` more than a few minutes after it is refused.
    package init(_ input: JSONValue, now: Date) throws {
        guard case .object(let fields) = input else { throw BundleError(.invalidRequest, "the body must be a JSON object") }
        var problems: [ErrorDetail] = []
        for field in fields.keys.sorted() where Self.computed.contains(field) {
            problems.append(ErrorDetail(field: field, problem: "is not editable (set by the outreach workflow)"))
        }
        func text(_ field: String) -> String? {
            guard let value = fields[field] else { return nil }
            guard let string = value.stringValue, !string.trimmingWhitespace().isEmpty else {
                problems.append(ErrorDetail(field: field, problem: "must be a non-blank string"))
                return nil
            }
            return string.trimmingWhitespace()
        }
        subject = text("subject")
        body = text("body")
        if let value = fields["sent_at"] {
            if let string = value.stringValue, let date = Timestamp.parse(string.trimmingWhitespace()) {
                if date.timeIntervalSince(now) > Self.futureTolerance {
                    problems.append(ErrorDetail(field: "sent_at", problem: "is in the future (the time now is \(Timestamp.format(now))): give when the email was sent"))
                } else {
                    sentAt = date
                }
            } else {
                problems.append(ErrorDetail(field: "sent_at", problem: "must be an ISO-8601 time (when the email was sent); a sent draft cannot be unsent"))
            }
        }
        if !problems.isEmpty { throw BundleError.validation(problems) }
        if subject == nil, body == nil, sentAt == nil {
            throw BundleError.validation(field: "$", "no field to change: send subject, body or sent_at")
        }
    }

    /// The input schema: the editable fields, and the computed ones (so they are refused by name).
    package static let schema: JSONValue = {
        let refused = Schema.any
        return Schema.object([
            "draft_id": Schema.integer(minimum: 1),
            "subject": Schema.string(minLength: 1, maxLength: 500),
            "body": Schema.string(minLength: 1, maxLength: 20_000),
            "sent_at": Schema.string("When the email was sent (ISO-8601, not in the future): marks the draft sent, records an email interaction, moves the prospect to contacted",
                                     format: "date-time"),
            "prospect_id": refused, "event_id": refused, "run_id": refused, "suggested_solutions": refused, "context_used": refused,
            "warnings": refused, "without_research": refused, "word_count": refused, "edited_at": refused, "created_at": refused,
            "updated_at": refused,
        ], required: ["draft_id"])
    }()
}
