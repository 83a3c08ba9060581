import Core

/// Cuts a transcript into the chunks that search indexes and summaries read: 2,500–3,500
/// characters, cut on message boundaries (a message longer than the upper bound is cut on
/// paragraph, then sentence, then word boundaries), each chunk knowing the messages it covers.
///
/// SKELETON: the search helper replaces this placeholder.
package enum ChatChunker {
    package struct Chunk: Sendable, Equatable {
        package var text: String
        /// Positions (in the transcript) of the first and last message the chunk covers.
        package var firstMessage: Int
        package var lastMessage: Int

        package init(text: String, firstMessage: Int, lastMessage: Int) {
            self.text = text
            self.firstMessage = firstMessage
            self.lastMessage = lastMessage
        }
    }

    package static func chunks(_ messages: [ImportedMessage]) -> [Chunk] {
        messages.enumerated().map { Chunk(text: "\($1.role): \($1.content)", firstMessage: $0, lastMessage: $0) }
    }
}
