import CCrypto

/// An Ed25519 signing key (RFC 8032), computed by libcrypto (OpenSSL); the key never leaves this value.
///
/// ```swift
/// let key = try Ed25519SigningKey.generate()
/// let signature = try key.signature(for: Array("text\n".utf8))
/// ```
public struct Ed25519SigningKey: Sendable {
    /// The 32-byte seed the key derives from (RFC 8032's private key).
    let seed: [UInt8]
    /// The 32-byte public key.
    public let publicKey: Ed25519PublicKey

    /// The key of the 32-byte `seed`; throws ``CryptoFailure`` when `seed` has another length or libcrypto refuses.
    public init(seed: [UInt8]) throws(CryptoFailure) {
        guard seed.count == 32 else { throw CryptoFailure("an Ed25519 seed is 32 bytes, not \(seed.count)") }
        self.seed = seed
        let key = try Ed25519SigningKey.makeKey(seed)
        defer { EVP_PKEY_free(key) }
        var bytes = [UInt8](repeating: 0, count: 32)
        var length = 32
        guard EVP_PKEY_get_raw_public_key(key, &bytes, &length) == 1, length == 32 else {
            throw CryptoFailure("libcrypto could not derive the Ed25519 public key")
        }
        publicKey = Ed25519PublicKey(uncheckedBytes: bytes)
    }

    /// A new key from 32 random bytes of libcrypto's generator (`RAND_bytes`).
    public static func generate() throws(CryptoFailure) -> Ed25519SigningKey {
        var seed = [UInt8](repeating: 0, count: 32)
        guard RAND_bytes(&seed, 32) == 1 else { throw CryptoFailure("libcrypto has no random bytes to make a key") }
        return try Ed25519SigningKey(seed: seed)
    }

    /// The 64-byte Ed25519 signature of `message` (deterministic: the same message gets the same signature).
    public func signature(for message: [UInt8]) throws(CryptoFailure) -> [UInt8] {
        let key = try Ed25519SigningKey.makeKey(seed)
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { throw CryptoFailure("libcrypto is out of memory") }
        defer { EVP_MD_CTX_free(context) }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = 64
        let signed = message.withUnsafeBufferPointer { text in
            EVP_DigestSignInit(context, nil, nil, nil, key) == 1
                && EVP_DigestSign(context, &signature, &length, text.baseAddress, text.count) == 1
        }
        guard signed, length == 64 else { throw CryptoFailure("libcrypto could not sign with Ed25519") }
        return signature
    }

    private static func makeKey(_ seed: [UInt8]) throws(CryptoFailure) -> OpaquePointer {
        let key = seed.withUnsafeBufferPointer { bytes in
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, bytes.baseAddress, bytes.count)
        }
        guard let key else { throw CryptoFailure("libcrypto refused the Ed25519 seed") }
        return key
    }
}

/// An Ed25519 public key (RFC 8032): 32 bytes that check signatures.
public struct Ed25519PublicKey: Hashable, Sendable {
    /// The 32 bytes of the key.
    public let bytes: [UInt8]

    /// The key of exactly 32 bytes; nil for any other count.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    init(uncheckedBytes: [UInt8]) {
        self.bytes = uncheckedBytes
    }

    /// Whether `signature` is this key's Ed25519 signature of `message`; false for anything libcrypto rejects,
    /// including a key that is not a point of the curve.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64 else { return false }
        let key = bytes.withUnsafeBufferPointer { bytes in
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, bytes.baseAddress, bytes.count)
        }
        guard let key else { return false }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        return message.withUnsafeBufferPointer { text in
            EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1
                && EVP_DigestVerify(context, signature, signature.count, text.baseAddress, text.count) == 1
        }
    }
}

/// libcrypto could not do what was asked: out of memory, no randomness, a refused key.
public struct CryptoFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed, in one line.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
