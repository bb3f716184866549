/*
 * OpenVEX 0.2.0 (and the 0.0.x shape with string vulnerabilities and
 * products): one evidence per (statement, product), carrying the status.
 * Applying statements to the findings of other tools is ingest's job; this
 * parser only normalizes them. See docs/formats/openvex.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/vulnkit.h"

enum { REC_STATEMENT };
enum { CTX_ID, CTX_AUTHOR, CTX_TIMESTAMP, CTX_TOOLING };

static const struct jrec_format openvex_records = {
	.records = { "statements[*]", NULL },
	.context = { "@id", "author", "timestamp", "tooling", NULL },
};

struct openvex_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

/* A product: "pkg:..." (0.0.x) or {"@id": ..., "identifiers": {"purl": ...}}. */
static const char *product_id(const struct jnode *p, const char **purl)
{
	const char *id = json_is(p, JSTR) ? json_str(p) : json_get_str(p, "@id");
	const char *ident = json_get_str(json_get(p, "identifiers"), "purl");

	*purl = ident ? ident : (id && !strncmp(id, "pkg:", 4) ? id : NULL);
	return id ? id : ident;
}

static const char *subcomponents(struct arena *a, const struct jnode *p)
{
	const struct jnode *c;
	const char *list = NULL, *purl, *id;

	json_for_each(c, json_get(p, "subcomponents")) {
		id = product_id(c, &purl);
		if (purl)
			id = purl;
		if (id)
			list = list ? arena_printf(a, "%s,%s", list, id) : arena_strdup(a, id);
	}
	return list;
}

static int emit_product(struct openvex_state *st, const struct jrec *rec,
			const struct evidence *base, const struct jnode *product, struct perr *err)
{
	struct arena *a = rec->arena;
	struct evidence ev = *base;
	const char *purl, *id = product_id(product, &purl);

	vulnkit__fork_properties(&ev, base, a);
	ev.loc.purl = purl;
	ev.loc.ecosystem = vulnkit__purl_type(a, purl);
	vulnkit__prop(&ev.properties, a, "product", id);
	vulnkit__prop(&ev.properties, a, "subcomponents", subcomponents(a, product));
	vulnkit__prop(&ev.properties, a, "product_cpe",
		      json_get_str(json_get(product, "identifiers"), "cpe23"));
	if (id)
		ev.title = arena_printf(a, "%s: %s in %s", ev.rule_id,
					kvlist_get(&base->properties, "vex_status"), id);
	return st->cb(&ev, st->payload, err);
}

static int on_statement(const struct jrec *rec, void *payload, struct perr *err)
{
	struct openvex_state *st = payload;
	const struct jnode *s = rec->node, *vuln, *products, *c;
	struct arena *a = rec->arena;
	const char *status, *name, *just, *impact, *timestamp;
	struct evidence ev;
	int ret;

	if (!json_is(s, JOBJ))
		return perr_set(err, P_EINVALID, "the statement is %s, not an object",
				vulnkit__a_type(s));
	vuln = json_get(s, "vulnerability");
	name = json_is(vuln, JSTR) ? json_str(vuln) : json_get_str(vuln, "name");
	if (!name)
		name = json_get_str(vuln, "@id");
	if (!name)
		return perr_set(err, P_EINVALID, "'vulnerability.name' is missing");
	status = json_get_str(s, "status");
	if (!status)
		return perr_set(err, P_EINVALID, "'status' is missing");
	products = json_get(s, "products");
	if (products && !json_is(products, JARR))
		return perr_set(err, P_EINVALID, "'products' is %s, not an array",
				vulnkit__a_type(products));

	evidence_init(&ev);
	ev.tool = "openvex";
	ev.kind = KIND_SCA;
	ev.rule_id = name;
	vulnkit__add_id(&ev, a, name);
	json_for_each(c, json_get(vuln, "aliases"))
		vulnkit__add_id(&ev, a, json_str(c));
	ev.title = arena_printf(a, "%s: %s", name, status);
	ev.description = json_get_str(vuln, "description");
	if (!ev.description)
		ev.description = json_get_str(s, "status_notes");
	if (json_get_str(vuln, "@id") && strstr(json_get_str(vuln, "@id"), "://"))
		strlist_add(&ev.references, a, json_get_str(vuln, "@id"));
	just = json_get_str(s, "justification");
	impact = json_get_str(s, "impact_statement");
	ev.remediation = json_get_str(s, "action_statement");
	timestamp = json_get_str(s, "timestamp");
	if (!timestamp)
		timestamp = json_str(rec->ctx[CTX_TIMESTAMP]);
	vulnkit__prop(&ev.properties, a, "vex_status", status);
	vulnkit__prop(&ev.properties, a, "vex_justification", just);
	vulnkit__prop(&ev.properties, a, "vex_impact", impact);
	vulnkit__prop(&ev.properties, a, "vex_action", ev.remediation);
	vulnkit__prop(&ev.properties, a, "vex_status_notes", json_get_str(s, "status_notes"));
	vulnkit__prop(&ev.properties, a, "vex_timestamp", timestamp);
	vulnkit__prop(&ev.properties, a, "vex_document", json_str(rec->ctx[CTX_ID]));
	vulnkit__prop(&ev.properties, a, "vex_author", json_str(rec->ctx[CTX_AUTHOR]));
	vulnkit__prop(&ev.properties, a, "vex_tooling", json_str(rec->ctx[CTX_TOOLING]));
	if (!strcmp(status, "not_affected") || !strcmp(status, "fixed")) {
		ev.suppressed = true;
		ev.suppression_kind = arena_printf(a, "vex:%s", status);
		if (just && impact)
			ev.suppression_justification = arena_printf(a, "%s: %s", just, impact);
		else
			ev.suppression_justification = just ? just : impact;
	}

	if (!products || !products->len)
		return st->cb(&ev, st->payload, err);
	json_for_each(c, products)
		if ((ret = emit_product(st, rec, &ev, c, err)) < 0)
			return ret;
	return 0;
}

int detect_openvex(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"statements\""))
		return 0;
	return parse_has(head, len, "openvex.dev/ns") ? 100 : 0;
}

int parse_openvex(const char *buf, size_t len, const struct parse_opts *opts,
		  evidence_cb cb, void *payload, struct perr *err)
{
	struct openvex_state st = { opts, cb, payload };
	long n = jrec_parse(buf, len, &openvex_records, &opts->stream, on_statement, &st, err);

	if (n < 0)
		return (int)n;
	parse_tool_seen(opts, "openvex", NULL);
	return 0;
}
