import Core
import Store

/// One uploaded file as the API shows it: how many rows it had, what was accepted, each
/// rejected row with its line and reason, the rows that repeated an earlier one, and the job
/// that scores it.
package struct Upload: Codable, Sendable, Equatable {
    package struct Duplicate: Codable, Sendable, Equatable {
        package var line: Int
        package var sameAsLine: Int
        package var candidateID: Int

        enum CodingKeys: String, CodingKey {
            case line
            case sameAsLine = "same_as_line"
            case candidateID = "candidate_id"
        }
    }

    package var id: Int
    package var roleID: Int
    package var fileName: String?
    package var delimiter: String
    package var columns: [String: String]
    package var rows: Int
    package var accepted: Int
    package var createdCandidates: Int
    package var updatedCandidates: Int
    package var rejected: [CandidateSheet.RowNote]
    package var duplicates: [Duplicate]
    package var warnings: [CandidateSheet.RowNote]
    package var jobID: Int?
    package var createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, delimiter, columns, rows, accepted, rejected, duplicates, warnings
        case roleID = "role_id"
        case fileName = "file_name"
        case createdCandidates = "created_candidates"
        case updatedCandidates = "updated_candidates"
        case jobID = "job_id"
        case createdAt = "created_at"
    }

    init(row: Row) throws {
        id = try row.int("id")
        roleID = try row.int("role_id")
        fileName = row.optionalString("file_name")
        delimiter = try row.string("delimiter")
        columns = try row.decode("columns", as: [String: String].self)
        rows = try row.int("rows")
        accepted = try row.int("accepted")
        createdCandidates = try row.int("created_candidates")
        updatedCandidates = try row.int("updated_candidates")
        rejected = try row.decode("rejected", as: [CandidateSheet.RowNote].self)
        duplicates = try row.decode("duplicates", as: [Duplicate].self)
        warnings = try row.decode("warnings", as: [CandidateSheet.RowNote].self)
        jobID = row.optionalInt("job_id")
        createdAt = Timestamp.format(try row.date("created_at"))
    }

    package static let schema: JSONValue = Schema.object([
        "id": Schema.integer(minimum: 1), "role_id": Schema.integer(minimum: 1), "file_name": Schema.nullable(Schema.string()),
        "delimiter": Schema.string("The separator the file used"),
        "columns": Schema.map(Schema.string(), "Each header of the file and the field it was read as (\"extra\" when none)"),
        "rows": Schema.integer("Rows other than the header and blank lines", minimum: 0),
        "accepted": Schema.integer(minimum: 0), "created_candidates": Schema.integer(minimum: 0),
        "updated_candidates": Schema.integer("Rows that matched a known candidate (email or LinkedIn) and updated it", minimum: 0),
        "rejected": Schema.array(CandidateSheet.RowNote.schema),
        "duplicates": Schema.array(Schema.object(["line": Schema.integer(minimum: 1), "same_as_line": Schema.integer(minimum: 1),
                                                  "candidate_id": Schema.integer(minimum: 1)]),
                                   "Rows that repeat an earlier row of the same file (same email or LinkedIn): merged into it"),
        "warnings": Schema.array(CandidateSheet.RowNote.schema,
                                 "Accepted rows with something to check: an unreadable LinkedIn value kept as an extra, a quote that never closes"),
        "job_id": Schema.nullable(Schema.integer("The score-candidates job", minimum: 1)),
        "created_at": Schema.string(format: "date-time"),
    ])
}
