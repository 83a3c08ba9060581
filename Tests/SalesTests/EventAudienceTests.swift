import Core
import Foundation
import Sales
import Store
import TestSupport
import Testing

/// Event fields are checked by name and cleaned; the audience filters mean the same in SQL and
/// in Swift (the offline scorer), titles and industries alike.
struct EventAudienceTests {
    @Test func eventFieldsAreCleanedAndEveryProblemNamed() throws {
        let fields = try EventFields(title: "  Summit ", description: "About AWS", eventType: "summit", eventDate: "2026-05-14T09:00:00+02:00",
                                     location: " ", targetIndustries: "Retail; retail | Finance", targetRoles: ["CTO", " CTO ", ""],
                                     featuredSolutions: nil)
        #expect(fields.title == "Summit" && fields.eventDate == "2026-05-14T07:00:00Z" && fields.location == nil)
        #expect(fields.targetIndustries == ["Retail", "Finance"] && fields.targetRoles == ["CTO"] && fields.featuredSolutions == [])
        #expect(try EventFields(title: "t", description: "d", eventType: "x", eventDate: "2026-05-14", location: nil, targetIndustries: nil,
                                targetRoles: nil, featuredSolutions: nil).eventDate == "2026-05-14")
        do {
            _ = try EventFields(title: "", description: "d", eventType: "x", eventDate: "2026-02-30", location: nil,
                                targetIndustries: .array((0...50).map { .string("i\($0)") }), targetRoles: nil, featuredSolutions: nil)
            Issue.record("invalid fields were accepted")
        } catch let error as BundleError {
            #expect(error.code == .validationFailed)
            #expect(Set((error.details ?? []).map(\.field)) == ["title", "event_date", "target_industries"])
        }
    }

    @Test func sqlAndSwiftAgreeOnWhoTheEventIsFor() throws {
        let directory = try TemporaryDirectory()
        let database = try TestDatabase.open(directory.file("bundle.sqlite"), migrations: SalesSchema.migrations)
        let people: [(title: String, industry: String?, status: String)] = [
            ("CTO", "Manufacturing", "new"), ("Chief Technology Officer", "manufacturing ", "researched"), ("VP of Engineering", "Logistics", "new"),
            ("Vice President, Engineering", "Logistics", "contacted"), ("Engineering Manager", "Logistics", "new"), ("Head of IT (EMEA)", "Logistics", "new"),
            ("MVP Engineer", "Logistics", "new"), ("CTO", "Retail", "new"), ("CTO", nil, "new"), ("CTO", "Logistics", "inactive"),
            ("Co-founder & CTO", "Logistics", "qualified"), ("Director of IT", "Manufacturing", "new"),
            ("CTO", "ÉNERGIE", "new"), ("CTO", " énergie", "new"), ("CTO", "Energie", "new"),
        ]
        try database.write { sql in
            try sql.execute("""
                INSERT INTO sales_events (title, description, event_type, event_date, target_industries, target_roles, created_at, updated_at)
                VALUES ('e', 'd', 'summit', '2026-05-14', '["Manufacturing", "Logistics", "Énergie"]', '["CTO", "VP Engineering", "Head of IT"]',
                        '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')
                """)
            for (index, person) in people.enumerated() {
                try sql.execute("""
                    INSERT INTO sales_prospects (linkedin_url, full_name, title, company_name, industry, status, created_at, updated_at)
                    VALUES (?, 'P', ?, 'C', ?, ?, '2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z')
                    """, "https://www.linkedin.com/in/p\(index)", person.title, person.industry, person.status)
            }
        }
        let event = try #require(try database.read { sql in try SalesEvent.load(1, sql: sql) })
        let audience = EventAudience(event: event)
        let bySQL = try database.read { sql in
            let filter = try audience.sqlFilter(in: sql)
            return Set(try sql.query("SELECT p.id FROM sales_prospects p WHERE \(filter.sql)", filter.arguments).map { try $0.int("id") })
        }
        let bySwift = Set(people.enumerated().filter { _, person in
            person.status != "inactive" && audience.matchesIndustry(person.industry) && audience.matchesRole(person.title)
        }.map { $0.offset + 1 })
        #expect(bySQL == bySwift)
        #expect(bySQL == [1, 2, 3, 4, 6, 11, 13, 14], "CTO spelled out, VP as vice president, punctuation ignored; MVP is not VP; É folds to é")
    }
}

/// The fan-out scoring and invitations use: never wider than asked, every item once, results in
/// the items' order, each completion told.
struct BoundedFanOutTests {
    actor Gauge {
        var now = 0
        var peak = 0
        func enter() { now += 1; peak = max(peak, now) }
        func leave() { now -= 1 }
    }

    @Test func atMostWidthRunAtOnceAndOrderIsKept() async throws {
        let gauge = Gauge()
        var completions: [Int] = []
        let results = await BoundedFanOut.map(Array(0..<40), width: 3, done: { completions.append($0) }) { item in
            await gauge.enter()
            try? await Task.sleep(for: .milliseconds(item % 4 == 0 ? 20 : 2))
            await gauge.leave()
            return item * 2
        }
        #expect(results == (0..<40).map { $0 * 2 })
        #expect(completions == Array(1...40))
        #expect(await gauge.peak <= 3)
        #expect(await BoundedFanOut.map([Int](), width: 5) { $0 }.isEmpty)
    }
}
