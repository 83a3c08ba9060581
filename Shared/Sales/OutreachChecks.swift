import Core
import Providers

/// The local checks every outreach draft must pass, whoever wrote it (a model, the offline
/// rules, or a person editing it): 150–200 words, the prospect's name and the company's, no
/// disallowed claim, every link one of the sources (the research's or the past wins'; written
/// `https://…` or bare, `www.acme.com/x`, see `OutreachLinks`), and for an
/// invitation, the event's title and date and no other event. The LLM tasks use them as their
/// `validate` (a failing answer is repaired once); an edit gets them back as warnings.
package struct OutreachChecks: Sendable, Equatable {
    /// Claims an account manager may never make, whatever the model writes; `SALES_DISALLOWED_CLAIMS`
    /// (comma-separated) adds more.
    package static let defaultDisallowedClaims = ["guarantee", "100%", "risk-free", "risk free", "best in the world", "zero risk",
                                                  "no risk", "never fails", "unlimited savings", "instant roi"]
    package static let words = 150...200
    package static let subjectLimit = 120

    package var fullName: String
    package var firstName: String
    package var companyName: String
    package var sources: [String]
    package var disallowedClaims: [String]
    package var event: OutreachContext.Event?

    package init(fullName: String, companyName: String, sources: [String], disallowedClaims: [String], event: OutreachContext.Event?) {
        self.fullName = fullName
        firstName = fullName.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? fullName
        self.companyName = companyName
        var seen = Set<String>()
        self.sources = sources.filter { seen.insert($0).inserted }
        self.disallowedClaims = disallowedClaims
        self.event = event
    }

    /// The checks of a draft for this context: its sources are the research's and the URLs the past wins carry.
    package init(context: OutreachContext, pastWins: [PastWin], disallowedClaims: [String]) {
        let winURLs = pastWins.flatMap { OutreachLinks.links(in: $0.excerpt) + OutreachLinks.links(in: $0.subject) }
        self.init(fullName: context.prospect.fullName, companyName: context.companyName, sources: (context.research?.sources ?? []) + winURLs,
                  disallowedClaims: disallowedClaims, event: context.event)
    }

    /// The default claims plus `SALES_DISALLOWED_CLAIMS`, lower-cased, each once.
    package static func disallowedClaims(config: Config) -> [String] {
        let extra = (config["SALES_DISALLOWED_CLAIMS"] ?? "").split(separator: ",").map { String($0).trimmingWhitespace().lowercased() }
        var seen = Set<String>()
        return (defaultDisallowedClaims + extra).filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// Problems of a subject line.
    package func subject(_ subject: String, field: String = "$.subject") -> [ErrorDetail] {
        var problems: [ErrorDetail] = []
        let trimmed = subject.trimmingWhitespace()
        if trimmed.isEmpty { problems.append(ErrorDetail(field: field, problem: "must not be blank")) }
        if trimmed.count > Self.subjectLimit {
            problems.append(ErrorDetail(field: field, problem: "must have at most \(Self.subjectLimit) characters, has \(trimmed.count)"))
        }
        return problems + common(subject, field: field)
    }

    /// Problems of a body.
    package func body(_ body: String, field: String = "$.body") -> [ErrorDetail] {
        var problems: [ErrorDetail] = []
        let count = TextRules.wordCount(body)
        if !Self.words.contains(count) {
            problems.append(ErrorDetail(field: field, problem: "must have \(Self.words.lowerBound) to \(Self.words.upperBound) words, has \(count)"))
        }
        let lower = body.lowercased()
        // Whole words: "Al" is not found in "also", nor "Acme" in "Acmeville".
        if !Self.occurs(firstName.lowercased(), in: lower), !Self.occurs(fullName.lowercased(), in: lower) {
            problems.append(ErrorDetail(field: field, problem: "must address the prospect by name (\(firstName) or \(fullName))"))
        }
        if !Self.namesCompany(companyName, in: body) {
            problems.append(ErrorDetail(field: field, problem: "must name the company, \(companyName)"))
        }
        if let event {
            if !Self.occurs(event.title.lowercased(), in: lower) {
                problems.append(ErrorDetail(field: field, problem: "must name the event it invites to, \"\(event.title)\""))
            }
            if !Self.mentionsDate(event.date, in: lower) {
                problems.append(ErrorDetail(field: field, problem: "must give the event's date, \(Self.readableDate(event.date) ?? event.date)"))
            }
        }
        return problems + common(body, field: field)
    }

    /// The rules subject and body share: claims, links, other events.
    func common(_ text: String, field: String) -> [ErrorDetail] {
        var problems: [ErrorDetail] = []
        let lower = text.lowercased()
        for claim in disallowedClaims where lower.contains(claim) {
            problems.append(ErrorDetail(field: field, problem: "makes a disallowed claim: \"\(claim)\""))
        }
        let ownHost = OutreachLinks.key(companyName).host
        for url in OutreachLinks.links(in: text) where !OutreachLinks.isAllowed(url, sources: sources) {
            // A company called "Booking.com" is named, not linked.
            if !url.contains("://"), OutreachLinks.key(url) == (ownHost, "") { continue }
            problems.append(ErrorDetail(field: field, problem: "links \(url), which is not one of the sources"
                                        + (sources.isEmpty ? " (there are none: use no link)" : "")))
        }
        if let event {
            let own = event.title.lowercased()
            for other in event.otherTitles {
                let title = other.lowercased()
                if title.count >= 4, !own.contains(title), Self.occurs(title, in: lower) {
                    problems.append(ErrorDetail(field: field, problem: "names another event, \"\(other)\": an invitation is about \"\(event.title)\" only"))
                }
            }
        }
        return problems
    }

    /// The `http://` and `https://` URLs in a text (any case), trailing punctuation left out; one pass.
    package static func urls(in text: String) -> [String] {
        guard text.lowercased().contains("http") else { return [] }
        var found: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            guard ResearchEvidence.startsURL(text[index...]) else {
                index = text.index(after: index)
                continue
            }
            var end = index
            while end < text.endIndex, !text[end].isWhitespace, !ResearchEvidence.urlEnds.contains(text[end]) { end = text.index(after: end) }
            var url = text[index..<end]
            while let last = url.last, ResearchEvidence.trailing.contains(last) { url = url.dropLast() }
            found.append(String(url))
            index = end
        }
        return found
    }

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]

    /// The year, month and day of an ISO-8601 date or time ("2026-03-12T09:00:00Z").
    static func day(_ date: String) -> (year: Int, month: Int, day: Int)? {
        let parts = date.prefix(10).split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        return (year, month, day)
    }

    /// "March 12, 2026"; nil when the date is not ISO-8601.
    package static func readableDate(_ date: String) -> String? {
        guard let (year, month, day) = day(date) else { return nil }
        return months[month - 1].prefix(1).uppercased() + months[month - 1].dropFirst() + " \(day), \(year)"
    }

    /// Whether a lower-cased text gives the date as people write it: 2026-03-12, or the month
    /// (March, Mar, Mar.; Sept too) before or after the day, the day plain or ordinal (12, 12th,
    /// 1st, 22nd, 3rd), "12th of March" (a number never read as the start of a longer one).
    static func mentionsDate(_ date: String, in lower: String) -> Bool {
        guard let (_, month, day) = day(date) else { return lower.contains(date.lowercased()) }
        let name = months[month - 1]
        let short = String(name.prefix(3))
        var monthSpellings = [name, short, short + "."]
        if month == 9 { monthSpellings += ["sept", "sept."] }
        let days = ["\(day)", "\(day)\(ordinalSuffix(day))"]
        var spellings = [String(date.prefix(10))]
        for month in monthSpellings {
            for day in days { spellings += ["\(month) \(day)", "\(day) \(month)", "\(day) of \(month)"] }
        }
        return spellings.contains { occurs($0, in: lower) }
    }

    /// "st", "nd", "rd" or "th", as English writes the day: 1st, 2nd, 3rd, 11th, 12th, 13th, 21st.
    static func ordinalSuffix(_ day: Int) -> String {
        if (11...13).contains(day % 100) { return "th" }
        switch day % 10 {
        case 1: return "st"
        case 2: return "nd"
        case 3: return "rd"
        default: return "th"
        }
    }

    /// Whether the text names the company as stored ("Acme Corp.") or as people write it, without
    /// its legal form or punctuation ("Acme", "ACME Corporation"): `CompanyName`'s folding, compared
    /// word by word.
    static func namesCompany(_ name: String, in text: String) -> Bool {
        if occurs(name.lowercased(), in: text.lowercased()) { return true }
        let key = CompanyName.key(name)
        return !key.isEmpty && occurs(key, in: CellText.words(text).joined(separator: " "))
    }

    /// `needle` in `text` with no digit or letter right before or after it.
    static func occurs(_ needle: String, in text: String) -> Bool {
        var start = text.startIndex
        while let range = text[start...].firstRange(of: needle) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !(before?.isLetter ?? false || before?.isNumber ?? false), !(after?.isLetter ?? false || after?.isNumber ?? false) { return true }
            start = text.index(after: range.lowerBound)
        }
        return false
    }
}
