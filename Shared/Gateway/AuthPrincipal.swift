import Core

/// Who is calling, as the gateway established it: a signed-in person (session cookie) or an API
/// key, with what they may do. `name` is what goes on what they create (`_http.principal`:
/// `user:<email>` or `api_key:<name>`); the rest travels in `_http.auth`, so handlers such as
/// `auth-me` and logout can use it without reading cookies or keys themselves.
package struct Principal: Sendable, Equatable {
    package enum Kind: String, Sendable, Codable {
        case session
        case apiKey = "api_key"
    }

    package var kind: Kind
    package var name: String
    package var scopes: [AuthScope]
    /// The key's name (API keys).
    package var keyName: String?
    /// The signed-in person and their session (sessions).
    package var userID: Int?
    package var sessionID: Int?
    package var email: String?
    package var expiresAt: String?

    package init(key: APIKeys.Key) {
        kind = .apiKey
        name = "api_key:\(key.name)"
        scopes = key.scopes
        keyName = key.name
    }

    package init(session: Sessions.Found) {
        kind = .session
        name = session.user.principal
        scopes = AuthScope.session
        userID = session.user.id
        sessionID = session.sessionID
        email = session.user.email
        expiresAt = session.expiresAt
    }

    package func allows(_ scope: AuthScope) -> Bool { scopes.contains(scope) }

    /// `_http.auth`.
    package var envelope: JSONValue {
        .object([
            "kind": .string(kind.rawValue),
            "name": keyName.map(JSONValue.string) ?? .null,
            "user_id": userID.map { .number(Double($0)) } ?? .null,
            "session_id": sessionID.map { .number(Double($0)) } ?? .null,
            "email": email.map(JSONValue.string) ?? .null,
            "expires_at": expiresAt.map(JSONValue.string) ?? .null,
            "scopes": .array(scopes.map { .string($0.rawValue) }),
        ])
    }

    /// Reads `_http.auth` back (a handler's side); nil when the caller was anonymous or the
    /// envelope is not one the gateway wrote.
    package init?(http: JSONValue?) {
        guard let auth = http?["auth"], let kind = auth["kind"]?.stringValue.flatMap(Kind.init(rawValue:)) else { return nil }
        self.kind = kind
        scopes = (auth["scopes"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(AuthScope.init(rawValue:)) }
        keyName = auth["name"]?.stringValue
        userID = auth["user_id"]?.intValue
        sessionID = auth["session_id"]?.intValue
        email = auth["email"]?.stringValue
        expiresAt = auth["expires_at"]?.stringValue
        switch kind {
        case .apiKey:
            guard let keyName else { return nil }
            name = "api_key:\(keyName)"
        case .session:
            guard let email, userID != nil else { return nil }
            name = "user:\(email)"
        }
    }
}
