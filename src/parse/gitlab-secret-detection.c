/*
 * GitLab secret detection reports (gl-secret-detection-report.json,
 * security report schema 14.x and 15.x with scan.type "secret_detection"):
 * one evidence per vulnerabilities[] entry, kind secret. The secret
 * (raw_source_code_extract) becomes the keyed secret_hash and never leaves
 * this file. docs/formats/gitlab-secret-detection.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/codescan.h"
#include "model/path.h"

enum { CTX_SCAN };

static const struct jrec_format report_records = {
	.records = { "vulnerabilities[*]", NULL },
	.context = { "scan", NULL },
	.scope_end = true,
};

struct gitlab_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	long vulns;
	bool checked;
};

static const char *str_or_null(const struct jnode *obj, const char *key)
{
	const char *s = json_get_str(obj, key);

	return s && *s ? s : NULL;
}

/* The other GitLab security report types: their reports are not ours. */
static const char *const other_types[] = {
	"sast", "dependency_scanning", "container_scanning", "cluster_image_scanning",
	"dast", "api_fuzzing", "coverage_fuzzing",
};

static int check_scan(struct gitlab_state *st, const struct jnode *scan, struct perr *err)
{
	const char *type = json_get_str(scan, "type");

	if (st->checked)
		return 0;
	st->checked = true;
	if (type && strcmp(type, "secret_detection"))
		return perr_set(err, P_EINVALID, "'scan.type' is '%s', not 'secret_detection'", type);
	return 0;
}

/* GitLab's analyzer is the tool; schema 14 reports name only its scanner (Gitleaks). */
static const char *analyzer_version(const struct jnode *scan)
{
	return str_or_null(json_get(scan, "analyzer"), "version");
}

/* gitleaks_rule_id names the rule; cwe identifiers are CWEs. */
static void add_identifiers(struct evidence *ev, struct arena *a, const struct jnode *ids)
{
	const struct jnode *id;

	json_for_each(id, ids) {
		const char *type = json_get_str(id, "type"), *value = json_text(json_get(id, "value"));

		if (!type || !value || !*value)
			continue;
		if (!strcmp(type, "cwe"))
			evidence_add_cwe_text(ev, a, value);
		else if (!strcmp(type, "gitleaks_rule_id") || !ev->rule_id)
			ev->rule_id = value;
		strlist_add_unique(&ev->references, a, str_or_null(id, "url"));
	}
}

/* GitLab writes "0000000" and year 1 when it scanned files, not history. */
static void add_commit(struct evidence *ev, struct arena *a, const struct jnode *commit)
{
	const char *sha = str_or_null(commit, "sha"), *date = str_or_null(commit, "date");

	if (sha && strspn(sha, "0") != strlen(sha))
		kvlist_add(&ev->properties, a, "commit", sha);
	kvlist_add(&ev->properties, a, "author", str_or_null(commit, "author"));
	if (date && strncmp(date, "0001-01-01", 10))
		kvlist_add(&ev->properties, a, "date", date);
}

static enum confidence gitlab_confidence(const char *s)
{
	if (s && !strcmp(s, "Confirmed"))
		return CONF_CONFIRMED;
	if (s && !strcmp(s, "Experimental"))
		return CONF_LOW;
	return parse__confidence_word(s);
}

static int emit_vuln(struct gitlab_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *v = rec->node, *loc, *scan = rec->ctx[CTX_SCAN];
	struct arena *a = rec->arena;
	const char *file, *s;
	struct evidence ev;
	int ret;

	if ((ret = check_scan(st, scan, err)) < 0)
		return ret;
	if (!json_is(v, JOBJ))
		return perr_set(err, P_EINVALID, "vulnerability is %s, not an object",
				json_type_a(v->type));
	loc = json_get(v, "location");
	if (!(file = str_or_null(loc, "file")))
		return perr_set(err, P_EINVALID, "'location.file' is missing");

	evidence_init(&ev);
	ev.tool = "gitlab-secret-detection";
	ev.tool_version = analyzer_version(scan);
	ev.kind = KIND_SECRET;
	add_identifiers(&ev, a, json_get(v, "identifiers"));
	ev.title = str_or_null(v, "name");
	if (!ev.title)
		ev.title = ev.rule_id;
	/* schema 14 had message; 15 dropped it for description */
	ev.description = str_or_null(v, "description");
	if (!ev.description)
		ev.description = str_or_null(v, "message");
	ev.severity_raw = str_or_null(v, "severity");
	ev.severity = parse__severity_word(ev.severity_raw);
	ev.confidence_raw = str_or_null(v, "confidence");
	ev.confidence = gitlab_confidence(ev.confidence_raw);
	ev.loc.path = path_normalize(a, file);
	ev.loc.start_line = parse__uint(json_get(loc, "start_line"));
	ev.loc.end_line = parse__uint(json_get(loc, "end_line"));
	if (ev.loc.end_line < ev.loc.start_line)
		ev.loc.end_line = ev.loc.start_line;
	add_commit(&ev, a, json_get(loc, "commit"));
	parse__secret(&ev, a, st->opts, str_or_null(v, "raw_source_code_extract"));
	ev.description = parse__redact(a, ev.description, str_or_null(v, "raw_source_code_extract"));
	/* the engine under GitLab's analyzer: "Gitleaks 8.18.2" */
	if ((s = str_or_null(json_get(scan, "scanner"), "name"))) {
		const char *ver = str_or_null(json_get(scan, "scanner"), "version");

		kvlist_add(&ev.properties, a, "scanner", ver ? arena_printf(a, "%s %s", s, ver) : s);
	}
	st->vulns++;
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct gitlab_state *st = payload;
	int ret;

	if (rec->which == JREC_SCOPE_END) {
		if ((ret = check_scan(st, rec->ctx[CTX_SCAN], err)) < 0)
			return ret;
		parse_tool_seen(st->opts, "gitlab-secret-detection",
				analyzer_version(rec->ctx[CTX_SCAN]));
		return 0;
	}
	return emit_vuln(st, rec, err);
}

/* `"<word>"` as a JSON string anywhere in the head. */
static bool has_word(const char *head, size_t len, const char *word)
{
	char quoted[64];

	snprintf(quoted, sizeof(quoted), "\"%s\"", word);
	return parse_has(head, len, quoted);
}

int detect_gitlab_secret_detection(const char *head, size_t len)
{
	size_t i;

	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"vulnerabilities\""))
		return 0;
	for (i = 0; i < ARRAY_SIZE(other_types); i++)
		if (has_word(head, len, other_types[i]))
			return 0;
	if (has_word(head, len, "secret_detection"))
		return 95;
	/* scan (with its type) often follows a long vulnerabilities array */
	if (parse_has(head, len, "\"gitleaks_rule_id\"") ||
	    parse_has(head, len, "\"raw_source_code_extract\""))
		return 90;
	return 0;
}

int parse_gitlab_secret_detection(const char *buf, size_t len, const struct parse_opts *opts,
				  evidence_cb cb, void *payload, struct perr *err)
{
	struct gitlab_state st = { opts, cb, payload, 0, false };
	long n;

	n = jrec_parse(buf, len, &report_records, &opts->stream, on_record, &st, err);
	if (n < 0)
		return (int)n;
	if (!st.vulns)
		return parse__check_array(buf, len, "vulnerabilities", opts, err);
	return 0;
}
