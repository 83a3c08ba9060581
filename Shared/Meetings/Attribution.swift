import Calendars
import Core

/// Who a meeting is with: the first external attendee (not on one of our own domains), the company
/// from that attendee's email domain (free-mail domains name no company), and the role when the
/// event's text states one.
package struct Attribution: Sendable, Equatable {
    package var externalAttendee: CalendarEvent.Attendee?
    package var company: String?
    package var companyDomain: String?
    package var role: String?

    /// `ownDomains` from `SELF_EMAIL_DOMAINS`; when empty, the organizer's domain counts as ours.
    package static func of(_ event: CalendarEvent, ownDomains: Set<String>) -> Attribution {
        var own = ownDomains
        if own.isEmpty, let organizer = event.attendees.first(where: \.isOrganizer) { own.insert(domain(of: organizer.email)) }
        let external = event.attendees.first { attendee in
            let domain = domain(of: attendee.email)
            return !own.contains(domain) && !own.contains(where: { domain.hasSuffix("." + $0) })
        }
        var attribution = Attribution(externalAttendee: external)
        if let external {
            let domain = domain(of: external.email)
            if !freeMailDomains.contains(domain) && !freeMailDomains.contains(where: { domain.hasPrefix($0 + ".") && $0.count > 3 }) {
                attribution.companyDomain = registrableDomain(domain)
                attribution.company = companyName(fromDomain: domain)
            }
        }
        attribution.role = role(in: event.title + "\n" + (event.description ?? ""))
        return attribution
    }

    static func domain(of email: String) -> String {
        String(email.split(separator: "@").last ?? "").lowercased()
    }

    /// `mail.acme.co.uk` → `acme.co.uk`.
    static func registrableDomain(_ domain: String) -> String {
        let labels = domain.split(separator: ".").map(String.init)
        guard labels.count > 2 else { return domain }
        let lastTwo = labels.suffix(2).joined(separator: ".")
        let keep = secondLevelSuffixes.contains(lastTwo) ? 3 : 2
        return labels.suffix(keep).joined(separator: ".")
    }

    /// `northwind-logistics.com` → `Northwind Logistics`.
    static func companyName(fromDomain domain: String) -> String {
        let registrable = registrableDomain(domain)
        let label = registrable.split(separator: ".").first.map(String.init) ?? registrable
        return label.split(whereSeparator: { $0 == "-" || $0 == "_" }).map { word in
            word.count <= 3 && word.allSatisfy(\.isLetter) && word.count > 1 && !word.contains(where: { "aeiou".contains($0) })
                ? word.uppercased() : word.prefix(1).uppercased() + word.dropFirst()
        }.joined(separator: " ")
    }

    /// The first job title the text states: `VP Sales`, `Head of Revenue Operations`, `CTO`.
    static func role(in text: String) -> String? {
        for pattern in rolePatterns {
            if let match = try? pattern.firstMatch(in: text) {
                let role = String(text[match.range]).trimmingWhitespace()
                if !role.isEmpty { return role }
            }
        }
        return nil
    }

    static let rolePatternSources = [
        #"\bChief [A-Z][a-z]+(?: [A-Z][a-z]+)? Officer\b"#,
        #"\b(?:Senior |Executive )?(?:VP|SVP|EVP|Vice President|Head|Director|Manager|Lead)(?: of)? [A-Z][A-Za-z&]+(?: (?:[A-Z][A-Za-z&]+|&))*"#,
        #"\b(?:CEO|CTO|CFO|COO|CMO|CRO|CIO|CISO|CPO|Founder|Co-founder|Cofounder)\b"#,
    ]

    // Regex is not Sendable: compiled per call (a handful of short patterns).
    static var rolePatterns: [Regex<AnyRegexOutput>] { rolePatternSources.compactMap { try? Regex($0) } }

    static let secondLevelSuffixes: Set<String> = [
        "co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "co.nz", "co.jp", "co.kr", "co.in", "com.br", "com.mx",
        "com.cn", "com.sg", "com.hk", "co.za", "com.tr", "com.ar", "co.il",
    ]

    static let freeMailDomains: Set<String> = [
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "ymail.com", "outlook.com", "hotmail.com",
        "hotmail.co.uk", "hotmail.fr", "hotmail.de", "live.com", "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
        "protonmail.com", "pm.me", "gmx.de", "gmx.net", "gmx.com", "web.de", "t-online.de", "yandex.ru", "yandex.com", "mail.ru",
        "qq.com", "163.com", "126.com", "zoho.com", "fastmail.com", "hey.com", "tutanota.com", "orange.fr", "free.fr", "libero.it",
    ]
}
