import Core

/// What a caller may do: `read` (GET, HEAD), `write` (any other method), `admin` (the routes a
/// manifest marks `adminOnly`: key management, clean-ups). API keys carry the scopes they were
/// made with, stored space-separated in `api_keys.scopes` (keys made before scopes existed keep
/// all three); a signed-in person has `read` and `write`, never `admin`.
package enum AuthScope: String, Codable, Sendable, CaseIterable, Comparable {
    case read, write, admin

    /// A new key's scopes when none are asked for.
    package static let keyDefault: [AuthScope] = [.read, .write]
    /// A session's scopes.
    package static let session: [AuthScope] = [.read, .write]

    package static func < (lhs: AuthScope, rhs: AuthScope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The scope a route needs for this method.
    package static func required(method: String, manifest: FunctionManifest) -> AuthScope {
        if manifest.adminOnly { return .admin }
        return method == "GET" || method == "HEAD" ? .read : .write
    }

    /// Scopes a person asked for (`create-api-key`'s `scopes`): each known, duplicates dropped,
    /// in canonical order; an unknown one is `validation_failed` naming it.
    package static func parse(requested names: [String], field: String = "scopes") throws -> [AuthScope] {
        var scopes: Set<AuthScope> = []
        for name in names {
            guard let scope = AuthScope(rawValue: name.trimmingWhitespace().lowercased()) else {
                throw BundleError.validation(field: field, "unknown scope \"\(name.prefix(40))\"; the scopes are read, write and admin")
            }
            scopes.insert(scope)
        }
        guard !scopes.isEmpty else { throw BundleError.validation(field: field, "give at least one of read, write, admin") }
        return scopes.sorted()
    }

    /// The scopes in a stored `api_keys.scopes` value; words it does not know are ignored.
    package static func parse(stored text: String) -> [AuthScope] {
        Set(text.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { AuthScope(rawValue: String($0)) }).sorted()
    }

    /// How `api_keys.scopes` stores them.
    package static func stored(_ scopes: [AuthScope]) -> String {
        Set(scopes).sorted().map(\.rawValue).joined(separator: " ")
    }
}
