import Core

/// A tool a server offers (`tools/list`).
package struct MCPTool: Sendable, Equatable {
    package var name: String
    package var description: String?
    package var inputSchema: JSONValue?

    package init(name: String, description: String? = nil, inputSchema: JSONValue? = nil) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
    }

    /// The argument names the tool's input schema declares.
    package var argumentNames: Set<String> { Set(inputSchema?["properties"]?.objectValue?.keys ?? [:].keys) }
}

/// What a tool answered (`tools/call` without `isError`).
package struct MCPToolResult: Sendable, Equatable {
    package var content: [JSONValue]
    package var structuredContent: JSONValue?

    package init(content: [JSONValue], structuredContent: JSONValue? = nil) {
        self.content = content
        self.structuredContent = structuredContent
    }

    /// The text blocks joined by newlines (where servers that predate structured output put JSON).
    package var text: String {
        content.compactMap { $0["type"] == "text" ? $0["text"]?.stringValue : nil }.joined(separator: "\n")
    }
}

/// An MCP client session: `initialize` (offering the newest version it knows and accepting any
/// it supports back), `notifications/initialized`, `tools/list` (following `nextCursor`,
/// bounded) and `tools/call`. A session the server expired is set up again once. An actor, so
/// ids stay unique; calls may overlap (Streamable HTTP carries them at once, the stdio channel
/// takes them one at a time), and overlapping callers share one handshake.
package actor MCPClient {
    package static let supportedVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]
    package static let maxToolPages = 20
    package static let maxTools = 1_000

    private let channel: any MCPChannel
    private let clientName: String
    private var nextID = 1
    private var initialized = false
    /// The handshake under way, which concurrent callers wait for instead of starting another.
    private var starting: Task<Void, any Error>?
    /// Counts handshakes, so of several calls that find the session expired only one renews it.
    private var generation = 0
    private var cachedTools: [MCPTool]?
    package private(set) var protocolVersion: String?
    package private(set) var serverInfo: JSONValue?

    package init(channel: any MCPChannel, clientName: String = "function-bundle") {
        self.channel = channel
        self.clientName = clientName
    }

    /// Sets up the session if it is not yet.
    package func start(deadline: Deadline) async throws(MCPError) {
        guard !initialized else { return }
        let task = starting ?? Task { try await self.handshake(deadline: deadline) }
        starting = task
        do {
            try await task.value
        } catch {
            if starting == task { starting = nil }
            throw Self.mcpError(error)
        }
        if starting == task { starting = nil }
    }

    private func handshake(deadline: Deadline) async throws(MCPError) {
        let params: JSONValue = [
            "protocolVersion": .string(Self.supportedVersions[0]), "capabilities": [:],
            "clientInfo": ["name": .string(clientName), "version": .string(BundleVersion.current)],
        ]
        let result = try await exchange("initialize", params, deadline: deadline, renewing: false)
        guard let version = result["protocolVersion"]?.stringValue else {
            throw MCPError(.malformed, "the MCP server's initialize answer has no protocolVersion")
        }
        guard Self.supportedVersions.contains(version) else {
            throw MCPError(.unsupportedVersion, "the MCP server speaks protocol version \(version.prefix(40)), not one of \(Self.supportedVersions.joined(separator: ", "))")
        }
        protocolVersion = version
        serverInfo = result["serverInfo"]
        channel.established(protocolVersion: version)
        do {
            try await channel.notify(JSONRPCMessage.notification(method: "notifications/initialized"), deadline: deadline)
        } catch {
            throw Self.mcpError(error)
        }
        generation += 1
        initialized = true
    }

    /// Every tool the server lists (cached for the session).
    package func tools(deadline: Deadline) async throws(MCPError) -> [MCPTool] {
        if let cachedTools { return cachedTools }
        try await start(deadline: deadline)
        var tools: [MCPTool] = []
        var cursor: String?
        for _ in 0..<Self.maxToolPages {
            let params: JSONValue? = cursor.map { ["cursor": .string($0)] }
            let result = try await exchange("tools/list", params, deadline: deadline)
            for entry in result["tools"]?.arrayValue ?? [] {
                guard let name = entry["name"]?.stringValue else { continue }
                tools.append(MCPTool(name: name, description: entry["description"]?.stringValue, inputSchema: entry["inputSchema"]))
            }
            guard tools.count <= Self.maxTools else { throw MCPError(.malformed, "the MCP server lists more than \(Self.maxTools) tools") }
            guard let next = result["nextCursor"]?.stringValue, !next.isEmpty, next != cursor else { break }
            cursor = next
        }
        cachedTools = tools
        return tools
    }

    /// Calls a tool; `isError: true` is thrown as `.toolFailed` with the tool's own text.
    package func call(_ name: String, arguments: JSONValue, deadline: Deadline) async throws(MCPError) -> MCPToolResult {
        try await start(deadline: deadline)
        let result = try await exchange("tools/call", ["name": .string(name), "arguments": arguments], deadline: deadline)
        let answer = MCPToolResult(content: result["content"]?.arrayValue ?? [], structuredContent: result["structuredContent"])
        if result["isError"]?.boolValue == true {
            let text = answer.text.isEmpty ? "no details" : String(answer.text.prefix(300))
            throw MCPError(.toolFailed, "the MCP tool \(name) failed: \(text)")
        }
        return answer
    }

    /// Ends the session.
    package func close(deadline: Deadline) async {
        await channel.close(deadline: deadline)
        initialized = false
    }

    private func exchange(_ method: String, _ params: JSONValue?, deadline: Deadline, renewing: Bool = true) async throws(MCPError) -> JSONValue {
        guard !deadline.hasPassed else { throw MCPError(.timeout, "the MCP server did not answer in time: no time was left to ask it for \(method)") }
        let id = nextID
        nextID += 1
        let session = generation
        do {
            let response = try await channel.request(JSONRPCMessage.request(id: id, method: method, params: params), id: id, deadline: deadline)
            return try JSONRPCMessage.result(of: response, method: method)
        } catch {
            let failure = Self.mcpError(error)
            // The server forgot the session: set up a new one, then ask once more.
            guard failure.kind == .sessionExpired, renewing else { throw failure }
            if session == generation && initialized {
                initialized = false
                channel.reset()
            }
            try await start(deadline: deadline)
            return try await exchange(method, params, deadline: deadline, renewing: false)
        }
    }

    private static func mcpError(_ error: any Error) -> MCPError {
        if let error = error as? MCPError { return error }
        if let error = error as? BundleError { return MCPError(error.code == .timeout ? .timeout : .unreachable, error.message) }
        return MCPError(.unreachable, "the MCP exchange failed")
    }
}
