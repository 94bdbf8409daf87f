/* password.h - how Kehu keeps passwords: argon2id hashes (libsodium) with
 * OWASP's minimum cost, the password policy users are told about, and the
 * check that tells when an old hash should be upgraded at the next sign-in.
 *
 * KEHU_PWHASH_FAST=1 in the environment lowers the cost (1 pass, 8 MiB) so the
 * test suites can create hundreds of users quickly. It is for tests only:
 * never set it on a server, and hashes made with it are upgraded on the next
 * sign-in of a server running without it. */
#ifndef KEHU_PASSWORD_H
#define KEHU_PASSWORD_H

#include <stddef.h>

#include "../util/err.h"

#define PASSWORD_MIN_CHARS 8
#define PASSWORD_MAX_CHARS 128
#define PASSWORD_MAX_BYTES 512 /* 128 characters of four bytes: what reaches argon2id is bounded */
/* Room for an encoded hash with its NUL (libsodium's crypto_pwhash_STRBYTES). */
#define PASSWORD_HASH_SIZE 128

/* Checks the policy: 8..128 characters of valid UTF-8 (a Chinese character
 * is one), not one character repeated.
 * On failure fills e with 422 validation_failed and field `field` with reason
 * too_short, too_long, invalid (not UTF-8) or weak; returns -1. */
int password_check_policy(const char *pw, const char *field, err *e);

/* The same policy in words, for forms to show beside a password field (the
 * metadata serves them as password_policy). */
extern const char PASSWORD_RULE_ZH[];
extern const char PASSWORD_RULE_EN[];

/* Hashes pw (argon2id, current cost) into out. -1 with e (500) when the
 * memory for argon2 cannot be had. Does not check the policy. */
int password_hash(const char *pw, char out[PASSWORD_HASH_SIZE], err *e);

/* 1 when pw matches the stored hash, 0 otherwise (also for a NULL or
 * malformed hash). Takes the full hashing time either way. */
int password_verify(const char *hash, const char *pw);

/* Burns the time of one verification against a hash of the current cost, so
 * a sign-in for an unknown user takes as long as one with a wrong password. */
void password_verify_dummy(const char *pw);

/* How many argon2 verifications (real or dummy) this process has run. */
long password_verifications(void);

/* 1 when the hash was made with other parameters than the current ones and
 * should be replaced after a successful verification. */
int password_needs_rehash(const char *hash);

#endif
