import Candidates
import Core
import Testing

/// The byte-level path for ASCII cells must say exactly what the `Character` path says; these
/// cells are the awkward ones (whitespace of every ASCII kind, CRLF, placeholders in any case,
/// separators at the ends, lookalike addresses).
@Suite struct FieldNormalizerASCIITests {
    static let cells: [String] = [
        "", " ", "\t", "\r\n", " \r\n \t", "x", " Ann  Lee ", "Ann\tLee", "Ann\u{0B}Lee\u{0C}", "a\r\nb", "a\n\rb", "a\rb", "a\n\n b \n",
        " \r\n line one \r\n\r\n  line  two\t\r\n", "N/A", " n/a ", "NONE", "None", "-", "--", "?", "#N/A", "TBD", "Unknown", "unknowns",
        "nil ", "null", "n.a.", "a - b", "  -  ", "Python, Go;Rust | SQL\nAWS\r\nKafka\tDocker", "Go, go, GO, n/a, ,", ",,;;||",
        "CI/CD, C++, C#, Node.js", " Python ,  Go  ", String(repeating: "x", count: 100) + ", ok", String(repeating: "y", count: 101) + ", ok",
        "ann@example.com", " Ann.Lee@Example.COM ", "Ann Lee <ann@example.com>", "mailto:Ann@Example.com", "MAILTO: ann@example.com",
        "< mailto:ann@example.com>", "a@x.com; b@y.com", "bad; b@y.com", "a@x.com\r\nb@y.com", "a@x.com/b@y.com", "<a@x.com>, b@y.com",
        "ann@example", "ann@@example.com", "@example.com", "ann@.example.com", "ann@example.c", "ann@example.c0m", "ann@-example.com",
        "ann@example-.com", "ann@exa_mple.com", ".ann@example.com", "ann.@example.com", "an..n@example.com", "an n@example.com",
        "ann@example..com", "ann@", "a>b@example.com", String(repeating: "a", count: 250) + "@x.io", "ann@EXAMPLE.COM.",
        (0..<80).map { "Skill\($0 % 45)" + ($0 % 3 == 0 ? "" : " ") }.joined(separator: ", ") + ", SKILL7, skill44",
        "mailto:", "<>", "ann@example.com>", "<ann@example.com", "a<b@x.com", "Ann <ann@x.com> <bob@y.com>", "a@b.co.", "a@b..", "a@1.23",
        "a@b.c-d.com", "a@b.com ; ", " ; a@b.com", "x@y.com,, ", "a.b.c@d.e.fg", "a@B.Io", String(repeating: "a", count: 245) + "@x.io",
    ]

    @Test(arguments: cells)
    func textAgrees(cell: String) {
        #expect(FieldNormalizer.text(cell) == FieldNormalizer.textByCharacter(cell, keepLines: false))
        #expect(FieldNormalizer.text(cell, keepLines: true) == FieldNormalizer.textByCharacter(cell, keepLines: true))
    }

    @Test(arguments: cells)
    func listAgrees(cell: String) {
        #expect(FieldNormalizer.list(cell) == FieldNormalizer.listByCharacter(cell))
    }

    @Test(arguments: cells)
    func emailAgrees(cell: String) {
        #expect(FieldNormalizer.email(cell) == EmailAddress.normalizedByCharacter(cell))
    }

    static let urls: [String] = [
        "https://www.linkedin.com/in/annlee", " linkedin.com/in/AnnLee/ ", "http://de.linkedin.com/in/annlee?trk=x#top",
        "www.linkedin.com/pub/ann-lee/1a/2b/3c/4d", "https://linkedin.com/IN/annlee", "https://www.linkedin.com/company/acme",
        "https://example.com/in/annlee", "https://notlinkedin.com/in/annlee", "https://.linkedin.com/in/x", "annlee",
        "https://www.linkedin.com/in/", "https://www.linkedin.com/in/ann lee", "linkedin.com//in//annlee",
        "https://www.linkedin.com/in/" + String(repeating: "a", count: 101), "ftp://linkedin.com/in/a://b", "://", "a:/", "",
        "LINKEDIN.COM/PUB/Ann/1A", "linkedin.com/pub/a/b/c/d/e/f", "uk.linkedin.com/pub/a/b c/d", "linkedin.com/in/a b/c",
        "https://uk.linkedin.com/in/Ann-Lee/?x#y", "inkedin.com/in/a", "xlinkedin.com/in/a", "linkedin.co/in/a", "linkedin.com/inn/a",
        "linkedin.com/pu/a", "linkedin.com/in", "https://www.linkedin.com/pub/" + String(repeating: "b", count: 50) + "/" + String(repeating: "c", count: 49),
        "https://www.linkedin.com/pub/" + String(repeating: "b", count: 50) + "/" + String(repeating: "c", count: 50),
    ]

    @Test(arguments: urls)
    func linkedinAgrees(url: String) {
        #expect(FieldNormalizer.linkedin(url) == LinkedInURL.normalizedByCharacter(url))
    }

    @Test(arguments: ["5", "5+", "3,5", "3.5", "5-7 yrs", "18 months", "2 Years 6 Months", "about 10 yrs", "~4y", "10.", "1,2,3",
                      "led a team of 5", "5 to 7", "", " \r\n ", "(3)", "12 Jahre", "3..5", "x1"])
    func durationTokensAgree(cell: String) {
        #expect(FieldNormalizer.durationTokens(cell) == FieldNormalizer.durationTokensByCharacter(cell))
    }

    @Test(arguments: ["5", "5+", "0", "007", "12", "999999999999999", "1234567890123456", "5++", "+5", "+", "5+5", "", " 5", "5 ",
                      "٣", "10+ years", "3,5", "5-7"])
    func bareNumbersAgree(cell: String) {
        let fast = FieldNormalizer.plainWholeNumber(cell).map { $0 * 12 }
        let general = FieldNormalizer.durationByTokens(cell, defaultUnit: .year)
        if let fast { #expect(fast == general, "\(cell)") }
        #expect(FieldNormalizer.years(cell) == general.map { $0 / 12 }, "\(cell)")
        #expect(FieldNormalizer.months(cell) == FieldNormalizer.durationByTokens(cell, defaultUnit: .month), "\(cell)")
    }

    @Test func bareNumbersTakeTheFastPath() {
        #expect(FieldNormalizer.plainWholeNumber("12") == 12)
        #expect(FieldNormalizer.plainWholeNumber("5+") == 5)
        #expect(FieldNormalizer.plainWholeNumber("5+5") == nil)
        #expect(FieldNormalizer.plainWholeNumber("1234567890123456") == nil, "past 15 digits: the general path")
        #expect(FieldNormalizer.plainWholeNumber("+") == nil)
    }

    @Test func whatTheFastPathsGive() {
        #expect(FieldNormalizer.text(" \r\n line one \r\n\r\n  line  two\t\r\n", keepLines: true) == "line one\n\nline two")
        #expect(FieldNormalizer.text("a\r\nb") == "a b")
        #expect(FieldNormalizer.text(" #N/A ") == nil)
        #expect(FieldNormalizer.list("Python\r\nGo\r\n") == ["Python", "Go"], "a CRLF inside a cell separates items")
        #expect(FieldNormalizer.email("a@x.com\r\nb@y.com") == "a@x.com", "and addresses")
        #expect(FieldNormalizer.isBlank(" \t\r\n"))
        #expect(!FieldNormalizer.isBlank(" x "))
    }

    /// Cells with any non-ASCII byte take the `Character` path, with its Unicode whitespace,
    /// bullets and dash placeholders.
    @Test func nonASCIICellsKeepTheirUnicodeRules() {
        #expect(FieldNormalizer.text("\u{00A0}José\u{2003}García\u{00A0}") == "José García")
        #expect(FieldNormalizer.text(" — ") == nil)
        #expect(FieldNormalizer.list("Go•Rust\r\nKafka, Zoë") == ["Go", "Rust", "Kafka", "Zoë"])
        #expect(FieldNormalizer.email("José <jose@example.com>") == "jose@example.com")
        #expect(FieldNormalizer.isBlank("\u{00A0}\u{3000}"))
        #expect(FieldNormalizer.text("a\u{2028}b", keepLines: true) == "a\nb")
    }
}

/// Skill mentions in ASCII prose are found by bytes; they must be the mentions the `Character`
/// search finds (whole words, `+` and `#` part of a word).
@Suite struct SkillMentionTests {
    static let prose: [String?] = ["Built C++ and C# services; some Go.\r\nLikes google-cloud, react-native and node.js (k8s)",
                                   "Senior Engineer", nil, "Payments+fintech"]

    @Test(arguments: ["c++", "c#", "c", "go", "google", "cloud", "react", "native", "node.js", "node", "js", "k8s", "kubernetes",
                      "services", "service", "senior engineer", "engineer", "payments", "fintech", "payments+fintech", "likes google",
                      "built", "x", "on-call", "ts"])
    func bytesAndCharactersAgree(phrase: String) {
        let matcher = SkillMatcher(skills: [], prose: Self.prose)
        #expect(matcher.mentioned(phrase) == matcher.mentionedByCharacter(phrase))
    }

    @Test(arguments: ["Python", " PostgreSQL ", "postgres", "K8S", "Node.js", "node_js", "Python 3.11", "Java 8", "Go 1.x", "React.",
                      "AWS, ", "CI CD", "amazon  web\tservices", "C#", "C++", "3.11", "x", "", "  ", "Vue.js 3", "rest api", "ML:", "a\r\nb"])
    func canonicalSpellingsAgree(skill: String) {
        #expect(SkillMatcher.canonical(skill) == SkillMatcher.canonicalByCharacter(skill))
    }

    @Test func mentionsAreWholeWords() {
        let matcher = SkillMatcher(skills: [], prose: Self.prose)
        #expect(matcher.mentioned("c++") && matcher.mentioned("go") && matcher.mentioned("k8s"))
        #expect(!matcher.mentioned("c") && !matcher.mentioned("goo") && !matcher.mentioned("payments"))
        #expect(matcher.mentioned("google"), "a hyphen ends a word")
        let unicode = SkillMatcher(skills: [], prose: ["Écrit en Go et Rust"])
        #expect(unicode.mentioned("go") && unicode.mentioned("rust") && !unicode.mentioned("crit"))
    }
}

@Suite struct ColumnLayoutTests {
    @Test func fieldOrdinalsArePositionsInAllCases() {
        #expect(CandidateColumns.Field.allCases.map(\.ordinal) == Array(0..<CandidateColumns.Field.allCases.count))
    }
}

@Suite struct IndustryWordsTests {
    static let names = ["Fintech", "Fintech / Payments", "FinTech", "IT", "Security", "E-commerce", "e commerce", "  ", "", "B2B SaaS",
                        "Payments", "Health-care & Life Sciences", "Retail", "Énergie", "Zoë Tech"]

    @Test(arguments: names)
    func wordsAgree(name: String) {
        #expect(IndustryWords(name).text == IndustryWords.byCharacter(name))
    }

    @Test func containmentIsWholeWord() {
        for have in Self.names {
            for want in Self.names {
                let fast = IndustryWords(have).contains(IndustryWords(want))
                #expect(fast == IndustryWords.byCharacter(have).contains(IndustryWords.byCharacter(want)), "\(have) / \(want)")
            }
        }
        #expect(IndustryWords("Fintech / Payments").contains(IndustryWords("fintech")))
        #expect(!IndustryWords("Security").contains(IndustryWords("IT")))
    }
}
