import Projections

/// Obstacles as text for a terminal of 100 columns: one block per obstacle, ids whole, long text wrapped.
enum ObstacleRendering {
    static let width = 100

    static func print(_ report: ObstacleReport) {
        Terminal.standardOutput.write(blocks(report.obstacles))
        var counts = TextTable("CATEGORY", "REPORTED", "OVERCOME", "OPEN")
        for entry in report.byCategory {
            counts.append([
                entry.category.rawValue, String(entry.reported), String(entry.overcome),
                String(entry.reported - entry.overcome),
            ])
        }
        let reported = report.obstacles.count
        let overcome = report.obstacles.filter { $0.overcome != nil }.count
        counts.append(["all", String(reported), String(overcome), String(reported - overcome)])
        if !report.obstacles.isEmpty { Terminal.standardOutput.write("\n") }
        counts.print()
    }

    /// The obstacles, each as a heading line and wrapped, indented text.
    static func blocks(_ obstacles: [ObstacleEntry]) -> String {
        var text = ""
        for (index, entry) in obstacles.enumerated() {
            if index > 0 { text += "\n" }
            let state = entry.overcome == nil ? "open" : "overcome"
            text += "\(entry.obstacle.rawValue)  [\(entry.category.rawValue), \(state)]\n"
            var place: [String] = []
            if let solution = entry.solution { place.append("solution \(solution.rawValue)") }
            if let city = entry.city { place.append("city \(city.rawValue)") }
            if let project = entry.project { place.append("project \(project.rawValue)") }
            place.append(unbroken("at \(entry.at) (position \(entry.position))"))
            text += wrapped(place.joined(separator: " · "), label: "where")
            text += wrapped(SafeText.escaped(entry.text), label: "obstacle")
            if let overcome = entry.overcome {
                text += wrapped(
                    SafeText.escaped(overcome.how) + " "
                        + unbroken("(at \(overcome.at), position \(overcome.position))"),
                    label: "overcome"
                )
            }
        }
        return text
    }

    /// `text` kept on one line by ``wrapped(_:label:)``: its spaces are no-break spaces until printed.
    private static func unbroken(_ text: String) -> String {
        text.replacingOccurrences(of: " ", with: "\u{00A0}")
    }

    /// `text` after an indented label, wrapped at word boundaries to ``width`` columns; a word longer than a line
    /// (a URL, an id) stands whole on its own line.
    static func wrapped(_ text: String, label: String) -> String {
        let indent = String(repeating: " ", count: 12)
        var result = ""
        var line = "  " + label + ":" + String(repeating: " ", count: max(1, 10 - label.count - 1))
        var lineHasWord = false
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if lineHasWord && line.count + 1 + word.count > width {
                result += line + "\n"
                line = indent
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        return (result + line + "\n").replacingOccurrences(of: "\u{00A0}", with: " ")
    }
}
