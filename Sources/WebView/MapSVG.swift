import Foundation
import Projections

/// Where a latitude and longitude fall on the map: the Lambert azimuthal equal-area projection on 52°N 10°E, with
/// the frame and scale that `scripts/make_outlines.py` wrote into ``EuropeOutlines`` (so cities and outlines agree).
enum MapProjection {
    /// The point of `lat`, `lon` (degrees) in the drawing's pixels, from its top left corner.
    static func point(lat: Double, lon: Double) -> (x: Double, y: Double) {
        let radians = Double.pi / 180
        let phi = lat * radians
        let lambda = (lon - EuropeOutlines.centreLongitude) * radians
        let phi0 = EuropeOutlines.centreLatitude * radians
        let k = (2 / (1 + sin(phi0) * sin(phi) + cos(phi0) * cos(phi) * cos(lambda))).squareRoot()
        let x = k * cos(phi) * sin(lambda)
        let y = k * (cos(phi0) * sin(phi) - sin(phi0) * cos(phi) * cos(lambda))
        return ((x - EuropeOutlines.left) * EuropeOutlines.scale, (EuropeOutlines.top - y) * EuropeOutlines.scale)
    }

    /// The outlines as (alpha-2 code, name, SVG path) triples.
    static let countries: [(code: String, name: String, path: String)] = EuropeOutlines.countries
        .split(separator: "\n")
        .compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 else { return nil }
            return (String(fields[0]), String(fields[1]), String(fields[2]))
        }
}

/// The replication map drawn as SVG: Europe's outlines, every located city at its place styled by tier, each
/// replication an arc from origin to target (planned ones dashed), coloured by area; cities link to their
/// profiles and arcs to their replication pages, names written where they fit and in every `<title>`.
struct MapSVG {
    /// A city on the map.
    struct City {
        var id: Slug
        var name: String
        var tier: Tier
        var x: Double, y: Double
    }

    /// An arc: one replication from one or more origins (a project's lighthouse cities) to its target.
    struct Arc {
        var edge: GraphEdge
        var origins: [(x: Double, y: Double)]
        var target: (x: Double, y: Double)
    }

    /// Every located city at the cut.
    var cities: [City]
    /// The edges whose target and at least one origin are located.
    var arcs: [Arc]
    /// Each solution's name and area.
    var solutions: [Slug: (name: String, area: Area)]
    /// The cut that links keep.
    var cut: RequestCut

    /// The located cities of `list`, and the arcs of `graph` between them (an edge an end of which has no
    /// location is left out).
    init(
        list: CityList,
        graph: ReplicationGraph,
        solutions: [Slug: (name: String, area: Area)],
        cut: RequestCut
    ) {
        var cities: [City] = []
        var places: [Slug: (x: Double, y: Double)] = [:]
        for entry in list.cities {
            guard let location = entry.location else { continue }
            let point = MapProjection.point(lat: location.lat.doubleValue, lon: location.lon.doubleValue)
            places[entry.city] = point
            cities.append(City(id: entry.city, name: entry.name, tier: entry.tier, x: point.x, y: point.y))
        }
        let lighthouses = Dictionary(
            graph.projectOrigins.map { ($0.project, $0.lighthouseCities) },
            uniquingKeysWith: { first, _ in first }
        )
        var arcs: [Arc] = []
        for edge in graph.edges {
            guard let target = places[edge.to] else { continue }
            let originCities = edge.from.map { [$0] } ?? edge.project.flatMap { lighthouses[$0] } ?? []
            let origins = originCities.filter { $0 != edge.to }.compactMap { places[$0] }
            guard !origins.isEmpty else { continue }
            arcs.append(Arc(edge: edge, origins: origins, target: target))
        }
        self.cities = cities
        self.arcs = arcs
        self.solutions = solutions
        self.cut = cut
    }

    /// An arrowhead per area, `map-arrow-AREA`.
    private static let markers =
        "<defs>"
        + GraphSVG.colours.map { area, colour in
            "<marker id=\"map-arrow-\(area.rawValue)\" viewBox=\"0 0 10 10\" refX=\"15\" refY=\"5\" markerWidth=\"6\" "
                + "markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"\(colour)\"/></marker>"
        }.joined() + "</defs>"

    private static let fontSize = 11.0
    private static let characterWidth = 6.1

    func render() -> String {
        let width = EuropeOutlines.width
        let height = EuropeOutlines.height
        let done = arcs.filter { $0.edge.status == .done }.count
        var svg = """
            <svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" role="img" \
            aria-labelledby="map-title">
            <title id="map-title">Map of Europe: \(cities.count) located cities, \(done) replications done and \
            \(arcs.count - done) planned drawn as arcs</title>
            \(MapSVG.markers)
            <rect class="sea" x="0" y="0" width="\(width)" height="\(height)"/>
            <g class="land">

            """
        for country in MapProjection.countries {
            svg += "<path d=\"\(country.path)\"><title>\(HTML.escape(country.name))</title></path>\n"
        }
        svg += "</g>\n<g class=\"arcs\">\n"
        for arc in arcs { svg += self.arc(arc) }
        svg += "</g>\n<g class=\"cities\">\n"
        let ends = Set(arcs.flatMap { [$0.edge.to] + ($0.edge.from.map { [$0] } ?? []) })
        let labels = placeLabels(ends: ends)
        for city in cities.sorted(by: { MapSVG.rank($0, ends) > MapSVG.rank($1, ends) }) {
            svg += self.city(city, isEnd: ends.contains(city.id), label: labels[city.id])
        }
        return svg + "</g>\n" + legend(height: height) + "</svg>"
    }

    /// Which cities are labelled first: ends of an arc, then lighthouse, fellow and other cities.
    private static func rank(_ city: City, _ ends: Set<Slug>) -> Int {
        let tier = city.tier == .lighthouse ? 2 : (city.tier == .fellow ? 1 : 0)
        return (ends.contains(city.id) ? 4 : 0) + tier
    }

    /// Where each city's name goes (x, y and anchor), for the cities whose name fits beside them without covering
    /// another name: right of the dot, else left of it.
    private func placeLabels(ends: Set<Slug>) -> [Slug: (x: Double, y: Double, anchor: String)] {
        var taken: [(Double, Double, Double, Double)] = []
        var placed: [Slug: (x: Double, y: Double, anchor: String)] = [:]
        let ordered = cities.sorted {
            (-MapSVG.rank($0, ends), $0.name, $0.id.rawValue) < (-MapSVG.rank($1, ends), $1.name, $1.id.rawValue)
        }
        for city in ordered {
            let labelWidth = Double(city.name.count) * MapSVG.characterWidth
            let top = city.y - MapSVG.fontSize + 3
            for isRight in [true, false] {
                let left = isRight ? city.x + 6 : city.x - 6 - labelWidth
                let box = (left, top, left + labelWidth, top + MapSVG.fontSize)
                guard box.0 >= 2, box.2 <= Double(EuropeOutlines.width) - 2,
                    !taken.contains(where: { box.0 < $0.2 && $0.0 < box.2 && box.1 < $0.3 && $0.1 < box.3 })
                else { continue }
                taken.append(box)
                placed[city.id] = (isRight ? city.x + 6 : city.x - 6, city.y + 4, isRight ? "start" : "end")
                break
            }
        }
        return placed
    }

    private func arc(_ arc: Arc) -> String {
        let edge = arc.edge
        let area = solutions[edge.solution]?.area
        let dashed = edge.status == .planned ? " planned" : ""
        let marker = area.map { " marker-end=\"url(#map-arrow-\($0.rawValue))\"" } ?? ""
        var html = """
            <a class="arc \(edge.status.rawValue)" \
            href="\(HTML.escape(Page.href("/replication/\(edge.position.rawValue)", cut: cut)))">
            """
        for origin in arc.origins {
            html += "<path class=\"edge\(dashed)\" d=\"\(MapSVG.curve(from: origin, to: arc.target))\" "
            html += "stroke=\"\(GraphSVG.colour(of: area))\"\(marker)/>"
        }
        return html + "<title>\(HTML.escape(GraphSVG.title(of: edge)))</title></a>\n"
    }

    /// A quadratic curve from `start` to `end`, bowed to the left of its direction by a fifth of its length, so
    /// that the arcs A→B and B→A stay apart.
    static func curve(from start: (x: Double, y: Double), to end: (x: Double, y: Double)) -> String {
        let (dx, dy) = (end.x - start.x, end.y - start.y)
        let control = ((start.x + end.x) / 2 + dy * 0.2, (start.y + end.y) / 2 - dx * 0.2)
        return "M\(pixel(start.x)) \(pixel(start.y))Q\(pixel(control.0)) \(pixel(control.1)) "
            + "\(pixel(end.x)) \(pixel(end.y))"
    }

    /// `value` with one decimal.
    static func pixel(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        let text = String(Int(tenths / 10))
        let fraction = Int(abs(tenths).truncatingRemainder(dividingBy: 10))
        return (tenths < 0 && tenths > -10 ? "-" : "") + text + (fraction == 0 ? "" : ".\(fraction)")
    }

    private func city(_ city: City, isEnd: Bool, label: (x: Double, y: Double, anchor: String)?) -> String {
        let radius = (city.tier == .lighthouse ? 5.0 : city.tier == .fellow ? 4.0 : 3.0) + (isEnd ? 1 : 0)
        var html = """
            <a class="city \(city.tier.rawValue)" \
            href="\(HTML.escape(Page.href("/city/" + city.id.rawValue, cut: cut)))"><circle \
            cx="\(MapSVG.pixel(city.x))" cy="\(MapSVG.pixel(city.y))" r="\(MapSVG.pixel(radius))"/>
            """
        if let label {
            html += "<text x=\"\(MapSVG.pixel(label.x))\" y=\"\(MapSVG.pixel(label.y))\""
            html += label.anchor == "end" ? " text-anchor=\"end\">" : ">"
            html += HTML.escape(city.name) + "</text>"
        }
        return html + "<title>\(HTML.escape(city.name)) · \(city.tier.rawValue) city</title></a>\n"
    }

    private func legend(height: Int) -> String {
        let top = height - 118
        var svg = "<g class=\"legend\"><rect x=\"8\" y=\"\(top)\" width=\"196\" height=\"110\"/>"
        let tiers: [(Tier, String, Double)] = [
            (.lighthouse, "lighthouse city", 5), (.fellow, "fellow city", 4), (.other, "other city", 3),
        ]
        for (index, tier) in tiers.enumerated() {
            let y = top + 16 + index * 17
            svg += "<g class=\"city \(tier.0.rawValue)\"><circle cx=\"22\" cy=\"\(y)\" r=\"\(MapSVG.pixel(tier.2))\"/>"
            svg += "<text x=\"34\" y=\"\(y + 4)\">\(tier.1)</text></g>"
        }
        let lines = top + 16 + 3 * 17
        svg += "<path class=\"edge\" d=\"M16 \(lines)H44\" stroke=\"#555555\"/>"
        svg += "<text x=\"50\" y=\"\(lines + 4)\">replication done</text>"
        svg += "<path class=\"edge planned\" d=\"M16 \(lines + 17)H44\" stroke=\"#555555\"/>"
        svg += "<text x=\"50\" y=\"\(lines + 21)\">planned (with planned edges)</text>"
        return svg + "</g>\n"
    }
}
