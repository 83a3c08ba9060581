import Core
import Providers

/// The offline interviewer, from rules: it reads the answer to the question it asked last
/// (numbers, yes/no, enum values, free text), picks up enum values mentioned on the way, asks
/// about the next missing field in a sentence built from its description, asks once more when
/// an answer is unclear and then moves on, and thanks the person when nothing is left.
extension InterviewTask {
    package func offlineAnswer() -> Output {
        // A longer message that still asks to stop ("sorry, I'm busy these days, please stop messaging me").
        if OptOutWords.wantsToStop(message, maxWords: 40) {
            return Output(reply: InboundReception.goodbye, extracted: [], askingAbout: nil, declined: [], done: true, optOut: true)
        }
        var values: [Value] = []
        let asked = state.askedField.flatMap(extractionSchema.field(named:))
        if let asked, extracted[asked.name] == nil, let value = OfflineExtraction.value(in: message, for: asked) {
            values.append(Value(field: asked.name, value: value))
        }
        for field in missing where field.type == .enum && field.name != asked?.name {
            if let value = OfflineExtraction.enumValue(in: message, values: field.values ?? []) {
                values.append(Value(field: field.name, value: .string(value)))
            }
        }
        // At the invitation, a clear no ends it politely.
        if asked == nil, values.isEmpty, OfflineExtraction.isDecline(message) {
            return Output(reply: "No problem at all, thank you for letting me know! Have a great day.", extracted: [], askingAbout: nil,
                          declined: [], done: true)
        }
        let answered = Set(values.map(\.field))
        var declined: [String] = []
        // Asked twice and still unclear: move on rather than loop.
        if let asked, !answered.contains(asked.name), extracted[asked.name] == nil, state.tries >= 2 { declined.append(asked.name) }
        let remaining = missing.filter { !answered.contains($0.name) && !declined.contains($0.name) }
        guard let next = remaining.first else {
            return Output(reply: TurnResult.thanks(profileName), extracted: values, askingAbout: nil, declined: declined, done: true)
        }
        let reply: String
        if let asked, next.name == asked.name {
            reply = "Sorry, I didn't quite catch that. " + Self.question(for: next)
        } else if asked == nil {
            // A question back ("what is this about?") gets a short answer first.
            let context = message.contains("?") ? "It's a short study (\(campaignName.prefix(80))) that takes a few minutes. " : "Thank you for taking part! "
            reply = context + Self.question(for: next)
        } else {
            let acknowledgements = ["Thanks, noted.", "Got it, thank you.", "Great, thanks."]
            reply = acknowledgements[history.count % acknowledgements.count] + " " + Self.question(for: next)
        }
        return Output(reply: reply, extracted: values, askingAbout: next.name, declined: declined, done: false)
    }

    /// A question from a field's description: used as it is when it is a question already.
    static func question(for field: ExtractionField) -> String {
        var text = field.description.trimmingWhitespace()
        while let last = text.last, ".:;".contains(last) { text.removeLast() }
        if text.hasSuffix("?") { return text }
        if let first = text.first, first.isUppercase, !(text.dropFirst().first?.isUppercase ?? false) {
            text = first.lowercased() + text.dropFirst()
        }
        var question = "Could you tell me " + text
        if field.type == .enum, let values = field.values, !values.isEmpty {
            let shown = values.prefix(5)
            question += " (for example " + (shown.count == 1 ? shown[0] : shown.dropLast().joined(separator: ", ") + " or " + shown.last!) + ")"
        }
        return question + "?"
    }
}

/// Reading typed values out of a short chat answer, for the offline interviewer.
enum OfflineExtraction {
    static func value(in text: String, for field: ExtractionField) -> JSONValue? {
        let candidate: JSONValue?
        switch field.type {
        case .number, .integer: candidate = number(in: text).map(JSONValue.number)
        case .boolean: candidate = yesNo(in: text).map(JSONValue.bool)
        case .enum: candidate = enumValue(in: text, values: field.values ?? []).map(JSONValue.string)
        case .string:
            let trimmed = text.trimmingWhitespace()
            candidate = trimmed.count < 2 || trimmed.allSatisfy({ "?!.".contains($0) }) ? nil : .string(trimmed)
        }
        guard let candidate, case .success(let value) = field.check(candidate) else { return nil }
        return value
    }

    static let numberWords: [String: Double] = [
        "zero": 0, "none": 0, "once": 1, "one": 1, "twice": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100,
    ]

    /// The first number: digits with `.` or `,` decimals (`1,200` is twelve hundred), or a number word.
    static func number(in text: String) -> Double? {
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            if characters[index].isASCII, characters[index].isNumber {
                var digits = ""
                var end = index
                while end < characters.count {
                    let character = characters[end]
                    if character.isASCII && character.isNumber {
                        digits.append(character)
                    } else if character == "," || character == ".", end + 1 < characters.count, characters[end + 1].isASCII, characters[end + 1].isNumber {
                        var run = 0
                        while end + 1 + run < characters.count, characters[end + 1 + run].isASCII, characters[end + 1 + run].isNumber { run += 1 }
                        if character == "," && run == 3 { end += 1; continue }
                        if digits.contains(".") { break }
                        digits.append(".")
                    } else {
                        break
                    }
                    end += 1
                }
                let negative = index > 0 && characters[index - 1] == "-" && (index == 1 || characters[index - 2].isWhitespace)
                return Double(digits).map { negative ? -$0 : $0 }
            }
            index += 1
        }
        for word in TextRules.words(text.lowercased()) {
            if let value = numberWords[word] { return value }
        }
        return nil
    }

    static let yesWords: Set<String> = ["yes", "yeah", "yep", "yup", "sure", "definitely", "absolutely", "correct", "true", "y", "ja", "si", "oui", "always", "usually", "ok", "okay"]
    static let noWords: Set<String> = ["no", "nope", "nah", "never", "not", "don't", "dont", "false", "n", "nein", "non", "rarely"]

    /// "No", "not interested", "no thanks": a refusal to take part.
    static func isDecline(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return yesNo(in: text) == false && !lowered.contains("?") || lowered.contains("not interested")
    }

    static func yesNo(in text: String) -> Bool? {
        for word in TextRules.words(text.lowercased()) {
            if noWords.contains(word) { return false }
            if yesWords.contains(word) { return true }
        }
        return nil
    }

    /// The longest enum value named in the text as whole words, in any case.
    static func enumValue(in text: String, values: [String]) -> String? {
        let words = " " + TextRules.words(text.lowercased()).joined(separator: " ") + " "
        return values.filter { value in
            let wanted = TextRules.words(value.lowercased().replacing("_", with: " ")).joined(separator: " ")
            return !wanted.isEmpty && words.contains(" " + wanted + " ")
        }.max { $0.count < $1.count }
    }
}
