/*
 * bundle-audit check --format json (bundler-audit 0.8 and later):
 * {version, created_at, results: [...]}, each result one of
 *   {type: "unpatched_gem", gem {name, version}, advisory {...}},
 *   {type: "unpatched_engine", engine {name, version}, advisory {...}},
 *   {type: "insecure_source", source: "http://..."}.
 * The advisory is ruby-advisory-db's YAML as bundler-audit loads it: id
 * (the file name: CVE-..., GHSA-..., OSVDB-...), cve / ghsa / osvdb
 * without their prefixes, cvss_v2 / cvss_v3 scores, patched and
 * unaffected version requirements, and the criticality it derives.
 *
 * One evidence per result.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/sca_audit.h"
#include "model/ids.h"

enum { CTX_VERSION };

static const struct jrec_format bundler_records = {
	.records = { "results[*]", NULL },
	.context = { "version", NULL },
	.scope_end = true,
};

struct bundler_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	const char *version; /* in keep */
	bool seen;
	struct arena keep;
};

/* "2013-1855" -> "CVE-2013-1855"; an id already prefixed stays as it is. */
static const char *prefixed(struct arena *a, const char *prefix, const struct jnode *n)
{
	const char *s = json_text(n);
	size_t plen = strlen(prefix);

	if (!s || !*s)
		return NULL;
	if (!strncasecmp(s, prefix, plen))
		return ids_normalize(a, s);
	return ids_normalize(a, arena_printf(a, "%s%s", prefix, s));
}

static void set_cvss(struct evidence *ev, const struct jnode *adv)
{
	const struct jnode *v3 = json_get(adv, "cvss_v3"), *v2 = json_get(adv, "cvss_v2");

	/* scores only: the version of a v3 score is unknown (3.0 or 3.1), a v2 score's is not */
	sca_set_cvss(ev, NULL, v3);
	if (!ev->cvss.has_score) {
		sca_set_cvss(ev, NULL, v2);
		if (ev->cvss.has_score)
			ev->cvss.version = "2.0";
	}
}

static int emit_advisory(struct bundler_state *st, struct arena *a, const struct jnode *r,
			 const char *type, struct perr *err)
{
	const struct jnode *adv = json_get(r, "advisory"), *pkg, *c;
	const char *crit, *url;
	bool engine = !strcmp(type, "unpatched_engine");
	struct evidence ev;

	if (!json_is(adv, JOBJ))
		return perr_set(err, P_EINVALID, "'advisory' is %s, not an object", sca_a_type(adv));
	pkg = json_get(r, engine ? "engine" : "gem");
	if (!json_get_str(pkg, "name"))
		return perr_set(err, P_EINVALID, "'%s.name' is missing", engine ? "engine" : "gem");
	evidence_init(&ev);
	ev.tool = "bundler-audit";
	ev.tool_version = st->version;
	ev.kind = KIND_SCA;
	ev.rule_id = json_text(json_get(adv, "id"));
	ev.title = json_get_str(adv, "title");
	ev.description = json_get_str(adv, "description");
	evidence_add_vuln_id(&ev, a, prefixed(a, "CVE-", json_get(adv, "cve")));
	evidence_add_vuln_id(&ev, a, prefixed(a, "GHSA-", json_get(adv, "ghsa")));
	evidence_add_vuln_id(&ev, a, prefixed(a, "OSVDB-", json_get(adv, "osvdb")));
	if (ev.rule_id && ids_is_vuln_id(ev.rule_id))
		evidence_add_vuln_id(&ev, a, ids_normalize(a, ev.rule_id));
	set_cvss(&ev, adv);
	crit = json_get_str(adv, "criticality");
	ev.severity = sca_severity_word(crit);
	ev.severity_raw = crit;
	url = json_get_str(adv, "url");
	ev.help_uri = url;
	strlist_add(&ev.references, a, url);

	ev.loc.name = json_get_str(pkg, "name");
	ev.loc.version = json_text(json_get(pkg, "version"));
	if (!engine) {
		ev.loc.ecosystem = "gem";
		ev.loc.purl = sca_purl(a, "gem", ev.loc.name, ev.loc.version);
	}
	json_for_each(c, json_get(adv, "patched_versions"))
		strlist_add(&ev.loc.fixed_versions, a, json_str(c));

	sca_prop(&ev, a, "fix_available", sca_bool(ev.loc.fixed_versions.n > 0));
	sca_prop(&ev, a, "unaffected_versions",
		 sca_join_first(a, json_get(adv, "unaffected_versions"), 10));
	sca_prop(&ev, a, "advisory_date", json_text(json_get(adv, "date")));
	sca_prop(&ev, a, "result_type", type);
	return st->cb(&ev, st->payload, err);
}

static int emit_source(struct bundler_state *st, struct arena *a, const struct jnode *r,
		       struct perr *err)
{
	const char *src = json_get_str(r, "source");
	struct evidence ev;

	if (!src)
		return perr_set(err, P_EINVALID, "'source' is missing");
	evidence_init(&ev);
	ev.tool = "bundler-audit";
	ev.tool_version = st->version;
	ev.kind = KIND_SCA;
	ev.rule_id = "insecure_source";
	ev.title = arena_printf(a, "Insecure gem source: %s", src);
	ev.description = "Gems are fetched over a connection without TLS (http:// or git://): "
			 "anyone on the network path can substitute them.";
	ev.severity = SEV_MEDIUM;
	ev.remediation = "Use an https:// source.";
	/* the source is what is at issue: it names the location */
	ev.loc.url = src;
	ev.loc.name = src;
	ev.loc.ecosystem = "gem";
	strlist_add(&ev.tags, a, "insecure-source");
	sca_prop(&ev, a, "result_type", "insecure_source");
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct bundler_state *st = payload;
	const char *type;

	if (!st->seen) {
		const char *v = json_text(rec->ctx[CTX_VERSION]);

		st->seen = true;
		if (v)
			st->version = arena_strdup(&st->keep, v);
		parse_tool_seen(st->opts, "bundler-audit", st->version);
	}
	if (rec->which == JREC_SCOPE_END)
		return 0;
	if (!json_is(rec->node, JOBJ))
		return perr_set(err, P_EINVALID, "the result is %s, not an object", sca_a_type(rec->node));
	type = json_get_str(rec->node, "type");
	if (!type)
		return perr_set(err, P_EINVALID, "'type' is missing");
	if (!strcmp(type, "unpatched_gem") || !strcmp(type, "unpatched_engine"))
		return emit_advisory(st, rec->arena, rec->node, type, err);
	if (!strcmp(type, "insecure_source"))
		return emit_source(st, rec->arena, rec->node, err);
	parse_warn(st->opts, "bundler-audit result of unknown type '%.100s' skipped", type);
	return 0;
}

int detect_bundler_audit(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"results\""))
		return 0;
	if (parse_has(head, len, "\"unpatched_gem\"") || parse_has(head, len, "\"insecure_source\"") ||
	    parse_has(head, len, "\"unpatched_engine\""))
		return 95;
	/* a clean run: {"version": "0.9.1", "created_at": "...", "results": []} */
	if (parse_has(head, len, "\"created_at\"") && parse_has(head, len, "\"version\"") &&
	    (parse_has(head, len, "\"results\":[]") || parse_has(head, len, "\"results\": []")))
		return 40;
	return 0;
}

int parse_bundler_audit(const char *buf, size_t len, const struct parse_opts *opts,
			evidence_cb cb, void *payload, struct perr *err)
{
	struct bundler_state st;
	long n;

	memset(&st, 0, sizeof(st));
	st.opts = opts;
	st.cb = cb;
	st.payload = payload;
	arena_init(&st.keep, 0);
	if (parse_first_char(buf, len) != '{')
		n = perr_set(err, P_EINVALID, "the report is not a JSON object");
	else
		n = jrec_parse(buf, len, &bundler_records, &opts->stream, on_record, &st, err);
	arena_release(&st.keep);
	return n < 0 ? (int)n : 0;
}
