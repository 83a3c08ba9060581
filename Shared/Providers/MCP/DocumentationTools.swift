import Core

/// A page a documentation search found.
package struct DocumentationHit: Sendable, Equatable {
    package var title: String
    package var url: String
    package var excerpt: String?
}

/// The AWS documentation tools over an MCP session (the AWS Knowledge server and
/// `awslabs.aws-documentation-mcp-server` share their shapes): `search_documentation
/// {search_phrase, limit}` answering `{search_results[{rank_order, url, title, context}]}` in
/// `structuredContent` or as JSON inside text, and `get_regional_availability`. Answers are read
/// defensively: unknown shapes give no hits rather than an error, and every string is bounded.
package struct DocumentationTools: Sendable {
    package let client: MCPClient

    package init(client: MCPClient) {
        self.client = client
    }

    /// The listed tool called `name`, or its prefixed form (`aws___search_documentation`, as
    /// some gateways list the AWS server's tools).
    package static func resolve(_ name: String, in tools: [MCPTool]) -> MCPTool? {
        tools.first { $0.name == name } ?? tools.first { $0.name.hasSuffix("___" + name) }
    }

    package func search(_ tool: MCPTool, phrase: String, limit: Int, deadline: Deadline) async throws(MCPError) -> [DocumentationHit] {
        let answer = try await client.call(tool.name, arguments: Self.searchArguments(for: tool, phrase: phrase, limit: limit), deadline: deadline)
        return Self.hits(in: answer, limit: limit)
    }

    /// `{search_phrase, limit}`; for a search tool that takes no `search_phrase`, the phrase goes
    /// in its first required argument whose type is string (a required number or list must not
    /// receive text), with `limit` when it takes one.
    package static func searchArguments(for tool: MCPTool, phrase: String, limit: Int) -> JSONValue {
        var arguments: [String: JSONValue] = ["search_phrase": .string(phrase), "limit": .number(Double(limit))]
        let names = tool.argumentNames
        guard !names.isEmpty && !names.contains("search_phrase") else { return .object(arguments) }
        let properties = tool.inputSchema?["properties"]
        let required = (tool.inputSchema?["required"]?.arrayValue ?? []).compactMap(\.stringValue)
        if let text = required.first(where: { name in
            let type = properties?[name]?["type"]
            return type?.stringValue == "string" || (type?.arrayValue?.contains(.string("string")) ?? false)
        }) {
            arguments = [text: .string(phrase)]
            if names.contains("limit") { arguments["limit"] = .number(Double(limit)) }
        }
        return .object(arguments)
    }

    /// What the availability tool says about `product` in `region` (its parsed answer, bounded).
    package func availability(_ tool: MCPTool, region: String, product: String, deadline: Deadline) async throws(MCPError) -> JSONValue? {
        var arguments: [String: JSONValue] = ["resource_type": "product", "filters": [.string(product)]]
        if tool.argumentNames.contains("regions") { arguments["regions"] = [.string(region)] } else { arguments["region"] = .string(region) }
        let answer = try await client.call(tool.name, arguments: .object(arguments), deadline: deadline)
        let value: JSONValue? = Self.payload(of: answer) ?? (answer.text.isEmpty ? nil : .string(String(answer.text.prefix(2_000))))
        guard let value, value.jsonText.utf8.count <= 32_768 else { return nil }
        return value
    }

    /// The hits in a search answer, best first, de-duplicated by URL.
    package static func hits(in answer: MCPToolResult, limit: Int) -> [DocumentationHit] {
        guard let payload = payload(of: answer) else { return [] }
        var list: [JSONValue] = payload.arrayValue ?? []
        if list.isEmpty {
            for key in ["search_results", "results", "items", "documents", "result"] {
                if let found = payload[key]?.arrayValue { list = found; break }
            }
        }
        let ranked = list.prefix(100).enumerated().sorted { left, right in
            let a = left.element["rank_order"]?.doubleValue ?? Double(left.offset + 1_000)
            let b = right.element["rank_order"]?.doubleValue ?? Double(right.offset + 1_000)
            return a == b ? left.offset < right.offset : a < b
        }
        var seen: Set<String> = []
        var hits: [DocumentationHit] = []
        for (_, item) in ranked {
            guard let url = (item["url"] ?? item["link"] ?? item["uri"])?.stringValue, url.utf8.count <= 2_048,
                  url.lowercased().hasPrefix("https://") || url.lowercased().hasPrefix("http://"), seen.insert(url).inserted
            else { continue }
            let title = (item["title"] ?? item["name"])?.stringValue.map(clean) ?? url
            let excerpt = (item["context"] ?? item["excerpt"] ?? item["snippet"] ?? item["description"] ?? item["content"])?.stringValue.map(clean)
            hits.append(DocumentationHit(title: String(title.prefix(300)), url: url, excerpt: excerpt.map { String($0.prefix(600)) }))
            if hits.count == limit { break }
        }
        return hits
    }

    /// `structuredContent` (unwrapped from the SDKs' `{"result": …}`), else the first text block
    /// that parses as JSON.
    static func payload(of answer: MCPToolResult) -> JSONValue? {
        if let structured = answer.structuredContent, !structured.isNull {
            if let object = structured.objectValue, object.count == 1, let inner = object["result"] { return inner }
            return structured
        }
        for block in answer.content where block["type"] == "text" {
            guard let text = block["text"]?.stringValue, text.utf8.count <= 4 << 20 else { continue }
            if let parsed = try? JSONValue(parsing: text), parsed.objectValue != nil || parsed.arrayValue != nil { return parsed }
        }
        return nil
    }

    private static func clean(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
