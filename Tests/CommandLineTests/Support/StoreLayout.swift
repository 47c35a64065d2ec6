import EventStore

/// The tables of a store that are not plain LMDB databases, as README's table of the store's layout gives them: the
/// tests that open a store's tables themselves must open these so.
let groupedTableLayouts: [String: TableLayout] = [
    "index.by-type": .grouped(suffix: 8, valueSize: 0),
    "index.by-entity": .grouped(suffix: 8, valueSize: 0),
    "index.without-source": .grouped(suffix: 8, valueSize: 8),
]
