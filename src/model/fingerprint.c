#include "posture.h"
#include "model/fingerprint.h"
#include "util/hash.h"

#include <ctype.h>

/*
 * The first 255 bytes of s in lower case, as a field. tolower() of the C
 * locale (posture sets no other) maps A-Z only: done inline here, it is
 * not a call per byte.
 */
static void add_lower(struct sha256_ctx *c, const char *s)
{
	char buf[256];
	size_t i;

	for (i = 0; s && s[i] && i < sizeof(buf) - 1; i++)
		buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
	buf[i] = '\0';
	sha256_update(c, buf, i + 1);
}

void fingerprint_snippet(char out[static FINGERPRINT_HEX + 1], const char *snippet)
{
	struct sha256_ctx c;
	const char *p = snippet;
	bool space = false, any = false;

	sha256_init(&c);
	for (; *p; p++) {
		if (isspace((unsigned char)*p)) {
			space = any;
			continue;
		}
		if (space)
			sha256_update(&c, " ", 1);
		sha256_update(&c, p, 1);
		space = false;
		any = true;
	}
	sha256_final_hex(&c, out, FINGERPRINT_HEX);
}

void fingerprint_purl_base(char *out, size_t outlen, const char *purl)
{
	size_t n = strcspn(purl, "@?#");

	/* a scoped npm name is "pkg:npm/%40scope/name": '@' is encoded there */
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, purl, n);
	out[n] = '\0';
}

void fingerprint_image_base(char *out, size_t outlen, const char *image)
{
	size_t n = strcspn(image, "@");
	const char *slash, *colon;

	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, image, n);
	out[n] = '\0';
	/* a ':' after the last '/' starts the tag; one before it is a registry port */
	slash = strrchr(out, '/');
	colon = strrchr(slash ? slash : out, ':');
	if (colon)
		out[colon - out] = '\0';
}

void fingerprint_url_base(char *out, size_t outlen, const char *url)
{
	const char *p = strstr(url, "://"), *host, *path;
	size_t n = 0, hostlen, pathlen, i;

	if (!p) {
		snprintf(out, outlen, "%.*s", (int)strcspn(url, "?#"), url);
		return;
	}
	host = p + 3;
	hostlen = strcspn(host, "/?#");
	path = host + hostlen;
	pathlen = strcspn(path, "?#");
	for (i = 0; i < (size_t)(p - url) && n + 1 < outlen; i++)
		out[n++] = (char)tolower((unsigned char)url[i]);
	for (i = 0; i < 3 && n + 1 < outlen; i++)
		out[n++] = "://"[i];
	for (i = 0; i < hostlen && n + 1 < outlen; i++)
		out[n++] = (char)tolower((unsigned char)host[i]);
	/* drop a default port */
	if (n >= 3 && !memcmp(out + n - 3, ":80", 3) && !strncmp(out, "http:", 5))
		n -= 3;
	else if (n >= 4 && !memcmp(out + n - 4, ":443", 4) && !strncmp(out, "https:", 6))
		n -= 4;
	if (!pathlen && n + 1 < outlen)
		out[n++] = '/';
	for (i = 0; i < pathlen && n + 1 < outlen; i++)
		out[n++] = path[i];
	out[n] = '\0';
}

static void add_tool_fingerprints(struct sha256_ctx *c, const struct kvlist *l)
{
	/* a fixed order, whatever order the report listed them in */
	const char *prev = "";
	size_t i, k;

	for (k = 0; k < l->n; k++) {
		const struct kv *next = NULL;

		for (i = 0; i < l->n; i++)
			if (strcmp(l->v[i].key, prev) > 0 &&
			    (!next || strcmp(l->v[i].key, next->key) < 0))
				next = &l->v[i];
		if (!next)
			break;
		sha256_field(c, next->key);
		sha256_field(c, next->value);
		prev = next->key;
	}
}

/* The part of a code location that survives line shifts. */
static void add_code_context(struct sha256_ctx *c, const struct evidence *ev)
{
	const char *primary = kvlist_get(&ev->tool_fingerprints, "primaryLocationLineHash");
	char snip[FINGERPRINT_HEX + 1];

	if (primary) {
		sha256_field(c, "plh");
		sha256_field(c, primary);
	} else if (ev->tool_fingerprints.n) {
		sha256_field(c, "tfp");
		add_tool_fingerprints(c, &ev->tool_fingerprints);
	} else if (ev->loc.snippet && *ev->loc.snippet) {
		fingerprint_snippet(snip, ev->loc.snippet);
		sha256_field(c, "snip");
		sha256_field(c, snip);
		/* identical lines in two functions are two problems */
		sha256_field(c, ev->loc.logical);
	} else if (ev->loc.logical) {
		sha256_field(c, "logical");
		sha256_field(c, ev->loc.logical);
	} else {
		char line[32];

		snprintf(line, sizeof(line), "%u", ev->loc.start_line);
		sha256_field(c, "line");
		sha256_field(c, line);
	}
}

void fingerprint_evidence(char out[static FINGERPRINT_HEX + 1], const struct evidence *ev)
{
	struct sha256_ctx c;
	char base[1024];

	sha256_init(&c);
	sha256_field(&c, "posture-fp-1");
	sha256_field(&c, kind_name(ev->kind));
	add_lower(&c, ev->tool);
	sha256_field(&c, ev->rule_id);

	switch (ev->kind) {
	case KIND_SCA:
	case KIND_CONTAINER:
		if (ev->loc.purl) {
			fingerprint_purl_base(base, sizeof(base), ev->loc.purl);
			sha256_field(&c, base);
		} else {
			sha256_field(&c, ev->loc.ecosystem);
			sha256_field(&c, ev->loc.name);
		}
		sha256_field(&c, ev->vuln_ids.n ? ev->vuln_ids.v[0] : NULL);
		/*
		 * Not the path: one package found by one scan under several
		 * lock files or directories is one problem with one fix, and
		 * each place stays an evidence row of it.
		 */
		if (ev->loc.image) {
			fingerprint_image_base(base, sizeof(base), ev->loc.image);
			sha256_field(&c, base);
		} else {
			sha256_field(&c, NULL);
		}
		break;
	case KIND_DAST:
	case KIND_API:
		if (ev->loc.url) {
			fingerprint_url_base(base, sizeof(base), ev->loc.url);
			sha256_field(&c, base);
			add_lower(&c, ev->loc.method);
			sha256_field(&c, ev->loc.param);
			break;
		}
		sha256_field(&c, ev->loc.path);
		add_code_context(&c, ev);
		break;
	case KIND_CLOUD:
		sha256_field(&c, ev->loc.provider);
		sha256_field(&c, ev->loc.resource);
		sha256_field(&c, ev->loc.path);
		break;
	case KIND_SECRET:
		sha256_field(&c, ev->loc.path);
		if (ev->secret_hash) {
			sha256_field(&c, "secret");
			sha256_field(&c, ev->secret_hash);
		} else {
			add_code_context(&c, ev);
		}
		break;
	case KIND_IAC:
		sha256_field(&c, ev->loc.resource);
		/* fall through */
	default:
		sha256_field(&c, ev->loc.path);
		sha256_field(&c, ev->loc.url);
		sha256_field(&c, ev->loc.purl);
		add_code_context(&c, ev);
		break;
	}
	sha256_final_hex(&c, out, FINGERPRINT_HEX);
}
