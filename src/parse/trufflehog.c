/*
 * TruffleHog JSON Lines (`trufflehog ... --json`): v3 results
 * (SourceMetadata, DetectorName, Verified, Raw, ...) and the v2 Python
 * tool's lines (path, reason, stringsFound, commitHash, ...). One
 * evidence per v3 result and per v2 string found, kind secret. The secret
 * (Raw/RawV2, stringsFound, the diffs) never leaves this file: it becomes
 * the keyed secret_hash and a short preview. docs/formats/trufflehog.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/codescan.h"
#include "model/path.h"

#include <ctype.h>

static const struct jrec_format trufflehog_lines = {
	.records = { "", NULL },
	.multiple = true,
};

struct trufflehog_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	const char *version; /* from the "finished scanning" log line, if any */
	long results;
};

static const char *str_or_null(const struct jnode *obj, const char *key)
{
	const char *s = json_get_str(obj, key);

	return s && *s ? s : NULL;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Standard base64 with padding to text, or NULL when s is not exactly
 * that or decodes to bytes that are not printable text (then it was not
 * base64 to begin with: a secret may well look like base64).
 */
static const char *b64_text(struct arena *a, const char *s)
{
	size_t len = strlen(s), i, n = 0;
	unsigned char *out;
	unsigned long acc = 0;
	int bits = 0, pad = 0;

	if (!len || len % 4)
		return NULL;
	out = arena_alloc(a, len / 4 * 3 + 1);
	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		int v = b64_value((unsigned char)s[i]);

		if (s[i] == '=' && i + 2 >= len) {
			pad++;
			continue;
		}
		if (v < 0 || pad)
			return NULL;
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1ul << bits) - 1;
		}
	}
	for (i = 0; i < n; i++)
		if (out[i] < 0x20 && out[i] != '\n' && out[i] != '\r' && out[i] != '\t')
			return NULL;
	out[n] = '\0';
	return n ? (const char *)out : NULL;
}

/*
 * The secret of a v3 result: Raw (for AWS the key id, as Gitleaks reports
 * it), else RawV2. TruffleHog before the DecoderName field (early 3.x)
 * wrote Raw as Go's base64 of the bytes.
 */
static const char *v3_secret(struct arena *a, const struct jnode *r)
{
	const char *raw = str_or_null(r, "Raw"), *dec;

	if (!raw)
		return str_or_null(r, "RawV2");
	if (!json_get(r, "DecoderName") && !json_get(r, "RawV2") && (dec = b64_text(a, raw)))
		return dec;
	return raw;
}

/* Text a tool wrote next to the secret, with the secret (and RawV2) cut out. */
static const char *scrub(struct arena *a, const char *text, const char *secret,
			 const char *raw2)
{
	text = parse__redact(a, text, secret);
	return parse__redact(a, text, raw2);
}

/* SourceMetadata.Data holds one member named after the source: Git, Github, Filesystem, ... */
static void add_source(struct evidence *ev, struct arena *a, const struct jnode *r)
{
	const struct jnode *data = json_path(r, "SourceMetadata.Data"), *src;
	const char *s;
	long long line;

	src = data ? data->first : NULL;
	if (!json_is(src, JOBJ))
		return;
	kvlist_add(&ev->properties, a, "source", src->key);
	if ((s = str_or_null(src, "file")))
		ev->loc.path = path_normalize(a, s);
	if (json_get_int(src, "line", &line) && line > 0 && line < UINT_MAX)
		ev->loc.start_line = ev->loc.end_line = (unsigned)line;
	ev->loc.image = str_or_null(src, "image");
	ev->loc.layer = str_or_null(src, "layer");
	kvlist_add(&ev->properties, a, "commit", str_or_null(src, "commit"));
	/* "Name <address>", as git prints it */
	kvlist_add(&ev->properties, a, "author", str_or_null(src, "email"));
	kvlist_add(&ev->properties, a, "date", str_or_null(src, "timestamp"));
	kvlist_add(&ev->properties, a, "repository", str_or_null(src, "repository"));
	kvlist_add(&ev->properties, a, "bucket", str_or_null(src, "bucket"));
	kvlist_add(&ev->properties, a, "link", str_or_null(src, "link"));
	/* sources without files (Slack, Jira, ...) only have the link */
	if (!ev->loc.path && !ev->loc.image)
		ev->loc.url = str_or_null(src, "link");
}

static int emit_v3(struct trufflehog_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *r = rec->node, *x;
	struct arena *a = rec->arena;
	const char *secret, *raw2, *s;
	struct evidence ev;
	bool verified = false;

	evidence_init(&ev);
	ev.tool = "trufflehog";
	ev.tool_version = st->version;
	ev.kind = KIND_SECRET;
	ev.rule_id = str_or_null(r, "DetectorName");
	if (!ev.rule_id)
		ev.rule_id = json_text(json_get(r, "DetectorType"));
	if (!ev.rule_id)
		return perr_set(err, P_EINVALID, "'DetectorName' is missing");
	ev.title = arena_printf(a, "%s secret", ev.rule_id);
	ev.description = str_or_null(r, "DetectorDescription");
	add_source(&ev, a, r);

	secret = v3_secret(a, r);
	raw2 = str_or_null(r, "RawV2");
	parse__secret(&ev, a, st->opts, secret);
	if (json_get_bool(r, "Verified", &verified) && verified) {
		ev.secret_verified = true;
		ev.confidence = CONF_CONFIRMED;
	}
	kvlist_add(&ev.properties, a, "verification_error",
		   scrub(a, str_or_null(r, "VerificationError"), secret, raw2));
	if ((s = str_or_null(r, "DecoderName")) && strcmp(s, "PLAIN"))
		kvlist_add(&ev.properties, a, "decoder", s);
	kvlist_add(&ev.properties, a, "source_name", str_or_null(r, "SourceName"));
	json_for_each(x, json_is(json_get(r, "ExtraData"), JOBJ) ? json_get(r, "ExtraData") : NULL) {
		if (!(s = json_text(x)) || !*s)
			continue;
		kvlist_add(&ev.properties, a, arena_printf(a, "extra.%s", x->key),
			   scrub(a, s, secret, raw2));
	}
	st->results++;
	return st->cb(&ev, st->payload, err);
}

static int emit_v2(struct trufflehog_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *r = rec->node, *found, *x;
	struct arena *a = rec->arena;
	const char *path;
	int ret;

	if (!(path = str_or_null(r, "path")))
		return perr_set(err, P_EINVALID, "'path' is missing");
	found = json_get(r, "stringsFound");
	if (found && !json_is(found, JARR) && !json_is(found, JNULL))
		return perr_set(err, P_EINVALID, "'stringsFound' is %s, not an array",
				json_type_a(found->type));
	/* one evidence per string: each is a secret of its own */
	json_for_each(x, found) {
		struct evidence ev;

		if (!json_str(x) || !*json_str(x))
			continue;
		evidence_init(&ev);
		ev.tool = "trufflehog";
		ev.tool_version = st->version;
		ev.kind = KIND_SECRET;
		ev.rule_id = str_or_null(r, "reason");
		ev.title = ev.rule_id;
		ev.loc.path = path_normalize(a, path);
		parse__secret(&ev, a, st->opts, json_str(x));
		kvlist_add(&ev.properties, a, "commit", str_or_null(r, "commitHash"));
		kvlist_add(&ev.properties, a, "branch", str_or_null(r, "branch"));
		kvlist_add(&ev.properties, a, "date", str_or_null(r, "date"));
		st->results++;
		if ((ret = st->cb(&ev, st->payload, err)) < 0)
			return ret;
	}
	return 0;
}

static int on_line(const struct jrec *rec, void *payload, struct perr *err)
{
	struct trufflehog_state *st = payload;
	const struct jnode *r = rec->node;

	if (!json_is(r, JOBJ))
		return perr_set(err, P_EINVALID, "result is %s, not an object",
				json_type_a(r->type));
	if (json_get(r, "SourceMetadata") || json_get(r, "DetectorName"))
		return emit_v3(st, rec, err);
	if (json_get(r, "stringsFound") || json_get(r, "reason"))
		return emit_v2(st, rec, err);
	/* its log lines, when stderr went to the same file */
	if (json_get(r, "level") && json_get(r, "msg"))
		return 0;
	return perr_set(err, P_EINVALID, "neither a TruffleHog v3 result nor a v2 result");
}

/*
 * The version is only in the "finished scanning" log line at the end, and
 * only when the logs went to the same file; look for it first so that
 * every evidence carries it.
 */
static const char *find_version(struct arena *a, const char *buf, size_t len)
{
	static const char key[] = "\"trufflehog_version\":\"";
	const char *p = memmem(buf, len, key, sizeof(key) - 1), *q, *end = buf + len;

	if (!p)
		return NULL;
	p += sizeof(key) - 1;
	for (q = p; q < end && q - p < 32 && (isalnum((unsigned char)*q) || *q == '.' ||
					      *q == '-' || *q == '+'); q++)
		;
	if (q == p || q >= end || *q != '"')
		return NULL;
	return arena_strndup(a, p, (size_t)(q - p));
}

/* Does a line start with v3's or v2's own members? */
static int line_shape(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{')
		return 0;
	if (parse_has(head, len, "\"SourceMetadata\"") && parse_has(head, len, "\"DetectorName\""))
		return 95;
	if (parse_has(head, len, "\"stringsFound\"") && parse_has(head, len, "\"commitHash\"") &&
	    parse_has(head, len, "\"printDiff\""))
		return 95;
	/* only log lines: a scan that found nothing, logs and results in one file */
	if (parse_has(head, len, "\"logger\":\"trufflehog\""))
		return 60;
	return 0;
}

int detect_trufflehog(const char *head, size_t len)
{
	return line_shape(head, len);
}

int parse_trufflehog(const char *buf, size_t len, const struct parse_opts *opts,
		     evidence_cb cb, void *payload, struct perr *err)
{
	struct trufflehog_state st = { opts, cb, payload, NULL, 0 };
	struct arena a = ARENA_INIT;
	long n;

	st.version = find_version(&a, buf, len);
	n = jrec_parse(buf, len, &trufflehog_lines, &opts->stream, on_line, &st, err);
	if (n >= 0)
		parse_tool_seen(opts, "trufflehog", st.version);
	arena_release(&a);
	return n < 0 ? (int)n : 0;
}
