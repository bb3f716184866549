/*
 * OSV-Scanner JSON (`osv-scanner --format json`, v1 and v2): per source
 * (lock file, SBOM, image) and package, one evidence per group of aliased
 * vulnerabilities (`groups`), or per vulnerability when a report has no
 * groups. See docs/formats/osv-scanner.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/vulnkit.h"
#include "model/path.h"

enum { REC_PACKAGE };
enum { CTX_SOURCE };

static const struct jrec_format osv_records = {
	.records = { "results[*].packages[*]", NULL },
	.context = { "results[*].source", NULL },
};

struct osv_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

static bool has_id(const struct jnode *list, const char *id)
{
	const struct jnode *c;

	json_for_each(c, list)
		if (json_str(c) && !strcmp(json_str(c), id))
			return true;
	return false;
}

/* OSV "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/..."}] (the score is the vector). */
static void add_severity_vectors(struct evidence *ev, const struct jnode *osv)
{
	const struct jnode *c;

	json_for_each(c, json_get(osv, "severity")) {
		const char *type = json_get_str(c, "type"), *vector = json_get_str(c, "score");

		if (type && !strncmp(type, "CVSS_V", 6))
			vulnkit__offer_cvss(ev, NULL, vector, NULL);
	}
}

/* "fixed" events of the affected[] entries for this package. */
static void add_fixed(struct evidence *ev, struct arena *a, const struct jnode *osv,
		      const char *name, const char *ecosystem)
{
	const struct jnode *aff, *range, *event;

	json_for_each(aff, json_get(osv, "affected")) {
		const struct jnode *pkg = json_get(aff, "package");
		const char *aname = json_get_str(pkg, "name"), *aeco = json_get_str(pkg, "ecosystem");

		/* PyPI names are case-insensitive: "Jinja2" is "jinja2" */
		if (!aname || !name || strcasecmp(aname, name))
			continue;
		if (aeco && ecosystem && strncmp(aeco, ecosystem, strcspn(ecosystem, ":")))
			continue;
		json_for_each(range, json_get(aff, "ranges"))
			json_for_each(event, json_get(range, "events"))
				if (json_get_str(event, "fixed"))
					strlist_add_unique(&ev->loc.fixed_versions, a,
							   json_get_str(event, "fixed"));
	}
}

/* Merge one OSV record into the evidence of its group. */
static void add_osv(struct evidence *ev, struct arena *a, const struct jnode *osv,
		    const char *name, const char *ecosystem, const char **db_severity)
{
	const struct jnode *c, *dbs = json_get(osv, "database_specific");

	vulnkit__add_id(ev, a, json_get_str(osv, "id"));
	json_for_each(c, json_get(osv, "aliases"))
		vulnkit__add_id(ev, a, json_str(c));
	if (!ev->title)
		ev->title = json_get_str(osv, "summary");
	if (!ev->description)
		ev->description = json_get_str(osv, "details");
	add_severity_vectors(ev, osv);
	add_fixed(ev, a, osv, name, ecosystem);
	json_for_each(c, json_get(dbs, "cwe_ids"))
		evidence_add_cwe_text(ev, a, json_str(c));
	json_for_each(c, json_get(osv, "references"))
		if (json_get_str(c, "url"))
			strlist_add_unique(&ev->references, a, json_get_str(c, "url"));
	if (!*db_severity)
		*db_severity = json_get_str(dbs, "severity");
	vulnkit__prop(&ev->properties, a, "published", json_get_str(osv, "published"));
	vulnkit__prop(&ev->properties, a, "modified", json_get_str(osv, "modified"));
}

static void set_severity(struct evidence *ev, const char *max_severity, const char *db_severity)
{
	char *end;
	double score;

	if (max_severity && *max_severity) {
		errno = 0;
		score = strtod(max_severity, &end);
		if (!errno && end != max_severity && !*end && score >= 0 && score <= 10) {
			ev->severity = severity_from_score(score);
			ev->severity_raw = max_severity;
			return;
		}
	}
	if (db_severity) {
		ev->severity = vulnkit__severity_word(db_severity);
		ev->severity_raw = db_severity;
	}
}

/* Go call analysis: {"GO-2023-1234": {"called": false}} per group. */
static void set_reachability(struct evidence *ev, struct arena *a, const struct jnode *group)
{
	const struct jnode *analysis = json_get(group, "experimentalAnalysis"), *c;
	bool called, any = false, is_called = false, unimportant;

	json_for_each(c, analysis) {
		if (json_get_bool(c, "called", &called)) {
			any = true;
			is_called |= called;
		}
		if (json_get_bool(c, "unimportant", &unimportant) && unimportant)
			vulnkit__prop(&ev->properties, a, "unimportant", "true");
	}
	if (any)
		ev->reachability = is_called ? REACH_REACHABLE : REACH_NOT_REACHABLE;
}

/* The package of one record, as OSV names it. */
struct osv_package {
	const char *name, *version, *ecosystem;
};

static int emit_group(struct osv_state *st, const struct jrec *rec, const struct evidence *base,
		      const struct osv_package *pkg, const struct jnode *group,
		      const struct jnode *single, struct perr *err)
{
	const struct jnode *vulns = json_get(rec->node, "vulnerabilities"), *ids, *c;
	struct arena *a = rec->arena;
	struct evidence ev = *base;
	const char *db_severity = NULL;

	vulnkit__fork_properties(&ev, base, a);
	if (single) {
		ev.rule_id = json_get_str(single, "id");
		add_osv(&ev, a, single, pkg->name, pkg->ecosystem, &db_severity);
		set_severity(&ev, NULL, db_severity);
		return st->cb(&ev, st->payload, err);
	}
	ids = json_get(group, "ids");
	ev.rule_id = json_str(json_at(ids, 0));
	if (!ev.rule_id)
		return perr_set(err, P_EINVALID, "'groups[].ids' is missing or empty");
	/* the group's own ids first, so that the rule's id leads the non-CVE ids */
	json_for_each(c, ids)
		vulnkit__add_id(&ev, a, json_str(c));
	json_for_each(c, vulns)
		if (json_get_str(c, "id") && has_id(ids, json_get_str(c, "id")))
			add_osv(&ev, a, c, pkg->name, pkg->ecosystem, &db_severity);
	json_for_each(c, json_get(group, "aliases"))
		vulnkit__add_id(&ev, a, json_str(c));
	if (!ev.title)
		ev.title = ev.rule_id;
	set_severity(&ev, json_get_str(group, "max_severity"), db_severity);
	vulnkit__prop(&ev.properties, a, "max_severity", json_get_str(group, "max_severity"));
	set_reachability(&ev, a, group);
	return st->cb(&ev, st->payload, err);
}

static int on_package(const struct jrec *rec, void *payload, struct perr *err)
{
	struct osv_state *st = payload;
	const struct jnode *p = rec->node, *pkgnode, *groups, *vulns, *c, *source;
	const struct jnode *layer;
	struct arena *a = rec->arena;
	struct osv_package pkg;
	const char *type, *source_type, *path, *groups_joined = NULL;
	struct evidence ev;
	bool in_base;
	int ret;

	if (!json_is(p, JOBJ))
		return perr_set(err, P_EINVALID, "the package is %s, not an object",
				vulnkit__a_type(p));
	pkgnode = json_get(p, "package");
	groups = json_get(p, "groups");
	vulns = json_get(p, "vulnerabilities");
	if (vulns && !json_is(vulns, JARR))
		return perr_set(err, P_EINVALID, "'vulnerabilities' is %s, not an array",
				vulnkit__a_type(vulns));
	if (groups && !json_is(groups, JARR))
		return perr_set(err, P_EINVALID, "'groups' is %s, not an array",
				vulnkit__a_type(groups));
	pkg.name = json_get_str(pkgnode, "name");
	pkg.version = json_get_str(pkgnode, "version");
	pkg.ecosystem = json_get_str(pkgnode, "ecosystem");
	if (!pkg.name)
		return perr_set(err, P_EINVALID, "'package.name' is missing");

	source = rec->ctx[CTX_SOURCE];
	source_type = json_get_str(source, "type");
	evidence_init(&ev);
	ev.tool = "osv-scanner";
	ev.kind = source_type && (!strcmp(source_type, "docker") || !strcmp(source_type, "image"))
		  ? KIND_CONTAINER : KIND_SCA;
	ev.loc.name = pkg.name;
	ev.loc.version = pkg.version;
	ev.loc.purl = vulnkit__purl_from_osv(a, pkg.ecosystem, pkg.name, pkg.version, &type);
	ev.loc.ecosystem = type ? type : pkg.ecosystem;
	path = json_get_str(source, "path");
	if (path && *path) {
		if (ev.kind == KIND_CONTAINER)
			ev.loc.image = path;
		else
			ev.loc.path = path_normalize(a, path);
	}
	layer = json_get(p, "layer_details");
	ev.loc.layer = json_get_str(layer, "diff_id");
	if (json_get_bool(layer, "in_base_image", &in_base))
		vulnkit__prop(&ev.properties, a, "in_base_image", in_base ? "true" : "false");
	vulnkit__prop(&ev.properties, a, "source_type", source_type);
	vulnkit__prop(&ev.properties, a, "osv_ecosystem", pkg.ecosystem);
	json_for_each(c, json_get(p, "dependency_groups"))
		if (json_str(c))
			groups_joined = groups_joined ? arena_printf(a, "%s,%s", groups_joined, json_str(c))
						      : json_str(c);
	vulnkit__prop(&ev.properties, a, "dependency_groups", groups_joined);

	if (groups && groups->len) {
		json_for_each(c, groups)
			if ((ret = emit_group(st, rec, &ev, &pkg, c, NULL, err)) < 0)
				return ret;
		return 0;
	}
	json_for_each(c, vulns)
		if ((ret = emit_group(st, rec, &ev, &pkg, NULL, c, err)) < 0)
			return ret;
	return 0;
}

int detect_osv_scanner(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"results\""))
		return 0;
	/* a report without findings: {"results": [], "experimental_config": {...}} */
	if (parse_has(head, len, "\"experimental_config\""))
		return 70;
	if (!parse_has(head, len, "\"packages\""))
		return 0;
	if (parse_has(head, len, "\"ecosystem\"") && parse_has(head, len, "\"source\""))
		return 85;
	return 0;
}

int parse_osv_scanner(const char *buf, size_t len, const struct parse_opts *opts,
		      evidence_cb cb, void *payload, struct perr *err)
{
	struct osv_state st = { opts, cb, payload };
	long n = jrec_parse(buf, len, &osv_records, &opts->stream, on_package, &st, err);

	if (n < 0)
		return (int)n;
	/* the JSON names no version */
	parse_tool_seen(opts, "osv-scanner", NULL);
	return 0;
}
