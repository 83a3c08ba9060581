import Core
import Testing

/// The shared word splitter: letters and digits make words, kept characters stay inside them,
/// dropped ones vanish, every other character ends a word and reaches the reader.
@Suite struct WordsTests {
    @Test func lettersAndDigitsMakeWords() {
        #expect(Words.split("Don't stop-and-go, 12.5% e-mail!") == ["Don", "t", "stop", "and", "go", "12", "5", "e", "mail"])
        #expect(Words.split("Don't stop-and-go", keeping: ["'", "-"]) == ["Don't", "stop-and-go"])
        #expect(Words.split("don’t stop", dropping: ["'", "’"]) == ["dont", "stop"])
        #expect(Words.split("Überweisung für Café") == ["Überweisung", "für", "Café"])
        #expect(Words.split("  ,;  ").isEmpty)
    }

    @Test func separatorsReachTheReaderAfterTheWordTheyEnd() {
        var events: [String] = []
        Words.scan("stop. now?", word: { events.append("w:" + $0) }, separator: { events.append("s:" + String($0)) })
        #expect(events == ["w:stop", "s:.", "s: ", "w:now", "s:?"])
    }
}
