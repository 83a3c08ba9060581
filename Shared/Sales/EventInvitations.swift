import Core
import FoundationEssentials
import Store

/// `generate_invitations`: the outreach workflow for each selected prospect, with the event, at
/// most `concurrency` at once. A prospect already sent an invitation to this event gets no new
/// one (`kept_sent`), nor one with an unsent invitation someone edited (`kept_edited`); one this
/// run already drafted in an earlier attempt (an unsent draft for the event from an outreach run
/// newer than this match run, or than the first run it resumed) is reused, not drafted twice. A
/// failed outreach run is recorded on the match, never failing the step.
struct EventInvitations: Sendable {
    let services: EventMatchServices
    let database: any Database
    let deadline: Deadline
    /// Told after each invitation.
    var progress = EventMatchProgress()

    /// The event's drafts as they stand: per prospect, the newest sent one, the newest edited
    /// unsent one, the newest unsent one this run made, and the newest unsent one at all.
    struct Existing {
        var sent: [Int: Int] = [:]
        var edited: [Int: Int] = [:]
        var fromThisRun: [Int: (draft: Int, run: Int?)] = [:]
        var unsent: [Int: Int] = [:]
    }

    func existing(eventID: Int, runID: Int) throws -> Existing {
        // A resumed run continues the runs it resumed: what they drafted counts as its own.
        let firstRun = try EventMatchScores(database: database).firstRun(of: runID)
        return try database.read { sql in
            var existing = Existing()
            for row in try sql.query("SELECT id, prospect_id, run_id, sent_at, edited_at FROM sales_outreach_drafts WHERE event_id = ? ORDER BY id",
                                     eventID) {
                let (id, prospect, run) = (try row.int("id"), try row.int("prospect_id"), row.optionalInt("run_id"))
                if row.optionalString("sent_at") != nil {
                    existing.sent[prospect] = id
                } else {
                    existing.unsent[prospect] = id
                    if row.optionalString("edited_at") != nil { existing.edited[prospect] = id }
                    // Workflow run ids only grow, and one match run per event is active at a
                    // time: an outreach run newer than this match run was started by it.
                    if let run, run > firstRun { existing.fromThisRun[prospect] = (id, run) }
                }
            }
            return existing
        }
    }

    func invite(_ result: EventMatchResult, runID: Int, allowWithoutResearch: Bool) async throws -> EventMatchResult {
        var result = result
        let selected = result.matches.indices.filter { result.matches[$0].status == "selected" }
        guard !selected.isEmpty else { return result }
        let existing = try existing(eventID: result.eventID, runID: runID)
        var toDraft: [Int] = []
        for index in selected {
            let prospect = result.matches[index].prospectID
            if let sent = existing.sent[prospect] {
                result.matches[index].draftID = sent
                result.matches[index].invitationStatus = "kept_sent"
            } else if let edited = existing.edited[prospect] {
                result.matches[index].draftID = edited
                result.matches[index].invitationStatus = "kept_edited"
            } else if let mine = existing.fromThisRun[prospect] {
                result.matches[index].draftID = mine.draft
                result.matches[index].outreachRunID = mine.run
                result.matches[index].invitationStatus = "reused"
            } else {
                toDraft.append(index)
            }
        }
        let drafting: Result<any OutreachDrafting, BundleError> = Result {
            try services.outreach()
        }.mapError { BundleError.converting($0, otherwise: BundleError(.unavailable, "outreach drafting could not start")) }
        let (eventID, deadline) = (result.eventID, deadline)
        let requests = toDraft.map { OutreachRequest(prospectID: result.matches[$0].prospectID, eventID: eventID, customContext: nil,
                                                     allowWithoutResearch: allowWithoutResearch, matchRunID: runID) }
        let (progress, total) = (progress, requests.count)
        let outcomes = await BoundedFanOut.map(requests, width: services.concurrency, done: { finished in
            progress.advance("generate_invitations", done: finished, total: total, message: "drafted \(finished) of \(total) invitations")
        }) { request -> Result<OutreachOutcome, BundleError> in
            do {
                return .success(try await drafting.get().draft(request, deadline: deadline))
            } catch {
                return .failure(BundleError.converting(error, otherwise: BundleError(.upstreamFailed, "the outreach run failed")))
            }
        }
        for (index, outcome) in zip(toDraft, outcomes) {
            let prospect = result.matches[index].prospectID
            switch outcome {
            case .success(let done) where done.draftID != nil && done.status == "succeeded":
                result.matches[index].draftID = done.draftID
                result.matches[index].outreachRunID = done.runID
                result.matches[index].invitationStatus = "drafted"
            case .success(let done):
                result.matches[index].outreachRunID = done.runID
                result.matches[index].invitationStatus = "failed"
                result.matches[index].invitationError = String(("outreach run \(done.runID) \(done.status)"
                    + (done.failedStep.map { " at \($0)" } ?? "") + (done.error.map { ": \($0)" } ?? "")).prefix(500))
                result.matches[index].draftID = existing.unsent[prospect]
            case .failure(let error):
                result.matches[index].invitationStatus = "failed"
                result.matches[index].invitationError = String("\(error.code.rawValue): \(error.message)".prefix(500))
                result.matches[index].draftID = existing.unsent[prospect]
            }
        }
        return result
    }
}
