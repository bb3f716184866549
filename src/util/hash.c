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

/* Two hex digits per byte from one table (a fingerprint is one per evidence). */
#define HEX2(x) #x "0" #x "1" #x "2" #x "3" #x "4" #x "5" #x "6" #x "7" \
		#x "8" #x "9" #x "a" #x "b" #x "c" #x "d" #x "e" #x "f"

static void to_hex(const unsigned char *bin, size_t hexlen, char *out)
{
	static const char pairs[] = HEX2(0) HEX2(1) HEX2(2) HEX2(3) HEX2(4) HEX2(5) HEX2(6)
		HEX2(7) HEX2(8) HEX2(9) HEX2(a) HEX2(b) HEX2(c) HEX2(d) HEX2(e) HEX2(f);
	size_t i;

	for (i = 0; i < hexlen / 2; i++)
		memcpy(out + 2 * i, pairs + 2 * bin[i], 2);
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
	/* the string's own NUL is the separator */
	sha256_update(c, s ? s : "", s ? strlen(s) + 1 : 1);
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
