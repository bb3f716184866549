/*
 * OWASP ZAP JSON report: the "traditional-json" and "traditional-json-plus"
 * templates of the report add-on and the older core /JSON/core/jsonreport
 * (all share site[*].alerts[*].instances[*]). One evidence per instance,
 * in report order; an alert without instances gives one evidence at the
 * site's URL.
 *
 * riskcode 0/1/2/3 maps to info/low/medium/high. confidence 1/2/3 maps to
 * low/medium/high; 4 ("Confirmed") is set only by a person in ZAP, so it
 * is CONF_CONFIRMED and validated; 0 ("False Positive") is a person's
 * verdict too and makes the evidence suppressed. desc, solution and
 * reference are HTML fragments and become plain text. Request and
 * response bodies of the "-plus" template are not kept.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/dastiac.h"

enum { CTX_VERSION, CTX_PROGRAM, CTX_SITE_NAME };

static const struct jrec_format zap_records = {
	.records = { "site[*].alerts[*]", NULL },
	.context = { "@version", "@programName", "site[*].@name", NULL },
	.scope_end = true,
};

struct zap_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

static void add_prop(struct evidence *ev, struct arena *a, const char *key, const char *value)
{
	kvlist_add(&ev->properties, a, key, dastiac__clip(a, value, DASTIAC_CLIP));
}

static int on_alert(struct zap_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *alert = rec->node, *instances, *c;
	struct arena *a = rec->arena;
	struct evidence ev;
	const char *wasc, *ref;
	int ret;

	if (!json_is(alert, JOBJ))
		return perr_set(err, P_EINVALID, "alert is %s %s, not an object",
				alert->type == JARR ? "an" : "a", json_type_name(alert->type));
	instances = json_get(alert, "instances");
	if ((ret = dastiac__want(err, instances, JARR, "instances")) < 0)
		return ret;

	evidence_init(&ev);
	ev.tool = "ZAP";
	ev.tool_version = json_str(rec->ctx[CTX_VERSION]);
	ev.kind = KIND_DAST;
	ev.rule_id = json_text(json_get(alert, "alertRef"));
	if (!ev.rule_id)
		ev.rule_id = json_text(json_get(alert, "pluginid"));
	ev.title = json_get_str(alert, "alert");
	if (!ev.title)
		ev.title = json_get_str(alert, "name");
	ev.rule_name = json_get_str(alert, "name");
	ev.description = dastiac__text(a, json_get_str(alert, "desc"));
	ev.remediation = dastiac__text(a, json_get_str(alert, "solution"));
	ref = dastiac__text(a, json_get_str(alert, "reference"));
	dastiac__add_urls(&ev.references, a, ref);
	dastiac__zap_rating(&ev, json_text(json_get(alert, "riskcode")), json_get_str(alert, "riskdesc"),
			    json_text(json_get(alert, "confidence")));
	evidence_add_cwe_text(&ev, a, json_text(json_get(alert, "cweid")));
	if ((wasc = json_text(json_get(alert, "wascid"))) && strcmp(wasc, "0") && strcmp(wasc, "-1"))
		kvlist_add(&ev.properties, a, "wasc", wasc);
	kvlist_add(&ev.properties, a, "plugin_id", json_text(json_get(alert, "pluginid")));
	kvlist_add(&ev.properties, a, "source_id", json_text(json_get(alert, "sourceid")));
	kvlist_add(&ev.properties, a, "systemic", json_text(json_get(alert, "systemic")));

	if (!instances || !instances->first) {
		ev.loc.url = json_str(rec->ctx[CTX_SITE_NAME]);
		add_prop(&ev, a, "otherinfo", dastiac__text(a, json_get_str(alert, "otherinfo")));
		return st->cb(&ev, st->payload, err);
	}
	json_for_each(c, instances) {
		struct evidence one = ev;
		const char *other;
		size_t k;

		if (!json_is(c, JOBJ))
			continue;
		one.properties.v = NULL;
		one.properties.n = one.properties.alloc = 0;
		for (k = 0; k < ev.properties.n; k++)
			kvlist_add(&one.properties, a, ev.properties.v[k].key, ev.properties.v[k].value);
		one.loc.url = json_get_str(c, "uri");
		if (!one.loc.url)
			one.loc.url = json_str(rec->ctx[CTX_SITE_NAME]);
		one.loc.method = json_get_str(c, "method");
		one.loc.param = json_get_str(c, "param");
		if (one.loc.method && !*one.loc.method)
			one.loc.method = NULL;
		if (one.loc.param && !*one.loc.param)
			one.loc.param = NULL;
		add_prop(&one, a, "attack", json_get_str(c, "attack"));
		add_prop(&one, a, "evidence", json_get_str(c, "evidence"));
		/* older reports keep otherinfo on the alert, newer ones per instance */
		other = json_get_str(c, "otherinfo");
		if (!other || !*other)
			other = json_get_str(alert, "otherinfo");
		add_prop(&one, a, "otherinfo", dastiac__text(a, other));
		kvlist_add(&one.properties, a, "node_name", json_get_str(c, "nodeName"));
		if ((ret = st->cb(&one, st->payload, err)) < 0)
			return ret;
	}
	return 0;
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct zap_state *st = payload;

	if (rec->which == JREC_SCOPE_END) {
		if (!rec->nindex)
			parse_tool_seen(st->opts, "ZAP", json_str(rec->ctx[CTX_VERSION]));
		return 0;
	}
	return on_alert(st, rec, err);
}

int detect_zap(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"site\""))
		return 0;
	if (parse_has(head, len, "\"@programName\"") && parse_has(head, len, "ZAP"))
		return 100;
	if (parse_has(head, len, "\"@version\"") && parse_has(head, len, "\"@generated\""))
		return 90;
	if (parse_has(head, len, "\"pluginid\"") && parse_has(head, len, "\"riskcode\""))
		return 80;
	return 0;
}

int parse_zap(const char *buf, size_t len, const struct parse_opts *opts,
	      evidence_cb cb, void *payload, struct perr *err)
{
	struct zap_state st = { opts, cb, payload };
	long n = jrec_parse(buf, len, &zap_records, &opts->stream, on_record, &st, err);

	return n < 0 ? (int)n : 0;
}
