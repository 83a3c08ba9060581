import Core
import Foundation
import Providers
import Runtime
import Sales
import Store
import TestSupport
import Testing

/// Uploads of each file type (the .eml written by Python's `email` package, the .docx by
/// python-docx), renamed binaries, the 10 MB cap, the same file twice, and typed-in communications.
@Suite struct CommunicationUploadTests {
    let harness: CommunicationHarness

    init() throws { harness = try CommunicationHarness() }

    @Test func outcomesAreClassifiedByWholeWordsLossesFirst() {
        let cases: [(String?, String)] = [
            ("Won", "win"), ("closed won", "win"), ("Closed-Won", "win"), ("meeting booked", "win"), ("They replied positively!", "win"),
            ("demo scheduled for March", "win"), ("closed lost", "loss"), ("not interested", "loss"), ("no reply after 3 emails", "loss"),
            ("went with a competitor", "loss"), ("replied, asked to follow up in Q3", "neutral"), ("pending", "neutral"),
            (nil, "unknown"), ("   ", "unknown"), ("wonderful weather", "unknown"), ("sent the brochure", "neutral"),
        ]
        for (outcome, kind) in cases { #expect(OutcomeKind.classify(outcome) == kind, "\(outcome ?? "nil")") }
    }

    @Test func aTypedCommunicationNeedsAProspectOrCompanyAndAKnownProspect() async throws {
        let id = try await harness.prospect()
        let created = try await harness.run(CreateCommunicationHandler(), [
            "prospect_id": .number(Double(id)), "subject": "Pilot results", "content": "The pilot cut their freight costs by 12%.",
            "outcome": "closed won", "date": "2026-10-01",
        ])
        #expect(created["communication"]?["outcome_kind"] == "win")
        #expect(created["communication"]?["company_name"] == "Northwind Logistics", "taken from the prospect")
        #expect(created["communication"]?["company_id"]?.intValue != nil)
        #expect(created["communication"]?["communication_date"] == "2026-10-01T00:00:00Z")
        #expect(created["communication"]?["source"]?["kind"] == "manual")
        #expect(created["embedding"]?["status"] == "complete")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM retrieval_vectors WHERE collection = ?", "sales.communication_chunks") == 1)

        let neither = await harness.error { _ = try await harness.run(CreateCommunicationHandler(), ["subject": "x", "content": "y"]) }
        #expect(neither?.code == .validationFailed)
        #expect(neither?.details?.first?.field == "prospect_id")
        let unknown = await harness.error {
            _ = try await harness.run(CreateCommunicationHandler(), ["prospect_id": 999, "subject": "x", "content": "y"])
        }
        #expect(unknown?.code == .notFound)
        let badDate = await harness.error {
            _ = try await harness.run(CreateCommunicationHandler(), ["company_name": "Acme", "subject": "x", "content": "y", "date": "soon"])
        }
        #expect(badDate?.details?.first?.field == "date")
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_communications") == 1, "nothing half-stored")

        let byCompany = try await harness.run(CreateCommunicationHandler(), ["company_name": "NORTHWIND LOGISTICS CORP.", "subject": "Renewal",
                                                                           "content": "Renewed for two years.", "outcome": "renewed"])
        #expect(byCompany["communication"]?["company_id"] == created["communication"]?["company_id"], "any spelling links the company")
        let listed = try await harness.run(ListCommunicationsHandler(), ["company": "northwind logistics", "outcome_kind": "win"])
        #expect(listed["total"] == 2)
        #expect(listed["communications"]?[0]?["subject"] == "Pilot results", "newest first by date")
        #expect(try await harness.run(ListCommunicationsHandler(), ["q": "freight"])["total"] == 1)
        #expect(try await harness.run(ListCommunicationsHandler(), ["prospect_id": .number(Double(id))])["total"] == 1)
    }

    @Test func textAndMarkdownFilesAreOneCommunicationEach() async throws {
        let id = try await harness.prospect()
        let text = try await harness.upload(Array("Call notes: they need faster customs clearance.\n\nAgreed on a pilot.".utf8), name: "call.txt",
                                            ["prospect_id": .number(Double(id)), "outcome": "meeting booked", "date": "2026-09-15"])
        #expect(text["file_type"] == "txt")
        #expect(text["created"] == 1)
        #expect(text["duplicate"] == false)
        let communication = try #require(text["communications"]?[0])
        #expect(communication["subject"] == "call", "the file name when nothing else names it")
        #expect(communication["outcome_kind"] == "win")
        #expect(communication["source"]?["file_name"] == "call.txt")
        #expect(communication["source"]?["sha256"] == text["sha256"])
        #expect(communication["communication_date"] == "2026-09-15T00:00:00Z")

        let markdown = try await harness.upload(Array("\u{FEFF}# Quarterly review\n\nThey **loved** the dashboard.".utf8), name: "Review.MD",
                                                ["company_name": "Contoso"])
        #expect(markdown["communications"]?[0]?["subject"] == "Quarterly review")
        #expect(markdown["communications"]?[0]?["outcome_kind"] == "unknown")
        #expect(markdown["communications"]?[0]?["communication_date"] == "2026-06-01T09:00:00Z", "now when nothing dates it")
    }

    @Test func anEmailWrittenByPythonsEmailPackageIsRead() async throws {
        let bytes = try CommunicationHarness.python("""
            from email.message import EmailMessage
            from email.headerregistry import Address
            import email.policy
            m = EmailMessage()
            m['Subject'] = 'Réunion: nouvelle offre — merci'
            m['From'] = Address('Zoë Ångström', 'zoe', 'example.com')
            m['To'] = 'sales@example.com'
            m['Date'] = 'Tue, 01 Dec 2026 10:15:00 +0100'
            m.set_content('Bonjour, the pilot went well.\\nWe would like to go ahead — contrat signé. ' + 'Long line ' * 20, cte='quoted-printable')
            m.add_alternative('<html><body><p>HTML version</p></body></html>', subtype='html', cte='base64')
            m.add_attachment(b'%PDF-1.4 binary', maintype='application', subtype='pdf', filename='offer.pdf')
            out.write(m.as_bytes(policy=email.policy.SMTP))
            """)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("=?utf-8?"), "the subject is an encoded word")
        #expect(text.contains("quoted-printable") && text.contains("base64"))
        let message = try MIMEMessage(bytes: bytes)
        #expect(message.subject == "Réunion: nouvelle offre — merci")
        #expect(message.from?.contains("Zoë Ångström") == true)
        #expect(message.date.map { Timestamp.format($0) } == "2026-12-01T09:15:00Z")
        #expect(message.text?.contains("contrat signé. Long line Long line") == true, "soft line breaks joined, QP decoded")
        #expect(message.parts.count == 3)
        #expect(message.parts.first { $0.mediaType == "text/html" }.map { HTMLText.text($0.text) } == "HTML version", "base64 decoded")
        #expect(message.parts.last?.isAttachment == true)

        let uploaded = try await harness.upload(bytes, name: "offer.eml", ["outcome": "contract signed"])
        let communication = try #require(uploaded["communications"]?[0])
        #expect(communication["subject"] == "Réunion: nouvelle offre — merci")
        #expect(communication["sender"]?.stringValue?.contains("zoe@example.com") == true)
        #expect(communication["communication_date"] == "2026-12-01T09:15:00Z")
        #expect(communication["content"]?.stringValue?.hasPrefix("Bonjour, the pilot went well.") == true)
        #expect(communication["content"]?.stringValue?.contains("HTML version") == false, "text/plain preferred")
        #expect(communication["outcome_kind"] == "win")
    }

    @Test func anHTMLOnlyLatin1EmailIsReadAsText() async throws {
        let eml = "Subject: =?iso-8859-1?q?Caf=E9_meeting?=\r\nDate: 3 Nov 2026 08:00 GMT\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\npreamble\r\n--outer\r\n"
            + "Content-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\n"
            + "Content-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "<style>p{color:red}</style><p>Caf=E9 &amp; croissants</p><br>Next&nbsp;step: <b>demo</b>=\r\n booked<script>x()</script>\r\n"
            + "--inner--\r\n--outer--\r\n"
        let message = try MIMEMessage(bytes: Array(eml.utf8))
        #expect(message.subject == "Café meeting")
        #expect(message.date.map { Timestamp.format($0) } == "2026-11-03T08:00:00Z")
        #expect(message.text == "Café & croissants\n\nNext step: demo booked")
    }

    @Test func aCSVIsOneCommunicationPerRowWithRowErrorsByLine() async throws {
        let id = try await harness.prospect()
        let csv = "Email Subject;Body;Result;Sent;Account;Prospect ID\n"
            + "Intro;Shared the logistics case study;meeting booked;2026-03-01;Acme Corp;\n"
            + "Follow-up;\"Multi-line\nbody\";no reply;2026-03-08;;\(id)\n"
            + "Broken;;won;2026-03-09;Acme;\n"
            + "Late;Text;won;next week;Acme;\n"
            + "Ghost;Text;won;2026-03-10;;999\n"
        let result = try await harness.upload(Array(csv.utf8), name: "export.csv")
        #expect(result["file_type"] == "csv")
        #expect(result["created"] == 2)
        #expect(result["errors"]?.arrayValue?.compactMap { $0["line"]?.intValue } == [5, 6, 7], "row 3 spans two lines")
        #expect(result["errors"]?[0]?["message"]?.stringValue?.contains("content is empty") == true)
        #expect(result["errors"]?[2]?["message"]?.stringValue?.contains("prospect_id 999 does not exist") == true)
        let rows = try #require(result["communications"]?.arrayValue)
        #expect(rows.map { $0["outcome_kind"] } == ["win", "loss"])
        #expect(rows[1]["company_name"] == "Northwind Logistics")
        #expect(rows[1]["content"] == "Multi-line\nbody")
        let allBad = await harness.error { _ = try await harness.upload(Array("content,prospect_id\nHello,998\n".utf8), name: "bad.csv") }
        #expect(allBad?.code == .validationFailed)
        #expect(allBad?.message.contains("line 2: prospect_id 998 does not exist") == true)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_communication_uploads WHERE file_name = ?", "bad.csv") == 0, "not recorded")
        let missing = await harness.error { _ = try await harness.upload(Array("a,b\n1,2\n".utf8), name: "x.csv") }
        #expect(missing?.message.contains("no content column") == true)
    }

    /// Dates that overflow arithmetic are no dates: a CSV row is reported, an e-mail falls back to now.
    @Test func overflowingDatesAreRowErrorsAndMailFallsBackToNow() async throws {
        let csv = "content,date\nFine,2026-03-01\nHuge year,1 Jan 99999999999999 10:00\nHuge seconds,1 Jan 2026 10:00:9223372036854775807\n"
        let sheet = try await harness.upload(Array(csv.utf8), name: "dates.csv", ["company_name": "Acme"])
        #expect(sheet["created"] == 1)
        #expect(sheet["errors"]?.arrayValue?.compactMap { $0["line"]?.intValue } == [3, 4])
        #expect(sheet["errors"]?[0]?["message"]?.stringValue?.contains("is not a date") == true)
        let eml = "Subject: Odd date\r\nDate: Tue, 1 Dec 2026 10:00:9223372036854775807 +0000\r\n\r\nThe pilot went well."
        let mail = try await harness.upload(Array(eml.utf8), name: "odd.eml", ["company_name": "Acme"])
        #expect(mail["communications"]?[0]?["communication_date"] == "2026-06-01T09:00:00Z", "now, as when nothing dates it")
    }

    /// An upload is the bytes with the values sent with them; a CSV sent again stores the rows
    /// skipped before and never a row twice.
    @Test func theSameBytesWithOtherValuesAreAnotherUploadAndSkippedRowsCanBeCompleted() async throws {
        let first = try await harness.prospect()
        let notes = Array("Call notes: they liked the pilot.".utf8)
        let forFirst = try await harness.upload(notes, name: "call.txt", ["prospect_id": .number(Double(first))])
        let forAcme = try await harness.upload(notes, name: "call.txt", ["company_name": "Acme", "outcome": "won"])
        let lost = try await harness.upload(notes, name: "call.txt", ["company_name": "ACME Inc.", "outcome": "Lost"])
        #expect([forFirst, forAcme, lost].map { $0["duplicate"] } == [false, false, false])
        #expect(Set([forFirst, forAcme, lost].compactMap { $0["upload_id"]?.intValue }).count == 3)
        #expect(lost["communications"]?[0]?["outcome_kind"] == "loss")
        let same = try await harness.upload(notes, name: "renamed.txt", ["company_name": "acme", "outcome": "  LOST "])
        #expect(same["duplicate"] == true, "the same values, normalised")
        #expect(same["upload_id"] == lost["upload_id"])
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_communications") == 3)

        let later = first + 1
        let csv = "content,prospect_id\nFor the first,\(first)\nFor a later one,\(later)\n"
        let partial = try await harness.upload(Array(csv.utf8), name: "rows.csv")
        #expect(partial["created"] == 1)
        #expect(partial["errors"]?.arrayValue?.compactMap { $0["line"]?.intValue } == [3])
        #expect(try await harness.prospect("Jun Park", company: "Contoso") == later)
        let completed = try await harness.upload(Array(csv.utf8), name: "rows.csv")
        #expect(completed["duplicate"] == false)
        #expect(completed["created"] == 1, "only the row skipped before")
        #expect(completed["upload_id"] == partial["upload_id"])
        #expect(completed["errors"] == [])
        #expect(completed["communications"]?.arrayValue?.compactMap { $0["prospect_id"]?.intValue } == [first, later])
        let again = try await harness.upload(Array(csv.utf8), name: "rows.csv")
        #expect(again["duplicate"] == true)
        #expect(again["created"] == 0)
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_communications WHERE upload_id = ?", try #require(partial["upload_id"]?.intValue)) == 2)
        #expect(throws: (any Error).self, "a row of an upload is unique") {
            try harness.database.write { sql in
                try sql.execute("INSERT INTO sales_communications (subject, content, outcome_kind, communication_date, source, upload_id, upload_row, created_at) "
                                + "VALUES ('s', 'c', 'unknown', '2026-01-01T00:00:00Z', 'upload', ?, 2, '2026-01-01T00:00:00Z')", try #require(partial["upload_id"]?.intValue))
            }
        }
    }

    /// NUL and other control characters that decoding produces (QP `=00`, a base64 part, `&#0;`,
    /// a JSON escape) are never stored: PostgreSQL's TEXT refuses NUL.
    @Test func decodedControlCharactersAreNotStored() async throws {
        let eml = "Subject: =?utf-8?q?Pilot=00_won?=\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nThe pilot=00 went=1B well.\r\n--b--\r\n"
        let mail = try await harness.upload(Array(eml.utf8), name: "nul.eml", ["company_name": "Acme"])
        #expect(mail["communications"]?[0]?["content"] == "The pilot went well.")
        #expect(mail["communications"]?[0]?["subject"] == "Pilot won")
        let base64 = "Subject: b64\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Data("<p>Signed\u{0} &#0;today</p>".utf8).base64EncodedString() + "\r\n"
        let html = try await harness.upload(Array(base64.utf8), name: "b64.eml", ["company_name": "Acme"])
        #expect(html["communications"]?[0]?["content"] == "Signed today")
        let typed = try await harness.run(CreateCommunicationHandler(), ["company_name": "Acme\u{0}", "subject": "Re\u{0}newal",
                                                                       "content": "Renewed\u{0} for\u{1} two years.\tThanks", "outcome": "won\u{0}"])
        #expect(typed["communication"]?["content"] == "Renewed for two years.\tThanks")
        #expect(typed["communication"]?["subject"] == "Renewal")
        #expect(typed["communication"]?["outcome"] == "won")
        let blank = await harness.error { _ = try await harness.run(CreateCommunicationHandler(), ["company_name": "Acme", "subject": "s", "content": "\u{0}\u{0}"]) }
        #expect(blank?.details?.first?.field == "content")
        #expect(Array(DocxText.text(ofDocumentXML: Array("<w:p><w:t>a&#0;b&#x1B;c</w:t></w:p>".utf8)).utf8) == Array("abc".utf8))
        // PostgreSQL cannot hold (or even take as a parameter) U+0000, so the stores above are the
        // check there; SQLite would store it, so look.
        if TestDatabase.dialect == .sqlite {
            let nul = "\u{0}"
            #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_communications WHERE instr(content, ?) > 0 OR instr(subject, ?) > 0", nul, nul) == 0)
            #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_communication_chunks WHERE instr(text, ?) > 0", nul) == 0)
        }
    }

    @Test func utf16TextWithAByteOrderMarkIsRead() async throws {
        let text = "Notes: café ✓ 🚀\nThey signed.\tThanks"
        let little: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { unit -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let big: [UInt8] = [0xFE, 0xFF] + text.utf16.flatMap { unit -> [UInt8] in [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        let fromLittle = try await harness.upload(little, name: "notes.txt", ["company_name": "Acme"])
        #expect(fromLittle["communications"]?[0]?["content"]?.stringValue == text)
        let fromBig = try await harness.upload(big, name: "notes.md", ["company_name": "Acme"])
        #expect(fromBig["communications"]?[0]?["content"]?.stringValue == text)
    }

    /// A binary that starts with FF FE or FE FF is not read as UTF-16 text: an odd length, an
    /// unpaired surrogate or control characters refuse it like other renamed binaries.
    @Test func aBinaryWithAUTF16ByteOrderMarkIsRefused() async throws {
        let cases: [([UInt8], String)] = [
            ([0xFF, 0xFE, 0x03, 0x00, 0x10, 0x00, 0x7F, 0x45, 0x4C, 0x46], "controls.txt"),
            ([0xFF, 0xFE, 0x41, 0x00, 0x42], "odd.txt"),
            ([0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00], "surrogate.md"),
            ([0xFE, 0xFF, 0x00, 0x00, 0x00, 0x41], "nul.md"),
        ]
        for (bytes, name) in cases {
            let error = await harness.error { _ = try await harness.upload(bytes, name: name) }
            #expect(error?.code == .validationFailed && error?.message.contains("binary data") == true, "\(name): \(error?.message ?? "no error")")
        }
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_communication_uploads") == 0)
    }

    /// Base64 with line breaks (as mail programs and `base64` write it) is checked on its decoded size.
    @Test func base64WithLineBreaksIsCheckedOnTheDecodedSize() async throws {
        let bytes = Array(repeating: Array("Notes line.\n".utf8), count: (CommunicationFile.maxBytes - 100_000) / 12).flatMap { $0 }
        let wrapped = Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        #expect(wrapped.utf8.count / 4 * 3 > CommunicationFile.maxBytes, "the old check refused it")
        let result = try await harness.run(UploadCommunicationsHandler(), ["file_name": "notes.txt", "content_base64": .string(wrapped), "company_name": "Acme"])
        #expect(result["created"] == 1)
    }

    @Test(.enabled(if: CommunicationHarness.docxEnabled, Comment(rawValue: CommunicationHarness.docxMissing)))
    func aWordDocumentWrittenByPythonDocxIsRead() async throws {
        let bytes = try CommunicationHarness.python("""
            import docx
            d = docx.Document()
            d.add_heading('Win review: Fabrikam', level=1)
            p = d.add_paragraph('They chose us for ')
            p.add_run('real-time tracking').bold = True
            p.add_run(' & <customs> automation.')
            d.add_paragraph('Column A\\tColumn B')
            r = d.add_paragraph().add_run('Line one')
            r.add_break()
            r.add_text('Line two')
            d.add_table(rows=1, cols=2).rows[0].cells[0].text = 'In a table'
            b = io.BytesIO()
            d.save(b)
            out.write(b.getvalue())
            """)
        let text = try DocxText.text(of: bytes)
        #expect(text == "Win review: Fabrikam\nThey chose us for real-time tracking & <customs> automation.\nColumn A\tColumn B\nLine one\nLine two\nIn a table")
        let uploaded = try await harness.upload(bytes, name: "review.docx", ["company_name": "Fabrikam", "outcome": "closed won"])
        #expect(uploaded["communications"]?[0]?["subject"] == "Win review: Fabrikam")
        #expect(uploaded["communications"]?[0]?["outcome_kind"] == "win")
    }

    @Test func renamedBinariesAndUnknownTypesAreRefused() async throws {
        let zip = try CommunicationHarness.python("""
            import zipfile
            b = io.BytesIO()
            with zipfile.ZipFile(b, 'w') as z:
                z.writestr('xl/workbook.xml', '<workbook/>')
            out.write(b.getvalue())
            """)
        let cases: [([UInt8], String, String)] = [
            ([0x00, 0x01, 0x02] + Array("MZ binary".utf8), "notes.txt", "binary data"),
            ([0x66, 0x6F, 0xC3, 0x28], "notes.md", "not UTF-8"),
            (zip, "sheet.txt", "binary data"),
            (Array("just text".utf8), "letter.docx", "not a ZIP archive"),
            (zip, "book.docx", "has no word/document.xml"),
            (Array("%PDF-1.7".utf8), "deck.pdf", "accepted types: .txt, .md, .eml, .csv, .docx"),
            (Array("hello".utf8), "README", "accepted types"),
            ([0, 0, 0, 0], "mail.eml", "binary data"),
        ]
        for (bytes, name, expected) in cases {
            let error = await harness.error { _ = try await harness.upload(bytes, name: name) }
            #expect(error?.code == .validationFailed, "\(name)")
            #expect(error?.message.contains(expected) == true, "\(name): \(error?.message ?? "no error")")
        }
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_communication_uploads") == 0)
    }

    @Test func theCapIsTenMegabytesOfTheFileAndTheSameFileTwiceIsOneUpload() async throws {
        let limit = CommunicationFile.maxBytes
        let over = await harness.error { _ = try await harness.upload(Array(repeating: 0x61, count: limit + 1), name: "big.txt") }
        #expect(over?.code == .payloadTooLarge)
        let atLimit = try await harness.upload(Array(repeating: 0x61, count: limit - 1) + [0x0A], name: "big.txt", ["company_name": "Acme"])
        #expect(atLimit["created"] == 1)
        #expect(atLimit["embedding"]?["status"] == "pending", "thousands of chunks are left to the job")
        #expect(atLimit["embedding"]?["job_id"]?.intValue != nil)

        let first = try await harness.upload(Array("Same notes".utf8), name: "a.txt")
        let again = try await harness.upload(Array("Same notes".utf8), name: "renamed.txt")
        #expect(again["duplicate"] == true)
        #expect(again["created"] == 0)
        #expect(again["upload_id"] == first["upload_id"])
        #expect(again["communications"]?[0]?["id"] == first["communications"]?[0]?["id"])
        #expect(try harness.count("SELECT COUNT(*) AS n FROM sales_communications WHERE content = ?", "Same notes") == 1)
    }
}
