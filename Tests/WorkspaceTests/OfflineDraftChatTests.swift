import Core
import Providers
import Testing
import Workspace

/// The chat's offline rules: plain requests become tool calls, a tool result a confirmation,
/// anything else advice from the draft.
@Suite struct OfflineDraftChatTests {
    let description = "## Problem\nPlanning cheap trips takes hours of comparing flights, trains and hotels across sites.\n\n## Milestones\n- Prototype\n- Beta\n\n## Open questions\n- Pricing?"

    func reply(_ message: String, description: String? = nil) -> LLMChatCompletion {
        OfflineDraftChat.reply(to: [LLMChatMessage(.user, message)], title: "Trip planner", description: description ?? self.description)
    }

    @Test(arguments: ["Rename it to Atlas", "please call it \"Atlas\".", "Could you change the title to Atlas?", "RENAME IT TO Atlas!"])
    func renamingAsksForTheNewTitle(message: String) {
        let answer = reply(message)
        #expect(answer.toolCalls.count == 1)
        #expect(answer.toolCalls.first?.name == "update_project_draft")
        #expect(answer.toolCalls.first?.input == ["title": "Atlas"])
    }

    @Test func aMilestoneGoesUnderTheMilestonesHeading() {
        let answer = reply("Add a milestone: Launch in Lisbon")
        let updated = answer.toolCalls.first?.input?["description"]?.stringValue
        #expect(updated == "## Problem\nPlanning cheap trips takes hours of comparing flights, trains and hotels across sites.\n\n## Milestones\n- Prototype\n- Beta\n- Launch in Lisbon\n\n## Open questions\n- Pricing?")
    }

    @Test func aMilestonesHeadingIsAddedWhenMissing() {
        #expect(OfflineDraftChat.addingMilestone("Beta", to: "## Problem\nSlow.\n") == "## Problem\nSlow.\n\n## Milestones\n- Beta")
        #expect(OfflineDraftChat.addingMilestone("Beta", to: "") == "## Milestones\n- Beta")
    }

    @Test func creatingTheProjectSendsTheDraft() {
        let answer = reply("OK, create the Linear project now")
        #expect(answer.toolCalls.first?.name == "create_linear_project")
        #expect(answer.toolCalls.first?.input?["title"] == "Trip planner")
        #expect(answer.toolCalls.first?.input?["description"] == .string(description))
    }

    @Test func aToolResultGetsAShortConfirmation() {
        let call = LLMToolCall(id: "offline-call-1", name: "update_project_draft", arguments: #"{"title":"Atlas"}"#)
        let answer = OfflineDraftChat.reply(to: [LLMChatMessage(.user, "rename it to Atlas"), LLMChatMessage(.assistant, "", toolCalls: [call]),
                                                 .toolResult(for: call, "Saved version 2 of the draft.")],
                                            title: "Atlas", description: description)
        #expect(answer.toolCalls.isEmpty)
        #expect(answer.text == "Done. Saved version 2 of the draft.")
    }

    @Test func anythingElseGetsAdviceFromTheDraft() {
        let answer = reply("What should I improve?")
        #expect(answer.toolCalls.isEmpty)
        #expect(answer.text.contains("offline assistant"))
        #expect(answer.text.contains("no Goals and Scope section"))
        #expect(answer.text.contains("thin: Milestones and Open questions"))
        #expect(answer == reply("What should I improve?"))
    }

    @Test func aPhraseWithNothingAfterItIsNoRequest() {
        #expect(reply("rename it to").toolCalls.isEmpty)
        #expect(reply("add a milestone ...").toolCalls.isEmpty)
    }
}
