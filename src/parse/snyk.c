/*
 * Snyk Open Source: `snyk test --json`, one project object, or an array
 * of them with --all-projects. Snyk lists a vulnerability once per
 * dependency path ("from"); posture emits one evidence per vulnerability
 * per package@version per project, and keeps the path count and the first
 * paths as properties. A first pass counts the paths, the second emits.
 * Ignored issues ("filtered.ignore") are emitted as suppressed.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/sca_audit.h"
#include "model/ids.h"
#include "util/buf.h"
#include "util/strmap.h"

#define KEEP_PATHS 3

enum { REC_VULN, REC_IGNORED, REC_MULTI_VULN, REC_MULTI_IGNORED };
enum { CTX_TARGET, CTX_PM, CTX_PROJECT, CTX_ERROR,
	CTX_M_TARGET, CTX_M_PM, CTX_M_PROJECT, CTX_M_ERROR };

static const struct jrec_format snyk_records = {
	.records = { "vulnerabilities[*]", "filtered.ignore[*]",
		     "[*].vulnerabilities[*]", "[*].filtered.ignore[*]", NULL },
	.context = { "displayTargetFile", "packageManager", "projectName", "error",
		     "[*].displayTargetFile", "[*].packageManager", "[*].projectName",
		     "[*].error", NULL },
	.scope_end = true,
};

/* Per vulnerability, package and project: how many paths, and the first ones. */
struct group {
	size_t count;
	char *paths; /* first KEEP_PATHS, " | "-joined, in keep */
	bool emitted;
};

struct snyk_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	bool counting;
	long projects;
	struct strmap groups;
	struct arena keep;
};

static bool multi(const struct jrec *rec)
{
	return rec->which == REC_MULTI_VULN || rec->which == REC_MULTI_IGNORED;
}

static const struct jnode *ctx(const struct jrec *rec, int single)
{
	return rec->ctx[multi(rec) || (rec->which == JREC_SCOPE_END && rec->nindex) ?
			single + CTX_M_TARGET : single];
}

/* "a > b > c" from the "from" array. */
static const char *path_text(struct arena *a, const struct jnode *from)
{
	struct pbuf b = PBUF_INIT;
	const struct jnode *c;
	const char *res = NULL;
	int ret = 0;

	json_for_each(c, json_is(from, JARR) ? from : NULL) {
		if (!json_str(c))
			continue;
		if (b.len)
			ret = pbuf_adds(&b, " > ");
		if (!ret)
			ret = pbuf_adds(&b, json_str(c));
		if (ret)
			break;
	}
	if (!ret && b.len)
		res = arena_strndup(a, b.buf, b.len);
	pbuf_release(&b);
	return res;
}

static const char *group_key(const struct jrec *rec, const struct jnode *v)
{
	const char *name = json_get_str(v, "packageName");

	if (!name)
		name = json_get_str(v, "name");
	return arena_printf(rec->arena, "%zu\t%d\t%s\t%s@%s", multi(rec) ? rec->index[0] : 0,
			    rec->which == REC_IGNORED || rec->which == REC_MULTI_IGNORED,
			    json_get_str(v, "id") ? json_get_str(v, "id") : "",
			    name ? name : "", json_get_str(v, "version") ? json_get_str(v, "version") : "");
}

static int count_path(struct snyk_state *st, const struct jrec *rec, const char *key)
{
	struct group *g = strmap_get(&st->groups, key);
	const char *path = path_text(rec->arena, json_get(rec->node, "from"));

	if (!g) {
		g = arena_zalloc(&st->keep, sizeof(*g));
		if (!g)
			return P_ELIMIT;
		strmap_put(&st->groups, arena_strdup(&st->keep, key), g);
	}
	if (path && g->count < KEEP_PATHS)
		g->paths = g->paths ? arena_printf(&st->keep, "%s | %s", g->paths, path) :
				      arena_strdup(&st->keep, path);
	g->count++;
	return 0;
}

static const char *ecosystem_of(const char *pm)
{
	static const struct {
		const char *pm, *type;
	} map[] = {
		{ "npm", "npm" }, { "yarn", "npm" }, { "pnpm", "npm" },
		{ "pip", "pypi" }, { "poetry", "pypi" }, { "pipenv", "pypi" },
		{ "maven", "maven" }, { "gradle", "maven" }, { "sbt", "maven" },
		{ "rubygems", "gem" }, { "composer", "composer" }, { "nuget", "nuget" },
		{ "paket", "nuget" }, { "gomodules", "golang" }, { "golangdep", "golang" },
		{ "govendor", "golang" }, { "cargo", "cargo" }, { "cocoapods", "cocoapods" },
		{ "hex", "hex" }, { "swift", "swift" },
	};
	size_t i;

	for (i = 0; pm && i < ARRAY_SIZE(map); i++)
		if (!strcmp(pm, map[i].pm))
			return map[i].type;
	return NULL;
}

static void add_upgrade(struct evidence *ev, struct arena *a, const struct jnode *up)
{
	const struct jnode *c;

	/* [false, "lodash@4.17.19"]: the first element is the project itself */
	json_for_each(c, json_is(up, JARR) ? up : NULL) {
		if (json_str(c)) {
			sca_prop(ev, a, "upgrade_to", json_str(c));
			return;
		}
	}
}

static void set_suppression(struct evidence *ev, const struct jnode *v)
{
	const struct jnode *ign = json_at(json_get(json_get(v, "filtered"), "ignored"), 0);

	ev->suppressed = true;
	ev->suppression_kind = "external";
	ev->suppression_justification = json_get_str(ign, "reason");
}

static int emit(struct snyk_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *v = rec->node, *ids, *c, *from;
	struct arena *a = rec->arena;
	const char *key, *pm, *eco, *sev, *name;
	struct group *g;
	struct evidence ev;
	bool b;

	if (!json_is(v, JOBJ))
		return perr_set(err, P_EINVALID, "the vulnerability is %s, not an object",
				sca_a_type(v));
	if (!json_get_str(v, "id"))
		return perr_set(err, P_EINVALID, "'id' is missing");
	from = json_get(v, "from");
	if (from && !json_is(from, JARR))
		return perr_set(err, P_EINVALID, "'from' is %s, not an array", sca_a_type(from));
	key = group_key(rec, v);
	if (st->counting)
		return count_path(st, rec, key) < 0 ?
		       perr_set(err, P_ELIMIT, "too many vulnerabilities") : 0;
	g = strmap_get(&st->groups, key);
	if (g && g->emitted)
		return 0; /* the same vulnerability of the same package on another path */
	if (g)
		g->emitted = true;

	evidence_init(&ev);
	ev.tool = "snyk";
	ev.kind = KIND_SCA;
	ev.rule_id = json_get_str(v, "id");
	ev.title = json_get_str(v, "title");
	ev.description = json_get_str(v, "description");
	sev = json_get_str(v, "severityWithCritical");
	if (!sev)
		sev = json_get_str(v, "severity");
	ev.severity = sca_severity_word(sev);
	ev.severity_raw = sev;
	ids = json_get(v, "identifiers");
	sca_add_ids(&ev, a, json_get(ids, "CVE"));
	sca_add_ids(&ev, a, json_get(ids, "GHSA"));
	/* other lists (PYSEC, ALTERNATIVE, ...) when they hold database ids; not NSP numbers */
	json_for_each(c, ids) {
		const struct jnode *id;

		json_for_each(id, json_is(c, JARR) ? c : NULL)
			if (json_str(id) && ids_is_vuln_id(json_str(id)))
				evidence_add_vuln_id(&ev, a, ids_normalize(a, json_str(id)));
	}
	evidence_add_vuln_id(&ev, a, ev.rule_id);
	sca_add_cwes(&ev, a, json_get(ids, "CWE"));
	sca_set_cvss(&ev, json_get_str(v, "CVSSv3"), json_get(v, "cvssScore"));
	json_for_each(c, json_get(v, "references"))
		strlist_add_unique(&ev.references, a, json_get_str(c, "url"));
	ev.help_uri = arena_printf(a, "https://security.snyk.io/vuln/%s", ev.rule_id);
	if (!strncmp(ev.rule_id, "snyk:lic:", 9)) {
		ev.help_uri = NULL; /* license issues have no page of their own */
		strlist_add(&ev.tags, a, "license");
	}

	name = json_get_str(v, "packageName");
	if (!name)
		name = json_get_str(v, "name");
	pm = json_get_str(v, "packageManager");
	if (!pm)
		pm = json_str(ctx(rec, CTX_PM));
	eco = ecosystem_of(pm);
	ev.loc.name = name;
	ev.loc.version = json_get_str(v, "version");
	ev.loc.ecosystem = eco ? eco : pm;
	ev.loc.purl = eco ? sca_purl(a, eco, name, ev.loc.version) : NULL;
	ev.loc.path = json_str(ctx(rec, CTX_TARGET));
	json_for_each(c, json_get(v, "fixedIn"))
		strlist_add(&ev.loc.fixed_versions, a, json_str(c));

	if (json_get_bool(v, "isUpgradable", &b))
		sca_prop(&ev, a, "is_upgradable", sca_bool(b));
	if (json_get_bool(v, "isPatchable", &b))
		sca_prop(&ev, a, "is_patchable", sca_bool(b));
	sca_prop(&ev, a, "fix_available", sca_bool(ev.loc.fixed_versions.n > 0));
	add_upgrade(&ev, a, json_get(v, "upgradePath"));
	sca_prop(&ev, a, "exploit_maturity", json_get_str(v, "exploit"));
	sca_prop(&ev, a, "epss", json_text(json_get(json_get(v, "epssDetails"), "probability")));
	sca_prop(&ev, a, "epss_percentile",
		 json_text(json_get(json_get(v, "epssDetails"), "percentile")));
	if (json_get_bool(v, "malicious", &b) && b)
		sca_prop(&ev, a, "malicious", "true");
	if (json_get_bool(v, "isDisputed", &b) && b)
		sca_prop(&ev, a, "is_disputed", "true");
	sca_prop(&ev, a, "package_manager", pm);
	sca_prop(&ev, a, "project_name", json_str(ctx(rec, CTX_PROJECT)));
	if (json_is(from, JARR))
		sca_prop(&ev, a, "is_direct", sca_bool(from->len == 2));
	if (g) {
		sca_prop(&ev, a, "path_count", arena_printf(a, "%zu", g->count));
		sca_prop(&ev, a, "paths", g->paths);
	}
	sca_prop(&ev, a, "vulnerable_versions",
		 sca_join_first(a, json_get(json_get(v, "semver"), "vulnerable"), 5));
	if (rec->which == REC_IGNORED || rec->which == REC_MULTI_IGNORED)
		set_suppression(&ev, v);
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct snyk_state *st = payload;

	if (rec->which == JREC_SCOPE_END) {
		const struct jnode *e = ctx(rec, CTX_ERROR);

		if (st->counting)
			return 0;
		st->projects++;
		if (json_str(e))
			return perr_set(err, P_EINVALID, "snyk reports an error: %.*s",
					(int)strcspn(json_str(e), "\n"), json_str(e));
		return 0;
	}
	return emit(st, rec, err);
}

int detect_snyk(const char *head, size_t len)
{
	int c = parse_first_char(head, len);

	if (c != '{' && c != '[')
		return 0;
	if (parse_has(head, len, "\"packageManager\"") &&
	    (parse_has(head, len, "\"SNYK-") || parse_has(head, len, "\"snyk:lic:") ||
	     parse_has(head, len, "\"isUpgradable\"")))
		return 90;
	/* a clean project: no vulnerabilities, but Snyk's summary fields */
	if (parse_has(head, len, "\"dependencyCount\"") && parse_has(head, len, "\"uniqueCount\"") &&
	    parse_has(head, len, "\"packageManager\""))
		return 85;
	/* Snyk's failure document ({"ok": false, "error": ..., "path": ...}) */
	if (parse_has(head, len, "\"ok\": false") && parse_has(head, len, "\"error\"") &&
	    parse_has(head, len, "\"path\""))
		return 5;
	return 0;
}

int parse_snyk(const char *buf, size_t len, const struct parse_opts *opts,
	       evidence_cb cb, void *payload, struct perr *err)
{
	struct snyk_state st;
	long n;

	memset(&st, 0, sizeof(st));
	st.opts = opts;
	st.cb = cb;
	st.payload = payload;
	arena_init(&st.keep, 0);
	parse_tool_seen(opts, "snyk", NULL);
	st.counting = true;
	n = jrec_parse(buf, len, &snyk_records, &opts->stream, on_record, &st, err);
	if (n >= 0) {
		st.counting = false;
		n = jrec_parse(buf, len, &snyk_records, &opts->stream, on_record, &st, err);
	}
	if (n >= 0 && !st.projects)
		n = perr_set(err, P_EINVALID, "no project object: not a snyk test report");
	strmap_release(&st.groups);
	arena_release(&st.keep);
	return n < 0 ? (int)n : 0;
}
