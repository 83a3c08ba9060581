/// The bundle's version, reported by `health` and in the OpenAPI document.
package enum BundleVersion {
    package static let current = "0.1.0"
}
