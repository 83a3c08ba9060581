import Candidates
import Core
import Foundation
import Testing

@Suite struct CSVTableTests {
    func fields(_ text: String) -> [[String]] { CSVTable.parse(text).records.map(\.fields) }

    @Test func quotedFieldsHoldCommasNewlinesAndDoubledQuotes() {
        let table = CSVTable.parse("name,bio\n\"Lee, Ann\",\"Line one\nline \"\"two\"\"\"\nBo,plain\n")
        #expect(table.records.map(\.fields) == [["name", "bio"], ["Lee, Ann", "Line one\nline \"two\""], ["Bo", "plain"]])
        #expect(table.records.map(\.line) == [1, 2, 4], "a record starts on the line after the embedded line break")
    }

    @Test func crlfLoneCRAndAByteOrderMarkAreHandled() {
        #expect(fields("\u{FEFF}name,email\r\nAnn,a@x.io\r\n") == [["name", "email"], ["Ann", "a@x.io"]])
        #expect(fields("name\rAnn\rBo") == [["name"], ["Ann"], ["Bo"]])
        #expect(fields("a,\"x\r\ny\"\r\n") == [["a", "x\r\ny"]], "line ends inside quotes are kept as written")
    }

    @Test func theDelimiterIsFoundFromTheHeader() {
        #expect(CSVTable.parse("name;email;skills\nAnn;a@x.io;\"Go, Rust\"\n").delimiter == ";")
        #expect(fields("name;email\nAnn;a@x.io\n") == [["name", "email"], ["Ann", "a@x.io"]])
        #expect(fields("name\temail\nAnn\ta@x.io\n") == [["name", "email"], ["Ann", "a@x.io"]])
        #expect(CSVTable.parse("\"a;b\",c\n").delimiter == ",", "separators inside quotes do not count")
        let declared = CSVTable.parse("sep=;\nname;email\nAnn;a@x.io\n")
        #expect(declared.delimiter == ";")
        #expect(declared.records.first?.fields == ["name", "email"])
        #expect(declared.records.first?.line == 2)
    }

    @Test func aStrayQuoteInAnUnquotedFieldIsText() {
        #expect(fields("name,height\nJohn \"JJ\" Smith,5'10\"\n") == [["name", "height"], ["John \"JJ\" Smith", "5'10\""]])
        #expect(fields("\"quoted\"tail,x\n") == [["quotedtail", "x"]])
    }

    @Test func blankRecordsAreDroppedAndLinesStayPhysical() {
        let table = CSVTable.parse("name,email\n\n,,\n \t, \nAnn,a@x.io\r\n\r\n\"\",\n\"Bo\nB\",b@x.io\n,,,\n")
        #expect(table.records.map(\.fields) == [["name", "email"], ["Ann", "a@x.io"], ["Bo\nB", "b@x.io"]])
        #expect(table.records.map(\.line) == [1, 5, 8])
        #expect(!table.truncated)
        let padded = CSVTable.parse("a,b\n" + String(repeating: ",,,\n", count: 50_000) + "x,y\n")
        #expect(padded.records.count == 2, "blank records are not kept")
        #expect(padded.records.last?.line == 50_002)
    }

    @Test func maxRecordsStopsReadingAndSaysSo() {
        let text = "h\n1\n\n2\n,\n3\n"
        let two = CSVTable.parse(text, maxRecords: 3)
        #expect(two.records.map(\.fields) == [["h"], ["1"], ["2"]])
        #expect(two.truncated, "a fourth non-blank record followed")
        let exact = CSVTable.parse("h\n1\n2\n\n,,\n", maxRecords: 3)
        #expect(exact.records.count == 3)
        #expect(!exact.truncated, "only blank records followed")
        #expect(CSVTable.parse("h\n1\n2\nlast", maxRecords: 3).truncated, "a final record without a line break counts")
    }

    @Test func emptyFieldsAndAMissingFinalNewline() {
        #expect(fields("a,,c\n,,\nx,y,z") == [["a", "", "c"], ["x", "y", "z"]], "a record of separators only is blank")
        #expect(fields("h,i,j\n,,x\n, ,y\n\"\",,z\n") == [["h", "i", "j"], ["", "", "x"], ["", " ", "y"], ["", "", "z"]],
                "empty and blank fields before the first value are kept as they were")
        #expect(fields("a,\"\"\n") == [["a", ""]])
    }

    @Test func anOpeningQuoteThatNeverClosesIsText() {
        let table = CSVTable.parse("name,bio\nAnn,ok\nBo,\"never closed\nmore\nlines\n")
        #expect(table.records.map(\.fields) == [["name", "bio"], ["Ann", "ok"], ["Bo", "\"never closed"], ["more"], ["lines"]])
        #expect(table.unclosedQuoteLines == [3])
        #expect(table.lastLine == 5)
    }

    @Test func spacesBeforeAnOpeningQuoteAreDropped() {
        #expect(fields("name, skills\nAnn, \"Go, Rust\"\n") == [["name", " skills"], ["Ann", "Go, Rust"]])
    }
}

@Suite struct CSVSourceTests {
    @Test func utf16WithAByteOrderMarkIsDecoded() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "name\tskills\r\nJosé\tGo\r\n".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(try CSVSource(bytes: bytes, fileName: "x.txt").text == "name\tskills\r\nJosé\tGo\r\n")
    }

    @Test func aBinaryBehindAUTF16ByteOrderMarkIsRefused() {
        // An odd length and an unpaired surrogate are not UTF-16 text, whatever the first two bytes say.
        #expect(throws: BundleError.self) { try CSVSource(bytes: [0xFF, 0xFE, 0x41, 0x00, 0x42], fileName: "x.csv") }
        #expect(throws: BundleError.self) { try CSVSource(bytes: [0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00], fileName: "x.csv") }
    }

    @Test func windows1252IsDecodedWhenTheBytesAreNotUTF8() throws {
        let bytes: [UInt8] = Array("name,company\nRen".utf8) + [0xE9, 0x65] + Array(",Caf".utf8) + [0xE9, 0x20, 0x96, 0x20, 0x80]
        #expect(try CSVSource(bytes: bytes, fileName: nil).text == "name,company\nRenée,Café – €")
    }

    @Test func textSentAsAStringIsKeptAndHashedAsItsBytes() throws {
        let text = "\u{FEFF}name,company\r\nRenée,Café – €\n"
        let fromText = try CSVSource(text: text, fileName: "people.csv")
        #expect(fromText == (try CSVSource(bytes: Array(text.utf8), fileName: "people.csv")))
        #expect(fromText.sha256 == SHA256.hex(SHA256.hash(Array(text.utf8))))
        #expect(throws: BundleError.self) { try CSVSource(text: "PK\u{3}\u{4}\u{14}\u{0}", fileName: nil) }
        #expect(try CSVSource.resolve(csv: text, bodyText: nil, contentBase64: nil, fileName: nil, files: nil).text == text)
    }

    @Test(arguments: [
        ([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00] as [UInt8], "ZIP archive"),
        ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1], "old Excel workbook"),
        (Array("%PDF-1.7\n".utf8), "PDF"),
        ([0x6E, 0x61, 0x00, 0x6D, 0x65, 0x01, 0x02], "binary data"),
    ])
    func binaryFilesAreRefused(bytes: [UInt8], kind: String) {
        #expect {
            _ = try CSVSource(bytes: bytes, fileName: "people.xlsx")
        } throws: { error in
            let error = error as? BundleError
            return error?.code == .validationFailed && error?.message.contains(kind) == true && error?.message.contains("export") == true
        }
    }

    @Test func aMultipartFileIsTakenFromFiles() throws {
        let text = try CSVSource.resolve(csv: nil, bodyText: nil, contentBase64: nil, fileName: nil,
                                         files: [["field": "file", "filename": "c.csv", "text": "name\nAnn\n"]])
        #expect(text.text == "name\nAnn\n")
        #expect(text.fileName == "c.csv")
        let binary = try CSVSource.resolve(csv: nil, bodyText: nil, contentBase64: nil, fileName: nil,
                                           files: [["filename": "d.csv", "content_base64": .string(Data([0x6E, 0x61, 0x6D, 0x65, 0x0A, 0xC9, 0x76, 0x61]).base64EncodedString())]])
        #expect(binary.text == "name\nÉva")
        #expect(binary.sha256.count == 64)
    }

    @Test func twoSourcesOrNoneAreRefused() {
        #expect(throws: BundleError.self) { try CSVSource.resolve(csv: "a", bodyText: "b", contentBase64: nil, fileName: nil, files: nil) }
        #expect(throws: BundleError.self) { try CSVSource.resolve(csv: nil, bodyText: nil, contentBase64: nil, fileName: nil, files: nil) }
        #expect(throws: BundleError.self) {
            try CSVSource.resolve(csv: nil, bodyText: nil, contentBase64: nil, fileName: nil, files: [["text": "a"], ["text": "b"]])
        }
    }
}
