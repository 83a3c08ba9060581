import Core
import Testing

/// The e-mail reader's decoders and bounds (messages written by Python's `email` package are read
/// in SalesTests' upload tests).
@Suite struct MIMEMessageTests {
    @Test func encodedWordsAreDecodedAndJoined() {
        #expect(MIMEDecoding.decodeWords("=?UTF-8?B?w4lsw6lnYW50?= =?UTF-8?Q?_caf=C3=A9?=") == "Élégant café")
        #expect(MIMEDecoding.decodeWords("Re: =?iso-8859-1?q?r=E9union?= today") == "Re: réunion today")
        #expect(MIMEDecoding.decodeWords("plain =? not encoded ?=") == "plain =? not encoded ?=")
        #expect(MIMEDecoding.decodeWords("=?utf-8?x?abc?=") == "=?utf-8?x?abc?=", "unknown encoding kept")
        let many = String(repeating: "=?", count: 50_000)
        #expect(MIMEDecoding.decodeWords(many) == many, "unclosed words stay text (and linear)")
    }

    /// Many `=?` that never close cost a few steps per byte, not a bounded look-ahead per `=?`.
    @Test func unclosedEncodedWordsTakeWorkLinearInTheInput() throws {
        let spaced = String(repeating: "=?a?Q? ", count: 20_000)
        let long = String(repeating: "=?a?Q?" + String(repeating: "x", count: 900), count: 200)
        let questions = String(repeating: "=?=?a?", count: 20_000)
        for hostile in [spaced, long, questions] {
            var work = 0
            #expect(MIMEDecoding.decodeWords(hostile, work: &work) == hostile)
            #expect(work <= 4 * hostile.utf8.count, "\(work) steps for \(hostile.utf8.count) bytes")
        }
        var work = 0
        #expect(MIMEDecoding.decodeWords("x =?utf-8?q?caf=C3=A9?= =?utf-8*en?B?IGF1IGxhaXQ=?= y", work: &work) == "x café au lait y")
        let folded = "Subject: " + String(repeating: "=?a?Q? \r\n ", count: 100_000) + "\r\n\r\nbody"
        let subject = try #require(try MIMEMessage(bytes: Array(folded.utf8)).subject)
        #expect(subject.count <= MIMEMessage.maxHeaderText && subject.hasPrefix("=?a?Q? =?a?Q?"), "only the header's first 16 KB are decoded")
    }

    @Test func controlCharactersNeverReachText() {
        #expect(HTMLText.text("<p>a&#0;b&#x0;c&#27;d&#9;e</p>") == "abcd e")
        #expect(StorableText.clean("a\u{0}b\u{1B}[1mc\td\r\ne\u{7F}") == "ab[1mc\td\r\ne\u{7F}")
        #expect(StorableText.clean("plain") == "plain")
    }

    @Test func aLessThanSignThatStartsNoTagIsText() {
        #expect(HTMLText.text("<p>price < 5 and <b>bold</b>, x<3, a <= b</p><!-- c --><br/>end") == "price < 5 and bold, x<3, a <= b\n\nend")
        // Outlook's HTML carries processing instructions: skipped like tags, never stored as text.
        #expect(HTMLText.text(#"<?xml version="1.0"?><p>Hello<?xml:namespace prefix = o ns="urn:schemas-microsoft-com:office:office" /><o:p></o:p> there</p>"#)
                == "Hello there")
    }

    @Test func sectionsStopAtTheLimit() {
        let body = Array((0..<1_000).map { "--b\r\npart \($0)\r\n" }.joined().utf8)
        #expect(MIMEDecoding.sections(body[...], boundary: Array("b".utf8), limit: 201).count == 201)
        #expect(MIMEDecoding.sections(body[...], boundary: Array("b".utf8)).count == 1_000)
    }

    @Test func transferEncodingsAreUndone() {
        #expect(MIMEDecoding.transferDecode(Array("caf=C3=A9 =\r\nau lait=3D".utf8)[...], encoding: "quoted-printable") == Array("café au lait=".utf8))
        #expect(MIMEDecoding.transferDecode(Array("aGVs\r\nbG8=\r\n".utf8)[...], encoding: "base64") == Array("hello".utf8))
        #expect(MIMEDecoding.transferDecode(Array("=ZZ kept".utf8)[...], encoding: "quoted-printable") == Array("=ZZ kept".utf8))
        #expect(MIMEDecoding.decode([0x93, 0x71, 0x94], charset: "windows-1252") == "“q”")
        #expect(MIMEDecoding.decode([0xE9], charset: "utf-8") == "é", "mislabelled Latin-1 still reads")
    }

    @Test func datesAreReadInUTC() {
        #expect(MIMEDecoding.date("Tue, 1 Dec 2026 10:15:00 +0100").map { Timestamp.format($0) } == "2026-12-01T09:15:00Z")
        #expect(MIMEDecoding.date("1 Dec 26 10:15 PST").map { Timestamp.format($0) } == "2026-12-01T18:15:00Z")
        #expect(MIMEDecoding.date("yesterday") == nil)
    }

    /// Numbers from a header or a CSV cell are range-checked before arithmetic: these used to trap.
    @Test func outOfRangeDatesAreNotDates() {
        let refused = ["1 Jan 99999999999999 10:00", "1 Jan 2026 10:00:9223372036854775807", "9223372036854775807 Jan 2026 10:00",
                       "1 Jan 2026 9223372036854775807:00",
                       "1 Jan 10000 10:00", "1 Jan 2026 10:00:61", "1 Jan 2026 10:00:00:00", "1 Jan 2026 10:00 +2400", "1 Jan 2026 10:00 +0060",
                       "31 Feb 2026 10:00", "1 Jan 2026 -1:00", "1 Jan 2026 10:-5", "1 Jan 2026 10:", "0 Jan 2026 10:00"]
        for text in refused { #expect(MIMEDecoding.date(text) == nil, "\(text)") }
        // A zone that is not ±hhmm is an unknown name: read as UTC, like any other.
        #expect(MIMEDecoding.date("1 Jan 2026 10:00 +9223372036854775807").map { Timestamp.format($0) } == "2026-01-01T10:00:00Z")
        #expect(MIMEDecoding.date("Fri, 31 Dec 9999 23:59:59 +0000").map { Timestamp.format($0) } == "9999-12-31T23:59:59Z")
        #expect(MIMEDecoding.date("1 Jan 2026 00:00:60 -2359").map { Timestamp.format($0) } == "2026-01-02T00:00:00Z")
        #expect(MIMEDecoding.date("29 Feb 2028 00:00:00 +2359").map { Timestamp.format($0) } == "2028-02-28T00:01:00Z")
    }

    @Test func foldedHeadersAndNestedPartsAreBounded() throws {
        let folded = try MIMEMessage(bytes: Array("Subject: one\r\n two\r\n\tthree\r\n\r\nbody".utf8))
        #expect(folded.subject == "one two\tthree")
        #expect(folded.text == "body")

        func nested(_ depth: Int) -> String {
            var message = "Content-Type: text/plain\r\n\r\ninner"
            for level in 0..<depth {
                message = "Content-Type: multipart/mixed; boundary=b\(level)\r\n\r\n--b\(level)\r\n\(message)\r\n--b\(level)--\r\n"
            }
            return "Subject: deep\r\n" + message
        }
        #expect(try MIMEMessage(bytes: Array(nested(8).utf8)).text == "inner")
        #expect(throws: BundleError.self) { try MIMEMessage(bytes: Array(nested(9).utf8)) }

        let parts = (0..<201).map { "--b\r\nContent-Type: text/plain\r\n\r\npart \($0)\r\n" }.joined()
        let wide = "Subject: wide\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" + parts + "--b--\r\n"
        #expect(throws: BundleError.self) { try MIMEMessage(bytes: Array(wide.utf8)) }
        let headers = String(repeating: "X-A: b\r\n", count: 501) + "\r\nbody"
        #expect(throws: BundleError.self) { try MIMEMessage(bytes: Array(headers.utf8)) }
    }
}
