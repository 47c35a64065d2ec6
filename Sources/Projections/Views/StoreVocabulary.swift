import EventStore

// The store's value types that Projections' answers and calls carry, named by Projections so that the layers above it
// (the web view) use them as part of its vocabulary rather than by importing EventStore, whose transactions and
// tables they have no business with.

/// A position in the log, from 1 (EventStore's ``EventStore/Position``).
public typealias Position = EventStore.Position
/// A UTC instant (EventStore's ``EventStore/Timestamp``).
public typealias Timestamp = EventStore.Timestamp
/// The key that signs checkpoints and proofs (EventStore's ``EventStore/NoteSigner``).
public typealias NoteSigner = EventStore.NoteSigner
