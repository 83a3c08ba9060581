import Core
import FoundationEssentials
import Providers
import Testing

/// Twilio's published vector and the URL spellings its validators accept.
@Suite struct TwilioSignatureTests {
    let token = "12345"
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    let parameters = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675309"), ("Digits", "1234"), ("From", "+14158675309"),
                      ("To", "+18005551212")]
    let expected = "RSOYDt4T1cUTdK1PDd93/VVr8B8="

    @Test func twiliosPublishedVector() {
        #expect(TwilioSignature.compute(authToken: token, url: url, parameters: parameters) == expected)
        // Order of the form fields as sent does not matter: they are sorted.
        #expect(TwilioSignature.compute(authToken: token, url: url, parameters: parameters.reversed()) == expected)
        #expect(TwilioSignature.isValid(signature: expected, authToken: token, url: url, parameters: parameters, rawBody: ""))
    }

    @Test func sha1MatchesTheStandardVectors() {
        #expect(SHA256.hex(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA256.hex(SHA1.hash([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA256.hex(SHA1.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        // RFC 2202 test cases 1 and 6 (a key longer than the block).
        #expect(SHA256.hex(SHA1.hmac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
                == "b617318655057264e28bc0b6fb378c8ef146be00")
        #expect(SHA256.hex(SHA1.hmac(key: [UInt8](repeating: 0xaa, count: 80),
                                     message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "aa4ae5e15272d00e95705637ce8a3b55ed402112")
    }
}

extension TwilioSignatureTests {
    @Test func portsAreAcceptedWithAndWithoutTheDefault() {
        let plain = "https://bot.example.com/twilio/inbound"
        let withPort = "https://bot.example.com:443/twilio/inbound"
        let fields = [("Body", "hello"), ("From", "whatsapp:+4915112345678")]
        // Twilio may have signed either spelling; both are accepted for a request to either.
        let signedWithPort = TwilioSignature.compute(authToken: token, url: withPort, parameters: fields)
        let signedPlain = TwilioSignature.compute(authToken: token, url: plain, parameters: fields)
        #expect(signedWithPort != signedPlain)
        #expect(TwilioSignature.isValid(signature: signedWithPort, authToken: token, url: plain, parameters: fields, rawBody: ""))
        #expect(TwilioSignature.isValid(signature: signedPlain, authToken: token, url: withPort, parameters: fields, rawBody: ""))
        #expect(TwilioSignature.urlVariants("http://h.example/x?a=1") == ["http://h.example/x?a=1", "http://h.example:80/x?a=1"])
        #expect(TwilioSignature.urlVariants("http://h.example:8080/x") == ["http://h.example:8080/x", "http://h.example/x"])
        #expect(TwilioSignature.urlVariants("https://[::1]:8443/x") == ["https://[::1]:8443/x", "https://[::1]/x"])
        // Another host or path is another URL.
        #expect(!TwilioSignature.isValid(signature: signedPlain, authToken: token, url: "https://evil.example/twilio/inbound",
                                         parameters: fields, rawBody: ""))
    }

    @Test func aTamperedBodyOrWrongTokenFails() {
        let fields = [("Body", "yes"), ("MessageSid", "SM1")]
        let signature = TwilioSignature.compute(authToken: token, url: url, parameters: fields)
        #expect(!TwilioSignature.isValid(signature: signature, authToken: token, url: url, parameters: [("Body", "no"), ("MessageSid", "SM1")], rawBody: ""))
        #expect(!TwilioSignature.isValid(signature: signature, authToken: token, url: url, parameters: fields + [("Extra", "1")], rawBody: ""))
        #expect(!TwilioSignature.isValid(signature: signature, authToken: "54321", url: url, parameters: fields, rawBody: ""))
        #expect(!TwilioSignature.isValid(signature: nil, authToken: token, url: url, parameters: fields, rawBody: ""))
        #expect(!TwilioSignature.isValid(signature: signature, authToken: "", url: url, parameters: fields, rawBody: ""))
    }

    @Test func repeatedNamesSignEachDistinctValueSorted() {
        let fields = [("MediaUrl", "b"), ("MediaUrl", "a"), ("MediaUrl", "b")]
        let expected = Data(SHA1.hmac(key: Array(token.utf8), message: Array((url + "MediaUrlaMediaUrlb").utf8))).base64EncodedString()
        #expect(TwilioSignature.compute(authToken: token, url: url, parameters: fields) == expected)
        // Code-point order: upper case before lower case.
        let mixed = [("b", "1"), ("B", "2")]
        let mixedExpected = Data(SHA1.hmac(key: Array(token.utf8), message: Array((url + "B2b1").utf8))).base64EncodedString()
        #expect(TwilioSignature.compute(authToken: token, url: url, parameters: mixed) == mixedExpected)
    }

    @Test func jsonBodiesAreSignedThroughBodySHA256() {
        let body = #"{"MessageSid":"SM1"}"#
        let signedURL = "https://bot.example.com/twilio/status?bodySHA256=" + SHA256.hex(SHA256.hash(body))
        let signature = TwilioSignature.compute(authToken: token, url: signedURL, parameters: [])
        #expect(TwilioSignature.isValid(signature: signature, authToken: token, url: signedURL, parameters: [], rawBody: body))
        #expect(!TwilioSignature.isValid(signature: signature, authToken: token, url: signedURL, parameters: [], rawBody: body + " "))
    }
}
