import Core
import Store

/// A `PATCH /api/v1/prospects/{id}` body, checked field by field like the candidate PATCH: only
/// the person's own fields can change, `null` clears an optional one, computed fields (`id`,
/// `company_id`, the timestamps) are refused by name, and an unknown field never reaches here
/// (the closed input schema names it with a did-you-mean).
package struct ProspectEdit: Sendable {
    static let required: Set<String> = ["linkedin_url", "full_name", "title", "company_name"]
    static let optional: Set<String> = ["company_size", "industry", "location", "email", "phone", "last_contacted"]
    static let computed: Set<String> = ["company_id", "company", "created_at", "updated_at"]

    /// Column → new value, in field order.
    package private(set) var columns: [(String, any SQLBindable & Sendable)] = []
    package private(set) var fields: [String] = []
    /// The new company name, when it changes (the store re-links the company).
    package private(set) var companyName: String?
    /// The new LinkedIn URL (normalised), when it changes.
    package private(set) var linkedinURL: String?
    private var texts: [String: String] = [:]

    package init(_ input: JSONValue) throws {
        guard case .object(let body) = input else { throw BundleError(.invalidRequest, "the body must be a JSON object") }
        var problems: [ErrorDetail] = []
        var raw: [String: String?] = [:]
        for (field, value) in body.sorted(by: { $0.key < $1.key }) where field != "_http" && field != "id" {
            if Self.computed.contains(field) {
                problems.append(ErrorDetail(field: field, problem: "is not editable (computed)"))
                continue
            }
            guard Self.required.contains(field) || Self.optional.contains(field) || field == "status" else {
                problems.append(ErrorDetail(field: field, problem: "unknown field; editable: "
                                            + Self.required.union(Self.optional).union(["status"]).sorted().joined(separator: ", ")))
                continue
            }
            switch value {
            case .null where Self.required.contains(field) || field == "status":
                problems.append(ErrorDetail(field: field, problem: "is required and cannot be cleared"))
            case .null:
                columns.append((field, String?.none))
                fields.append(field)
            case .string(let text):
                raw[field] = text
                fields.append(field)
            default:
                problems.append(ErrorDetail(field: field, problem: "must be a string" + (Self.optional.contains(field) ? " or null" : "")))
            }
        }
        // The given values go through the same checks as a new prospect's.
        switch ProspectFields.check(raw, partial: true) {
        case .failure(let found): problems += found.details
        case .success(let checked):
            for field in fields where raw[field] != nil {
                let value: String? = switch field {
                case "linkedin_url": checked.linkedinURL
                case "full_name": checked.fullName
                case "title": checked.title
                case "company_name": checked.companyName
                case "company_size": checked.companySize
                case "industry": checked.industry
                case "location": checked.location
                case "email": checked.email
                case "phone": checked.phone
                case "status": checked.status
                default: raw[field] ?? nil
                }
                if field == "last_contacted" {
                    guard let text = value, let date = Timestamp.parse(text.trimmingWhitespace()) else {
                        problems.append(ErrorDetail(field: field, problem: "must be an ISO-8601 time or null"))
                        continue
                    }
                    columns.append((field, date))
                    continue
                }
                if let value { texts[field] = value }
                columns.append((field, value))
                if field == "company_name" { companyName = value }
                if field == "linkedin_url" { linkedinURL = value }
            }
        }
        if !problems.isEmpty { throw BundleError.validation(problems) }
        if fields.isEmpty { throw BundleError.validation(field: "body", "no field to change") }
    }

    /// The new text of a field this edit sets.
    package func text(_ field: String) -> String? { texts[field] }

    /// The input schema: every editable field; computed ones are listed so that they are refused
    /// by name ("not editable") rather than as unknown.
    package static let schema: JSONValue = {
        let text = Schema.nullable(Schema.string(maxLength: ProspectFields.maxLength))
        let refused = Schema.any
        return Schema.object([
            "id": Schema.integer(minimum: 1),
            "linkedin_url": Schema.string(maxLength: ProspectFields.maxLength), "full_name": Schema.string(maxLength: ProspectFields.maxLength),
            "title": Schema.string(maxLength: ProspectFields.maxLength), "company_name": Schema.string(maxLength: ProspectFields.maxLength),
            "company_size": text, "industry": text, "location": text, "email": text, "phone": text,
            "status": Schema.string(enum: Prospect.statuses),
            "last_contacted": Schema.nullable(Schema.string("ISO-8601 time", format: "date-time")),
            "company_id": refused, "company": refused, "created_at": refused, "updated_at": refused,
        ], required: ["id"])
    }()
}
