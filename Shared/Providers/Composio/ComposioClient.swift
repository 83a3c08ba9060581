import Core
import HTTPTransport

/// Composio's tool execution API: `POST {base}/api/v3/tools/execute/{SLUG}` with `x-api-key` and
/// `{user_id, connected_account_id?, arguments}`. A tool's failure may come as HTTP 200 with
/// `successful: false`, so every answer's flag is checked.
package struct ComposioClient: Sendable {
    package static let defaultBaseURL = "https://backend.composio.dev"
    let baseURL: String
    let apiKey: String
    let userID: String
    let connectedAccountID: String?
    let transport: any Transport

    package init(baseURL: String, apiKey: String, userID: String, connectedAccountID: String?, transport: any Transport) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.apiKey = apiKey
        self.userID = userID
        self.connectedAccountID = connectedAccountID
        self.transport = transport
    }

    package init(config: Config, transport: any Transport, purpose: String) throws {
        self.init(baseURL: config["COMPOSIO_BASE_URL"] ?? Self.defaultBaseURL,
                  apiKey: try config.require("COMPOSIO_API_KEY", for: purpose),
                  userID: config["COMPOSIO_USER_ID"] ?? "default", connectedAccountID: config["COMPOSIO_CONNECTED_ACCOUNT_ID"],
                  transport: transport)
    }

    /// Runs a tool; returns its `data`.
    package func execute(_ slug: String, arguments: JSONValue, deadline: Deadline) async throws -> JSONValue {
        var body: [String: JSONValue] = ["user_id": .string(userID), "arguments": arguments]
        if let connectedAccountID { body["connected_account_id"] = .string(connectedAccountID) }
        let response = try await transport.send(.json(url: "\(baseURL)/api/v3/tools/execute/\(URLEncoding.component(slug))", body: .object(body),
                                                      headers: [("x-api-key", apiKey)]), deadline: deadline)
        let json = response.json
        guard response.isSuccess else {
            if response.status == 401 || response.status == 403 {
                throw BundleError.credentialsRefused(variable: "COMPOSIO_API_KEY", by: "Composio", status: response.status)
            }
            let message = json?["error"]?["message"]?.stringValue ?? json?["error"]?.stringValue ?? json?["message"]?.stringValue
                ?? "HTTP \(response.status)"
            let code: ErrorCode = response.status == 429 ? .rateLimited : [401, 403].contains(response.status) ? .misconfigured : .upstreamFailed
            throw BundleError(code, "Composio \(slug) failed: \(message.prefix(300))")
        }
        guard json?["successful"]?.boolValue == true else {
            let message = json?["error"]?.stringValue ?? json?["error"]?["message"]?.stringValue ?? "the tool reported failure"
            throw BundleError(.upstreamFailed, "Composio \(slug) failed: \(message.prefix(300))")
        }
        return json?["data"] ?? .null
    }

    /// Objects anywhere inside `value` that have all of `keys` (tool results nest their payload
    /// at places the API does not fix).
    package static func objects(in value: JSONValue, having keys: [String], limit: Int = 10_000) -> [JSONValue] {
        var found: [JSONValue] = []
        var stack = [value]
        while let next = stack.popLast(), found.count < limit {
            switch next {
            case .object(let fields):
                if keys.allSatisfy({ fields[$0] != nil }) { found.append(next) } else { stack += fields.keys.sorted().reversed().compactMap { fields[$0] } }
            case .array(let items): stack += items.reversed()
            default: break
            }
        }
        return found
    }
}
