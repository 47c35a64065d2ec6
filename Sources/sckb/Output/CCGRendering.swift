import Projections

/// The CCG views as text tables, names beside ids.
enum CCGRendering {
    static func members(_ view: CCGMembers) {
        TextTable(
            headers: ["CITY", "NAME", "COUNTRY", "SINCE", "POS", "MEETINGS ATTENDED"],
            rows: view.members.map {
                [
                    $0.city.rawValue, $0.name, $0.country, ProfileRendering.text($0.since),
                    ProfileRendering.text($0.position?.description), String($0.meetingsAttended),
                ]
            }
        ).print()
    }

    static func meetings(_ view: CCGMeetings) {
        TextTable(
            headers: ["MEETING", "KIND", "FORMAT", "ON", "PLACE", "ATTENDEES"],
            rows: view.meetings.map {
                [
                    $0.meeting.rawValue, ProfileRendering.text($0.kind?.rawValue),
                    ProfileRendering.text($0.format?.rawValue), $0.on, ProfileRendering.text($0.place),
                    $0.attendees.isEmpty ? "-" : $0.attendees.map(\.city.rawValue).joined(separator: " "),
                ]
            }
        ).print()
    }

    static func travel(_ view: CCGTravel) {
        Terminal.standardOutput.write("contributions (\(view.contributions.count))\n")
        if !view.contributions.isEmpty {
            TextTable(
                headers: ["CITY", "MEETING", "AMOUNT EUR", "YEAR", "AT", "POS"],
                rows: view.contributions.map {
                    [
                        ProfileRendering.named($0.city, $0.cityName), $0.meeting.rawValue,
                        ProfileRendering.text($0.amountEUR?.canonicalText), ProfileRendering.text($0.year.map(String.init)),
                        ProfileRendering.text($0.at), ProfileRendering.text($0.position?.description),
                    ]
                }
            ).print()
        }
        Terminal.standardOutput.write("\ntotals (\(view.totals.count))\n")
        if !view.totals.isEmpty {
            TextTable(
                headers: ["CITY", "YEAR", "TRIPS", "TOTAL EUR"],
                rows: view.totals.map {
                    [
                        ProfileRendering.named($0.city, $0.cityName), String($0.year),
                        ProfileRendering.text($0.trips?.canonicalText), ProfileRendering.text($0.totalEUR?.canonicalText),
                    ]
                }
            ).print()
        }
        Terminal.standardOutput.flush()
    }
}
