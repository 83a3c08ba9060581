import Core

/// What one outreach draft is asked for: the prospect, the event it invites to (if any), what the
/// account manager adds, and whether a prospect without research may be written to.
package struct OutreachRequest: Codable, Sendable, Equatable {
    package var prospectID: Int
    package var eventID: Int?
    package var customContext: String?
    package var allowWithoutResearch: Bool
    /// The event match run drafting this invitation, stored on the draft (`match_run_id`) so a
    /// later match run can remove it even when the run that drafted it failed. Not part of the
    /// outreach run's input.
    package var matchRunID: Int?

    package init(prospectID: Int, eventID: Int? = nil, customContext: String? = nil, allowWithoutResearch: Bool = false,
                 matchRunID: Int? = nil) {
        self.prospectID = prospectID
        self.eventID = eventID
        self.customContext = customContext
        self.allowWithoutResearch = allowWithoutResearch
        self.matchRunID = matchRunID
    }

    enum CodingKeys: String, CodingKey {
        case prospectID = "prospect_id"
        case eventID = "event_id"
        case customContext = "custom_context"
        case allowWithoutResearch = "allow_without_research"
        case matchRunID = "match_run_id"
    }
}

/// How an outreach run ended: its draft when it succeeded, else the failed step and why.
package struct OutreachOutcome: Codable, Sendable, Equatable {
    package var runID: Int
    package var draftID: Int?
    /// The workflow run's status (`succeeded`, `failed`, …).
    package var status: String
    package var failedStep: String?
    package var error: String?

    package init(runID: Int, draftID: Int?, status: String, failedStep: String?, error: String?) {
        self.runID = runID
        self.draftID = draftID
        self.status = status
        self.failedStep = failedStep
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case status, error
        case runID = "run_id"
        case draftID = "draft_id"
        case failedStep = "failed_step"
    }
}

/// Runs the outreach workflow to its end in this process (a new recorded run, its draft saved in
/// the run's success transaction). Event matching calls it once per match.
package protocol OutreachDrafting: Sendable {
    func draft(_ request: OutreachRequest, deadline: Deadline) async throws -> OutreachOutcome
}
