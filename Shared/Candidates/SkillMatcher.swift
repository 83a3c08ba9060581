/// Whether a candidate has a skill a role asks for, the way a recruiter reads a profile: the
/// same skill under its common names ("JS" and "JavaScript", "k8s" and "Kubernetes",
/// "Postgres" and "PostgreSQL") in the skills list counts fully; a mention in the bio or the
/// current title counts half, because it is evidence but not a claim.
package struct SkillMatcher: Sendable {
    package enum Evidence: String, Codable, Sendable {
        case listed, mentioned, missing

        package var credit: Double { self == .listed ? 1 : self == .mentioned ? 0.5 : 0 }
    }

    private let listed: Set<String>
    private let listedWords: [[String]]
    private let prose: String
    /// `prose` as bytes when it is ASCII (nearly always): searched byte by byte, which gives the
    /// same matches as searching `Character`s at several times the speed.
    private let asciiProse: [UInt8]?

    package init(skills: [String], prose: [String?]) {
        // "Python/Django" and "AWS (EC2, S3)" list each of their parts too.
        let parts = skills.flatMap { skill in
            [skill] + skill.split(whereSeparator: { "/()".contains($0) }).map(String.init).filter { $0 != skill }
        }
        let canonical = parts.map(Self.canonical).filter { !$0.isEmpty }
        listed = Set(canonical)
        listedWords = canonical.map { $0.split(separator: " ").map(String.init) }
        self.prose = " " + prose.compactMap { $0 }.joined(separator: " \n ").lowercased() + " "
        asciiProse = self.prose.utf8.allSatisfy { $0 < 0x80 } ? Array(self.prose.utf8) : nil
    }

    package func evidence(for skill: String) -> Evidence {
        let wanted = Self.canonical(skill)
        guard !wanted.isEmpty else { return .missing }
        if listed.contains(wanted) { return .listed }
        // "AWS Lambda" shows "AWS"; "React Native" does not show "React Native Web".
        let words = wanted.split(separator: " ").map(String.init)
        if listedWords.contains(where: { $0.count > words.count && Array($0.prefix(words.count)) == words }) { return .listed }
        let names = [wanted] + (Self.aliasesByCanonical[wanted] ?? [])
        return names.contains(where: mentioned) ? .mentioned : .missing
    }

    package func mentioned(_ phrase: String) -> Bool {
        if let asciiProse, phrase.utf8.allSatisfy({ $0 < 0x80 }) { return Self.mentioned(Array(phrase.utf8), in: asciiProse) }
        return mentionedByCharacter(phrase)
    }

    /// `mentioned` over ASCII bytes: the phrase as a whole word (the prose starts and ends with a space).
    private static func mentioned(_ phrase: [UInt8], in prose: [UInt8]) -> Bool {
        guard let first = phrase.first, phrase.count <= prose.count - 2 else { return false }
        func isWordByte(_ byte: UInt8) -> Bool {
            (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "#")
        }
        var start = 1
        while start + phrase.count <= prose.count {
            if prose[start] == first, prose[start..<start + phrase.count].elementsEqual(phrase),
               !isWordByte(prose[start - 1]), start + phrase.count == prose.count || !isWordByte(prose[start + phrase.count]) {
                return true
            }
            start += 1
        }
        return false
    }

    package func mentionedByCharacter(_ phrase: String) -> Bool {
        var searchStart = prose.startIndex
        while let range = prose[searchStart...].firstRange(of: phrase) {
            let before = prose[prose.index(before: range.lowerBound)]
            let after = range.upperBound < prose.endIndex ? prose[range.upperBound] : " "
            if !Self.isWordCharacter(before) && !Self.isWordCharacter(after) { return true }
            searchStart = prose.index(after: range.lowerBound)
        }
        return false
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "+" || character == "#"
    }

    /// One spelling per skill: lower case, single spaces, no trailing dots or version numbers,
    /// common aliases folded.
    package static func canonical(_ skill: String) -> String {
        if skill.utf8.allSatisfy({ $0 < 0x80 }) { return canonicalASCII(Array(skill.utf8)) }
        return canonicalByCharacter(skill)
    }

    /// `canonical` for ASCII text, by bytes (what `canonicalByCharacter` gives, tests compare).
    private static func canonicalASCII(_ bytes: [UInt8]) -> String {
        func isSeparator(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || byte == UInt8(ascii: "_") }
        var words = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }.split(whereSeparator: isSeparator)
        while let last = words.last, words.count > 1,
              last.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "x") }) { words.removeLast() }
        var text = Array(words.joined(separator: [0x20]))
        while let last = text.last, last == UInt8(ascii: ".") || last == UInt8(ascii: ",") || last == UInt8(ascii: ":") { text.removeLast() }
        let result = String(decoding: text, as: UTF8.self)
        return aliases[result] ?? result
    }

    package static func canonicalByCharacter(_ skill: String) -> String {
        var words = skill.lowercased().split(whereSeparator: { $0.isWhitespace || $0 == "_" }).map(String.init)
        while let last = words.last, words.count > 1, last.allSatisfy({ $0.isNumber || $0 == "." || $0 == "x" }) { words.removeLast() }
        var text = words.joined(separator: " ")
        while let last = text.last, last == "." || last == "," || last == ":" { text.removeLast() }
        return aliases[text] ?? text
    }

    private static let aliases: [String: String] = [
        "js": "javascript", "ecmascript": "javascript", "ts": "typescript", "k8s": "kubernetes", "kube": "kubernetes",
        "postgres": "postgresql", "psql": "postgresql", "pg": "postgresql", "golang": "go", "reactjs": "react", "react.js": "react",
        "node": "node.js", "nodejs": "node.js", "vuejs": "vue", "vue.js": "vue", "py": "python", "python3": "python",
        "ml": "machine learning", "amazon web services": "aws", "google cloud": "gcp", "google cloud platform": "gcp",
        "microsoft azure": "azure", "cicd": "ci/cd", "ci cd": "ci/cd", "sklearn": "scikit-learn", "csharp": "c#", "cpp": "c++",
        "dotnet": ".net", "nlp": "natural language processing", "mongo": "mongodb", "tf": "terraform", "gql": "graphql",
        "rest api": "rest", "restful": "rest", "restful apis": "rest", "rest apis": "rest", "ux": "user experience",
        "llm": "large language models", "llms": "large language models", "gen ai": "generative ai", "genai": "generative ai",
        "sfdc": "salesforce", "ror": "ruby on rails", "rails": "ruby on rails", "objc": "objective-c", "swiftui": "swiftui",
    ]

    private static let aliasesByCanonical: [String: [String]] = {
        var result: [String: [String]] = [:]
        for (alias, canonical) in aliases where alias.count > 2 { result[canonical, default: []].append(alias) }
        return result
    }()
}
