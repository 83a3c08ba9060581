import Core
import Foundation
import HTTPTransport
import Providers
import Testing
import Workspace

/// Share links: the links accepted and refused, the upstream answers mapped to the bundle's
/// codes, and the conversation found in every shape of share page and data (the extraction
/// layer, which needs no export reader), then read whole once the export readers exist.
@Suite struct SharedChatImportTests {
    static let uuid = "6F1E2D3C-1111-4222-8333-444455556666"

    @Test func shareLinksOfEachServiceAreRecognisedAndMadeCanonical() throws {
        let chatgpt = try ChatShareLink(parsing: "  https://chatgpt.com/share/\(Self.uuid)/?utm=x#top ")
        #expect(chatgpt.service == .chatgpt && chatgpt.canonicalURL == "https://chatgpt.com/share/\(Self.uuid.lowercased())")
        let old = try ChatShareLink(parsing: "https://chat.openai.com/share/\(Self.uuid)")
        #expect(old.canonicalURL == chatgpt.canonicalURL)
        let enterprise = try ChatShareLink(parsing: "https://chatgpt.com/share/e/\(Self.uuid)")
        #expect(enterprise.canonicalURL == "https://chatgpt.com/share/e/\(Self.uuid.lowercased())")
        let claude = try ChatShareLink(parsing: "https://claude.ai/share/\(Self.uuid)")
        #expect(claude.service == .claude && claude.id == Self.uuid.lowercased())
        let grok = try ChatShareLink(parsing: "https://grok.com/share/bGVnYWN5_\(Self.uuid)")
        #expect(grok.service == .grok && grok.canonicalURL == "https://grok.com/share/bGVnYWN5_\(Self.uuid)")
    }

    @Test(arguments: [
        "", "chatgpt.com/share/6f1e2d3c-1111-4222-8333-444455556666", "http://chatgpt.com/share/6f1e2d3c-1111-4222-8333-444455556666",
        "https://evil.example/share/6f1e2d3c-1111-4222-8333-444455556666", "https://chatgpt.com.evil.example/share/6f1e2d3c-1111-4222-8333-444455556666",
        "https://user:pw@chatgpt.com/share/6f1e2d3c-1111-4222-8333-444455556666", "https://chatgpt.com:8443/share/6f1e2d3c-1111-4222-8333-444455556666",
        "https://chatgpt.com/share/not-a-uuid", "https://chatgpt.com/c/6f1e2d3c-1111-4222-8333-444455556666",
        "https://claude.ai/share/6f1e2d3c-1111-4222-8333-44445555666", "https://grok.com/share/bad/id", "https://grok.com/share/a%2Fb..c",
        "https://grok.com/share/../../rest/other", "ftp://grok.com/share/bGVnYWN5_abc",
    ])
    func anythingElseIsRefusedOnTheURLField(_ url: String) {
        do {
            _ = try ChatShareLink(parsing: url)
            Issue.record("accepted \(url)")
        } catch let error as BundleError {
            #expect(error.code == .validationFailed)
            #expect(error.details?.first?.field == "url")
            #expect(error.details?.first?.problem.contains("https://claude.ai/share/<id>") == true)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    func client(_ transport: FakeTransport) throws -> ChatShareClient {
        try ChatShareClient(config: Config(["CHATGPT_SHARE_BASE_URL": "http://127.0.0.1:9/chatgpt/", "CLAUDE_SHARE_BASE_URL": "http://127.0.0.1:9/claude",
                                            "GROK_SHARE_BASE_URL": "http://127.0.0.1:9/grok"]), transport: transport)
    }

    @Test func eachServiceIsAskedAtItsOverriddenBase() async throws {
        let transport = FakeTransport()
        transport.expect("GET", "http://127.0.0.1:9/chatgpt/share/\(Self.uuid.lowercased())", respond: HTTPResponse(status: 200, body: Array("<html>".utf8)))
        transport.expect("GET", "http://127.0.0.1:9/claude/api/chat_snapshots/\(Self.uuid.lowercased())?rendering_mode=messages&render_all_tools=true",
                         respond: .json(200, [:]))
        transport.expect("GET", "http://127.0.0.1:9/grok/rest/app-chat/share_links_data/bGVnYWN5_x1y2z3w4", respond: .json(200, [:]))
        let client = try client(transport)
        for url in ["https://chatgpt.com/share/\(Self.uuid)", "https://claude.ai/share/\(Self.uuid)", "https://grok.com/share/bGVnYWN5_x1y2z3w4"] {
            _ = try await client.fetch(try ChatShareLink(parsing: url), deadline: Deadline(seconds: 10))
        }
        #expect(transport.unexpected.isEmpty && transport.pendingCount == 0)
        #expect(transport.received.first?.header("Accept")?.contains("text/html") == true)
    }

    @Test(arguments: [(404, ErrorCode.notFound), (410, .notFound), (401, .upstreamFailed), (403, .upstreamFailed), (429, .rateLimited),
                      (500, .upstreamFailed), (503, .upstreamFailed), (302, .upstreamFailed), (400, .upstreamFailed)])
    func upstreamStatusesMapToTheBundlesCodes(_ status: Int, _ code: ErrorCode) async throws {
        let transport = FakeTransport()
        transport.expect("GET", "http://127.0.0.1:9/claude/", respond: HTTPResponse(status: status))
        do {
            _ = try await client(transport).fetch(try ChatShareLink(parsing: "https://claude.ai/share/\(Self.uuid)"), deadline: Deadline(seconds: 10))
            Issue.record("HTTP \(status) was accepted")
        } catch let error as BundleError {
            #expect(error.code == code)
            if status == 404 { #expect(error.message.contains("does not exist or is no longer shared")) }
            if status == 403 { #expect(error.message.contains("refused") && error.message.contains("export")) }
        }
    }

    @Test func aTimeoutAndAnOversizedAnswerAreErrors() async throws {
        let transport = FakeTransport()
        transport.expect("GET", "http://127.0.0.1:9/grok/") { request in throw TransportError(.timeout, host: request.host, "timed out") }
        transport.expect("GET", "http://127.0.0.1:9/grok/", respond: HTTPResponse(status: 200, body: [UInt8](repeating: 32, count: ChatShareClient.maxResponseBytes + 1)))
        let link = try ChatShareLink(parsing: "https://grok.com/share/bGVnYWN5_x1y2z3w4")
        for expected in [ErrorCode.timeout, .upstreamFailed] {
            do {
                _ = try await client(transport).fetch(link, deadline: Deadline(seconds: 10))
                Issue.record("accepted")
            } catch let error as BundleError {
                #expect(error.code == expected)
            }
        }
    }

    func document(_ service: ChatShareLink.Service, _ body: String) throws -> ChatShareDocument {
        let url = switch service {
        case .chatgpt: "https://chatgpt.com/share/\(ShareFixtures.shareID)"
        case .claude: "https://claude.ai/share/\(ShareFixtures.shareID)"
        case .grok: "https://grok.com/share/bGVnYWN5_\(ShareFixtures.shareID)"
        }
        return ChatShareDocument(link: try ChatShareLink(parsing: url), body: Array(body.utf8), contentType: nil)
    }

    @Test(arguments: [ChatGPTSharePage.Shape.nextData, .remix, .turboStream])
    func everyChatGPTPageShapeYieldsTheSameConversation(_ shape: ChatGPTSharePage.Shape) throws {
        let page = switch shape {
        case .nextData: ShareFixtures.nextDataPage()
        case .remix: ShareFixtures.remixPage()
        case .turboStream: ShareFixtures.turboStreamPage()
        }
        let found = try #require(ChatGPTSharePage.conversation(in: Array(page.utf8)))
        #expect(found.shape == shape)
        #expect(found.conversation == ShareFixtures.chatgpt)
        let extracted = try SharedChatImport.extract(try document(.chatgpt, page))
        #expect(extracted.sourceID == ShareFixtures.conversationID)
    }

    @Test func aConversationWithOnlyALinearTranscriptGetsItsCurrentNode() throws {
        guard case .object(var fields) = ShareFixtures.chatgpt else { return }
        fields["current_node"] = nil
        fields["linear_conversation"] = [["id": "root"], ["id": "n1"], ["id": "n2"]]
        let extracted = try SharedChatImport.extract(try document(.chatgpt, ShareFixtures.nextDataPage(.object(fields))))
        #expect(extracted.conversation["current_node"] == "n2")
    }

    @Test(arguments: [
        "<html><body>Sign in to continue</body></html>",
        "<html><script id=\"__NEXT_DATA__\" type=\"application/json\">{\"props\":{\"pageProps\":{}}}</script></html>",
        "<html><script id=\"__NEXT_DATA__\" type=\"application/json\">{not json</script></html>",
        "<html><script>window.__remixContext = {\"state\":{\"loaderData\":{}}};</script></html>",
        "<html><script>window.__reactRouterContext.streamController.enqueue(\"[{\\\"_1\\\":2},\\\"a\\\",99]\\n\");</script></html>",
        "<html><script>window.__reactRouterContext.streamController.enqueue(\"unterminated</script>",
        "<script", "",
    ])
    func aPageInAnUnknownFormatIsAClearUpstreamFailure(_ page: String) throws {
        do {
            _ = try SharedChatImport.read(try document(.chatgpt, page))
            Issue.record("read \(page)")
        } catch let error as BundleError {
            #expect(error.code == .upstreamFailed)
            #expect(error.message == "this ChatGPT share page has a format the importer does not know; export the chat instead")
        }
    }

    @Test func claudeAndGrokDataAreRecognisedOrRefused() throws {
        let claude: JSONValue = ["uuid": .string(ShareFixtures.shareID), "snapshot_name": "Trip", "created_at": "2026-05-01T10:00:00Z",
                                 "chat_messages": [["uuid": "m1", "sender": "human", "text": "Hi", "content": [["type": "text", "text": "Hi"]]]]]
        let fromClaude = try SharedChatImport.extract(try document(.claude, claude.jsonText))
        #expect(fromClaude.conversation["name"] == "Trip" && fromClaude.sourceID == ShareFixtures.shareID)
        let grok: JSONValue = ["conversation": ["conversationId": "g-1", "title": "Trip"],
                               "responses": [["responseId": "r1", "sender": "human", "message": "Hi", "createTime": "2026-05-01T10:00:00Z"]]]
        let fromGrok = try SharedChatImport.extract(try document(.grok, grok.jsonText))
        #expect(fromGrok.sourceID == "g-1" && fromGrok.conversation == grok)
        for (service, body) in [(ChatShareLink.Service.claude, "<html>Just a moment...</html>"), (.claude, #"{"error":"x"}"#),
                                (.grok, #"{"responses":[]}"#), (.grok, "[]")] {
            do {
                _ = try SharedChatImport.extract(try document(service, body))
                Issue.record("accepted \(body)")
            } catch let error as BundleError {
                #expect(error.code == .upstreamFailed && error.message.contains("has a format the importer does not know"))
            }
        }
    }

    // MARK: Whole conversations: these need the export readers (they wait for them until merged).

    static let readersReady: Bool = {
        do { _ = try ChatGPTExport.conversation(from: ShareFixtures.chatgpt); return true } catch let problem as ImportProblem {
            return !problem.reason.contains("not read yet")
        } catch { return true }
    }()

    @Test(.enabled(if: SharedChatImportTests.readersReady, "the export readers are placeholders until the importers' branch is merged"))
    func aChatGPTShareIsReadWholeWithItsCanonicalURLAndId() async throws {
        let harness = try WorkspaceHarness()
        let transport = FakeTransport()
        transport.expect("GET", "http://127.0.0.1:9/chatgpt/share/", respond: HTTPResponse(status: 200, body: Array(ShareFixtures.turboStreamPage().utf8)))
        let context = harness.context(["CHATGPT_SHARE_BASE_URL": "http://127.0.0.1:9/chatgpt"], transport: transport)
        let conversation = try await SharedChatImport.fetch(url: "https://chat.openai.com/share/\(ShareFixtures.shareID)", context: context)
        #expect(conversation.source == .chatgpt && conversation.sourceID == ShareFixtures.conversationID)
        #expect(conversation.url == "https://chatgpt.com/share/\(ShareFixtures.shareID)")
        #expect(conversation.title == "Trip in May")
        #expect(conversation.messages.map(\.content).last?.contains("</script>") == true)
        #expect(conversation.branches.count == 1)
    }
}
