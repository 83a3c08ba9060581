import Core

/// Finds the function for a method and path among manifest routes, aliases included, with typed
/// path parameters (`{id:int}` must be a canonical decimal, `{name}` any one segment). A path that
/// no route knows is `not_found`; a known path with another method is a 405 that lists the allowed
/// methods.
package struct RouteTable: Sendable {
    package struct Match: Sendable {
        package var manifest: FunctionManifest
        package var route: Route
        /// Typed path parameters: numbers for `{x:int}`, strings otherwise.
        package var parameters: [String: JSONValue]
    }

    /// A failed lookup.
    package enum Miss: Error, Sendable {
        case notFound
        case methodNotAllowed(allowed: [String])
    }

    // One entry per route, in parallel arrays (a lookup copies no manifest while it searches),
    // most specific first: literal segments win over parameters (`/jobs/stats` before `/jobs/{id}`).
    private let routes: [Route]
    private let patterns: [RoutePattern]
    private let manifests: [FunctionManifest]
    /// The entries to try for a path of so many segments, in that order.
    private let bySegmentCount: [Int: [Int]]

    package init(_ manifests: [FunctionManifest]) {
        var entries: [(route: Route, pattern: RoutePattern, manifest: FunctionManifest)] = []
        for manifest in manifests {
            for route in manifest.routes { entries.append((route, RoutePattern(route.path), manifest)) }
        }
        entries.sort { $0.pattern.specificity > $1.pattern.specificity }
        routes = entries.map(\.route)
        patterns = entries.map(\.pattern)
        self.manifests = entries.map(\.manifest)
        var buckets: [Int: [Int]] = [:]
        for (index, entry) in entries.enumerated() { buckets[entry.pattern.segments.count, default: []].append(index) }
        bySegmentCount = buckets
    }

    package func match(method: String, path: String) -> Result<Match, Miss> {
        let segments = RoutePattern.segments(of: path)
        var allowed: [String] = []
        for index in bySegmentCount[segments.count] ?? [] {
            guard let parameters = patterns[index].match(segments) else { continue }
            let routeMethod = routes[index].method
            // HEAD is answered as GET would be (nginx drops the body).
            if routeMethod == method || (method == "HEAD" && routeMethod == "GET") {
                return .success(Match(manifest: manifests[index], route: routes[index], parameters: parameters))
            }
            if !allowed.contains(routeMethod) { allowed.append(routeMethod) }
        }
        if allowed.isEmpty { return .failure(.notFound) }
        if allowed.contains("GET") && !allowed.contains("HEAD") { allowed.append("HEAD") }
        return .failure(.methodNotAllowed(allowed: allowed))
    }
}

/// A route path split into literal and parameter segments.
package struct RoutePattern: Sendable {
    package enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(name: String, isInteger: Bool)
    }

    package let segments: [Segment]

    package init(_ path: String) {
        segments = Self.segments(of: path).map { segment in
            guard segment.hasPrefix("{"), segment.hasSuffix("}") else { return .literal(segment) }
            let inner = segment.dropFirst().dropLast()
            let parts = inner.split(separator: ":", maxSplits: 1)
            return .parameter(name: String(parts.first ?? ""), isInteger: parts.count == 2 && parts[1] == "int")
        }
    }

    /// The parameters in order, for OpenAPI and the nginx map.
    package var parameters: [(name: String, isInteger: Bool)] {
        segments.compactMap { if case .parameter(let name, let isInteger) = $0 { (name, isInteger) } else { nil } }
    }

    /// `/jobs/{id}`: the path as OpenAPI writes it.
    package var openAPIPath: String {
        "/" + segments.map { segment in
            switch segment {
            case .literal(let text): text
            case .parameter(let name, _): "{\(name)}"
            }
        }.joined(separator: "/")
    }

    /// A PCRE for the decoded path, for nginx: `^/jobs/[0-9]+$` (the binary applies the exact rule).
    package var regularExpression: String {
        "^/" + segments.map { segment in
            switch segment {
            case .literal(let text): text.map { "\\^$.|?*+()[]{}/".contains($0) ? "\\\($0)" : String($0) }.joined()
            case .parameter(_, let isInteger): isInteger ? "[0-9]+" : "[^/]+"
            }
        }.joined(separator: "/") + "$"
    }

    var specificity: Int {
        segments.reduce(0) { total, segment in
            if case .literal = segment { return total * 2 + 1 }
            return total * 2
        } + segments.count * 1_000
    }

    func match(_ pathSegments: [String]) -> [String: JSONValue]? {
        guard pathSegments.count == segments.count else { return nil }
        var parameters: [String: JSONValue] = [:]
        for (segment, text) in zip(segments, pathSegments) {
            switch segment {
            case .literal(let literal):
                guard literal == text else { return nil }
            case .parameter(let name, let isInteger):
                if isInteger {
                    guard let value = Self.canonicalInteger(text) else { return nil }
                    parameters[name] = .number(Double(value))
                } else {
                    guard !text.isEmpty else { return nil }
                    parameters[name] = .string(text)
                }
            }
        }
        return parameters
    }

    /// The one rule for `{x:int}` segments: a canonical decimal (digits only, no sign, no leading
    /// zero) that JSON carries exactly (at most 2^53 - 1, far above any id the store hands out).
    /// Anything else is not this route, so `/jobs/01`, `/jobs/+1` and `/jobs/99999999999999999` are all 404.
    package static func canonicalInteger(_ text: String) -> Int? {
        let digits = text.utf8
        guard let first = digits.first, digits.count <= 16, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              first != 0x30 || digits.count == 1, let value = Int(text), value <= 9_007_199_254_740_991 else { return nil }
        return value
    }

    /// Path segments; a trailing slash is ignored (`/health/` is `/health`).
    static func segments(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }
}
