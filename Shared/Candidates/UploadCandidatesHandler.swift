import Core
import Jobs
import Runtime

/// `POST /candidates/upload` (202): reads a CSV of candidates for a role, stores the good rows
/// (updating candidates already known by email or LinkedIn URL), reports each bad row with its
/// line and reason, and queues `score-candidates`. Uploading the same file again for the same
/// role returns the first upload and queues nothing new.
package struct UploadCandidatesHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var roleID: Int?
        var csv: String?
        var bodyText: String?
        var contentBase64: String?
        var fileName: String?
        var files: [JSONValue]?

        enum CodingKeys: String, CodingKey {
            case csv, files
            case roleID = "role_id"
            case bodyText = "body_text"
            case contentBase64 = "content_base64"
            case fileName = "file_name"
        }
    }

    package struct Output: Codable, Sendable {
        var upload: Upload
        var role: Role
        var created: Bool
        var jobID: Int?
        /// About the upload as a whole (a role with no requirements), beside the rows' own warnings.
        var warnings: [String]

        enum CodingKeys: String, CodingKey {
            case upload, role, created, warnings
            case jobID = "job_id"
        }
    }

    package static let manifest = FunctionManifest(
        name: "upload-candidates",
        summary: "Uploads a CSV of candidates for a role (multipart, text/csv or {csv}); stores good rows, reports bad ones, queues scoring.",
        routes: [Route("POST", "/candidates/upload"), .alias("/api/pluto/upload", of: Route("POST", "/candidates/upload"))],
        successStatus: 202,
        input: Schema.object([
            "role_id": Schema.integer("The role (default: the default role, created on first use)", minimum: 1),
            "csv": Schema.string("The CSV text"),
            "body_text": Schema.string("A text/csv request body (set by the HTTP gateway)"),
            "content_base64": Schema.string("The file's bytes, base64 (for files that are not UTF-8)"),
            "file_name": Schema.string(maxLength: 255),
            "files": Schema.array(Schema.any, "Multipart files (set by the HTTP gateway): send one, in any field"),
        ], required: []),
        output: Schema.object([
            "upload": Upload.schema, "role": Role.schema,
            "created": Schema.boolean("false when this exact file was already uploaded for the role"),
            "job_id": Schema.nullable(Schema.integer("The score-candidates job (GET /jobs/{id}, or GET /candidates/status?upload_id=)", minimum: 1)),
            "warnings": Schema.array(Schema.string(), "About the upload as a whole, e.g. a role with no requirements and what to do"),
        ]),
        timeoutSeconds: 120
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let source = try CSVSource.resolve(csv: input.csv, bodyText: input.bodyText, contentBase64: input.contentBase64,
                                           fileName: input.fileName, files: input.files)
        let sheet = try CandidateSheet(text: source.text)
        let database = try context.database()
        let now = context.clock.now()
        let roles = RoleStore(database: database)
        let role: Role
        if let id = input.roleID {
            guard let found = try roles.role(id) else {
                throw BundleError(.notFound, "no role with id \(id); create it with PUT /roles/\(id), or leave role_id out to use the default role")
            }
            role = found
        } else {
            role = try roles.defaultRole(now: now)
        }
        let store = CandidateStore(database: database)
        var (upload, created) = try store.ingest(sheet, source: source, role: role, now: now)
        let previous = try upload.jobID.flatMap { try JobQueue(database: database).job($0) }
        if upload.accepted > 0, previous == nil || previous?.status == .dead {
            // A new upload, or the same file again after its scoring job gave up: queue a run.
            let job = try ScoreCandidatesHandler.enqueue(roleID: role.id, uploadID: upload.id, context: context)
            upload = try store.upload(upload.id) ?? upload
            upload.jobID = job
        }
        context.logger.info("candidates.uploaded", ["upload": .number(Double(upload.id)), "role": .number(Double(role.id)),
                                                    "rows": .number(Double(upload.rows)), "accepted": .number(Double(upload.accepted)),
                                                    "rejected": .number(Double(upload.rejected.count)), "created": .bool(created)])
        return Output(upload: upload, role: role, created: created, jobID: upload.jobID, warnings: role.requirementsWarning.map { [$0] } ?? [])
    }
}
