import Core

/// Estimated cost per model, in US dollars per million tokens (input, output): list prices when
/// this table was written. Dated variants (`gpt-4o-mini-2024-07-18`, `-latest`) and router prefixes
/// (`openai/gpt-4o-mini`) match their base model; unknown models cost nil, never a guess.
/// `LLM_PRICES="model=in/out;other=in/out"` adds or overrides entries.
package struct PriceTable: Sendable {
    package struct Price: Sendable, Hashable {
        package var inputPerMillion: Double
        package var outputPerMillion: Double
    }

    private var prices: [String: Price]

    package static let listPrices: [String: Price] = [
        "gpt-4o": Price(inputPerMillion: 2.50, outputPerMillion: 10.00),
        "gpt-4o-mini": Price(inputPerMillion: 0.15, outputPerMillion: 0.60),
        "gpt-4.1": Price(inputPerMillion: 2.00, outputPerMillion: 8.00),
        "gpt-4.1-mini": Price(inputPerMillion: 0.40, outputPerMillion: 1.60),
        "gpt-4.1-nano": Price(inputPerMillion: 0.10, outputPerMillion: 0.40),
        "gpt-5": Price(inputPerMillion: 1.25, outputPerMillion: 10.00),
        "gpt-5-mini": Price(inputPerMillion: 0.25, outputPerMillion: 2.00),
        "gpt-5-nano": Price(inputPerMillion: 0.05, outputPerMillion: 0.40),
        "o4-mini": Price(inputPerMillion: 1.10, outputPerMillion: 4.40),
        "o3": Price(inputPerMillion: 2.00, outputPerMillion: 8.00),
        "claude-opus-4": Price(inputPerMillion: 15.00, outputPerMillion: 75.00),
        "claude-opus-4-1": Price(inputPerMillion: 15.00, outputPerMillion: 75.00),
        "claude-sonnet-4": Price(inputPerMillion: 3.00, outputPerMillion: 15.00),
        "claude-sonnet-4-5": Price(inputPerMillion: 3.00, outputPerMillion: 15.00),
        "claude-haiku-4-5": Price(inputPerMillion: 1.00, outputPerMillion: 5.00),
        "claude-3-7-sonnet": Price(inputPerMillion: 3.00, outputPerMillion: 15.00),
        "claude-3-5-haiku": Price(inputPerMillion: 0.80, outputPerMillion: 4.00),
        "gemini-2.5-pro": Price(inputPerMillion: 1.25, outputPerMillion: 10.00),
        "gemini-2.5-flash": Price(inputPerMillion: 0.30, outputPerMillion: 2.50),
        "gemini-2.0-flash": Price(inputPerMillion: 0.10, outputPerMillion: 0.40),
        "grok-4": Price(inputPerMillion: 3.00, outputPerMillion: 15.00),
        "offline-rules-v1": Price(inputPerMillion: 0, outputPerMillion: 0),
    ]

    package init(_ prices: [String: Price] = PriceTable.listPrices) {
        self.prices = prices
    }

    /// The list prices with `LLM_PRICES` applied; a malformed entry is `misconfigured`.
    package init(config: Config) throws {
        var prices = PriceTable.listPrices
        if let text = config["LLM_PRICES"] {
            for entry in text.split(separator: ";") where !entry.trimmingWhitespace().isEmpty {
                let parts = entry.split(separator: "=", maxSplits: 1)
                let amounts = parts.count == 2 ? parts[1].split(separator: "/").compactMap { Double($0.trimmingWhitespace()) } : []
                guard parts.count == 2, amounts.count == 2, amounts.allSatisfy({ $0 >= 0 }) else {
                    throw BundleError.misconfigured(variable: "LLM_PRICES",
                        "must look like \"model=input/output;...\" in USD per million tokens, got \"\(entry)\"")
                }
                prices[parts[0].trimmingWhitespace().lowercased()] = Price(inputPerMillion: amounts[0], outputPerMillion: amounts[1])
            }
        }
        self.init(prices)
    }

    /// Every model this table prices (`LLM_PRICES` included), in no order.
    package var modelNames: [String] { Array(prices.keys) }

    package func price(for model: String) -> Price? {
        var name = model.lowercased()
        if let slash = name.lastIndex(of: "/") { name = String(name[name.index(after: slash)...]) }
        if let exact = prices[name] { return exact }
        // A known name followed by a date or release tag: `-2024-07-18`, `-20250929`, `-latest`.
        let candidates = prices.keys.filter { known in
            guard name.hasPrefix(known + "-") else { return false }
            let suffix = name.dropFirst(known.count + 1)
            return suffix.first?.isNumber == true || ["latest", "preview"].contains(where: { suffix.hasPrefix($0) })
        }
        guard let best = candidates.max(by: { $0.count < $1.count }) else { return nil }
        return prices[best]
    }

    package func cost(model: String, promptTokens: Int?, completionTokens: Int?) -> Double? {
        guard let price = price(for: model), let promptTokens, let completionTokens else { return nil }
        let dollars = (Double(promptTokens) * price.inputPerMillion + Double(completionTokens) * price.outputPerMillion) / 1_000_000
        return (dollars * 1_000_000).rounded() / 1_000_000
    }
}
