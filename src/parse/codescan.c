#include "posture.h"
#include "parse/codescan.h"
#include "util/buf.h"
#include "util/hash.h"

#include <ctype.h>

enum severity parse__severity_word(const char *s)
{
	static const struct {
		const char *word;
		enum severity sev;
	} words[] = {
		{ "critical", SEV_CRITICAL }, { "high", SEV_HIGH }, { "medium", SEV_MEDIUM },
		{ "moderate", SEV_MEDIUM }, { "low", SEV_LOW }, { "info", SEV_INFO },
		{ "informational", SEV_INFO }, { "information", SEV_INFO }, { "note", SEV_INFO },
		{ "none", SEV_INFO },
	};
	size_t i;

	if (!s)
		return SEV_NONE;
	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcasecmp(s, words[i].word))
			return words[i].sev;
	return SEV_NONE;
}

enum confidence parse__confidence_word(const char *s)
{
	if (!s)
		return CONF_NONE;
	if (!strcasecmp(s, "high") || !strcasecmp(s, "certain"))
		return CONF_HIGH;
	if (!strcasecmp(s, "medium") || !strcasecmp(s, "firm"))
		return CONF_MEDIUM;
	if (!strcasecmp(s, "low") || !strcasecmp(s, "tentative") || !strcasecmp(s, "weak"))
		return CONF_LOW;
	return CONF_NONE;
}

static bool read_uint(const char **pp, unsigned *out)
{
	const char *p = *pp;
	unsigned long v = 0;

	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (unsigned long)(*p++ - '0');
		if (v >= UINT_MAX)
			return false;
	}
	*pp = p;
	*out = (unsigned)v;
	return true;
}

bool parse__line_range(const char *s, unsigned *start, unsigned *end)
{
	const char *p = s;
	unsigned a, b;

	if (!p)
		return false;
	while (*p == ' ')
		p++;
	if (!read_uint(&p, &a) || !a)
		return false;
	b = a;
	if (*p == '-' || *p == ':') {
		p++;
		if (!read_uint(&p, &b) || b < a)
			b = a;
	}
	*start = a;
	*end = b;
	return true;
}

const char *parse__code_lines(struct arena *a, const char *code, unsigned first,
			      unsigned last)
{
	struct pbuf b = PBUF_INIT;
	const char *p = code, *res = code;
	bool any = false;

	while (*p) {
		const char *eol = strchr(p, '\n'), *q = p;
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		unsigned long num = 0;

		if (!isdigit((unsigned char)*q))
			goto done; /* not numbered: keep it whole */
		while (isdigit((unsigned char)*q) && num < UINT_MAX)
			num = num * 10 + (unsigned long)(*q++ - '0');
		if (*q == ':')
			q++;
		if (*q == ' ' || *q == '\t')
			q++;
		if ((size_t)(q - p) > n)
			q = p + n;
		if (num >= first && num <= last) {
			if ((any && pbuf_addch(&b, '\n') < 0) ||
			    pbuf_add(&b, q, n - (size_t)(q - p)) < 0)
				goto done;
			any = true;
		}
		p += n;
		if (*p)
			p++;
	}
	if (any)
		res = arena_strndup(a, b.buf, b.len);
done:
	pbuf_release(&b);
	return res;
}

unsigned parse__uint(const struct jnode *n)
{
	long long v;

	if (json_int(n, &v) && v > 0 && v < UINT_MAX)
		return (unsigned)v;
	return 0;
}

struct check_state {
	const char *path;
	char where[256];
	enum jtype type;
	bool bad;
};

/* The record path with each "[*]" replaced by the record's own index. */
static void concrete_path(char *out, size_t outlen, const char *path, const struct jrec *rec)
{
	size_t n = 0, k = 0;
	const char *p = path;

	while (*p && n + 1 < outlen) {
		if (!strncmp(p, "[*]", 3) && k < rec->nindex) {
			n += (size_t)snprintf(out + n, outlen - n, "[%zu]", rec->index[k++]);
			p += 3;
		} else {
			out[n++] = *p++;
		}
	}
	out[n < outlen ? n : outlen - 1] = '\0';
}

static int check_cb(const struct jrec *rec, void *payload, struct perr *err)
{
	struct check_state *cs = payload;

	if (cs->bad || rec->node->type == JARR || rec->node->type == JNULL)
		return 0;
	cs->bad = true;
	cs->type = rec->node->type;
	concrete_path(cs->where, sizeof(cs->where), cs->path, rec);
	return 0;
}

int parse__check_array(const char *buf, size_t len, const char *path,
		       const struct parse_opts *opts, struct perr *err)
{
	struct jrec_format fmt = { .records = { path, NULL } };
	struct check_state cs = { .path = path };
	int c = parse_first_char(buf, len);
	long n;

	if (path[0] == '[' || !path[0]) {
		if (c != '[')
			return perr_set(err, P_EINVALID, "the document is not a JSON array");
		if (!path[0])
			return 0;
	} else if (c != '{') {
		return perr_set(err, P_EINVALID, "the document is not a JSON object");
	}
	n = jrec_parse(buf, len, &fmt, &opts->stream, check_cb, &cs, err);
	if (n < 0)
		return (int)n;
	if (cs.bad)
		return perr_set(err, P_EINVALID, "'%s' is %s %s, not an array", cs.where,
				cs.type == JOBJ ? "an" : "a", json_type_name(cs.type));
	return 0;
}

const char *parse__secret_preview(struct arena *a, const char *secret)
{
	size_t len = strlen(secret), show, chars = 0, i;

	/* count characters, not bytes: never cut a UTF-8 sequence */
	for (i = 0; i < len; i++)
		if (((unsigned char)secret[i] & 0xc0) != 0x80)
			chars++;
	/* at most 4 characters, never more than a quarter of the secret */
	show = chars / 4 < 4 ? chars / 4 : 4;
	if (chars < 8)
		show = 0;
	for (i = 0; i < len && show; i++) {
		if (((unsigned char)secret[i + 1] & 0xc0) != 0x80)
			show--;
	}
	return arena_printf(a, "%.*s\xe2\x80\xa6(%zu)", (int)i, secret, chars);
}

void parse__secret(struct evidence *ev, struct arena *a, const struct parse_opts *opts,
		   const char *secret)
{
	char hex[65];
	const char *key = opts->secret_key ? opts->secret_key : "";
	size_t keylen = opts->secret_key ? opts->secret_key_len : 0, len;

	if (!secret)
		return;
	/*
	 * White space around a secret is never part of it, and tools differ
	 * in keeping it (TruffleHog ends a private key with a newline,
	 * Gitleaks does not): strip it so that they hash alike.
	 */
	while (isspace((unsigned char)*secret))
		secret++;
	len = strlen(secret);
	while (len && isspace((unsigned char)secret[len - 1]))
		len--;
	if (!len)
		return;
	secret = arena_strndup(a, secret, len);
	hmac_sha256_hex(key, keylen, secret, len, hex);
	ev->secret_hash = arena_strdup(a, hex);
	kvlist_add(&ev->properties, a, "secret_preview", parse__secret_preview(a, secret));
}

const char *parse__redact(struct arena *a, const char *text, const char *secret)
{
	struct pbuf b = PBUF_INIT;
	const char *p, *q, *res;
	size_t slen;

	if (!text)
		return NULL;
	if (!secret || !*secret || !strstr(text, secret))
		return text;
	slen = strlen(secret);
	for (p = text; (q = strstr(p, secret)); p = q + slen)
		if (pbuf_add(&b, p, (size_t)(q - p)) < 0 || pbuf_adds(&b, "[REDACTED]") < 0)
			goto fail;
	if (pbuf_adds(&b, p) < 0)
		goto fail;
	res = arena_strndup(a, b.buf, b.len);
	pbuf_release(&b);
	return res;
fail:
	/* never hand back text that may still hold the secret */
	pbuf_release(&b);
	return NULL;
}

bool parse__is_empty_array(const char *head, size_t len)
{
	size_t i = 0;
	int seen = 0;

	if (len >= 3 && !memcmp(head, "\xef\xbb\xbf", 3))
		i = 3;
	for (; i < len; i++) {
		char c = head[i];

		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if ((seen == 0 && c == '[') || (seen == 1 && c == ']'))
			seen++;
		else
			return false;
	}
	return seen == 2;
}
