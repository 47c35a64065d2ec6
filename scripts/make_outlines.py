#!/usr/bin/env python3
"""Writes Sources/WebView/EuropeOutlines.swift: the country outlines `/map` draws, baked into sckb.

Source: Natural Earth 1:110m Admin 0 countries (public domain, https://www.naturalearthdata.com/), as bundled
with geopandas 0.14 (`naturalearth_lowres`):

    python3 -m pip install 'geopandas==0.14.*'
    python3 scripts/make_outlines.py

Projection: Lambert azimuthal equal-area centred on 52°N 10°E, the centre of ETRS89-LAEA (EPSG:3035), the
projection the European Environment Agency and Eurostat draw Europe in: areas keep their proportions and the
shapes from Iceland to Ukraine and from Norway to the Canaries stay recognisable, which a plain
longitude/latitude grid does not manage this far north. On the unit sphere:

    k = sqrt(2 / (1 + sin φ0 sin φ + cos φ0 cos φ cos(λ - λ0)))
    x = k cos φ sin(λ - λ0)
    y = k (cos φ0 sin φ - sin φ0 cos φ cos(λ - λ0))

then SVG x = (x - X0) * S and SVG y = (Y0 - y) * S, with X0, Y0 and S written into the Swift file, so that sckb
places the cities (WebView/MapProjection.swift) with the same numbers. The frame holds every city of events/
(checked here) from Reykjavík to Sievierodonetsk and from North Cape to Tenerife, Cyprus and Herzliya.

The outlines are clipped to the frame, simplified (Douglas-Peucker, tolerance TOLERANCE px) and rounded to whole
pixels of a WIDTH px wide drawing; rings smaller than MIN_AREA px² are dropped (Malta and Luxembourg-sized
islands vanish at this scale; the city dots still show where they are).
"""
import glob
import json
import math
import os
import sys
import warnings

warnings.filterwarnings("ignore", category=FutureWarning)
import geopandas  # noqa: E402
from shapely.geometry import box  # noqa: E402
import shapely  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(ROOT, "Sources", "WebView", "EuropeOutlines.swift")
WIDTH = 1000
TOLERANCE = 0.9
MIN_AREA = 6.0
CENTRE_LAT, CENTRE_LON = 52.0, 10.0
# Points the frame must hold (lon, lat): Iceland's west cape, the Canaries' west, Herzliya and Cyprus, the
# eastern edge of Ukraine, North Cape, the Atlantic west of Ireland.
EXTENT = [(-25.0, 66.5), (-18.5, 27.0), (36.0, 30.5), (41.0, 49.0), (30.0, 71.5), (-12.0, 52.0)]
MARGIN = 0.02  # of the projected width, on every side

# ISO 3166-1 alpha-3 (Natural Earth's iso_a3) to alpha-2 (the record's `country`), for the countries in the frame.
ALPHA2 = {
    "ALB": "AL", "AUT": "AT", "BEL": "BE", "BGR": "BG", "BIH": "BA", "BLR": "BY", "CHE": "CH", "CYP": "CY",
    "CZE": "CZ", "DEU": "DE", "DNK": "DK", "ESP": "ES", "EST": "EE", "FIN": "FI", "FRA": "FR", "GBR": "GB",
    "GRC": "GR", "HRV": "HR", "HUN": "HU", "IRL": "IE", "ISL": "IS", "ITA": "IT", "LTU": "LT", "LUX": "LU",
    "LVA": "LV", "MDA": "MD", "MKD": "MK", "MNE": "ME", "NLD": "NL", "NOR": "NO", "POL": "PL", "PRT": "PT",
    "ROU": "RO", "RUS": "RU", "SRB": "RS", "SVK": "SK", "SVN": "SI", "SWE": "SE", "TUR": "TR", "UKR": "UA",
    "ISR": "IL", "PSE": "PS", "LBN": "LB", "SYR": "SY", "JOR": "JO", "EGY": "EG", "LBY": "LY", "TUN": "TN",
    "DZA": "DZ", "MAR": "MA", "ESH": "EH", "GEO": "GE", "ARM": "AM", "AZE": "AZ", "IRQ": "IQ", "SAU": "SA",
    "KAZ": "KZ", "GRL": "GL", "MRT": "MR", "MLI": "ML", "IRN": "IR", "CYN": "",
}
NAMES = {"Kosovo": "XK", "N. Cyprus": "", "W. Sahara": "EH"}


def laea(lon, lat):
    phi, lam = math.radians(lat), math.radians(lon - CENTRE_LON)
    phi0 = math.radians(CENTRE_LAT)
    k = math.sqrt(2 / (1 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam)))
    return (k * math.cos(phi) * math.sin(lam),
            k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam)))


def frame():
    points = [laea(lon, lat) for lon, lat in EXTENT]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    pad = (max(xs) - min(xs)) * MARGIN
    x0, x1, y0, y1 = min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad
    scale = WIDTH / (x1 - x0)
    return x0, y1, scale, round((y1 - y0) * scale)


def ring_path(coordinates, scale_point):
    points = []
    for lon_lat in coordinates:
        point = scale_point(*lon_lat)
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        return ""
    area = abs(sum(points[i][0] * points[i - 1][1] - points[i - 1][0] * points[i][1] for i in range(len(points)))) / 2
    if area < MIN_AREA:
        return ""
    return "M" + "L".join(f"{x} {y}" for x, y in points) + "Z"


def main():
    x0, y_top, scale, height = frame()

    def to_svg(x, y):
        return ((x - x0) * scale, (y_top - y) * scale)

    countries = geopandas.read_file(geopandas.datasets.get_path("naturalearth_lowres"))
    countries = countries[countries.intersects(box(-40, 20, 60, 80))]
    window = box(-2, -2, WIDTH + 2, height + 2)
    lines = []
    for _, row in countries.sort_values("name").iterrows():
        projected = shapely.transform(row.geometry, lambda points: [to_svg(*laea(*point)) for point in points])
        clipped = projected.intersection(window)
        if clipped.is_empty:
            continue
        simplified = clipped.simplify(TOLERANCE, preserve_topology=True)
        polygons = getattr(simplified, "geoms", [simplified])
        path = ""
        for polygon in polygons:
            if polygon.geom_type != "Polygon":
                continue
            path += ring_path(polygon.exterior.coords, lambda x, y: (round(x), round(y)))
        if not path:
            continue
        code = NAMES.get(row["name"], ALPHA2.get(row.iso_a3, ""))
        lines.append(f"{code}\t{row['name']}\t{path}")

    cities = [json.loads(line) for name in glob.glob(os.path.join(ROOT, "events", "*.jsonl"))
              for line in open(name, encoding="utf-8") if '"CityLocated"' in line]
    for event in cities:
        x, y = to_svg(*laea(event["data"]["lon"], event["data"]["lat"]))
        if not (0 <= x <= WIDTH and 0 <= y <= height):
            sys.exit(f"make_outlines.py: {event['data']['city']} lies outside the frame at {x:.0f},{y:.0f}")

    # Each line of the literal indented 8 and at most 120 columns: a long path goes on with `\` (no newline).
    wrapped = []
    for line in lines:
        pieces = [line[i:i + 110] for i in range(0, len(line), 110)]
        wrapped.append("\\\n".join("        " + piece for piece in pieces))
    body = "\n".join(wrapped)
    with open(OUTPUT, "w", encoding="utf-8") as output:
        output.write(f"""// Generated by scripts/make_outlines.py from Natural Earth 1:110m countries (public domain,
// https://www.naturalearthdata.com/) as geopandas {geopandas.__version__} bundles them; do not edit, run the script.

/// Country outlines of Europe and its neighbours, projected (Lambert azimuthal equal-area on 52°N 10°E), clipped
/// to the map's frame, simplified and rounded to whole pixels of a {WIDTH} × {height} drawing.
enum EuropeOutlines {{
    /// The drawing's width and height, in its pixels.
    static let width = {WIDTH}
    static let height = {height}
    /// The projection's centre, in degrees.
    static let centreLatitude = {CENTRE_LAT!r}
    static let centreLongitude = {CENTRE_LON!r}
    /// Projected (unit sphere) x of the left edge and y of the top edge, and pixels per unit.
    static let left = {x0!r}
    static let top = {y_top!r}
    static let scale = {scale!r}
    /// One country a line: ISO 3166-1 alpha-2 code (empty when it has none), a tab, its name, a tab, its SVG path.
    static let countries = \"\"\"
{body}
        \"\"\"
}}
""")
    print(f"wrote {OUTPUT}: {len(lines)} countries, {os.path.getsize(OUTPUT)} bytes, frame {WIDTH}x{height}")


if __name__ == "__main__":
    main()
