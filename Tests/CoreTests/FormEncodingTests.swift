import Core
import Testing

/// Form and percent encoding live in Core, so a domain (Twilio's webhook signature, profile URLs)
/// reads them without the gateway.
@Suite struct FormEncodingTests {
    @Test func encodedPairsReadBackInOrder() throws {
        let pairs = [("To", "whatsapp:+4915112345678"), ("Body", "Grüße & 100% = ok"), ("Body", "second")]
        let text = FormEncoding.encode(pairs)
        #expect(text == "To=whatsapp%3A%2B4915112345678&Body=Gr%C3%BC%C3%9Fe%20%26%20100%25%20%3D%20ok&Body=second")
        #expect(FormEncoding.pairs(text).map { [$0.0, $0.1] } == pairs.map { [$0.0, $0.1] })
        #expect(try FormEncoding.fields(text) == ["To": "whatsapp:+4915112345678", "Body": ["Grüße & 100% = ok", "second"]])
    }

    @Test func plusIsASpaceInFormsAndBrokenEscapesAreKeptAsSent() {
        #expect(FormEncoding.pairs("a=x+y&b=%ZZ&c").map { [$0.0, $0.1] } == [["a", "x y"], ["b", "%ZZ"], ["c", ""]])
        #expect(PercentEncoding.decode("a+b%2Fc") == "a+b/c")
        #expect(PercentEncoding.decode("%E2%82") == nil, "not UTF-8")
    }

    @Test func tooManyFieldsArePayloadTooLarge() {
        #expect(throws: BundleError.self) { try FormEncoding.fields("a=1&b=2&c=3", limit: 2) }
        #expect((try? FormEncoding.fields("a=1&&b=2", limit: 2))?.count == 2)
    }
}
