import Core
import Interviews
import Testing

@Suite struct RulesTests {
    @Test func optOutWordsAloneInAnyCase() {
        for word in ["STOP", "stop", " Stop ", "stop.", "StopAll", "UNSUBSCRIBE", "cancel", "End", "QUIT", "revoke", "optout", "stop!\n"] {
            #expect(OptOutWords.isOptOut(word), "\(word)")
        }
        for text in ["stop by later", "don't stop", "stopping", "the end is near", "unsubscribed?", "", "s t o p"] {
            #expect(!OptOutWords.isOptOut(text), "\(text)")
        }
        #expect(OptOutWords.isOptIn("START"))
        #expect(OptOutWords.isOptIn("unstop"))
        #expect(!OptOutWords.isOptIn("start again"))
    }

    @Test func phoneNumbersNormaliseToE164() throws {
        #expect(try PhoneNumber.normalize("+49 151 1234-5678").get() == "+4915112345678")
        #expect(try PhoneNumber.normalize("whatsapp:+14155238886").get() == "+14155238886")
        #expect(try PhoneNumber.normalize("0044 (20) 7946.0958").get() == "+442079460958")
        for bad in ["015112345678", "+0123456789", "+12", "+1234567890123456", "+49 151 ABC", "", "++4915112345678"] {
            #expect((try? PhoneNumber.normalize(bad).get()) == nil, "\(bad)")
        }
    }

    @Test func schemaProblemsAreEachReportedWithTheirPath() throws {
        let schema: JSONValue = [
            "brand": ["type": "enum", "description": "Brand"],
            "count": ["type": "integer", "description": "How many", "min": 10, "max": 1],
            "kind": ["type": "colour", "description": "x"],
            "note": ["type": "string"],
            "bad name": ["type": "string", "description": "x"],
            "flag": ["type": "boolean", "description": "x", "enum": ["a"]],
        ]
        do {
            _ = try ExtractionSchema.parse(schema)
            Issue.record("expected validation_failed")
        } catch let error as BundleError {
            #expect(error.code == .validationFailed)
            let fields = Set(error.details?.map(\.field) ?? [])
            #expect(fields.isSuperset(of: ["schema.brand.enum", "schema.count.min", "schema.kind.type", "schema.note.description",
                                           "schema.bad name.name", "schema.flag.enum"]), "\(fields)")
        }
        let tooMany = JSONValue.object(Dictionary(uniqueKeysWithValues: (0..<31).map { ("f\($0)", ["type": "string", "description": "d"] as JSONValue) }))
        #expect(throws: BundleError.self) { try ExtractionSchema.parse(tooMany) }
        // The array form keeps the asking order.
        let ordered = try ExtractionSchema.parse([["name": "zeta", "type": "string", "description": "z"], ["name": "alpha", "type": "number", "description": "a"]])
        #expect(ordered.fields.map(\.name) == ["zeta", "alpha"])
    }

    @Test func valuesOfTheWrongTypeAreDropped() throws {
        let count = ExtractionField(name: "visits", type: .integer, description: "d", min: 0, max: 100)
        #expect(try count.check(4).get() == 4)
        #expect(try count.check("12").get() == 12)
        #expect((try? count.check("lots").get()) == nil)
        #expect((try? count.check(2.5).get()) == nil)
        #expect((try? count.check(101).get()) == nil)
        #expect((try? count.check(true).get()) == nil)
        let flag = ExtractionField(name: "card", type: .boolean, description: "d")
        #expect(try flag.check(true).get() == true)
        #expect((try? flag.check("maybe").get()) == nil)
        #expect((try? flag.check(1).get()) == nil)
        let brand = ExtractionField(name: "brand", type: .enum, description: "d", values: ["Shell", "BP"])
        #expect(try brand.check("shell").get() == "Shell")
        #expect((try? brand.check("Esso").get()) == nil)
        let text = ExtractionField(name: "why", type: .string, description: "d")
        #expect((try? text.check(42).get()) == nil)
        #expect((try? text.check("  ").get()) == nil)
    }

    @Test func csvQuotesAndNeutralisesFormulas() {
        #expect(CSVText.neutralised("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")")
        for prefix in ["+", "-", "@", "\t", "\r"] { #expect(CSVText.neutralised(prefix + "x") == "'" + prefix + "x") }
        #expect(CSVText.neutralised("plain") == "plain")
        #expect(CSVText.cell(.number(-5)) == "-5", "stored numbers are not formulas")
        #expect(CSVText.cell(.number(1.89)) == "1.89")
        #expect(CSVText.cell(.bool(true)) == "true")
        #expect(CSVText.cell(nil) == "")
        #expect(CSVText.document([["a", "b,c", "say \"hi\"", "two\r\nlines"]]) == "a,\"b,c\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n")
    }
}

extension RulesTests {
    @Test func repliesAreOneToThreeSentencesWithoutListsOrFieldNames() throws {
        let task = InterviewTask(campaignName: "Fuel", brief: "b", schema: ExtractionSchema(fields: [
            ExtractionField(name: "fuel_brand", type: .string, description: "Brand")]), history: [], extracted: [:], state: AgentState(),
            message: "hi", profileName: nil)
        func output(_ reply: String) throws -> InterviewTask.Output {
            try (["reply": .string(reply), "extracted": [], "asking_about": nil, "declined": [], "done": false] as JSONValue)
                .decode(as: InterviewTask.Output.self)
        }
        #expect(task.validate(try output("Thanks! It costs 3.5 euros, right? Which brand do you buy?")).isEmpty)
        #expect(!task.validate(try output("One. Two. Three. Four?")).isEmpty)
        #expect(!task.validate(try output("Next questions:\n- brand\n- price")).isEmpty)
        #expect(!task.validate(try output("What is your fuel_brand?")).isEmpty)
        #expect(!task.validate(try output("  ")).isEmpty)
    }
}
