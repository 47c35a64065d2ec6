/// Unsigned 64-bit numbers as 8-byte big-endian keys, so that LMDB's byte order is their numeric order: positions,
/// seconds of the recorded-time index, counts.
public enum BigEndian {
    /// The 8-byte big-endian encoding of `value`.
    public static func bytes(_ value: UInt64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    /// Appends the 8-byte big-endian encoding of `value` to `bytes`.
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// The number in the first 8 bytes of `bytes`; nil when there are fewer.
    public static func value(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count >= 8 else { return nil }
        return UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))
    }
}
