import Core
import Foundation
import HTTPTransport
import Providers
import TestSupport
import Testing
import Workspace

/// Share links fetched through real libcurl from a loopback server replaying the services' wire
/// formats: the React Router page of a ChatGPT share, a Claude snapshot behind a bot wall (403),
/// a Grok share that was withdrawn (404). Own process (infra/dev): it serves its own sockets.
@Suite struct ShareLoopbackTests {
    @Test func sharesAreFetchedOverHTTPAndTheirFailuresMapped() async throws {
        let page = ShareFixtures.turboStreamPage()
        let server = try LoopbackServer { request in
            if request.path.hasPrefix("/share/") { return .text(200, page, headers: ["Content-Type": "text/html; charset=utf-8"]) }
            if request.path.hasPrefix("/api/chat_snapshots/") { return .text(403, "<html>Just a moment...</html>") }
            return .json(404, ["error": "not found"])
        }
        defer { server.stop() }
        let config = Config(["CHATGPT_SHARE_BASE_URL": server.baseURL, "CLAUDE_SHARE_BASE_URL": server.baseURL + "/",
                             "GROK_SHARE_BASE_URL": server.baseURL, "UPSTREAM_MAX_ATTEMPTS": "1"])
        let client = try ChatShareClient(config: config, transport: CurlTransport())
        let link = try ChatShareLink(parsing: "https://chatgpt.com/share/\(ShareFixtures.shareID)")
        let document = try await client.fetch(link, deadline: Deadline(seconds: 10))
        #expect(document.contentType?.hasPrefix("text/html") == true)
        let extracted = try SharedChatImport.extract(document)
        #expect(extracted.conversation == ShareFixtures.chatgpt && extracted.sourceID == ShareFixtures.conversationID)

        let harness = try WorkspaceHarness()
        let context = harness.context(["CLAUDE_SHARE_BASE_URL": server.baseURL, "GROK_SHARE_BASE_URL": server.baseURL],
                                      transport: CurlTransport())
        let refused = await harness.error { _ = try await SharedChatImport.fetch(url: "https://claude.ai/share/\(ShareFixtures.shareID)", context: context) }
        #expect(refused?.code == .upstreamFailed && refused?.message.contains("export") == true)
        let gone = await harness.error { _ = try await SharedChatImport.fetch(url: "https://grok.com/share/bGVnYWN5_\(ShareFixtures.shareID)", context: context) }
        #expect(gone?.code == .notFound)
        let paths = server.requests.map(\.path)
        #expect(paths.contains("/api/chat_snapshots/\(ShareFixtures.shareID)?rendering_mode=messages&render_all_tools=true")
                || paths.contains("/api/chat_snapshots/\(ShareFixtures.shareID)"))
        #expect(paths.contains("/rest/app-chat/share_links_data/bGVnYWN5_\(ShareFixtures.shareID)"))
        #expect(try harness.count("workspace_conversations") == 0)
    }
}
