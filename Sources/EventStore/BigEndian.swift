/// Unsigned 64-bit numbers as 8-byte big-endian keys, so that LMDB's byte order is their numeric order: positions,
/// seconds of the recorded-time index, counts.
public enum BigEndian {
    /// The 8-byte big-endian encoding of `value`.
    public static func bytes(_ value: UInt64) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 8)
        var remaining = value
        for index in stride(from: 7, through: 0, by: -1) {
            bytes[index] = UInt8(truncatingIfNeeded: remaining)
            remaining >>= 8
        }
        return bytes
    }

    /// The number in the first 8 bytes of `bytes`; nil when there are fewer.
    public static func value(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count >= 8 else { return nil }
        var value: UInt64 = 0
        for index in 0..<8 { value = value << 8 | UInt64(bytes[index]) }
        return value
    }
}
