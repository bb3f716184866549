/*
 * Yelp detect-secrets baselines (`detect-secrets scan > .secrets.baseline`,
 * 0.x and 1.x): results keyed by file, one evidence per entry, kind
 * secret. The baseline holds an unkeyed SHA-1 of each secret, never the
 * secret: secret_hash is the keyed hash of that SHA-1, so these findings
 * correlate with each other but not with other tools'.
 * docs/formats/detect-secrets.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/codescan.h"
#include "model/path.h"
#include "util/hash.h"

enum { CTX_VERSION };

static const struct jrec_format baseline_records = {
	.records = { "results.*", NULL },
	.context = { "version", NULL },
	.scope_end = true,
};

struct ds_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	long files;
};

/* HMAC(key, "sha1:" + hashed_secret): never the same as a hash of a secret itself. */
static void set_hashed_secret(struct evidence *ev, struct arena *a, const struct parse_opts *opts,
			      const char *sha1)
{
	const char *key = opts->secret_key ? opts->secret_key : "";
	size_t keylen = opts->secret_key ? opts->secret_key_len : 0;
	const char *text = arena_printf(a, "sha1:%s", sha1);
	char hex[65];

	hmac_sha256_hex(key, keylen, text, strlen(text), hex);
	ev->secret_hash = arena_strdup(a, hex);
}

static int emit_entry(struct ds_state *st, const struct jrec *rec, const struct jnode *e,
		      struct perr *err)
{
	struct arena *a = rec->arena;
	const char *file, *sha1;
	struct evidence ev;
	bool b;

	if (!json_is(e, JOBJ))
		return perr_set(err, P_EINVALID, "an entry is %s, not an object",
				json_type_a(e->type));
	/* 1.x repeats the file name in each entry; 0.x only has the key */
	file = json_get_str(e, "filename");
	if (!file || !*file)
		file = rec->key;
	/*
	 * NEEDSWORK: jrec keeps member names up to 63 bytes; a 0.x baseline
	 * with a longer path cannot be read until it keeps longer ones.
	 */
	if (!file && !json_get(e, "filename"))
		return perr_set(err, P_EINVALID, "'filename' is missing and the file name key "
				"is longer than posture reads (63 bytes)");
	if (!file || !*file)
		return perr_set(err, P_EINVALID, "'filename' is missing");

	evidence_init(&ev);
	ev.tool = "detect-secrets";
	ev.tool_version = json_str(rec->ctx[CTX_VERSION]);
	ev.kind = KIND_SECRET;
	ev.rule_id = json_get_str(e, "type");
	if (!ev.rule_id || !*ev.rule_id)
		return perr_set(err, P_EINVALID, "'type' is missing");
	ev.title = ev.rule_id;
	ev.loc.path = path_normalize(a, file);
	ev.loc.start_line = ev.loc.end_line = parse__uint(json_get(e, "line_number"));
	if ((sha1 = json_get_str(e, "hashed_secret")) && *sha1)
		set_hashed_secret(&ev, a, st->opts, sha1);
	if (json_get_bool(e, "is_verified", &b) && b) {
		ev.secret_verified = true;
		ev.confidence = CONF_CONFIRMED;
	}
	/* `detect-secrets audit` labels: false is a false positive */
	if (json_get_bool(e, "is_secret", &b)) {
		kvlist_add(&ev.properties, a, "audited", b ? "true_positive" : "false_positive");
		if (!b) {
			ev.suppressed = true;
			ev.suppression_kind = "external";
			ev.suppression_justification = "audited as not a secret (detect-secrets audit)";
		} else if (!ev.confidence) {
			ev.confidence = CONF_HIGH;
		}
	}
	return st->cb(&ev, st->payload, err);
}

static int on_file(const struct jrec *rec, void *payload, struct perr *err)
{
	struct ds_state *st = payload;
	const struct jnode *list = rec->node, *e;
	int ret;

	if (rec->which == JREC_SCOPE_END) {
		parse_tool_seen(st->opts, "detect-secrets", json_str(rec->ctx[CTX_VERSION]));
		return 0;
	}
	st->files++;
	if (json_is(list, JNULL))
		return 0;
	if (!json_is(list, JARR))
		return perr_set(err, P_EINVALID, "is %s, not an array", json_type_a(list->type));
	json_for_each(e, list)
		if ((ret = emit_entry(st, rec, e, err)) < 0)
			return ret;
	return 0;
}

static int check_results(const struct jrec *rec, void *payload, struct perr *err)
{
	if (rec->which == JREC_SCOPE_END || json_is(rec->node, JOBJ) || json_is(rec->node, JNULL))
		return 0;
	return perr_set(err, P_EINVALID, "is %s, not an object", json_type_a(rec->node->type));
}

int detect_detect_secrets(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"results\""))
		return 0;
	if (parse_has(head, len, "\"plugins_used\"") &&
	    (parse_has(head, len, "\"hashed_secret\"") || parse_has(head, len, "\"generated_at\"")))
		return 95;
	return 0;
}

int parse_detect_secrets(const char *buf, size_t len, const struct parse_opts *opts,
			 evidence_cb cb, void *payload, struct perr *err)
{
	static const struct jrec_format results_only = { .records = { "results", NULL } };
	struct ds_state st = { opts, cb, payload, 0 };
	long n;

	if (parse_first_char(buf, len) != '{')
		return perr_set(err, P_EINVALID, "the document is not a JSON object");
	n = jrec_parse(buf, len, &baseline_records, &opts->stream, on_file, &st, err);
	if (n < 0)
		return (int)n;
	/* no file: an empty results object, or something else where it belongs */
	if (!st.files && (n = jrec_parse(buf, len, &results_only, &opts->stream, check_results,
					 NULL, err)) < 0)
		return (int)n;
	return 0;
}
