import EventStore
import Foundation

/// Text folded for search: Unicode NFKD, combining marks dropped, case folded, and the letters that have no
/// decomposition mapped to their base (ł→l, ø→o, ı→i, đ→d, ß→ss, æ→ae, œ→oe), so that `koln` finds Köln and
/// `lodz` finds Łódź.
public enum SearchFolding {
    private static let bases: [Unicode.Scalar: String] = [
        "ł": "l", "ø": "o", "ı": "i", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe",
    ]

    /// A query as search looks for it: one phrase, its surrounding white space dropped, folded; empty when there is
    /// nothing to look for.
    public static func needle(_ query: String) -> String {
        fold(query.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// `text` folded.
    public static func fold(_ text: String) -> String {
        var folded = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCompatibilityMapping.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: continue
            default: break
            }
            for lower in scalar.properties.lowercaseMapping.unicodeScalars {
                if let base = bases[lower] {
                    folded.append(contentsOf: base.unicodeScalars)
                } else {
                    folded.append(lower)
                }
            }
        }
        return String(folded)
    }
}

/// What `search` finds: cities, projects, solutions, demonstrations and obstacles whose id, name or (obstacles) text
/// holds the folded query.
public struct SearchResults: Sendable, Equatable {
    /// The kinds of thing search finds, in the order results list them.
    public enum Kind: String, Sendable, CaseIterable {
        case city, project, solution, demonstration, obstacle
    }

    /// Which field of a thing matched.
    public enum Field: String, Sendable {
        case id, name, text
    }

    /// One thing found.
    public struct Result: Sendable, Equatable {
        /// What it is.
        public var kind: Kind
        /// Its id.
        public var id: Slug
        /// Its name: a demonstration's is "SOLUTION NAME in CITY NAME", an obstacle's is its text.
        public var name: String
        /// The field that matched, and that field's whole text.
        public var field: Field, match: String
    }

    /// The results, by kind in ``Kind`` order; within a kind exact matches first, then matches at the start of a
    /// word, then the rest, ties by id.
    public var results: [Result]
}

extension SearchResults: JSONValueView {
    /// `{"results":[{"kind","id","name","match","field"}]}`.
    var json: JSONValue {
        let items: [JSONValue] = results.map {
            [
                "kind": .choice($0.kind), "id": .string($0.id.rawValue), "name": .string($0.name),
                "match": .string($0.match), "field": .choice($0.field),
            ]
        }
        return ["results": .array(items)]
    }
}

/// A query that is empty once folded: search needs something to look for.
public struct EmptySearch: Error, Sendable, CustomStringConvertible {
    /// What to give instead.
    public var description: String { "the search text is empty; give a name, an id or words of an obstacle" }
}

extension ReadModels {
    /// Things whose id, name or (obstacles) text holds `query`, folded.
    func search(_ query: String, in tables: borrowing some KeyValueReader & ~Copyable) throws -> SearchResults {
        let needle = SearchFolding.needle(query)
        guard !needle.isEmpty else { throw EmptySearch() }
        let candidates = try searchable(in: tables)
        var found: [(rank: Int, result: SearchResults.Result)] = []
        for (kind, id, name, fields) in candidates {
            var best: (rank: Int, field: SearchResults.Field, text: String)?
            for (field, text) in fields {
                guard let rank = SearchFolding.rank(of: needle, in: SearchFolding.fold(text)) else { continue }
                if rank < best?.rank ?? Int.max { best = (rank, field, text) }
            }
            if let best {
                found.append((best.rank, .init(kind: kind, id: id, name: name, field: best.field, match: best.text)))
            }
        }
        let kinds = SearchResults.Kind.allCases
        found.sort { left, right in
            let leftKind = kinds.firstIndex(of: left.result.kind) ?? 0
            let rightKind = kinds.firstIndex(of: right.result.kind) ?? 0
            return (leftKind, left.rank, left.result.id) < (rightKind, right.rank, right.result.id)
        }
        return SearchResults(results: found.map(\.result))
    }
}

extension ReadModels {
    /// Everything search looks through: each thing's kind, id, name and the fields it matches on.
    func searchable(
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> [(SearchResults.Kind, Slug, String, [(SearchResults.Field, String)])] {
        var candidates: [(SearchResults.Kind, Slug, String, [(SearchResults.Field, String)])] = []
        for (id, row) in try tables.entries(of: cities) {
            let name = row.string("name") ?? id.rawValue
            candidates.append((.city, id, name, [(.name, name), (.id, id.rawValue)]))
        }
        for (id, row) in try tables.entries(of: projects) {
            let name = row.string("name") ?? id.rawValue
            candidates.append((.project, id, name, [(.name, name), (.id, id.rawValue)]))
        }
        for (id, row) in try tables.entries(of: solutions) {
            let name = row.string("name") ?? id.rawValue
            candidates.append((.solution, id, name, [(.name, name), (.id, id.rawValue)]))
        }
        for (id, row) in try tables.entries(of: demonstrations) {
            guard let solution = row.slug("solution"), let city = row.slug("city") else { continue }
            let name = try "\(solutionName(solution, in: tables)) in \(cityName(city, in: tables))"
            candidates.append((.demonstration, id, name, [(.name, name), (.id, id.rawValue)]))
        }
        for (id, row) in try tables.entries(of: obstacles) {
            let text = row.string("text") ?? ""
            candidates.append((.obstacle, id, text, [(.text, text), (.id, id.rawValue)]))
        }
        return candidates
    }

    /// Every thing search can find, A to Z by folded name, then by kind and id.
    func entityIndex(in tables: borrowing some KeyValueReader & ~Copyable) throws -> EntityIndex {
        let kinds = SearchResults.Kind.allCases
        let entries = try searchable(in: tables).map { kind, id, name, _ in
            (key: SearchFolding.fold(name), entry: EntityIndex.Entry(kind: kind, id: id, name: name))
        }
        .sorted {
            let left = ($0.key, kinds.firstIndex(of: $0.entry.kind) ?? 0, $0.entry.id)
            let right = ($1.key, kinds.firstIndex(of: $1.entry.kind) ?? 0, $1.entry.id)
            return left < right
        }
        return EntityIndex(entries: entries.map(\.entry))
    }
}

/// Every city, project, solution, demonstration and obstacle, A to Z by name (folded as search folds it): the
/// index a published site offers where a server would offer search.
public struct EntityIndex: Sendable, Equatable {
    /// One thing.
    public struct Entry: Sendable, Equatable {
        /// What it is.
        public var kind: SearchResults.Kind
        /// Its id.
        public var id: Slug
        /// Its name: a demonstration's is "SOLUTION NAME in CITY NAME", an obstacle's is its text.
        public var name: String
    }

    /// The things, by folded name, then kind (in ``SearchResults/Kind`` order), then id.
    public var entries: [Entry]
}

extension SearchFolding {
    /// 0 when `needle` is all of `haystack`, 1 when it begins a word of it, 2 when it is elsewhere in it; nil when
    /// it is not in it. A word begins at the start or after a character that is neither a letter nor a digit.
    static func rank(of needle: String, in haystack: String) -> Int? {
        if haystack == needle { return 0 }
        let target = Array(haystack.unicodeScalars)
        let pattern = Array(needle.unicodeScalars)
        guard !pattern.isEmpty, pattern.count <= target.count else { return nil }
        var rank: Int?
        for start in 0...(target.count - pattern.count)
        where target[start..<(start + pattern.count)].elementsEqual(pattern) {
            let previous = start > 0 ? target[start - 1] : nil
            let isWordStart = previous.map { !$0.properties.isAlphabetic && $0.properties.numericType == nil } ?? true
            if isWordStart { return 1 }
            rank = 2
        }
        return rank
    }
}
