import Core
import Foundation
import Store
import TestSupport
import Testing

/// The chat about a draft through real nginx + fcgiwrap, the function's LLM a loopback fake
/// speaking OpenAI's (or Anthropic's) streamed wire format slowly, Linear a loopback fake of its
/// GraphQL API: content streamed through before the fake is done (a gate, no timing), a tool call
/// whose fragments are split across chunks making a new draft version and its result going back
/// to the model, the Linear project created and the conversation locked, a client that hangs up
/// leaving the turn saved, and what `llm_calls` records of streamed calls.
@Suite(.serialized) struct DraftChatWireTests {
    @Test func theFirstContentEventArrivesWhileTheFakeStillHoldsItsLastPieces() throws {
        let gate = LoopbackGate()
        let pieces = slowly([OpenAIWire.role, OpenAIWire.text("Lisbon first, ")])
            + [StreamPiece(OpenAIWire.text("then Porto by train."), when: gate)]
            + slowly([OpenAIWire.finish("stop"), OpenAIWire.usage(prompt: 180, completion: 9), OpenAIWire.done])
        let llm = try LoopbackServer.sequence([.streamed(pieces, headers: OpenAIWire.headers)])
        let site = try DraftChatSite(llm: llm)
        let client = try site.chat("Which city first?")
        // The fake sends the rest only once the gate opens, which happens only after this read:
        // the first content came through nginx while the function was still streaming.
        #expect(client.read(until: "event: content"), "\(client.headText)\n\(client.bodyText)")
        #expect(client.headText.hasPrefix("HTTP/1.1 200"))
        #expect(!client.bodyText.contains("then Porto"))
        #expect(!client.bodyText.contains("event: done"))
        gate.open()
        client.readToEnd()
        let events = client.events
        #expect(events.first { $0.event == "content" }?.data?["content"] == "Lisbon first, ")
        #expect(client.contentText == "Lisbon first, then Porto by train.")
        #expect(events.last?.event == "done", "\(client.bodyText)")
        #expect(client.doneResponse?["assistant_message"]?["content"] == "Lisbon first, then Porto by train.")
        #expect(client.doneResponse?["assistant_message"]?["status"] == "complete")
        #expect(!client.bodyText.contains(DraftChatSite.llmKey))

        let sent = try #require(llm.requests.first)
        #expect(sent.path == "/v1/chat/completions")
        #expect(sent.header("authorization") == "Bearer \(DraftChatSite.llmKey)")
        #expect(sent.json?["stream"] == true)
        #expect(sent.json?["stream_options"] == ["include_usage": true])
        #expect(sent.json?["tools"]?.arrayValue?.compactMap { $0["function"]?["name"]?.stringValue } == ["update_project_draft", "create_linear_project"])
        #expect(sent.chatMessages.map { $0["role"] } == ["system", "user"])
        #expect(sent.chatMessages.last?["content"] == "Which city first?")
    }

    @Test func aToolCallSplitAcrossChunksMakesAChatVersionAndItsResultGoesBackToTheModel() throws {
        let llm = try LoopbackServer.sequence([
            .streamed(slowly(OpenAIWire.callingTool("update_project_draft", id: "call_rename", fragments: [#"{"title": "Lis"#, #"bon on "#, #"rails"}"#],
                                                    saying: "I'll rename it.", prompt: 310, completion: 25)), headers: OpenAIWire.headers),
            .streamed(slowly(OpenAIWire.answer(["Renamed it to ", "Lisbon on rails."], prompt: 420, completion: 12)), headers: OpenAIWire.headers),
        ])
        let site = try DraftChatSite(llm: llm)
        let client = try site.chat("Rename it to Lisbon on rails")
        client.readToEnd()
        #expect(client.headText.hasPrefix("HTTP/1.1 200"), "\(client.headText)\n\(client.bodyText)")
        let events = client.events
        let names = events.map(\.event)
        #expect(names.last == "done", "\(client.bodyText)")
        #expect(events.contains { $0.event == "status" && $0.data?["status"] == "calling_tool" && $0.data?["tool"] == "update_project_draft" })
        let updated = try #require(events.first { $0.event == "project_updated" }?.data?["project_draft"])
        #expect(updated["title"] == "Lisbon on rails")
        #expect(updated["source"] == "chat")
        #expect(updated["version_number"] == 2)
        // The update came before the second answer's text.
        #expect(try #require(names.firstIndex(of: "project_updated")) < names.lastIndex(of: "content") ?? -1)

        let response = try #require(client.doneResponse)
        let saved = try #require(response["assistant_message"])
        #expect(saved["content"] == "I'll rename it.\n\nRenamed it to Lisbon on rails.")
        #expect(client.contentText == saved["content"]?.stringValue, "the streamed text is the saved text")
        #expect(saved["status"] == "complete")
        #expect(saved["provider"] == "openai")
        #expect(saved["model"] == .string(OpenAIWire.model))
        let call = try #require(saved["tool_calls"]?.arrayValue?.first)
        #expect(call["name"] == "update_project_draft")
        #expect(call["arguments"] == ["title": "Lisbon on rails"])
        #expect(call["ok"] == true)
        #expect(response["project_draft"]?["title"] == "Lisbon on rails")
        #expect(response["project_draft"]?["version_count"] == 2)
        #expect(response["conversation_locked"] == false)
        #expect(response["project"] == .null)
        #expect(response["usage"]?["prompt_tokens"] == 730)
        #expect(response["usage"]?["completion_tokens"] == 37)

        let history = try site.send("GET", "/api/conversations/1/project-draft/chat")
        #expect(history.status == 200, "\(history.text)")
        #expect(history.json?["messages"]?.arrayValue?.last == saved)
        let versions = try site.send("GET", "/api/conversations/1/project-draft/versions")
        let newest = try #require(versions.json?["versions"]?.arrayValue?.first, "\(versions.text)")
        #expect(newest["source"] == "chat")
        #expect(newest["title"] == "Lisbon on rails")
        #expect(newest["is_active"] == true)

        // The second call carries the assembled call and the tool's result as a `tool` message.
        #expect(llm.requests.count == 2)
        let second = try #require(llm.requests.last).chatMessages
        #expect(second.map { $0["role"] } == ["system", "user", "assistant", "tool"])
        #expect(second[2]["tool_calls"]?.arrayValue?.first?["id"] == "call_rename")
        #expect(second[2]["tool_calls"]?.arrayValue?.first?["function"]?["arguments"] == #"{"title": "Lisbon on rails"}"#)
        #expect(second[3]["tool_call_id"] == "call_rename")
        #expect(second[3]["content"]?.stringValue?.contains("Saved version 2") == true, "\(second[3])")
        #expect(second[0]["content"]?.stringValue?.contains("Title: Lisbon on rails") == true, "the second call sees the new draft")
    }

    @Test func aLinearProjectCreatedByTheModelLocksTheConversation() throws {
        let linear = try LoopbackServer.sequence([.json(200, ["data": ["projectCreate": [
            "success": true, "project": ["id": "proj-wire", "url": "https://linear.app/acme/project/budget-trip-wire"]]]])])
        let arguments = (["title": "Budget trip planner", "description": "## Problem\nPlanning a cheap trip takes hours."] as JSONValue).jsonText
        let cut = arguments.index(arguments.startIndex, offsetBy: 20)
        let llm = try LoopbackServer.sequence([
            .streamed(slowly(OpenAIWire.callingTool("create_linear_project", id: "call_linear",
                                                    fragments: [String(arguments[..<cut]), String(arguments[cut...])], prompt: 300, completion: 40)),
                      headers: OpenAIWire.headers),
            .streamed(slowly(OpenAIWire.answer(["Created it in Linear; ", "the draft is now locked."], prompt: 350, completion: 11)),
                      headers: OpenAIWire.headers),
        ])
        let site = try DraftChatSite(llm: llm, linear: linear)
        let client = try site.chat("Create the project in Linear")
        client.readToEnd()
        let events = client.events
        #expect(events.last?.event == "done", "\(client.bodyText)")
        let project = try #require(events.first { $0.event == "conversation_locked" }?.data?["project"])
        #expect(project["linear_project_id"] == "proj-wire")
        #expect(project["linear_url"] == "https://linear.app/acme/project/budget-trip-wire")
        #expect(project["title"] == "Budget trip planner")
        #expect(project["description"] == "## Problem\nPlanning a cheap trip takes hours.")
        #expect(project["conversation_id"] == 1)
        #expect(project["created_at"]?.stringValue != nil)
        let response = try #require(client.doneResponse)
        #expect(response["conversation_locked"] == true)
        #expect(response["project"] == project)
        #expect(response["assistant_message"]?["tool_calls"]?.arrayValue?.first?["name"] == "create_linear_project")
        #expect(response["assistant_message"]?["tool_calls"]?.arrayValue?.first?["ok"] == true)
        #expect(response["assistant_message"]?["content"] == "Created it in Linear; the draft is now locked.")

        // Linear was asked once, with the bare key and the model's title.
        #expect(linear.requests.count == 1)
        let created = try #require(linear.requests.first)
        #expect(created.header("authorization") == DraftChatSite.linearKey)
        #expect(created.text.contains("projectCreate"))
        #expect(created.text.contains("Budget trip planner"))
        // The model heard back, and was offered no tools after the project existed.
        #expect(llm.requests.count == 2)
        let second = try #require(llm.requests.last)
        #expect(second.chatMessages.last?["role"] == "tool")
        #expect(second.chatMessages.last?["content"]?.stringValue?.contains("Created the Linear project") == true)
        #expect(second.json?["tools"]?.arrayValue?.isEmpty ?? true)

        // One shape for the project everywhere: the event, the turn, GET …/project, the history.
        let fetched = try site.send("GET", "/api/conversations/1/project")
        #expect(fetched.status == 200, "\(fetched.text)")
        #expect(fetched.json == project)
        let history = try site.send("GET", "/api/conversations/1/project-draft/chat")
        #expect(history.json?["conversation_locked"] == true)
        #expect(history.json?["project"] == project)

        let again = try site.chat("Rename it to Atlas")
        again.readToEnd()
        #expect(again.headText.hasPrefix("HTTP/1.1 409"), "\(again.headText)\n\(again.bodyText)")
        let edit = try site.send("PATCH", "/api/conversations/1/project-draft", ["title": "Atlas"])
        #expect(edit.status == 409, "\(edit.text)")
        #expect(edit.json?["error"]?["code"] == "conflict")
        #expect(llm.requests.count == 2, "a locked conversation never reaches the model")
    }

    /// The client goes away while the fake holds the second answer behind a gate. The code
    /// promises the turn runs on (the emits become no-ops) and saves: the assistant message is
    /// complete, with the whole text the fake sent after the hang-up, and the draft change stays.
    @Test func aClientThatHangsUpMidStreamLeavesTheWholeTurnSaved() throws {
        let gate = LoopbackGate()
        let llm = try LoopbackServer.sequence([
            .streamed(slowly(OpenAIWire.callingTool("update_project_draft", id: "call_keep", fragments: [#"{"title": "Kept after "#, #"hang-up"}"#],
                                                    prompt: 300, completion: 20)), headers: OpenAIWire.headers),
            .streamed(slowly([OpenAIWire.role, OpenAIWire.text("Renamed. ")])
                      + [StreamPiece(OpenAIWire.text("Anything else?"), when: gate)]
                      + slowly([OpenAIWire.finish("stop"), OpenAIWire.usage(prompt: 330, completion: 6), OpenAIWire.done]),
                      headers: OpenAIWire.headers),
        ])
        let site = try DraftChatSite(llm: llm)
        let client = try site.chat("Rename it to Kept after hang-up")
        #expect(client.read(until: "event: content"), "\(client.bodyText)")
        #expect(client.bodyText.contains("event: project_updated"))
        client.hangUp()
        gate.open()

        #expect(Eventually.holds {
            (try? site.send("GET", "/api/conversations/1/project-draft/chat"))?.json?["total"] == 2
        })
        let history = try site.send("GET", "/api/conversations/1/project-draft/chat")
        let messages = try #require(history.json?["messages"]?.arrayValue)
        #expect(messages.map { $0["role"] } == ["user", "assistant"])
        #expect(messages[0]["content"] == "Rename it to Kept after hang-up")
        #expect(messages[1]["status"] == "complete")
        #expect(messages[1]["content"] == "Renamed. Anything else?")
        #expect(messages[1]["tool_calls"]?.arrayValue?.first?["name"] == "update_project_draft")
        let draft = try site.send("GET", "/api/conversations/1/project-draft")
        #expect(draft.json?["title"] == "Kept after hang-up")
        #expect(draft.json?["source"] == "chat")
        #expect(llm.requests.count == 2)
    }

    @Test func streamedCallsRecordUsageAndThePromptVersionDefaultThenCustom() throws {
        let llm = try LoopbackServer.sequence([
            .streamed(slowly(OpenAIWire.answer(["The goals ", "are thin."], prompt: 111, completion: 7)), headers: OpenAIWire.headers),
        ])
        let site = try DraftChatSite(llm: llm)
        let first = try site.chat("What is thin?")
        first.readToEnd()
        #expect(first.doneResponse != nil, "\(first.bodyText)")
        let defaultVersion = try #require(try site.send("GET", "/api/llm-prompts/chat").json?["version"]?.stringValue)
        #expect(defaultVersion.hasPrefix("default-"))

        let custom = try site.send("POST", "/api/llm-prompts/chat", ["system_prompt": "You are a terse planner. Answer in one line."])
        #expect((200..<300).contains(custom.status), "\(custom.text)")
        let customVersion = try #require(custom.json?["version"]?.stringValue)
        #expect(customVersion.hasPrefix("custom-"))
        let second = try site.chat("And now?")
        second.readToEnd()
        #expect(second.doneResponse?["assistant_message"]?["prompt_version"] == .string(customVersion), "\(second.bodyText)")
        #expect(second.doneResponse?["usage"]?["provider"] == "openai")
        #expect(second.doneResponse?["usage"]?["prompt_tokens"] == 111)

        let rows = try site.chatCalls()
        #expect(rows.count == 2)
        for row in rows {
            #expect(row.optionalString("function") == "stream-draft-chat")
            #expect(row.optionalString("provider") == "openai")
            #expect(row.optionalString("model") == OpenAIWire.model)
            #expect(row.optionalInt("prompt_tokens") == 111)
            #expect(row.optionalInt("completion_tokens") == 7)
            #expect(row.optionalString("outcome") == "succeeded")
            // gpt-4o-mini's price (0.15 and 0.60 per million) on the usage chunk's tokens, rounded to the micro-dollar.
            let cost = row.optionalDouble("cost_usd")
            #expect(cost.map { abs($0 - 0.000021) < 1e-12 } == true, "cost_usd \(String(describing: cost))")
        }
        #expect(rows.map { $0.optionalString("prompt_version") } == [defaultVersion, customVersion])
        #expect(llm.requests.last?.chatMessages.first?["content"]?.stringValue?.hasPrefix("You are a terse planner.") == true)
    }

    @Test func anAnthropicDefaultStreamsTextAndToolUse() throws {
        let openAI = try LoopbackServer.sequence([.json(500, ["error": ["message": "the OpenAI fake must not be called"]])])
        let anthropic = try LoopbackServer.sequence([
            .streamed(slowly([AnthropicWire.start(inputTokens: 500), AnthropicWire.ping]
                             + AnthropicWire.textBlock(0, ["Renaming it ", "to Atlas."])
                             + AnthropicWire.toolBlock(1, id: "toolu_wire", name: "update_project_draft", fragments: [#"{"title": "At"#, #"las"}"#])
                             + AnthropicWire.end("tool_use", outputTokens: 40)), headers: OpenAIWire.headers),
            .streamed(slowly([AnthropicWire.start(inputTokens: 560)] + AnthropicWire.textBlock(0, ["Atlas ", "it is."])
                             + AnthropicWire.end("end_turn", outputTokens: 9)), headers: OpenAIWire.headers),
        ])
        let site = try DraftChatSite(llm: openAI, extra: ["ANTHROPIC_API_KEY": "sk-ant-wire-key", "ANTHROPIC_BASE_URL": anthropic.baseURL])
        let chosen = try site.send("PUT", "/api/llm-defaults/chat", ["provider": "anthropic", "model": "claude-sonnet-4-5"])
        #expect(chosen.status == 200, "\(chosen.text)")
        #expect(chosen.json?["configured"] == true)

        let client = try site.chat("Call it Atlas")
        client.readToEnd()
        let events = client.events
        #expect(events.last?.event == "done", "\(client.bodyText)")
        #expect(events.first { $0.event == "project_updated" }?.data?["project_draft"]?["title"] == "Atlas")
        #expect(client.contentText == "Renaming it to Atlas.\n\nAtlas it is.")
        let response = try #require(client.doneResponse)
        #expect(response["assistant_message"]?["content"] == "Renaming it to Atlas.\n\nAtlas it is.")
        #expect(response["assistant_message"]?["provider"] == "anthropic")
        #expect(response["project_draft"]?["title"] == "Atlas")
        #expect(!client.bodyText.contains("sk-ant-wire-key"))

        #expect(openAI.requests.isEmpty)
        #expect(anthropic.requests.count == 2)
        let first = try #require(anthropic.requests.first)
        #expect(first.path == "/v1/messages")
        #expect(first.header("x-api-key") == "sk-ant-wire-key")
        #expect(first.json?["model"] == "claude-sonnet-4-5")
        #expect(first.json?["stream"] == true)
        let second = try #require(anthropic.requests.last).chatMessages
        #expect(second.map { $0["role"] } == ["user", "assistant", "user"])
        #expect(second[1]["content"]?.arrayValue?.contains { $0["type"] == "tool_use" && $0["input"] == ["title": "Atlas"] } == true, "\(second[1])")
        let result = try #require(second[2]["content"]?.arrayValue?.first)
        #expect(result["type"] == "tool_result")
        #expect(result["tool_use_id"] == "toolu_wire")
        #expect(result["content"]?.stringValue?.contains("Saved version 2") == true)

        let rows = try site.chatCalls()
        #expect(rows.map { $0.optionalString("provider") } == ["anthropic", "anthropic"])
        #expect(rows.map { $0.optionalString("model") } == [AnthropicWire.model, AnthropicWire.model])
        #expect(rows.map { $0.optionalInt("prompt_tokens") } == [500, 560])
        #expect(rows.map { $0.optionalInt("completion_tokens") } == [40, 9])
        #expect(rows.allSatisfy { $0.optionalString("prompt_version")?.hasPrefix("default-") == true })
    }
}
