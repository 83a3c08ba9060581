import Candidates
import Core
import Interviews
import Meetings
import Platform

/// Every function of the bundle, by manifest: the one list the dispatcher's routes, the OpenAPI
/// document, the job queue's checks and the deployment files are generated from.
package enum Catalog {
    package static let manifests: [FunctionManifest] = [
        HealthHandler.manifest,
        OpenAPIHandler.manifest,
        LLMUsageHandler.manifest,
        LLMCheckHandler.manifest,
        EnqueueHandler.manifest,
        GetJobHandler.manifest,
        ListJobsHandler.manifest,
        WorkHandler.manifest,
        CreateAPIKeyHandler.manifest,
        RevokeAPIKeyHandler.manifest,
        PollCalendarHandler.manifest,
        ListMeetingsHandler.manifest,
        GetMeetingHandler.manifest,
        MeetingFeedbackHandler.manifest,
        GetSteeringHandler.manifest,
        PutSteeringHandler.manifest,
        ListSteeringVersionsHandler.manifest,
        EnrichHandler.manifest,
        SynthesizeHandler.manifest,
        SyncNotionHandler.manifest,
        DraftEmailsHandler.manifest,
        RunPipelineHandler.manifest,
        CreateCampaignHandler.manifest,
        ListCampaignsHandler.manifest,
        GetCampaignHandler.manifest,
        LaunchCampaignHandler.manifest,
        PauseCampaignHandler.manifest,
        SendOutreachHandler.manifest,
        InboundMessageHandler.manifest,
        MessageStatusHandler.manifest,
        ProcessConversationHandler.manifest,
        ListConversationsHandler.manifest,
        GetConversationHandler.manifest,
        ListExtractionsHandler.manifest,
        PutRoleHandler.manifest,
        GetRoleHandler.manifest,
        UploadCandidatesHandler.manifest,
        ScoreCandidatesHandler.manifest,
        CandidateStatusHandler.manifest,
        ListCandidatesHandler.manifest,
        GetCandidateHandler.manifest,
        UpdateCandidateHandler.manifest,
        StartInterviewHandler.manifest,
    ]

    package static func manifest(named name: String) -> FunctionManifest? {
        manifests.first { $0.name == name }
    }

    /// Functions run from a terminal only: no route, no schedule, never queued (they print secrets).
    package static func isLocalOnly(_ manifest: FunctionManifest) -> Bool {
        manifest.routes.isEmpty && manifest.schedule == nil
    }
}
