import Core

/// Builds a function's input object from an HTTP request, as DESIGN.md sets out: body fields
/// first, then query parameters, then typed path parameters (later sources win, so a body can
/// never override a path id), then the `_http` envelope. Form, query and multipart values arrive
/// as text; where the function's input schema asks for a number or a boolean and the text is
/// one, it is converted, so `?limit=10` reaches an `Int` field.
package struct RequestInput: Sendable {
    package var request: GatewayRequest
    package var match: RouteTable.Match
    package var requestID: String
    package var principal: String?
    /// Who is calling and what they may do, for `_http.auth`.
    package var caller: Principal?
    /// `PUBLIC_BASE_URL`: the public address when a proxy sits in front.
    package var publicBaseURL: String?

    package init(request: GatewayRequest, match: RouteTable.Match, requestID: String, principal: String?, publicBaseURL: String?) {
        self.request = request
        self.match = match
        self.requestID = requestID
        self.principal = principal
        self.publicBaseURL = publicBaseURL
    }

    package init(request: GatewayRequest, match: RouteTable.Match, requestID: String, caller: Principal?, publicBaseURL: String?) {
        self.init(request: request, match: match, requestID: requestID, principal: caller?.name, publicBaseURL: publicBaseURL)
        self.caller = caller
    }

    /// Headers a function never needs and that must not reach its input or logs.
    static let withheldHeaders: Set<String> = ["authorization", "x-api-key", "cookie", "proxy-authorization"]

    package func build() throws -> JSONValue {
        let properties = match.manifest.inputSchema["properties"]?.objectValue ?? [:]
        var fields = try BodyDecoder.fields(of: request, properties: properties)
        for (name, value) in try FormEncoding.fields(request.query) {
            fields[name] = SchemaCoercion.coerce(value, to: properties[name])
        }
        for (name, value) in match.parameters { fields[name] = value }
        fields["_http"] = envelope
        return .object(fields)
    }

    package var envelope: JSONValue {
        var headers: [String: JSONValue] = [:]
        for (name, value) in request.headers where !Self.withheldHeaders.contains(name) { headers[name] = .string(value) }
        var fields: [String: JSONValue] = [
            "method": .string(request.method),
            "path": .string(request.path),
            "url": .string(url),
            "query": .string(request.query),
            "headers": .object(headers),
            "request_id": .string(requestID),
            "route": .string(match.route.description),
        ]
        fields["remote_addr"] = request.remoteAddress.map(JSONValue.string) ?? .null
        fields["principal"] = principal.map(JSONValue.string) ?? .null
        fields["auth"] = caller?.envelope ?? .null
        fields["cookies"] = cookies
        // Webhooks verify signatures over the exact bytes that were sent.
        if match.manifest.isPublic, !request.body.isEmpty {
            fields["raw_body"] = .string(String(decoding: request.body, as: UTF8.self))
        }
        return .object(fields)
    }

    /// The request's cookies but the session's (whose token only the gateway reads), for a
    /// function's own short-lived cookies (the sign-in's login state).
    var cookies: JSONValue {
        var cookies: [String: JSONValue] = [:]
        for (name, value) in AuthCookies.parse(request.header("cookie")) where name != Sessions.cookieName && cookies[name] == nil {
            cookies[name] = .string(value)
        }
        return .object(cookies)
    }

    /// The public URL of this request: `PUBLIC_BASE_URL` plus the request URI when set (Twilio signs
    /// the URL it called), else what the Host header says.
    package var url: String {
        if let base = publicBaseURL?.trimmingWhitespace(), !base.isEmpty {
            return (base.hasSuffix("/") ? String(base.dropLast()) : base) + request.requestURI
        }
        let host = request.header("host") ?? "localhost"
        return "\(request.scheme)://\(host)\(request.requestURI)"
    }
}

/// Turns the text of a query, form or multipart field into the JSON type the input schema asks for.
package enum SchemaCoercion {
    package static func coerce(_ value: JSONValue, to schema: JSONValue?) -> JSONValue {
        guard let schema else { return value }
        if case .array(let items) = value {
            return .array(items.map { coerce($0, to: schema["items"] ?? schema) })
        }
        guard case .string(let text) = value else { return value }
        let types: [String] = switch schema["type"] {
        case .string(let type): [type]
        case .array(let list): list.compactMap(\.stringValue)
        default: []
        }
        if types.contains("string") { return value }
        let trimmed = text.trimmingWhitespace()
        // Only what JSON would accept as a number: `Double` alone also reads `0x10`, `inf`, `nan`.
        if let number = jsonNumber(trimmed) {
            // `5687.0` is an integer to the schema and the JSON decoder alike, so it is one here too.
            if types.contains("integer"), number.rounded() == number { return .number(number) }
            if types.contains("number") { return .number(number) }
        }
        if types.contains("boolean") {
            switch trimmed.lowercased() {
            case "true", "1", "yes", "on": return .bool(true)
            case "false", "0", "no", "off": return .bool(false)
            default: break
            }
        }
        if types.contains("null"), trimmed.isEmpty { return .null }
        return value
    }

    /// The number when the text is one JSON number, read by the bundle's JSON parser (RFC 8259's
    /// grammar, the one place it lives), and finite.
    package static func jsonNumber(_ text: String) -> Double? {
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || (first >= 48 && first <= 57),
              case .number(let number)? = try? JSONParser.parse(text), number.isFinite else { return nil }
        return number
    }
}

/// Decodes a request body by its content type into input fields.
enum BodyDecoder {
    static func fields(of request: GatewayRequest, properties: [String: JSONValue]) throws -> [String: JSONValue] {
        let body = request.body
        if body.isEmpty { return [:] }
        let type = request.mediaType ?? (looksLikeJSON(body) ? "application/json" : "")
        switch type {
        case "application/json", _ where type.hasSuffix("+json"):
            let value: JSONValue
            do {
                value = try JSONValue(parsing: body)
            } catch {
                throw BundleError(.invalidRequest, "the body is not valid JSON (\(error)); send one JSON object")
            }
            guard case .object(var fields) = value else {
                throw BundleError(.invalidRequest, "the JSON body must be an object, got a JSON \(value.typeName)")
            }
            fields["_http"] = nil  // the envelope is the gateway's to write
            return fields
        case "application/x-www-form-urlencoded":
            guard let text = String(validating: body, as: UTF8.self) else {
                throw BundleError(.invalidRequest, "the form body is not UTF-8")
            }
            return try FormEncoding.fields(text).reduce(into: [:]) { result, field in
                result[field.key] = SchemaCoercion.coerce(field.value, to: properties[field.key])
            }
        case "multipart/form-data":
            return try Multipart.fields(body: body, contentType: request.header("content-type") ?? "", properties: properties)
        case _ where type.hasPrefix("text/"):
            guard let text = String(validating: body, as: UTF8.self) else {
                throw BundleError(.invalidRequest, "the \(type) body is not UTF-8; send UTF-8 text")
            }
            return ["body_text": .string(text)]
        default:
            let shown = type.isEmpty ? "no Content-Type" : "Content-Type \(type)"
            throw BundleError(.invalidRequest, "the body has \(shown); send application/json, application/x-www-form-urlencoded, "
                + "multipart/form-data, text/csv or text/plain")
        }
    }

    private static func looksLikeJSON(_ body: [UInt8]) -> Bool {
        body.first { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 } == UInt8(ascii: "{")
    }
}
