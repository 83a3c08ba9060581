import Candidates
import Core
import Interviews
import Meetings
import Platform
import Runtime
import Sales
import Workspace

/// Every function of the bundle: the one list that the executable's names, the route table, the
/// OpenAPI document, the job queue's checks and the deployment files are generated from. Adding a
/// function is adding its handler here, under the name its manifest gives (the name is written
/// here too so that starting one function builds no other function's manifest; the launcher and
/// a test check that the two agree).
package enum Catalog {
    package static let functions = FunctionCatalog([
        BundleFunction("health", HealthHandler.self),
        BundleFunction("openapi", OpenAPIHandler.self),
        BundleFunction("llm-usage", LLMUsageHandler.self),
        BundleFunction("llm-check", LLMCheckHandler.self),
        BundleFunction("mcp-check", MCPCheckHandler.self),
        BundleFunction("enqueue", EnqueueHandler.self),
        BundleFunction("get-job", GetJobHandler.self),
        BundleFunction("list-jobs", ListJobsHandler.self),
        BundleFunction("retry-job", RetryJobHandler.self),
        BundleFunction("work", WorkHandler.self),
        BundleFunction("create-api-key", CreateAPIKeyHandler.self),
        BundleFunction("revoke-api-key", RevokeAPIKeyHandler.self),
        BundleFunction("poll-calendar", PollCalendarHandler.self),
        BundleFunction("list-meetings", ListMeetingsHandler.self),
        BundleFunction("get-meeting", GetMeetingHandler.self),
        BundleFunction("meeting-feedback", MeetingFeedbackHandler.self),
        BundleFunction("get-steering", GetSteeringHandler.self),
        BundleFunction("put-steering", PutSteeringHandler.self),
        BundleFunction("list-steering-versions", ListSteeringVersionsHandler.self),
        BundleFunction("enrich", EnrichHandler.self),
        BundleFunction("synthesize", SynthesizeHandler.self),
        BundleFunction("sync-notion", SyncNotionHandler.self),
        BundleFunction("draft-emails", DraftEmailsHandler.self),
        BundleFunction("run-pipeline", RunPipelineHandler.self),
        BundleFunction("create-campaign", CreateCampaignHandler.self),
        BundleFunction("list-campaigns", ListCampaignsHandler.self),
        BundleFunction("get-campaign", GetCampaignHandler.self),
        BundleFunction("launch-campaign", LaunchCampaignHandler.self),
        BundleFunction("pause-campaign", PauseCampaignHandler.self),
        BundleFunction("send-outreach", SendOutreachHandler.self),
        BundleFunction("inbound-message", InboundMessageHandler.self),
        BundleFunction("message-status", MessageStatusHandler.self),
        BundleFunction("process-conversation", ProcessConversationHandler.self),
        BundleFunction("list-conversations", ListConversationsHandler.self),
        BundleFunction("get-conversation", GetConversationHandler.self),
        BundleFunction("list-extractions", ListExtractionsHandler.self),
        BundleFunction("put-role", PutRoleHandler.self),
        BundleFunction("get-role", GetRoleHandler.self),
        BundleFunction("upload-candidates", UploadCandidatesHandler.self),
        BundleFunction("score-candidates", ScoreCandidatesHandler.self),
        BundleFunction("candidate-status", CandidateStatusHandler.self),
        BundleFunction("list-candidates", ListCandidatesHandler.self),
        BundleFunction("get-candidate", GetCandidateHandler.self),
        BundleFunction("update-candidate", UpdateCandidateHandler.self),
        BundleFunction("start-interview", StartInterviewHandler.self),
        BundleFunction("create-prospect", CreateProspectHandler.self),
        BundleFunction("list-prospects", ListProspectsHandler.self),
        BundleFunction("get-prospect", GetProspectHandler.self),
        BundleFunction("update-prospect", UpdateProspectHandler.self),
        BundleFunction("import-prospects", ImportProspectsHandler.self),
        BundleFunction("prospect-import-template", ProspectImportTemplateHandler.self),
        BundleFunction("create-interaction", CreateInteractionHandler.self),
        BundleFunction("list-interactions", ListInteractionsHandler.self),
        BundleFunction("list-solutions", ListSolutionsHandler.self),
        BundleFunction("create-solution", CreateSolutionHandler.self),
        BundleFunction("search-solutions", SearchSolutionsHandler.self),
        BundleFunction("reload-solutions", ReloadSolutionsHandler.self),
        BundleFunction("reembed-solutions", ReembedSolutionsHandler.self),
        BundleFunction("create-communication", CreateCommunicationHandler.self),
        BundleFunction("upload-communications", UploadCommunicationsHandler.self),
        BundleFunction("list-communications", ListCommunicationsHandler.self),
        BundleFunction("reembed-communications", ReembedCommunicationsHandler.self),
        BundleFunction("research-prospect", ResearchProspectHandler.self),
        BundleFunction("run-research", RunResearchHandler.self),
        BundleFunction("list-research", ListResearchHandler.self),
        BundleFunction("latest-research", LatestResearchHandler.self),
        BundleFunction("search-reference-architectures", SearchReferenceArchitecturesHandler.self),
        BundleFunction("draft-outreach", DraftOutreachHandler.self),
        BundleFunction("run-outreach", RunOutreachHandler.self),
        BundleFunction("list-outreach", ListOutreachHandler.self),
        BundleFunction("get-outreach", GetOutreachHandler.self),
        BundleFunction("update-outreach", UpdateOutreachHandler.self),
        BundleFunction("create-event", CreateEventHandler.self),
        BundleFunction("list-events", ListEventsHandler.self),
        BundleFunction("get-event", GetEventHandler.self),
        BundleFunction("match-prospects", MatchProspectsHandler.self),
        BundleFunction("run-event-match", RunEventMatchHandler.self),
        BundleFunction("list-event-matches", ListEventMatchesHandler.self),
        BundleFunction("import-chats", ImportChatsHandler.self),
        BundleFunction("search-chats", SearchChatsHandler.self),
        BundleFunction("reembed-chats", ReembedChatsHandler.self),
        BundleFunction("get-chat-summary", GetChatSummaryHandler.self),
        BundleFunction("update-chat-summary", UpdateChatSummaryHandler.self),
        BundleFunction("summarize-chat", SummarizeChatHandler.self),
        BundleFunction("list-chats", ListChatsHandler.self),
        BundleFunction("get-chat", GetChatHandler.self),
        BundleFunction("update-chat", UpdateChatHandler.self),
        BundleFunction("delete-chat", DeleteChatHandler.self),
        BundleFunction("import-slack-thread", ImportSlackThreadHandler.self),
        BundleFunction("list-llm-providers", ListLLMProvidersHandler.self),
        BundleFunction("get-llm-default", GetLLMDefaultHandler.self),
        BundleFunction("set-llm-default", SetLLMDefaultHandler.self),
        BundleFunction("get-llm-prompt", GetLLMPromptHandler.self),
        BundleFunction("get-default-llm-prompt", GetDefaultLLMPromptHandler.self),
        BundleFunction("create-llm-prompt", CreateLLMPromptHandler.self),
        BundleFunction("reset-llm-prompt", ResetLLMPromptHandler.self),
        BundleFunction("generate-project-draft", GenerateProjectDraftHandler.self),
        BundleFunction("get-project-draft", GetProjectDraftHandler.self),
        BundleFunction("update-project-draft", UpdateProjectDraftHandler.self),
        BundleFunction("list-project-draft-versions", ListProjectDraftVersionsHandler.self),
        BundleFunction("activate-project-draft-version", ActivateProjectDraftVersionHandler.self),
        BundleFunction("get-project", GetProjectHandler.self),
        BundleFunction("create-project", CreateProjectHandler.self),
        BundleFunction("get-draft-chat", GetDraftChatHandler.self),
        BundleFunction("stream-draft-chat", StreamDraftChatHandler.self),
        BundleFunction("auth-login", AuthLoginHandler.self),
        BundleFunction("auth-callback", AuthCallbackHandler.self),
        BundleFunction("auth-me", AuthMeHandler.self),
        BundleFunction("auth-status", AuthStatusHandler.self),
        BundleFunction("auth-logout", AuthLogoutHandler.self),
        BundleFunction("auth-cleanup", AuthCleanupHandler.self),
        BundleFunction("upload-conversation-file", UploadConversationFileHandler.self),
        BundleFunction("list-conversation-files", ListConversationFilesHandler.self),
        BundleFunction("download-conversation-file", DownloadConversationFileHandler.self),
        BundleFunction("serve-conversation-file", ServeConversationFileHandler.self),
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
