import Core
import FoundationEssentials

/// Twilio's webhook signature (`X-Twilio-Signature`): the full public URL Twilio requested, then
/// every POST parameter sorted by name in code-point order, each name followed by its value (a
/// repeated name contributes each distinct value, sorted); HMAC-SHA-1 under the auth token,
/// standard Base64. Twilio's own validators accept the URL with and without a port, because
/// Twilio's signing side is not consistent about it; so do we. JSON-body webhooks carry
/// `bodySHA256` in the query instead: the raw body is hashed and the URL alone is signed.
package enum TwilioSignature {
    package static func compute(authToken: String, url: String, parameters: [(String, String)]) -> String {
        var data = url
        var byName: [String: Set<String>] = [:]
        for (name, value) in parameters { byName[name, default: []].insert(value) }
        for name in byName.keys.sorted(by: codePointOrder) {
            for value in byName[name]!.sorted(by: codePointOrder) { data += name + value }
        }
        return Data(SHA1.hmac(key: Array(authToken.utf8), message: Array(data.utf8))).base64EncodedString()
    }

    /// Checks a signature in constant time against each spelling of the URL Twilio may have signed.
    /// `parameters` are the form fields (ignored when the URL carries `bodySHA256`), `rawBody` the
    /// exact body bytes.
    package static func isValid(signature: String?, authToken: String, url: String, parameters: [(String, String)],
                                rawBody: String) -> Bool {
        guard let signature, !signature.isEmpty, !authToken.isEmpty else { return false }
        var signed = parameters
        if let bodyHash = queryValue("bodySHA256", in: url) {
            guard SHA256.constantTimeEquals(Array(SHA256.hex(SHA256.hash(rawBody)).utf8), Array(bodyHash.lowercased().utf8)) else { return false }
            signed = []
        }
        let given = Array(signature.utf8)
        var valid = false
        for candidate in urlVariants(url) {
            // Every variant is computed, so the time taken does not tell which one matched.
            if SHA256.constantTimeEquals(Array(compute(authToken: authToken, url: candidate, parameters: signed).utf8), given) { valid = true }
        }
        return valid
    }

    /// The URL as given, without its port, and with the scheme's default port when it has none.
    package static func urlVariants(_ url: String) -> [String] {
        guard let schemeEnd = url.firstRange(of: "://") else { return [url] }
        let prefix = String(url[..<schemeEnd.upperBound])
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let tail = String(rest[authorityEnd...])
        let hostStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let userInfo = String(authority[..<hostStart])
        let hostPort = authority[hostStart...]
        // An IPv6 literal has colons of its own: the port comes after the closing bracket.
        let portColon: Substring.Index?
        if hostPort.hasPrefix("[") {
            portColon = hostPort.firstIndex(of: "]").flatMap { bracket in hostPort[bracket...].firstIndex(of: ":") }
        } else {
            portColon = hostPort.lastIndex(of: ":")
        }
        var variants = [url]
        if let portColon {
            variants.append(prefix + userInfo + String(hostPort[..<portColon]) + tail)
        } else if let port = ["https": "443", "http": "80"][scheme] {
            variants.append(prefix + userInfo + String(hostPort) + ":" + port + tail)
        }
        return variants
    }

    static func queryValue(_ name: String, in url: String) -> String? {
        guard let question = url.firstIndex(of: "?") else { return nil }
        let query = url[url.index(after: question)...].prefix { $0 != "#" }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == name { return parts.count > 1 ? String(parts[1]) : "" }
        }
        return nil
    }

    static func codePointOrder(_ left: String, _ right: String) -> Bool {
        left.unicodeScalars.lexicographicallyPrecedes(right.unicodeScalars)
    }
}
