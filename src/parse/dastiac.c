#include "posture.h"
#include "parse/dastiac.h"
#include "util/buf.h"

#include <ctype.h>

static bool is_block_tag(const char *tag, size_t n)
{
	static const char *const blocks[] = { "p", "br", "li", "div", "ul", "ol", "tr", "pre",
					      "h1", "h2", "h3", "h4", "table" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(blocks); i++)
		if (strlen(blocks[i]) == n && !strncasecmp(tag, blocks[i], n))
			return true;
	return false;
}

/* One entity at p ('&'); writes its text and returns the bytes it used, or 0. */
static size_t entity(struct pbuf *b, const char *p, int *ret)
{
	static const struct {
		const char *name, *text;
	} ents[] = {
		{ "&lt;", "<" }, { "&gt;", ">" }, { "&amp;", "&" }, { "&quot;", "\"" },
		{ "&apos;", "'" }, { "&#39;", "'" }, { "&nbsp;", " " }, { "&#x27;", "'" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ents); i++)
		if (!strncmp(p, ents[i].name, strlen(ents[i].name))) {
			*ret = pbuf_adds(b, ents[i].text);
			return strlen(ents[i].name);
		}
	if (p[1] == '#' && isdigit((unsigned char)p[2])) {
		char *end;
		long v = strtol(p + 2, &end, 10);

		/* ASCII only: anything else stays as written */
		if (*end == ';' && v >= 32 && v < 127) {
			*ret = pbuf_addch(b, (int)v);
			return (size_t)(end - p) + 1;
		}
	}
	return 0;
}

/* Fold blank runs: spaces to one space, line breaks (with blanks around) to one. */
static const char *fold(struct arena *a, const char *s, size_t len)
{
	char *out = arena_alloc(a, len + 1);
	size_t i, n = 0;
	int pending = 0; /* 0 none, 1 space, 2 newline */

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n') {
			pending = 2;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			if (!pending)
				pending = 1;
			continue;
		}
		if (pending && n)
			out[n++] = pending == 2 ? '\n' : ' ';
		pending = 0;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n ? out : NULL;
}

const char *dastiac__text(struct arena *a, const char *html)
{
	struct pbuf b = PBUF_INIT;
	const char *p, *res;
	int ret = 0;

	if (!html || !*html)
		return NULL;
	if (!strchr(html, '<') && !strchr(html, '&') && !strchr(html, '\n') &&
	    !isspace((unsigned char)html[0]) && !isspace((unsigned char)html[strlen(html) - 1]))
		return html;
	for (p = html; *p && ret == 0; p++) {
		if (*p == '<' && (isalpha((unsigned char)p[1]) || p[1] == '/' || p[1] == '!')) {
			const char *name = p + 1 + (p[1] == '/'), *close = strchr(p, '>');
			size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

			if (!close) {
				/* no '>' anywhere after: a plain "<", not markup */
				ret = pbuf_addch(&b, *p);
				continue;
			}
			if (is_block_tag(name, n))
				ret = pbuf_addch(&b, '\n');
			p = close;
		} else if (*p == '&') {
			size_t used = entity(&b, p, &ret);

			if (used)
				p += used - 1;
			else
				ret = pbuf_addch(&b, '&');
		} else {
			ret = pbuf_addch(&b, *p);
		}
	}
	res = fold(a, b.buf, b.len);
	pbuf_release(&b);
	return res;
}

const char *dastiac__clip(struct arena *a, const char *s, size_t max)
{
	size_t n;

	if (!s || !*s)
		return NULL;
	n = strlen(s);
	if (n <= max)
		return s;
	n = max;
	/* do not cut a UTF-8 sequence: back up over continuation bytes */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return arena_printf(a, "%.*s...", (int)n, s);
}

int dastiac__severity(enum severity *out, const char *word)
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

	if (!word)
		return P_EINVALID;
	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcasecmp(word, words[i].word)) {
			*out = words[i].sev;
			return 0;
		}
	return P_EINVALID;
}

void dastiac__add_urls(struct strlist *refs, struct arena *a, const char *text)
{
	const char *p = text;

	while (p && *p) {
		size_t n;

		p += strspn(p, " \t\r\n,;\"'<>()");
		n = strcspn(p, " \t\r\n,;\"'<>()");
		if (!n)
			break;
		if (!strncasecmp(p, "http://", 7) || !strncasecmp(p, "https://", 8))
			strlist_add_unique(refs, a, arena_strndup(a, p, n));
		p += n;
	}
}

int dastiac__want(struct perr *err, const struct jnode *n, enum jtype t, const char *name)
{
	if (!n || n->type == t)
		return 0;
	if (n->type == JNULL)
		return perr_set(err, P_EINVALID, "'%s' is null, not %s %s", name,
				t == JARR || t == JOBJ ? "an" : "a", json_type_name(t));
	return perr_set(err, P_EINVALID, "'%s' is %s %s, not %s %s", name,
			n->type == JARR || n->type == JOBJ ? "an" : "a", json_type_name(n->type),
			t == JARR || t == JOBJ ? "an" : "a", json_type_name(t));
}

unsigned dastiac__line(const struct jnode *n)
{
	long long v;

	/* json_int() reads numbers and numeric strings alike */
	if (json_int(n, &v) && v > 0 && v < UINT_MAX)
		return (unsigned)v;
	return 0;
}

/* A one-digit code 0..max, blanks around allowed; -1 otherwise. */
static int zap_code(const char *s, int max)
{
	int v;

	if (!s)
		return -1;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s < '0' || *s > '0' + max)
		return -1;
	v = *s++ - '0';
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return *s ? -1 : v;
}

void dastiac__zap_rating(struct evidence *ev, const char *riskcode, const char *riskdesc,
			 const char *confidence)
{
	static const enum severity risks[] = { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH };
	int v;

	if ((v = zap_code(riskcode, 3)) >= 0) {
		ev->severity = risks[v];
		ev->severity_raw = riskcode;
	} else if (riskdesc) {
		char word[32];
		size_t n = strcspn(riskdesc, " (");

		if (n < sizeof(word)) {
			memcpy(word, riskdesc, n);
			word[n] = '\0';
			if (!dastiac__severity(&ev->severity, word))
				ev->severity_raw = riskdesc;
		}
	}
	if ((v = zap_code(confidence, 4)) < 0)
		return;
	ev->confidence_raw = confidence;
	switch (v) {
	case 0:
		ev->suppressed = true;
		ev->suppression_kind = "false_positive";
		ev->suppression_justification = "marked False Positive in ZAP";
		break;
	case 1:
		ev->confidence = CONF_LOW;
		break;
	case 2:
		ev->confidence = CONF_MEDIUM;
		break;
	case 3:
		ev->confidence = CONF_HIGH;
		break;
	default:
		ev->confidence = CONF_CONFIRMED;
		ev->validated = true;
		break;
	}
}
