import Foundation
import Projections

/// A profile as text: its facts as `label: value` lines, then each list as a titled table, then its obstacles.
struct ProfileText {
    private var facts: [(String, String)] = []
    private var sections: [(String, Int, TextTable)] = []
    private var obstacles: [ObstacleEntry] = []

    /// Adds a `label: value` line; nil shows as `-`.
    mutating func fact(_ label: String, _ value: String?) {
        facts.append((label, value.map(SafeText.escaped) ?? "-"))
    }

    /// Adds a titled table of `rows` (one per item) under `headers`.
    mutating func section(_ title: String, _ headers: [String], _ rows: [[String]]) {
        sections.append((title, rows.count, TextTable(headers: headers, rows: rows)))
    }

    /// Adds the obstacles section.
    mutating func obstacles(_ entries: [ObstacleEntry]) {
        obstacles = entries
    }

    func print() {
        var text = ""
        for (label, value) in facts { text += "\(label): \(value)\n" }
        Terminal.standardOutput.write(text)
        for (title, count, table) in sections {
            Terminal.standardOutput.write("\n\(title) (\(count))\n")
            if count > 0 { table.print() }
        }
        Terminal.standardOutput.write("\nobstacles (\(obstacles.count))\n")
        Terminal.standardOutput.write(ObstacleRendering.blocks(obstacles))
        Terminal.standardOutput.flush()
    }
}

/// The text form of the profiles and lists: names beside ids, `-` for what the record does not give.
enum ProfileRendering {
    /// `Name (id)`, or `-` without an id.
    static func named(_ id: Slug?, _ name: String?) -> String {
        guard let id else { return "-" }
        guard let name, name != id.rawValue else { return id.rawValue }
        return "\(name) (\(id.rawValue))"
    }

    static func text(_ value: String?) -> String { value ?? "-" }

    /// A project in a table: its id (project names run long; `sckb project ID` shows the name).
    static func project(_ id: Slug?) -> String { id?.rawValue ?? "-" }

    static func city(_ profile: CityProfile) {
        var out = ProfileText()
        out.fact("city", profile.city.rawValue)
        out.fact("name", profile.name)
        out.fact("country", profile.country)
        out.fact("tier", profile.tier.rawValue)
        out.fact("registered", profile.registered)
        out.fact("position", profile.position?.description)
        out.fact("ccg.member", profile.ccg.isMember ? "yes" : "no")
        out.fact("ccg.since", profile.ccg.since)
        out.fact(
            "ccg.meetings_attended",
            profile.ccg.meetingsAttended.isEmpty ? nil : profile.ccg.meetingsAttended.map(\.rawValue).joined(separator: " ")
        )
        out.fact("contact.held", profile.contact.isHeld ? "yes" : "no")
        out.section(
            "projects",
            ["PROJECT", "NAME", "ROLE"],
            profile.projects.map { [$0.project.rawValue, $0.projectName, $0.role.rawValue] }
        )
        out.section(
            "demonstrations",
            ["DEMONSTRATION", "SOLUTION", "PROJECT", "AT"],
            profile.demonstrations.map {
                [$0.demonstration.rawValue, named($0.solution, $0.solutionName), project($0.project), $0.at]
            }
        )
        func replications(_ items: [CityProfile.Replication]) -> [[String]] {
            items.map {
                [
                    $0.position.description, named($0.solution, $0.solutionName),
                    $0.city == nil ? project($0.project) + " lighthouse cities" : named($0.city, $0.cityName),
                    $0.at, text($0.funding?.rawValue), project($0.project),
                ]
            }
        }
        out.section(
            "replications_in",
            ["POS", "SOLUTION", "FROM", "AT", "FUNDING", "PROJECT"],
            replications(profile.replicationsIn)
        )
        out.section(
            "replications_out",
            ["POS", "SOLUTION", "TO", "AT", "FUNDING", "PROJECT"],
            replications(profile.replicationsOut)
        )
        out.section(
            "open_plans",
            ["POS", "SOLUTION", "CITY", "FROM", "PROJECT", "AT"],
            profile.openPlans.map {
                [
                    $0.position.description, named($0.solution, $0.solutionName), named($0.city, $0.cityName),
                    named($0.from, $0.fromName), project($0.project), $0.at,
                ]
            }
        )
        out.section(
            "ccg.travel",
            ["MEETING", "AMOUNT EUR", "YEAR", "POS"],
            profile.ccg.travel.map {
                [$0.meeting.rawValue, $0.amountEUR.canonicalText, text($0.year.map(String.init)), text($0.position?.description)]
            }
        )
        out.section(
            "grants",
            ["GRANT", "PROGRAMME", "SOLUTION", "AMOUNT EUR"],
            profile.grants.map {
                [
                    $0.grant.rawValue, text($0.programme?.rawValue), named($0.solution, $0.solutionName),
                    text($0.amountEUR?.canonicalText),
                ]
            }
        )
        out.section(
            "contact.contacts",
            ["CONTACT", "SINCE", "POS", "ERASED BY"],
            profile.contact.contacts.map {
                [$0.contact.rawValue, text($0.since), text($0.position?.description), text($0.erasedBy?.description)]
            }
        )
        out.obstacles(profile.obstacles)
        out.print()
    }

    static func project(_ profile: ProjectProfile) {
        var out = ProfileText()
        out.fact("project", profile.project.rawValue)
        out.fact("name", profile.name)
        out.fact("call", profile.call)
        out.fact("start", profile.start)
        out.fact("end", profile.end)
        out.fact("ended", profile.isEnded ? "yes" : "no")
        out.fact("ended_at", profile.endedAt)
        out.fact("registered", profile.registered)
        out.fact("position", profile.position?.description)
        out.fact("lighthouse_cities", String(profile.lighthouseCities))
        out.fact("fellow_cities", String(profile.fellowCities))
        out.fact("demonstrations reporting", String(profile.impact.demonstrations))
        out.section(
            "cities",
            ["CITY", "COUNTRY", "ROLE"],
            profile.cities.map { [named($0.city, $0.name), $0.country, $0.role.rawValue] }
        )
        out.section(
            "demonstrations",
            ["DEMONSTRATION", "SOLUTION", "CITY", "AT"],
            profile.demonstrations.map {
                [$0.demonstration.rawValue, named($0.solution, $0.solutionName), named($0.city, $0.cityName), $0.at]
            }
        )
        out.section(
            "kpis",
            ["KPI", "REPORTED", "PUBLISHED"],
            KPI.allCases.compactMap { kpi -> [String]? in
                let reported = profile.impact.totals[kpi]
                let published = profile.impact.published[kpi]
                guard reported != nil || published != nil else { return nil }
                return [kpi.rawValue, text(reported?.canonicalText), text(published?.canonicalText)]
            }
        )
        out.obstacles(profile.obstacles)
        out.print()
    }

    static func solution(_ profile: SolutionProfile) {
        var out = ProfileText()
        out.fact("solution", profile.solution.rawValue)
        out.fact("name", profile.name)
        out.fact("area", profile.area?.rawValue)
        out.fact("registered", profile.registered)
        out.fact("position", profile.position?.description)
        out.fact("reach", String(profile.reach))
        out.fact("lighthouse_to_fellow", String(profile.lighthouseToFellow))
        out.section(
            "demonstrations",
            ["DEMONSTRATION", "CITY", "PROJECT", "AT"],
            profile.demonstrations.map {
                [$0.demonstration.rawValue, named($0.city, $0.cityName), project($0.project), $0.at]
            }
        )
        out.section(
            "replications",
            ["POS", "CITY", "FROM", "PROJECT", "AT", "FUNDING"],
            profile.replications.map {
                [
                    $0.position.description, named($0.city, $0.cityName), named($0.from, $0.fromName),
                    project($0.project), $0.at, text($0.funding?.rawValue),
                ]
            }
        )
        out.section(
            "plans",
            ["POS", "CITY", "FROM", "PROJECT", "AT", "STATUS", "CLOSED BY"],
            profile.plans.map {
                [
                    $0.position.description, named($0.city, $0.cityName), named($0.from, $0.fromName),
                    project($0.project), $0.at, text($0.status?.rawValue),
                    text($0.closedBy?.description),
                ]
            }
        )
        out.obstacles(profile.obstacles)
        out.print()
    }

    static func projects(_ list: ProjectList) {
        TextTable(
            headers: ["PROJECT", "NAME", "START", "END", "ENDED", "LIGHTHOUSE", "FELLOW"],
            rows: list.projects.map {
                [
                    $0.project.rawValue, $0.name, text($0.start), text($0.end), $0.isEnded ? "yes" : "no",
                    String($0.lighthouseCities), String($0.fellowCities),
                ]
            }
        ).print()
    }

    static func cities(_ list: CityList) {
        TextTable(
            headers: ["CITY", "NAME", "COUNTRY", "TIER", "PROJECTS"],
            rows: list.cities.map {
                [
                    $0.city.rawValue, $0.name, $0.country, $0.tier.rawValue,
                    $0.projects.map { "\($0.project.rawValue):\($0.role.rawValue)" }.joined(separator: " "),
                ]
            }
        ).print()
    }
}
