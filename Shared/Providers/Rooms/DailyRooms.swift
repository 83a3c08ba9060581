import Core
import FoundationEssentials
import HTTPTransport

/// Daily's REST API: `POST /rooms` with the name, privacy and expiry; a name that already
/// exists (a retry after a lost answer) is looked up with `GET /rooms/{name}`.
package struct DailyRooms: RoomProvider {
    let apiKey: String
    let baseURL: String
    let privacy: String
    let transport: any Transport

    package var name: String { "daily" }

    package func room(named room: String, expiresAt: Date, deadline: Deadline) async throws -> String {
        let auth: [(name: String, value: String)] = [("Authorization", "Bearer \(apiKey)")]
        let body: JSONValue = ["name": .string(room), "privacy": .string(privacy),
                               "properties": ["exp": .number(expiresAt.timeIntervalSince1970.rounded(.down))]]
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let response = try await transport.send(.json(url: base + "/rooms", body: body, headers: auth), deadline: deadline)
        if response.isSuccess, let url = response.json?["url"]?.stringValue { return url }
        let info = response.json?["info"]?.stringValue ?? response.json?["error"]?.stringValue ?? "HTTP \(response.status)"
        if response.status == 400, info.contains("already exists") {
            let existing = try await transport.send(HTTPRequest(url: base + "/rooms/" + room, headers: auth + [("Accept", "application/json")]),
                                                    deadline: deadline)
            if existing.isSuccess, let url = existing.json?["url"]?.stringValue { return url }
        }
        if response.status == 401 || response.status == 403 {
            throw BundleError.credentialsRefused(variable: "DAILY_API_KEY", by: "Daily", status: response.status)
        }
        let code: ErrorCode = response.status == 429 ? .rateLimited : .upstreamFailed
        throw BundleError(code, "Daily did not create the room: \(info.prefix(300))")
    }
}
