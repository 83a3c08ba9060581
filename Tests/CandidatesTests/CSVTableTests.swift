import Candidates
import Testing

@Suite struct CSVTableTests {
    @Test func placeholder() {
        #expect(CSVTable.parse("a,b\n1,2\n").records.count == 2)
    }
}
