#include "posture.h"
#include "util/hash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

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
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		fputs("posture: fatal: SHA-256 unavailable\n", stderr);
		abort();
	}
	c->evp = ctx;
	c->npending = 0;
}

static void flush_pending(struct sha256_ctx *c)
{
	if (c->npending)
		EVP_DigestUpdate(c->evp, c->pending, c->npending);
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
		EVP_DigestUpdate(c->evp, data, len);
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
	unsigned int mdlen = 0;

	flush_pending(c);
	EVP_DigestFinal_ex(c->evp, md, &mdlen);
	to_hex(md, hexlen > 64 ? 64 : hexlen, out);
	sha256_release(c);
}

void sha256_release(struct sha256_ctx *c)
{
	EVP_MD_CTX_free(c->evp);
	c->evp = NULL;
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
