/*
 * KICS JSON (kics scan --report-formats json): {kics_version, queries[*]
 * {query_name, query_id, query_url, severity, platform, cwe?,
 * cloud_provider, category, description, files[*] {file_name,
 * similarity_id, line, resource_type, resource_name, issue_type,
 * search_key, expected_value, actual_value}}, severity_counters, ...}.
 * One evidence per files[*] entry. KICS' own similarity_id is kept as the
 * tool fingerprint: it is stable across runs by design.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/dastiac.h"
#include "model/path.h"

#include <ctype.h>

enum { CTX_VERSION };

static const struct jrec_format kics_records = {
	.records = { "queries[*]", NULL },
	.context = { "kics_version", NULL },
	.scope_end = true,
};

struct kics_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

static const char *lower(struct arena *a, const char *s)
{
	char *out, *p;

	if (!s || !*s)
		return NULL;
	out = arena_strdup(a, s);
	for (p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

static const char *version(const struct jrec *rec)
{
	const char *v = json_str(rec->ctx[CTX_VERSION]);

	return v && (*v == 'v' || *v == 'V') ? v + 1 : v;
}

static int on_query(struct kics_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *q = rec->node, *files, *f;
	struct arena *a = rec->arena;
	struct evidence ev;
	const char *sev;
	int ret;

	if (!json_is(q, JOBJ))
		return perr_set(err, P_EINVALID, "query is %s %s, not an object",
				q->type == JARR ? "an" : "a", json_type_name(q->type));
	files = json_get(q, "files");
	if ((ret = dastiac__want(err, files, JARR, "files")) < 0)
		return ret;
	evidence_init(&ev);
	ev.tool = "KICS";
	ev.tool_version = version(rec);
	ev.kind = KIND_IAC;
	ev.rule_id = json_get_str(q, "query_id");
	if (!ev.rule_id)
		return perr_set(err, P_EINVALID, "'query_id' is missing");
	ev.title = json_get_str(q, "query_name");
	ev.description = json_get_str(q, "description");
	ev.help_uri = json_get_str(q, "query_url");
	strlist_add(&ev.references, a, ev.help_uri);
	sev = json_get_str(q, "severity");
	if (sev) {
		ev.severity_raw = sev;
		if (!strcasecmp(sev, "TRACE"))
			ev.severity = SEV_INFO;
		else
			dastiac__severity(&ev.severity, sev);
	}
	evidence_add_cwe_text(&ev, a, json_text(json_get(q, "cwe")));
	ev.loc.provider = lower(a, json_get_str(q, "cloud_provider"));
	if (!ev.loc.provider || !strcmp(ev.loc.provider, "common"))
		ev.loc.provider = lower(a, json_get_str(q, "platform"));
	strlist_add(&ev.tags, a, json_get_str(q, "category"));
	kvlist_add(&ev.properties, a, "platform", json_get_str(q, "platform"));
	kvlist_add(&ev.properties, a, "category", json_get_str(q, "category"));
	json_for_each(f, files) {
		struct evidence one = ev;
		size_t k;

		if (!json_is(f, JOBJ))
			continue;
		one.properties.v = NULL;
		one.properties.n = one.properties.alloc = 0;
		for (k = 0; k < ev.properties.n; k++)
			kvlist_add(&one.properties, a, ev.properties.v[k].key, ev.properties.v[k].value);
		one.tool_fingerprints.v = NULL;
		one.tool_fingerprints.n = one.tool_fingerprints.alloc = 0;
		kvlist_add(&one.tool_fingerprints, a, "similarity_id",
			   json_get_str(f, "similarity_id"));
		one.loc.path = path_normalize(a, json_get_str(f, "file_name"));
		one.loc.start_line = one.loc.end_line = dastiac__line(json_get(f, "line"));
		one.loc.resource = json_get_str(f, "search_key");
		one.loc.logical = one.loc.resource;
		one.remediation = json_get_str(f, "expected_value");
		kvlist_add(&one.properties, a, "actual_value", json_get_str(f, "actual_value"));
		kvlist_add(&one.properties, a, "issue_type", json_get_str(f, "issue_type"));
		kvlist_add(&one.properties, a, "resource_type", json_get_str(f, "resource_type"));
		kvlist_add(&one.properties, a, "resource_name", json_get_str(f, "resource_name"));
		if ((ret = st->cb(&one, st->payload, err)) < 0)
			return ret;
	}
	return 0;
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct kics_state *st = payload;

	if (rec->which == JREC_SCOPE_END) {
		parse_tool_seen(st->opts, "KICS", version(rec));
		return 0;
	}
	return on_query(st, rec, err);
}

int detect_kics(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{')
		return 0;
	if (parse_has(head, len, "\"kics_version\""))
		return 95;
	if (parse_has(head, len, "\"queries\"") && parse_has(head, len, "\"query_id\"") &&
	    parse_has(head, len, "\"similarity_id\""))
		return 85;
	return 0;
}

int parse_kics(const char *buf, size_t len, const struct parse_opts *opts,
	       evidence_cb cb, void *payload, struct perr *err)
{
	struct kics_state st = { opts, cb, payload };
	long n = jrec_parse(buf, len, &kics_records, &opts->stream, on_record, &st, err);

	return n < 0 ? (int)n : 0;
}
