/*
 * retire.js --outputformat json. retire.js 2 and later write
 * {version, start, data: [{file, results: [...]}], messages, errors, time};
 * 1.x wrote the data array alone. Each result is one JavaScript library
 * it recognised in the file (by file name, content, hash or URI):
 * {component, version, detection, vulnerabilities: [{info[], below,
 * atOrAbove, severity, identifiers {CVE[], githubID, summary, issue, bug,
 * retid, ...}, cwe[]}]}.
 *
 * One evidence per vulnerability per component per file. Components with
 * no vulnerabilities (listed with -v) are reported as packages only.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/sca_audit.h"
#include "model/ids.h"
#include "model/path.h"

enum { REC_FILE, REC_OLD_FILE };
enum { CTX_VERSION, CTX_ERRORS, CTX_MESSAGES };

static const struct jrec_format retire_records = {
	.records = { "data[*]", "[*]", NULL },
	.context = { "version", "errors", "messages", NULL },
	.scope_end = true,
};

struct retire_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	const char *version; /* in keep */
	bool seen;
	long files;
	struct arena keep;
};

/* The report's version member (retire.js 2+; 1.x arrays carry none). */
static void tool_seen(struct retire_state *st, const char *version)
{
	if (st->seen)
		return;
	st->seen = true;
	if (version)
		st->version = arena_strdup(&st->keep, version);
	parse_tool_seen(st->opts, "retire.js", st->version);
}

/*
 * retire.js advisories have no id of their own: the first CVE, else the
 * GitHub advisory, else the repository's retid, else the project's issue
 * or bug number under the component's name.
 */
static const char *rule_of(struct arena *a, const char *component, const struct jnode *ids)
{
	const struct jnode *cve = json_get(ids, "CVE");
	const char *s;

	if ((s = json_str(json_is(cve, JARR) ? json_at(cve, 0) : cve)) && *s)
		return ids_normalize(a, s);
	if ((s = json_get_str(ids, "githubID")) && *s)
		return ids_normalize(a, s);
	if ((s = json_text(json_get(ids, "retid"))) && *s)
		return arena_printf(a, "retid-%s", s);
	if ((s = json_text(json_get(ids, "issue"))) && *s)
		return arena_printf(a, "%s-issue-%s", component, s);
	if ((s = json_text(json_get(ids, "bug"))) && *s)
		return arena_printf(a, "%s-bug-%s", component, s);
	/* some entries carry only a summary: it is what tells them apart */
	if ((s = json_get_str(ids, "summary")) && *s)
		return arena_printf(a, "%s: %s", component, s);
	return NULL;
}

/*
 * Results of retire.js's old node scan (package.json, with a parent and a
 * level) are npm packages; everything else is a JavaScript file, which no
 * registry names: Dependency-Check's "javascript" purl type, as it uses for
 * the same retire.js data.
 */
static const char *type_of(const char *file, const struct jnode *res)
{
	const char *base = file ? strrchr(file, '/') : NULL;

	base = base ? base + 1 : file;
	if (json_get(res, "parent") || json_get(res, "level") ||
	    (base && (!strcmp(base, "package.json") || !strcmp(base, "package-lock.json"))))
		return "npm";
	return "javascript";
}

static int emit(struct retire_state *st, struct arena *a, const char *file,
		const struct jnode *res, const struct jnode *v, struct perr *err)
{
	const struct jnode *ids = json_get(v, "identifiers"), *c;
	const char *component = json_get_str(res, "component");
	const char *lo = json_get_str(v, "atOrAbove"), *hi = json_get_str(v, "below");
	const char *sev = json_get_str(v, "severity");
	const struct jnode *parent = json_get(res, "parent");
	struct evidence ev;

	if (!json_is(v, JOBJ))
		return perr_set(err, P_EINVALID, "a vulnerability of '%s' is %s, not an object",
				component, sca_a_type(v));
	evidence_init(&ev);
	ev.tool = "retire.js";
	ev.tool_version = st->version;
	ev.kind = KIND_SCA;
	ev.rule_id = rule_of(a, component, ids);
	ev.title = json_get_str(ids, "summary");
	ev.severity = sca_severity_word(sev);
	ev.severity_raw = sev;
	sca_add_ids(&ev, a, json_get(ids, "CVE"));
	sca_add_ids(&ev, a, json_get(ids, "githubID"));
	sca_add_ids(&ev, a, json_get(ids, "osvdb"));
	sca_add_cwes(&ev, a, json_get(v, "cwe"));
	json_for_each(c, json_get(v, "info"))
		strlist_add_unique(&ev.references, a, json_str(c));
	if (ev.references.n)
		ev.help_uri = ev.references.v[0];

	ev.loc.path = file;
	ev.loc.name = component;
	ev.loc.version = json_get_str(res, "version");
	ev.loc.ecosystem = type_of(file, res);
	ev.loc.purl = sca_purl(a, ev.loc.ecosystem, component, ev.loc.version);
	strlist_add(&ev.loc.fixed_versions, a, hi);

	sca_prop(&ev, a, "fix_available", sca_bool(hi && *hi));
	if (lo || hi)
		sca_prop(&ev, a, "vulnerable_versions",
			 arena_printf(a, "%s%s%s%s%s", lo ? ">=" : "", lo ? lo : "",
				      lo && hi ? ", " : "", hi ? "<" : "", hi ? hi : ""));
	sca_prop(&ev, a, "detection", json_get_str(res, "detection"));
	sca_prop(&ev, a, "issue", json_text(json_get(ids, "issue")));
	sca_prop(&ev, a, "bug", json_text(json_get(ids, "bug")));
	if (json_get_str(parent, "component"))
		sca_prop(&ev, a, "parent",
			 arena_printf(a, "%s@%s", json_get_str(parent, "component"),
				      json_get_str(parent, "version") ? json_get_str(parent, "version") : ""));
	return st->cb(&ev, st->payload, err);
}

static int on_file(struct retire_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *f = rec->node, *results, *res, *vulns, *v;
	struct arena *a = rec->arena;
	const char *file;
	int ret;

	if (!json_is(f, JOBJ))
		return perr_set(err, P_EINVALID, "the file entry is %s, not an object", sca_a_type(f));
	file = json_get_str(f, "file");
	file = file ? path_normalize(a, file) : NULL;
	results = json_get(f, "results");
	if (results && !json_is(results, JARR))
		return perr_set(err, P_EINVALID, "'results' is %s, not an array", sca_a_type(results));
	json_for_each(res, results) {
		struct package_ref pkg;

		if (!json_is(res, JOBJ))
			return perr_set(err, P_EINVALID, "a result is %s, not an object", sca_a_type(res));
		if (!json_get_str(res, "component"))
			return perr_set(err, P_EINVALID, "a result has no 'component'");
		memset(&pkg, 0, sizeof(pkg));
		pkg.name = json_get_str(res, "component");
		pkg.version = json_get_str(res, "version");
		pkg.ecosystem = type_of(file, res);
		pkg.purl = sca_purl(a, pkg.ecosystem, pkg.name, pkg.version);
		pkg.path = file;
		parse_package_seen(st->opts, &pkg);
		vulns = json_get(res, "vulnerabilities");
		if (vulns && !json_is(vulns, JARR))
			return perr_set(err, P_EINVALID, "'vulnerabilities' of '%s' is %s, not an array",
					pkg.name, sca_a_type(vulns));
		json_for_each(v, vulns)
			if ((ret = emit(st, a, file, res, v, err)) < 0)
				return ret;
	}
	return 0;
}

/* The first of retire.js's own error strings, or NULL. */
static const char *first_error(const struct jnode *errors)
{
	return json_text(json_is(errors, JARR) ? json_at(errors, 0) : errors);
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct retire_state *st = payload;
	const struct jnode *c;

	if (rec->which == JREC_SCOPE_END) {
		if (rec->nindex)
			return 0;
		tool_seen(st, json_str(rec->ctx[CTX_VERSION]));
		/* retire.js could not scan (no repository, unreadable path): no data, errors */
		if (!st->files && first_error(rec->ctx[CTX_ERRORS]))
			return perr_set(err, P_EINVALID, "retire.js reports an error: %.200s",
					first_error(rec->ctx[CTX_ERRORS]));
		json_for_each(c, rec->ctx[CTX_ERRORS])
			if (json_text(c))
				parse_warn(st->opts, "retire.js: %.400s", json_text(c));
		json_for_each(c, rec->ctx[CTX_MESSAGES])
			if (json_text(c))
				parse_warn(st->opts, "retire.js: %.400s", json_text(c));
		return 0;
	}
	tool_seen(st, rec->which == REC_FILE ? json_str(rec->ctx[CTX_VERSION]) : NULL);
	st->files++;
	return on_file(st, rec, err);
}

int detect_retire_js(const char *head, size_t len)
{
	int c = parse_first_char(head, len);

	if (c == '{' && parse_has(head, len, "\"data\"") &&
	    (parse_has(head, len, "\"vulnerabilityRepositories\"") ||
	     (parse_has(head, len, "\"results\"") && parse_has(head, len, "\"component\""))))
		return 90;
	/* its envelope, whatever the data: {version, start, data, messages, errors, time} */
	if (c == '{' && parse_has(head, len, "\"data\"") && parse_has(head, len, "\"start\"") &&
	    parse_has(head, len, "\"messages\"") && parse_has(head, len, "\"errors\""))
		return 80;
	/* retire.js 1.x: the array alone */
	if (c == '[' && parse_has(head, len, "\"file\"") && parse_has(head, len, "\"results\"") &&
	    parse_has(head, len, "\"component\""))
		return 85;
	return 0;
}

int parse_retire_js(const char *buf, size_t len, const struct parse_opts *opts,
		    evidence_cb cb, void *payload, struct perr *err)
{
	struct retire_state st;
	int c = parse_first_char(buf, len);
	long n;

	memset(&st, 0, sizeof(st));
	st.opts = opts;
	st.cb = cb;
	st.payload = payload;
	arena_init(&st.keep, 0);
	if (c != '{' && c != '[')
		n = perr_set(err, P_EINVALID, "not a JSON object or array: not a retire.js report");
	else
		n = jrec_parse(buf, len, &retire_records, &opts->stream, on_record, &st, err);
	if (n >= 0 && c == '[')
		tool_seen(&st, NULL);
	arena_release(&st.keep);
	return n < 0 ? (int)n : 0;
}
