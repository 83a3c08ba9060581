import Core
import Providers
import Runtime

/// `POST /mcp/check`: opens a session with the configured MCP server (`MCP_SERVER_URL` or
/// `MCP_SERVER_COMMAND`), lists its tools and, when asked, runs one documentation search, to
/// check the server, its protocol version and the configured tool names before research uses
/// them. Offline (no server configured) it says so instead of failing.
package struct MCPCheckHandler: FunctionHandler {
    package struct Input: Codable, Sendable {
        package var search: String?
        package init(search: String? = nil) { self.search = search }
    }

    package struct Tool: Codable, Sendable {
        var name: String
        var description: String
    }

    package struct Hit: Codable, Sendable {
        var title: String
        var url: String
        var excerpt: String
    }

    package struct Output: Codable, Sendable {
        var provider: String
        var server: String
        var protocolVersion: String
        var tools: [Tool]
        /// Which configured tool names the server lists (`search_tool` → the name found, or "").
        var configuredTools: [String: String]
        var search: [Hit]

        enum CodingKeys: String, CodingKey {
            case provider, server, tools, search
            case protocolVersion = "protocol_version"
            case configuredTools = "configured_tools"
        }
    }

    package static let manifest = FunctionManifest(
        name: "mcp-check",
        summary: "Lists the configured MCP server's tools (and runs one documentation search when asked) to check the MCP settings.",
        routes: [Route("POST", "/mcp/check")],
        input: Schema.object([
            "search": Schema.string("A phrase for the documentation search tool (MCP_SEARCH_TOOL); none by default",
                                    minLength: 1, maxLength: 300),
        ], required: []),
        output: Schema.object([
            "provider": Schema.string("offline, http or stdio", enum: ["offline", "http", "stdio"]),
            "server": Schema.string("The server's URL (without credentials) or the command's name; empty offline"),
            "protocol_version": Schema.string("The protocol version the server agreed to; empty offline"),
            "tools": Schema.array(Schema.object(["name": Schema.string(), "description": Schema.string()])),
            "configured_tools": Schema.map(Schema.string(), "search_tool, read_tool and availability_tool: the listed name each resolves to, or empty"),
            "search": Schema.array(Schema.object(["title": Schema.string(), "url": Schema.string(), "excerpt": Schema.string()])),
        ]),
        timeoutSeconds: 60
    )

    package init() {}

    package func handle(_ input: Input, context: FunctionContext) async throws -> Output {
        let connector = try context.mcp()
        let settings = connector.settings
        let phrase = input.search?.trimmingWhitespace()
        if phrase?.isEmpty == true { throw BundleError.validation(field: "search", "must not be blank") }
        guard settings.provider != .offline else {
            return Output(provider: "offline", server: "", protocolVersion: "", tools: [], configuredTools: [:], search: [])
        }
        let deadline = Deadline(after: min(settings.timeout, context.deadline.remaining))
        let client = try connector.connect()
        do {
            let output = try await check(client, settings: settings, phrase: phrase, deadline: deadline)
            await client.close(deadline: Deadline(after: .seconds(2)))
            context.logger.info("mcp.checked", ["tools": .number(Double(output.tools.count)), "provider": .string(output.provider)])
            return output
        } catch {
            await client.close(deadline: Deadline(after: .seconds(2)))
            throw error.bundleError
        }
    }

    private func check(_ client: MCPClient, settings: MCPSettings, phrase: String?, deadline: Deadline) async throws(MCPError) -> Output {
        let tools = try await client.tools(deadline: deadline)
        var configured: [String: String] = [:]
        for (key, name) in [("search_tool", settings.searchTool), ("read_tool", settings.readTool), ("availability_tool", settings.availabilityTool)] {
            configured[key] = DocumentationTools.resolve(name, in: tools)?.name ?? ""
        }
        var hits: [Hit] = []
        if let phrase {
            guard let search = DocumentationTools.resolve(settings.searchTool, in: tools) else {
                throw MCPError(.toolMissing, "the MCP server has no tool named \(settings.searchTool) (MCP_SEARCH_TOOL)")
            }
            hits = try await DocumentationTools(client: client).search(search, phrase: phrase, limit: 3, deadline: deadline)
                .map { Hit(title: $0.title, url: $0.url, excerpt: $0.excerpt ?? "") }
        }
        return Output(provider: settings.provider.rawValue, server: settings.serverLabel ?? "",
                      protocolVersion: await client.protocolVersion ?? "",
                      tools: tools.prefix(200).map { Tool(name: $0.name, description: String(($0.description ?? "").prefix(500))) },
                      configuredTools: configured, search: hits)
    }
}
