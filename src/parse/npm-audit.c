/*
 * npm audit --json, both shapes:
 *
 *  - npm 7 and later ("auditReportVersion": 2): "vulnerabilities" keyed by
 *    package; each entry's "via" lists advisory objects (the package itself
 *    is vulnerable) and names of other vulnerable packages (it is affected
 *    only through them). One evidence per advisory object; a name-only
 *    entry is already reported, advisory by advisory, under the package it
 *    names, whose "effects" list carries it back.
 *  - npm 6 (and pnpm, see pnpm-audit.c): "advisories" keyed by id, each
 *    with findings[] {version, paths[]} and top-level "actions" that
 *    resolve advisories. One evidence per advisory per finding (that is,
 *    per installed version), with the path count and the first paths as
 *    properties.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/sca_audit.h"
#include "model/ids.h"
#include "util/strmap.h"

#define KEEP_PATHS 3

enum { REC_V2, REC_V1 };
enum { CTX_VERSION, CTX_METADATA, CTX_ERROR };

static const struct jrec_format npm_records = {
	.records = { "vulnerabilities.*", "advisories.*", NULL },
	.context = { "auditReportVersion", "metadata", "error", NULL },
	.scope_end = true,
};

static const struct jrec_format npm_actions = {
	.records = { "actions[*]", NULL },
	.context = { NULL },
};

/* What npm 6 "actions" say about one advisory id. */
struct fix {
	const char *action, *module, *target;
	bool major;
};

void npm_fixes_init(struct npm_fixes *fx)
{
	memset(fx, 0, sizeof(*fx));
	arena_init(&fx->keep, 0);
}

void npm_fixes_release(struct npm_fixes *fx)
{
	strmap_release(&fx->map);
	arena_release(&fx->keep);
}

struct npm_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	const char *tool;
	long records;
	struct npm_fixes fixes;
};

static int not_object(struct perr *err, const char *what, const struct jnode *n)
{
	return perr_set(err, P_EINVALID, "'%s' is %s, not an object", what,
			sca_a_type(n));
}

/* --- npm 7+ --- */

static void add_fix_v2(struct evidence *ev, struct arena *a, const struct jnode *fix,
		       const char *name)
{
	bool b;

	if (json_bool(fix, &b)) {
		sca_prop(ev, a, "fix_available", sca_bool(b));
		return;
	}
	if (!json_is(fix, JOBJ))
		return;
	/* an object: installing fix.name@fix.version resolves this */
	sca_prop(ev, a, "fix_available", "true");
	sca_prop(ev, a, "fix_package", json_get_str(fix, "name"));
	sca_prop(ev, a, "fix_version", json_get_str(fix, "version"));
	if (json_get_bool(fix, "isSemVerMajor", &b))
		sca_prop(ev, a, "is_semver_major", sca_bool(b));
	if (json_get_str(fix, "name") && name && !strcmp(json_get_str(fix, "name"), name))
		strlist_add(&ev->loc.fixed_versions, a, json_get_str(fix, "version"));
}

static int emit_v2(struct npm_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *vuln = rec->node, *via, *c;
	struct arena *a = rec->arena;
	const char *name, *pkg_sev;
	bool b;
	int ret;

	if (!json_is(vuln, JOBJ))
		return not_object(err, rec->key ? rec->key : "vulnerabilities entry", vuln);
	name = json_get_str(vuln, "name");
	if (!name)
		name = rec->key;
	if (!name)
		return perr_set(err, P_EINVALID, "'name' is missing");
	via = json_get(vuln, "via");
	if (via && !json_is(via, JARR))
		return perr_set(err, P_EINVALID, "'via' is %s, not an array",
				sca_a_type(via));
	pkg_sev = json_get_str(vuln, "severity");
	json_for_each(c, via) {
		const struct jnode *cvss;
		const char *sev, *url;
		struct evidence ev;
		long long n;

		if (!json_is(c, JOBJ))
			continue; /* a package name: reported under that package */
		evidence_init(&ev);
		ev.tool = st->tool;
		ev.kind = KIND_SCA;
		ev.rule_id = json_text(json_get(c, "source"));
		ev.title = json_get_str(c, "title");
		sev = json_get_str(c, "severity");
		if (!sev)
			sev = pkg_sev;
		ev.severity = sca_severity_word(sev);
		ev.severity_raw = sev;
		url = json_get_str(c, "url");
		ids_scan_text(&ev, a, url);
		ev.help_uri = url;
		strlist_add(&ev.references, a, url);
		sca_add_cwes(&ev, a, json_get(c, "cwe"));
		cvss = json_get(c, "cvss");
		sca_set_cvss(&ev, json_get_str(cvss, "vectorString"), json_get(cvss, "score"));
		ev.loc.name = name;
		ev.loc.ecosystem = "npm";
		/* npm 7+ does not say which version is installed, only the range */
		ev.loc.purl = sca_purl(a, "npm", name, NULL);
		add_fix_v2(&ev, a, json_get(vuln, "fixAvailable"), name);
		sca_prop(&ev, a, "vulnerable_versions", json_get_str(c, "range"));
		if (json_get_bool(vuln, "isDirect", &b))
			sca_prop(&ev, a, "is_direct", sca_bool(b));
		sca_prop(&ev, a, "package_severity", pkg_sev);
		n = json_is(json_get(vuln, "nodes"), JARR) ? (long long)json_get(vuln, "nodes")->len : 0;
		if (n) {
			sca_prop(&ev, a, "node_count", arena_printf(a, "%lld", n));
			sca_prop(&ev, a, "nodes",
				   sca_join_first(a, json_get(vuln, "nodes"), KEEP_PATHS));
		}
		sca_prop(&ev, a, "effects",
			   sca_join_first(a, json_get(vuln, "effects"), 10));
		if ((ret = st->cb(&ev, st->payload, err)) < 0)
			return ret;
	}
	return 0;
}

/* --- npm 6 / pnpm --- */

static void put_fix(struct npm_fixes *fx, const char *key, struct fix *f)
{
	const struct fix *old = strmap_get(&fx->map, key);

	/* "review" (no automatic fix) never hides an install or update */
	if (old && !strcmp(f->action, "review"))
		return;
	strmap_put(&fx->map, key, f);
}

int npm_fixes_add(struct npm_fixes *fx, const struct jnode *act, struct perr *err)
{
	const struct jnode *c;
	const char *action = json_get_str(act, "action");
	struct fix *f;
	bool major = false;

	if (!json_is(act, JOBJ) || !action)
		return 0;
	json_get_bool(act, "isMajor", &major);
	f = arena_zalloc(&fx->keep, sizeof(*f));
	if (!f)
		return perr_set(err, P_ELIMIT, "too many actions");
	f->action = arena_strdup(&fx->keep, action);
	if (json_get_str(act, "module"))
		f->module = arena_strdup(&fx->keep, json_get_str(act, "module"));
	if (json_get_str(act, "target"))
		f->target = arena_strdup(&fx->keep, json_get_str(act, "target"));
	f->major = major;
	json_for_each(c, json_get(act, "resolves")) {
		const char *id = json_text(json_get(c, "id")), *path = json_get_str(c, "path");

		if (!id)
			continue;
		/*
		 * By advisory and path: an action fixes the findings on the paths
		 * it resolves, not every version of the package. Without a path,
		 * by advisory alone.
		 */
		if (path)
			put_fix(fx, arena_printf(&fx->keep, "%s %s", id, path), f);
		else
			put_fix(fx, arena_strdup(&fx->keep, id), f);
	}
	return 0;
}

static int collect_action(const struct jrec *rec, void *payload, struct perr *err)
{
	struct npm_state *st = payload;

	return npm_fixes_add(&st->fixes, rec->node, err);
}

static void add_fix_v1(const struct npm_fixes *fx, struct evidence *ev, struct arena *a,
		       const char *id, const char *patched, const struct jnode *paths)
{
	const struct fix *f = NULL;
	const struct jnode *c;

	json_for_each(c, id ? paths : NULL) {
		if (json_str(c) && (f = strmap_get(&fx->map, arena_printf(a, "%s %s", id,
									    json_str(c)))))
			break;
	}
	if (!f && id)
		f = strmap_get(&fx->map, id);

	if (f) {
		bool fixable = strcmp(f->action, "review") != 0;

		sca_prop(ev, a, "fix_available", sca_bool(fixable));
		sca_prop(ev, a, "fix_action", f->action);
		if (fixable) {
			sca_prop(ev, a, "fix_package", f->module);
			sca_prop(ev, a, "fix_version", f->target);
			sca_prop(ev, a, "is_semver_major", sca_bool(f->major));
		}
	} else if (patched) {
		/* npm writes "<0.0.0" when no version is patched */
		sca_prop(ev, a, "fix_available",
			   sca_bool(strcmp(patched, "<0.0.0") != 0));
	}
}

static void fill_v1(const char *tool, const struct npm_fixes *fx, struct evidence *ev, struct arena *a,
		    const struct jnode *adv, const char *id, const struct jnode *paths)
{
	const char *url = json_get_str(adv, "url"), *sev = json_get_str(adv, "severity");
	const char *patched = json_get_str(adv, "patched_versions");
	const struct jnode *cvss = json_get(adv, "cvss"), *meta = json_get(adv, "metadata");
	const char *name = json_get_str(adv, "module_name");

	ev->tool = tool;
	ev->kind = KIND_SCA;
	ev->rule_id = id;
	ev->title = json_get_str(adv, "title");
	ev->description = json_get_str(adv, "overview");
	ev->remediation = json_get_str(adv, "recommendation");
	ev->severity = sca_severity_word(sev);
	ev->severity_raw = sev;
	sca_add_ids(ev, a, json_get(adv, "cves"));
	if (json_get_str(adv, "github_advisory_id"))
		evidence_add_vuln_id(ev, a, ids_normalize(a, json_get_str(adv, "github_advisory_id")));
	ids_scan_text(ev, a, url);
	sca_add_cwes(ev, a, json_get(adv, "cwe"));
	sca_set_cvss(ev, json_get_str(cvss, "vectorString"), json_get(cvss, "score"));
	ev->help_uri = url;
	strlist_add(&ev->references, a, url);
	sca_add_urls(ev, a, json_get_str(adv, "references"));
	ev->loc.name = name;
	ev->loc.ecosystem = "npm";
	if (patched && strcmp(patched, "<0.0.0"))
		strlist_add(&ev->loc.fixed_versions, a, patched);
	add_fix_v1(fx, ev, a, id, patched, paths);
	sca_prop(ev, a, "vulnerable_versions",
		   json_get_str(adv, "vulnerable_versions"));
	sca_prop(ev, a, "exploitability",
		   json_text(json_get(meta, "exploitability")));
	sca_prop(ev, a, "module_type", json_get_str(meta, "module_type"));
}

int npm_emit_advisory(const struct jnode *adv, const char *key, struct arena *a,
		      const char *tool, const struct npm_fixes *fx, evidence_cb cb,
		      void *payload, struct perr *err)
{
	const struct jnode *findings, *c;
	const char *id;
	struct evidence ev;
	bool deleted = false;
	int ret;

	if (!json_is(adv, JOBJ))
		return not_object(err, key ? key : "advisory", adv);
	if (json_get_bool(adv, "deleted", &deleted) && deleted)
		return 0; /* withdrawn by the advisory database */
	id = json_text(json_get(adv, "id"));
	if (!id)
		id = key;
	if (!json_get_str(adv, "module_name"))
		return perr_set(err, P_EINVALID, "'module_name' is missing");
	findings = json_get(adv, "findings");
	if (findings && !json_is(findings, JARR))
		return perr_set(err, P_EINVALID, "'findings' is %s, not an array",
				sca_a_type(findings));
	if (!findings || !findings->len) {
		evidence_init(&ev);
		fill_v1(tool, fx, &ev, a, adv, id, NULL);
		ev.loc.purl = sca_purl(a, "npm", ev.loc.name, NULL);
		return cb(&ev, payload, err);
	}
	json_for_each(c, findings) {
		const struct jnode *paths = json_get(c, "paths");
		bool b;

		evidence_init(&ev);
		fill_v1(tool, fx, &ev, a, adv, id, json_is(paths, JARR) ? paths : NULL);
		ev.loc.version = json_get_str(c, "version");
		ev.loc.purl = sca_purl(a, "npm", ev.loc.name, ev.loc.version);
		if (json_is(paths, JARR) && paths->len) {
			sca_prop(&ev, a, "path_count",
				   arena_printf(a, "%zu", paths->len));
			sca_prop(&ev, a, "paths", sca_join_first(a, paths, KEEP_PATHS));
		}
		if (json_get_bool(c, "dev", &b))
			sca_prop(&ev, a, "dev", sca_bool(b));
		if (json_get_bool(c, "optional", &b))
			sca_prop(&ev, a, "optional", sca_bool(b));
		if (json_get_bool(c, "bundled", &b))
			sca_prop(&ev, a, "bundled", sca_bool(b));
		if ((ret = cb(&ev, payload, err)) < 0)
			return ret;
	}
	return 0;
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct npm_state *st = payload;

	if (rec->which == JREC_SCOPE_END) {
		const struct jnode *e = rec->ctx[CTX_ERROR];
		double total = 0;

		if (rec->nindex)
			return 0;
		if (e)
			return perr_set(err, P_EINVALID, "the report is an npm error: %s",
					json_get_str(e, "summary") ? json_get_str(e, "summary") :
					json_text(e) ? json_text(e) : "(no summary)");
		if (!st->records && !rec->ctx[CTX_VERSION] && !rec->ctx[CTX_METADATA])
			return perr_set(err, P_EINVALID,
					"no 'vulnerabilities', 'advisories' or 'metadata': not an npm audit report");
		if (!st->records &&
		    json_get_num(json_get(rec->ctx[CTX_METADATA], "vulnerabilities"), "total", &total) &&
		    total > 0)
			return perr_set(err, P_EINVALID,
					"'metadata' counts %.0f vulnerabilities but none were found", total);
		return 0;
	}
	st->records++;
	if (rec->which == REC_V2)
		return emit_v2(st, rec, err);
	return npm_emit_advisory(rec->node, rec->key, rec->arena, st->tool, &st->fixes,
				 st->cb, st->payload, err);
}

int sca_parse_npm_shapes(const char *buf, size_t len, const struct parse_opts *opts,
			 const char *tool, evidence_cb cb, void *payload, struct perr *err)
{
	struct npm_state st;
	long n;

	memset(&st, 0, sizeof(st));
	st.opts = opts;
	st.cb = cb;
	st.payload = payload;
	st.tool = tool;
	npm_fixes_init(&st.fixes);
	if (parse_first_char(buf, len) != '{') {
		n = perr_set(err, P_EINVALID, "the report is not a JSON object");
		goto done;
	}
	parse_tool_seen(opts, tool, NULL);
	/* npm writes "actions" first, but JSON does not promise it: a pass of its own */
	n = jrec_parse(buf, len, &npm_actions, &opts->stream, collect_action, &st, err);
	if (n >= 0)
		n = jrec_parse(buf, len, &npm_records, &opts->stream, on_record, &st, err);
done:
	npm_fixes_release(&st.fixes);
	return n < 0 ? (int)n : 0;
}

int detect_npm_audit(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{')
		return 0;
	if (parse_has(head, len, "\"auditReportVersion\"") &&
	    parse_has(head, len, "\"vulnerabilities\""))
		return 95;
	/* npm 6 and pnpm share the "advisories" shape; pnpm-audit claims its own */
	if (parse_has(head, len, "\"advisories\"") && parse_has(head, len, "\"module_name\"") &&
	    (parse_has(head, len, "\"findings\"") || parse_has(head, len, "\"actions\"")))
		return 70;
	/* npm's own failure document ({"error": {code, summary, detail}}): so that
	 * --tool npm-audit can say what went wrong */
	if (parse_has(head, len, "\"error\"") && parse_has(head, len, "\"summary\"") &&
	    parse_has(head, len, "\"detail\""))
		return 5;
	return 0;
}

int parse_npm_audit(const char *buf, size_t len, const struct parse_opts *opts,
		    evidence_cb cb, void *payload, struct perr *err)
{
	return sca_parse_npm_shapes(buf, len, opts, "npm audit", cb, payload, err);
}
