/*
 * Dependency-Track Finding Packaging Format (FPF) 1.x, the JSON a
 * project's "Export findings" (/api/v1/finding/project/{uuid}/export)
 * writes: one evidence per findings[*]. See docs/formats/dependency-track.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/vulnkit.h"

#include <ctype.h>

enum { REC_FINDING };
enum { CTX_META, CTX_PROJECT, CTX_VERSION };

static const struct jrec_format fpf_records = {
	.records = { "findings[*]", NULL },
	.context = { "meta", "project", "version", NULL },
	.scope_end = true,
};

struct fpf_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

static const char *tool_name(const struct jrec *rec)
{
	const char *app = json_get_str(rec->ctx[CTX_META], "application");

	return app ? app : "Dependency-Track";
}

static void add_aliases(struct evidence *ev, struct arena *a, const struct jnode *aliases)
{
	const struct jnode *alias, *c;

	/* [{"cveId": "CVE-...", "ghsaId": "GHSA-..."}, ...]: every member is an id */
	json_for_each(alias, aliases)
		json_for_each(c, alias)
			if (json_str(c))
				vulnkit__add_id(ev, a, json_str(c));
}

static void add_cvss(struct evidence *ev, const struct jnode *v)
{
	static const char *const keys[][3] = {
		{ "cvssV2Vector", "cvssV2BaseScore", "2.0" },
		{ "cvssV3Vector", "cvssV3BaseScore", "3.x" },
		{ "cvssV4Vector", "cvssV4Score", "4.0" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		double score;
		bool has = json_get_num(v, keys[i][1], &score);
		const char *vector = json_get_str(v, keys[i][0]);

		if (vector || has)
			vulnkit__offer_cvss(ev, keys[i][2], vector, has ? &score : NULL);
	}
	if (ev->cvss.version && !strcmp(ev->cvss.version, "3.x"))
		ev->cvss.version = NULL; /* a v3 score without its vector: 3.0 or 3.1 unknown */
}

static void set_analysis(struct evidence *ev, struct arena *a, const struct jnode *analysis)
{
	const char *state = json_get_str(analysis, "state");
	bool suppressed = false, vex;
	char *lower, *p;

	json_get_bool(analysis, "isSuppressed", &suppressed);
	vulnkit__prop(&ev->properties, a, "analysis_state", state);
	vulnkit__prop(&ev->properties, a, "analysis_justification",
		      json_get_str(analysis, "justification"));
	vulnkit__prop(&ev->properties, a, "analysis_response", json_get_str(analysis, "response"));
	vex = state && (!strcmp(state, "NOT_AFFECTED") || !strcmp(state, "FALSE_POSITIVE") ||
			!strcmp(state, "RESOLVED"));
	if (!suppressed && !vex)
		return;
	ev->suppressed = true;
	if (vex) {
		lower = arena_printf(a, "vex:%s", state);
		for (p = lower; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		ev->suppression_kind = lower;
	} else {
		ev->suppression_kind = "external";
	}
	ev->suppression_justification = json_get_str(analysis, "justification");
	if (!ev->suppression_justification)
		ev->suppression_justification = json_get_str(analysis, "details");
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct fpf_state *st = payload;
	const struct jnode *f = rec->node, *comp, *v, *attr, *c, *project = rec->ctx[CTX_PROJECT];
	struct arena *a = rec->arena;
	const char *id;
	struct evidence ev;
	long long cwe;

	if (rec->which == JREC_SCOPE_END) {
		parse_tool_seen(st->opts, tool_name(rec), json_get_str(rec->ctx[CTX_META], "version"));
		return 0;
	}
	if (!json_is(f, JOBJ))
		return perr_set(err, P_EINVALID, "the finding is %s, not an object", vulnkit__a_type(f));
	comp = json_get(f, "component");
	v = json_get(f, "vulnerability");
	if (!json_is(comp, JOBJ))
		return perr_set(err, P_EINVALID, "'component' is %s, not an object", vulnkit__a_type(comp));
	if (!json_is(v, JOBJ))
		return perr_set(err, P_EINVALID, "'vulnerability' is %s, not an object",
				vulnkit__a_type(v));
	id = json_get_str(v, "vulnId");
	if (!id)
		return perr_set(err, P_EINVALID, "'vulnerability.vulnId' is missing");
	attr = json_get(f, "attribution");

	evidence_init(&ev);
	ev.tool = tool_name(rec);
	ev.tool_version = json_get_str(rec->ctx[CTX_META], "version");
	ev.kind = KIND_SCA;
	ev.rule_id = id;
	/* npm advisories are bare numbers ("1179"): "NPM-1179" says which database */
	if (id[strspn(id, "0123456789")] == '\0' && json_get_str(v, "source"))
		vulnkit__add_id(&ev, a, arena_printf(a, "%s-%s", json_get_str(v, "source"), id));
	else
		vulnkit__add_id(&ev, a, id);
	add_aliases(&ev, a, json_get(v, "aliases"));
	ev.severity_raw = json_get_str(v, "severity");
	ev.severity = vulnkit__severity_word(ev.severity_raw);
	add_cvss(&ev, v);
	if (json_get_int(v, "cweId", &cwe) && cwe > 0 && cwe < INT_MAX)
		evidence_add_cwe(&ev, a, (int)cwe);
	json_for_each(c, json_get(v, "cwes"))
		if (json_get_int(c, "cweId", &cwe) && cwe > 0 && cwe < INT_MAX)
			evidence_add_cwe(&ev, a, (int)cwe);
	ev.loc.purl = json_get_str(comp, "purl");
	ev.loc.name = json_get_str(comp, "name");
	ev.loc.version = json_get_str(comp, "version");
	ev.loc.ecosystem = vulnkit__purl_type(a, ev.loc.purl);
	ev.title = json_get_str(v, "title");
	if (!ev.title)
		ev.title = arena_printf(a, "%s in %s%s%s", id, ev.loc.name ? ev.loc.name : "a component",
					ev.loc.version ? " " : "", ev.loc.version ? ev.loc.version : "");
	ev.description = json_get_str(v, "description");
	ev.remediation = json_get_str(v, "recommendation");
	if (json_get_str(attr, "referenceUrl"))
		strlist_add(&ev.references, a, json_get_str(attr, "referenceUrl"));
	set_analysis(&ev, a, json_get(f, "analysis"));
	vulnkit__prop(&ev.properties, a, "source", json_get_str(v, "source"));
	vulnkit__prop(&ev.properties, a, "epss", json_text(json_get(v, "epssScore")));
	vulnkit__prop(&ev.properties, a, "epss_percentile", json_text(json_get(v, "epssPercentile")));
	vulnkit__prop(&ev.properties, a, "patched_versions", json_get_str(v, "patchedVersions"));
	vulnkit__prop(&ev.properties, a, "latest_version", json_get_str(comp, "latestVersion"));
	vulnkit__prop(&ev.properties, a, "component_group", json_get_str(comp, "group"));
	vulnkit__prop(&ev.properties, a, "component_uuid", json_get_str(comp, "uuid"));
	vulnkit__prop(&ev.properties, a, "analyzer", json_get_str(attr, "analyzerIdentity"));
	vulnkit__prop(&ev.properties, a, "attributed_on", json_text(json_get(attr, "attributedOn")));
	vulnkit__prop(&ev.properties, a, "matrix", json_get_str(f, "matrix"));
	vulnkit__prop(&ev.properties, a, "project_name", json_get_str(project, "name"));
	vulnkit__prop(&ev.properties, a, "project_version", json_get_str(project, "version"));
	vulnkit__prop(&ev.properties, a, "project_uuid", json_get_str(project, "uuid"));
	vulnkit__prop(&ev.properties, a, "subject_purl", json_get_str(project, "purl"));
	return st->cb(&ev, st->payload, err);
}

int detect_dependency_track(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"findings\""))
		return 0;
	if (parse_has(head, len, "Dependency-Track") || parse_has(head, len, "\"matrix\""))
		return 95;
	return 0;
}

int parse_dependency_track(const char *buf, size_t len, const struct parse_opts *opts,
			   evidence_cb cb, void *payload, struct perr *err)
{
	struct fpf_state st = { opts, cb, payload };
	long n = jrec_parse(buf, len, &fpf_records, &opts->stream, on_record, &st, err);

	return n < 0 ? (int)n : 0;
}
