import Core
import FoundationEssentials
import HTTPTransport

/// Where interviews happen: a Daily room made through its API, or a Jitsi Meet link, which
/// needs no key (any unguessable name on the server is a room).
package protocol RoomProvider: Sendable {
    var name: String { get }
    /// Creates the room (or finds it, when a retried call already made it); returns its URL.
    func room(named: String, expiresAt: Date, deadline: Deadline) async throws -> String
}

package enum RoomSelection {
    /// `ROOMS_PROVIDER` (`daily` or `jitsi`); by default Daily when `DAILY_API_KEY` is set.
    package static func make(_ config: Config, transport: () throws -> any Transport) throws -> any RoomProvider {
        let choice = config["ROOMS_PROVIDER"] ?? (config["DAILY_API_KEY"] == nil ? "jitsi" : "daily")
        switch choice {
        case "daily":
            let privacy = config["DAILY_ROOM_PRIVACY"] ?? "public"
            guard ["public", "private"].contains(privacy) else {
                throw BundleError.misconfigured(variable: "DAILY_ROOM_PRIVACY", "must be public or private")
            }
            return DailyRooms(apiKey: try config.require("DAILY_API_KEY", for: "Daily interview rooms"),
                              baseURL: config["DAILY_BASE_URL"] ?? "https://api.daily.co/v1", privacy: privacy, transport: try transport())
        case "jitsi":
            return JitsiRooms(baseURL: config["JITSI_BASE_URL"] ?? "https://meet.jit.si")
        default:
            throw BundleError.misconfigured(variable: "ROOMS_PROVIDER", "must be daily or jitsi, not \"\(choice)\"")
        }
    }

    /// `interview-<candidate>-<26 random base32 characters>` (130 bits): unguessable, and valid
    /// as a Daily room name and a Jitsi path.
    package static func newRoomName(candidateID: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        let random = String((0..<26).map { _ in alphabet[Int(generator.next() % 32)] })
        return "interview-\(candidateID)-\(random)"
    }
}

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

/// Jitsi Meet: the room is the link.
package struct JitsiRooms: RoomProvider {
    let baseURL: String

    package var name: String { "jitsi" }

    package func room(named room: String, expiresAt: Date, deadline: Deadline) async throws -> String {
        (baseURL.hasSuffix("/") ? baseURL : baseURL + "/") + room
    }
}
