/* token.c - see token.h. */
#include "token.h"

#include <sodium.h>
#include <string.h>

_Static_assert(TOKEN_TEXT_SIZE ==
                   sodium_base64_ENCODED_LEN(TOKEN_RANDOM_BYTES,
                                             sodium_base64_VARIANT_URLSAFE_NO_PADDING),
               "token text buffer fits base64url of the random bytes");
_Static_assert(TOKEN_HASH_SIZE == crypto_hash_sha256_BYTES * 2 + 1, "hex digest buffer");

int token_random(char out[TOKEN_TEXT_SIZE])
{
    unsigned char raw[TOKEN_RANDOM_BYTES];
    if (sodium_init() < 0) return -1;
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, TOKEN_TEXT_SIZE, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    return 0;
}

void token_hash(const char *secret, char out[TOKEN_HASH_SIZE])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    /* Plain SHA-256 has no CPU-specific variants: no sodium_init needed. */
    crypto_hash_sha256(digest, (const unsigned char *)secret, strlen(secret));
    sodium_bin2hex(out, TOKEN_HASH_SIZE, digest, sizeof digest);
}

int token_equal(const char *a, const char *b)
{
    if (!a || !b) return 0;
    size_t n = strlen(a);
    return strlen(b) == n && sodium_memcmp(a, b, n) == 0;
}
