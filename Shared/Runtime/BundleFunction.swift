import Core

/// One function of the bundle with its handler type erased: what the launcher, the adapters, the
/// OpenAPI document and the deployment files need from a handler (its manifest, and a way to run it
/// on a checked envelope). The catalog is a list of these, so adding a function is one entry there.
package struct BundleFunction: Sendable {
    package let manifest: FunctionManifest
    let run: @Sendable (JSONValue, FunctionContext) async throws -> [UInt8]

    package init<Handler: FunctionHandler>(_ handler: Handler.Type) {
        manifest = Handler.manifest
        run = { input, context in try await Invocation.run(Handler(), input: input, context: context) }
    }

    package var name: String { manifest.name }
}

/// Every function one executable holds, by name: the BusyBox table that `basename(argv[0])`,
/// `bundle <function>`, a route, a job or a Lambda handler setting is looked up in.
package struct FunctionCatalog: Sendable {
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

    package func function(named name: String) -> BundleFunction? {
        byName[name].map { functions[$0] }
    }

    /// The `not_found` answer for a name that is no function of this catalog, with a suggestion.
    package func unknown(_ name: String) -> BundleError {
        let names = functions.map(\.name)
        var message = "no function is named \(name.isEmpty ? "(empty)" : name)"
        if let near = FieldSuggestion.closest(to: name, among: names) { message += " (did you mean \(near)?)" }
        return BundleError(.notFound, message + "; `bundle --list` prints every function")
    }
}
