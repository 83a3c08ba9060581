import Core
import Testing

@Suite struct RequestIDTests {
    @Test func onlySafeTokensAreReused() {
        #expect(RequestID.sanitized("trace-123") == "trace-123")
        #expect(RequestID.sanitized("job-7-2:a.b_c") == "job-7-2:a.b_c")
        #expect(RequestID.sanitized(String(repeating: "a", count: 128)) != nil)
        for unsafe in ["", "has spaces", "a\"b", "<script>", "a;b", "a,b", "a\r\nSet-Cookie:x", "é", String(repeating: "a", count: 129)] {
            #expect(RequestID.sanitized(unsafe) == nil, "\(unsafe)")
        }
    }

    @Test func generatedIDsHaveTheSafeShape() {
        let id = RequestID.generate()
        #expect(RequestID.sanitized(id) == id)
    }
}
