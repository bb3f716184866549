/*
 * CycloneDX 1.2-1.6 JSON: an SBOM, possibly with vulnerabilities (VDR) and
 * analysis (VEX). Every component, nested ones too, goes to
 * parse_package_seen; each vulnerabilities[*].affects[*] is one evidence.
 *
 * JSON does not order members, and BOMs put "vulnerabilities" before or
 * after "components" as they like, so the parser reads the buffer twice:
 * first metadata and components (the bom-ref index, bounded by the number
 * of components, kept in one arena), then the vulnerabilities. The second
 * pass is skipped when the document never mentions "vulnerabilities".
 * See docs/formats/cyclonedx.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/vulnkit.h"
#include "model/path.h"
#include "util/strmap.h"

enum { REC_COMPONENT, REC_METADATA };

static const struct jrec_format inventory_records = {
	.records = { "components[*]", "metadata", NULL },
	.context = { NULL },
};

static const struct jrec_format vuln_records = {
	.records = { "vulnerabilities[*]", NULL },
	.context = { NULL },
};

/* Nested components deeper than this are not indexed (the JSON limit bounds the rest). */
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
};

static const char *keep(struct cdx_state *st, const char *s)
{
	return s ? arena_strdup(&st->arena, s) : NULL;
}

/* "MIT", or the name of a non-SPDX license, or an expression. */
static const char *first_license(const struct jnode *licenses)
{
	const struct jnode *l = json_at(licenses, 0), *lic = json_get(l, "license");
	const char *s = json_get_str(lic, "id");

	if (!s)
		s = json_get_str(lic, "name");
	if (!s)
		s = json_get_str(l, "expression");
	return s;
}

/* CycloneDX 1.5+: where the component was found. */
static const char *occurrence_path(const struct jnode *comp)
{
	return json_get_str(json_at(json_path(comp, "evidence.occurrences"), 0), "location");
}

static void index_component(struct cdx_state *st, const struct jnode *comp, struct arena *rec_arena,
			    int depth)
{
	const struct jnode *c;
	const char *ref = json_get_str(comp, "bom-ref");
	struct package_ref pkg;
	struct component *entry;

	if (!json_is(comp, JOBJ) || depth > MAX_NESTING)
		return;
	memset(&pkg, 0, sizeof(pkg));
	pkg.purl = json_get_str(comp, "purl");
	pkg.name = json_get_str(comp, "name");
	pkg.version = json_get_str(comp, "version");
	pkg.ecosystem = vulnkit__purl_type(rec_arena, pkg.purl);
	pkg.license = first_license(json_get(comp, "licenses"));
	pkg.ref = ref;
	pkg.path = occurrence_path(comp);
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
	json_for_each(c, json_get(comp, "components"))
		index_component(st, c, rec_arena, depth + 1);
}

/*
 * The tool that wrote the BOM: metadata.tools is an array of
 * {vendor, name, version} (1.2-1.4) or {components: [...]} (1.5+). The
 * last application listed is the producer (cyclonedx-npm lists npm, then
 * itself, then its library).
 */
static void read_tools(struct cdx_state *st, const struct jnode *tools)
{
	const struct jnode *list = json_is(tools, JARR) ? tools : json_get(tools, "components"), *c;

	json_for_each(c, list) {
		const char *type = json_get_str(c, "type"), *name = json_get_str(c, "name");

		if (!name || (type && strcmp(type, "application")))
			continue;
		st->tool = keep(st, name);
		st->tool_version = keep(st, json_get_str(c, "version"));
	}
}

static void read_metadata(struct cdx_state *st, const struct jnode *md, struct arena *rec_arena)
{
	const struct jnode *subject = json_get(md, "component");
	const char *ref = json_get_str(subject, "bom-ref");

	read_tools(st, json_get(md, "tools"));
	st->subject_name = keep(st, json_get_str(subject, "name"));
	st->subject_version = keep(st, json_get_str(subject, "version"));
	st->subject_purl = keep(st, json_get_str(subject, "purl"));
	st->subject_type = keep(st, json_get_str(subject, "type"));
	/* a vulnerability may affect the subject itself; it is not one of its packages */
	if (ref && !strmap_get(&st->by_ref, ref)) {
		struct component *entry = arena_zalloc(&st->arena, sizeof(*entry));

		entry->purl = st->subject_purl;
		entry->name = st->subject_name;
		entry->version = st->subject_version;
		entry->ecosystem = keep(st, vulnkit__purl_type(rec_arena, st->subject_purl));
		strmap_put(&st->by_ref, keep(st, ref), entry);
	}
}

static int on_inventory(const struct jrec *rec, void *payload, struct perr *err)
{
	struct cdx_state *st = payload;

	if (rec->which == REC_METADATA) {
		if (json_is(rec->node, JOBJ))
			read_metadata(st, rec->node, rec->arena);
		return 0;
	}
	if (!json_is(rec->node, JOBJ))
		return perr_set(err, P_EINVALID, "the component is %s, not an object",
				vulnkit__a_type(rec->node));
	index_component(st, rec->node, rec->arena, 0);
	return 0;
}

static enum severity rating_severity(const char *s)
{
	if (s && !strcasecmp(s, "none"))
		return SEV_INFO;
	return vulnkit__severity_word(s);
}

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

/*
 * ratings[]: the CVSS rating with the newest version and a vector wins;
 * severity comes from that rating, else the first rating that has one,
 * else from a score.
 */
static void set_ratings(struct evidence *ev, const struct jnode *ratings)
{
	const struct jnode *c, *sev_from = NULL;
	double score;

	json_for_each(c, json_is(ratings, JARR) ? ratings : NULL) {
		const char *version = method_version(json_get_str(c, "method"));
		const char *vector = json_get_str(c, "vector");
		bool has = json_get_num(c, "score", &score);
		const char *before = ev->cvss.vector;

		if (!version)
			continue;
		/* Dependency-Track writes v2 vectors as "(AV:N/...)"; keep them as written */
		vulnkit__offer_cvss(ev, version, vector, has ? &score : NULL);
		if (ev->cvss.vector != before && json_get_str(c, "severity"))
			sev_from = c;
	}
	if (!sev_from)
		json_for_each(c, json_is(ratings, JARR) ? ratings : NULL)
			if (json_get_str(c, "severity")) {
				sev_from = c;
				break;
			}
	if (sev_from) {
		ev->severity_raw = json_get_str(sev_from, "severity");
		ev->severity = rating_severity(ev->severity_raw);
	} else if (ev->cvss.has_score) {
		ev->severity = severity_from_score(ev->cvss.score);
	}
}

static void set_analysis(struct evidence *ev, struct arena *a, const struct jnode *analysis)
{
	const char *state = json_get_str(analysis, "state");
	const char *just = json_get_str(analysis, "justification");
	const char *detail = json_get_str(analysis, "detail");
	const struct jnode *c;
	char *responses = NULL;

	if (!state)
		return;
	vulnkit__prop(&ev->properties, a, "vex_state", state);
	vulnkit__prop(&ev->properties, a, "vex_justification", just);
	json_for_each(c, json_get(analysis, "response"))
		if (json_str(c))
			responses = responses ? arena_printf(a, "%s,%s", responses, json_str(c))
					      : arena_strdup(a, json_str(c));
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

static int emit_affected(struct cdx_state *st, const struct jrec *rec, const struct evidence *base,
			 const char *id, const char *ref, struct perr *err)
{
	struct arena *a = rec->arena;
	struct evidence ev = *base;
	const struct component *comp = resolve_ref(st, ref);

	vulnkit__fork_properties(&ev, base, a);
	if (comp) {
		ev.loc.purl = comp->purl;
		ev.loc.name = comp->name;
		ev.loc.version = comp->version;
		ev.loc.ecosystem = comp->ecosystem;
		ev.loc.path = comp->path ? path_normalize(a, comp->path) : NULL;
		if (!ev.loc.purl && !strncmp(ref, "pkg:", 4)) {
			/* no purl member, but the bom-ref is one (Dependency-Track, cdxgen) */
			ev.loc.purl = ref;
			ev.loc.ecosystem = vulnkit__purl_type(a, ref);
		}
	} else if (ref && !strncmp(ref, "pkg:", 4)) {
		/* some VEX documents name the package by purl instead of a bom-ref */
		ev.loc.purl = ref;
		ev.loc.ecosystem = vulnkit__purl_type(a, ref);
	} else if (ref) {
		parse_warn(st->opts,
			   "vulnerabilities[%zu]: '%s' affects '%s', which is not a bom-ref of this BOM",
			   rec->index[0], id, ref);
	}
	vulnkit__prop(&ev.properties, a, "affects_ref", ref);
	if (ev.loc.name)
		ev.title = arena_printf(a, "%s in %s%s%s", id, ev.loc.name,
					ev.loc.version ? " " : "", ev.loc.version ? ev.loc.version : "");
	return st->cb(&ev, st->payload, err);
}

static int on_vulnerability(const struct jrec *rec, void *payload, struct perr *err)
{
	struct cdx_state *st = payload;
	const struct jnode *v = rec->node, *c, *affects, *tool;
	struct arena *a = rec->arena;
	const char *id = json_get_str(v, "id");
	struct evidence ev;
	int ret;

	if (!json_is(v, JOBJ))
		return perr_set(err, P_EINVALID, "the vulnerability is %s, not an object",
				vulnkit__a_type(v));
	if (!id)
		return perr_set(err, P_EINVALID, "'id' is missing");
	affects = json_get(v, "affects");
	if (affects && !json_is(affects, JARR))
		return perr_set(err, P_EINVALID, "'affects' is %s, not an array",
				vulnkit__a_type(affects));
	evidence_init(&ev);
	/* 1.5+: the tools that found this vulnerability */
	tool = json_at(json_get(json_get(v, "tools"), "components"), 0);
	if (!tool)
		tool = json_at(json_get(v, "tools"), 0);
	ev.tool = json_get_str(tool, "name") ? json_get_str(tool, "name") : st->tool;
	ev.tool_version = json_get_str(tool, "name") ? json_get_str(tool, "version") : st->tool_version;
	if (!ev.tool)
		ev.tool = "cyclonedx";
	else if (tool)
		parse_tool_seen(st->opts, ev.tool, ev.tool_version);
	ev.kind = st->subject_type && !strcmp(st->subject_type, "container") ? KIND_CONTAINER : KIND_SCA;
	if (ev.kind == KIND_CONTAINER)
		ev.loc.image = st->subject_name;
	ev.rule_id = id;
	vulnkit__add_id(&ev, a, id);
	json_for_each(c, json_get(v, "references"))
		vulnkit__add_id(&ev, a, json_get_str(c, "id"));
	ev.title = id;
	ev.description = json_get_str(v, "description");
	if (!ev.description)
		ev.description = json_get_str(v, "detail");
	ev.remediation = json_get_str(v, "recommendation");
	set_ratings(&ev, json_get(v, "ratings"));
	json_for_each(c, json_get(v, "cwes"))
		evidence_add_cwe_text(&ev, a, json_text(c));
	if (json_get_str(json_get(v, "source"), "url"))
		strlist_add_unique(&ev.references, a, json_get_str(json_get(v, "source"), "url"));
	json_for_each(c, json_get(v, "advisories"))
		if (json_get_str(c, "url"))
			strlist_add_unique(&ev.references, a, json_get_str(c, "url"));
	json_for_each(c, json_get(v, "references"))
		if (json_get_str(json_get(c, "source"), "url"))
			strlist_add_unique(&ev.references, a, json_get_str(json_get(c, "source"), "url"));
	set_analysis(&ev, a, json_get(v, "analysis"));
	vulnkit__prop(&ev.properties, a, "source", json_get_str(json_get(v, "source"), "name"));
	vulnkit__prop(&ev.properties, a, "published", json_get_str(v, "published"));
	vulnkit__prop(&ev.properties, a, "updated", json_get_str(v, "updated"));
	vulnkit__prop(&ev.properties, a, "subject_name", st->subject_name);
	vulnkit__prop(&ev.properties, a, "subject_purl", st->subject_purl);

	if (!affects || !affects->len)
		return emit_affected(st, rec, &ev, id, NULL, err);
	json_for_each(c, affects)
		if ((ret = emit_affected(st, rec, &ev, id, json_get_str(c, "ref"), err)) < 0)
			return ret;
	return 0;
}

int detect_cyclonedx(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"bomFormat\""))
		return 0;
	return parse_has(head, len, "\"CycloneDX\"") ? 100 : 40;
}

int parse_cyclonedx(const char *buf, size_t len, const struct parse_opts *opts,
		    evidence_cb cb, void *payload, struct perr *err)
{
	struct cdx_state st;
	long n;
	int ret = 0;

	memset(&st, 0, sizeof(st));
	st.opts = opts;
	st.cb = cb;
	st.payload = payload;
	arena_init(&st.arena, 0);

	if ((n = jrec_parse(buf, len, &inventory_records, &opts->stream, on_inventory, &st, err)) < 0) {
		ret = (int)n;
		goto done;
	}
	if (!st.tool)
		st.tool = "cyclonedx";
	parse_tool_seen(opts, st.tool, st.tool_version);
	if (!memmem(buf, len, "\"vulnerabilities\"", 17))
		goto done;
	if ((n = jrec_parse(buf, len, &vuln_records, &opts->stream, on_vulnerability, &st, err)) < 0)
		ret = (int)n;
done:
	strmap_release(&st.by_ref);
	arena_release(&st.arena);
	return ret;
}
