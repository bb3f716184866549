/*
 * OWASP Dependency-Check JSON report (-f JSON, reportSchema 1.1): every
 * dependency it identified (a jar, a lock file entry, a .js file), with
 * its package URLs, the CPEs it matched, and the vulnerabilities that
 * NVD, OSS Index, RetireJS or the npm advisories list for it.
 *
 * One evidence per vulnerability per dependency; the vulnerabilities a
 * suppression file hid (suppressedVulnerabilities) are emitted
 * suppressed. Each dependency with a package URL is also reported as a
 * package (the report is an inventory too).
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/sca_audit.h"
#include "model/ids.h"
#include "model/path.h"

enum { CTX_SCAN, CTX_PROJECT, CTX_SCHEMA };

static const struct jrec_format dc_records = {
	.records = { "dependencies[*]", NULL },
	.context = { "scanInfo", "projectInfo", "reportSchema", NULL },
	.scope_end = true,
};

struct dc_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	const char *version; /* engineVersion, in keep */
	bool seen;           /* tool_seen called */
	struct arena keep;
};

/* Where the dependency was: a virtual one ("package-lock.json?lodash") names its lock file. */
struct dc_dep {
	const char *path, *file, *cpe, *cpe_confidence, *pkg_confidence;
	struct sca_pkg pkg;
	bool has_pkg, is_virtual;
	const struct jnode *node;
};

static void tool_seen(struct dc_state *st, const struct jrec *rec)
{
	const char *v;

	if (st->seen)
		return;
	st->seen = true;
	v = json_get_str(rec->ctx[CTX_SCAN], "engineVersion");
	if (v)
		st->version = arena_strdup(&st->keep, v);
	parse_tool_seen(st->opts, "dependency-check", st->version);
}

/* DC's identifier confidence: HIGHEST, HIGH, MEDIUM, LOW. */
static enum confidence confidence_word(const char *s)
{
	if (!s)
		return CONF_NONE;
	if (!strcasecmp(s, "HIGHEST") || !strcasecmp(s, "HIGH"))
		return CONF_HIGH;
	if (!strcasecmp(s, "MEDIUM"))
		return CONF_MEDIUM;
	if (!strcasecmp(s, "LOW"))
		return CONF_LOW;
	return CONF_NONE;
}

static int read_dependency(struct dc_dep *d, struct arena *a, const struct jnode *dep,
			   struct perr *err)
{
	const struct jnode *c, *pkgs = json_get(dep, "packages"), *ids = json_get(dep, "vulnerabilityIds");
	const char *path;
	size_t n;

	memset(d, 0, sizeof(*d));
	d->node = dep;
	if (pkgs && !json_is(pkgs, JARR))
		return perr_set(err, P_EINVALID, "'packages' is %s, not an array", sca_a_type(pkgs));
	json_get_bool(dep, "isVirtual", &d->is_virtual);
	d->file = json_get_str(dep, "fileName");
	path = json_get_str(dep, "filePath");
	if (path && d->is_virtual && (n = strcspn(path, "?")) && path[n])
		path = arena_strndup(a, path, n);
	d->path = path ? path_normalize(a, path) : NULL;
	json_for_each(c, pkgs) {
		if (sca_purl_split(&d->pkg, a, json_get_str(c, "id"))) {
			d->has_pkg = true;
			d->pkg_confidence = json_get_str(c, "confidence");
			break;
		}
	}
	c = json_at(json_is(ids, JARR) ? ids : NULL, 0);
	d->cpe = json_get_str(c, "id");
	d->cpe_confidence = json_get_str(c, "confidence");
	return 0;
}

/* v4 with a vector, else v3 (vector built from its metrics), else v2. */
static void set_cvss(struct evidence *ev, struct arena *a, const struct jnode *v)
{
	const struct jnode *v4 = json_get(v, "cvssv4"), *v3 = json_get(v, "cvssv3");
	const struct jnode *v2 = json_get(v, "cvssv2");

	if (json_get_str(v4, "vectorString")) {
		sca_set_cvss(ev, json_get_str(v4, "vectorString"), json_get(v4, "baseScore"));
		return;
	}
	if (json_is(v3, JOBJ)) {
		sca_set_cvss(ev, sca_cvss3_vector(a, v3, json_get_str(v3, "version")),
			     json_get(v3, "baseScore"));
		if (ev->cvss.has_score || ev->cvss.vector)
			return;
	}
	if (json_is(v2, JOBJ))
		sca_set_cvss(ev, sca_cvss2_vector(a, v2), json_get(v2, "score"));
}

/* The vulnerability's own severity, else its CVSS data's, else from the score. */
static void set_severity(struct evidence *ev, const struct jnode *v)
{
	static const struct {
		const char *obj, *key;
	} from[] = {
		{ NULL, "severity" }, { "cvssv4", "baseSeverity" }, { "cvssv3", "baseSeverity" },
		{ "cvssv3", "baseSeverity>" }, { "cvssv2", "severity" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(from); i++) {
		const char *s = json_get_str(from[i].obj ? json_get(v, from[i].obj) : v, from[i].key);

		if (s && sca_severity_word(s) != SEV_NONE) {
			ev->severity = sca_severity_word(s);
			ev->severity_raw = s;
			return;
		}
		if (s && !ev->severity_raw)
			ev->severity_raw = s; /* "Unknown": kept, but no severity */
	}
	if (ev->cvss.has_score)
		ev->severity = severity_from_score(ev->cvss.score);
}

/* "[2.13.0, 2.15.0)"-style bounds of a CPE range, as ">=2.13.0, <2.15.0". */
static const char *range_text(struct arena *a, const struct jnode *sw)
{
	const char *lo = json_get_str(sw, "versionStartIncluding"), *lop = ">=";
	const char *hi = json_get_str(sw, "versionEndExcluding"), *hip = "<";

	if (!lo) {
		lo = json_get_str(sw, "versionStartExcluding");
		lop = ">";
	}
	if (!hi) {
		hi = json_get_str(sw, "versionEndIncluding");
		hip = "<=";
	}
	if (!lo && !hi)
		return NULL;
	return arena_printf(a, "%s%s%s%s%s", lo ? lop : "", lo ? lo : "", lo && hi ? ", " : "",
			    hi ? hip : "", hi ? hi : "");
}

/* The matched vulnerable software entry: the first version past its range fixes it. */
static void add_matched(struct evidence *ev, struct arena *a, const struct jnode *vs)
{
	const struct jnode *c;

	json_for_each(c, json_is(vs, JARR) ? vs : NULL) {
		const struct jnode *sw = json_get(c, "software");
		const char *m = json_text(json_get(sw, "vulnerabilityIdMatched"));

		if (!m || strcmp(m, "true"))
			continue;
		sca_prop(ev, a, "matched_cpe", json_get_str(sw, "id"));
		strlist_add(&ev->loc.fixed_versions, a, json_get_str(sw, "versionEndExcluding"));
		sca_prop(ev, a, "vulnerable_versions", range_text(a, sw));
		return;
	}
}

static int emit(struct dc_state *st, const struct dc_dep *d, struct arena *a,
		const struct jnode *v, bool suppressed, struct perr *err)
{
	const struct jnode *c, *kev;
	const char *name, *source, *notes;
	struct evidence ev;

	if (!json_is(v, JOBJ))
		return perr_set(err, P_EINVALID, "a vulnerability is %s, not an object", sca_a_type(v));
	name = json_get_str(v, "name");
	if (!name)
		return perr_set(err, P_EINVALID, "a vulnerability has no 'name'");
	source = json_get_str(v, "source");
	evidence_init(&ev);
	ev.tool = "dependency-check";
	ev.tool_version = st->version;
	ev.kind = KIND_SCA;
	ev.rule_id = name;
	ev.description = json_get_str(v, "description");
	/* CVE-, GHSA-, sonatype-...: an id; a bare number (an old npm advisory) is not */
	if (name[strspn(name, "0123456789")])
		evidence_add_vuln_id(&ev, a, ids_normalize(a, name));
	set_cvss(&ev, a, v);
	set_severity(&ev, v);
	sca_add_cwes(&ev, a, json_get(v, "cwes"));
	json_for_each(c, json_get(v, "references")) {
		const char *url = json_get_str(c, "url");

		strlist_add_unique(&ev.references, a, url);
		/* NVD links the GitHub advisory of the same CVE: an alias */
		if (url && strstr(url, "github.com/advisories/GHSA-"))
			ids_scan_text(&ev, a, url);
	}
	if (ids_is_cve(name))
		ev.help_uri = arena_printf(a, "https://nvd.nist.gov/vuln/detail/%s", ev.vuln_ids.v[0]);
	/* an NVD match is a CPE match; the others match the package URL */
	if (source && !strcmp(source, "NVD") && d->cpe_confidence) {
		ev.confidence_raw = d->cpe_confidence;
	} else {
		ev.confidence_raw = d->pkg_confidence ? d->pkg_confidence : d->cpe_confidence;
	}
	ev.confidence = confidence_word(ev.confidence_raw);

	ev.loc.path = d->path;
	if (d->has_pkg) {
		ev.loc.name = d->pkg.name;
		ev.loc.version = d->pkg.version;
		ev.loc.ecosystem = d->pkg.type;
		ev.loc.purl = sca_purl(a, d->pkg.type, d->pkg.name, d->pkg.version);
	} else {
		ev.loc.name = d->file;
	}
	add_matched(&ev, a, json_get(v, "vulnerableSoftware"));

	sca_prop(&ev, a, "source", source);
	sca_prop(&ev, a, "fix_available", ev.loc.fixed_versions.n ? "true" : NULL);
	if (json_text(json_get(v, "unscored")) && !strcmp(json_text(json_get(v, "unscored")), "true"))
		sca_prop(&ev, a, "unscored", "true");
	kev = json_get(v, "knownExploitedVulnerability");
	if (json_is(kev, JOBJ)) {
		sca_prop(&ev, a, "kev", "true");
		sca_prop(&ev, a, "kev_date_added", json_get_str(kev, "DateAdded"));
		sca_prop(&ev, a, "kev_due_date", json_get_str(kev, "DueDate"));
		sca_prop(&ev, a, "kev_required_action", json_get_str(kev, "RequiredAction"));
	}
	sca_prop(&ev, a, "cpe", d->cpe);
	sca_prop(&ev, a, "file_name", d->file);
	sca_prop(&ev, a, "sha256", json_get_str(d->node, "sha256"));
	sca_prop(&ev, a, "project_references", sca_join_first(a, json_get(d->node, "projectReferences"), 5));
	notes = json_get_str(v, "notes");
	if (suppressed) {
		ev.suppressed = true;
		ev.suppression_kind = "external";
		ev.suppression_justification = notes && *notes ? notes :
					       "suppressed by a Dependency-Check suppression rule";
	} else {
		sca_prop(&ev, a, "notes", notes);
	}
	return st->cb(&ev, st->payload, err);
}

static void package_seen(struct dc_state *st, const struct dc_dep *d, struct arena *a)
{
	struct package_ref pkg;

	if (!d->has_pkg)
		return;
	memset(&pkg, 0, sizeof(pkg));
	pkg.purl = sca_purl(a, d->pkg.type, d->pkg.name, d->pkg.version);
	pkg.name = d->pkg.name;
	pkg.version = d->pkg.version;
	pkg.ecosystem = d->pkg.type;
	pkg.license = json_get_str(d->node, "license");
	pkg.path = d->path;
	parse_package_seen(st->opts, &pkg);
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	static const char *const lists[] = { "vulnerabilities", "suppressedVulnerabilities" };
	struct dc_state *st = payload;
	struct dc_dep d;
	size_t i;
	int ret;

	if (rec->which == JREC_SCOPE_END) {
		if (rec->nindex)
			return 0;
		if (!rec->ctx[CTX_SCHEMA] && !rec->ctx[CTX_SCAN])
			return perr_set(err, P_EINVALID,
					"no 'reportSchema' or 'scanInfo': not a Dependency-Check report");
		tool_seen(st, rec);
		return 0;
	}
	tool_seen(st, rec);
	if (!json_is(rec->node, JOBJ))
		return perr_set(err, P_EINVALID, "the dependency is %s, not an object",
				sca_a_type(rec->node));
	if ((ret = read_dependency(&d, rec->arena, rec->node, err)) < 0)
		return ret;
	package_seen(st, &d, rec->arena);
	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		const struct jnode *list = json_get(rec->node, lists[i]), *v;

		if (list && !json_is(list, JARR))
			return perr_set(err, P_EINVALID, "'%s' is %s, not an array", lists[i],
					sca_a_type(list));
		json_for_each(v, list)
			if ((ret = emit(st, &d, rec->arena, v, i == 1, err)) < 0)
				return ret;
	}
	return 0;
}

int detect_dependency_check(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{')
		return 0;
	if (parse_has(head, len, "\"reportSchema\"") && parse_has(head, len, "\"scanInfo\""))
		return 95;
	if (parse_has(head, len, "\"scanInfo\"") && parse_has(head, len, "\"engineVersion\"") &&
	    parse_has(head, len, "\"dependencies\""))
		return 90;
	return 0;
}

int parse_dependency_check(const char *buf, size_t len, const struct parse_opts *opts,
			   evidence_cb cb, void *payload, struct perr *err)
{
	struct dc_state st;
	long n;

	memset(&st, 0, sizeof(st));
	st.opts = opts;
	st.cb = cb;
	st.payload = payload;
	arena_init(&st.keep, 0);
	if (parse_first_char(buf, len) != '{')
		n = perr_set(err, P_EINVALID, "the report is not a JSON object");
	else
		n = jrec_parse(buf, len, &dc_records, &opts->stream, on_record, &st, err);
	arena_release(&st.keep);
	return n < 0 ? (int)n : 0;
}
