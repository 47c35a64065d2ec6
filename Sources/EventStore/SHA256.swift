/// An incremental SHA-256 hash function (FIPS 180-4).
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
    private var state0: UInt32 = 0x6a09_e667
    private var state1: UInt32 = 0xbb67_ae85
    private var state2: UInt32 = 0x3c6e_f372
    private var state3: UInt32 = 0xa54f_f53a
    private var state4: UInt32 = 0x510e_527f
    private var state5: UInt32 = 0x9b05_688c
    private var state6: UInt32 = 0x1f83_d9ab
    private var state7: UInt32 = 0x5be0_cd19
    /// Bytes of an incomplete block, fewer than 64.
    private var pending: [UInt8] = []
    /// Total number of bytes hashed so far.
    private var length: UInt64 = 0

    private static let blockSize = 64

    /// Creates a hasher in the initial state, ready for its first ``update(_:)``.
    public init() {
        pending.reserveCapacity(Self.blockSize)
    }

    /// Adds the bytes in `bytes` to the hashed message.
    ///
    /// The buffer is read only during the call; the hasher keeps no pointer into it.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        length &+= UInt64(bytes.count)
        var offset = 0
        let total = bytes.count
        if !pending.isEmpty {
            let taken = min(Self.blockSize - pending.count, total)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: taken))
            offset = taken
            guard pending.count == Self.blockSize else { return }
            pending.withUnsafeBytes { block in
                if let blockBase = block.baseAddress {
                    compress(blockBase, blockCount: 1)
                }
            }
            pending.removeAll(keepingCapacity: true)
        }
        let blockCount = (total - offset) / Self.blockSize
        if blockCount > 0 {
            compress(base + offset, blockCount: blockCount)
            offset += blockCount * Self.blockSize
        }
        if offset < total {
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base + offset, count: total - offset))
        }
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
        let bitLength = length &* 8
        var tail: [UInt8] = [0x80]
        let used = (pending.count + 1) % Self.blockSize
        let zeros = used <= 56 ? 56 - used : 120 - used
        tail.append(contentsOf: repeatElement(0, count: zeros))
        for shift in stride(from: 56, through: 0, by: -8) {
            tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
        }
        // `update` would count the padding in `length`; only the digest is needed from here on.
        let savedLength = length
        update(tail)
        length = savedLength
        var digest: [UInt8] = []
        digest.reserveCapacity(32)
        for word in [state0, state1, state2, state3, state4, state5, state6, state7] {
            digest.append(UInt8(truncatingIfNeeded: word >> 24))
            digest.append(UInt8(truncatingIfNeeded: word >> 16))
            digest.append(UInt8(truncatingIfNeeded: word >> 8))
            digest.append(UInt8(truncatingIfNeeded: word))
        }
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

    /// Processes `blockCount` consecutive 64-byte blocks starting at `blocks`.
    private mutating func compress(_ blocks: UnsafeRawPointer, blockCount: Int) {
        Self.roundConstants.withUnsafeBufferPointer { constants in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
                var h0 = state0
                var h1 = state1
                var h2 = state2
                var h3 = state3
                var h4 = state4
                var h5 = state5
                var h6 = state6
                var h7 = state7
                for blockIndex in 0..<blockCount {
                    let block = blocks + blockIndex * Self.blockSize
                    for index in 0..<16 {
                        let word = block.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
                        schedule[index] = UInt32(bigEndian: word)
                    }
                    for index in 16..<64 {
                        let early = schedule[index - 15]
                        let late = schedule[index - 2]
                        let sigma0 = rotateRight(early, 7) ^ rotateRight(early, 18) ^ (early >> 3)
                        let sigma1 = rotateRight(late, 17) ^ rotateRight(late, 19) ^ (late >> 10)
                        schedule[index] = schedule[index - 16] &+ sigma0 &+ schedule[index - 7] &+ sigma1
                    }
                    var a = h0
                    var b = h1
                    var c = h2
                    var d = h3
                    var e = h4
                    var f = h5
                    var g = h6
                    var h = h7
                    for index in 0..<64 {
                        let bigSigma1 = rotateRight(e, 6) ^ rotateRight(e, 11) ^ rotateRight(e, 25)
                        let choice = (e & f) ^ (~e & g)
                        let temporary1 = h &+ bigSigma1 &+ choice &+ constants[index] &+ schedule[index]
                        let bigSigma0 = rotateRight(a, 2) ^ rotateRight(a, 13) ^ rotateRight(a, 22)
                        let majority = (a & b) ^ (a & c) ^ (b & c)
                        let temporary2 = bigSigma0 &+ majority
                        h = g
                        g = f
                        f = e
                        e = d &+ temporary1
                        d = c
                        c = b
                        b = a
                        a = temporary1 &+ temporary2
                    }
                    h0 &+= a
                    h1 &+= b
                    h2 &+= c
                    h3 &+= d
                    h4 &+= e
                    h5 &+= f
                    h6 &+= g
                    h7 &+= h
                }
                state0 = h0
                state1 = h1
                state2 = h2
                state3 = h3
                state4 = h4
                state5 = h5
                state6 = h6
                state7 = h7
            }
        }
    }

    private static let roundConstants: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}

@inline(__always)
private func rotateRight(_ value: UInt32, _ count: UInt32) -> UInt32 {
    (value &>> count) | (value &<< (32 &- count))
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
