/*
 * MobSF static analysis report (JSON, /api/v1/report_json or the
 * downloaded report), Android app reports of MobSF 3.x and 4.x:
 *
 * - code_analysis: rule id -> {files {path: "12,45"}, metadata {cvss,
 *   cwe, owasp-mobile, masvs, ref, description, severity}}, under
 *   code_analysis.findings in 3.6 and later, directly before that.
 *   One evidence per (file, line).
 * - manifest_analysis: {manifest_findings[*] {rule, title, severity,
 *   description, name, component}} (3.6+), or an array of {title, stat,
 *   desc, name} (older). Located at AndroidManifest.xml.
 * - binary_analysis: an array of shared libraries {name, nx, pie,
 *   stack_canary, relocation_readonly, rpath, runpath, fortify, symbol},
 *   each check {severity, description}. One evidence per check that is a
 *   problem.
 *
 * iOS reports (IPA and source zips) share code_analysis and add:
 * - ats_analysis: App Transport Security settings of the Info.plist files,
 *   {ats_findings[*] {issue, severity, description}} (4.x; "status" for
 *   the severity before), or that array directly (older). At Info.plist.
 * - binary_analysis: {findings {title: {detailed_desc, severity, cvss, cwe,
 *   owasp-mobile, masvs}}} (4.x), or an array of {issue, status,
 *   description, cvss, cwe} (older): rules matched in the app binary.
 * - macho_analysis: the executable's checks {name, nx, pie, stack_canary,
 *   arc, rpath, code_signature, encrypted, symbol}, each {severity,
 *   description}; info means the protection is in place.
 * Binary findings are placed at the app's bundle id (logical location):
 * the IPA's file name changes with every version.
 *
 * MobSF severities: high -> high, warning -> medium, info -> info;
 * secure and good say the check passed and are skipped. All evidence is
 * static analysis (kind sast) of the app package.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/dastiac.h"
#include "model/path.h"

enum { REC_CODE, REC_MANIFEST, REC_BINARY, REC_ATS, REC_MACHO };
enum { CTX_VERSION, CTX_FILE, CTX_BUNDLE };

static const struct jrec_format mobsf_records = {
	.records = { "code_analysis", "manifest_analysis", "binary_analysis", "ats_analysis",
		     "macho_analysis", NULL },
	.context = { "version", "file_name", "bundle_id", NULL },
	.scope_end = true,
};

struct mobsf_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

/* "v3.9.7 Beta" -> "3.9.7" */
static const char *version(const struct jrec *rec)
{
	const char *v = json_str(rec->ctx[CTX_VERSION]);

	if (!v)
		return NULL;
	if (*v == 'v' || *v == 'V')
		v++;
	return arena_strndup(rec->arena, v, strcspn(v, " "));
}

/* false: not a problem (secure, good) or an unknown word */
static bool set_severity(struct evidence *ev, const char *sev)
{
	if (!sev)
		return true;
	ev->severity_raw = sev;
	if (!strcasecmp(sev, "high"))
		ev->severity = SEV_HIGH;
	else if (!strcasecmp(sev, "warning") || !strcasecmp(sev, "medium"))
		ev->severity = SEV_MEDIUM;
	else if (!strcasecmp(sev, "low"))
		ev->severity = SEV_LOW;
	else if (!strcasecmp(sev, "info"))
		ev->severity = SEV_INFO;
	else
		return false;
	return true;
}

static void base(struct evidence *ev, const struct jrec *rec)
{
	evidence_init(ev);
	ev->tool = "MobSF";
	ev->tool_version = version(rec);
	ev->kind = KIND_SAST;
}

static int emit(struct mobsf_state *st, struct evidence *ev, const struct jrec *rec,
		struct perr *err)
{
	kvlist_add(&ev->properties, rec->arena, "app_file", json_str(rec->ctx[CTX_FILE]));
	return st->cb(ev, st->payload, err);
}

static int code_rule(struct mobsf_state *st, const struct jrec *rec, const struct jnode *rule,
		     struct perr *err)
{
	struct arena *a = rec->arena;
	const struct jnode *meta = json_get(rule, "metadata"), *file;
	struct evidence ev;
	const char *desc;
	int ret;

	if ((ret = dastiac__want(err, json_get(rule, "files"), JOBJ, "files")) < 0)
		return ret;
	base(&ev, rec);
	ev.rule_id = rule->key;
	desc = json_get_str(meta, "description");
	ev.title = desc ? desc : rule->key;
	ev.description = desc;
	if (!set_severity(&ev, json_get_str(meta, "severity")))
		return 0;
	evidence_add_cwe_text(&ev, a, json_get_str(meta, "cwe"));
	ev.help_uri = json_get_str(meta, "ref");
	strlist_add(&ev.references, a, ev.help_uri);
	strlist_add(&ev.tags, a, json_get_str(meta, "owasp-mobile"));
	strlist_add(&ev.tags, a, json_get_str(meta, "masvs"));
	kvlist_add(&ev.properties, a, "cvss", json_text(json_get(meta, "cvss")));
	kvlist_add(&ev.properties, a, "owasp_mobile", json_get_str(meta, "owasp-mobile"));
	kvlist_add(&ev.properties, a, "masvs", json_get_str(meta, "masvs"));
	json_for_each(file, json_get(rule, "files")) {
		const char *path = path_normalize(a, file->key), *p = json_text(file);
		unsigned lines[64];
		size_t nlines = 0, i;

		/* "12,45,80": one evidence per line; none readable: one for the file */
		while (p && *p && nlines < ARRAY_SIZE(lines)) {
			char *end;
			long v;

			p += strspn(p, ", ");
			errno = 0;
			v = strtol(p, &end, 10);
			if (end == p || errno || v <= 0 || v >= (long)UINT_MAX)
				break;
			lines[nlines++] = (unsigned)v;
			p = end;
		}
		if (!nlines)
			lines[nlines++] = 0;
		for (i = 0; i < nlines; i++) {
			struct evidence one = ev;
			size_t k;

			one.properties.v = NULL;
			one.properties.n = one.properties.alloc = 0;
			for (k = 0; k < ev.properties.n; k++)
				kvlist_add(&one.properties, a, ev.properties.v[k].key,
					   ev.properties.v[k].value);
			one.loc.path = path;
			one.loc.start_line = one.loc.end_line = lines[i];
			if ((ret = emit(st, &one, rec, err)) < 0)
				return ret;
		}
	}
	return 0;
}

static int on_code(struct mobsf_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *map = json_get(rec->node, "findings"), *rule;
	int ret;

	if ((ret = dastiac__want(err, rec->node, JOBJ, "code_analysis")) < 0)
		return ret;
	if (!map)
		map = rec->node; /* before 3.6: rules directly under code_analysis */
	if ((ret = dastiac__want(err, map, JOBJ, "code_analysis.findings")) < 0)
		return ret;
	json_for_each(rule, map) {
		if (!json_is(rule, JOBJ) || !json_get(rule, "files"))
			continue; /* "summary" and other bookkeeping */
		if ((ret = code_rule(st, rec, rule, err)) < 0)
			return ret;
	}
	return 0;
}

static int on_manifest(struct mobsf_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *list = rec->node, *f;
	struct arena *a = rec->arena;
	int ret;

	if (json_is(list, JOBJ))
		list = json_get(list, "manifest_findings");
	if ((ret = dastiac__want(err, list, JARR, "manifest_analysis")) < 0)
		return ret;
	json_for_each(f, list) {
		struct evidence ev;
		const char *sev = json_get_str(f, "severity");

		if (!json_is(f, JOBJ))
			continue;
		if (!sev)
			sev = json_get_str(f, "stat");
		base(&ev, rec);
		ev.title = dastiac__text(a, json_get_str(f, "title"));
		ev.rule_id = json_get_str(f, "rule");
		if (!ev.rule_id && ev.title) /* before 3.6: the title's first line names it */
			ev.rule_id = arena_strndup(a, ev.title, strcspn(ev.title, "\n"));
		if (!ev.rule_id)
			return perr_set(err, P_EINVALID, "a manifest finding has no 'rule' or 'title'");
		ev.description = dastiac__text(a, json_get_str(f, "description"));
		if (!ev.description)
			ev.description = dastiac__text(a, json_get_str(f, "desc"));
		if (!set_severity(&ev, sev))
			continue;
		ev.loc.path = "AndroidManifest.xml";
		ev.loc.logical = json_get_str(f, "name");
		if ((ret = emit(st, &ev, rec, err)) < 0)
			return ret;
	}
	return 0;
}

/* An iOS binary rule: title, then {detailed_desc|description, severity|status, cvss, cwe, ...}. */
static int ios_binary_rule(struct mobsf_state *st, const struct jrec *rec, const char *title,
			   const struct jnode *rule, struct perr *err)
{
	struct arena *a = rec->arena;
	const char *sev = json_get_str(rule, "severity");
	struct evidence ev;

	if (!title)
		return perr_set(err, P_EINVALID, "a binary_analysis finding has no title ('issue')");
	base(&ev, rec);
	ev.rule_id = arena_printf(a, "binary:%s", title);
	ev.title = title;
	ev.description = json_get_str(rule, "detailed_desc");
	if (!ev.description)
		ev.description = json_get_str(rule, "description");
	if (!set_severity(&ev, sev ? sev : json_get_str(rule, "status")))
		return 0;
	evidence_add_cwe_text(&ev, a, json_get_str(rule, "cwe"));
	strlist_add(&ev.tags, a, json_get_str(rule, "owasp-mobile"));
	strlist_add(&ev.tags, a, json_get_str(rule, "masvs"));
	kvlist_add(&ev.properties, a, "cvss", json_text(json_get(rule, "cvss")));
	ev.loc.logical = json_str(rec->ctx[CTX_BUNDLE]);
	return emit(st, &ev, rec, err);
}

static int on_binary(struct mobsf_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *lib, *check, *map;
	struct arena *a = rec->arena;
	int ret;

	if (json_is(rec->node, JOBJ)) {
		/* iOS 4.x: {findings: {title: rule}, summary} */
		map = json_get(rec->node, "findings");
		if ((ret = dastiac__want(err, map, JOBJ, "binary_analysis.findings")) < 0)
			return ret;
		json_for_each(check, map)
			if (json_is(check, JOBJ) && (ret = ios_binary_rule(st, rec, check->key, check, err)) < 0)
				return ret;
		return 0;
	}
	if ((ret = dastiac__want(err, rec->node, JARR, "binary_analysis")) < 0)
		return ret;
	json_for_each(lib, rec->node) {
		const char *name = json_get_str(lib, "name");

		if (json_get_str(lib, "issue")) {
			/* older iOS: a list of matched rules */
			if ((ret = ios_binary_rule(st, rec, json_get_str(lib, "issue"), lib, err)) < 0)
				return ret;
			continue;
		}
		/* Android: shared libraries, each with its checks */
		json_for_each(check, lib) {
			struct evidence ev;

			if (!json_is(check, JOBJ) || !json_get_str(check, "severity"))
				continue;
			base(&ev, rec);
			ev.rule_id = arena_printf(a, "binary:%s", check->key);
			ev.description = json_get_str(check, "description");
			ev.title = ev.description ? ev.description : check->key;
			if (!set_severity(&ev, json_get_str(check, "severity")))
				continue;
			if (ev.severity == SEV_INFO)
				continue; /* the check ran and found the protection in place */
			ev.loc.path = name ? path_normalize(a, name) : NULL;
			if ((ret = emit(st, &ev, rec, err)) < 0)
				return ret;
		}
	}
	return 0;
}

static int on_ats(struct mobsf_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *list = rec->node, *f;
	struct arena *a = rec->arena;
	int ret;

	if (json_is(list, JOBJ))
		list = json_get(list, "ats_findings");
	if (!list)
		return 0; /* no Info.plist: MobSF leaves it empty */
	if ((ret = dastiac__want(err, list, JARR, "ats_analysis.ats_findings")) < 0)
		return ret;
	json_for_each(f, list) {
		const char *issue = json_get_str(f, "issue"), *sev = json_get_str(f, "severity");
		struct evidence ev;

		if (!json_is(f, JOBJ))
			continue;
		if (!issue)
			return perr_set(err, P_EINVALID, "an ats_analysis finding has no 'issue'");
		base(&ev, rec);
		ev.rule_id = arena_printf(a, "ats:%s", issue);
		ev.title = issue;
		ev.description = json_get_str(f, "description");
		if (!set_severity(&ev, sev ? sev : json_get_str(f, "status")))
			continue;
		evidence_add_cwe(&ev, a, 319); /* cleartext transmission: what ATS prevents */
		ev.loc.path = "Info.plist";
		if ((ret = emit(st, &ev, rec, err)) < 0)
			return ret;
	}
	return 0;
}

static int on_macho(struct mobsf_state *st, const struct jrec *rec, struct perr *err)
{
	const char *name = json_get_str(rec->node, "name");
	const struct jnode *check;
	struct arena *a = rec->arena;
	int ret;

	if ((ret = dastiac__want(err, rec->node, JOBJ, "macho_analysis")) < 0)
		return ret;
	json_for_each(check, rec->node) {
		struct evidence ev;

		if (!json_is(check, JOBJ) || !json_get_str(check, "severity"))
			continue;
		base(&ev, rec);
		ev.rule_id = arena_printf(a, "macho:%s", check->key);
		ev.description = json_get_str(check, "description");
		ev.title = ev.description ? ev.description : check->key;
		if (!set_severity(&ev, json_get_str(check, "severity")) || ev.severity == SEV_INFO)
			continue; /* info: the protection is in place */
		ev.loc.path = name ? path_normalize(a, name) : NULL;
		ev.loc.logical = json_str(rec->ctx[CTX_BUNDLE]);
		if ((ret = emit(st, &ev, rec, err)) < 0)
			return ret;
	}
	return 0;
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct mobsf_state *st = payload;

	switch (rec->which) {
	case JREC_SCOPE_END:
		if (!rec->nindex)
			parse_tool_seen(st->opts, "MobSF", version(rec));
		return 0;
	case REC_CODE:
		return on_code(st, rec, err);
	case REC_MANIFEST:
		return on_manifest(st, rec, err);
	case REC_ATS:
		return on_ats(st, rec, err);
	case REC_MACHO:
		return on_macho(st, rec, err);
	default:
		return on_binary(st, rec, err);
	}
}

int detect_mobsf(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{')
		return 0;
	if (parse_has(head, len, "\"code_analysis\"") || parse_has(head, len, "\"manifest_analysis\"") ||
	    parse_has(head, len, "\"ats_analysis\"") || parse_has(head, len, "\"macho_analysis\""))
		return 90;
	if (parse_has(head, len, "\"Static Analysis\"") && parse_has(head, len, "\"package_name\""))
		return 80;
	return 0;
}

int parse_mobsf(const char *buf, size_t len, const struct parse_opts *opts,
		evidence_cb cb, void *payload, struct perr *err)
{
	struct mobsf_state st = { opts, cb, payload };
	long n = jrec_parse(buf, len, &mobsf_records, &opts->stream, on_record, &st, err);

	return n < 0 ? (int)n : 0;
}
