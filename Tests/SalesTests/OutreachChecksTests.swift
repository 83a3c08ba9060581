import Core
import Providers
import Sales
import Testing

/// The outreach checks on their own: length, names, claims (the defaults and
/// `SALES_DISALLOWED_CLAIMS`), links, and an invitation's event; and the offline template always
/// passing them, whatever the context.
@Suite struct OutreachChecksTests {
    static let eventJSON: JSONValue = ["id": 1, "title": "Modernization Day Berlin", "date": "2026-04-16T09:00:00Z", "description": "Workshops.",
                                       "location": "Berlin", "featured_solutions": ["Amazon EKS"], "other_titles": ["Security Summit Paris", "Day"]]
    static let event = try! eventJSON.decode(as: OutreachContext.Event.self)
    static let source = "https://news.example/acme"

    static func checks(event: OutreachContext.Event? = nil, claims: [String] = OutreachChecks.defaultDisallowedClaims) -> OutreachChecks {
        OutreachChecks(fullName: "Jane Doe", companyName: "Acme Corp", sources: [source], disallowedClaims: claims, event: event)
    }

    static func words(_ count: Int, _ lead: String = "Hi Jane, Acme Corp") -> String {
        let filler = Array(repeating: "word", count: count - TextRules.wordCount(lead)).joined(separator: " ")
        return lead + " " + filler
    }

    @Test func lengthNameAndCompanyAreChecked() {
        let checks = Self.checks()
        #expect(checks.body(Self.words(150)).isEmpty)
        #expect(checks.body(Self.words(200)).isEmpty)
        #expect(checks.body(Self.words(149)).map(\.problem) == ["must have 150 to 200 words, has 149"])
        #expect(checks.body(Self.words(201)).map(\.problem) == ["must have 150 to 200 words, has 201"])
        #expect(checks.body(Self.words(170, "Dear Ms Doe at ACME CORP,")).isEmpty == false, "the first name or the full name is needed")
        #expect(checks.body(Self.words(170, "Dear Jane Doe at ACME CORP,")).isEmpty, "names compare without case")
        #expect(checks.body(Self.words(170, "Hi Jane,")).map(\.problem) == ["must name the company, Acme Corp"])
        #expect(checks.body(Self.words(170, "Hi Janet, Acmeville")).map(\.problem)
                == ["must address the prospect by name (Jane or Jane Doe)", "must name the company, Acme Corp"], "whole words only")
    }

    @Test func theCompanyMayBeNamedWithoutItsLegalForm() {
        let checks = OutreachChecks(fullName: "Jane Doe", companyName: "Acme Corp.", sources: [], disallowedClaims: [], event: nil)
        for named in ["Hi Jane, Acme Corp.", "Hi Jane, Acme", "Hi Jane, ACME Corporation", "Hi Jane, the acme team"] {
            #expect(checks.body(Self.words(170, named)).isEmpty, "\(named)")
        }
        #expect(checks.body(Self.words(170, "Hi Jane, Acmeville")).map(\.problem) == ["must name the company, Acme Corp."])
        let smith = OutreachChecks(fullName: "Jane Doe", companyName: "Smith & Sons GmbH", sources: [], disallowedClaims: [], event: nil)
        #expect(smith.body(Self.words(170, "Hi Jane, Smith and Sons")).isEmpty && smith.body(Self.words(170, "Hi Jane, Smith & Sons")).isEmpty)
        #expect(!smith.body(Self.words(170, "Hi Jane, Smith")).isEmpty, "every word of the name but the legal form")
    }

    @Test func claimsFromTheDefaultsAndTheEnvironmentAreRefused() {
        let claims = OutreachChecks.disallowedClaims(config: Config(["SALES_DISALLOWED_CLAIMS": " Cheapest , overnight migration,,"]))
        #expect(claims.contains("guarantee") && claims.contains("cheapest") && claims.contains("overnight migration"))
        let checks = Self.checks(claims: claims)
        let problems = checks.body(Self.words(170, "Hi Jane, Acme Corp gets GUARANTEED savings, the cheapest offer, and 100% uptime."))
        #expect(problems.map(\.problem) == ["makes a disallowed claim: \"guarantee\"", "makes a disallowed claim: \"100%\"",
                                            "makes a disallowed claim: \"cheapest\""])
        #expect(checks.subject("A risk-free offer for Acme Corp").map(\.problem) == ["makes a disallowed claim: \"risk-free\""])
    }

    @Test func onlySourceLinksPass() {
        let checks = Self.checks()
        #expect(checks.body(Self.words(170, "Hi Jane, Acme Corp was in the news (\(Self.source)).")).isEmpty, "trailing punctuation is not the URL")
        let invented = checks.body(Self.words(170, "Hi Jane, Acme Corp: see HTTPS://made-up.example/x and \(Self.source)/more"))
        #expect(invented.map(\.problem) == ["links HTTPS://made-up.example/x, which is not one of the sources",
                                            "links \(Self.source)/more, which is not one of the sources"])
        #expect(OutreachChecks.urls(in: "a <http://x.example/a>, b (https://y.example/b?c=1). http") == ["http://x.example/a", "https://y.example/b?c=1"])
    }

    @Test func bareAddressesAreLinksToo() {
        let checks = OutreachChecks(fullName: "Jane Doe", companyName: "Acme Corp", sources: ["https://www.acme.com/news/2026"],
                                    disallowedClaims: [], event: nil)
        let invented = checks.body(Self.words(170, "Hi Jane, Acme Corp: see www.invented.com/x, (acme-offer.com). Or www.made-up.example"))
        #expect(invented.map(\.problem) == ["links www.invented.com/x, which is not one of the sources",
                                            "links acme-offer.com, which is not one of the sources",
                                            "links www.made-up.example, which is not one of the sources"])
        let sourced = "Hi Jane, Acme Corp: acme.com/news/2026/, www.acme.com/news/2026 and HTTPS://ACME.COM/news/2026?utm=x on acme.com."
        #expect(checks.body(Self.words(170, sourced)).isEmpty, "the same host and path (or only the host) as a source")
        #expect(checks.body(Self.words(170, "Hi Jane, Acme Corp: acme.com/careers")).map(\.problem)
                == ["links acme.com/careers, which is not one of the sources"], "another path on a source's host")
        let prose = "Hi Jane, Acme Corp, e.g. U.S. plants on ASP.NET or Node.js 3.5, write jane.doe@acme-offer.com. End.Next"
        #expect(checks.body(Self.words(170, prose)).isEmpty, "abbreviations, versions, products and e-mail addresses are not links")
        #expect(OutreachLinks.links(in: "https://a.example/x then b.io/y and www.c.example") == ["https://a.example/x", "b.io/y", "www.c.example"])
        let booking = OutreachChecks(fullName: "Jane Doe", companyName: "Booking.com", sources: [], disallowedClaims: [], event: nil)
        #expect(booking.body(Self.words(170, "Hi Jane, Booking.com and booking.com/deals")).map(\.problem)
                == ["links booking.com/deals, which is not one of the sources (there are none: use no link)"], "the company's own name is no link")
    }

    @Test func anInvitationNamesItsEventAndDateAndNoOther() {
        let checks = Self.checks(event: Self.event)
        #expect(checks.body(Self.words(170, "Hi Jane, Acme Corp is invited to Modernization Day Berlin on April 16, 2026.")).isEmpty)
        #expect(checks.body(Self.words(170, "Hi Jane, Acme Corp: Modernization Day Berlin, 16 Apr.")).isEmpty)
        #expect(checks.body(Self.words(170, "Hi Jane, Acme Corp: Modernization Day Berlin, 2026-04-16.")).isEmpty)
        let wrongDay = checks.body(Self.words(170, "Hi Jane, Acme Corp: Modernization Day Berlin on April 160 or April 1."))
        #expect(wrongDay.map(\.problem) == ["must give the event's date, April 16, 2026"], "April 160 is not April 16")
        let other = checks.body(Self.words(170, "Hi Jane, Acme Corp: Modernization Day Berlin on April 16, then Security Summit Paris."))
        #expect(other.map(\.problem) == ["names another event, \"Security Summit Paris\": an invitation is about \"Modernization Day Berlin\" only"],
                "a short other title inside this event's own (\"Day\") is not another event")
        #expect(checks.body(Self.words(170)).map(\.problem) == ["must name the event it invites to, \"Modernization Day Berlin\"",
                                                               "must give the event's date, April 16, 2026"])
        #expect(checks.subject("Security Summit Paris and more").count == 1)
    }

    @Test(arguments: [
        ("2026-04-16", ["April 16th", "16th April", "the 16th of April", "Apr. 16", "16 Apr.", "Apr. 16th"], ["April 16st", "April 6th"]),
        ("2026-03-01", ["March 1st", "1st of March", "Mar. 1st"], ["March 1th", "March 11th"]),
        ("2026-05-22", ["May 22nd", "22nd May"], ["May 22th"]),
        ("2026-10-03", ["Oct. 3rd", "3rd October"], ["October 3th", "October 13rd"]),
        ("2026-06-12", ["June 12th", "Jun. 12"], ["June 12nd"]),
        ("2026-09-21", ["Sept. 21st", "21st Sep"], ["September 21th"]),
    ])
    func datesMayBeOrdinalAndMonthsAbbreviatedWithADot(date: String, written: [String], wrong: [String]) throws {
        let event = try Self.eventJSON.merging(["date": .string(date + "T09:00:00Z")]).decode(as: OutreachContext.Event.self)
        let checks = Self.checks(event: event)
        for spelling in written {
            #expect(checks.body(Self.words(170, "Hi Jane, Acme Corp: Modernization Day Berlin on \(spelling), 10:00.")).isEmpty, "\(spelling)")
        }
        for spelling in wrong {
            #expect(checks.body(Self.words(170, "Hi Jane, Acme Corp: Modernization Day Berlin on \(spelling), 10:00.")).count == 1, "\(spelling)")
        }
    }

    @Test func theOfflineAnswersPassTheirOwnChecks() throws {
        let long = String(repeating: "Mainframe costs keep rising and audits take months ", count: 20)
        let research: JSONValue = [
            "run_id": 1, "summary": "Acme.", "key_insights": [["insight": .string(long), "evidence": .string(Self.source)]],
            "pain_points": [.string(long), "Security audits"], "sources": [.string(Self.source)],
            "solutions": [["name": "AWS Mainframe Modernization", "description": .string(long)], ["name": "Amazon EKS", "description": "Managed Kubernetes."]],
        ]
        let claims = OutreachChecks.defaultDisallowedClaims + ["workshops"]
        let undated = Self.eventJSON.merging(["date": "the first Tuesday of spring"])
        for (event, research, notes) in [(nil, research, "note"), (Self.eventJSON, research, nil), (nil, nil, nil), (Self.eventJSON, nil, "x"),
                                         (undated, research, nil)]
            as [(JSONValue?, JSONValue?, String?)] {
            let json: JSONValue = [
                "prospect": ["id": 1, "full_name": "Jane Doe", "title": "CTO", "company_name": "Acme Corp", "industry": "Manufacturing", "status": "researched"],
                "research": research ?? .null, "event": event ?? .null, "custom_context": notes.map(JSONValue.string) ?? .null,
                "without_research": .bool(research == nil),
            ]
            let context = try json.decode(as: OutreachContext.self)
            let checks = OutreachChecks(context: context, pastWins: [], disallowedClaims: claims)
            let plan = EmailStrategyTask(context: context, pastWins: []).offlineAnswer()
            #expect(plan.solutions.count == (research == nil ? 0 : 2))
            #expect(event == nil || research == nil || plan.solutions.first == "Amazon EKS", "the event's featured solution comes first")
            let strategy = try JSONValue(encoding: plan).merging([
                "dropped_solutions": 0, "dropped_proof_points": 0,
                "llm": ["provider": "offline", "model": "rules", "attempts": 1, "prompt_tokens": 0, "completion_tokens": 0, "cost_usd": nil, "latency_ms": 0],
            ]).decode(as: OutreachStrategy.self)
            let subject = OutreachSubjectTask(context: context, strategy: strategy, checks: checks).offlineAnswer().subject
            #expect(checks.subject(subject).isEmpty, "\(subject)")
            let body = OutreachBodyTask(context: context, strategy: strategy, subject: subject, checks: checks).offlineAnswer().body
            #expect(checks.body(body).isEmpty, "\(checks.body(body)) in: \(body)")
            #expect(!body.lowercased().contains("workshops"), "a sentence with a disallowed word is left out")
            let refined = OutreachRefineTask(context: context, strategy: strategy, subject: subject, body: body, checks: checks).offlineAnswer()
            #expect(checks.subject(refined.subject).isEmpty && checks.body(refined.body).isEmpty)
        }
    }
}

extension JSONValue {
    func merging(_ other: JSONValue) -> JSONValue {
        guard case .object(let mine) = self, case .object(let theirs) = other else { return self }
        return .object(mine.merging(theirs) { $1 })
    }
}
