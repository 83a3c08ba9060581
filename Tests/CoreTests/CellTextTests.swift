import Core
import Testing

/// The byte-level paths must answer exactly what the `Character` paths answer.
@Suite struct CellTextTests {
    static let samples = ["", " ", "Acme", " Acme  Corp ", "Acme\tCorp", "Head of\nCloud", "Head of\r\nCloud", "a  b", "a b", "x ",
                          "Smith & Co.", "ACME-Corp.", "R2D2 Labs", "Tomás Lindqvist", "Ünal  GmbH", "日本 株式会社", "\u{00A0}Acme\u{00A0}",
                          "a\u{000B}b", "a\u{000C}b", "  ", "\n", "O'Brien & Sons, Ltd."]

    @Test(arguments: samples)
    func bytePathsAgreeWithCharacterPaths(_ sample: String) {
        #expect(CellText.collapsed(sample) == CellText.collapsedByCharacter(sample))
        #expect(CellText.words(sample) == CellText.wordsByCharacter(sample))
        #expect(CellText.isBlank(sample) == sample.allSatisfy(\.isWhitespace))
    }
}
