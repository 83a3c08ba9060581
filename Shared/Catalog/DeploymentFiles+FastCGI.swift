import Core

/// Warm mode's deployment files: the FastCGI site's header and upstream (its locations come from
/// the one nginx generator), and the systemd socket and service of `bundle serve-fastcgi`.
extension DeploymentFiles {
    /// Workers the unit starts (its comment says why), as many as fcgiwrap's children.
    static let fastCGIWorkers = 8
    /// Requests after which a worker is replaced, so memory stays flat whatever a handler leaks.
    static let fastCGIMaxRequests = 10_000

    static let fastCGISiteNotes = [
        """
        # Warm mode (README: Warm mode: FastCGI): every request goes to `bin/bundle serve-fastcgi`
        # (infra/systemd/bundle-fastcgi.service), whose master hands it to a warm worker; the worker's route
        # table picks the function, as on the dispatch site. No fcgiwrap, no process per request.
        # Include inside nginx's http block (for example as /etc/nginx/conf.d/bundle.conf).
        # Configuration comes from the unit, not from this site: its Environment= and EnvironmentFile= lines
        # (DATABASE_URL, BUNDLE_ENV_FILE with the provider keys; PostgreSQL in @BUNDLE_DIR@/database.env) and its
        # WorkingDirectory (@BUNDLE_DIR@, so var/files is @BUNDLE_DIR@/var/files), read by each worker when it
        # starts and again on `systemctl reload`. A `fastcgi_param NAME value;` line still works, as on the
        # fcgiwrap sites: it overrides that setting for each request of its location.
        """,
        "",
    ]

    static var fastCGIUpstream: [String] {
        [
            "# The master's socket (infra/systemd/bundle-fastcgi.socket). `keepalive` counts per nginx worker",
            "# process: each keeps up to \(fastCGIKeepalive) idle connections to the master (with fastcgi_keep_conn on) so the",
            "# next request costs no connect; beyond that nginx opens more and closes the ones it cannot keep. The",
            "# master, not a worker, holds a kept connection while it is idle (unlike PHP-FPM), so kept connections",
            "# tie up no worker and cost the master one descriptor each: \(fastCGIKeepalive) per nginx worker covers the",
            "# requests one nginx worker has in flight on a small host, with room to spare.",
            "upstream bundle_fastcgi {",
            "    server unix:@FASTCGI_SOCKET@;",
            "    keepalive \(fastCGIKeepalive);",
            "}",
            "",
        ]
    }

    static let fastCGISocketUnit = socketUnit(description: "FastCGI socket of the function bundle's warm workers", socket: "@FASTCGI_SOCKET@")

    /// The master under systemd: it takes the socket from bundle-fastcgi.socket (fd 3), says READY=1
    /// once its workers are ready, reloads on SIGHUP and drains on SIGTERM; stopping waits for
    /// the longest function timeout before the rest is killed.
    static func fastCGIService(_ manifests: [FunctionManifest]) -> String {
        let longest = longestTimeoutSeconds(manifests)
        return """
            \(header)[Unit]
            Description=FastCGI workers of the function bundle (warm mode)
            Requires=bundle-fastcgi.socket
            \(pgBouncerOrdering)
            After=bundle-fastcgi.socket pgbouncer.service

            [Service]
            # The master takes its socket from bundle-fastcgi.socket and says READY=1 once every worker is ready.
            Type=notify
            # --workers: a worker serves one request at a time, and one waiting on an LLM holds its worker; \(fastCGIWorkers)
            # keeps slow functions from holding up the rest on a small host (CPU-bound loads: leave --workers out,
            # one per core). --max-requests replaces a worker after that many requests, so memory stays flat.
            ExecStart=@BUNDLE_DIR@/bin/\(executable) serve-fastcgi --workers \(fastCGIWorkers) --max-requests \(fastCGIMaxRequests)
            # `systemctl reload`: new workers from the binary now at bin/\(executable) and the current configuration;
            # old workers finish their request first, and nginx's kept connections stay open (a deploy drops nothing).
            ExecReload=/bin/kill -HUP $MAINPID
            # `systemctl stop`: SIGTERM to the master only, which drains (no new requests, those in flight finish);
            # whatever is left when TimeoutStopSec runs out (the longest function timeout, \(longest) s, and a
            # margin) is killed.
            KillMode=mixed
            TimeoutStopSec=\(longest + requestGraceSeconds)
            Restart=on-failure
            User=www-data
            Group=www-data
            WorkingDirectory=@BUNDLE_DIR@
            \(databaseEnvironment)

            [Install]
            WantedBy=multi-user.target

            """
    }
}
