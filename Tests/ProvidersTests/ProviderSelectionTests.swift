import Core
import HTTPTransport
import Providers
import Runtime
import Testing

/// Every provider reaches a handler the same way: chosen from the configuration by the context,
/// made once per invocation, or handed in with `provide`.
@Suite struct ProviderSelectionTests {
    func context(_ values: [String: String]) -> FunctionContext {
        FunctionContext(function: "test", requestID: "req-1", config: Config(values), clock: BundleClock(frozenAt: Timestamp.parse("2026-01-05T00:00:00Z")!),
                        logger: .discarding, deadline: Deadline(seconds: 5), transport: FakeTransport())
    }

    @Test func withNoKeysEverythingStaysOnTheMachine() throws {
        let context = context([:])
        #expect(try context.messenger().name == "outbox")
        #expect(try context.search().name == "offline")
        #expect(try context.rooms().name == "jitsi")
        #expect(try context.calendar() == nil)
        #expect(try context.notion() == nil)
        #expect(try context.emailDrafts() == nil)
    }

    @Test func keysChooseTheirProviders() throws {
        let context = context([
            "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t", "TWILIO_FROM": "+14155238886", "YOUCOM_API_KEY": "y",
            "DAILY_API_KEY": "d", "GOOGLE_CALENDAR_TOKEN": "ya29", "NOTION_TOKEN": "n", "NOTION_DATABASE_ID": "db", "GMAIL_TOKEN": "g",
        ])
        #expect(try context.messenger().name == "twilio")
        #expect(try context.search().name == "youcom")
        #expect(try context.rooms().name == "daily")
        #expect(try context.calendar()?.name == "google")
        #expect(try context.notion()?.name == "notion")
        #expect(try context.emailDrafts()?.name == "gmail")
    }

    @Test func composioServesCalendarNotionAndGmail() throws {
        let context = context(["CALENDAR_PROVIDER": "composio", "NOTION_PROVIDER": "composio", "NOTION_DATABASE_ID": "db",
                               "EMAIL_DRAFT_PROVIDER": "composio", "COMPOSIO_API_KEY": "c"])
        #expect(try context.calendar()?.name == "composio")
        #expect(try context.calendar()?.sourceKey == nil, "Composio keeps no sync state")
        #expect(try context.notion()?.name == "composio")
        #expect(try context.emailDrafts()?.name == "composio")
    }

    @Test(arguments: ["MESSAGING_PROVIDER", "SEARCH_PROVIDER", "ROOMS_PROVIDER", "CALENDAR_PROVIDER", "NOTION_PROVIDER", "EMAIL_DRAFT_PROVIDER"])
    func anUnknownProviderIsMisconfigured(variable: String) throws {
        let context = context([variable: "carrier-pigeon"])
        do {
            switch variable {
            case "MESSAGING_PROVIDER": _ = try context.messenger()
            case "SEARCH_PROVIDER": _ = try context.search()
            case "ROOMS_PROVIDER": _ = try context.rooms()
            case "CALENDAR_PROVIDER": _ = try context.calendar()
            case "NOTION_PROVIDER": _ = try context.notion()
            default: _ = try context.emailDrafts()
            }
            Issue.record("expected misconfigured")
        } catch let error as BundleError {
            #expect(error.code == .misconfigured)
            #expect(error.message.contains(variable))
        }
    }

    @Test func aProviderHandedInWinsOverTheConfiguration() throws {
        let context = context(["NOTION_TOKEN": "n", "NOTION_DATABASE_ID": "db", "ROOMS_PROVIDER": "daily"])
        context.provide(ProviderChoice<any NotionRows>(nil))
        context.provide(JitsiRooms(baseURL: "https://meet.example"), as: (any RoomProvider).self)
        #expect(try context.notion() == nil)
        #expect(try context.rooms().name == "jitsi", "DAILY_API_KEY is not even needed")
    }
}
