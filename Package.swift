// swift-tools-version:6.2
import PackageDescription

// One package, one small executable per endpoint (see DESIGN.md). Swift 6.2 or later: the
// runtime starts handlers with Task.immediate. No third-party packages: JSON, logging, SQLite
// access and SHA-256 are small enough to own. swift-crypto was tried for SHA-256: on Linux it links
// full Foundation and ICU into every binary (10 MiB became 60 MiB per function).
let functions = ["health", "llm-usage", "llm-check", "openapi", "create-api-key", "revoke-api-key",
                 "enqueue", "get-job", "list-jobs", "work", "poll-calendar", "list-meetings", "get-meeting",
                 "meeting-feedback", "get-steering", "put-steering", "list-steering-versions", "enrich", "synthesize", "draft-emails", "sync-notion", "run-pipeline",
                 "create-campaign", "list-campaigns", "get-campaign", "launch-campaign", "pause-campaign", "send-outreach",
                 "inbound-message", "message-status", "process-conversation", "list-conversations", "get-conversation", "list-extractions",
                 "put-role", "get-role", "upload-candidates", "score-candidates", "candidate-status", "list-candidates", "get-candidate",
                 "update-candidate", "start-interview"]
let package = Package(
    name: "function-bundle",
    platforms: [.macOS(.v15)],
    // The dispatcher's target has another name than its product: a module named `dispatch` would
    // export `dispatch_main`, which the static libdispatch defines too.
    products: functions.map { .executable(name: $0, targets: [$0]) } + [.executable(name: "dispatch", targets: ["dispatch-cgi"])],
    targets: [
        // C libraries from the system.
        .systemLibrary(name: "CSQLite", path: "CModules/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", path: "CModules/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CCurlShim", dependencies: ["CCurl"], path: "CModules/CCurlShim",
                linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "CProcessShim", path: "CModules/CProcessShim"),

        // Shared library modules.
        .target(name: "Core", path: "Shared/Core"),
        // The system's static libsqlite3 (Debian's libsqlite3-dev ships it): no shared library to
        // load and bind at each process start. `-l:` makes the linker take the archive.
        .target(name: "Store", dependencies: ["Core", "CSQLite"], path: "Shared/Store",
                linkerSettings: [.unsafeFlags(["-Xlinker", "-l:libsqlite3.a"])]),
        .target(name: "HTTPTransport", dependencies: ["Core", "CCurlShim"], path: "Shared/HTTPTransport"),
        .target(name: "Providers", dependencies: ["Core", "Store", "HTTPTransport"], path: "Shared/Providers"),
        .target(name: "Processes", dependencies: ["Core", "CProcessShim"], path: "Shared/Processes"),
        .target(name: "Gateway", dependencies: ["Core", "Store", "Processes"], path: "Shared/Gateway"),
        .target(name: "Jobs", dependencies: ["Core", "Store", "Processes"], path: "Shared/Jobs"),
        .target(name: "Calendars", dependencies: ["Core"], path: "Shared/Calendars"),
        .target(name: "Runtime", dependencies: ["Core", "Store", "HTTPTransport", "Providers", "Gateway", "Jobs", "CProcessShim"],
                path: "Shared/Runtime"),
        .target(name: "Platform", dependencies: ["Runtime"], path: "Shared/Platform"),
        .target(name: "Meetings", dependencies: ["Runtime", "Calendars", "Jobs"], path: "Shared/Meetings"),
        .target(name: "Interviews", dependencies: ["Runtime", "Jobs", "Gateway"], path: "Shared/Interviews"),
        .target(name: "Candidates", dependencies: ["Runtime", "Jobs", "Gateway"], path: "Shared/Candidates"),
        .target(name: "Catalog", dependencies: ["Platform", "Meetings", "Interviews", "Candidates"], path: "Shared/Catalog"),

        // Functions: one thin executable per endpoint, plus `dispatch`, the CGI entry point.
        .executableTarget(name: "dispatch-cgi", dependencies: ["Catalog", "Gateway"], path: "Functions/dispatch"),
    ] + functions.map { .executableTarget(name: $0, dependencies: ["Catalog", "Runtime", "Meetings", "Interviews", "Candidates"], path: "Functions/\($0)") } + [
        .executableTarget(name: "bundle-infra", dependencies: ["Catalog"], path: "Tools/bundle-infra"),

        // Test support: a loopback HTTP server and helpers to run the built binaries.
        .target(name: "TestSupport", dependencies: ["Core", "HTTPTransport", "Providers"], path: "Tests/TestSupport"),
        .executableTarget(name: "store-stress-writer", dependencies: ["Store", "Core"],
                          path: "Tests/StoreStressWriter"),
        .executableTarget(name: "runtime-probe", dependencies: ["Runtime", "Core"], path: "Tests/RuntimeProbe"),

        .testTarget(name: "CoreTests", dependencies: ["Core"], path: "Tests/CoreTests"),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TestSupport"], path: "Tests/StoreTests"),
        .testTarget(name: "HTTPTransportTests", dependencies: ["HTTPTransport", "TestSupport"],
                    path: "Tests/HTTPTransportTests"),
        .testTarget(name: "ProvidersTests", dependencies: ["Providers", "HTTPTransport", "Store", "TestSupport"], path: "Tests/ProvidersTests"),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Platform", "Catalog", "HTTPTransport", "Jobs", "TestSupport"],
                    path: "Tests/RuntimeTests"),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "Store", "TestSupport"], path: "Tests/GatewayTests"),
        .testTarget(name: "MeetingsTests", dependencies: ["Meetings", "Calendars", "Runtime", "HTTPTransport", "Providers", "TestSupport"],
                    path: "Tests/MeetingsTests"),
        .testTarget(name: "InterviewsTests", dependencies: ["Interviews", "Runtime", "HTTPTransport", "Providers", "Store", "TestSupport"],
                    path: "Tests/InterviewsTests"),
        .testTarget(name: "CandidatesTests", dependencies: ["Candidates", "Runtime", "HTTPTransport", "Providers", "Store", "Jobs", "TestSupport"],
                    path: "Tests/CandidatesTests"),
        .testTarget(name: "CalendarsTests", dependencies: ["Calendars", "Core"], path: "Tests/CalendarsTests"),
        .testTarget(name: "JobsTests", dependencies: ["Jobs", "Store", "TestSupport"], path: "Tests/JobsTests"),
        .testTarget(name: "EndToEndTests", dependencies: ["Core", "Catalog", "Gateway", "Providers", "TestSupport"],
                    path: "Tests/EndToEndTests"),
    ]
)
