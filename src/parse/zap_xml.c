/*
 * OWASP ZAP's XML report (traditional-xml and traditional-xml-plus
 * templates, and the older core XML report). One evidence per
 * alertitem/instances/instance, in report order; an alert without
 * instances (ZAP before 2.6 put uri/param on the alert itself) gives one
 * evidence at its own uri, else at the site. Field choices follow the JSON
 * parser ("zap"): see docs/formats/zap-xml.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/dastiac.h"
#include "parse/xrec.h"
#include "parse/xmltext.h"

#define MAX_PROP 1024

static const struct xrec_format zap_records = {
	.records = { "OWASPZAPReport/site/alerts/alertitem", NULL },
	.context = { NULL },
	/* traditional-xml-plus: whole HTTP messages, with cookies and tokens */
	.skip = { "requestheader", "requestbody", "responseheader", "responsebody", NULL },
	.root = "OWASPZAPReport",
	.scope_end = true,
};

struct zap_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

static void prop(struct kvlist *l, struct arena *a, const char *key, const char *value)
{
	if (value && *value)
		kvlist_add(l, a, key, xmltext_cut(a, value, MAX_PROP));
}

static int emit_instance(struct zap_state *st, const struct xrec *rec, const struct evidence *base,
			 const struct xnode *inst, const char *site, struct perr *err)
{
	struct arena *a = rec->arena;
	struct evidence ev = *base;
	const char *other;
	size_t k;

	memset(&ev.properties, 0, sizeof(ev.properties));
	for (k = 0; k < base->properties.n; k++)
		kvlist_add(&ev.properties, a, base->properties.v[k].key, base->properties.v[k].value);
	ev.loc.url = xnode_path_text(inst, "uri");
	if (!ev.loc.url)
		ev.loc.url = site;
	ev.loc.method = xnode_path_text(inst, "method");
	ev.loc.param = xnode_path_text(inst, "param");
	prop(&ev.properties, a, "attack", xnode_path_text(inst, "attack"));
	prop(&ev.properties, a, "evidence", xnode_path_text(inst, "evidence"));
	other = xnode_path_text(inst, "otherinfo");
	if (!other)
		other = xnode_path_text(rec->node, "otherinfo");
	prop(&ev.properties, a, "otherinfo", xmltext_html_to_text(a, other));
	return st->cb(&ev, st->payload, err);
}

static int emit_alert(struct zap_state *st, const struct xrec *rec, struct perr *err)
{
	const struct xnode *alert = rec->node, *inst;
	const struct xnode *report = xnode_ancestor(alert, "OWASPZAPReport");
	const char *site = xnode_attr(xnode_ancestor(alert, "site"), "name");
	struct arena *a = rec->arena;
	struct evidence ev;
	long long cwe;
	int ret;

	evidence_init(&ev);
	ev.tool = "ZAP";
	ev.tool_version = xnode_attr(report, "version");
	ev.kind = KIND_DAST;
	ev.rule_id = xnode_path_text(alert, "alertRef");
	if (!ev.rule_id)
		ev.rule_id = xnode_path_text(alert, "pluginid");
	if (!ev.rule_id)
		return perr_set(err, P_EINVALID, "<alertitem> has neither <alertRef> nor <pluginid>");
	ev.rule_name = xnode_path_text(alert, "name");
	ev.title = xnode_path_text(alert, "alert");
	if (!ev.title)
		ev.title = ev.rule_name;
	ev.description = xmltext_html_to_text(a, xnode_path_text(alert, "desc"));
	ev.remediation = xmltext_html_to_text(a, xnode_path_text(alert, "solution"));
	xmltext_add_urls(&ev.references, a, xnode_path_text(alert, "reference"));
	dastiac__zap_rating(&ev, xnode_path_text(alert, "riskcode"), xnode_path_text(alert, "riskdesc"),
			    xnode_path_text(alert, "confidence"));
	if (xml_long(xnode_path_text(alert, "cweid"), 1, INT_MAX, &cwe))
		evidence_add_cwe(&ev, a, (int)cwe);
	prop(&ev.properties, a, "plugin_id", xnode_path_text(alert, "pluginid"));
	if (xml_long(xnode_path_text(alert, "wascid"), 1, INT_MAX, &cwe))
		prop(&ev.properties, a, "wasc", xnode_path_text(alert, "wascid"));
	prop(&ev.properties, a, "source_id", xnode_path_text(alert, "sourceid"));

	inst = xnode_child(alert, "instances");
	if (!xnode_child(inst, "instance"))
		return emit_instance(st, rec, &ev, alert, site, err);
	xnode_for_each_named(inst, inst, "instance")
		if ((ret = emit_instance(st, rec, &ev, inst, site, err)) < 0)
			return ret;
	return 0;
}

static int on_record(const struct xrec *rec, void *payload, struct perr *err)
{
	struct zap_state *st = payload;

	if (rec->which == XREC_SCOPE_END) {
		parse_tool_seen(st->opts, "ZAP", xnode_attr(rec->scope, "version"));
		return 0;
	}
	return emit_alert(st, rec, err);
}

int detect_zap_xml(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '<' || !parse_has(head, len, "<OWASPZAPReport"))
		return 0;
	return 100;
}

int parse_zap_xml(const char *buf, size_t len, const struct parse_opts *opts,
		  evidence_cb cb, void *payload, struct perr *err)
{
	struct zap_state st = { opts, cb, payload };
	struct xrec_opts xo;
	long n;

	xrec_opts_from_stream(&xo, &opts->stream);
	n = xrec_parse(buf, len, &zap_records, &xo, on_record, &st, err);
	return n < 0 ? (int)n : 0;
}
