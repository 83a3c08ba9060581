import Core
import FoundationEssentials
import HTTPTransport

/// Notion's pages API: a row created once in `NOTION_DATABASE_ID`, updated after by its page id.
/// The database needs a column of the right kind for each property sent. Texts are cut to
/// Notion's 2,000 characters.
package struct NotionClient: NotionRows {
    package let name = "notion"
    package static let defaultBaseURL = "https://api.notion.com"
    package static let version = "2022-06-28"
    let baseURL: String
    let token: String
    let databaseID: String
    let transport: any Transport

    package init(baseURL: String, token: String, databaseID: String, transport: any Transport) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.databaseID = databaseID
        self.transport = transport
    }

    /// Creates the row, or updates it when `pageID` is known; returns the page id.
    package func upsert(_ properties: [NotionProperty], pageID: String?, deadline: Deadline) async throws -> (pageID: String, created: Bool) {
        let properties = Self.json(properties)
        let headers: [(name: String, value: String)] = [("Authorization", "Bearer \(token)"), ("Notion-Version", Self.version)]
        let request: HTTPRequest
        if let pageID {
            request = .json("PATCH", url: "\(baseURL)/v1/pages/\(URLEncoding.component(pageID))", body: ["properties": properties], headers: headers)
        } else {
            request = .json("POST", url: "\(baseURL)/v1/pages",
                            body: ["parent": ["database_id": .string(databaseID)], "properties": properties], headers: headers)
        }
        let response = try await transport.send(request, deadline: deadline)
        guard response.isSuccess, let id = response.json?["id"]?.stringValue else {
            if response.status == 401 || response.status == 403 {
                throw BundleError.credentialsRefused(variable: "NOTION_TOKEN", by: "Notion", status: response.status,
                                                     access: "share the NOTION_DATABASE_ID database with the integration")
            }
            let message = response.json?["message"]?.stringValue ?? "HTTP \(response.status)"
            let code: ErrorCode = switch response.status {
            case 429: .rateLimited
            case 400, 401, 403, 404: .misconfigured
            default: .upstreamFailed
            }
            throw BundleError(code, "Notion answered \(response.status) to the row: \(message.prefix(300))")
        }
        return (id, pageID == nil)
    }

    /// The `properties` object of Notion's pages API.
    static func json(_ properties: [NotionProperty]) -> JSONValue {
        func text(_ value: String) -> JSONValue {
            [["type": "text", "text": ["content": .string(String(value.prefix(2000)))]]]
        }
        var fields: [String: JSONValue] = [:]
        for property in properties {
            fields[property.name] = switch property.value {
            case .title(let value): ["title": text(value)]
            case .text(let value): ["rich_text": text(value)]
            case .contact(let name, let email): ["rich_text": text((name.map { "\($0) " } ?? "") + "<\(email)>")]
            case .date(let start, let end): ["date": ["start": .string(start), "end": end.map(JSONValue.string) ?? .null]]
            case .select(let value): ["select": ["name": .string(value)]]
            }
        }
        return .object(fields)
    }
}
