import CCrypto

/// An incremental SHA-256 hash function (FIPS 180-4), computed by libcrypto (OpenSSL), which uses the processor's SHA
/// extensions where it has them.
///
/// Feed bytes with ``update(_:)`` as they arrive, then call ``finalize()`` once:
///
/// ```swift
/// var hasher = SHA256()
/// hasher.update(previousHash.bytes)
/// hasher.update(canonicalBytes)
/// let digest = hasher.finalize()
/// ```
///
/// Splitting the input into any number of updates gives the same digest as one ``hash(_:)`` call.
public struct SHA256: Sendable {
    private var context = SHA256_CTX()

    /// Creates a hasher in the initial state, ready for its first ``update(_:)``.
    public init() {
        SHA256_Init(&context)
    }

    /// Adds the bytes in `bytes` to the hashed message.
    ///
    /// The buffer is read only during the call; the hasher keeps no pointer into it.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        SHA256_Update(&context, base, bytes.count)
    }

    /// Adds the bytes in `bytes` to the hashed message.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Adds the bytes of any sequence, such as `string.utf8` or an `ArraySlice<UInt8>`, to the hashed message.
    ///
    /// Contiguous sequences are hashed in place; others are copied in blocks first.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { update(UnsafeRawBufferPointer($0)) }
        guard handled == nil else { return }
        var chunk: [UInt8] = []
        chunk.reserveCapacity(4096)
        for byte in bytes {
            chunk.append(byte)
            if chunk.count == 4096 {
                update(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        update(chunk)
    }

    /// Pads the message, processes the last blocks and returns the digest.
    public consuming func finalize() -> SHA256Digest {
        var digest = [UInt8](repeating: 0, count: 32)
        digest.withUnsafeMutableBufferPointer { buffer in _ = SHA256_Final(buffer.baseAddress, &context) }
        return SHA256Digest(uncheckedBytes: digest)
    }

    /// Returns the SHA-256 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Returns the SHA-256 digest of the bytes in `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}

/// A 32-byte SHA-256 digest, shown as 64 lowercase hex digits.
public struct SHA256Digest: Hashable, Sendable, CustomStringConvertible {
    /// The 32 bytes of the digest.
    public let bytes: [UInt8]

    /// The digest made of 32 zero bytes: the previous hash of the first event in a chain.
    public static let zero = SHA256Digest(uncheckedBytes: [UInt8](repeating: 0, count: 32))

    init(uncheckedBytes: [UInt8]) {
        self.bytes = uncheckedBytes
    }

    /// Creates a digest from exactly 32 bytes; returns `nil` for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// Creates a digest from 64 hex digits in either case; returns `nil` for anything else.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(32)
        var index = 0
        while index < 64 {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            decoded.append(high << 4 | low)
            index += 2
        }
        self.bytes = decoded
    }

    /// The digest as 64 lowercase hex digits.
    public var hex: String {
        let alphabet: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(alphabet[Int(byte >> 4)])
            text.append(alphabet[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The same text as ``hex``.
    public var description: String { hex }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
