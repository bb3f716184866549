/*
 * tfsec JSON (tfsec -f json): {"results": [ {rule_id, long_id,
 * rule_description, rule_provider, rule_service, impact, resolution,
 * links, description, severity, warning, status, resource, location
 * {filename, start_line, end_line}} ]}; "results" is null when nothing was
 * found. status 0 is a failure, 1 a pass (--include-passed: skipped),
 * 2 an ignored result (--include-ignored: evidence, suppressed).
 * tfsec writes no version of itself into the JSON.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/dastiac.h"
#include "model/path.h"

static const struct jrec_format tfsec_records = {
	.records = { "results[*]", NULL },
	.context = { NULL },
};

struct tfsec_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

/* tfsec before 1.0: ERROR, WARNING, INFO (SARIF's error, warning, note) */
static enum severity legacy_severity(const char *sev)
{
	if (!strcasecmp(sev, "ERROR"))
		return SEV_HIGH;
	if (!strcasecmp(sev, "WARNING"))
		return SEV_MEDIUM;
	return SEV_NONE;
}

static int on_result(const struct jrec *rec, void *payload, struct perr *err)
{
	struct tfsec_state *st = payload;
	const struct jnode *r = rec->node, *loc, *c;
	struct arena *a = rec->arena;
	struct evidence ev;
	const char *sev;
	long long status = 0;
	int ret;

	if (!json_is(r, JOBJ))
		return perr_set(err, P_EINVALID, "result is %s %s, not an object",
				r->type == JARR ? "an" : "a", json_type_name(r->type));
	loc = json_get(r, "location");
	if ((ret = dastiac__want(err, loc, JOBJ, "location")) < 0)
		return ret;
	json_get_int(r, "status", &status);
	if (status == 1)
		return 0;
	evidence_init(&ev);
	ev.tool = "tfsec";
	ev.kind = KIND_IAC;
	ev.rule_id = json_get_str(r, "rule_id");
	if (!ev.rule_id)
		return perr_set(err, P_EINVALID, "'rule_id' is missing");
	ev.rule_name = json_get_str(r, "long_id");
	ev.title = json_get_str(r, "rule_description");
	ev.description = json_get_str(r, "description");
	ev.remediation = json_get_str(r, "resolution");
	sev = json_get_str(r, "severity");
	if (sev && !dastiac__severity(&ev.severity, sev))
		ev.severity_raw = sev;
	else if (sev && (ev.severity = legacy_severity(sev)))
		ev.severity_raw = sev;
	json_for_each(c, json_get(r, "links"))
		strlist_add_unique(&ev.references, a, json_str(c));
	strlist_add_unique(&ev.references, a, json_get_str(r, "link")); /* before v1 */
	if (ev.references.n)
		ev.help_uri = ev.references.v[0];
	ev.loc.path = path_normalize(a, json_get_str(loc, "filename"));
	ev.loc.start_line = dastiac__line(json_get(loc, "start_line"));
	ev.loc.end_line = dastiac__line(json_get(loc, "end_line"));
	ev.loc.resource = json_get_str(r, "resource");
	ev.loc.logical = ev.loc.resource;
	ev.loc.provider = json_get_str(r, "rule_provider");
	if (ev.loc.provider && !*ev.loc.provider)
		ev.loc.provider = NULL;
	if (status == 2) {
		ev.suppressed = true;
		ev.suppression_kind = "inSource"; /* a tfsec:ignore comment */
	}
	kvlist_add(&ev.properties, a, "impact", json_get_str(r, "impact"));
	kvlist_add(&ev.properties, a, "service", json_get_str(r, "rule_service"));
	if (json_get_str(r, "legacy_rule_id") && *json_get_str(r, "legacy_rule_id"))
		kvlist_add(&ev.properties, a, "legacy_rule_id", json_get_str(r, "legacy_rule_id"));
	return st->cb(&ev, st->payload, err);
}

int detect_tfsec(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"results\""))
		return 0;
	if (parse_has(head, len, "\"rule_description\"") && parse_has(head, len, "\"rule_id\""))
		return 95;
	if (parse_has(head, len, "\"long_id\"") && parse_has(head, len, "\"rule_provider\""))
		return 90;
	/* what tfsec writes when it found nothing: a weak claim, but a claim */
	if (len < 64 && (parse_has(head, len, "null") || parse_has(head, len, "[]")))
		return 10;
	return 0;
}

int parse_tfsec(const char *buf, size_t len, const struct parse_opts *opts,
		evidence_cb cb, void *payload, struct perr *err)
{
	struct tfsec_state st = { opts, cb, payload };
	long n = jrec_parse(buf, len, &tfsec_records, &opts->stream, on_result, &st, err);

	if (n < 0)
		return (int)n;
	parse_tool_seen(opts, "tfsec", NULL);
	return 0;
}
