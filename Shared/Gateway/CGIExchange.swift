import Core
import Store
#if canImport(Glibc)
import Glibc
#endif

/// The request half of a CGI exchange, shared by `bundle` serving every route and by a function's
/// link that nginx runs directly (its own routes): route lookup, body size, API key, and the
/// input object. Each failure is already the HTTP response to send.
package struct CGIExchange: Sendable {
    package let request: GatewayRequest
    package let requestID: String

    /// The default of `MAX_BODY_BYTES`, matched by `client_max_body_size` in the nginx sites.
    package static let defaultMaxBodyBytes = 10 << 20

    /// Reads the request line and headers from the environment.
    package init(environment: [String: String]) {
        request = CGIRequest.head(environment)
        requestID = request.requestID ?? RequestID.generate()
    }

    /// A request ready to run, or the response that refuses it.
    package enum Preparation: Sendable {
        case ready(Prepared)
        case refused(GatewayResponse)
    }

    package struct Prepared: Sendable {
        package var match: RouteTable.Match
        package var input: JSONValue
        package var principal: String?
        /// Who is calling and what they may do (`_http.auth`); nil when anonymous.
        package var caller: Principal?
        /// The database, when checking the API key or session opened it (the function reuses the connection).
        package var database: (any Database)?
    }

    /// Routes, reads the body (from stdin unless told otherwise), authenticates and builds the
    /// input; or the error response. `openDatabase` opens (and migrates) the process's database
    /// when an API key must be checked: the adapter's, which knows the bundle's schema.
    package func prepare(routes: RouteTable, config: Config,
                         readBody: (Int) throws -> [UInt8] = { try CGIExchange.readBody(length: $0) },
                         openDatabase: () throws -> any Database = { throw BundleError(.internal, "the gateway was given no database") }) -> Preparation {
        var database: (any Database)?
        if request.method == "OPTIONS" { return preflight(routes: routes, config: config, readBody: readBody) }
        let match: RouteTable.Match
        switch routes.match(method: request.method, path: request.path) {
        case .success(let found): match = found
        case .failure(.notFound):
            drainBody(config: config, readBody: readBody)
            return .refused(.error(BundleError(.notFound, "no route for \(request.method) \(request.path); GET /openapi.json lists the routes"),
                                   requestID: requestID))
        case .failure(.methodNotAllowed(let allowed)):
            drainBody(config: config, readBody: readBody)
            return .refused(.error(BundleError(.methodNotAllowed, "\(request.path) does not accept \(request.method); it accepts \(allowed.joined(separator: ", "))"),
                                   requestID: requestID, extraHeaders: [("Allow", allowed.joined(separator: ", "))]))
        }
        var bodyRead = false
        // A body over MAX_BODY_BYTES (set below nginx's limit) is refused unread: drop it too.
        defer { if !bodyRead { drainBody(config: config, readBody: readBody, routeLimit: match.manifest.maxBodyBytes ?? 0) } }
        do {
            let limit = max(try bodyLimit(config), match.manifest.maxBodyBytes ?? 0)
            let length = try CGIRequest.contentLength(request, limit: limit)
            var request = self.request
            request.body = try readBody(length)
            bodyRead = true
            let caller = try Authenticator.principal(for: request, manifest: match.manifest, now: try BundleClock.from(config).now(),
                                                     origins: try OriginPolicy(config: config)) {
                if let database { return database }
                let opened = try openDatabase()
                database = opened
                return opened
            }
            let input = try RequestInput(request: request, match: match, requestID: requestID, caller: caller,
                                         publicBaseURL: config["PUBLIC_BASE_URL"]).build()
            return .ready(Prepared(match: match, input: input, principal: caller?.name, caller: caller, database: database))
        } catch let error as BundleError {
            return .refused(.error(error, requestID: requestID, extraHeaders: error.code == .unauthorized ? Authenticator.challenge : []))
        } catch let error as any BundleErrorConvertible {
            return .refused(.error(error.bundleError, requestID: requestID))
        } catch {
            return .refused(.error(BundleError(.internal, "the request could not be read"), requestID: requestID))
        }
    }

    /// `OPTIONS`: the methods of the path's routes, with the CORS preflight headers for an allowed
    /// origin; no API key is asked for.
    private func preflight(routes: RouteTable, config: Config, readBody: (Int) throws -> [UInt8]) -> Preparation {
        drainBody(config: config, readBody: readBody)
        let policy: CORSPolicy
        do {
            policy = try CORSPolicy(config: config)
        } catch {
            return .refused(.error(error as? BundleError ?? BundleError(.misconfigured, "CORS_ORIGINS cannot be read"), requestID: requestID))
        }
        switch routes.match(method: request.method, path: request.path) {
        case .failure(.methodNotAllowed(let allowed)):
            return .refused(policy.preflight(request, methods: allowed, requestID: requestID))
        case .failure(.notFound), .success:
            return .refused(.error(BundleError(.notFound, "no route for \(request.path); GET /openapi.json lists the routes"), requestID: requestID))
        }
    }

    /// The CORS headers every answer to this request carries (none unless its origin is allowed).
    package func corsHeaders(config: Config) -> [(name: String, value: String)] {
        (try? CORSPolicy(config: config))?.headers(for: request) ?? []
    }

    private func bodyLimit(_ config: Config) throws -> Int {
        try config.int("MAX_BODY_BYTES", default: Self.defaultMaxBodyBytes, in: 0...(1 << 31))
    }

    /// Reads and drops the body of a request refused before it was read: fcgiwrap treats a CGI
    /// program that exits with its body unread as a failed exchange and answers 502 in place of
    /// the program's answer (seen above about 64 KB, the pipe's size).
    /// Reads in chunks and keeps nothing; at most what nginx lets through (`client_max_body_size`
    /// is `defaultMaxBodyBytes`, `MAX_BODY_BYTES` when that is larger, or the route's own limit).
    package func drainBody(config: Config, readBody: (Int) throws -> [UInt8] = { try CGIExchange.readBody(length: $0) }, routeLimit: Int = 0) {
        guard let text = request.header("content-length")?.trimmingWhitespace(), let length = Int(text), length > 0 else { return }
        var remaining = min(length, max((try? bodyLimit(config)) ?? 0, Self.defaultMaxBodyBytes, routeLimit))
        while remaining > 0 {
            let chunk = min(remaining, 1 << 16)
            guard (try? readBody(chunk)) != nil else { return }
            remaining -= chunk
        }
    }

    /// Reads exactly `length` bytes of body from stdin (fewer if the client went away).
    package static func readBody(length: Int, from descriptor: Int32 = 0) throws -> [UInt8] {
        guard length > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: length)
        var filled = 0
        while filled < length {
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress! + filled, length - filled)
            }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            filled += count
        }
        guard filled == length else {
            throw BundleError(.invalidRequest, "the request body ended after \(filled) of \(length) bytes")
        }
        return bytes
    }

    /// Variables that describe a CGI request. A job's child process gets none of them, so it
    /// reads JSON on stdin rather than taking itself for a CGI program.
    package static func isCGIVariable(_ name: String) -> Bool {
        name.hasPrefix("HTTP_") || cgiVariables.contains(name)
    }

    static let cgiVariables: Set<String> = [
        "GATEWAY_INTERFACE", "REQUEST_METHOD", "REQUEST_URI", "QUERY_STRING", "PATH_INFO", "PATH_TRANSLATED",
        "SCRIPT_NAME", "SCRIPT_FILENAME", "CONTENT_TYPE", "CONTENT_LENGTH", "REMOTE_ADDR", "REMOTE_PORT", "REMOTE_HOST",
        "REMOTE_USER", "AUTH_TYPE", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE", "SERVER_ADDR",
        "DOCUMENT_ROOT", "DOCUMENT_URI", "REQUEST_SCHEME", "HTTPS", "REDIRECT_STATUS", "FCGI_ROLE", "REMOTE_IDENT",
    ]
}
