/*
 * composer audit --format=json (Composer 2.4 and later):
 * {"advisories": {"vendor/package": [{advisoryId, packageName,
 * affectedVersions, title, cve, link, reportedAt, sources[{name,
 * remoteId}], severity (2.6+)}]}, "abandoned": {"vendor/package":
 * "replacement" | null} (2.7+)}. PHP writes an empty map as [] and a list
 * with gaps (some advisories ignored) as an object keyed by index; both
 * are read.
 *
 * One evidence per advisory per package, and one low evidence per
 * abandoned package. Composer names no installed version: version is null.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/sca_audit.h"
#include "model/ids.h"

enum { REC_ADVISORIES, REC_ABANDONED };

static const struct jrec_format composer_records = {
	.records = { "advisories.*", "abandoned.*", NULL },
	.context = { NULL },
};

struct composer_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

static void add_sources(struct evidence *ev, struct arena *a, const struct jnode *sources)
{
	const struct jnode *c;
	const char *names = NULL;

	json_for_each(c, json_is(sources, JARR) ? sources : NULL) {
		const char *id = json_text(json_get(c, "remoteId")), *name = json_get_str(c, "name");

		if (id && ids_is_vuln_id(id))
			evidence_add_vuln_id(ev, a, ids_normalize(a, id));
		if (name)
			names = names ? arena_printf(a, "%s | %s", names, name) : name;
	}
	sca_prop(ev, a, "sources", names);
}

static int emit_advisory(struct composer_state *st, struct arena *a, const char *package,
			 const struct jnode *adv, struct perr *err)
{
	const char *name, *sev, *link, *id;
	struct evidence ev;

	if (!json_is(adv, JOBJ))
		return perr_set(err, P_EINVALID, "an advisory of '%s' is %s, not an object", package,
				sca_a_type(adv));
	name = json_get_str(adv, "packageName");
	if (!name)
		name = package;
	id = json_text(json_get(adv, "advisoryId"));
	evidence_init(&ev);
	ev.tool = "composer audit";
	ev.kind = KIND_SCA;
	ev.rule_id = id;
	ev.title = json_get_str(adv, "title");
	sev = json_get_str(adv, "severity");
	ev.severity = sca_severity_word(sev);
	ev.severity_raw = sev;
	sca_add_ids(&ev, a, json_get(adv, "cve"));
	add_sources(&ev, a, json_get(adv, "sources"));
	evidence_add_vuln_id(&ev, a, id); /* PKSA-...: Packagist's own id, after CVE and GHSA */
	link = json_get_str(adv, "link");
	ids_scan_text(&ev, a, link);
	ev.help_uri = link;
	strlist_add(&ev.references, a, link);
	ev.loc.name = name;
	ev.loc.ecosystem = "composer";
	ev.loc.purl = sca_purl(a, "composer", name, NULL);
	sca_prop(&ev, a, "vulnerable_versions", json_get_str(adv, "affectedVersions"));
	sca_prop(&ev, a, "reported_at", json_get_str(adv, "reportedAt"));
	return st->cb(&ev, st->payload, err);
}

static int emit_abandoned(struct composer_state *st, struct arena *a, const char *package,
			  const struct jnode *repl, struct perr *err)
{
	const char *r = json_str(repl);
	struct evidence ev;

	if (repl && repl->type != JNULL && !r)
		return perr_set(err, P_EINVALID, "the replacement is %s, not a string or null",
				sca_a_type(repl));
	evidence_init(&ev);
	ev.tool = "composer audit";
	ev.kind = KIND_SCA;
	ev.rule_id = "abandoned";
	ev.title = arena_printf(a, "Abandoned package: %s", package);
	ev.description = r && *r ?
		arena_printf(a, "%s is no longer maintained; its author suggests %s instead.", package, r) :
		arena_printf(a, "%s is no longer maintained and no replacement is suggested.", package);
	ev.remediation = r && *r ? arena_printf(a, "Replace it with %s.", r) : NULL;
	ev.severity = SEV_LOW;
	ev.loc.name = package;
	ev.loc.ecosystem = "composer";
	ev.loc.purl = sca_purl(a, "composer", package, NULL);
	strlist_add(&ev.tags, a, "abandoned");
	sca_prop(&ev, a, "replacement", r);
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct composer_state *st = payload;
	const char *package = rec->key;
	const struct jnode *c;
	int ret;

	if (!package || !*package)
		return perr_set(err, P_EINVALID, "a package has no name");
	if (rec->which == REC_ABANDONED)
		return emit_abandoned(st, rec->arena, package, rec->node, err);
	/* a list, or (advisories ignored out of it) an object keyed by index */
	if (!json_is(rec->node, JARR) && !json_is(rec->node, JOBJ))
		return perr_set(err, P_EINVALID, "the advisories of '%s' are %s, not a list", package,
				sca_a_type(rec->node));
	json_for_each(c, rec->node)
		if ((ret = emit_advisory(st, rec->arena, package, c, err)) < 0)
			return ret;
	return 0;
}

int detect_composer_audit(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"advisories\""))
		return 0;
	if (parse_has(head, len, "\"advisoryId\"") || parse_has(head, len, "\"affectedVersions\""))
		return 95;
	/* a clean run: {"advisories": [], "abandoned": []} */
	if (parse_has(head, len, "\"abandoned\""))
		return 80;
	if (!parse_has(head, len, "\"module_name\"") &&
	    (parse_has(head, len, "\"advisories\": []") || parse_has(head, len, "\"advisories\":[]")))
		return 30;
	return 0;
}

int parse_composer_audit(const char *buf, size_t len, const struct parse_opts *opts,
			 evidence_cb cb, void *payload, struct perr *err)
{
	struct composer_state st = { opts, cb, payload };
	size_t head = len < PARSE_DETECT_HEAD ? len : PARSE_DETECT_HEAD;
	long n;

	if (parse_first_char(buf, len) != '{')
		return perr_set(err, P_EINVALID, "the report is not a JSON object");
	if (!parse_has(buf, head, "\"advisories\""))
		return perr_set(err, P_EINVALID, "no 'advisories': not a composer audit report");
	/* the report does not carry Composer's version */
	parse_tool_seen(opts, "composer audit", NULL);
	n = jrec_parse(buf, len, &composer_records, &opts->stream, on_record, &st, err);
	return n < 0 ? (int)n : 0;
}
