#ifndef SCKB_CCRYPTO_SHIM_H
#define SCKB_CCRYPTO_SHIM_H
/* SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, which allocates a context per hash; the
   low-level calls are the faster path for the hash chain's many small messages. */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>
/* Ed25519 keys and signatures (EVP_PKEY, EVP_DigestSign/Verify) and the random seeds of new keys (RAND_bytes). */
#include <openssl/evp.h>
#include <openssl/rand.h>
#endif
