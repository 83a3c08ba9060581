import Core

/// The OpenFaaS files: one image holding the one executable and its links, and a stack entry per
/// function that runs `bin/<function>` under the classic watchdog.
extension DeploymentFiles {
    /// Seconds the watchdog waits beyond a function's timeout: the function's own deadline (plus
    /// its watchdog's grace of at most 1 s) answers first, as a JSON `timeout` error, instead of
    /// the classic watchdog's kill, which answers 408 "Killed process." with no JSON at all.
    static let watchdogGraceSeconds = 5

    static func openFaaS(_ manifests: [FunctionManifest]) -> String {
        var lines = [
            String(header.dropLast()),
            "# OpenFaaS with the classic watchdog: every function is the same image and the same executable,",
            "# started as bin/<function> with the request body on stdin. Build the image once from the repository",
            "# root after `infra/dev build` (the functions skip faas-cli's build step):",
            "#   docker build -f infra/openfaas/Containerfile -t function-bundle:latest .",
            "#   faas-cli deploy -f infra/openfaas/stack.yml",
            "# combine_output is off so the JSON log lines on stderr go to the function's log, never into the",
            "# HTTP body. The classic watchdog answers 500 for every non-zero exit, with the body",
            "# \"exit status <n>\" on its first line and the JSON error document after it (README: OpenFaaS).",
            "# Each function runs in its own container, so they share one PostgreSQL database (README: PostgreSQL",
            "# and PgBouncer) through a PgBouncer beside them (pool_mode = transaction; for example",
            "# infra/postgres/pgbouncer.ini.example as a Deployment and Service `pgbouncer` in openfaas-fn). Every",
            "# function mounts the secret bundle-env (the .env file, BUNDLE_ENV_FILE); put DATABASE_URL in it:",
            "#   DATABASE_URL=postgresql://bundle:<password>@pgbouncer.openfaas-fn:6432/bundle",
            "#   faas-cli secret create bundle-env --from-file .env",
            "version: 1.0", "provider:", "  name: openfaas", "  gateway: http://127.0.0.1:8080", "functions:",
        ]
        for manifest in manifests where !Catalog.isLocalOnly(manifest) {
            let timeout = "\(Int(manifest.timeoutSeconds.rounded(.up)) + watchdogGraceSeconds)s"
            lines += [
                "  \(manifest.name):",
                "    image: function-bundle:latest",
                "    skip_build: true",
                "    environment:",
                "      fprocess: @BUNDLE_DIR@/bin/\(manifest.name)",
                "      combine_output: false",
                "      content_type: application/json",
                "      read_timeout: \(timeout)",
                "      write_timeout: \(timeout)",
                "      exec_timeout: \(timeout)",
                "      BUNDLE_ENV_FILE: /var/openfaas/secrets/bundle-env",
                "    secrets:",
                "      - bundle-env",
            ]
            if let schedule = manifest.schedule {
                lines += ["    annotations:", "      topic: cron-function", "      schedule: \"\(schedule)\""]
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One image for every function: the classic watchdog, and `dist/bin` copied whole, so the
    /// links named after the functions stay links to the one `bundle`.
    static let containerfile = """
        \(header)# The one image of every OpenFaaS function (infra/openfaas/stack.yml). From the repository root,
        # after `infra/dev build`:
        #   docker build -f infra/openfaas/Containerfile -t function-bundle:latest .
        # Build on the Debian release the binary was built on (it links that glibc).
        FROM ghcr.io/openfaas/classic-watchdog:0.2.1 AS watchdog

        FROM debian:bookworm-slim
        # libcurl is loaded on first use by the functions that call upstreams; CA certificates for TLS.
        RUN apt-get update && apt-get install -y --no-install-recommends libcurl4 ca-certificates tzdata \\
            && rm -rf /var/lib/apt/lists/* \\
            && useradd --system --home-dir @BUNDLE_DIR@ app
        COPY --from=watchdog /fwatchdog /usr/bin/fwatchdog
        # A directory copy keeps the symbolic links: bin/<function> -> bundle.
        COPY dist/bin @BUNDLE_DIR@/bin
        # The lean libpq bin/bundle loads for PostgreSQL (`infra/dev build` makes it; where it could not,
        # drop this line and install libpq5 above).
        COPY dist/lib @BUNDLE_DIR@/lib
        RUN mkdir -p @BUNDLE_DIR@/var && chown app @BUNDLE_DIR@/var
        WORKDIR @BUNDLE_DIR@
        USER app
        # stack.yml sets fprocess per function; this default answers with the list of functions.
        ENV fprocess="@BUNDLE_DIR@/bin/\(executable) --list"
        ENV combine_output=false
        EXPOSE 8080
        HEALTHCHECK --interval=3s CMD [ -e /tmp/.lock ] || exit 1
        CMD ["fwatchdog"]

        """
}
