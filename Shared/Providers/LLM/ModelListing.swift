import Core
import HTTPTransport

/// The models a configured provider offers, for a person choosing one: the price table's models
/// of that provider (`LLM_PRICES` included: known, priced) plus what the server itself lists (`GET {base}/models`,
/// OpenAI-style `data[{id}]`; Anthropic's `GET /v1/models`). The servers are asked concurrently
/// with a short timeout; a listing that fails is reported on its provider (`models_error`),
/// and the price table's models still answer.
package struct ModelListing: Sendable {
    /// Where a model name came from.
    package enum Source: String, Sendable { case priceTable = "price_table", server, both }

    package struct Model: Sendable, Equatable {
        package var id: String
        package var source: Source
        package var price: PriceTable.Price?
    }

    package struct ProviderModels: Sendable {
        package var entry: LLMRegistry.Entry
        package var models: [Model]
        /// Why the server's own listing is missing (never a key: a status or a transport failure and the host).
        package var modelsError: String?
    }

    /// Most models kept from one server's answer, and the longest id accepted.
    static let maxModels = 500
    static let maxIDLength = 200

    package let registry: LLMRegistry
    package let prices: PriceTable
    package let timeout: Duration

    package init(registry: LLMRegistry, prices: PriceTable, timeout: Duration = .seconds(5)) {
        self.registry = registry
        self.prices = prices
        self.timeout = timeout
    }

    /// Whose a price-table model is, by its name (the `family` of `LLMSelection.Facts`); nil for
    /// a name of no known family (a model added with `LLM_PRICES`, say).
    package static func family(ofPricedModel model: String) -> String? {
        if model.hasPrefix("gpt-") || model.hasPrefix("o3") || model.hasPrefix("o4") { return "openai" }
        if model.hasPrefix("claude-") { return "anthropic" }
        if model.hasPrefix("grok-") { return "xai" }
        if model.hasPrefix("gemini-") { return "gemini" }
        if model.hasPrefix("offline-") { return "offline" }
        return nil
    }

    /// The families whose models a price-table name says; the others (OpenAI-compatible servers
    /// of one's own) are offered the priced models of no known family.
    static let namedFamilies: Set = ["openai", "anthropic", "xai", "gemini", "offline"]

    /// The price table's models `entry` serves.
    func pricedModels(of entry: LLMRegistry.Entry) -> [String] {
        prices.modelNames.filter { name in
            Self.family(ofPricedModel: name).map { $0 == entry.family } ?? !Self.namedFamilies.contains(entry.family)
        }.sorted()
    }

    /// Every configured provider with its models, in the registry's order.
    package func list(deadline: Deadline) async -> [ProviderModels] {
        let registry = self.registry
        let timeout = self.timeout
        let listingDeadline = Deadline(after: min(timeout, deadline.remaining))
        var served: [String: Result<[String], ListingFailure>] = [:]
        await withTaskGroup(of: (String, Result<[String], ListingFailure>).self) { group in
            for entry in registry.entries {
                guard let request = registry.listingRequest(entry, timeout: timeout) else { continue }
                group.addTask { (entry.id, await Self.fetch(request, transport: registry.listingTransport, deadline: listingDeadline)) }
            }
            for await (id, result) in group { served[id] = result }
        }
        return registry.entries.map { (entry: LLMRegistry.Entry) -> ProviderModels in
            var models = pricedModels(of: entry).map { Model(id: $0, source: .priceTable, price: prices.price(for: $0)) }
            var modelsError: String?
            switch served[entry.id] {
            case .success(let ids):
                for id in ids {
                    if let index = models.firstIndex(where: { $0.id == id }) {
                        models[index].source = .both
                    } else {
                        models.append(Model(id: id, source: .server, price: prices.price(for: id)))
                    }
                }
            case .failure(let failure):
                modelsError = failure.message
            case nil:
                break
            }
            return ProviderModels(entry: entry, models: models, modelsError: modelsError)
        }
    }

    struct ListingFailure: Error, Sendable {
        var message: String
    }

    /// One server's listing: the `data[].id` (OpenAI and Anthropic alike), bounded in count and length.
    static func fetch(_ request: HTTPRequest, transport: any Transport, deadline: Deadline) async -> Result<[String], ListingFailure> {
        let host = request.host
        let response: HTTPResponse
        do {
            response = try await transport.send(request, deadline: deadline)
        } catch {
            let reason = (error as? TransportError).map { $0.kind == .timeout ? "timed out" : "could not be reached" } ?? "failed"
            return .failure(ListingFailure(message: "the model listing at \(host) \(reason)"))
        }
        guard response.isSuccess else {
            return .failure(ListingFailure(message: "the model listing at \(host) answered HTTP \(response.status)"))
        }
        guard let data = response.json?["data"]?.arrayValue else {
            return .failure(ListingFailure(message: "the model listing at \(host) did not answer with a data list"))
        }
        let ids = data.prefix(maxModels).compactMap { $0["id"]?.stringValue }.filter { !$0.isEmpty && $0.count <= maxIDLength }
        return .success(ids)
    }
}
