import Core
import FoundationEssentials
import HTTPTransport
import Providers

/// Notion's pages API for the meeting row: created once in `NOTION_DATABASE_ID`, updated after.
/// The database needs these properties: Name (title), Company, Role, Attendee, Insights, Draft
/// (rich text), Start (date), Status (select). Texts are cut to Notion's 2,000 characters.
package struct NotionClient: Sendable {
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
    package func upsert(_ meeting: Meeting, pageID: String?, deadline: Deadline) async throws -> (pageID: String, created: Bool) {
        let properties = Self.properties(meeting)
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
            throw BundleError(code, "Notion answered \(response.status) to the meeting row: \(message.prefix(300))")
        }
        return (id, pageID == nil)
    }

    /// The same row through Composio (`NOTION_INSERT_ROW_DATABASE`, then `NOTION_UPDATE_ROW_DATABASE`),
    /// whose properties are `{name, type, value}` with the value as text.
    package static func upsertThroughComposio(_ meeting: Meeting, pageID: String?, databaseID: String, composio: ComposioClient,
                                              deadline: Deadline) async throws -> (pageID: String, created: Bool) {
        let attendee = meeting.attendees.first { !$0.isOrganizer }
        let insights = (meeting.insights?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.map { "• " + $0 }.joined(separator: "\n")
        let rows: [(String, String, String?)] = [
            ("Name", "title", meeting.title), ("Company", "rich_text", meeting.company), ("Role", "rich_text", meeting.role),
            ("Attendee", "rich_text", attendee?.email), ("Insights", "rich_text", insights),
            ("Draft", "rich_text", meeting.preMeetingDraft?["body"]?.stringValue), ("Start", "date", meeting.start),
            ("Status", "select", meeting.status),
        ]
        let properties: JSONValue = .array(rows.map { name, type, value in
            ["name": .string(name), "type": .string(type), "value": .string(String((value ?? "").prefix(2000)))]
        })
        if let pageID {
            _ = try await composio.execute("NOTION_UPDATE_ROW_DATABASE", arguments: ["row_id": .string(pageID), "properties": properties],
                                           deadline: deadline)
            return (pageID, false)
        }
        let data = try await composio.execute("NOTION_INSERT_ROW_DATABASE", arguments: ["database_id": .string(databaseID), "properties": properties],
                                              deadline: deadline)
        // The new page's id, wherever the tool's result puts it: a Notion page object has an id and an object kind.
        let page = ComposioClient.objects(in: data, having: ["id", "object"]).first { $0["object"] == "page" }
            ?? ComposioClient.objects(in: data, having: ["id"]).first
        guard let id = page?["id"]?.stringValue else {
            throw BundleError(.upstreamFailed, "Composio NOTION_INSERT_ROW_DATABASE answered without the new row's id")
        }
        return (id, true)
    }

    static func properties(_ meeting: Meeting) -> JSONValue {
        func text(_ value: String?) -> JSONValue {
            ["rich_text": [["type": "text", "text": ["content": .string(String((value ?? "").prefix(2000)))]]]]
        }
        let insights = (meeting.insights?.arrayValue ?? []).compactMap { $0["text"]?.stringValue }.map { "• " + $0 }.joined(separator: "\n")
        let attendee = meeting.attendees.first { !$0.isOrganizer }
        return [
            "Name": ["title": [["type": "text", "text": ["content": .string(String(meeting.title.prefix(2000)))]]]],
            "Company": text(meeting.company),
            "Role": text(meeting.role),
            "Attendee": text(attendee.map { ($0.name.map { "\($0) " } ?? "") + "<\($0.email)>" }),
            "Insights": text(insights),
            "Draft": text(meeting.preMeetingDraft?["body"]?.stringValue),
            "Start": ["date": ["start": .string(meeting.start), "end": .string(meeting.end)]],
            "Status": ["select": ["name": .string(meeting.status)]],
        ]
    }
}
