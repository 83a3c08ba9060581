import Core
import Providers
import Synchronization

/// What an assembler made of one body: the events, and the completion or the failure.
struct AssembledStream: Equatable {
    var events: [LLMStreamEvent]
    var completion: LLMChatCompletion?
    var failure: BundleError?
    var partial: LLMChatCompletion?
}

/// Feeds `body` to `assembler` in pieces of `pieceSize` bytes (whole when nil), then finishes.
func assemble<Assembler: ChatStreamAssembler>(_ assembler: Assembler, _ body: String, pieceSize: Int? = nil) -> AssembledStream {
    var assembler = assembler
    let bytes = Array(body.utf8)
    var events: [LLMStreamEvent] = []
    let size = max(1, pieceSize ?? bytes.count)
    var start = 0
    do {
        while start < bytes.count && assembler.failure == nil {
            let end = min(bytes.count, start + size)
            events += assembler.feed(Array(bytes[start..<end]))
            start = end
        }
        let completion = try assembler.finish()
        return AssembledStream(events: events, completion: completion)
    } catch {
        return AssembledStream(events: events, failure: error.error, partial: error.partial)
    }
}

/// Whole, then one byte at a time, then in pieces of 7: every reading must agree.
func assembleEveryWay<Assembler: ChatStreamAssembler>(_ assembler: Assembler, _ body: String) -> (whole: AssembledStream, agrees: Bool) {
    let whole = assemble(assembler, body)
    let byByte = assemble(assembler, body, pieceSize: 1)
    let bySeven = assemble(assembler, body, pieceSize: 7)
    return (whole, whole == byByte && whole == bySeven)
}

/// The events a streamed call handed over, collected across threads.
final class StreamEventLog: Sendable {
    private let storage = Mutex<[LLMStreamEvent]>([])
    var events: [LLMStreamEvent] { storage.withLock { $0 } }
    var text: String {
        events.map { if case .text(let piece) = $0 { piece } else { "" } }.joined()
    }
    var handler: @Sendable (LLMStreamEvent) -> Void {
        { event in self.storage.withLock { $0.append(event) } }
    }
}

/// A text/event-stream of `data:` lines, one per chunk, each followed by a blank line.
func dataStream(_ chunks: [String], lineEnd: String = "\n") -> String {
    chunks.map { "data: \($0)\(lineEnd)\(lineEnd)" }.joined()
}

/// Feeds `piece` up to `times` times, as a flood would arrive: how many pieces went in before
/// the assembler failed, and the failure.
func flood<Assembler: ChatStreamAssembler>(_ assembler: Assembler, with piece: String, times: Int) -> (pieces: Int, failure: BundleError?) {
    var assembler = assembler
    let bytes = Array(piece.utf8)
    var pieces = 0
    while pieces < times && assembler.failure == nil {
        _ = assembler.feed(bytes)
        pieces += 1
    }
    return (pieces, assembler.failure?.error)
}
