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
}
