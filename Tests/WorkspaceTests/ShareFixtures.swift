import Core
import Foundation
import Workspace

/// Share pages and share data in each shape the importer knows, built from one small ChatGPT
/// conversation (so every shape must yield the same object), and a turbo-stream encoder that
/// writes the format as React Router does.
enum ShareFixtures {
    static let conversationID = "0a1b2c3d-0000-4000-8000-00000000abcd"
    static let shareID = "6f1e2d3c-1111-4222-8333-444455556666"

    /// A ChatGPT share's conversation: a root, a question, an answer (with `</script>` in it,
    /// which pages must escape), and a regenerated answer on another branch.
    static let chatgpt: JSONValue = [
        "title": "Trip in May", "create_time": 1_700_000_000, "update_time": 1_700_000_100,
        "conversation_id": .string(conversationID), "current_node": "n2", "default_model_slug": "gpt-4o",
        "mapping": [
            "root": ["id": "root", "message": .null, "parent": .null, "children": ["n1"]],
            "n1": ["id": "n1", "parent": "root", "children": ["n2", "n3"], "message": [
                "id": "n1", "author": ["role": "user"], "create_time": 1_700_000_000,
                "content": ["content_type": "text", "parts": ["Where should I go in May?"]],
            ]],
            "n2": ["id": "n2", "parent": "n1", "children": [], "message": [
                "id": "n2", "author": ["role": "assistant"], "create_time": 1_700_000_050, "metadata": ["model_slug": "gpt-4o"],
                "content": ["content_type": "text", "parts": ["Lisbon. Use <script>alert(1)</script> carefully."]],
            ]],
            "n3": ["id": "n3", "parent": "n1", "children": [], "message": [
                "id": "n3", "author": ["role": "assistant"], "create_time": 1_700_000_040,
                "content": ["content_type": "text", "parts": ["Porto."]],
            ]],
        ],
    ]

    /// JSON as a page embeds it inside a script: `<` escaped so no `</script>` can end it early.
    static func scriptSafe(_ value: JSONValue) -> String {
        value.jsonText.replacingOccurrences(of: "<", with: "\\u003c")
    }

    static func nextDataPage(_ conversation: JSONValue = chatgpt) -> String {
        let data: JSONValue = ["props": ["pageProps": ["serverResponse": ["type": "data", "data": conversation]]], "page": "/share/[[...shareParams]]"]
        return """
            <!DOCTYPE html><html><head><title>ChatGPT</title><script src="/app.js"></script></head><body><div id="__next"></div>
            <script id="__NEXT_DATA__" type="application/json">\(scriptSafe(data))</script></body></html>
            """
    }

    static func remixPage(_ conversation: JSONValue = chatgpt) -> String {
        let context: JSONValue = ["url": "/share/x", "state": ["loaderData": [
            "root": ["rq:[\"account\"]": "ignored"], "routes/share.$shareId.($action)": ["serverResponse": ["type": "data", "data": conversation]],
        ]]]
        return """
            <html><body><script>window.__remixContext = \(scriptSafe(context));__remixContext.p = function(){};</script>
            <script type="module">import "/entry.js";</script></body></html>
            """
    }

    /// React Router 7: the loader data as a turbo-stream, the conversation behind a promise that
    /// a later line resolves, the payload split across two `enqueue` calls.
    static func turboStreamPage(_ conversation: JSONValue = chatgpt) -> String {
        let payload = turboStream(conversation)
        let cut = payload.index(payload.startIndex, offsetBy: payload.count / 2)
        func literal(_ text: Substring) -> String { scriptSafe(.string(String(text))) }
        return """
            <html><head><script>window.__reactRouterContext = {"basename":"/","future":{}};window.__reactRouterContext.stream = new ReadableStream({start(controller){window.__reactRouterContext.streamController = controller;}}).pipeThrough(new TextEncoderStream());</script></head>
            <body><script>window.__reactRouterContext.streamController.enqueue(\(literal(payload[..<cut])));</script>
            <script>window.__reactRouterContext.streamController.enqueue(\(literal(payload[cut...])));</script>
            <script>window.__reactRouterContext.streamController.close();</script></body></html>
            """
    }

    /// `{"loaderData": {"routes/share": {"serverResponse": <promise>}}}` then `P<id>:[…]` with
    /// `{"type": "data", "data": conversation}`.
    static func turboStream(_ conversation: JSONValue) -> String {
        var encoder = TurboStreamEncoder()
        let promiseIndex = 6
        // 0: root object, 1: "loaderData", 2: the routes object, 3: the route key, 4: the route object, 5: "serverResponse", 6: the promise
        encoder.values = [#"{"_1":2}"#, #""loaderData""#, #"{"_3":4}"#, #""routes/share.$shareId.($action)""#, #"{"_5":6}"#,
                          #""serverResponse""#, #"["P",\#(promiseIndex)]"#]
        encoder.strings = ["loaderData": 1, "routes/share.$shareId.($action)": 3, "serverResponse": 5]
        let first = "[" + encoder.values.joined(separator: ",") + "]"
        let start = encoder.values.count
        _ = encoder.flatten(["type": "data", "data": conversation])
        let second = "P\(promiseIndex):[" + encoder.values[start...].joined(separator: ",") + "]"
        return first + "\n" + second + "\n"
    }
}

/// Writes turbo-stream 2.4's flat encoding: each value once, strings shared, objects as
/// `{"_<keyIndex>": <valueIndex>}`, null as -5.
struct TurboStreamEncoder {
    var values: [String] = []
    var strings: [String: Int] = [:]

    mutating func flatten(_ value: JSONValue) -> Int {
        switch value {
        case .null:
            return -5
        case .string(let text):
            if let index = strings[text] { return index }
            values.append(JSONValue.string(text).jsonText)
            strings[text] = values.count - 1
            return values.count - 1
        case .bool, .number:
            values.append(value.jsonText)
            return values.count - 1
        case .array(let items):
            let index = values.count
            values.append("")
            let parts = items.map { String(flatten($0)) }
            values[index] = "[" + parts.joined(separator: ",") + "]"
            return index
        case .object(let fields):
            let index = values.count
            values.append("")
            var parts: [String] = []
            for key in fields.keys.sorted() {
                let keyIndex = flatten(.string(key))
                let valueIndex = flatten(fields[key]!)
                parts.append("\"_\(keyIndex)\":\(valueIndex)")
            }
            values[index] = "{" + parts.joined(separator: ",") + "}"
            return index
        }
    }
}
