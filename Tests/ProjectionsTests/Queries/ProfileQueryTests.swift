import Projections
import Testing

/// The profiles and the CCG views of SPEC §5, in process.
@Suite struct ProfileQueryTests {
    typealias W = World

    /// A profile as `--format json` prints it: `city`, `project` or `solution` with its id.
    func printedProfile(_ kind: String, _ id: String, in base: KnowledgeBase) throws -> JSONObject {
        switch kind {
        case "city": try printedObject(try base.cityProfile(slug(id)))
        case "project": try printedObject(try base.projectProfile(slug(id)))
        default: try printedObject(try base.solutionProfile(slug(id)))
        }
    }

    @Test(
        "the city, project and solution profiles print their id under their kind",
        arguments: [("city", "leipzig"), ("project", "triangulum"), ("solution", "e-bus")]
    )
    func profiles(kind: String, id: String) throws {
        try withRuleStore(seededWith: W.fiveCities) { store throws in
            let profile = try printedProfile(kind, id, in: store.base)
            #expect(profile[kind]?.stringValue == id, "\(profile)")
        }
    }

    @Test("the city profile gathers projects, replications in and out, and open plans")
    func cityProfile() throws {
        try withRuleStore(seededWith: W.fiveCities) { store throws in
            let leipzig = try store.base.cityProfile(slug("leipzig"))
            #expect(leipzig.tier == .fellow)
            #expect(leipzig.country == "DE")
            #expect(leipzig.projects.map(\.project.rawValue) == ["triangulum"])
            #expect(Set(leipzig.replicationsIn.map(\.solution.rawValue)) == ["e-bus", "smart-lamppost"])
            #expect(leipzig.replicationsOut.count == 1)
            #expect(leipzig.openPlans.map(\.solution.rawValue) == ["heat-pumps"])
            let sabadell = try store.base.cityProfile(slug("sabadell"))
            #expect(
                Set(sabadell.projects.map { "\($0.project):\($0.role.rawValue)" }) == [
                    "triangulum:fellow", "grow-smarter:lighthouse",
                ]
            )
        }
    }

    @Test("a city's name with control characters and quotes comes back from the JSON profile exactly as entered")
    func hostileNameRoundTrips() throws {
        let name = "Bad\u{1B}[31m\nCity\"X"
        try withRuleStore(seededWith: [W.city("sabadell", name: name, country: "ES")]) { store throws in
            let profile = try store.base.cityProfile(slug("sabadell"))
            #expect(profile.name == name)
            #expect(try printedObject(profile)["name"]?.stringValue == name)
        }
    }

    // MARK: - CCG views

    @Test("the CCG members are the current members only")
    func ccgMembers() throws {
        try withRuleStore(seededWith: W.ccgAttendance) { store throws in
            let members = try store.base.ccgMembers().members
            #expect(members.map(\.city.rawValue) == ["leipzig", "tartu"])
            #expect(members.map(\.meetingsAttended) == [1, 1])
            let earlier = try store.base.ccgMembers(at: until("13")).members
            #expect(Set(earlier.map(\.city.rawValue)) == ["leipzig", "tartu", "eindhoven"])
        }
    }

    @Test("the CCG meetings are every meeting with its kind, format, date and attendees")
    func ccgMeetings() throws {
        try withRuleStore(seededWith: W.ccgAttendance) { store throws in
            let meetings = try store.base.ccgMeetings().meetings
            #expect(
                Set(meetings.map(\.meeting.rawValue)) == [
                    "ccg-2025-lisbon", "ccg-2025-online", "ccg-2025-utrecht", "ccg-2026-milan",
                ]
            )
            let lisbon = try #require(meetings.first { $0.meeting.rawValue == "ccg-2025-lisbon" })
            #expect(Set(lisbon.attendees.map(\.city.rawValue)) == ["leipzig", "tartu"])
            #expect(lisbon.on == "2025-03-10")
            let online = try #require(meetings.first { $0.meeting.rawValue == "ccg-2025-online" })
            #expect(online.format == .virtual)
            #expect(online.kind?.rawValue == "advocacy")
        }
    }

    @Test("the CCG travel of a year keeps the contributions for meetings in that year, with per-city totals")
    func ccgTravel() throws {
        try withRuleStore(seededWith: W.ccgAttendance) { store throws in
            #expect(try store.base.ccgTravel().contributions.count == 2)
            let year = try store.base.ccgTravel(year: 2025)
            #expect(year.contributions.map(\.meeting.rawValue) == ["ccg-2025-lisbon"])
            #expect(year.contributions.map { $0.amountEUR?.doubleValue ?? 0 } == [300])
            #expect(year.totals.count == 1)
            let leipzig = try #require(year.totals.first)
            #expect(leipzig.city.rawValue == "leipzig")
            #expect(leipzig.trips?.integerValue == 1)
            #expect(leipzig.totalEUR?.doubleValue == 300)
            #expect(try store.base.ccgTravel(year: 2024).contributions.isEmpty)
        }
    }

    /// `eligibility` with the amount given as text.
    func eligibility(
        _ store: RuleStore,
        _ city: String,
        _ meeting: String,
        _ amount: String? = nil
    ) throws -> Eligibility {
        try store.base.eligibility(city: city, meeting: meeting, amount: amount.map { try JSONNumber(literal: $0) })
    }

    @Test("eligibility is {eligible, reasons}, yes or no with every reason, and writes nothing")
    func ccgEligibility() throws {
        try withRuleStore(seededWith: W.ccgAttendance) { store throws in
            let before = try store.snapshot()
            let yes = try eligibility(store, "leipzig", "ccg-2025-utrecht", "150")
            #expect(yes.isEligible)
            #expect(!yes.reasons.isEmpty)
            let printed = try printedObject(yes)
            #expect(printed["eligible"]?.boolValue == true)
            #expect(printed["reasons"]?.arrayValue?.compactMap(\.stringValue) == yes.reasons)
            #expect(try eligibility(store, "leipzig", "ccg-2025-utrecht").isEligible)

            let notInEndedProject = try eligibility(store, "tartu", "ccg-2025-utrecht", "150")
            #expect(!notInEndedProject.isEligible)
            #expect(notInEndedProject.reasons.contains { $0.contains("tartu") }, "\(notInEndedProject.reasons)")
            #expect(try printedObject(notInEndedProject)["eligible"]?.boolValue == false)

            #expect(try !eligibility(store, "eindhoven", "ccg-2025-utrecht").isEligible, "a former member")

            let virtual = try eligibility(store, "leipzig", "ccg-2025-online")
            #expect(!virtual.isEligible)
            #expect(virtual.reasons.contains { $0.contains("ccg-2025-online") })
            #expect(try store.snapshot() == before)
        }
    }

    @Test("eligibility of an unknown city or meeting is a no with that reason")
    func ccgEligibilityUnknown() throws {
        try withRuleStore(seededWith: W.ccgAttendance) { store throws in
            let unknownCity = try eligibility(store, "oslo", "ccg-2025-utrecht")
            #expect(!unknownCity.isEligible)
            #expect(unknownCity.reasons.contains { $0.contains("oslo") }, "\(unknownCity.reasons)")

            let unknownMeeting = try eligibility(store, "leipzig", "ccg-2030-oslo")
            #expect(!unknownMeeting.isEligible)
            #expect(unknownMeeting.reasons.contains { $0.contains("ccg-2030-oslo") }, "\(unknownMeeting.reasons)")

            let both = try eligibility(store, "oslo", "ccg-2030-oslo")
            #expect(!both.isEligible)
            #expect(
                both.reasons.contains { $0.contains("'oslo'") }
                    && both.reasons.contains { $0.contains("ccg-2030-oslo") },
                "\(both.reasons)"
            )
        }
    }
}
