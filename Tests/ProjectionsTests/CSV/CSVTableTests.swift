import EventStore
import Foundation
import Testing

@testable import Projections

/// The CSV of table views: RFC 4180 fields, formula-safe text, dotted columns, through `CSVTable` and a view.
@Suite struct CSVTableTests {
    static func csv(_ elements: [JSONValue]) -> String {
        String(decoding: CSVTable(elements).bytes, as: UTF8.self)
    }

    @Test(
        "a text cell that a spreadsheet would run gets a leading quote; numbers and other text do not",
        arguments: [
            ("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "\"'\tx\""), ("\rx", "\"'\rx\""), ("a=b", "a=b"), ("Köln", "Köln"),
        ]
    )
    func formulaSafe(text: String, cell: String) {
        #expect(Self.csv([["v": .string(text)]]) == "v\r\n\(cell)\r\n")
    }

    @Test("numbers as numbers, null empty, lists joined with spaces, commas, quotes and line breaks quoted")
    func cells() {
        let table = Self.csv([
            [
                "n": .number(JSONNumber(integer: -3)), "z": .null, "l": .array(["a", "b"]),
                "t": .string("one, \"two\"\nthree"), "b": .bool(true),
            ]
        ])
        #expect(table == "b,l,n,t,z\r\ntrue,a b,-3,\"one, \"\"two\"\"\nthree\",\r\n")
    }

    @Test("control characters other than tab, CR and LF are escaped as on the terminal")
    func controls() {
        #expect(Self.csv([["v": .string("a\u{1B}[2Jb\u{7}")]]) == "v\r\na\\u{1B}[2Jb\\u{7}\r\n")
    }

    @Test("nested objects become dotted columns in printed order; an object null in some rows leaves them empty")
    func dotted() {
        let table = Self.csv([
            ["a": 1, "overcome": ["how": "x", "at": "2020-01-01"], "z": 2],
            ["a": 3, "overcome": .null, "z": 4],
        ])
        #expect(table == "a,overcome.at,overcome.how,z\r\n1,2020-01-01,x,2\r\n3,,,4\r\n")
    }

    @Test("kpis: one row per KPI with reported and published, every KPI listed")
    func kpis() {
        var totals = ImpactTotals(totals: [.smartMeters: JSONNumber(integer: 12)], demonstrations: 1)
        totals.published = [.energySavedPercent: JSONNumber(hundredths: 1250)]
        let lines = String(decoding: totals.csv, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.first == "kpi,reported,published")
        #expect(lines.count == KPI.allCases.count + 2 && lines.last == "")
        #expect(lines.contains("smart_meters,12,") && lines.contains("energy_saved_pct,,12.5"))
    }
}
