import Projections
import Testing

/// SPEC §4's rules for CCG membership, meetings and travel contributions, in process.
@Suite struct CCGRuleTests {
    typealias W = World

    // MARK: - Membership and meetings

    /// The ids of the current CCG members.
    static func members(_ store: RuleStore) throws -> [String] {
        try store.base.ccgMembers().members.map(\.city.rawValue)
    }

    @Test("CityJoinedCCG needs a registered city that is not a member now; a city may rejoin after leaving")
    func joinCCG() throws {
        try withRuleStore(seededWith: W.triangulum) { store in
            try store.refuse(W.joinedCCG("tartu"), naming: ["tartu"])
            try store.accept(W.joinedCCG("leipzig"))
            try store.refuse(W.joinedCCG("leipzig", at: "2021-02-01"), naming: ["leipzig"])
            try store.accept(W.leftCCG("leipzig", at: "2022-01-01"))
            try store.accept(W.joinedCCG("leipzig", at: "2023-01-01"))
            #expect(try Self.members(store) == ["leipzig"])
        }
    }

    @Test("CityLeftCCG needs a member now")
    func leaveCCG() throws {
        try withRuleStore(seededWith: W.triangulum + [W.joinedCCG("leipzig")]) { store in
            try store.refuse(W.leftCCG("sabadell", at: "2022-01-01"), naming: ["sabadell"])
            try store.accept(W.leftCCG("leipzig", at: "2022-01-01"))
            try store.refuse(W.leftCCG("leipzig", at: "2022-02-01"), naming: ["leipzig"])
            #expect(try Self.members(store).isEmpty)
        }
    }

    @Test("MeetingScheduled refuses a kind or format outside the catalogue")
    func meetingVocabulary() throws {
        try withRuleStore(seededWith: W.triangulum) { store in
            for (kind, format, value) in [("party", "physical", "party"), ("networking", "hybrid", "hybrid")] {
                try store.refuse(
                    .meetingScheduled,
                    ["meeting=ccg-2025-lisbon", "kind=\(kind)", "format=\(format)", "on=2025-03-10"],
                    at: "2024-12-01",
                    naming: [value],
                    as: .input
                )
            }
            for (meeting, kind, format) in [
                ("ccg-2025-lisbon", "networking", "physical"), ("ccg-2025-cocreate", "co-creation", "virtual"),
                ("ccg-2025-brussels", "advocacy", "physical"),
            ] {
                try store.accept(
                    .meetingScheduled,
                    ["meeting=\(meeting)", "kind=\(kind)", "format=\(format)", "on=2025-03-10"],
                    at: "2024-12-01"
                )
            }
        }
    }

    static let meetingWorld = W.triangulum + [W.joinedCCG("leipzig"), W.meeting("ccg-2025-lisbon", on: "2025-03-10")]

    static func attended(_ meeting: String, _ city: String, at: String) -> Step {
        Step(.meetingAttended, ["meeting=\(meeting)", "city=\(city)"], at: at)
    }

    @Test("MeetingAttended needs a scheduled meeting and a member city, once per city")
    func meetingAttended() throws {
        try withRuleStore(seededWith: Self.meetingWorld) { store in
            try store.refuse(Self.attended("ccg-2025-porto", "leipzig", at: "2025-03-10"), naming: ["ccg-2025-porto"])
            try store.refuse(Self.attended("ccg-2025-lisbon", "sabadell", at: "2025-03-10"), naming: ["sabadell"])
            try store.accept(Self.attended("ccg-2025-lisbon", "leipzig", at: "2025-03-10"))
            try store.refuse(
                Self.attended("ccg-2025-lisbon", "leipzig", at: "2025-03-11"),
                naming: ["leipzig", "ccg-2025-lisbon"]
            )
        }
    }

    @Test("MeetingAttended is refused for a city that has left the CCG")
    func meetingAttendedAfterLeaving() throws {
        try withRuleStore(seededWith: Self.meetingWorld + [W.leftCCG("leipzig", at: "2025-01-01")]) { store in
            try store.refuse(Self.attended("ccg-2025-lisbon", "leipzig", at: "2025-03-10"), naming: ["leipzig"])
            try store.accept(W.joinedCCG("leipzig", at: "2025-02-01"))
            try store.accept(Self.attended("ccg-2025-lisbon", "leipzig", at: "2025-03-10"))
        }
    }

    // MARK: - Travel

    @Test("TravelContributionGranted needs a CCG member")
    func travelMember() throws {
        try withRuleStore(seededWith: W.ccg) { store in
            try store.refuse(W.travel("eindhoven", "ccg-2025-lisbon", "300", at: "2025-03-11"), naming: ["eindhoven"])
            #expect(try !store.isEligible("eindhoven", "ccg-2025-lisbon", "300"))
            #expect(try store.isEligible("leipzig", "ccg-2025-lisbon", "300"))
            try store.accept(W.travel("leipzig", "ccg-2025-lisbon", "300", at: "2025-03-11"))
        }
    }

    @Test("TravelContributionGranted needs a city of a project that has ended earlier in the log")
    func travelEndedProject() throws {
        try withRuleStore(seededWith: W.ccg) { store in
            try store.refuse(W.travel("sabadell", "ccg-2025-lisbon", "300", at: "2025-03-11"), naming: ["sabadell"])
            try store.accept(W.ended("grow-smarter", at: "2021-06-30"))
            try store.accept(W.travel("sabadell", "ccg-2025-lisbon", "300", at: "2025-03-11"))
        }
    }

    @Test("TravelContributionGranted needs a scheduled physical meeting")
    func travelPhysicalMeeting() throws {
        try withRuleStore(seededWith: W.ccg) { store in
            try store.refuse(
                W.travel("leipzig", "ccg-2025-online", "300", at: "2025-04-11"),
                naming: ["ccg-2025-online"]
            )
            try store.refuse(W.travel("leipzig", "ccg-2025-porto", "300", at: "2025-04-11"), naming: ["ccg-2025-porto"])
            try store.accept(W.travel("leipzig", "ccg-2025-utrecht", "300", at: "2025-06-11"))
        }
    }

    @Test("TravelContributionGranted allows one contribution per city per meeting")
    func travelOncePerMeeting() throws {
        try withRuleStore(seededWith: W.ccg) { store in
            try store.accept(W.travel("leipzig", "ccg-2025-lisbon", "200", at: "2025-03-11"))
            try store.refuse(
                W.travel("leipzig", "ccg-2025-lisbon", "100", at: "2025-03-12"),
                naming: ["leipzig", "ccg-2025-lisbon"]
            )
        }
    }

    @Test(
        "TravelContributionGranted refuses an amount of 0 or above 450 EUR",
        arguments: ["0", "450.01", "-5", "1000"]
    )
    func travelBadAmount(amount: String) throws {
        try withRuleStore(seededWith: W.ccg) { store in
            try store.refuse(W.travel("leipzig", "ccg-2025-lisbon", amount, at: "2025-03-11"), naming: [amount])
            #expect(try !store.isEligible("leipzig", "ccg-2025-lisbon", amount))
        }
    }

    @Test("TravelContributionGranted accepts an amount above 0 up to 450 EUR", arguments: ["0.01", "450", "450.00"])
    func travelGoodAmount(amount: String) throws {
        try withRuleStore(seededWith: W.ccg) { store in
            #expect(try store.isEligible("leipzig", "ccg-2025-lisbon", amount))
            try store.accept(W.travel("leipzig", "ccg-2025-lisbon", amount, at: "2025-03-11"))
        }
    }

    @Test("a third trip in the calendar year of the meeting date is refused; a meeting in another year is fine")
    func travelThirdTrip() throws {
        try withRuleStore(seededWith: W.ccg) { store in
            try store.accept(W.travel("leipzig", "ccg-2025-lisbon", "100", at: "2025-03-11"))
            try store.accept(W.travel("leipzig", "ccg-2025-utrecht", "100", at: "2025-06-11"))
            // Granted in 2026, but the meeting is in 2025: it is the 2025 trips that count.
            try store.refuse(
                W.travel("leipzig", "ccg-2025-espoo", "100", at: "2026-01-15"),
                naming: ["leipzig", "2025"]
            )
            #expect(try !store.isEligible("leipzig", "ccg-2025-espoo", "100"))
            try store.accept(W.travel("leipzig", "ccg-2026-milan", "100", at: "2025-12-20"))
        }
    }

    @Test("more than 900 EUR in the calendar year of the meeting date is refused")
    func travelYearlySum() throws {
        // With at most 450 EUR a trip and 2 trips a year, 900 EUR can only be passed by a third trip, so this
        // rule is checked together with the trip count: both must be reported.
        try withRuleStore(seededWith: W.ccg) { store in
            try store.accept(W.travel("leipzig", "ccg-2025-lisbon", "450", at: "2025-03-11"))
            try store.accept(W.travel("leipzig", "ccg-2025-utrecht", "450", at: "2025-06-11"))
            try store.refuse(
                W.travel("leipzig", "ccg-2025-espoo", "0.01", at: "2025-09-11"),
                naming: ["leipzig", "900", "900.01"]
            )
            let answer = try store.base.eligibility(
                city: "leipzig",
                meeting: "ccg-2025-espoo",
                amount: JSONNumber(literal: "0.01")
            )
            #expect(!answer.isEligible)
            #expect(answer.reasons.contains { $0.contains("900") }, "\(answer.reasons)")
            try store.accept(W.travel("leipzig", "ccg-2026-milan", "450", at: "2026-03-11"))
        }
    }

    @Test("TravelContributionGranted is refused for a city that has left the CCG")
    func travelFormerMember() throws {
        try withRuleStore(seededWith: W.ccg + [W.leftCCG("leipzig", at: "2024-06-01")]) { store in
            try store.refuse(W.travel("leipzig", "ccg-2025-lisbon", "300", at: "2025-03-11"), naming: ["leipzig"])
            try store.accept(W.joinedCCG("leipzig", at: "2024-07-01"))
            try store.accept(W.travel("leipzig", "ccg-2025-lisbon", "300", at: "2025-03-11"))
        }
    }
}
