import Core
import Foundation
import Sales
import TestSupport
import Testing

@Suite struct InteractionTests {
    @Test func interactionsAreStoredNewestFirstAndMoveLastContacted() async throws {
        let harness = try ProspectHarness()
        let prospect = try await harness.call(CreateProspectHandler(), ["linkedin_url": "linkedin.com/in/ana", "full_name": "Ana", "title": "CTO",
                                                                         "company_name": "Vela"])
        let id = try #require(prospect["id"])
        let call = try await harness.call(CreateInteractionHandler(), ["id": id, "interaction_type": "call", "content": "Intro call.",
                                                                        "interaction_date": "2026-11-20T10:00:00Z"])
        #expect(call["interaction_type"] == "call")
        #expect(call["interaction_date"] == "2026-11-20T10:00:00Z")
        let email = try await harness.call(CreateInteractionHandler(), ["id": id, "interaction_type": "email", "subject": "Follow-up",
                                                                         "content": "Sent the deck.", "sentiment": "positive"])
        #expect(email["interaction_date"] == "2026-12-02T09:00:00Z", "defaults to now")
        _ = try await harness.call(CreateInteractionHandler(), ["id": id, "interaction_type": "meeting", "content": "Older meeting.",
                                                                 "interaction_date": "2026-10-01"])
        let list = try await harness.call(ListInteractionsHandler(), ["id": id])
        #expect(list["total"] == 3)
        #expect(list["interactions"]?.arrayValue?.compactMap { $0["interaction_type"]?.stringValue } == ["email", "call", "meeting"])
        let page = try await harness.call(ListInteractionsHandler(), ["id": id, "limit": 1, "offset": 1])
        #expect(page["interactions"]?.arrayValue?.first?["interaction_type"] == "call")
        let updated = try await harness.call(GetProspectHandler(), ["id": id])
        #expect(updated["last_contacted"] == "2026-12-02T09:00:00Z", "an older interaction does not move it back")
    }

    @Test func badInteractionsAreRefused() async throws {
        let harness = try ProspectHarness()
        let type = await #expect(throws: BundleError.self) {
            try await harness.call(CreateInteractionHandler(), ["id": 1, "interaction_type": "fax", "content": "x"])
        }
        #expect(type?.prospectProblemFields == ["interaction_type"])
        let missing = await #expect(throws: BundleError.self) {
            try await harness.call(CreateInteractionHandler(), ["id": 1, "interaction_type": "call"])
        }
        #expect(missing?.prospectProblemFields == ["content"])
        let blank = await #expect(throws: BundleError.self) {
            try await harness.call(CreateInteractionHandler(), ["id": 1, "interaction_type": "call", "content": "   "])
        }
        #expect(blank?.prospectProblemFields == ["content"])
        let noProspect = await #expect(throws: BundleError.self) {
            try await harness.call(CreateInteractionHandler(), ["id": 42, "interaction_type": "call", "content": "Hello"])
        }
        #expect(noProspect?.code == .notFound)
        let listMissing = await #expect(throws: BundleError.self) { try await harness.call(ListInteractionsHandler(), ["id": 42]) }
        #expect(listMissing?.code == .notFound)
    }
}
