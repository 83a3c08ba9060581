import Core
import FoundationEssentials
import Runtime
import Store

/// The pipeline's steps, in order, named as their functions are: a failing step writes its name
/// in front of the meeting's `error`, and `run-pipeline` resumes from the step that error names.
package enum PipelineStep: String, CaseIterable, Sendable {
    case enrich
    case synthesize
    case syncNotion = "sync-notion"
    case draftEmails = "draft-emails"

    /// The step a meeting's stored error names (`"sync-notion: Notion answered 400 …"`), if any.
    package static func failed(in error: String?) -> PipelineStep? {
        guard let error, let colon = error.firstIndex(of: ":") else { return nil }
        return PipelineStep(rawValue: String(error[..<colon]))
    }
}

extension PipelineStep {
    /// Runs the step for meeting `id` (nil: a call about no stored meeting) and records any failure
    /// on the meeting before rethrowing it: a missing prerequisite, a bad setting, an upstream's
    /// error alike. The one place a step's failure reaches the meeting, so no early exit of a
    /// handler leaves the meeting in its old status with no error.
    package func recordingFailure<T>(meeting id: Int?, context: FunctionContext, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            if let id, let database = try? context.database() {
                MeetingStore(database: database).recordFailure(id, step: self, error: error, now: context.clock.now())
            }
            throw error
        }
    }
}

extension MeetingStore {
    /// A step failed: the meeting shows `error` and a message naming the step and the cause, which
    /// is the contract message of the failure (never an upstream's credentials: the providers build
    /// those messages from the upstream's own error text, and the runtime redacts secrets).
    /// Best effort: the caller rethrows the original failure whatever happens here.
    package func recordFailure(_ id: Int, step: PipelineStep, error: any Error, now: Date) {
        let message = BundleError.converting(error, otherwise: BundleError(.internal, "\(step.rawValue) failed")).message
        _ = try? database.write { sql in
            try sql.execute("UPDATE meetings SET status = 'error', error = ?, updated_at = ? WHERE id = ? AND status <> 'cancelled'",
                            step.rawValue + ": " + String(message.prefix(500)), now, id)
        }
        if step == .draftEmails {
            // Some drafts may have been replaced and others not: the ids no longer describe the stored text.
            try? markDraftsStale(id, sql: nil)
        }
    }

    /// Flags the meeting's `draft_ids` with `"stale": true`: the drafts they name (in Gmail, or
    /// in the outbox) no longer hold the meeting's current text, until `draft-emails` runs again.
    /// A compare-and-set on the stored text, so a concurrent writer's newer ids are never overwritten.
    package func markDraftsStale(_ id: Int, sql: (any SQLExecutor)?) throws {
        func mark(_ sql: any SQLExecutor) throws {
            guard let raw = try sql.queryOne("SELECT draft_ids FROM meetings WHERE id = ?", id)?.optionalString("draft_ids"),
                  case .object(var fields) = try JSONValue(parsing: Array(raw.utf8)), fields["stale"] != .bool(true) else { return }
            fields["stale"] = .bool(true)
            try sql.execute("UPDATE meetings SET draft_ids = CASE WHEN draft_ids = ? THEN ? ELSE draft_ids END WHERE id = ?",
                            raw, JSONValue.object(fields), id)
        }
        if let sql {
            try mark(sql)
        } else {
            try database.write(mark)
        }
    }
}
