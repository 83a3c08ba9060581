import Core
import Testing

@Suite struct LinkedInURLTests {
    static let samples = [
        "https://www.linkedin.com/in/maria-okafor/", "linkedin.com/in/daniel-weiss", "https://uk.linkedin.com/in/Priya-Shah?trk=x",
        "HTTPS://LINKEDIN.COM/IN/JO-PARK/#about", "  www.linkedin.com/in/a  ", "https://www.linkedin.com/pub/jane-doe/1a/2b/3c/extra",
        "https://www.linkedin.com/company/acme", "https://notlinkedin.com/in/x", "https://evil.com/linkedin.com/in/x",
        "https://www.linkedin.com/in/", "https://www.linkedin.com/in//x", "linkedin.com", "", "not a url", "https://www.linkedin.com/in/a b",
        "https://xlinkedin.com/in/x", "ftp://linkedin.com/in/x", "https://www.linkedin.com/in/" + String(repeating: "a", count: 101),
        "https://www.linkedin.com/in/josé", "https://www.linkedin.com/in/jos%C3%A9", "https://www.linkedin.com/IN/Upper/more",
    ]

    @Test(arguments: samples)
    func theBytePathAgreesWithTheCharacterPath(_ sample: String) {
        #expect(LinkedInURL.normalized(sample) == LinkedInURL.normalizedByCharacter(sample))
    }

    @Test func spellingsOfOneProfileMeet() {
        #expect(LinkedInURL.normalized("HTTPS://UK.LinkedIn.com/in/Jo-Park/?utm=1") == "https://www.linkedin.com/in/jo-park")
        #expect(LinkedInURL.normalized("linkedin.com/pub/jane/1a/2b/3c") == "https://www.linkedin.com/pub/jane/1a/2b/3c")
        #expect(LinkedInURL.normalized("https://www.linkedin.com/company/acme") == nil)
        #expect(LinkedInURL.normalized("https://www.linkedin.com/in/jos%C3%A9") == "https://www.linkedin.com/in/josé")
    }
}
