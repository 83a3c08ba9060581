import Core
import Gateway
import Testing

/// `CORS_ORIGINS`: preflights answered for allowed origins, the allow-origin header on answers.
@Suite struct CORSTests {
    let routes = RouteTable([
        FunctionManifest(name: "list-jobs", summary: "", routes: [Route("GET", "/jobs")], input: Schema.object([:], required: []), output: [:]),
        FunctionManifest(name: "enqueue", summary: "", routes: [Route("POST", "/jobs")], input: Schema.object([:], required: []), output: [:]),
    ])
    let config = Config(["CORS_ORIGINS": "https://app.example.com, http://localhost:5173/"])

    func exchange(_ method: String, _ path: String, origin: String?) -> CGIExchange {
        var environment = ["GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method, "REQUEST_URI": path, "PATH_INFO": path]
        if let origin { environment["HTTP_ORIGIN"] = origin }
        return CGIExchange(environment: environment)
    }

    func refusal(_ exchange: CGIExchange, config: Config) -> GatewayResponse? {
        if case .refused(let response) = exchange.prepare(routes: routes, config: config, readBody: { _ in [] }) { return response }
        return nil
    }

    @Test func aPreflightFromAnAllowedOriginGetsTheRoutesMethodsWithoutAKey() throws {
        let response = try #require(refusal(exchange("OPTIONS", "/jobs", origin: "https://app.example.com"), config: config))
        #expect(response.status == 204)
        #expect(response.header("Access-Control-Allow-Origin") == "https://app.example.com")
        #expect(response.header("Vary") == "Origin")
        #expect(Set(response.header("Access-Control-Allow-Methods")?.components(separatedBy: ", ") ?? []) == ["GET", "HEAD", "POST", "OPTIONS"])
        #expect(response.header("Access-Control-Allow-Headers") == "Content-Type, Authorization, X-API-Key, X-Request-Id")
        #expect(response.header("Access-Control-Max-Age") == "600")
        let local = try #require(refusal(exchange("OPTIONS", "/jobs", origin: "http://localhost:5173"), config: config))
        #expect(local.header("Access-Control-Allow-Origin") == "http://localhost:5173", "a trailing slash in the setting is ignored")
    }

    @Test func otherOriginsAndNoSettingGetNoCORSHeaders() throws {
        for (origin, settings) in [("https://evil.example", config), ("https://app.example.com", Config([:]))] {
            let response = try #require(refusal(exchange("OPTIONS", "/jobs", origin: origin), config: settings))
            #expect(response.status == 204, "OPTIONS is answered, with Allow")
            #expect(response.header("Allow") != nil)
            #expect(response.header("Access-Control-Allow-Origin") == nil)
            #expect(response.header("Access-Control-Allow-Methods") == nil)
            #expect(exchange("GET", "/jobs", origin: origin).corsHeaders(config: settings).isEmpty)
        }
        let missing = try #require(refusal(exchange("OPTIONS", "/nope", origin: "https://app.example.com"), config: config))
        #expect(missing.status == 404)
    }

    @Test func answersToAnAllowedOriginCarryTheAllowOriginHeader() {
        let headers = exchange("GET", "/jobs", origin: "https://APP.example.com").corsHeaders(config: config)
        #expect(headers.first { $0.name == "Access-Control-Allow-Origin" }?.value == "https://APP.example.com")
        #expect(headers.contains { $0.name == "Vary" && $0.value == "Origin" })
        let any = exchange("GET", "/jobs", origin: "https://anything.test").corsHeaders(config: Config(["CORS_ORIGINS": "*"]))
        #expect(any.first?.value == "https://anything.test")
    }

    @Test func aMalformedSettingIsMisconfigured() throws {
        let response = try #require(refusal(exchange("OPTIONS", "/jobs", origin: "https://app.example.com"),
                                            config: Config(["CORS_ORIGINS": "app.example.com"])))
        #expect(response.status == 500)
        #expect(String(decoding: response.body, as: UTF8.self).contains("CORS_ORIGINS"))
    }
}
