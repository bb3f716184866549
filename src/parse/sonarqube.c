/*
 * SonarQube / SonarCloud Web API exports, kind sast: the JSON of
 * /api/issues/search (one evidence per issue: vulnerabilities, bugs and
 * code smells alike, told apart by properties and tags) and of
 * /api/hotspots/search (one evidence per security hotspot). Paths come
 * from components[] or from the component key "project:path". Closed and
 * fixed issues are gone from the code and are skipped; issues marked false
 * positive or accepted, and hotspots reviewed safe or fixed, are
 * suppressed. Field mapping and severities: docs/formats/sonarqube.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/codescan.h"
#include "model/ids.h"
#include "model/path.h"
#include "util/buf.h"
#include "util/strmap.h"

#include <ctype.h>

enum { REC_ISSUE, REC_HOTSPOT };
enum { CTX_COMPONENTS, CTX_RULES };

static const struct jrec_format sonar_records = {
	.records = { "issues[*]", "hotspots[*]", NULL },
	.context = { "components", "rules", NULL },
	.scope_end = true,
};

struct sonar_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	long records;
	/* components[] and rules[] by key, built once per document */
	const struct jnode *components, *rules;
	struct strmap component_by_key, rule_by_key;
};

/*
 * Legacy severities (issues before 10.2, still sent beside impacts):
 * SonarQube 10.8 pairs them with the impact severities as BLOCKER =
 * BLOCKER, CRITICAL = HIGH, MAJOR = MEDIUM, MINOR = LOW, INFO = INFO.
 * Impact severities (10.2+; BLOCKER and INFO since 10.8) map one to one.
 */
enum severity sonarqube__severity(const char *s)
{
	static const struct {
		const char *word;
		enum severity sev;
	} words[] = {
		{ "BLOCKER", SEV_CRITICAL }, { "CRITICAL", SEV_HIGH }, { "HIGH", SEV_HIGH },
		{ "MAJOR", SEV_MEDIUM }, { "MEDIUM", SEV_MEDIUM }, { "MINOR", SEV_LOW },
		{ "LOW", SEV_LOW }, { "INFO", SEV_INFO },
	};
	size_t i;

	for (i = 0; s && i < ARRAY_SIZE(words); i++)
		if (!strcasecmp(s, words[i].word))
			return words[i].sev;
	return SEV_NONE;
}

static void index_by_key(struct strmap *m, const struct jnode *arr)
{
	const struct jnode *c;

	strmap_clear(m);
	json_for_each(c, arr) {
		const char *key = json_get_str(c, "key");

		if (key && !strmap_get(m, key))
			strmap_put(m, key, (void *)c);
	}
}

static void build_indexes(struct sonar_state *st, const struct jrec *rec)
{
	if (st->components != rec->ctx[CTX_COMPONENTS] || !st->components) {
		st->components = rec->ctx[CTX_COMPONENTS];
		index_by_key(&st->component_by_key, st->components);
	}
	if (st->rules != rec->ctx[CTX_RULES] || !st->rules) {
		st->rules = rec->ctx[CTX_RULES];
		index_by_key(&st->rule_by_key, st->rules);
	}
}

/*
 * The file a component key names: components[].path when the export has
 * it, else the key without its "project:" prefix. The project itself (an
 * issue on no file, such as a dependency-check finding) has no path.
 */
static const char *component_path(struct sonar_state *st, struct arena *a, const char *component,
				  const char *project)
{
	const struct jnode *c;
	const char *path, *colon;
	size_t n;

	if (!component)
		return NULL;
	c = strmap_get(&st->component_by_key, component);
	if ((path = json_get_str(c, "path")) && *path)
		return path_normalize(a, path);
	if (c && json_get_str(c, "qualifier") && strcmp(json_get_str(c, "qualifier"), "FIL") &&
	    strcmp(json_get_str(c, "qualifier"), "UTS"))
		return NULL; /* a project, module or directory */
	if (project && !strcmp(component, project))
		return NULL;
	n = project ? strlen(project) : 0;
	if (n && !strncmp(component, project, n) && component[n] == ':' && component[n + 1])
		return path_normalize(a, component + n + 1);
	colon = strchr(component, ':');
	if (colon && colon[1])
		return path_normalize(a, colon + 1);
	return NULL;
}

/* textRange: 1-based lines, 0-based offsets (end exclusive) -> 1-based columns. */
static void set_range(struct location *loc, const struct jnode *range, const struct jnode *line)
{
	long long v;

	loc->start_line = parse__uint(json_get(range, "startLine"));
	if (!loc->start_line)
		loc->start_line = parse__uint(line);
	loc->end_line = parse__uint(json_get(range, "endLine"));
	if (loc->end_line < loc->start_line)
		loc->end_line = loc->start_line;
	if (json_get_int(range, "startOffset", &v) && v >= 0 && v < UINT_MAX)
		loc->start_column = (unsigned)v + 1;
	if (json_get_int(range, "endOffset", &v) && v >= 0 && v < UINT_MAX)
		loc->end_column = (unsigned)v + 1;
}

/* Secondary locations and data-flow steps (taint analysis). */
static void add_flows(struct evidence *ev, struct arena *a, struct sonar_state *st,
		      const struct jnode *item, const char *project)
{
	const struct jnode *flow, *l;

	json_for_each(flow, json_get(item, "flows")) {
		json_for_each(l, json_get(flow, "locations")) {
			struct location *loc;

			if (!json_is(l, JOBJ))
				continue;
			loc = evidence_add_related(ev, a);
			loc->path = component_path(st, a, json_get_str(l, "component"), project);
			set_range(loc, json_get(l, "textRange"), NULL);
		}
	}
}

/* "cwe-79" style tags (older rules and plugins); plain "cwe" names no number. */
static void add_tags(struct evidence *ev, struct arena *a, const struct jnode *tags)
{
	const struct jnode *c;

	json_for_each(c, tags) {
		const char *tag = json_str(c);

		if (!tag)
			continue;
		strlist_add_unique(&ev->tags, a, tag);
		if (!strncasecmp(tag, "cwe-", 4) && isdigit((unsigned char)tag[4]))
			evidence_add_cwe_text(ev, a, tag);
	}
}

static const char *lower(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s);

	for (char *p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

/*
 * Clean Code impacts (10.2+): the severity is that of the SECURITY
 * impact when there is one, else the highest. Returns the impact used.
 */
static const struct jnode *set_impacts(struct evidence *ev, struct arena *a,
				       const struct jnode *impacts)
{
	const struct jnode *c, *best = NULL;
	struct pbuf qualities = PBUF_INIT;
	enum severity best_sev = SEV_NONE;
	bool best_security = false;

	json_for_each(c, impacts) {
		const char *q = json_get_str(c, "softwareQuality");
		enum severity sev = sonarqube__severity(json_get_str(c, "severity"));
		bool security = q && !strcmp(q, "SECURITY");

		if (!q)
			continue;
		strlist_add_unique(&ev->tags, a, lower(a, q));
		if ((qualities.len && pbuf_addch(&qualities, ',') < 0) ||
		    pbuf_adds(&qualities, q) < 0)
			break;
		if (!sev || best_security)
			continue;
		if (security || sev > best_sev) {
			best = c;
			best_sev = sev;
			best_security = security;
		}
	}
	if (qualities.len)
		kvlist_add(&ev->properties, a, "software_quality", arena_strdup(a, qualities.buf));
	pbuf_release(&qualities);
	if (best) {
		ev->severity = best_sev;
		ev->severity_raw = json_get_str(best, "severity");
	}
	return best;
}

/*
 * What became of the issue. Returns false for issues that are gone from
 * the code (closed, fixed, removed): the export lists them, the code no
 * longer has them.
 */
static bool set_issue_status(struct evidence *ev, struct arena *a, const struct jnode *is)
{
	const char *status = json_get_str(is, "status");
	const char *resolution = json_get_str(is, "resolution");
	const char *issue_status = json_get_str(is, "issueStatus");

	kvlist_add(&ev->properties, a, "status", status);
	kvlist_add(&ev->properties, a, "resolution", resolution);
	kvlist_add(&ev->properties, a, "issue_status", issue_status);
	if ((status && !strcmp(status, "CLOSED")) ||
	    (resolution && (!strcmp(resolution, "FIXED") || !strcmp(resolution, "REMOVED"))) ||
	    (issue_status && !strcmp(issue_status, "FIXED")))
		return false;
	if ((resolution && (!strcmp(resolution, "FALSE-POSITIVE") || !strcmp(resolution, "WONTFIX"))) ||
	    (issue_status && (!strcmp(issue_status, "FALSE_POSITIVE") ||
			      !strcmp(issue_status, "ACCEPTED")))) {
		ev->suppressed = true;
		ev->suppression_kind = "external";
		ev->suppression_justification = resolution ? resolution : issue_status;
	}
	return true;
}

static int emit(struct sonar_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *item = rec->node, *rule;
	struct arena *a = rec->arena;
	bool hotspot = rec->which == REC_HOTSPOT;
	const char *project, *s;
	struct evidence ev;

	if (!json_is(item, JOBJ))
		return perr_set(err, P_EINVALID, "%s is %s, not an object",
				hotspot ? "hotspot" : "issue", json_type_a(item->type));
	build_indexes(st, rec);

	evidence_init(&ev);
	ev.tool = "sonarqube";
	ev.kind = KIND_SAST;
	ev.rule_id = json_get_str(item, hotspot ? "ruleKey" : "rule");
	if (!ev.rule_id)
		return perr_set(err, P_EINVALID, "'%s' is missing", hotspot ? "ruleKey" : "rule");
	rule = strmap_get(&st->rule_by_key, ev.rule_id);
	ev.rule_name = json_get_str(rule, "name");
	ev.description = json_get_str(item, "message");
	ev.title = ev.rule_name ? ev.rule_name : ev.description;
	/* the dependency-check plugin reports advisories as issues on the project */
	ids_scan_text(&ev, a, ev.description);

	project = json_get_str(item, "project");
	ev.loc.path = component_path(st, a, json_get_str(item, "component"), project);
	set_range(&ev.loc, json_get(item, "textRange"), json_get(item, "line"));
	add_flows(&ev, a, st, item, project);
	kvlist_add(&ev.tool_fingerprints, a, "key", json_get_str(item, "key"));
	kvlist_add(&ev.properties, a, "project", project);
	add_tags(&ev, a, json_get(item, "tags"));

	if (hotspot) {
		const char *status = json_get_str(item, "status");
		const char *resolution = json_get_str(item, "resolution");

		/* the review priority Sonar gives a hotspot */
		ev.severity_raw = json_get_str(item, "vulnerabilityProbability");
		ev.severity = sonarqube__severity(ev.severity_raw);
		if (!ev.severity)
			ev.severity_raw = NULL;
		kvlist_add(&ev.properties, a, "type", "SECURITY_HOTSPOT");
		strlist_add_unique(&ev.tags, a, "security-hotspot");
		if ((s = json_get_str(item, "securityCategory"))) {
			kvlist_add(&ev.properties, a, "security_category", s);
			strlist_add_unique(&ev.tags, a, s);
		}
		kvlist_add(&ev.properties, a, "status", status);
		kvlist_add(&ev.properties, a, "resolution", resolution);
		if (status && !strcmp(status, "REVIEWED") && resolution &&
		    (!strcmp(resolution, "SAFE") || !strcmp(resolution, "FIXED"))) {
			ev.suppressed = true;
			ev.suppression_kind = "external";
			ev.suppression_justification = resolution;
		}
	} else {
		if (!set_impacts(&ev, a, json_get(item, "impacts"))) {
			ev.severity_raw = json_get_str(item, "severity");
			ev.severity = sonarqube__severity(ev.severity_raw);
			if (!ev.severity)
				ev.severity_raw = NULL;
		} else {
			kvlist_add(&ev.properties, a, "legacy_severity", json_get_str(item, "severity"));
		}
		if ((s = json_get_str(item, "type"))) {
			kvlist_add(&ev.properties, a, "type", s);
			strlist_add_unique(&ev.tags, a, lower(a, s));
		}
		kvlist_add(&ev.properties, a, "clean_code_attribute",
			   json_get_str(item, "cleanCodeAttribute"));
		kvlist_add(&ev.properties, a, "effort", json_get_str(item, "effort"));
		if (!set_issue_status(&ev, a, item))
			return 0;
	}
	st->records++;
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct sonar_state *st = payload;

	if (rec->which == JREC_SCOPE_END) {
		/* the Web API does not say which server version answered */
		parse_tool_seen(st->opts, "sonarqube", NULL);
		return 0;
	}
	return emit(st, rec, err);
}

int detect_sonarqube(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{')
		return 0;
	if (parse_has(head, len, "\"hotspots\"") &&
	    (parse_has(head, len, "\"vulnerabilityProbability\"") || parse_has(head, len, "\"paging\"")))
		return 90;
	if (!parse_has(head, len, "\"issues\""))
		return 0;
	if (parse_has(head, len, "\"effortTotal\"") ||
	    (parse_has(head, len, "\"paging\"") && parse_has(head, len, "\"component\"") &&
	     parse_has(head, len, "\"rule\"")))
		return 90;
	return 0;
}

int parse_sonarqube(const char *buf, size_t len, const struct parse_opts *opts,
		    evidence_cb cb, void *payload, struct perr *err)
{
	struct sonar_state st;
	long n;
	int ret = 0;

	memset(&st, 0, sizeof(st));
	st.opts = opts;
	st.cb = cb;
	st.payload = payload;
	n = jrec_parse(buf, len, &sonar_records, &opts->stream, on_record, &st, err);
	if (n < 0)
		ret = (int)n;
	else if (!n && parse_has(buf, len > PARSE_DETECT_HEAD ? PARSE_DETECT_HEAD : len, "\"hotspots\""))
		ret = parse__check_array(buf, len, "hotspots", opts, err);
	else if (!n)
		ret = parse__check_array(buf, len, "issues", opts, err);
	strmap_release(&st.component_by_key);
	strmap_release(&st.rule_by_key);
	return ret;
}
