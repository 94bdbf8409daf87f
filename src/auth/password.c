/* password.c - see password.h. All hashing goes through libsodium's
 * crypto_pwhash_str_alg so the encoded string carries its own algorithm,
 * salt and cost, and old hashes keep verifying after the cost is raised. */
#include "password.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../util/utf8.h"

_Static_assert(PASSWORD_HASH_SIZE == crypto_pwhash_STRBYTES, "hash buffer matches libsodium");

/* OWASP Password Storage Cheat Sheet, argon2id minimum: m=19 MiB, t=2, p=1. */
#define OPSLIMIT_SERVER 2ULL
#define MEMLIMIT_SERVER (19u * 1024 * 1024)
/* Tests only (KEHU_PWHASH_FAST=1): cheap enough for hundreds of hashes. */
#define OPSLIMIT_FAST 1ULL
#define MEMLIMIT_FAST (8u * 1024 * 1024)

static void cost(unsigned long long *ops, size_t *mem)
{
    const char *fast = getenv("KEHU_PWHASH_FAST");
    int is_fast = fast && strcmp(fast, "1") == 0;
    *ops = is_fast ? OPSLIMIT_FAST : OPSLIMIT_SERVER;
    *mem = is_fast ? MEMLIMIT_FAST : MEMLIMIT_SERVER;
}

/* 1 when every code point of pw is the same one ("aaaaaaaa", "１１１１１１１１"). */
static int one_character_repeated(const char *pw, size_t n)
{
    const char *p = pw, *end = pw + n;
    uint32_t first, cp;
    if (utf8_next(&p, end, &first)) return 0;
    while (p < end) {
        if (utf8_next(&p, end, &cp) || cp != first) return 0;
    }
    return 1;
}

static int policy_fail(err *e, const char *field, const char *reason, const char *zh,
                       const char *en)
{
    err_set(e, 422, "validation_failed", zh, en);
    err_add_field(e, field, reason);
    return -1;
}

const char PASSWORD_RULE_ZH[] = "8 至 128 个字符（汉字、字母、数字、符号均可），不能全部是同一个字符";
const char PASSWORD_RULE_EN[] = "8 to 128 characters (Chinese characters, letters, digits or symbols), not one character repeated";

int password_check_policy(const char *pw, const char *field, err *e)
{
    size_t n = pw ? strlen(pw) : 0;
    long chars = n > PASSWORD_MAX_BYTES ? PASSWORD_MAX_CHARS + 1 : utf8_count(pw ? pw : "", n);
    if (chars < 0)
        return policy_fail(e, field, "invalid", "密码不是有效的 UTF-8 文本",
                           "The password is not valid UTF-8 text");
    if (chars < PASSWORD_MIN_CHARS)
        return policy_fail(e, field, "too_short", "密码太短：至少需要 8 个字符",
                           "The password is too short: at least 8 characters are needed");
    if (chars > PASSWORD_MAX_CHARS)
        return policy_fail(e, field, "too_long", "密码太长：最多 128 个字符",
                           "The password is too long: at most 128 characters");
    if (one_character_repeated(pw, n))
        return policy_fail(e, field, "weak", "密码太简单：不能全部是同一个字符",
                           "The password is too weak: it cannot be one character repeated");
    return 0;
}

static int sodium_ready(void)
{
    return sodium_init() >= 0; /* idempotent and thread-safe */
}

int password_hash(const char *pw, char out[PASSWORD_HASH_SIZE], err *e)
{
    unsigned long long ops;
    size_t mem;
    cost(&ops, &mem);
    if (!sodium_ready() ||
        crypto_pwhash_str_alg(out, pw, strlen(pw), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return err_set(e, 500, "internal_error", "服务器内存不足，无法处理密码",
                       "Out of memory while hashing the password");
    return 0;
}

/* Counted so a test can see that every sign-in path pays for exactly one
 * verification, without timing it against a wall clock. */
static atomic_long verifications;

long password_verifications(void)
{
    return atomic_load(&verifications);
}

int password_verify(const char *hash, const char *pw)
{
    if (!hash || !pw || !sodium_ready() || strlen(hash) >= PASSWORD_HASH_SIZE) {
        password_verify_dummy(pw ? pw : "");
        return 0;
    }
    atomic_fetch_add(&verifications, 1);
    return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

/* A hash of a random password, made once with the current cost: verifying
 * against it costs what a real verification costs and never succeeds. */
static char dummy_hash[PASSWORD_HASH_SIZE];
static int dummy_ok;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    if (!sodium_ready()) return;
    unsigned char raw[16];
    char text[sizeof raw * 2 + 1];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(text, sizeof text, raw, sizeof raw);
    unsigned long long ops;
    size_t mem;
    cost(&ops, &mem);
    dummy_ok = crypto_pwhash_str_alg(dummy_hash, text, strlen(text), ops, mem,
                                     crypto_pwhash_ALG_ARGON2ID13) == 0;
    sodium_memzero(text, sizeof text);
}

void password_verify_dummy(const char *pw)
{
    pthread_once(&dummy_once, make_dummy);
    if (!dummy_ok || !pw) return;
    atomic_fetch_add(&verifications, 1);
    int never_matches = crypto_pwhash_str_verify(dummy_hash, pw, strlen(pw));
    (void)never_matches;
}

int password_needs_rehash(const char *hash)
{
    unsigned long long ops;
    size_t mem;
    cost(&ops, &mem);
    if (!hash || strlen(hash) >= PASSWORD_HASH_SIZE) return 1;
    /* Non-zero: other parameters (1) or not an argon2id string at all (-1). */
    return crypto_pwhash_argon2id_str_needs_rehash(hash, ops, mem) != 0;
}
