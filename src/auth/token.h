/* token.h - the secrets behind sign-ins: 256 random bits shown to the client
 * once as base64url text, and the SHA-256 hex digest that is all the
 * database ever keeps. Also the constant-time comparison every secret check
 * goes through, so response times say nothing about how much of a guess
 * was right. */
#ifndef KEHU_TOKEN_H
#define KEHU_TOKEN_H

#include <stddef.h>

#define TOKEN_RANDOM_BYTES 32
/* base64url of 32 bytes without padding is 43 characters, plus the NUL. */
#define TOKEN_TEXT_SIZE 44
/* 64 hex digits plus the NUL. */
#define TOKEN_HASH_SIZE 65

/* A new random secret (randombytes_buf, base64url without padding).
 * Returns 0, or -1 when libsodium cannot start. */
int token_random(char out[TOKEN_TEXT_SIZE]);
/* Lowercase hex SHA-256 of the secret's text. */
void token_hash(const char *secret, char out[TOKEN_HASH_SIZE]);
/* 1 when the two strings are equal; time depends only on their lengths. */
int token_equal(const char *a, const char *b);

#endif
