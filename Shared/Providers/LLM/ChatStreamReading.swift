import Core
import HTTPTransport
import Synchronization

/// Turns the bytes of one provider's streamed chat answer into stream events and, at the end,
/// the completion. `OpenAIChatStream` and `AnthropicChatStream`; tests feed them directly.
package protocol ChatStreamAssembler: Sendable {
    /// Decodes the next piece of the body: the events it completed, in order, up to a failure
    /// (a bound broken, an error the upstream sent mid-stream) if the piece holds one: the
    /// events before it are still handed over, so the text seen is the partial text saved.
    mutating func feed(_ bytes: [UInt8]) -> [LLMStreamEvent]
    /// The body ended: the whole answer; or the failure, carrying the partial answer, when the
    /// stream failed or was cut before the provider's end marker.
    mutating func finish() throws(LLMStreamFailure) -> LLMChatCompletion
    /// What arrived so far: the text, and the tool calls already complete.
    var partial: LLMChatCompletion { get }
    /// The provider's end marker arrived: whatever follows is ignored.
    var isDone: Bool { get }
    /// The stream failed: whatever follows is ignored, and `finish` throws this.
    var failure: LLMStreamFailure? { get }
}

/// How a streamed chat request ended at the HTTP level.
package enum ChatStreamOutcome: Sendable {
    /// A 2xx answer, read to its end marker.
    case completed(LLMChatCompletion)
    /// A non-2xx answer (its body buffered), for the provider to map like its other calls.
    case refused(HTTPResponse)
}

extension ChatStreamAssembler {
    /// Sends `request` and feeds the body to this assembler as it arrives, handing each event to
    /// `onEvent` (outside any lock) and stopping the transfer once the end marker arrived or the
    /// body broke a rule. A transport failure or cancellation after something arrived is an
    /// `LLMStreamFailure` carrying it (the caller can save a partial answer); before, it is
    /// rethrown as it is.
    package func read(_ request: HTTPRequest, with transport: any Transport, deadline: Deadline,
                                onEvent: @escaping @Sendable (LLMStreamEvent) -> Void) async throws -> ChatStreamOutcome {
        let state = ChatStreamState(self)
        let response: HTTPResponse
        do {
            response = try await transport.stream(request, deadline: deadline) { bytes in
                let (events, goesOn) = state.feed(bytes)
                for event in events { onEvent(event) }
                return goesOn
            }
        } catch {
            let partial = state.partial
            if partial.text.isEmpty && partial.toolCalls.isEmpty { throw error }
            throw LLMStreamFailure(partial: partial, error: LLMClient.bundleError(error))
        }
        guard response.isSuccess else { return .refused(response) }
        return .completed(try state.finish())
    }
}

/// The assembler while the transport's thread feeds it, and the failure that stopped it.
private final class ChatStreamState<Assembler: ChatStreamAssembler>: Sendable {
    private let state: Mutex<Assembler>

    init(_ assembler: Assembler) {
        state = Mutex(assembler)
    }

    /// The events of this piece, and whether the transfer should go on.
    func feed(_ bytes: [UInt8]) -> ([LLMStreamEvent], Bool) {
        state.withLock { assembler -> ([LLMStreamEvent], Bool) in
            let events = assembler.feed(bytes)
            return (events, !assembler.isDone && assembler.failure == nil)
        }
    }

    var partial: LLMChatCompletion { state.withLock { $0.failure?.partial ?? $0.partial } }

    func finish() throws(LLMStreamFailure) -> LLMChatCompletion {
        try state.withLock { (assembler) throws(LLMStreamFailure) -> LLMChatCompletion in try assembler.finish() }
    }
}

/// What the assemblers share: the caps on one answer, checked as it grows.
package struct ChatStreamLimits: Sendable {
    /// Bytes of text plus tool arguments in one answer.
    package var maxAnswerBytes: Int
    package var maxToolCalls: Int

    package init(maxAnswerBytes: Int = 4 << 20, maxToolCalls: Int = 64) {
        self.maxAnswerBytes = maxAnswerBytes
        self.maxToolCalls = maxToolCalls
    }

    /// The decoder the LLM streams use: an LLM chunk is small, but one server may send a whole
    /// tool call in one; a long answer is some tens of thousands of chunks.
    package static func decoder() -> ServerSentEventDecoder {
        ServerSentEventDecoder(maxLineBytes: 4 << 20, maxEventBytes: 4 << 20, maxEvents: 100_000)
    }
}

extension LLMStreamFailure {
    /// A stream that broke a rule (a bound, a chunk that is not JSON): `upstream_failed`.
    static func malformed(_ partial: LLMChatCompletion, _ message: String) -> LLMStreamFailure {
        LLMStreamFailure(partial: partial, error: BundleError(.upstreamFailed, message))
    }
}
