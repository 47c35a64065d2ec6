import Testing

@testable import EventStore

@Suite struct SHA256Tests {
    /// FIPS 180-4 examples, also reproduced by `printf %s INPUT | sha256sum`.
    static let knownAnswers: [(input: String, digest: String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ]

    @Test("known-answer vectors from FIPS 180-4", arguments: knownAnswers)
    func knownAnswer(input: String, digest: String) {
        #expect(SHA256.hash(Array(input.utf8)).hex == digest)
        var hasher = SHA256()
        hasher.update(input.utf8)
        #expect(hasher.finalize().hex == digest)
    }

    @Test("one million 'a' hash to the FIPS 180-4 digest")
    func oneMillionA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)).hex == expected)
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 {
            hasher.update(chunk)
        }
        #expect(hasher.finalize().hex == expected)
    }

    /// `head -c N /dev/zero | tr '\0' 'x' | sha256sum`, for lengths around the padding boundary.
    static let paddingAnswers: [(length: Int, digest: String)] = [
        (55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"),
        (56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"),
        (63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"),
        (64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"),
        (65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"),
        (119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"),
        (128, "24da1b81d0b16df6428eee73c69fcb2a93c76bc6df706f0c6670fe6bfe800464"),
    ]

    @Test("lengths around the padding boundary hash as sha256sum does", arguments: paddingAnswers)
    func paddingBoundary(length: Int, digest: String) {
        let input = [UInt8](repeating: UInt8(ascii: "x"), count: length)
        #expect(SHA256.hash(input).hex == digest)
        var hasher = SHA256()
        for byte in input {
            hasher.update([byte])
        }
        #expect(hasher.finalize().hex == digest)
    }

    @Test("updates split at every offset give the one-shot digest")
    func splitUpdatesAgree() {
        let input = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 73 &+ 11) }
        let oneShot = SHA256.hash(input)
        for split in 0...input.count {
            var hasher = SHA256()
            hasher.update(Array(input[..<split]))
            hasher.update(input[split...])
            #expect(hasher.finalize() == oneShot, "split at \(split)")
        }
    }

    @Test("updates split in three at many offsets give the one-shot digest")
    func threeWaySplitsAgree() {
        let input = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 151 &+ 3) }
        let oneShot = SHA256.hash(input)
        for first in stride(from: 0, through: input.count, by: 7) {
            for second in stride(from: first, through: input.count, by: 13) {
                var hasher = SHA256()
                input[..<first].withUnsafeBytes { hasher.update($0) }
                input[first..<second].withUnsafeBytes { hasher.update($0) }
                input[second...].withUnsafeBytes { hasher.update($0) }
                #expect(hasher.finalize() == oneShot, "splits at \(first) and \(second)")
            }
        }
    }

    @Test("a non-contiguous sequence hashes like its bytes")
    func nonContiguousSequence() {
        let input = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var hasher = SHA256()
        hasher.update(input.lazy.map { $0 })
        #expect(hasher.finalize() == SHA256.hash(input))
    }

    @Test("hex round-trips and accepts either case")
    func hexRoundTrip() throws {
        let digest = SHA256.hash(Array("abc".utf8))
        let parsed = try #require(SHA256Digest(hex: digest.hex))
        #expect(parsed == digest)
        #expect(parsed.description == digest.hex)
        #expect(SHA256Digest(hex: digest.hex.uppercased()) == digest)
        #expect(SHA256Digest(bytes: digest.bytes) == digest)
    }

    @Test(
        "malformed hex is refused",
        arguments: [
            "",
            String(repeating: "0", count: 63),
            String(repeating: "0", count: 65),
            String(repeating: "g", count: 64),
            String(repeating: "0", count: 62) + " 0",
            String(repeating: "é", count: 32),
        ]
    )
    func malformedHex(text: String) {
        #expect(SHA256Digest(hex: text) == nil)
    }

    @Test("the zero digest is 32 zero bytes")
    func zeroDigest() {
        #expect(SHA256Digest.zero.bytes == [UInt8](repeating: 0, count: 32))
        #expect(SHA256Digest.zero.hex == String(repeating: "0", count: 64))
        #expect(SHA256Digest(bytes: [UInt8](repeating: 0, count: 31)) == nil)
        #expect(SHA256Digest(bytes: [UInt8](repeating: 0, count: 33)) == nil)
    }
}
