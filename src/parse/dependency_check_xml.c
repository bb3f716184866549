/*
 * OWASP Dependency-Check's XML report (`--format XML`, schemas
 * dependency-check.1.x-4.x): one evidence per dependency and vulnerability
 * (`vulnerability` and `suppressedVulnerability`), in report order; every
 * dependency is also reported as a package (inventory). The dependency's
 * own fields come before its vulnerabilities in the file, so they are
 * context; the evidence collected (the bulk of the report) is never
 * loaded. See docs/formats/dependency-check-xml.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/xrec.h"
#include "parse/xmltext.h"
#include "parse/xml_severity.h"
#include "parse/sca_audit.h"
#include "model/ids.h"
#include "model/path.h"

#include <math.h>

#define MAX_TEXT 8192

enum { REC_VULN, REC_SUPPRESSED };
enum {
	CTX_SCAN, CTX_PROJECT, CTX_FILENAME, CTX_FILEPATH, CTX_SHA256, CTX_IDS,
	CTX_RELATED, CTX_PROJREFS, CTX_INCLUDED, CTX_LICENSE,
};

#define DEP "analysis/dependencies/dependency/"

static const struct xrec_format dc_records = {
	.records = { DEP "vulnerabilities/vulnerability", DEP "vulnerabilities/suppressedVulnerability",
		     NULL },
	.context = { "analysis/scanInfo", "analysis/projectInfo", DEP "fileName", DEP "filePath",
		     DEP "sha256", DEP "identifiers", DEP "relatedDependencies",
		     DEP "projectReferences", DEP "includedBy", DEP "license", NULL },
	.root = "analysis",
	.scope_end = true,
};

struct dc_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

/* One component of a CVSS vector: the report's word -> the vector letter. */
struct metric {
	const char *element;  /* NULL: try alt */
	const char *alt;      /* the element's other spelling, or NULL */
	const char *key;
	const char *words;    /* "NETWORK=N,ADJACENT_NETWORK=A,..." */
};

static const struct metric v3_metrics[] = {
	{ "attackVector", NULL, "AV", "NETWORK=N,ADJACENT_NETWORK=A,ADJACENT=A,LOCAL=L,PHYSICAL=P" },
	{ "attackComplexity", NULL, "AC", "LOW=L,HIGH=H" },
	{ "privilegesRequired", NULL, "PR", "NONE=N,LOW=L,HIGH=H" },
	{ "userInteraction", NULL, "UI", "NONE=N,REQUIRED=R" },
	{ "scope", NULL, "S", "UNCHANGED=U,CHANGED=C" },
	{ "confidentialityImpact", NULL, "C", "NONE=N,LOW=L,HIGH=H" },
	{ "integrityImpact", NULL, "I", "NONE=N,LOW=L,HIGH=H" },
	{ "availabilityImpact", NULL, "A", "NONE=N,LOW=L,HIGH=H" },
};

static const struct metric v2_metrics[] = {
	{ "accessVector", NULL, "AV", "NETWORK=N,ADJACENT_NETWORK=A,LOCAL=L" },
	{ "accessComplexity", NULL, "AC", "LOW=L,MEDIUM=M,HIGH=H" },
	/* sic: the report template spells it "authenticationr" */
	{ "authenticationr", "authentication", "Au", "NONE=N,SINGLE=S,MULTIPLE=M" },
	/* "confidentialImpact" before 7.0, "confidentialityImpact" since */
	{ "confidentialityImpact", "confidentialImpact", "C", "NONE=N,PARTIAL=P,COMPLETE=C" },
	{ "integrityImpact", NULL, "I", "NONE=N,PARTIAL=P,COMPLETE=C" },
	{ "availabilityImpact", NULL, "A", "NONE=N,PARTIAL=P,COMPLETE=C" },
};

/* The letter for word in "WORD=L,..." (any case), or 0. */
static char metric_letter(const char *words, const char *word)
{
	size_t n = strlen(word);

	while (*words) {
		const char *eq = strchr(words, '='), *end;

		if (!eq)
			return 0;
		if ((size_t)(eq - words) == n && !strncasecmp(words, word, n))
			return eq[1];
		end = strchr(eq, ',');
		if (!end)
			return 0;
		words = end + 1;
	}
	return 0;
}

static const char *build_vector(struct arena *a, const struct xnode *cvss, const char *prefix,
				const struct metric *m, size_t nm)
{
	char buf[96];
	size_t i, len = 0;

	len = (size_t)snprintf(buf, sizeof(buf), "%s", prefix);
	for (i = 0; i < nm; i++) {
		const char *w = xnode_path_text(cvss, m[i].element);
		char c;

		if (!w && m[i].alt)
			w = xnode_path_text(cvss, m[i].alt);
		if (!w || !(c = metric_letter(m[i].words, w)))
			return NULL;
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s:%c",
					len ? "/" : "", m[i].key, c);
		if (len >= sizeof(buf))
			return NULL;
	}
	return arena_strdup(a, buf);
}

/*
 * The CVSS v3 vector of a <cvssV3> element, which writes each metric as a
 * word: "CVSS:3.1/AV:N/AC:L/...". NULL when a metric or the version (3.0 or
 * 3.1, written since Dependency-Check 6) is missing or not a CVSS word.
 */
const char *dc__cvss3_vector(struct arena *a, const struct xnode *cvss)
{
	const char *v = xnode_path_text(cvss, "version");
	char prefix[16];

	if (!v || (strcmp(v, "3.0") && strcmp(v, "3.1")))
		return NULL;
	snprintf(prefix, sizeof(prefix), "CVSS:%s", v);
	return build_vector(a, cvss, prefix, v3_metrics, ARRAY_SIZE(v3_metrics));
}

/* The CVSS v2 vector of a <cvssV2> element: "AV:N/AC:L/Au:N/C:P/I:P/A:P". */
const char *dc__cvss2_vector(struct arena *a, const struct xnode *cvss)
{
	return build_vector(a, cvss, "", v2_metrics, ARRAY_SIZE(v2_metrics));
}

static bool score_of(const char *s, double *out)
{
	char *end;
	double v;

	if (!s)
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v < 0 || v > 10)
		return false;
	*out = v;
	return true;
}

/*
 * ev->cvss from the newest CVSS the vulnerability has (v4, then v3, then
 * v2: the order Dependency-Check itself picks its severity in); the
 * other versions' vectors or scores become properties.
 */
static void set_cvss(struct evidence *ev, struct arena *a, const struct xnode *v)
{
	const struct xnode *v4 = xnode_child(v, "cvssV4"), *v3 = xnode_child(v, "cvssV3");
	const struct xnode *v2 = xnode_child(v, "cvssV2");
	const char *vec4 = xnode_path_text(v4, "vectorString");
	const char *vec3 = dc__cvss3_vector(a, v3), *vec2 = dc__cvss2_vector(a, v2);
	const char *s4 = xnode_path_text(v4, "baseScore"), *s3 = xnode_path_text(v3, "baseScore");
	const char *s2 = xnode_path_text(v2, "score");
	double score;

	if (vec4 && strncmp(vec4, "CVSS:4.0/", 9))
		vec4 = NULL;
	if (v4 && (vec4 || score_of(s4, &score))) {
		ev->cvss.version = "4.0";
		ev->cvss.vector = vec4;
		ev->cvss.has_score = score_of(s4, &ev->cvss.score);
	} else if (v3 && (vec3 || score_of(s3, &score))) {
		ev->cvss.version = vec3 ? xnode_path_text(v3, "version") : NULL;
		ev->cvss.vector = vec3;
		ev->cvss.has_score = score_of(s3, &ev->cvss.score);
	} else if (v2 && (vec2 || score_of(s2, &score))) {
		ev->cvss.version = "2.0";
		ev->cvss.vector = vec2;
		ev->cvss.has_score = score_of(s2, &ev->cvss.score);
	}
	if (ev->cvss.has_score && ev->cvss.score == 0 && !ev->cvss.vector)
		ev->cvss.has_score = false;
	if (v3 && ev->cvss.vector != vec3)
		kvlist_add(&ev->properties, a, "cvss_v3", vec3 ? vec3 : s3);
	if (v2 && ev->cvss.vector != vec2)
		kvlist_add(&ev->properties, a, "cvss_v2", vec2 ? vec2 : s2);
}

/*
 * Severity: the vulnerability's <severity> (Dependency-Check's choice:
 * the source's own word for unscored advisories, else the newest CVSS
 * rating), else the bands of the CVSS score.
 */
static void set_severity(struct evidence *ev, struct arena *a, const struct xnode *v)
{
	const char *s = xnode_path_text(v, "severity");
	double score;

	if (!s)
		s = xnode_path_text(v, "cvssV3/baseSeverity");
	if (!s)
		s = xnode_path_text(v, "cvssV2/severity");
	ev->severity_raw = s;
	if ((ev->severity = sca_severity_word(s)) != SEV_NONE)
		return;
	/* unscored sources sometimes give a number ("7.5") */
	if (score_of(s, &score) && score > 0) {
		ev->severity = severity_from_score(score);
		return;
	}
	if (ev->cvss.has_score) {
		ev->severity = severity_from_score(ev->cvss.score);
		if (!s)
			ev->severity_raw = arena_printf(a, "%.1f", ev->cvss.score);
	}
}

/* HIGHEST, HIGH, MEDIUM, LOW: how sure the identification of the dependency is. */
static enum confidence confidence_of(const char *s)
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

/* pkg:type/namespace/name@version: the fields of a package location. */
static void set_purl(struct location *loc, struct arena *a, const char *purl)
{
	const char *p, *at, *slash, *end;
	const char *ns = NULL, *name;
	size_t n;

	if (!purl || strncmp(purl, "pkg:", 4))
		return;
	loc->purl = purl;
	p = purl + 4;
	n = strcspn(p, "/");
	if (!n || !p[n])
		return;
	loc->ecosystem = arena_strndup(a, p, n);
	p += n + 1;
	end = p + strcspn(p, "?#");
	at = memchr(p, '@', (size_t)(end - p));
	/* an npm scope's "@" is percent-encoded in a purl, so the last '@' is the version */
	while (at && memchr(at + 1, '@', (size_t)(end - at - 1)))
		at = memchr(at + 1, '@', (size_t)(end - at - 1));
	if (at) {
		loc->version = path_percent_decode(a, arena_strndup(a, at + 1, (size_t)(end - at - 1)));
		end = at;
	}
	slash = NULL;
	for (name = p; name < end; name++)
		if (*name == '/')
			slash = name;
	if (slash) {
		ns = path_percent_decode(a, arena_strndup(a, p, (size_t)(slash - p)));
		name = path_percent_decode(a, arena_strndup(a, slash + 1, (size_t)(end - slash - 1)));
	} else {
		name = path_percent_decode(a, arena_strndup(a, p, (size_t)(end - p)));
	}
	if (ns && !strcmp(loc->ecosystem, "maven"))
		loc->name = arena_printf(a, "%s:%s", ns, name);
	else if (ns)
		loc->name = arena_printf(a, "%s/%s", ns, name);
	else
		loc->name = name;
}

/* The first package identifier that is a purl, else the first one. */
static const struct xnode *package_id(const struct xnode *ids)
{
	const struct xnode *p;

	xnode_for_each_named(p, ids, "package") {
		const char *id = xnode_path_text(p, "id");

		if (id && !strncmp(id, "pkg:", 4))
			return p;
	}
	return xnode_child(ids, "package");
}

/* "[2.13.0, 2.15.0)"-style bounds of a CPE range, as ">=2.13.0, <2.15.0". */
static const char *range_text(struct arena *a, const struct xnode *sw)
{
	const char *lo = xnode_attr(sw, "versionStartIncluding"), *lop = ">=";
	const char *hi = xnode_attr(sw, "versionEndExcluding"), *hip = "<";

	if (!lo) {
		lo = xnode_attr(sw, "versionStartExcluding");
		lop = ">";
	}
	if (!hi) {
		hi = xnode_attr(sw, "versionEndIncluding");
		hip = "<=";
	}
	if (!lo && !hi)
		return NULL;
	return arena_printf(a, "%s%s%s%s%s", lo ? lop : "", lo ? lo : "", lo && hi ? ", " : "",
			    hi ? hip : "", hi ? hi : "");
}

/*
 * The location path of a dependency's filePath, normalized: a virtual
 * dependency ("web/package-lock.json?lodash") is found in its manifest.
 * As the JSON parser ("dependency-check") does, so that one report gives
 * the same fingerprints in both formats.
 *
 * NEEDSWORK: a jar in a build tool's cache (~/.m2/repository,
 * ~/.gradle/caches) keeps its absolute, per-machine path, which then
 * differs between CI runners; dropping it needs the same change in both
 * parsers.
 */
const char *dc__location_path(struct arena *a, const char *file)
{
	const char *q;

	if (!file || !*file)
		return NULL;
	if ((q = strchr(file, '?')))
		file = arena_strndup(a, file, (size_t)(q - file));
	return path_normalize(a, file);
}

static void set_package(struct evidence *ev, struct arena *a, const struct xrec *rec)
{
	const struct xnode *pkg = package_id(rec->ctx[CTX_IDS]);
	const char *id = xnode_path_text(pkg, "id");
	const char *file = xnode_text(rec->ctx[CTX_FILEPATH]);

	set_purl(&ev->loc, a, id);
	if (!ev->loc.name)
		ev->loc.name = xnode_text(rec->ctx[CTX_FILENAME]);
	ev->loc.path = dc__location_path(a, file);
}

static void add_related(struct evidence *ev, struct arena *a, const struct xnode *related)
{
	const struct xnode *r;

	xnode_for_each_named(r, related, "relatedDependency") {
		const char *file = xnode_path_text(r, "filePath");
		struct location *loc;

		if (!file)
			continue;
		loc = evidence_add_related(ev, a);
		loc->path = dc__location_path(a, file);
		set_purl(loc, a, xnode_path_text(package_id(xnode_child(r, "identifiers")), "id"));
	}
}

/* "a, b, c" of the texts of parent's children named name, or NULL. */
static const char *join_texts(struct arena *a, const struct xnode *parent, const char *name)
{
	const struct xnode *c;
	const char *s = NULL;
	size_t n = 0;

	xnode_for_each_named(c, parent, name) {
		if (!xnode_text(c))
			continue;
		if (++n > 20)
			return arena_printf(a, "%s, ...", s);
		s = s ? arena_printf(a, "%s, %s", s, xnode_text(c)) : xnode_text(c);
	}
	return s;
}

static void set_kev(struct evidence *ev, struct arena *a, const struct xnode *kev)
{
	if (!kev)
		return;
	kvlist_add(&ev->properties, a, "kev", "true");
	kvlist_add(&ev->properties, a, "kev_date_added", xnode_path_text(kev, "dateAdded"));
	kvlist_add(&ev->properties, a, "kev_due_date", xnode_path_text(kev, "dueDate"));
	kvlist_add(&ev->properties, a, "kev_required_action", xnode_path_text(kev, "requiredAction"));
}

/*
 * The matched CPE range's end: "versionEndExcluding" is the first version
 * outside the vulnerable range, the one to upgrade to.
 */
static void set_fix(struct evidence *ev, struct arena *a, const struct xnode *v)
{
	const struct xnode *s;

	xnode_for_each_named(s, xnode_child(v, "vulnerableSoftware"), "software") {
		const char *m = xnode_attr(s, "vulnerabilityIdMatched");

		if (!m)
			m = xnode_attr(s, "matched");
		if (!m || strcmp(m, "true"))
			continue;
		kvlist_add(&ev->properties, a, "matched_cpe", xnode_text(s));
		strlist_add(&ev->loc.fixed_versions, a, xnode_attr(s, "versionEndExcluding"));
		kvlist_add(&ev->properties, a, "vulnerable_versions", range_text(a, s));
		if (ev->loc.fixed_versions.n)
			kvlist_add(&ev->properties, a, "fix_available", "true");
		return;
	}
}

static bool on(const char *s)
{
	return s && !strcmp(s, "true");
}

static int emit_vuln(struct dc_state *st, const struct xrec *rec, struct perr *err)
{
	const struct xnode *v = rec->node, *c, *cpe;
	const char *name = xnode_path_text(v, "name"), *source = xnode_attr(v, "source");
	struct arena *a = rec->arena;
	struct evidence ev;

	if (!name)
		return perr_set(err, P_EINVALID, "<%s> has no <name>", v->name);
	evidence_init(&ev);
	ev.tool = "dependency-check";
	ev.tool_version = xnode_path_text(rec->ctx[CTX_SCAN], "engineVersion");
	ev.kind = KIND_SCA;
	ev.rule_id = name;
	/* CVE-, GHSA-, sonatype-...: an id; a bare number (an old npm advisory) is not */
	if (name[strspn(name, "0123456789")])
		evidence_add_vuln_id(&ev, a, ids_normalize(a, name));
	if (ids_is_cve(name))
		ev.help_uri = arena_printf(a, "https://nvd.nist.gov/vuln/detail/%s", ev.vuln_ids.v[0]);
	ev.description = xmltext_cut(a, xnode_path_text(v, "description"), MAX_TEXT);
	set_package(&ev, a, rec);
	ev.title = ev.loc.name ? arena_printf(a, "%s in %s%s%s", ev.rule_id, ev.loc.name,
					      ev.loc.version ? " " : "",
					      ev.loc.version ? ev.loc.version : "")
			       : ev.rule_id;
	set_cvss(&ev, a, v);
	set_severity(&ev, a, v);
	/* a CPE (NVD) match is as good as the CPE's identification, others as the package's */
	cpe = xnode_child(rec->ctx[CTX_IDS], "vulnerabilityIds");
	ev.confidence_raw = source && !strcmp(source, "NVD") ? xnode_attr(cpe, "confidence") : NULL;
	if (!ev.confidence_raw)
		ev.confidence_raw = xnode_attr(package_id(rec->ctx[CTX_IDS]), "confidence");
	if (!ev.confidence_raw)
		ev.confidence_raw = xnode_attr(cpe, "confidence");
	ev.confidence = confidence_of(ev.confidence_raw);
	/* <cwes><cwe>CWE-79</cwe></cwes> since 5.x, <cwe> directly before */
	xnode_for_each_named(c, xnode_child(v, "cwes"), "cwe")
		evidence_add_cwe_text(&ev, a, xnode_text(c));
	xnode_for_each_named(c, v, "cwe")
		evidence_add_cwe_text(&ev, a, xnode_text(c));
	xnode_for_each_named(c, xnode_child(v, "references"), "reference") {
		const char *url = xnode_path_text(c, "url");

		if (url && (!strncmp(url, "http://", 7) || !strncmp(url, "https://", 8)))
			strlist_add_unique(&ev.references, a, url);
		/* NVD links the GitHub advisory of the same CVE: an alias */
		if (url && strstr(url, "github.com/advisories/GHSA-"))
			ids_scan_text(&ev, a, url);
	}
	set_fix(&ev, a, v);
	add_related(&ev, a, rec->ctx[CTX_RELATED]);
	if (rec->which == REC_SUPPRESSED) {
		ev.suppressed = true;
		ev.suppression_kind = "external";
		ev.suppression_justification = xnode_path_text(v, "notes") ? xnode_path_text(v, "notes") :
					       "suppressed by a Dependency-Check suppression rule";
	} else {
		kvlist_add(&ev.properties, a, "notes", xnode_path_text(v, "notes"));
	}
	set_kev(&ev, a, xnode_child(v, "knownExploitedVulnerability"));
	kvlist_add(&ev.properties, a, "source", source);
	if (on(xnode_attr(xnode_child(v, "severity"), "unscored")))
		kvlist_add(&ev.properties, a, "unscored", "true");
	kvlist_add(&ev.properties, a, "cpe", xnode_path_text(cpe, "id"));
	kvlist_add(&ev.properties, a, "file_name", xnode_text(rec->ctx[CTX_FILENAME]));
	kvlist_add(&ev.properties, a, "sha256", xnode_text(rec->ctx[CTX_SHA256]));
	kvlist_add(&ev.properties, a, "project_references",
		   join_texts(a, rec->ctx[CTX_PROJREFS], "projectReference"));
	kvlist_add(&ev.properties, a, "included_by", join_texts(a, rec->ctx[CTX_INCLUDED], "reference"));
	kvlist_add(&ev.properties, a, "project", xnode_path_text(rec->ctx[CTX_PROJECT], "name"));
	return st->cb(&ev, st->payload, err);
}

/* At the end of each dependency: its package, for the inventory. */
static void package_seen(struct dc_state *st, const struct xrec *rec)
{
	struct location loc;
	struct package_ref pkg;

	memset(&loc, 0, sizeof(loc));
	memset(&pkg, 0, sizeof(pkg));
	set_purl(&loc, rec->arena, xnode_path_text(package_id(rec->ctx[CTX_IDS]), "id"));
	/* as the JSON parser: a file matched by CPE only names no package */
	if (!loc.purl)
		return;
	pkg.purl = loc.purl;
	pkg.name = loc.name;
	pkg.version = loc.version;
	pkg.ecosystem = loc.ecosystem;
	pkg.license = xnode_text(rec->ctx[CTX_LICENSE]);
	pkg.path = dc__location_path(rec->arena, xnode_text(rec->ctx[CTX_FILEPATH]));
	parse_package_seen(st->opts, &pkg);
}

static int on_record(const struct xrec *rec, void *payload, struct perr *err)
{
	struct dc_state *st = payload;
	const char *msg;

	if (rec->which != XREC_SCOPE_END)
		return emit_vuln(st, rec, err);
	if (xnode_is(rec->scope, "dependency")) {
		package_seen(st, rec);
	} else if (xnode_is(rec->scope, "analysis")) {
		/* 6.x+: what went wrong during the analysis */
		msg = xnode_path_text(rec->ctx[CTX_SCAN], "analysisExceptions/exception/message");
		if (msg)
			parse_warn(st->opts, "Dependency-Check reported an analysis exception: %s",
				   xmltext_cut(rec->arena, msg, 300));
		parse_tool_seen(st->opts, "dependency-check",
				xnode_path_text(rec->ctx[CTX_SCAN], "engineVersion"));
	}
	return 0;
}

int detect_dependency_check_xml(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '<' || !parse_has(head, len, "<analysis"))
		return 0;
	if (parse_has(head, len, "jeremylong.github.io/DependencyCheck/dependency-check."))
		return 100;
	if (parse_has(head, len, "<scanInfo>") && parse_has(head, len, "<engineVersion>"))
		return 80;
	return 0;
}

int parse_dependency_check_xml(const char *buf, size_t len, const struct parse_opts *opts,
			       evidence_cb cb, void *payload, struct perr *err)
{
	struct dc_state st = { opts, cb, payload };
	struct xrec_opts xo;
	long n;

	xrec_opts_from_stream(&xo, &opts->stream);
	n = xrec_parse(buf, len, &dc_records, &xo, on_record, &st, err);
	return n < 0 ? (int)n : 0;
}
