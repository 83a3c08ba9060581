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

/// Chooses the room provider.
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
}

/// Jitsi Meet: the room is the link.
package struct JitsiRooms: RoomProvider {
    let baseURL: String

    package init(baseURL: String) {
        self.baseURL = baseURL
    }

    package var name: String { "jitsi" }

    package func room(named room: String, expiresAt: Date, deadline: Deadline) async throws -> String {
        (baseURL.hasSuffix("/") ? baseURL : baseURL + "/") + room
    }
}
