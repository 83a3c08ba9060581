import Sales
import Testing

@Suite struct CompanyNameTests {
    @Test(arguments: [
        ("Acme Corp", "acme"), ("ACME Corp.", "acme"), ("Acme Corporation", "acme"), ("  acme,   corp  ", "acme"),
        ("Acme Inc.", "acme"), ("Acme GmbH", "acme"), ("Acme S.A.", "acme"), ("Acme PLC", "acme"), ("Acme Ltd", "acme"),
        ("Acme LLC", "acme"), ("Acme AG", "acme"), ("Acme Co.", "acme"), ("Acme Holdings Inc", "acme holdings"),
        ("Bramble & Finch Ltd", "bramble and finch"), ("Bramble and Finch", "bramble and finch"), ("Smith & Co", "smith"),
        ("Sakura Mobility K.K.", "sakura mobility"), ("Société Générale SA", "société générale"),
    ])
    func foldsCaseSpacingPunctuationAndLegalForms(_ name: String, _ key: String) {
        #expect(CompanyName.key(name) == key)
    }

    @Test func aNameThatIsOnlyALegalFormKeepsIt() {
        #expect(CompanyName.key("Company") == "company")
        #expect(CompanyName.key("The Co.") == "the co", "only a stopword would remain")
        #expect(CompanyName.key("The Company") != CompanyName.key("The Limited"))
        #expect(CompanyName.key("The") == "the")
        #expect(CompanyName.key("!!!").isEmpty)
    }

    @Test func differentCompaniesStayApart() {
        #expect(CompanyName.key("Acme Corp") != CompanyName.key("Acme Logistics Corp"))
        #expect(CompanyName.key("Corp Acme") == "corp acme", "only a trailing legal form is dropped")
        #expect(CompanyName.key("Acme") != CompanyName.key("Acme Labs"))
        #expect(CompanyName.key("Day Spa") == "day spa", "spa is a word unless dotted")
        #expect(CompanyName.key("Day Spa") != CompanyName.key("Day Corp"))
        #expect(CompanyName.key("Ferrari SpA") == "ferrari" && CompanyName.key("Ferrari S.p.A.") == "ferrari",
                "the Italian legal form, as Italian companies write it")
        #expect(CompanyName.key("DAY SPA") == "day spa")
        #expect(CompanyName.key("Vela Seguros S.p.A.") == "vela seguros")
    }
}
