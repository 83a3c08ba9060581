import Candidates
import Core
import Interviews
import Meetings
import Platform
import Runtime

/// Every function of the bundle: the one list that the executable's names, the route table, the
/// OpenAPI document, the job queue's checks and the deployment files are generated from. Adding a
/// function is adding its handler here.
package enum Catalog {
    package static let functions = FunctionCatalog([
        BundleFunction(HealthHandler.self),
        BundleFunction(OpenAPIHandler.self),
        BundleFunction(LLMUsageHandler.self),
        BundleFunction(LLMCheckHandler.self),
        BundleFunction(EnqueueHandler.self),
        BundleFunction(GetJobHandler.self),
        BundleFunction(ListJobsHandler.self),
        BundleFunction(WorkHandler.self),
        BundleFunction(CreateAPIKeyHandler.self),
        BundleFunction(RevokeAPIKeyHandler.self),
        BundleFunction(PollCalendarHandler.self),
        BundleFunction(ListMeetingsHandler.self),
        BundleFunction(GetMeetingHandler.self),
        BundleFunction(MeetingFeedbackHandler.self),
        BundleFunction(GetSteeringHandler.self),
        BundleFunction(PutSteeringHandler.self),
        BundleFunction(ListSteeringVersionsHandler.self),
        BundleFunction(EnrichHandler.self),
        BundleFunction(SynthesizeHandler.self),
        BundleFunction(SyncNotionHandler.self),
        BundleFunction(DraftEmailsHandler.self),
        BundleFunction(RunPipelineHandler.self),
        BundleFunction(CreateCampaignHandler.self),
        BundleFunction(ListCampaignsHandler.self),
        BundleFunction(GetCampaignHandler.self),
        BundleFunction(LaunchCampaignHandler.self),
        BundleFunction(PauseCampaignHandler.self),
        BundleFunction(SendOutreachHandler.self),
        BundleFunction(InboundMessageHandler.self),
        BundleFunction(MessageStatusHandler.self),
        BundleFunction(ProcessConversationHandler.self),
        BundleFunction(ListConversationsHandler.self),
        BundleFunction(GetConversationHandler.self),
        BundleFunction(ListExtractionsHandler.self),
        BundleFunction(PutRoleHandler.self),
        BundleFunction(GetRoleHandler.self),
        BundleFunction(UploadCandidatesHandler.self),
        BundleFunction(ScoreCandidatesHandler.self),
        BundleFunction(CandidateStatusHandler.self),
        BundleFunction(ListCandidatesHandler.self),
        BundleFunction(GetCandidateHandler.self),
        BundleFunction(UpdateCandidateHandler.self),
        BundleFunction(StartInterviewHandler.self),
    ])

    package static var manifests: [FunctionManifest] { functions.manifests }

    package static func manifest(named name: String) -> FunctionManifest? {
        functions.function(named: name)?.manifest
    }

    /// Functions run from a terminal only: no route, no schedule, never queued (they print secrets).
    package static func isLocalOnly(_ manifest: FunctionManifest) -> Bool {
        manifest.routes.isEmpty && manifest.schedule == nil
    }
}
