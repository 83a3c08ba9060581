import Calendars
import Core
import Testing

@Suite struct RecurrenceRuleTests {
    func at(_ year: Int64, _ month: Int64, _ day: Int64, _ hour: Int64 = 9) -> Int64 {
        Timestamp.days(fromCivil: year, month, day) * 86_400 + hour * 3600
    }

    func expand(_ rule: String, from start: Int64, to end: Int64, until: Int64? = nil) throws -> [Int64] {
        try #require(RecurrenceRule(rule)).expand(start: start, windowEnd: end, untilLocal: until)
    }

    @Test func weeklyOnSeveralDaysWithCount() throws {
        // Monday 2026-01-05: Mondays and Wednesdays, five in all.
        let instances = try expand("FREQ=WEEKLY;BYDAY=MO,WE;COUNT=5", from: at(2026, 1, 5), to: at(2027, 1, 1))
        #expect(instances == [at(2026, 1, 5), at(2026, 1, 7), at(2026, 1, 12), at(2026, 1, 14), at(2026, 1, 19)])
    }

    @Test func everyOtherWeekUntil() throws {
        let instances = try expand("FREQ=WEEKLY;INTERVAL=2;UNTIL=20260202T090000Z", from: at(2026, 1, 5), to: at(2027, 1, 1),
                                   until: at(2026, 2, 2))
        #expect(instances == [at(2026, 1, 5), at(2026, 1, 19), at(2026, 2, 2)])
    }

    @Test func monthlyByOrdinalWeekdayAndByMonthDay() throws {
        #expect(try expand("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", from: at(2026, 1, 30), to: at(2027, 1, 1))
                == [at(2026, 1, 30), at(2026, 2, 27), at(2026, 3, 27)])
        #expect(try expand("FREQ=MONTHLY;BYDAY=2TU", from: at(2026, 1, 13), to: at(2026, 4, 1))
                == [at(2026, 1, 13), at(2026, 2, 10), at(2026, 3, 10)])
        #expect(try expand("FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3", from: at(2026, 1, 31), to: at(2027, 1, 1))
                == [at(2026, 1, 31), at(2026, 2, 28), at(2026, 3, 31)])
        // The 31st only exists in some months: the others are skipped, not moved.
        #expect(try expand("FREQ=MONTHLY;COUNT=3", from: at(2026, 1, 31), to: at(2027, 1, 1))
                == [at(2026, 1, 31), at(2026, 3, 31), at(2026, 5, 31)])
    }

    @Test func dailyWithIntervalAndWeekdayFilter() throws {
        #expect(try expand("FREQ=DAILY;INTERVAL=3;COUNT=3", from: at(2026, 2, 27), to: at(2027, 1, 1))
                == [at(2026, 2, 27), at(2026, 3, 2), at(2026, 3, 5)])
        #expect(try expand("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", from: at(2026, 1, 9), to: at(2026, 1, 14))
                == [at(2026, 1, 9), at(2026, 1, 12), at(2026, 1, 13)])
    }

    @Test func yearlyAndSetPosition() throws {
        #expect(try expand("FREQ=YEARLY;COUNT=2", from: at(2024, 2, 29), to: at(2040, 1, 1)) == [at(2024, 2, 29), at(2028, 2, 29)])
        // The last weekday of the month.
        #expect(try expand("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=2", from: at(2026, 1, 30), to: at(2027, 1, 1))
                == [at(2026, 1, 30), at(2026, 2, 27)])
    }

    @Test func theWindowBoundsAnEndlessRule() throws {
        let instances = try expand("FREQ=DAILY", from: at(2020, 1, 1), to: at(2020, 1, 11))
        #expect(instances.count == 10)
        #expect(RecurrenceRule("FREQ=SECONDLY") == nil)
        #expect(RecurrenceRule("BYDAY=XX;FREQ=WEEKLY") == nil)
    }
}
