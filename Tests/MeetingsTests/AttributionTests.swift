import Calendars
import FoundationEssentials
import Meetings
import Testing

@Suite struct AttributionTests {
    func event(_ attendees: [CalendarEvent.Attendee], title: String = "Call", description: String? = nil) -> CalendarEvent {
        CalendarEvent(id: "e", title: title, description: description, start: Date(timeIntervalSince1970: 0),
                      end: Date(timeIntervalSince1970: 1800), attendees: attendees)
    }

    @Test func theFirstExternalAttendeeNamesTheCompany() {
        let attribution = Attribution.of(event([
            .init(email: "alex@ourco.example", isOrganizer: true), .init(email: "sam@eu.ourco.example"),
            .init(email: "dana@mail.northwind-logistics.co.uk", name: "Dana"),
        ]), ownDomains: ["ourco.example"])
        #expect(attribution.externalAttendee?.email == "dana@mail.northwind-logistics.co.uk")
        #expect(attribution.company == "Northwind Logistics")
        #expect(attribution.companyDomain == "northwind-logistics.co.uk")
    }

    @Test func freeMailNamesNoCompanyAndOwnDomainsAreNotExternal() {
        let freelancer = Attribution.of(event([.init(email: "jo@gmail.com")]), ownDomains: ["ourco.example"])
        #expect(freelancer.externalAttendee?.email == "jo@gmail.com")
        #expect(freelancer.company == nil)
        let ourOwn = Attribution.of(event([.init(email: "a@ourco.example", isOrganizer: true), .init(email: "b@ourco.example")]),
                                      ownDomains: [])
        #expect(ourOwn.externalAttendee == nil, "without SELF_EMAIL_DOMAINS the organizer's domain is ours")
    }

    @Test func rolesComeFromTheEventText() {
        #expect(Attribution.of(event([], description: "Dana Reyes, VP Operations at Northwind"), ownDomains: []).role == "VP Operations")
        #expect(Attribution.of(event([], title: "Intro with Priya (Head of Revenue Operations)"), ownDomains: []).role
                == "Head of Revenue Operations")
        #expect(Attribution.of(event([], title: "Call with the CTO"), ownDomains: []).role == "CTO")
        #expect(Attribution.of(event([], title: "Quick catch-up"), ownDomains: []).role == nil)
    }
}
