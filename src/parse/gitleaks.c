/*
 * Gitleaks JSON reports (`--report-format json`): v8 (RuleID, Secret,
 * Match, StartLine, ...) and v7 (rule, offender, line, lineNumber, ...).
 * Both are an array with one entry per leak; one evidence each, kind
 * secret. The secret itself never leaves this file: it becomes the keyed
 * secret_hash and a short preview, and Match/Line/line (which quote it)
 * are redacted or dropped. docs/formats/gitleaks.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/codescan.h"
#include "model/path.h"

static const struct jrec_format gitleaks_records = {
	.records = { "[*]", NULL },
};

struct gitleaks_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	long leaks;
};

/* A non-empty string member, else NULL (gitleaks writes "" for "none"). */
static const char *str_or_null(const struct jnode *obj, const char *key)
{
	const char *s = json_get_str(obj, key);

	return s && *s ? s : NULL;
}

/*
 * `--redact` replaces the secret with "REDACTED" (and, with a percentage
 * in 8.19+, keeps a prefix followed by "..."). Such a value is not the
 * secret: hashing it would make every redacted leak one secret.
 */
static bool is_redacted(const char *secret)
{
	size_t n = strlen(secret);

	return !strcmp(secret, "REDACTED") || (n >= 3 && !strcmp(secret + n - 3, "..."));
}

/*
 * The text around the secret (v8 Match, v7 line) as a snippet, with the
 * secret replaced; dropped when the secret is not in it verbatim, since
 * it may then hold the secret in another form (gitleaks decodes base64).
 */
static const char *safe_context(struct arena *a, const char *text, const char *secret)
{
	/* a match that is the secret alone says nothing once redacted */
	if (!text || !secret || !strstr(text, secret) || !strcmp(text, secret))
		return NULL;
	return parse__redact(a, text, secret);
}

static void set_secret(struct evidence *ev, struct arena *a, const struct parse_opts *opts,
		       const char *secret, const char *match)
{
	if (!secret)
		return;
	if (is_redacted(secret)) {
		kvlist_add(&ev->properties, a, "secret_redacted", "true");
		ev->loc.snippet = safe_context(a, match, secret);
		return;
	}
	parse__secret(ev, a, opts, secret);
	ev->loc.snippet = safe_context(a, match, secret);
}

static void add_commit(struct evidence *ev, struct arena *a, const char *commit,
		       const char *author, const char *email, const char *date)
{
	kvlist_add(&ev->properties, a, "commit", commit);
	kvlist_add(&ev->properties, a, "author", author);
	kvlist_add(&ev->properties, a, "author_email", email);
	kvlist_add(&ev->properties, a, "date", date);
}

static int emit_v8(struct gitleaks_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *r = rec->node, *t;
	struct arena *a = rec->arena;
	const char *file, *secret, *s;
	struct evidence ev;
	double entropy;

	if (!(file = str_or_null(r, "File")))
		return perr_set(err, P_EINVALID, "'File' is missing");
	evidence_init(&ev);
	ev.tool = "gitleaks";
	ev.kind = KIND_SECRET;
	ev.rule_id = str_or_null(r, "RuleID");
	ev.title = str_or_null(r, "Description");
	ev.description = ev.title;
	if (!ev.title)
		ev.title = ev.rule_id;
	ev.loc.path = path_normalize(a, file);
	ev.loc.start_line = parse__uint(json_get(r, "StartLine"));
	ev.loc.end_line = parse__uint(json_get(r, "EndLine"));
	if (ev.loc.end_line < ev.loc.start_line)
		ev.loc.end_line = ev.loc.start_line;
	ev.loc.start_column = parse__uint(json_get(r, "StartColumn"));
	ev.loc.end_column = parse__uint(json_get(r, "EndColumn"));

	/* a rule without a secret group reports the whole match as the secret */
	secret = str_or_null(r, "Secret");
	if (!secret)
		secret = str_or_null(r, "Match");
	set_secret(&ev, a, st->opts, secret, str_or_null(r, "Match"));

	json_for_each(t, json_get(r, "Tags"))
		if (json_str(t) && *json_str(t))
			strlist_add(&ev.tags, a, json_str(t));
	add_commit(&ev, a, str_or_null(r, "Commit"), str_or_null(r, "Author"),
		   str_or_null(r, "Email"), str_or_null(r, "Date"));
	if (json_get_num(r, "Entropy", &entropy) && entropy > 0)
		kvlist_add(&ev.properties, a, "entropy", json_text(json_get(r, "Entropy")));
	if ((s = str_or_null(r, "SymlinkFile")))
		kvlist_add(&ev.properties, a, "symlink_file", path_normalize(a, s));
	kvlist_add(&ev.properties, a, "link", str_or_null(r, "Link"));
	/*
	 * "commit:file:rule:line", what .gitleaksignore takes. It is a
	 * property, not a tool fingerprint: it changes with every line shift
	 * and commit, and would split one leaked secret into many findings.
	 */
	kvlist_add(&ev.properties, a, "gitleaks_fingerprint", str_or_null(r, "Fingerprint"));
	st->leaks++;
	return st->cb(&ev, st->payload, err);
}

/* v7 tags are one string: "key, AWS". */
static void add_v7_tags(struct evidence *ev, struct arena *a, const char *tags)
{
	const char *p = tags, *end;

	while (p && *p) {
		while (*p == ' ' || *p == ',')
			p++;
		end = p;
		while (*end && *end != ',')
			end++;
		if (end > p) {
			const char *q = end;

			while (q > p && q[-1] == ' ')
				q--;
			strlist_add_unique(&ev->tags, a, arena_strndup(a, p, (size_t)(q - p)));
		}
		p = end;
	}
}

static int emit_v7(struct gitleaks_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *r = rec->node;
	struct arena *a = rec->arena;
	const char *file;
	struct evidence ev;
	double entropy;

	if (!(file = str_or_null(r, "file")))
		return perr_set(err, P_EINVALID, "'file' is missing");
	evidence_init(&ev);
	ev.tool = "gitleaks";
	ev.kind = KIND_SECRET;
	/* v7 rules have a name and no id */
	ev.rule_id = str_or_null(r, "rule");
	ev.title = ev.rule_id;
	ev.loc.path = path_normalize(a, file);
	ev.loc.start_line = ev.loc.end_line = parse__uint(json_get(r, "lineNumber"));
	set_secret(&ev, a, st->opts, str_or_null(r, "offender"), str_or_null(r, "line"));
	add_v7_tags(&ev, a, json_get_str(r, "tags"));
	add_commit(&ev, a, str_or_null(r, "commit"), str_or_null(r, "author"),
		   str_or_null(r, "email"), str_or_null(r, "date"));
	/* -1 when the rule has no entropy check */
	if (json_get_num(r, "offenderEntropy", &entropy) && entropy > 0)
		kvlist_add(&ev.properties, a, "entropy",
			   json_text(json_get(r, "offenderEntropy")));
	kvlist_add(&ev.properties, a, "repository", str_or_null(r, "repoURL"));
	kvlist_add(&ev.properties, a, "link", str_or_null(r, "leakURL"));
	st->leaks++;
	return st->cb(&ev, st->payload, err);
}

static int on_leak(const struct jrec *rec, void *payload, struct perr *err)
{
	struct gitleaks_state *st = payload;
	const struct jnode *r = rec->node;

	if (!json_is(r, JOBJ))
		return perr_set(err, P_EINVALID, "leak is %s, not an object", json_type_a(r->type));
	if (json_get(r, "offender") || json_get(r, "lineNumber"))
		return emit_v7(st, rec, err);
	return emit_v8(st, rec, err);
}

int detect_gitleaks(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '[')
		return 0;
	/* v8: the fields every finding has */
	if (parse_has(head, len, "\"RuleID\"") && parse_has(head, len, "\"Secret\"") &&
	    parse_has(head, len, "\"StartLine\""))
		return 95;
	/* v7 */
	if (parse_has(head, len, "\"offender\"") && parse_has(head, len, "\"lineNumber\"") &&
	    parse_has(head, len, "\"leakURL\""))
		return 95;
	/*
	 * "[]" is what a clean gitleaks run writes, and `--tool gitleaks`
	 * must take it; but other tools write it too, so claim it only
	 * when no format is surer.
	 */
	return parse__is_empty_array(head, len) ? 1 : 0;
}

int parse_gitleaks(const char *buf, size_t len, const struct parse_opts *opts,
		   evidence_cb cb, void *payload, struct perr *err)
{
	struct gitleaks_state st = { opts, cb, payload, 0 };
	long n;

	n = jrec_parse(buf, len, &gitleaks_records, &opts->stream, on_leak, &st, err);
	if (n < 0)
		return (int)n;
	if (!st.leaks && (n = parse__check_array(buf, len, "", opts, err)) < 0)
		return (int)n;
	parse_tool_seen(opts, "gitleaks", NULL);
	return 0;
}
