import Core

/// Finds the conversation in a ChatGPT share page. The page has changed shape over the years;
/// each shape keeps the conversation as an object with a `mapping` tree (plus `current_node` or
/// `linear_conversation`) somewhere in the data of one of its scripts:
/// (a) `<script id="__NEXT_DATA__" type="application/json">` (Next.js:
///     `props.pageProps.serverResponse.data`);
/// (b) `window.__remixContext = {…};` (Remix);
/// (c) `window.__reactRouterContext.streamController.enqueue("…")` calls (React Router 7), whose
///     string literals joined are a turbo-stream payload (`TurboStream`).
/// Every step is one linear pass over bounded input; a page in none of these shapes, or whose
/// data holds no conversation, is `nil` (the caller's "format the importer does not know").
package enum ChatGPTSharePage {
    /// Which shape the data came from (for logs and tests).
    package enum Shape: String, Sendable { case nextData = "next_data", remix, turboStream = "turbo_stream" }

    /// The conversation object, and the shape it was found in.
    package static func conversation(in page: [UInt8]) -> (conversation: JSONValue, shape: Shape)? {
        let scripts = PageScripts.scripts(in: page)
        var stream = ""
        var sawStream = false
        for script in scripts {
            if script.attributes.contains("__NEXT_DATA__") {
                if let data = try? JSONParser.parse(Array(script.content)), let found = find(in: data) { return (found, .nextData) }
                continue
            }
            if let remix = remixContext(script.content), let found = find(in: remix) { return (found, .remix) }
            let enqueued = enqueuedStrings(script.content)
            if !enqueued.isEmpty {
                sawStream = true
                stream += enqueued.joined()
            }
        }
        if sawStream, let data = try? TurboStream.decode(stream), let found = find(in: data) { return (found, .turboStream) }
        return nil
    }

    /// The object assigned to `window.__remixContext`, parsed.
    static func remixContext(_ content: ArraySlice<UInt8>) -> JSONValue? {
        guard let marker = PageScripts.find(Array("__remixContext".utf8), in: content, from: content.startIndex),
              let equals = content[marker...].firstIndex(of: UInt8(ascii: "=")),
              let start = content[(equals + 1)...].firstIndex(where: { !PageScripts.isSpace($0) }),
              content[start] == UInt8(ascii: "{"),
              let end = PageScripts.jsonEnd(in: content, from: start) else { return nil }
        return try? JSONParser.parse(Array(content[start..<end]))
    }

    /// The string literals passed to `streamController.enqueue(…)` in a script, in order.
    static func enqueuedStrings(_ content: ArraySlice<UInt8>) -> [String] {
        let marker = Array("streamController.enqueue(".utf8)
        var strings: [String] = []
        var index = content.startIndex
        while let found = PageScripts.find(marker, in: content, from: index) {
            guard let start = content[(found + marker.count)...].firstIndex(where: { !PageScripts.isSpace($0) }),
                  let literal = PageScripts.javaScriptString(in: content, from: start) else {
                index = found + marker.count
                continue
            }
            strings.append(literal.text)
            index = literal.end
        }
        return strings
    }

    /// The first object (depth first, in document order where the order is kept) with a `mapping`
    /// object and a `current_node` or `linear_conversation`; the walk is iterative and visits
    /// each node of the already bounded tree once.
    package static func find(in data: JSONValue) -> JSONValue? {
        var stack: [JSONValue] = [data]
        while let value = stack.popLast() {
            switch value {
            case .object(let fields):
                if case .object? = fields["mapping"], fields["current_node"]?.stringValue != nil || fields["linear_conversation"]?.arrayValue != nil {
                    return value
                }
                for key in fields.keys.sorted().reversed() { if let child = fields[key] { stack.append(child) } }
            case .array(let items):
                stack.append(contentsOf: items.reversed())
            default:
                break
            }
        }
        return nil
    }

    /// The conversation object made ready for `ChatGPTExport`: a `current_node` taken from the
    /// last node of `linear_conversation` when the page gives only that.
    package static func normalised(_ conversation: JSONValue) -> JSONValue {
        guard case .object(var fields) = conversation else { return conversation }
        if fields["current_node"]?.stringValue == nil, let last = fields["linear_conversation"]?.arrayValue?.last,
           let id = last["id"]?.stringValue {
            fields["current_node"] = .string(id)
        }
        return .object(fields)
    }
}
