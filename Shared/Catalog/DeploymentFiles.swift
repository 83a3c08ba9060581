import Core
import Runtime
import Gateway

/// The deployment files generated from the manifests and checked in under `infra/`: nginx sites
/// (the dispatch site, the direct site and the FastCGI site of warm mode), a crontab, systemd units,
/// an OpenFaaS stack and an AWS Lambda bootstrap. `bundle-infra` writes them; a test fails when a
/// checked-in copy differs.
///
/// The files work as they are for an install in `/opt/function-bundle` (holding `bin/`, `var/`, `web/` (the console) and
/// `.env`), nginx on `127.0.0.1:8080`, fcgiwrap on `/run/function-bundle/fcgiwrap.sock` and the warm
/// workers' master on `/run/function-bundle/fastcgi.sock`; another install replaces those strings
/// (`infra/dev serve` does, for local use).
package enum DeploymentFiles {
    package static let installDirectory = "/opt/function-bundle"
    package static let listen = "127.0.0.1:8080"
    package static let fcgiwrapSocket = "/run/function-bundle/fcgiwrap.sock"
    package static let fastCGISocket = "/run/function-bundle/fastcgi.sock"
    /// The one executable in `bin/` (the product of Package.swift; every other name there links to it).
    package static let executable = FunctionCatalog.executableName

    package static func render(_ manifests: [FunctionManifest] = Catalog.manifests) -> [(path: String, content: String)] {
        templates(manifests).map { file in
            (file.path, file.content.replacing("@BUNDLE_DIR@", with: installDirectory).replacing("@LISTEN@", with: listen)
                .replacing("@FCGIWRAP_SOCKET@", with: fcgiwrapSocket).replacing("@FASTCGI_SOCKET@", with: fastCGISocket))
        }
    }

    static func templates(_ manifests: [FunctionManifest]) -> [(path: String, content: String)] {
        [
            ("infra/nginx/bundle-dispatch.conf", nginx(manifests, site: .dispatch)),
            ("infra/nginx/bundle-direct.conf", nginx(manifests, site: .direct)),
            ("infra/nginx/bundle-fastcgi.conf", nginx(manifests, site: .fastCGI)),
            ("infra/cron/crontab", crontab(manifests)),
            ("infra/systemd/bundle-fcgiwrap.socket", fcgiwrapSocketUnit),
            ("infra/systemd/bundle-fcgiwrap.service", fcgiwrapService),
            ("infra/systemd/bundle-fastcgi.socket", fastCGISocketUnit),
            ("infra/systemd/bundle-fastcgi.service", fastCGIService(manifests)),
            ("infra/openfaas/stack.yml", openFaaS(manifests)),
            ("infra/openfaas/Containerfile", containerfile),
            ("infra/lambda/bootstrap", LambdaBootstrap.script),
        ] + systemdTimers(manifests)
    }

    static let header = "# Generated from the function manifests by `bundle-infra`; do not edit by hand.\n"

    /// The nginx sites, from one generator so that their error pages, body limits and streaming
    /// locations cannot drift apart; they differ in who runs the request.
    enum Site {
        /// fcgiwrap runs `bin/bundle` per request (the recommended CGI site).
        case dispatch
        /// fcgiwrap runs `bin/<function>` per request, named by an nginx map.
        case direct
        /// Warm mode: the `serve-fastcgi` master's workers, over kept connections.
        case fastCGI
    }

    /// The longest timeout of a function with a route (only those run behind nginx), in whole
    /// seconds: nginx waits this long plus `requestGraceSeconds` for an answer, and systemd as long
    /// for the warm workers to drain.
    static func longestTimeoutSeconds(_ manifests: [FunctionManifest]) -> Int {
        let routed = manifests.filter { !$0.routes.isEmpty }.map(\.timeoutSeconds)
        return Int((routed.max() ?? FunctionManifest.defaultTimeoutSeconds).rounded(.up))
    }

    /// Beyond the longest timeout: the function's own watchdog answers first (a JSON 504), and a
    /// streaming function's last event gets out.
    static let requestGraceSeconds = 60

    /// Idle connections each nginx worker keeps to the warm master (the upstream's `keepalive`).
    static let fastCGIKeepalive = 32

    static func nginx(_ manifests: [FunctionManifest], site: Site) -> String {
        let maxBody = CGIExchange.defaultMaxBodyBytes / (1 << 20)
        let readTimeout = "        fastcgi_read_timeout \(longestTimeoutSeconds(manifests) + requestGraceSeconds)s;"
        let fastCGI = site == .fastCGI
            ? [
                "        include fastcgi_params;",
                "        fastcgi_param PATH_INFO $uri;",
                "        fastcgi_param HTTP_X_REQUEST_ID $bundle_request_id;",
                readTimeout,
                "        fastcgi_keep_conn on;",
                "        fastcgi_pass bundle_fastcgi;",
            ]
            : [
                "        include fastcgi_params;",
                "        fastcgi_param SCRIPT_FILENAME @BUNDLE_DIR@/bin/\(site == .direct ? "$bundle_function" : executable);",
                "        fastcgi_param PATH_INFO $uri;",
                "        fastcgi_param HTTP_X_REQUEST_ID $bundle_request_id;",
                "        fastcgi_param DATABASE_URL @BUNDLE_DIR@/var/bundle.sqlite;",
                "        # fcgiwrap runs a program in its own directory (bin/): stored files go under var/ by path.",
                "        fastcgi_param FILE_STORAGE_DIR @BUNDLE_DIR@/var/files;",
                "        # Provider keys (LLM_API_KEY, ...) live in this file, readable by www-data only, rather than",
                "        # here; a fastcgi_param line per variable works too.",
                "        fastcgi_param BUNDLE_ENV_FILE @BUNDLE_DIR@/.env;",
                readTimeout,
                "        fastcgi_pass unix:@FCGIWRAP_SOCKET@;",
            ]
        var lines: [String] = [String(header.dropLast())]
        switch site {
        case .dispatch:
            lines += [
                """
                # Dispatcher mode (the recommended site): every request runs bin/bundle through fcgiwrap; its route
                # table picks the function, which runs in that same process.
                """,
            ] + fcgiwrapSiteNotes
        case .direct:
            lines += [
                """
                # Direct mode: an nginx map names each route's function and fcgiwrap runs bin/<function> (a link
                # to bin/bundle), which serves that function's routes only; anything else (an unknown path, another
                # method, OPTIONS) goes to bin/bundle, which answers 404, 405 and preflights as JSON. It costs what
                # the dispatch site costs (one process per request); use it when nginx should know the function:
                # $bundle_function in a log_format, a limit_req zone or an allow/deny per function.
                """,
            ] + fcgiwrapSiteNotes
        case .fastCGI:
            lines += fastCGISiteNotes
        }
        lines += [
            "# The caller's X-Request-Id when it is a safe token, else nginx's own: passed to the functions",
            "# and set on the error pages nginx answers itself, so every response carries one.",
            "map $http_x_request_id $bundle_request_id {",
            "    \"~^\(RequestID.safePattern)$\" $http_x_request_id;",
            "    default $request_id;",
            "}",
            "",
        ]
        if site == .direct {
            lines.append("map \"$request_method:$uri\" $bundle_function {")
            lines.append("    default \(executable);")
            for manifest in manifests {
                for route in manifest.routes {
                    let pattern = RoutePattern(route.path)
                    let methods = route.method == "GET" ? "(GET|HEAD)" : route.method
                    if pattern.parameters.isEmpty && !route.path.contains("\"") {
                        let tail = route.path == "/" ? "/" : route.path
                        lines.append("    \"~^\(methods):\(NginxText.regexEscaped(tail))/?$\" \(manifest.name);")
                    } else {
                        lines.append("    \"~^\(methods):\(pattern.regularExpression.dropFirst().dropLast())/?$\" \(manifest.name);")
                    }
                }
            }
            lines.append("}")
            lines.append("")
        }
        if site == .fastCGI { lines += fastCGIUpstream }
        lines += [
            "server {",
            "    listen @LISTEN@;",
            "    # MAX_BODY_BYTES is \(CGIExchange.defaultMaxBodyBytes) (\(maxBody) MiB); nginx refuses larger bodies first.",
            "    client_max_body_size \(maxBody)m;",
            "    client_body_buffer_size 1m;",
            "    # Errors nginx answers itself are JSON too, in the contract's shape (a malformed request",
            "    # line or path, a method nginx refuses such as TRACE, headers or a URI over its buffers).",
            "    # The pages are URIs, not named locations: nginx cannot redirect a request whose URI it",
            "    # could not parse to a named location (it answered those in HTML, as a 500).",
        ] + errorPages.map { page in "    error_page \(page.statuses.map(String.init).joined(separator: " ")) = \(errorPagePrefix)\(page.name);" } + [
            "",
            "    location / {",
        ] + fastCGI + ["    }", ""] + console(fastCGI)
        // Routes whose function takes a larger body (uploads: the file's cap plus multipart framing),
        // and routes of streaming functions: their events pass through as written only with both
        // NO_BUFFERING (fcgiwrap) and fastcgi_buffering off (nginx), and gzip would hold them back.
        for manifest in manifests where manifest.maxBodyBytes != nil || manifest.streams {
            let limit = manifest.maxBodyBytes.map { ["        client_max_body_size \($0);"] } ?? []
            let streaming = manifest.streams
                ? ["        fastcgi_param NO_BUFFERING 1;", "        fastcgi_buffering off;", "        gzip off;"] : []
            for route in manifest.routes {
                let pattern = RoutePattern(route.path)
                let path = pattern.parameters.isEmpty ? NginxText.regexEscaped(route.path) : String(pattern.regularExpression.dropFirst().dropLast())
                lines += ["    location ~ \"^\(path)/?$\" {"] + limit + fastCGI + streaming + ["    }", ""]
            }
        }
        for page in errorPages {
            lines += ["    location = \(errorPagePrefix)\(page.name) {", "        internal;", "        default_type application/json;",
                      "        add_header X-Request-Id $bundle_request_id always;"]
            if page.code == .methodNotAllowed { lines.append("        add_header Allow \"\(allMethods(manifests))\" always;") }
            lines += [
                "        return \(page.status) '{\"error\":{\"code\":\"\(page.code.rawValue)\",\"message\":\"\(page.message)\"}}\\n';",
                "    }",
            ]
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The console (`web/`, static files nginx serves itself): `/` is its page for a browser (a
    /// request that accepts text/html); any other request for `/` goes to the API as every path does.
    /// Its modules, stylesheet and icon are under `/console/`, revalidated by ETag on every load
    /// (no-cache), so a deploy shows at once; the Content-Security-Policy allows only the site's own
    /// files (no inline script or style) and calls to its own API.
    static func console(_ api: [String]) -> [String] {
        let headers = [
            "        root @BUNDLE_DIR@/web;",
            "        types { text/html html; text/css css; text/javascript js; image/svg+xml svg; image/png png; }",
            "        default_type application/octet-stream;",
            "        charset utf-8;",
            "        charset_types text/css text/javascript image/svg+xml;",
            "        etag on;",
            "        add_header Cache-Control \"no-cache\" always;",
            "        add_header Content-Security-Policy \"\(consolePolicy)\" always;",
            "        add_header X-Content-Type-Options \"nosniff\" always;",
            "        add_header Referrer-Policy \"same-origin\" always;",
            "        add_header X-Frame-Options \"DENY\" always;",
            "        add_header X-Request-Id $bundle_request_id always;",
        ]
        return [
            "    # The console (web/): nginx serves its files itself. A browser asking for / gets its page;",
            "    # the API still answers / for every other client. ETag revalidation on each load (no-cache).",
            "    location = / {",
            "        if ($http_accept ~* \"text/html\") {",
            "            rewrite ^ /index.html last;",
            "        }",
        ] + api + ["    }", "", "    location = /index.html {"] + headers + ["    }", "", "    location ^~ /console/ {"] + headers + ["    }", ""]
    }

    /// Only the site's own files and API: no inline script or style, no framing, no other origin.
    static let consolePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "font-src 'self'; manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// The header lines the two fcgiwrap sites share.
    static let fcgiwrapSiteNotes = [
        "# Include inside nginx's http block (for example as /etc/nginx/conf.d/bundle.conf).",
        "# PostgreSQL (README: PostgreSQL and PgBouncer): delete the `fastcgi_param DATABASE_URL` lines, so",
        "# fcgiwrap's own DATABASE_URL (@BUNDLE_DIR@/database.env, see its systemd unit) reaches the functions.", "",
    ]

    /// The errors nginx can answer before a function runs, each as the contract's JSON error.
    /// 494 is nginx's own code for headers over its buffers (sent as 400).
    static let errorPages: [(name: String, statuses: [Int], status: Int, code: ErrorCode, message: String)] = [
        ("bad_request", [400, 494], 400, .invalidRequest,
         "the request could not be read: a malformed request line or path (such as an encoded NUL or ../), or headers over 8 KB"),
        ("forbidden", [403], 403, .forbidden, "the request was refused"),
        ("not_found", [404], 404, .notFound, "no such path; GET /openapi.json lists the routes"),
        ("method_not_allowed", [405], 405, .methodNotAllowed, "this method is not served; Allow lists the methods the bundle serves"),
        ("request_timeout", [408], 408, .invalidRequest, "the request did not arrive in time"),
        ("payload_too_large", [413], 413, .payloadTooLarge, "the request body is larger than \(CGIExchange.defaultMaxBodyBytes >> 20) MiB"),
        ("uri_too_long", [414], 414, .invalidRequest, "the request URI is longer than 8 KB"),
        ("internal", [500], 500, .internal, "the web server failed to handle the request"),
        ("unavailable", [502, 503], 503, .unavailable, "the function runner is not reachable; retry shortly"),
        ("timeout", [504], 504, .timeout, "the function did not answer in time"),
    ]

    static let errorPagePrefix = "/_bundle_error/"

    /// Every method some route accepts, plus HEAD and OPTIONS (the `Allow` of nginx's own 405).
    static func allMethods(_ manifests: [FunctionManifest]) -> String {
        let methods = Set(manifests.flatMap { $0.routes.map(\.method) } + ["HEAD", "OPTIONS"])
        let order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
        return (order.filter(methods.contains) + methods.subtracting(order).sorted()).joined(separator: ", ")
    }

    static func crontab(_ manifests: [FunctionManifest]) -> String {
        var lines = [String(header.dropLast()),
                     "# Install with `crontab -u www-data infra/cron/crontab` (the install is @BUNDLE_DIR@). Schedules are UTC:",
                     "# run cron in UTC (or shift the hours). flock -n skips a run while the previous one still runs.",
                     "SHELL=/bin/sh", "CRON_TZ=UTC", ""]
        for manifest in manifests {
            guard let schedule = manifest.schedule else { continue }
            lines.append("# \(manifest.name): \(manifest.summary)")
            lines.append("\(schedule) cd @BUNDLE_DIR@ && mkdir -p var/log var/lock && flock -n var/lock/\(manifest.name).lock bin/\(manifest.name) </dev/null >>var/log/\(manifest.name).log 2>&1")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let fcgiwrapSocketUnit = socketUnit(description: "fcgiwrap socket for the function bundle", socket: "@FCGIWRAP_SOCKET@")

    /// A systemd socket unit for nginx's FastCGI socket, owned by www-data.
    static func socketUnit(description: String, socket: String) -> String {
        """
        \(header)[Unit]
        Description=\(description)

        [Socket]
        ListenStream=\(socket)
        SocketUser=www-data
        SocketGroup=www-data
        SocketMode=0660

        [Install]
        WantedBy=sockets.target

        """
    }

    /// [Unit] lines of every service that reaches the database: this host's PgBouncer first, when
    /// it has one (PostgreSQL); where there is no such unit, systemd ignores both lines.
    static let pgBouncerOrdering = """
        # PostgreSQL: this host's PgBouncer (infra/postgres/pgbouncer.ini.example); no effect without one.
        Wants=pgbouncer.service
        """

    /// [Service] lines naming the database: SQLite by default; `database.env`, when present,
    /// replaces DATABASE_URL (systemd lets EnvironmentFile= win over Environment=).
    static let databaseEnvironment = """
        Environment=DATABASE_URL=@BUNDLE_DIR@/var/bundle.sqlite BUNDLE_ENV_FILE=@BUNDLE_DIR@/.env
        # PostgreSQL: this file (mode 600, read by systemd) replaces DATABASE_URL above; through this host's
        # PgBouncer, for example (libpq reads PGPASSWORD):
        #   DATABASE_URL=postgresql://bundle@/bundle?host=/run/postgresql&port=6432
        #   PGPASSWORD=…
        EnvironmentFile=-@BUNDLE_DIR@/database.env
        """

    static let fcgiwrapService = """
        \(header)[Unit]
        Description=fcgiwrap for the function bundle
        Requires=bundle-fcgiwrap.socket
        \(pgBouncerOrdering)
        After=bundle-fcgiwrap.socket pgbouncer.service

        [Service]
        # Several children, so slow functions do not hold up others.
        ExecStart=/usr/sbin/fcgiwrap -c 8
        User=www-data
        Group=www-data
        WorkingDirectory=@BUNDLE_DIR@
        \(databaseEnvironment)

        [Install]
        WantedBy=multi-user.target

        """

    static func systemdTimers(_ manifests: [FunctionManifest]) -> [(path: String, content: String)] {
        manifests.compactMap { manifest -> [(path: String, content: String)]? in
            guard let schedule = manifest.schedule, let calendar = CronSchedule.onCalendar(schedule) else { return nil }
            return [
                ("infra/systemd/bundle-\(manifest.name).service", """
                    \(header)[Unit]
                    Description=\(manifest.name): \(manifest.summary)
                    \(pgBouncerOrdering)
                    After=pgbouncer.service

                    [Service]
                    Type=oneshot
                    User=www-data
                    WorkingDirectory=@BUNDLE_DIR@
                    \(databaseEnvironment)
                    StandardInput=null
                    ExecStart=@BUNDLE_DIR@/bin/\(manifest.name)
                    TimeoutStartSec=\(Int(manifest.timeoutSeconds) + 30)

                    """),
                ("infra/systemd/bundle-\(manifest.name).timer", """
                    \(header)[Unit]
                    Description=Runs \(manifest.name) on its schedule (\(schedule) UTC)

                    [Timer]
                    OnCalendar=\(calendar) UTC
                    AccuracySec=1s

                    [Install]
                    WantedBy=timers.target

                    """),
            ]
        }.flatMap { $0 }
    }
}

enum NginxText {
    static func regexEscaped(_ text: String) -> String {
        text.map { "\\^$.|?*+()[]{}".contains($0) ? "\\\($0)" : String($0) }.joined()
    }
}

/// Five-field cron expressions as systemd `OnCalendar` values (`*/5 * * * *` is `*-*-* *:00/5:00`).
package enum CronSchedule {
    package static func onCalendar(_ expression: String) -> String? {
        let fields = expression.split(separator: " ").map(String.init)
        guard fields.count == 5 else { return nil }
        let (minute, hour, day, month, weekday) = (fields[0], fields[1], fields[2], fields[3], fields[4])
        guard let minutes = field(minute, width: 2), let hours = field(hour, width: 2), let days = field(day, width: 2),
              let months = field(month, width: 2) else { return nil }
        var prefix = ""
        if weekday != "*" {
            let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
            let parts = weekday.split(separator: ",").map { part -> String? in
                let range = part.split(separator: "-").compactMap { Int($0) }
                guard !range.isEmpty, range.allSatisfy({ (0...7).contains($0) }) else { return nil }
                return range.count == 2 ? "\(names[range[0]])..\(names[range[1]])" : names[range[0]]
            }
            guard parts.allSatisfy({ $0 != nil }) else { return nil }
            prefix = parts.compactMap { $0 }.joined(separator: ",") + " "
        }
        return "\(prefix)*-\(months)-\(days) \(hours):\(minutes):00"
    }

    private static func field(_ text: String, width: Int) -> String? {
        if text == "*" { return "*" }
        if text.hasPrefix("*/"), let step = Int(text.dropFirst(2)) { return "00/\(step)" }
        let parts = text.split(separator: ",").map { part -> String? in
            if let slash = part.firstIndex(of: "/") {
                guard let start = Int(part[..<slash].split(separator: "-").first ?? ""), let step = Int(part[part.index(after: slash)...]) else { return nil }
                return "\(start)/\(step)"
            }
            let range = part.split(separator: "-").compactMap { Int($0) }
            if range.count == 2 { return "\(range[0])..\(range[1])" }
            return range.count == 1 ? String(range[0]) : nil
        }
        guard parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.compactMap { $0 }.joined(separator: ",")
    }
}
