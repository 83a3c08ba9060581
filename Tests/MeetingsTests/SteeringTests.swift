import Core
import FoundationEssentials
import Meetings
import Store
import TestSupport
import Testing

@Suite struct SteeringTests {
    let base = SteeringProfile.defaultProfile

    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 0.0001 }

    @Test func thumbsDownNotesMoveTheWeightsWithinBounds() {
        let news = SteeringFeedback.adjusted(base, score: -1, notes: "Needs more recent news")
        #expect(close(news.weights.news, 0.5))
        #expect(close(news.weights.sum, 1))
        #expect(news.weights.rolePains < base.weights.rolePains && news.weights.competitors < base.weights.competitors)
        // Raising the same weight again and again stops where the others reach their floor.
        var profile = base
        for _ in 0..<20 { profile = SteeringFeedback.adjusted(profile, score: -1, notes: "competitor angle missing") }
        #expect(close(profile.weights.competitors, 0.8))
        #expect(close(profile.weights.news, SteeringFeedback.floor) && close(profile.weights.rolePains, SteeringFeedback.floor))
        #expect(close(profile.weights.sum, 1))
        let role = SteeringFeedback.adjusted(base, score: -1, notes: "nothing about her role's pains")
        #expect(close(role.weights.rolePains, 0.45))
    }

    @Test func genericAddsOneSpecificityRuleAndThumbsUpChangesNothing() {
        let generic = SteeringFeedback.adjusted(base, score: -1, notes: "Too generic")
        #expect(generic.specificityRules.contains(SteeringFeedback.specificityRule))
        #expect(generic.weights == base.weights)
        #expect(SteeringFeedback.adjusted(generic, score: -1, notes: "still generic").specificityRules.count == generic.specificityRules.count)
        #expect(SteeringFeedback.adjusted(base, score: 1, notes: "generic but fine") == base)
        #expect(SteeringFeedback.adjusted(base, score: -1, notes: nil) == base)
    }

    @Test func weightsMustSumToOne() {
        var profile = base
        profile.weights.news = 0.9
        #expect(profile.problems().map(\.field) == ["weights"])
        profile.weights = .init(news: -0.2, rolePains: 0.6, competitors: 0.6)
        #expect(profile.problems().map(\.field).contains("weights.news"))
    }

    @Test func versionsAreImmutableAndNumbered() throws {
        let directory = try TemporaryDirectory()
        let store = SteeringStore(database: try TestDatabase.open(directory.file("bundle.sqlite"), migrations: MeetingsSchema.migrations))
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let first = try store.current(now: now)
        #expect(first.version == 1)
        #expect(first.source == "default")
        var profile = first.profile
        profile.competitors.append("Outreach")
        let (second, created) = try store.save(profile, source: "put", now: now)
        #expect(created && second.version == 2)
        #expect(try store.save(profile, source: "put", now: now).created == false, "an unchanged profile makes no version")
        #expect(try store.versions().map(\.version) == [2, 1])
        #expect(try store.versions().last?.profile == SteeringProfile.defaultProfile)
        #expect(try profile.changes(from: first.profile) == ["competitors"])
        var bad = profile
        bad.weights.news = 2
        #expect(throws: BundleError.self) { try store.save(bad, source: "put", now: now) }
    }
}

@Suite struct FeedbackDirectionTests {
    let base = SteeringProfile.defaultProfile

    func apply(_ notes: String) -> (profile: SteeringProfile, rules: [SteeringFeedback.AppliedRule]) {
        SteeringFeedback.apply(base, score: -1, notes: notes)
    }

    @Test func lessAndFewerLowerAWeightMoreRaisesIt() {
        let less = apply("less news please")
        #expect(less.profile.weights.news < base.weights.news)
        #expect(abs(less.profile.weights.news - 0.3) < 0.0001)
        #expect(abs(less.profile.weights.sum - 1) < 0.0001)
        #expect(less.rules == [.init(rule: "lower news", matched: "less news", effect: "weights.news 0.4 → 0.3")])
        for notes in ["fewer competitors", "too much competitor talk", "no more competitor comparisons", "the competitor part was too much"] {
            #expect(apply(notes).profile.weights.competitors < base.weights.competitors, "\(notes)")
        }
        let both = apply("Less news, more about competitors")
        #expect(both.profile.weights.news < base.weights.news && both.profile.weights.competitors > base.weights.competitors)
        #expect(both.rules.map(\.rule) == ["lower news", "raise competitors"])
        #expect(apply("not enough news").profile.weights.news > base.weights.news)
    }

    @Test func noDontWantAndNotInterestedLowerAndANegationFlipsARaise() {
        for (notes, key) in [("No news please", "news"), ("I don't want news", "news"), ("Don't need news", "news"),
                             ("no competitors please", "competitors"), ("Not interested in competitor stuff", "competitors"),
                             ("enough of the competitor talk", "competitors"), ("skip the news", "news"), ("without news", "news")] {
            let result = apply(notes)
            #expect(result.profile.weights[key] < base.weights[key], "\(notes)")
            #expect(result.rules.map(\.rule) == ["lower \(key)"], "\(notes)")
        }
        let flipped = apply("never add news")
        #expect(flipped.profile.weights.news < base.weights.news)
        #expect(flipped.rules == [.init(rule: "lower news (negated raise)", matched: "never add news", effect: "weights.news 0.4 → 0.3")])
        #expect(apply("I want news").profile.weights.news > base.weights.news, "a raise without a negation still raises")
        let missing = apply("there was no news about the funding round")
        #expect(missing.profile.weights.news > base.weights.news, "news was missing")
        #expect(missing.rules.first?.matched == "no news about")
    }

    @Test func wholeWordsOnlyAndTheDefaultRuleIsNamed() {
        // "out of control", "spain", "pressure", "newsletter": no topic word in them.
        for notes in ["this was out of control", "the Spain office", "pressure was high", "our newsletter"] {
            let result = apply(notes)
            #expect(result.profile == base, "\(notes)")
            #expect(result.rules.isEmpty, "\(notes)")
        }
        let plain = apply("the role's pains")
        #expect(plain.rules == [.init(rule: "raise role_pains (default: no direction word)", matched: "role", effect: "weights.role_pains 0.35 → 0.45")])
        let generic = apply("too generic")
        #expect(generic.rules.map(\.rule) == ["add specificity rule"])
        #expect(generic.profile.weights == base.weights)
    }

    @Test func aWeightAtItsFloorSaysSo() {
        var profile = base
        for _ in 0..<5 { profile = SteeringFeedback.adjusted(profile, score: -1, notes: "less news") }
        #expect(abs(profile.weights.news - SteeringFeedback.floor) < 0.0001)
        let again = SteeringFeedback.apply(profile, score: -1, notes: "less news")
        #expect(again.rules.first?.effect == "weights.news stays 0.1 (at its floor)")
    }
}
