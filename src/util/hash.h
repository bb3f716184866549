/*
 * SHA-256 (OpenSSL libcrypto) for fingerprints and file digests, and
 * HMAC-SHA-256 for keyed secret hashes. Hex output is lowercase.
 */
#ifndef POSTURE_UTIL_HASH_H
#define POSTURE_UTIL_HASH_H

/*
 * Fingerprints feed many short fields (and snippets byte by byte); each
 * EVP_DigestUpdate() call costs more than hashing a few bytes, so input is
 * staged in `pending` and handed to OpenSSL a block at a time.
 */
#define SHA256_STAGE 256

struct sha256_ctx {
	/* OpenSSL's SHA256_CTX, kept here so that a hash allocates nothing */
	_Alignas(8) unsigned char state[128];
	size_t npending;
	unsigned char pending[SHA256_STAGE];
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
/* Add a string followed by a 0 separator, so ("ab","c") != ("a","bc"). */
void sha256_field(struct sha256_ctx *c, const char *s);
/* Finish into `hexlen` hex digits (even, at most 64) plus a NUL; frees c. */
void sha256_final_hex(struct sha256_ctx *c, char *out, size_t hexlen);
/* Release without finishing (error paths); accepts a finished context. */
void sha256_release(struct sha256_ctx *c);

void sha256_hex(const void *data, size_t len, char out[static 65]);
void hmac_sha256_hex(const void *key, size_t keylen, const void *data,
		     size_t len, char out[static 65]);

#endif
