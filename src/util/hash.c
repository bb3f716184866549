#include "posture.h"
#include "util/hash.h"

/*
 * SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP,
 * but EVP fetches the algorithm and allocates a context on every init:
 * that was most of the cost of a fingerprint (a few hundred bytes hashed).
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

_Static_assert(sizeof(SHA256_CTX) <= sizeof(((struct sha256_ctx *)0)->state),
	       "struct sha256_ctx holds a SHA256_CTX");

static void to_hex(const unsigned char *bin, size_t hexlen, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < hexlen / 2; i++) {
		out[2 * i] = hex[bin[i] >> 4];
		out[2 * i + 1] = hex[bin[i] & 15];
	}
	out[hexlen] = '\0';
}

void sha256_init(struct sha256_ctx *c)
{
	if (!SHA256_Init((SHA256_CTX *)c->state)) {
		fputs("posture: fatal: SHA-256 unavailable\n", stderr);
		abort();
	}
	c->npending = 0;
}

static void flush_pending(struct sha256_ctx *c)
{
	if (c->npending)
		SHA256_Update((SHA256_CTX *)c->state, c->pending, c->npending);
	c->npending = 0;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	if (!len)
		return;
	if (len <= SHA256_STAGE - c->npending) {
		memcpy(c->pending + c->npending, data, len);
		c->npending += len;
		return;
	}
	flush_pending(c);
	if (len >= SHA256_STAGE) {
		SHA256_Update((SHA256_CTX *)c->state, data, len);
		return;
	}
	memcpy(c->pending, data, len);
	c->npending = len;
}

void sha256_field(struct sha256_ctx *c, const char *s)
{
	if (s)
		sha256_update(c, s, strlen(s));
	sha256_update(c, "", 1);
}

void sha256_final_hex(struct sha256_ctx *c, char *out, size_t hexlen)
{
	unsigned char md[32];

	flush_pending(c);
	SHA256_Final(md, (SHA256_CTX *)c->state);
	to_hex(md, hexlen > 64 ? 64 : hexlen, out);
	sha256_release(c);
}

void sha256_release(struct sha256_ctx *c)
{
	(void)c; /* nothing to free: the state lives in c */
}

void sha256_hex(const void *data, size_t len, char out[static 65])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final_hex(&c, out, 64);
}

void hmac_sha256_hex(const void *key, size_t keylen, const void *data,
		     size_t len, char out[static 65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;

	HMAC(EVP_sha256(), key, (int)keylen, data, len, md, &mdlen);
	to_hex(md, 64, out);
}
