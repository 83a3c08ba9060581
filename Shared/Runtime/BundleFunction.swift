import Core

/// One function of the bundle with its handler type erased: what the launcher, the adapters, the
/// OpenAPI document and the deployment files need from a handler (its manifest, and a way to run it
/// on a checked envelope). The catalog is a list of these, so adding a function is one entry there.
///
/// The name is given apart from the manifest so that finding a function builds no manifest: a
/// manifest's schemas cost about as much to build as the rest of a cold start, and a process
/// needs only its own (a handler's `static let manifest` is built on first use).
package struct BundleFunction: Sendable {
    package let name: String
    private let manifestOf: @Sendable () -> FunctionManifest
    let run: @Sendable (JSONValue, FunctionContext) async throws -> [UInt8]

    package init<Handler: FunctionHandler>(_ name: String, _ handler: Handler.Type) {
        self.name = name
        manifestOf = { Handler.manifest }
        run = { input, context in try await Invocation.run(Handler(), input: input, context: context) }
    }

    /// A function named by its manifest (tests and single-function tools, where building the
    /// one manifest up front costs nothing extra).
    package init<Handler: FunctionHandler>(_ handler: Handler.Type) {
        self.init(Handler.manifest.name, handler)
    }

    package var manifest: FunctionManifest { manifestOf() }
}

/// Every function one executable holds, by name: the BusyBox table that `basename(argv[0])`,
/// `bundle <function>`, a route, a job or a Lambda handler setting is looked up in.
package struct FunctionCatalog: Sendable {
    /// The one executable's name: the product of Package.swift, the file every link in `bin/`
    /// names, and the name under which the first argument picks the function.
    package static let executableName = "bundle"

    package let functions: [BundleFunction]
    private let byName: [String: Int]

    package init(_ functions: [BundleFunction]) {
        self.functions = functions
        var byName: [String: Int] = [:]
        for (index, function) in functions.enumerated() {
            precondition(byName[function.name] == nil, "two functions are named \(function.name)")
            byName[function.name] = index
        }
        self.byName = byName
    }

    package var manifests: [FunctionManifest] { functions.map(\.manifest) }

    /// The function of that name. Its manifest must carry the same name (the catalog writes the
    /// name twice); a mismatch is a build defect and stops here rather than misrouting.
    package func function(named name: String) -> BundleFunction? {
        guard let function = byName[name].map({ functions[$0] }) else { return nil }
        precondition(function.manifest.name == name, "the catalog names \(name) a function whose manifest is \(function.manifest.name)")
        return function
    }

    /// The `not_found` answer for a name that is no function of this catalog, with a suggestion.
    package func unknown(_ name: String) -> BundleError {
        let names = functions.map(\.name)
        var message = "no function is named \(name.isEmpty ? "(empty)" : name)"
        if let near = FieldSuggestion.closest(to: name, among: names) { message += " (did you mean \(near)?)" }
        return BundleError(.notFound, message + "; `bundle --list` prints every function")
    }
}
