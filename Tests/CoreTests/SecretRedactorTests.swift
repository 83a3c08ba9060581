import Core
import FoundationEssentials
import Testing

@Suite struct SecretRedactorTests {
    let token = "f00dfeedc0ffee1234567890abcdef42"

    @Test func theSecretAsItIsAndPercentEncoded() {
        let redactor = SecretRedactor(secrets: [token, "p@ss w/rd+1!"])
        #expect(redactor.redact("token=\(token)&x=1") == "token=[redacted]&x=1")
        #expect(redactor.redact("password=p%40ss%20w%2Frd%2B1%21") == "password=[redacted]")
        #expect(redactor.redact("nothing to see") == "nothing to see")
        #expect(redactor.redact(Array("abc".utf8)) == Array("abc".utf8))
    }

    @Test(arguments: ["AC0123456789abcdef0123456789abcdef", "a", "ab", "user"])
    func basicCredentialsAtAnyAlignment(user: String) {
        let redactor = SecretRedactor(secrets: [token])
        let basic = Data("\(user):\(token)".utf8).base64EncodedString()
        let redacted = redactor.redact("got Authorization: Basic \(basic) back")
        #expect(redacted.contains("[redacted]"), "\(redacted)")
        #expect(!redacted.contains(basic))
        // What is left of the base64 is the user part and at most two boundary characters.
        let left = redacted.split(separator: " ")[3]
        #expect(left.count <= Data("\(user):".utf8).base64EncodedString().count + 2 + "[redacted]".count + 4)
    }

    @Test func base64URLAndTheLongestFormFirst() {
        let secret = "\u{FB}\u{FF}\u{FE}secret-value??>>"
        let redactor = SecretRedactor(secrets: [secret])
        let url = Data(secret.utf8).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_")
        #expect(!redactor.redact("jwt.\(url).sig").contains(String(url.dropFirst(2).prefix(12))))
    }

    @Test func shortSecretsAreStillRedactedAsTheyAre() {
        #expect(SecretRedactor(secrets: ["s3cr3t"]).redact("key s3cr3t") == "key [redacted]")
        #expect(SecretRedactor(secrets: []).isEmpty)
    }

    /// PHP writes `/` as `\/`; .NET writes `+` as `\u002B`; any character may come as `\uXXXX`.
    @Test func secretsEchoedThroughJSONEscapes() throws {
        let secret = "sk-ab/cd+ef1?>~~xyz"
        let redactor = SecretRedactor(secrets: [secret, token])
        for echoed in [#"sk-ab\/cd+ef1?>~~xyz"#, #"sk-ab/cd\u002Bef1?>~~xyz"#, #"sk-ab\u002fcd\u002bef1?\u003e~~xyz"#, #"\u0073k-ab\/cd\u002Bef1?>~~xy\u007A"#] {
            let text = #"{"error": "bad key \#(echoed) given"}"#
            #expect(redactor.redact(text) == #"{"error": "bad key [redacted] given"}"#, "\(echoed)")
        }
        let basic = Data("user:\(secret)".utf8).base64EncodedString()
        let escapedBasic = basic.replacing("+", with: #"\u002B"#).replacing("/", with: #"\/"#)
        #expect(escapedBasic != basic, "the test's base64 has a + or a /")
        let redacted = redactor.redact(#"{"message": "Basic \#(escapedBasic)"}"#)
        #expect(redacted.contains("[redacted]"))
        let decoded = try JSONValue(parsing: Array(redacted.utf8))
        let message = try #require(decoded["message"]?.stringValue)
        #expect(!message.contains(String(basic.dropFirst(12).prefix(12))), "\(message)")
        // Escapes that make no secret stay as they were; a secret next to one is still found.
        #expect(redactor.redact(#"a\/b \u00e9 \q \u12"#) == #"a\/b \u00e9 \q \u12"#)
        #expect(redactor.redact(#"\n\#(token)\n"#) == #"\n[redacted]\n"#)
        #expect(redactor.redact(#"\ud83d\ude00 sk-ab\/cd+ef1?>~~xyz"#) == #"\ud83d\ude00 [redacted]"#)
    }

    @Test(arguments: [("postgres", false), ("s3cr3t", false), ("abcdefghijk", false), ("abcdefghijkl", true), ("s3cr3t-1", true)])
    func onlyDistinctiveSecretsLeaveAnswers(secret: String, distinctive: Bool) {
        #expect(SecretRedactor.isDistinctive(secret) == distinctive)
        let config = Config(["DATABASE_URL": "postgres://app:\(secret)@db/app"])
        #expect(config.redactor.redact("user \(secret) here") == (distinctive ? "user [redacted] here" : "user \(secret) here"))
        #expect(SecretRedactor(secrets: config.secretValues).redact(secret) == "[redacted]", "logs redact every secret value")
    }

    /// Many escapes before and between echoes: each raw span is found from the escape map.
    @Test func escapedEchoesAmongManyEscapes() {
        let redactor = SecretRedactor(secrets: ["sk-ab/cd+ef1?>~~xyz"])
        let noise = String(repeating: #"\/\u00e9\""#, count: 20_000)
        let text = noise + #"sk-ab\/cd\u002Bef1?>~~xyz"# + noise + #"\u0073k-ab/cd+ef1?>~~xyz!"#
        #expect(redactor.redact(text) == noise + "[redacted]" + noise + "[redacted]!")
    }
}
