import Core
import Runtime

/// `POST /campaigns/{id}/launch`: users and conversations for the campaign's numbers (skipping
/// people who opted out), with openings paced at `OUTREACH_RATE_PER_MINUTE` from now. Launching
/// a paused campaign resumes it; launching again never duplicates anything.
package struct LaunchCampaignHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package struct Output: Codable, Sendable {
        var campaign: Campaign
        var launch: LaunchSummary
    }

    package static let manifest = FunctionManifest(
        name: "launch-campaign",
        summary: "Launches or resumes a campaign: a conversation per number not opted out, openings paced at OUTREACH_RATE_PER_MINUTE.",
        routes: [Route("POST", "/campaigns/{id:int}/launch")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Schema.object(["campaign": Campaign.schema, "launch": LaunchSummary.schema]),
        timeoutSeconds: 60
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let settings = try OutreachSettings(config: context.config)
        let store = CampaignStore(database: try context.database())
        let summary = try store.launch(input.id, ratePerMinute: settings.ratePerMinute, now: context.clock.now())
        context.logger.info("campaign.launched", ["campaign": .number(Double(input.id)), "created": .number(Double(summary.conversationsCreated)),
                                                  "resumed": .number(Double(summary.resumed))])
        guard let campaign = try store.campaign(input.id) else { throw BundleError(.notFound, "no campaign with id \(input.id)") }
        return Output(campaign: campaign, launch: summary)
    }
}

/// `POST /campaigns/{id}/pause`: holds the campaign's unsent openings until it is launched again.
package struct PauseCampaignHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        var id: Int
    }

    package struct Output: Codable, Sendable {
        var campaign: Campaign
        var held: Int
    }

    package static let manifest = FunctionManifest(
        name: "pause-campaign",
        summary: "Pauses a campaign: unsent openings are held (conversations under way go on); launch resumes it.",
        routes: [Route("POST", "/campaigns/{id:int}/pause")],
        input: Schema.object(["id": Schema.integer(minimum: 1)]),
        output: Schema.object(["campaign": Campaign.schema, "held": Schema.integer("Openings held by this call", minimum: 0)]),
        timeoutSeconds: 30
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let store = CampaignStore(database: try context.database())
        let held = try store.pause(input.id, now: context.clock.now())
        guard let campaign = try store.campaign(input.id) else { throw BundleError(.notFound, "no campaign with id \(input.id)") }
        return Output(campaign: campaign, held: held)
    }
}
