/*
 * SARIF 2.1.0 (OASIS). One evidence per result location, in report order.
 *
 * Severity follows GitHub code scanning: a numeric "security-severity"
 * property (result, then rule) maps to critical/high/medium/low; without
 * it, the result's level, else the rule's defaultConfiguration.level, else
 * "warning" (the spec's default) maps error/warning/note/none to
 * high/medium/low/info. Results of kind "pass" or "notApplicable" are not
 * problems and are skipped.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/codescan.h"
#include "model/ids.h"
#include "model/path.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/strmap.h"

#include <ctype.h>

enum { REC_RESULT, REC_INVOCATION };
enum { CTX_TOOL, CTX_BASES, CTX_TAXONOMIES, CTX_ARTIFACTS, CTX_LOGICAL, CTX_PROPERTIES };

static const struct jrec_format sarif_records = {
	.records = { "runs[*].results[*]", "runs[*].invocations[*]", NULL },
	.context = { "runs[*].tool", "runs[*].originalUriBaseIds", "runs[*].taxonomies",
		     "runs[*].artifacts", "runs[*].logicalLocations", "runs[*].properties", NULL },
	.scope_end = true,
};

/*
 * What a result takes from its rule, worked out once per rule and run
 * (results outnumber rules by thousands). Lists are in the order the
 * per-result code would have added them, so that adding them again
 * gives the same evidence.
 */
struct rule_info {
	bool ready;
	const char *name, *title, *remediation, *help_uri;
	const struct jnode *props;
	const char *sec;                 /* properties.security-severity, as text */
	bool sec_ok;                     /* ... and a usable score: */
	enum severity sec_severity;
	const char *precision, *default_level;
	const struct jnode *prop_cwe;
	struct evidence from_rule;       /* cwe: relationships; vuln_ids; cvss */
	struct evidence from_tags;       /* tags and the cwe they name */
	bool has_class_kind;
	enum kind class_kind;
};

/* Per-run lookup tables, rebuilt when a new run starts. */
struct run_index {
	size_t run;
	bool valid;
	const struct jnode *tool;
	const struct jnode **rules;     /* tool.driver.rules by index */
	size_t nrules, rules_alloc;
	struct strmap rule_by_id;
	const struct jnode **exts;      /* tool.extensions by index */
	size_t nexts, exts_alloc;
	const struct jnode **artifacts;
	size_t nartifacts, artifacts_alloc;
	const char *tool_name, *tool_version;
	enum kind tool_kind;
	struct rule_info *infos;        /* by rule index */
	size_t infos_alloc;
	struct arena info_arena;        /* what infos point to, beside the run's trees */
};

struct sarif_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	struct run_index run;
};

/*
 * The members of a result that are read, found in one pass over it
 * (json_get_each) rather than a scan for each; the ones most results
 * have come first.
 */
enum {
	R_RULE_ID, R_RULE_INDEX, R_MESSAGE, R_LOCATIONS, R_PARTIAL_FPS, R_LEVEL, R_PROPERTIES,
	R_RULE, R_KIND, R_TAXA, R_FPS, R_SUPPRESSIONS, R_BASELINE, R_GUID, R_RANK, R_WEB,
	R_RELATED, R_COUNT
};

static const char *const result_keys[R_COUNT] = {
	[R_RULE_ID] = "ruleId", [R_RULE_INDEX] = "ruleIndex", [R_MESSAGE] = "message",
	[R_LOCATIONS] = "locations", [R_PARTIAL_FPS] = "partialFingerprints",
	[R_LEVEL] = "level", [R_PROPERTIES] = "properties", [R_RULE] = "rule",
	[R_KIND] = "kind", [R_TAXA] = "taxa", [R_FPS] = "fingerprints",
	[R_SUPPRESSIONS] = "suppressions", [R_BASELINE] = "baselineState", [R_GUID] = "guid",
	[R_RANK] = "rank", [R_WEB] = "webRequest", [R_RELATED] = "relatedLocations",
};

static void index_array(const struct jnode *arr, const struct jnode ***out, size_t *n,
			size_t *alloc)
{
	const struct jnode *c;

	*n = 0;
	json_for_each(c, arr) {
		ALLOC_GROW(*out, *n + 1, *alloc);
		(*out)[(*n)++] = c;
	}
}

/* Tools whose SARIF is not static code analysis. */
static enum kind kind_for_tool(const char *name)
{
	static const struct {
		const char *tool;
		enum kind kind;
	} tools[] = {
		{ "zap", KIND_DAST }, { "owasp zap", KIND_DAST }, { "burp", KIND_DAST },
		{ "nuclei", KIND_DAST }, { "nikto", KIND_DAST }, { "wapiti", KIND_DAST },
		{ "checkov", KIND_IAC }, { "tfsec", KIND_IAC }, { "kics", KIND_IAC },
		{ "terrascan", KIND_IAC }, { "hadolint", KIND_IAC }, { "kubescape", KIND_IAC },
		{ "kube-linter", KIND_IAC }, { "cfn-lint", KIND_IAC }, { "cfn_nag", KIND_IAC },
		{ "gitleaks", KIND_SECRET }, { "trufflehog", KIND_SECRET },
		{ "semgrep secrets", KIND_SECRET },
		{ "detect-secrets", KIND_SECRET }, { "ggshield", KIND_SECRET },
		{ "grype", KIND_SCA }, { "osv-scanner", KIND_SCA }, { "dependency-check", KIND_SCA },
		{ "semgrep supply chain", KIND_SCA },
		{ "snyk open source", KIND_SCA }, { "npm audit", KIND_SCA },
		{ "prowler", KIND_CLOUD }, { "scoutsuite", KIND_CLOUD },
	};
	size_t i;

	if (!name)
		return KIND_SAST;
	for (i = 0; i < ARRAY_SIZE(tools); i++)
		if (!strcasecmp(name, tools[i].tool) ||
		    (strlen(name) > strlen(tools[i].tool) &&
		     !strncasecmp(name, tools[i].tool, strlen(tools[i].tool)) &&
		     name[strlen(tools[i].tool)] == ' '))
			return tools[i].kind;
	return KIND_SAST;
}

static void build_run_index(struct sarif_state *st, const struct jrec *rec)
{
	struct run_index *ri = &st->run;
	const struct jnode *driver = json_get(rec->ctx[CTX_TOOL], "driver");

	ri->run = rec->index[0];
	ri->valid = true;
	ri->tool = rec->ctx[CTX_TOOL];
	index_array(json_get(driver, "rules"), &ri->rules, &ri->nrules, &ri->rules_alloc);
	strmap_clear(&ri->rule_by_id);
	for (size_t i = 0; i < ri->nrules; i++) {
		const char *id = json_get_str(ri->rules[i], "id");

		if (id && !strmap_get(&ri->rule_by_id, id))
			strmap_put(&ri->rule_by_id, id, (void *)(uintptr_t)(i + 1));
	}
	arena_reset(&ri->info_arena);
	ALLOC_GROW(ri->infos, ri->nrules, ri->infos_alloc);
	if (ri->nrules)
		memset(ri->infos, 0, ri->nrules * sizeof(*ri->infos));
	index_array(json_get(ri->tool, "extensions"), &ri->exts, &ri->nexts, &ri->exts_alloc);
	index_array(rec->ctx[CTX_ARTIFACTS], &ri->artifacts, &ri->nartifacts,
		    &ri->artifacts_alloc);
	ri->tool_name = json_get_str(driver, "name");
	if (!ri->tool_name)
		ri->tool_name = json_get_str(driver, "fullName");
	ri->tool_version = json_get_str(driver, "version");
	if (!ri->tool_version)
		ri->tool_version = json_get_str(driver, "semanticVersion");
	ri->tool_kind = kind_for_tool(ri->tool_name);
}

static void release_run_index(struct run_index *ri)
{
	xfree(ri->rules);
	xfree(ri->exts);
	xfree(ri->artifacts);
	xfree(ri->infos);
	arena_release(&ri->info_arena);
	strmap_release(&ri->rule_by_id);
}

/* The rule a result refers to: result.rule, ruleIndex, ruleId (also hierarchical "a/b"). */
static const struct jnode *find_rule(struct sarif_state *st, const struct jnode *const *rm,
				     const char **rule_id, long *rule_index)
{
	struct run_index *ri = &st->run;
	const struct jnode *ref = rm[R_RULE];
	const struct jnode *rules_owner = NULL, *rule = NULL;
	long long idx = -1, tc = -1;
	const char *id = json_str(rm[R_RULE_ID]);
	uintptr_t found;

	*rule_index = -1;
	if (!id)
		id = json_get_str(ref, "id");
	*rule_id = id;
	if (ref) {
		json_get_int(ref, "index", &idx);
		json_get_int(json_get(ref, "toolComponent"), "index", &tc);
	}
	if (idx < 0)
		json_int(rm[R_RULE_INDEX], &idx);
	if (tc >= 0 && (size_t)tc < ri->nexts) {
		rules_owner = json_get(ri->exts[tc], "rules");
		if (idx >= 0)
			rule = json_at(rules_owner, (size_t)idx);
		else if (id) {
			const struct jnode *c;

			json_for_each(c, rules_owner)
				if (json_get_str(c, "id") && !strcmp(json_get_str(c, "id"), id)) {
					rule = c;
					break;
				}
		}
	} else if (idx >= 0 && (size_t)idx < ri->nrules) {
		rule = ri->rules[idx];
		*rule_index = (long)idx;
	} else if (id) {
		found = (uintptr_t)strmap_get(&ri->rule_by_id, id);
		if (!found && strchr(id, '/')) {
			/* hierarchical ids: "CA2101/1" belongs to rule "CA2101" */
			const char *slash = strchr(id, '/');

			found = (uintptr_t)strmap_getn(&ri->rule_by_id, id, (size_t)(slash - id));
		}
		if (found) {
			rule = ri->rules[found - 1];
			*rule_index = (long)(found - 1);
		}
	}
	if (!*rule_id)
		*rule_id = json_get_str(rule, "id");
	return rule;
}

static const char *message_text(const struct jnode *msg)
{
	const char *t = json_get_str(msg, "text");

	/* Snyk Code writes help as "text": "" beside the real "markdown" */
	return t && *t ? t : json_get_str(msg, "markdown");
}

/* Substitute {0}, {1}, ... with message.arguments (SARIF §3.11.5); '{{' is '{'. */
static const char *format_message(struct arena *a, const char *tmpl, const struct jnode *args)
{
	struct pbuf b = PBUF_INIT;
	const char *p, *res;

	if (!tmpl)
		return NULL;
	if (!args || !strchr(tmpl, '{'))
		return tmpl;
	for (p = tmpl; *p; p++) {
		int ret = 0;

		if (p[0] == '{' && p[1] == '{') {
			ret = pbuf_addch(&b, '{');
			p++;
		} else if (p[0] == '}' && p[1] == '}') {
			ret = pbuf_addch(&b, '}');
			p++;
		} else if (p[0] == '{' && isdigit((unsigned char)p[1])) {
			char *end;
			long n = strtol(p + 1, &end, 10);
			const char *arg;

			if (*end == '}' && (arg = json_text(json_at(args, (size_t)n)))) {
				ret = pbuf_adds(&b, arg);
				p = end;
			} else {
				ret = pbuf_addch(&b, *p);
			}
		} else {
			ret = pbuf_addch(&b, *p);
		}
		if (ret < 0)
			break;
	}
	res = arena_strndup(a, b.buf, b.len);
	pbuf_release(&b);
	return res;
}

static const char *result_message(struct arena *a, const struct jnode *msg,
				  const struct jnode *rule)
{
	const char *text = message_text(msg), *id;

	if (!text && (id = json_get_str(msg, "id")))
		text = message_text(json_get(json_get(rule, "messageStrings"), id));
	return format_message(a, text, json_get(msg, "arguments"));
}

static enum severity level_severity(const char *level)
{
	if (!level)
		return SEV_MEDIUM;
	if (!strcmp(level, "error"))
		return SEV_HIGH;
	if (!strcmp(level, "warning"))
		return SEV_MEDIUM;
	if (!strcmp(level, "note"))
		return SEV_LOW;
	return SEV_INFO;
}

static const char *security_severity(const struct jnode *props)
{
	const struct jnode *n = json_get(props, "security-severity");

	return json_text(n);
}

static void set_severity(struct evidence *ev, const char *level,
			 const struct jnode *rprops, const struct rule_info *info, const char *kind)
{
	const char *sec = security_severity(rprops);
	double score;
	char *end;

	if (!sec && info->sec) {
		/* the rule's score, read once per rule */
		if (info->sec_ok) {
			ev->severity = info->sec_severity;
			ev->severity_raw = info->sec;
			return;
		}
	} else if (sec) {
		errno = 0;
		score = strtod(sec, &end);
		if (!errno && end != sec && !*end && score >= 0 && score <= 10) {
			/* GitHub: 0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0+ critical */
			ev->severity = score == 0 ? SEV_INFO : severity_from_score(score);
			ev->severity_raw = sec;
			return;
		}
	}
	if (!level)
		level = info->default_level;
	if (kind && strcmp(kind, "fail") && !level) {
		ev->severity = SEV_INFO; /* informational, review, open */
		ev->severity_raw = kind;
		return;
	}
	ev->severity = level_severity(level);
	ev->severity_raw = level ? level : "warning";
}

static void set_confidence(struct evidence *ev, const struct jnode *rprops,
			   const struct rule_info *info)
{
	const char *p = json_get_str(rprops, "precision");

	if (!p)
		p = info->precision;
	if (!p)
		return;
	ev->confidence_raw = p;
	if (!strcmp(p, "very-high"))
		ev->confidence = CONF_HIGH;
	else if (!strcmp(p, "high"))
		ev->confidence = CONF_HIGH;
	else if (!strcmp(p, "medium"))
		ev->confidence = CONF_MEDIUM;
	else if (!strcmp(p, "low"))
		ev->confidence = CONF_LOW;
}

/* The taxonomy (toolComponent) a reference points into: by index, guid or name. */
static const struct jnode *taxonomy_of(const struct jrec *rec, const struct jnode *tc)
{
	const struct jnode *taxa = rec->ctx[CTX_TAXONOMIES], *c;
	const char *guid = json_get_str(tc, "guid"), *name = json_get_str(tc, "name");
	long long idx;

	if (json_get_int(tc, "index", &idx) && idx >= 0)
		return json_at(taxa, (size_t)idx);
	json_for_each(c, taxa) {
		if (guid && json_get_str(c, "guid") && !strcasecmp(guid, json_get_str(c, "guid")))
			return c;
		if (name && json_get_str(c, "name") && !strcasecmp(name, json_get_str(c, "name")))
			return c;
	}
	return NULL;
}

static bool is_cwe_component(const struct jrec *rec, const struct jnode *tc)
{
	const char *name = json_get_str(tc, "name");
	const struct jnode *tax;

	if (name)
		return !strcasecmp(name, "CWE");
	tax = taxonomy_of(rec, tc);
	return tax && json_get_str(tax, "name") && !strcasecmp(json_get_str(tax, "name"), "CWE");
}

/* A reportingDescriptorReference into the CWE taxonomy (relationship target, taxa entry). */
static void add_cwe_ref(struct evidence *ev, struct arena *a, const struct jrec *rec,
			const struct jnode *ref)
{
	const struct jnode *tc = json_get(ref, "toolComponent");
	const char *id = json_get_str(ref, "id");
	long long idx;

	if (!is_cwe_component(rec, tc))
		return;
	if (!id && json_get_int(ref, "index", &idx) && idx >= 0)
		id = json_get_str(json_at(json_get(taxonomy_of(rec, tc), "taxa"), (size_t)idx), "id");
	evidence_add_cwe_text(ev, a, id);
}

/* "external/cwe/cwe-079" (CodeQL), "CWE-79: ..." (Semgrep), "cwe:79". */
static void add_cwe_tag(struct evidence *ev, struct arena *a, const char *tag)
{
	const char *p;

	if (!strncasecmp(tag, "external/cwe/", 13))
		tag += 13;
	p = tag;
	if (!strncasecmp(p, "cwe", 3))
		evidence_add_cwe_text(ev, a, p);
}

static void add_tags(struct evidence *ev, struct arena *a, const struct jnode *props)
{
	const struct jnode *c;

	json_for_each(c, json_get(props, "tags")) {
		const char *tag = json_str(c);

		if (!tag)
			continue;
		strlist_add_unique(&ev->tags, a, tag);
		add_cwe_tag(ev, a, tag);
	}
}

static void add_cwes(struct evidence *ev, struct arena *a, const struct jrec *rec,
		     const struct jnode *taxa, const struct jnode *rprops,
		     const struct rule_info *info)
{
	const struct jnode *c, *cwe;
	size_t i;

	/* the rule's relationships */
	for (i = 0; i < info->from_rule.ncwe; i++)
		evidence_add_cwe(ev, a, info->from_rule.cwe[i]);
	json_for_each(c, taxa)
		add_cwe_ref(ev, a, rec, c);
	/* a "cwe" property: "CWE-79", ["CWE-79"], 79 */
	cwe = info->prop_cwe;
	if (!cwe)
		cwe = json_get(rprops, "cwe");
	if (json_is(cwe, JARR)) {
		json_for_each(c, cwe)
			evidence_add_cwe_text(ev, a, json_text(c));
	} else {
		evidence_add_cwe_text(ev, a, json_text(cwe));
	}
}

/* Resolve uriBaseId through originalUriBaseIds (which may chain), bounded. */
static const char *resolve_base(struct arena *a, const struct jrec *rec, const char *base_id,
				int depth)
{
	const struct jnode *base = json_get(rec->ctx[CTX_BASES], base_id);
	const char *uri = json_get_str(base, "uri"), *parent_id = json_get_str(base, "uriBaseId");
	const char *parent;

	if (!uri || depth > 8)
		return uri;
	if (parent_id && !path_is_uri(uri) && (parent = resolve_base(a, rec, parent_id, depth + 1)))
		return arena_printf(a, "%s%s%s", parent,
				    parent[strlen(parent) - 1] == '/' ? "" : "/", uri);
	return uri;
}

static void set_physical(struct evidence *ev, struct arena *a, struct sarif_state *st,
			 const struct jrec *rec, const struct jnode *phys, struct location *loc)
{
	const struct jnode *art = json_get(phys, "artifactLocation");
	const struct jnode *region = json_get(phys, "region");
	const char *uri = json_get_str(art, "uri"), *base_id = json_get_str(art, "uriBaseId");
	long long v;

	if (!uri && json_get_int(art, "index", &v) && v >= 0 && (size_t)v < st->run.nartifacts) {
		const struct jnode *artifact = st->run.artifacts[v];

		uri = json_get_str(json_get(artifact, "location"), "uri");
		if (!base_id)
			base_id = json_get_str(json_get(artifact, "location"), "uriBaseId");
	}
	if (uri) {
		const char *base = base_id ? resolve_base(a, rec, base_id, 0) : NULL;

		if (base && !path_is_uri(uri)) {
			/* keep the path relative to its root; record the absolute URI too */
			kvlist_add(&ev->properties, a, loc == &ev->loc ? "uri" : "related_uri",
				   arena_printf(a, "%s%s%s", base,
						base[strlen(base) - 1] == '/' ? "" : "/", uri));
		} else if (base && path_is_uri(uri) && !strncmp(uri, base, strlen(base))) {
			uri += strlen(base);
		}
		if (path_is_uri(uri) && strncasecmp(uri, "file:", 5)) {
			/* a web location (DAST): it is a URL, not a file */
			if (!loc->url)
				loc->url = uri;
		} else {
			loc->path = path_normalize(a, uri);
		}
	}
	if (json_get_int(region, "startLine", &v) && v > 0 && v < UINT_MAX)
		loc->start_line = (unsigned)v;
	if (json_get_int(region, "endLine", &v) && v > 0 && v < UINT_MAX)
		loc->end_line = (unsigned)v;
	else if (loc->start_line)
		loc->end_line = loc->start_line;
	if (json_get_int(region, "startColumn", &v) && v > 0 && v < UINT_MAX)
		loc->start_column = (unsigned)v;
	if (json_get_int(region, "endColumn", &v) && v > 0 && v < UINT_MAX)
		loc->end_column = (unsigned)v;
	loc->snippet = json_get_str(json_get(region, "snippet"), "text");
}

static void set_location(struct evidence *ev, struct arena *a, struct sarif_state *st,
			 const struct jrec *rec, const struct jnode *location,
			 struct location *loc)
{
	const struct jnode *logical = json_at(json_get(location, "logicalLocations"), 0);
	long long idx;

	set_physical(ev, a, st, rec, json_get(location, "physicalLocation"), loc);
	if (logical && !json_get(logical, "fullyQualifiedName") && !json_get(logical, "name") &&
	    json_get_int(logical, "index", &idx) && idx >= 0)
		logical = json_at(rec->ctx[CTX_LOGICAL], (size_t)idx);
	loc->logical = json_get_str(logical, "fullyQualifiedName");
	if (!loc->logical)
		loc->logical = json_get_str(logical, "name");
}

static void set_suppression(struct evidence *ev, const struct jnode *suppressions)
{
	const struct jnode *c;

	json_for_each(c, suppressions) {
		const char *status = json_get_str(c, "status");

		/* underReview and rejected suppressions do not suppress */
		if (status && strcmp(status, "accepted"))
			continue;
		ev->suppressed = true;
		ev->suppression_kind = json_get_str(c, "kind");
		ev->suppression_justification = json_get_str(c, "justification");
		return;
	}
}

static void add_fingerprints(struct evidence *ev, struct arena *a, const struct jnode *const *rm)
{
	const struct jnode *c;

	json_for_each(c, rm[R_PARTIAL_FPS])
		kvlist_add(&ev->tool_fingerprints, a, c->key, json_text(c));
	json_for_each(c, rm[R_FPS])
		kvlist_add(&ev->tool_fingerprints, a, c->key, json_text(c));
}

/* Strings that look like CVSS vectors anywhere in the rule's or result's properties. */
static void find_cvss(struct evidence *ev, const struct jnode *props)
{
	const struct jnode *c;

	json_for_each(c, props) {
		const char *s = json_str(c);

		if (!s || ev->cvss.vector)
			continue;
		if (!strncmp(s, "CVSS:3.1/", 9) || !strncmp(s, "CVSS:3.0/", 9) ||
		    !strncmp(s, "CVSS:4.0/", 9)) {
			ev->cvss.vector = s;
			ev->cvss.version = s[5] == '4' ? "4.0" : s[7] == '1' ? "3.1" : "3.0";
		} else if (!strncmp(s, "AV:", 3) && strstr(s, "/Au:")) {
			ev->cvss.vector = s;
			ev->cvss.version = "2.0";
		}
	}
}

static void add_properties(struct evidence *ev, struct arena *a, const struct jnode *props)
{
	const struct jnode *c;

	json_for_each(c, props) {
		const char *v = json_text(c);

		if (v && strcmp(c->key, "tags"))
			kvlist_add(&ev->properties, a, c->key, v);
	}
}

/*
 * Dependency scanners name rules after advisories ("CVE-2021-23337",
 * "GHSA-..."), or relate rules to them; code scanners' rule texts may cite
 * CVEs too, but a SAST rule about a weakness class rarely does.
 */
static void add_rule_vuln_ids(struct evidence *ev, struct arena *a, const struct jnode *rule)
{
	const struct jnode *c;

	ids_scan_text(ev, a, json_get_str(rule, "name"));
	ids_scan_text(ev, a, message_text(json_get(rule, "shortDescription")));
	json_for_each(c, json_get(rule, "relationships")) {
		const char *id = json_get_str(json_get(c, "target"), "id");

		if (id && ids_is_vuln_id(id))
			evidence_add_vuln_id(ev, a, ids_normalize(a, id));
	}
}

/*
 * The rule's ids were found once (add_rule_vuln_ids); adding that list
 * after the result's own gives what finding them again would: CVEs keep
 * their first-seen order ahead of the other ids, and repeats drop out.
 */
static void add_vuln_ids(struct evidence *ev, struct arena *a, const char *rule_id,
			 const struct rule_info *info)
{
	size_t i;

	if (rule_id)
		ids_scan_text(ev, a, rule_id);
	for (i = 0; i < info->from_rule.vuln_ids.n; i++)
		evidence_add_vuln_id(ev, a, info->from_rule.vuln_ids.v[i]);
}

/*
 * Trivy's SARIF names each rule after the class of its result
 * (pkg/report/sarif.go), and its vulnerability messages are the only place
 * that names the package: "Package: openssl\nInstalled Version: 3.0.2\n
 * Vulnerability CVE-...\nSeverity: HIGH\nFixed Version: 3.0.7\n...".
 */
static const struct {
	const char *rule_name;
	enum kind kind;
} class_rules[] = {
	{ "OsPackageVulnerability", KIND_CONTAINER },
	{ "LanguageSpecificPackageVulnerability", KIND_SCA },
	{ "Misconfiguration", KIND_IAC },
	{ "Secret", KIND_SECRET },
};

static bool kind_for_rule_name(enum kind *out, const char *rule_name)
{
	size_t i;

	for (i = 0; rule_name && i < ARRAY_SIZE(class_rules); i++)
		if (!strcmp(rule_name, class_rules[i].rule_name)) {
			*out = class_rules[i].kind;
			return true;
		}
	return false;
}

/* The value of a "Key: value" line of text, in arena; NULL when absent or empty. */
static const char *message_field(struct arena *a, const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		size_t n = strcspn(p, "\n");

		if (n > klen + 2 && !strncmp(p, key, klen) && p[klen] == ':' && p[klen + 1] == ' ')
			return arena_strndup(a, p + klen + 2, n - klen - 2);
		p += n;
		if (*p == '\n')
			p++;
	}
	return NULL;
}

static void read_package_message(struct evidence *ev, struct arena *a, const struct jnode *msg,
				 const struct jnode *run_properties)
{
	const char *text = message_text(msg), *fixed;

	ev->loc.name = message_field(a, text, "Package");
	ev->loc.version = message_field(a, text, "Installed Version");
	fixed = message_field(a, text, "Fixed Version");
	while (fixed && *fixed) {
		size_t n = strcspn(fixed, ",");

		while (n && *fixed == ' ')
			fixed++, n--;
		if (n)
			strlist_add_unique(&ev->loc.fixed_versions, a, arena_strndup(a, fixed, n));
		fixed += n;
		if (*fixed == ',')
			fixed++;
	}
	if (ev->kind == KIND_CONTAINER)
		ev->loc.image = json_get_str(run_properties, "imageName");
}

/*
 * Results about secrets must not carry them into the database. Gitleaks
 * puts the secret itself in the snippet: it becomes the keyed hash (so
 * that the JSON and SARIF reports of one leak match) and is dropped. Any
 * other secrets tool, or a code scanner's hard-coded-credential rule
 * (CWE-798, 259, 321), quotes the line or the value: the snippet is
 * dropped and quoted strings of the message are redacted ("The hard-coded
 * value \"hunter2\" is used as password").
 */
static bool names_credential(const struct evidence *ev)
{
	size_t i;

	for (i = 0; i < ev->ncwe; i++)
		if (ev->cwe[i] == 798 || ev->cwe[i] == 259 || ev->cwe[i] == 321)
			return true;
	return false;
}

/* Write (out != NULL) or measure text with each non-empty "..." replaced. */
static size_t redact_quoted_into(char *out, const char *text)
{
	static const char mark[] = "\"[REDACTED]\"";
	const char *p = text, *close;
	size_t n = 0;

	while (*p) {
		if (*p == '"' && (close = strchr(p + 1, '"')) && close > p + 1) {
			if (out)
				memcpy(out + n, mark, sizeof(mark) - 1);
			n += sizeof(mark) - 1;
			p = close + 1;
		} else {
			if (out)
				out[n] = *p;
			n++;
			p++;
		}
	}
	if (out)
		out[n] = '\0';
	return n;
}

static const char *redact_quoted(struct arena *a, const char *text)
{
	char *out;

	if (!text || !strchr(text, '"'))
		return text;
	out = arena_alloc(a, redact_quoted_into(NULL, text) + 1);
	redact_quoted_into(out, text);
	return out;
}

static void protect_secret(struct evidence *ev, struct arena *a, const struct parse_opts *opts)
{
	if (ev->kind != KIND_SECRET && !names_credential(ev))
		return;
	if (ev->kind == KIND_SECRET && ev->loc.snippet && ev->tool && !strcasecmp(ev->tool, "gitleaks"))
		parse__secret(ev, a, opts, ev->loc.snippet);
	ev->loc.snippet = NULL;
	ev->description = redact_quoted(a, ev->description);
	ev->title = redact_quoted(a, ev->title);
}

static void fill_rule_info(struct rule_info *info, const struct jrec *rec,
			   const struct jnode *rule, struct arena *a)
{
	const struct jnode *c;

	memset(info, 0, sizeof(*info));
	info->ready = true;
	info->name = json_get_str(rule, "name");
	info->title = message_text(json_get(rule, "shortDescription"));
	info->remediation = message_text(json_get(rule, "help"));
	if (!info->remediation)
		info->remediation = message_text(json_get(rule, "fullDescription"));
	info->help_uri = json_get_str(rule, "helpUri");
	info->props = json_get(rule, "properties");
	info->sec = security_severity(info->props);
	if (info->sec) {
		double score;
		char *end;

		errno = 0;
		score = strtod(info->sec, &end);
		info->sec_ok = !errno && end != info->sec && !*end && score >= 0 && score <= 10;
		/* GitHub: 0.1-3.9 low, 4.0-6.9 medium, 7.0-8.9 high, 9.0+ critical */
		if (info->sec_ok)
			info->sec_severity = score == 0 ? SEV_INFO : severity_from_score(score);
	}
	info->precision = json_get_str(info->props, "precision");
	info->default_level = json_get_str(json_get(rule, "defaultConfiguration"), "level");
	info->prop_cwe = json_get(info->props, "cwe");
	evidence_init(&info->from_rule);
	json_for_each(c, json_get(rule, "relationships"))
		add_cwe_ref(&info->from_rule, a, rec, json_get(c, "target"));
	find_cvss(&info->from_rule, info->props);
	add_rule_vuln_ids(&info->from_rule, a, rule);
	evidence_init(&info->from_tags);
	add_tags(&info->from_tags, a, info->props);
	info->has_class_kind = kind_for_rule_name(&info->class_kind, info->name);
}

static int emit_result(struct sarif_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *result = rec->node, *rule, *locs, *c, *web, *rprops;
	const struct jnode *rm[R_COUNT];
	struct arena *a = rec->arena;
	const char *kind, *rule_id = NULL;
	struct rule_info *info, one_off;
	long rule_index;
	struct evidence ev;
	size_t i, nloc;
	int ret;

	if (!json_is(result, JOBJ))
		return perr_set(err, P_EINVALID, "result is %s, not an object",
				json_type_a(result->type));
	json_get_each(result, result_keys, R_COUNT, rm);
	kind = json_str(rm[R_KIND]);
	if (kind && (!strcmp(kind, "pass") || !strcmp(kind, "notApplicable")))
		return 0;
	if (!st->run.valid || st->run.run != rec->index[0])
		build_run_index(st, rec);
	if (!st->run.tool_name)
		return perr_set(err, P_EINVALID, "'runs[%zu].tool.driver.name' is missing",
				rec->index[0]);

	rule = find_rule(st, rm, &rule_id, &rule_index);
	if (rule_index >= 0) {
		info = &st->run.infos[rule_index];
		if (!info->ready)
			fill_rule_info(info, rec, rule, &st->run.info_arena);
	} else {
		/* an extension's rule, or none: worked out for this result alone */
		info = &one_off;
		fill_rule_info(info, rec, rule, a);
	}
	rprops = rm[R_PROPERTIES];
	evidence_init(&ev);
	ev.tool = st->run.tool_name;
	ev.tool_version = st->run.tool_version;
	ev.kind = st->run.tool_kind;
	ev.rule_id = rule_id;
	ev.rule_name = info->name;
	ev.description = result_message(a, rm[R_MESSAGE], rule);
	ev.title = info->title;
	if (!ev.title)
		ev.title = ev.rule_name;
	if (!ev.title)
		ev.title = ev.description;
	ev.remediation = info->remediation;
	ev.help_uri = info->help_uri;
	if (ev.help_uri)
		strlist_add(&ev.references, a, ev.help_uri);
	set_severity(&ev, json_str(rm[R_LEVEL]), rprops, info, kind);
	set_confidence(&ev, rprops, info);
	add_cwes(&ev, a, rec, rm[R_TAXA], rprops, info);
	for (i = 0; i < info->from_tags.tags.n; i++)
		strlist_add_unique(&ev.tags, a, info->from_tags.tags.v[i]);
	for (i = 0; i < info->from_tags.ncwe; i++)
		evidence_add_cwe(&ev, a, info->from_tags.cwe[i]);
	add_tags(&ev, a, rprops);
	ev.cvss.vector = info->from_rule.cvss.vector;
	ev.cvss.version = info->from_rule.cvss.version;
	find_cvss(&ev, rprops);
	add_vuln_ids(&ev, a, rule_id, info);
	if (info->has_class_kind) {
		ev.kind = info->class_kind;
		if (ev.kind == KIND_CONTAINER || ev.kind == KIND_SCA)
			read_package_message(&ev, a, rm[R_MESSAGE], rec->ctx[CTX_PROPERTIES]);
	} else if (ev.vuln_ids.n && ev.kind == KIND_SAST) {
		ev.kind = KIND_SCA; /* rules named after CVEs come from dependency scanners */
	}
	add_fingerprints(&ev, a, rm);
	set_suppression(&ev, rm[R_SUPPRESSIONS]);
	ev.baseline_state = json_str(rm[R_BASELINE]);
	add_properties(&ev, a, rprops);
	if (json_str(rm[R_GUID]))
		kvlist_add(&ev.properties, a, "guid", json_str(rm[R_GUID]));
	if (rm[R_RANK])
		kvlist_add(&ev.properties, a, "rank", json_text(rm[R_RANK]));

	web = rm[R_WEB];
	if (web) {
		ev.loc.url = json_get_str(web, "target");
		ev.loc.method = json_get_str(web, "method");
		if (ev.kind == KIND_SAST)
			ev.kind = KIND_DAST;
	}

	json_for_each(c, rm[R_RELATED])
		set_location(&ev, a, st, rec, c, evidence_add_related(&ev, a));

	locs = rm[R_LOCATIONS];
	if (locs && !json_is(locs, JARR))
		return perr_set(err, P_EINVALID, "'locations' is %s, not an array",
				json_type_a(locs->type));
	nloc = locs ? locs->len : 0;
	if (!nloc) {
		protect_secret(&ev, a, st->opts);
		return st->cb(&ev, st->payload, err);
	}
	for (i = 0, c = locs->first; c; c = c->next, i++) {
		struct evidence one = ev;

		/* each location is its own evidence; properties are per location */
		one.properties.v = NULL;
		one.properties.n = one.properties.alloc = 0;
		for (size_t k = 0; k < ev.properties.n; k++)
			kvlist_add(&one.properties, a, ev.properties.v[k].key, ev.properties.v[k].value);
		set_location(&one, a, st, rec, c, &one.loc);
		if (web && !one.loc.url)
			one.loc.url = ev.loc.url;
		protect_secret(&one, a, st->opts);
		if ((ret = st->cb(&one, st->payload, err)) < 0)
			return ret;
	}
	return 0;
}

static void report_invocation(struct sarif_state *st, const struct jrec *rec)
{
	const struct jnode *inv = rec->node, *c;
	bool ok = true;

	if (json_get_bool(inv, "executionSuccessful", &ok) && !ok)
		parse_warn(st->opts, "runs[%zu]: the tool reports that it did not run successfully%s%s",
			   rec->index[0],
			   json_get_str(inv, "exitCodeDescription") ? ": " : "",
			   json_get_str(inv, "exitCodeDescription") ? json_get_str(inv, "exitCodeDescription") : "");
	json_for_each(c, json_get(inv, "toolExecutionNotifications")) {
		const char *level = json_get_str(c, "level");

		if (level && !strcmp(level, "error"))
			parse_warn(st->opts, "runs[%zu]: tool error: %s", rec->index[0],
				   message_text(json_get(c, "message")) ? message_text(json_get(c, "message")) : "(no message)");
	}
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct sarif_state *st = payload;

	if (rec->which == JREC_SCOPE_END) {
		const struct jnode *driver = json_get(rec->ctx[CTX_TOOL], "driver");
		const char *name = json_get_str(driver, "name");

		if (!name)
			return perr_set(err, P_EINVALID, "runs[%zu]: 'tool.driver.name' is missing",
					rec->nindex ? rec->index[0] : 0);
		parse_tool_seen(st->opts, name, json_get_str(driver, "version") ?
				json_get_str(driver, "version") : json_get_str(driver, "semanticVersion"));
		st->run.valid = false;
		return 0;
	}
	if (rec->which == REC_INVOCATION) {
		report_invocation(st, rec);
		return 0;
	}
	return emit_result(st, rec, err);
}

int detect_sarif(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"runs\""))
		return 0;
	if (parse_has(head, len, "sarif"))
		return 100;
	if (parse_has(head, len, "\"2.1.0\""))
		return 80;
	return 30;
}

int parse_sarif(const char *buf, size_t len, const struct parse_opts *opts,
		evidence_cb cb, void *payload, struct perr *err)
{
	struct sarif_state st;
	long n;

	/* the one member every SARIF log has: without it this is something else */
	if (!parse_has(buf, len, "\"runs\""))
		return perr_set(err, P_EINVALID, "no 'runs' member: not a SARIF log");
	memset(&st, 0, sizeof(st));
	st.opts = opts;
	st.cb = cb;
	st.payload = payload;
	n = jrec_parse(buf, len, &sarif_records, &opts->stream, on_record, &st, err);
	release_run_index(&st.run);
	return n < 0 ? (int)n : 0;
}
