import Core
import Platform

/// Every function of the bundle, by manifest: the one list the dispatcher's routes, the OpenAPI
/// document and the deployment files are generated from.
package enum Catalog {
    package static let manifests: [FunctionManifest] = [
        HealthHandler.manifest,
        LLMUsageHandler.manifest,
        LLMCheckHandler.manifest,
    ]

    package static func manifest(named name: String) -> FunctionManifest? {
        manifests.first { $0.name == name }
    }
}
