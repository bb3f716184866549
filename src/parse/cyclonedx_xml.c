/*
 * CycloneDX 1.2-1.6 XML: an SBOM, possibly with vulnerabilities (VDR) and
 * analysis (VEX). The same evidence as the JSON parser ("cyclonedx") for
 * the same BOM: every component, nested ones too, goes to
 * parse_package_seen; each vulnerability's affects/target is one evidence.
 *
 * The schema orders a BOM's children (metadata, components, ...,
 * vulnerabilities), so one pass suffices: metadata and components build
 * the bom-ref index (bounded by the number of components) before the
 * vulnerabilities that refer to it. A vulnerability placed before the
 * components (the schema forbids it) finds no component and says so in a
 * warning. See docs/formats/cyclonedx-xml.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/vulnkit.h"
#include "parse/xrec.h"
#include "model/ids.h"
#include "model/path.h"
#include "util/strmap.h"

enum { REC_METADATA, REC_COMPONENT, REC_VULN };

static const struct xrec_format cdx_records = {
	.records = { "bom/metadata", "bom/components/component",
		     "bom/vulnerabilities/vulnerability", NULL },
	.context = { NULL },
	.root = "bom",
	.scope_end = true,
};

/* Nested components deeper than this are not read. */
#define MAX_NESTING 32

struct component {
	const char *purl, *name, *version, *ecosystem, *path;
};

struct cdx_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	struct arena arena;         /* the index: lives for the whole parse */
	struct strmap by_ref;       /* bom-ref -> struct component */
	const char *tool, *tool_version;
	const char *subject_name, *subject_version, *subject_purl, *subject_type;
	bool tool_reported;
};

static const char *keep(struct cdx_state *st, const char *s)
{
	return s ? arena_strdup(&st->arena, s) : NULL;
}

/* "MIT", or the name of a non-SPDX license, or an expression. */
static const char *first_license(const struct xnode *licenses)
{
	const struct xnode *l = xnode_child(licenses, "*");
	const char *s;

	if (xnode_is(l, "expression"))
		return xnode_text(l);
	if (!(s = xnode_path_text(l, "id")))
		s = xnode_path_text(l, "name");
	return s;
}

static void index_component(struct cdx_state *st, const struct xnode *comp, struct arena *ra,
			    int depth)
{
	const struct xnode *c;
	const char *ref = xnode_attr(comp, "bom-ref");
	struct package_ref pkg;
	struct component *entry;

	if (depth > MAX_NESTING)
		return;
	memset(&pkg, 0, sizeof(pkg));
	pkg.purl = xnode_path_text(comp, "purl");
	pkg.name = xnode_path_text(comp, "name");
	pkg.version = xnode_path_text(comp, "version");
	pkg.ecosystem = vulnkit__purl_type(ra, pkg.purl);
	pkg.license = first_license(xnode_child(comp, "licenses"));
	pkg.ref = ref;
	/* CycloneDX 1.5+: where the component was found */
	pkg.path = xnode_path_text(comp, "evidence/occurrences/occurrence/location");
	if (pkg.name || pkg.purl)
		parse_package_seen(st->opts, &pkg);
	if (ref && !strmap_get(&st->by_ref, ref)) {
		entry = arena_zalloc(&st->arena, sizeof(*entry));
		entry->purl = keep(st, pkg.purl);
		entry->name = keep(st, pkg.name);
		entry->version = keep(st, pkg.version);
		entry->ecosystem = keep(st, pkg.ecosystem);
		entry->path = keep(st, pkg.path);
		strmap_put(&st->by_ref, keep(st, ref), entry);
	}
	xnode_for_each_named(c, xnode_child(comp, "components"), "component")
		index_component(st, c, ra, depth + 1);
}

/*
 * The tool that wrote the BOM: <tools><tool> (1.2-1.4) or
 * <tools><components><component> (1.5+). The last application listed is
 * the producer (cyclonedx-npm lists npm, then itself, then its library).
 */
static void read_tools(struct cdx_state *st, const struct xnode *tools)
{
	const struct xnode *c, *list = xnode_child(tools, "components");

	if (!list)
		list = tools;
	xnode_for_each(c, list) {
		const char *type = xnode_attr(c, "type"), *name = xnode_path_text(c, "name");

		if (!name || !(xnode_is(c, "tool") || xnode_is(c, "component")) ||
		    (type && strcmp(type, "application")))
			continue;
		st->tool = keep(st, name);
		st->tool_version = keep(st, xnode_path_text(c, "version"));
	}
}

static void read_metadata(struct cdx_state *st, const struct xnode *md, struct arena *ra)
{
	const struct xnode *subject = xnode_child(md, "component");
	const char *ref = xnode_attr(subject, "bom-ref");

	read_tools(st, xnode_child(md, "tools"));
	st->subject_name = keep(st, xnode_path_text(subject, "name"));
	st->subject_version = keep(st, xnode_path_text(subject, "version"));
	st->subject_purl = keep(st, xnode_path_text(subject, "purl"));
	st->subject_type = keep(st, xnode_attr(subject, "type"));
	/* a vulnerability may affect the subject itself; it is not one of its packages */
	if (ref && !strmap_get(&st->by_ref, ref)) {
		struct component *entry = arena_zalloc(&st->arena, sizeof(*entry));

		entry->purl = st->subject_purl;
		entry->name = st->subject_name;
		entry->version = st->subject_version;
		entry->ecosystem = keep(st, vulnkit__purl_type(ra, st->subject_purl));
		strmap_put(&st->by_ref, keep(st, ref), entry);
	}
}

static void report_tool(struct cdx_state *st)
{
	if (st->tool_reported)
		return;
	st->tool_reported = true;
	if (!st->tool)
		st->tool = "cyclonedx";
	parse_tool_seen(st->opts, st->tool, st->tool_version);
}

/* --- vulnerabilities --- */

static const char *method_version(const char *method)
{
	static const char *const map[][2] = {
		{ "CVSSv4", "4.0" }, { "CVSSv31", "3.1" }, { "CVSSv3", "3.0" }, { "CVSSv2", "2.0" },
	};
	size_t i;

	for (i = 0; method && i < ARRAY_SIZE(map); i++)
		if (!strcmp(method, map[i][0]))
			return map[i][1];
	return NULL;
}

static bool text_double(const char *s, double *out)
{
	char *end;

	if (!s)
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return !errno && end != s && !*end;
}

/*
 * ratings: the CVSS rating with the newest version and a vector wins;
 * severity comes from that rating, else the first rating that has one,
 * else from a score.
 */
static void set_ratings(struct evidence *ev, const struct xnode *ratings)
{
	const struct xnode *c, *sev_from = NULL;
	double score;

	xnode_for_each_named(c, ratings, "rating") {
		const char *version = method_version(xnode_path_text(c, "method"));
		bool has = text_double(xnode_path_text(c, "score"), &score);
		const char *before = ev->cvss.vector;

		if (!version)
			continue;
		vulnkit__offer_cvss(ev, version, xnode_path_text(c, "vector"), has ? &score : NULL);
		if (ev->cvss.vector != before && xnode_path_text(c, "severity"))
			sev_from = c;
	}
	if (!sev_from)
		xnode_for_each_named(c, ratings, "rating")
			if (xnode_path_text(c, "severity")) {
				sev_from = c;
				break;
			}
	if (sev_from) {
		ev->severity_raw = xnode_path_text(sev_from, "severity");
		ev->severity = vulnkit__severity_word(ev->severity_raw);
	} else if (ev->cvss.has_score) {
		ev->severity = severity_from_score(ev->cvss.score);
	}
}

static void set_analysis(struct evidence *ev, struct arena *a, const struct xnode *analysis)
{
	const char *state = xnode_path_text(analysis, "state");
	const char *just = xnode_path_text(analysis, "justification");
	const char *detail = xnode_path_text(analysis, "detail");
	const struct xnode *c;
	char *responses = NULL;

	if (!state)
		return;
	vulnkit__prop(&ev->properties, a, "vex_state", state);
	vulnkit__prop(&ev->properties, a, "vex_justification", just);
	xnode_for_each_named(c, xnode_child(analysis, "responses"), "response")
		if (xnode_text(c))
			responses = responses ? arena_printf(a, "%s,%s", responses, xnode_text(c))
					      : arena_strdup(a, xnode_text(c));
	vulnkit__prop(&ev->properties, a, "vex_response", responses);
	vulnkit__prop(&ev->properties, a, "vex_detail", detail);
	if (strcmp(state, "not_affected") && strcmp(state, "false_positive") &&
	    strcmp(state, "resolved") && strcmp(state, "resolved_with_pedigree"))
		return;
	ev->suppressed = true;
	ev->suppression_kind = arena_printf(a, "vex:%s", state);
	if (just && detail)
		ev->suppression_justification = arena_printf(a, "%s: %s", just, detail);
	else
		ev->suppression_justification = just ? just : detail;
}

/* "urn:cdx:<serial>/<version>#<bom-ref>" (a BOM-Link into another BOM) -> the bom-ref. */
static const struct component *resolve_ref(struct cdx_state *st, const char *ref)
{
	const struct component *c = ref ? strmap_get(&st->by_ref, ref) : NULL;
	const char *hash;

	if (!c && ref && !strncmp(ref, "urn:cdx:", 8) && (hash = strchr(ref, '#')))
		c = strmap_get(&st->by_ref, hash + 1);
	return c;
}

static int emit_affected(struct cdx_state *st, const struct xrec *rec, const struct evidence *base,
			 const char *id, const char *ref, struct perr *err)
{
	struct arena *a = rec->arena;
	struct evidence ev = *base;
	const struct component *comp = resolve_ref(st, ref);
	size_t k;

	/* own properties: affects_ref differs per target */
	memset(&ev.properties, 0, sizeof(ev.properties));
	for (k = 0; k < base->properties.n; k++)
		kvlist_add(&ev.properties, a, base->properties.v[k].key, base->properties.v[k].value);
	if (comp) {
		ev.loc.purl = comp->purl;
		ev.loc.name = comp->name;
		ev.loc.version = comp->version;
		ev.loc.ecosystem = comp->ecosystem;
		ev.loc.path = comp->path ? path_normalize(a, comp->path) : NULL;
	} else if (ref && !strncmp(ref, "pkg:", 4)) {
		/* some VEX documents name the package by purl instead of a bom-ref */
		ev.loc.purl = ref;
		ev.loc.ecosystem = vulnkit__purl_type(a, ref);
	} else if (ref) {
		parse_warn(st->opts, "line %u: '%s' affects '%s', which is not a bom-ref of this BOM",
			   rec->line, id, ref);
	}
	vulnkit__prop(&ev.properties, a, "affects_ref", ref);
	if (ev.loc.name)
		ev.title = arena_printf(a, "%s in %s%s%s", id, ev.loc.name,
					ev.loc.version ? " " : "", ev.loc.version ? ev.loc.version : "");
	return st->cb(&ev, st->payload, err);
}

static int on_vulnerability(struct cdx_state *st, const struct xrec *rec, struct perr *err)
{
	const struct xnode *v = rec->node, *c, *tool, *targets;
	struct arena *a = rec->arena;
	const char *id = xnode_path_text(v, "id");
	struct evidence ev;
	int ret;

	if (!id)
		return perr_set(err, P_EINVALID, "<vulnerability> has no <id>");
	report_tool(st);
	evidence_init(&ev);
	/* 1.5+: the tools that found this vulnerability */
	tool = xnode_path(v, "tools/components/component");
	if (!tool)
		tool = xnode_path(v, "tools/tool");
	ev.tool = xnode_path_text(tool, "name") ? xnode_path_text(tool, "name") : st->tool;
	ev.tool_version = xnode_path_text(tool, "name") ? xnode_path_text(tool, "version")
						       : st->tool_version;
	if (tool && xnode_path_text(tool, "name"))
		parse_tool_seen(st->opts, ev.tool, ev.tool_version);
	ev.kind = st->subject_type && !strcmp(st->subject_type, "container") ? KIND_CONTAINER
									      : KIND_SCA;
	if (ev.kind == KIND_CONTAINER)
		ev.loc.image = st->subject_name;
	ev.rule_id = id;
	vulnkit__add_id(&ev, a, id);
	xnode_for_each_named(c, xnode_child(v, "references"), "reference")
		vulnkit__add_id(&ev, a, xnode_path_text(c, "id"));
	ev.title = id;
	ev.description = xnode_path_text(v, "description");
	if (!ev.description)
		ev.description = xnode_path_text(v, "detail");
	ev.remediation = xnode_path_text(v, "recommendation");
	set_ratings(&ev, xnode_child(v, "ratings"));
	xnode_for_each_named(c, xnode_child(v, "cwes"), "cwe")
		evidence_add_cwe_text(&ev, a, xnode_text(c));
	if (xnode_path_text(v, "source/url"))
		strlist_add_unique(&ev.references, a, xnode_path_text(v, "source/url"));
	xnode_for_each_named(c, xnode_child(v, "advisories"), "advisory")
		if (xnode_path_text(c, "url"))
			strlist_add_unique(&ev.references, a, xnode_path_text(c, "url"));
	xnode_for_each_named(c, xnode_child(v, "references"), "reference")
		if (xnode_path_text(c, "source/url"))
			strlist_add_unique(&ev.references, a, xnode_path_text(c, "source/url"));
	set_analysis(&ev, a, xnode_child(v, "analysis"));
	vulnkit__prop(&ev.properties, a, "source", xnode_path_text(v, "source/name"));
	vulnkit__prop(&ev.properties, a, "published", xnode_path_text(v, "published"));
	vulnkit__prop(&ev.properties, a, "updated", xnode_path_text(v, "updated"));
	vulnkit__prop(&ev.properties, a, "subject_name", st->subject_name);
	vulnkit__prop(&ev.properties, a, "subject_purl", st->subject_purl);

	targets = xnode_child(v, "affects");
	if (!xnode_child(targets, "target"))
		return emit_affected(st, rec, &ev, id, NULL, err);
	xnode_for_each_named(c, targets, "target")
		if ((ret = emit_affected(st, rec, &ev, id, xnode_path_text(c, "ref"), err)) < 0)
			return ret;
	return 0;
}

static int on_record(const struct xrec *rec, void *payload, struct perr *err)
{
	struct cdx_state *st = payload;

	switch (rec->which) {
	case REC_METADATA:
		read_metadata(st, rec->node, rec->arena);
		return 0;
	case REC_COMPONENT:
		index_component(st, rec->node, rec->arena, 0);
		return 0;
	case REC_VULN:
		return on_vulnerability(st, rec, err);
	default:
		report_tool(st);
		return 0;
	}
}

int detect_cyclonedx_xml(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '<' || !parse_has(head, len, "<bom"))
		return 0;
	if (parse_has(head, len, "http://cyclonedx.org/schema/bom/"))
		return 100;
	return 0;
}

int parse_cyclonedx_xml(const char *buf, size_t len, const struct parse_opts *opts,
			evidence_cb cb, void *payload, struct perr *err)
{
	struct cdx_state st;
	struct xrec_opts xo;
	long n;

	memset(&st, 0, sizeof(st));
	st.opts = opts;
	st.cb = cb;
	st.payload = payload;
	arena_init(&st.arena, 0);
	xrec_opts_from_stream(&xo, &opts->stream);
	n = xrec_parse(buf, len, &cdx_records, &xo, on_record, &st, err);
	strmap_release(&st.by_ref);
	arena_release(&st.arena);
	return n < 0 ? (int)n : 0;
}
