/*
 * GitLab SAST security report (gl-sast-report.json, report schemas 2.x to
 * 15.x): one evidence per vulnerabilities[] entry, kind sast. Only reports
 * whose scan.type (or, in schemas before 15, each vulnerability's
 * category) is "sast": GitLab's other report types share the schema and
 * belong to other formats. Field mapping: docs/formats/gitlab-sast.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/codescan.h"
#include "model/ids.h"
#include "model/path.h"

#include <ctype.h>

enum { CTX_SCAN, CTX_VERSION };

static const struct jrec_format gitlab_records = {
	.records = { "vulnerabilities[*]", NULL },
	.context = { "scan", "version", NULL },
	.scope_end = true,
};

struct gitlab_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	long vulns;
};

/* Critical/High/Medium/Low/Info; Unknown (and anything else) is none. */
static enum severity gitlab_severity(const char *s)
{
	return parse__severity_word(s);
}

/* Confirmed/High/Medium/Low/Experimental; Ignore and Unknown are none. */
static enum confidence gitlab_confidence(const char *s)
{
	if (s && !strcasecmp(s, "Confirmed"))
		return CONF_CONFIRMED;
	if (s && !strcasecmp(s, "Experimental"))
		return CONF_LOW;
	return parse__confidence_word(s);
}

/*
 * GitLab's own vulnerability tracking: the strongest signature of the
 * first tracking item (scope_offset_compressed, then scope_offset, then
 * hash), which survives line moves the way GitLab's deduplication does.
 */
static void add_tracking(struct evidence *ev, struct arena *a, const struct jnode *tracking)
{
	static const char *const order[] = { "scope_offset_compressed", "scope_offset", "hash" };
	const struct jnode *item = json_at(json_get(tracking, "items"), 0), *sig;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(order); i++) {
		json_for_each(sig, json_get(item, "signatures")) {
			const char *alg = json_get_str(sig, "algorithm");
			const char *value = json_get_str(sig, "value");

			if (alg && value && !strcmp(alg, order[i])) {
				kvlist_add(&ev->tool_fingerprints, a, alg, value);
				return;
			}
		}
	}
}

/*
 * identifiers[]: the first is the primary one (the rule); the others name
 * CWEs, OWASP categories, CVEs and the underlying tool's own rule ids.
 */
static void add_identifiers(struct evidence *ev, struct arena *a, const struct jnode *ids)
{
	const struct jnode *c;

	json_for_each(c, ids) {
		const char *type = json_get_str(c, "type");
		const char *name = json_get_str(c, "name");
		const char *value = json_text(json_get(c, "value"));

		if (!json_is(c, JOBJ) || !value)
			continue;
		if (!ev->rule_id) {
			ev->rule_id = value;
			ev->rule_name = name;
			ev->help_uri = json_get_str(c, "url");
		}
		strlist_add_unique(&ev->references, a, json_get_str(c, "url"));
		if (!type)
			continue;
		if (!strcasecmp(type, "cwe"))
			evidence_add_cwe_text(ev, a, value);
		else if (!strcasecmp(type, "cve") || !strcasecmp(type, "ghsa"))
			evidence_add_vuln_id(ev, a, ids_normalize(a, value));
		else if (!strcasecmp(type, "owasp"))
			strlist_add_unique(&ev->tags, a, arena_printf(a, "owasp:%s", value));
		else if (c != ids->first)
			kvlist_add(&ev->properties, a, type, value);
	}
}

static const char *logical(struct arena *a, const struct jnode *loc)
{
	const char *cls = json_get_str(loc, "class"), *method = json_get_str(loc, "method");

	if (cls && *cls && method && *method)
		return arena_printf(a, "%s.%s", cls, method);
	if (cls && *cls)
		return cls;
	return method && *method ? method : NULL;
}

static const char *scan_type(const struct jrec *rec)
{
	return json_get_str(rec->ctx[CTX_SCAN], "type");
}

static int check_scan_type(const struct jrec *rec, struct perr *err)
{
	const char *type = scan_type(rec);

	if (type && strcmp(type, "sast"))
		return perr_set(err, P_EINVALID, "'scan.type' is '%s', not 'sast'", type);
	return 0;
}

/* The scanner that found it: the vulnerability's own, else the scan's. */
static void set_tool(struct evidence *ev, const struct jnode *vuln, const struct jnode *scan)
{
	const struct jnode *vs = json_get(vuln, "scanner"), *ss = json_get(scan, "scanner");
	const char *vid = json_get_str(vs, "id"), *vname = json_get_str(vs, "name");
	const char *sid = json_get_str(ss, "id"), *sname = json_get_str(ss, "name");
	bool same = (!vid && !vname) || (vid && sid && !strcmp(vid, sid)) ||
		    (!vid && vname && sname && !strcmp(vname, sname));

	if (!same) {
		/* another scanner than the scan's: its version is not known */
		ev->tool = vname ? vname : vid;
		return;
	}
	ev->tool = sname ? sname : sid ? sid : vname ? vname : vid;
	ev->tool_version = json_get_str(ss, "version");
}

static int emit_vuln(struct gitlab_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *v = rec->node, *loc, *c, *scan = rec->ctx[CTX_SCAN];
	struct arena *a = rec->arena;
	const char *file, *s;
	struct evidence ev;
	int ret;

	if ((ret = check_scan_type(rec, err)) < 0)
		return ret;
	if (!json_is(v, JOBJ))
		return perr_set(err, P_EINVALID, "vulnerability is %s, not an object",
				json_type_a(v->type));

	evidence_init(&ev);
	ev.kind = KIND_SAST;
	set_tool(&ev, v, scan);
	if (!ev.tool)
		ev.tool = "gitlab-sast";
	add_identifiers(&ev, a, json_get(v, "identifiers"));
	ev.title = json_get_str(v, "name");
	if (!ev.title)
		ev.title = json_get_str(v, "message");
	ev.description = json_get_str(v, "description");
	if (!ev.description)
		ev.description = json_get_str(v, "message");
	if (!ev.title)
		ev.title = ev.description;
	if ((s = json_get_str(v, "solution")) && *s)
		ev.remediation = s;
	ev.severity_raw = json_get_str(v, "severity");
	ev.severity = gitlab_severity(ev.severity_raw);
	ev.confidence_raw = json_get_str(v, "confidence");
	ev.confidence = gitlab_confidence(ev.confidence_raw);
	json_for_each(c, json_get(v, "links")) {
		strlist_add_unique(&ev.references, a, json_get_str(c, "url"));
		if (!ev.help_uri)
			ev.help_uri = json_get_str(c, "url");
	}

	loc = json_get(v, "location");
	file = json_get_str(loc, "file");
	if (file && *file)
		ev.loc.path = path_normalize(a, file);
	ev.loc.start_line = parse__uint(json_get(loc, "start_line"));
	ev.loc.end_line = parse__uint(json_get(loc, "end_line"));
	if (ev.loc.end_line < ev.loc.start_line)
		ev.loc.end_line = ev.loc.start_line;
	ev.loc.logical = logical(a, loc);

	add_tracking(&ev, a, json_get(v, "tracking"));
	kvlist_add(&ev.properties, a, "id", json_get_str(v, "id"));
	kvlist_add(&ev.properties, a, "schema_version", json_str(rec->ctx[CTX_VERSION]));
	json_for_each(c, json_get(v, "flags")) {
		/* GitLab's false-positive detection marks, it does not dismiss */
		if ((s = json_get_str(c, "type"))) {
			kvlist_add(&ev.properties, a, "flag", s);
			strlist_add_unique(&ev.tags, a, s);
		}
	}
	if ((s = json_get_str(json_get(scan, "analyzer"), "id"))) {
		kvlist_add(&ev.properties, a, "analyzer", s);
		kvlist_add(&ev.properties, a, "analyzer_version",
			   json_get_str(json_get(scan, "analyzer"), "version"));
	}
	/* schema 2.x reports have no scan object: name each scanner seen */
	parse_tool_seen(st->opts, ev.tool, ev.tool_version);
	st->vulns++;
	return st->cb(&ev, st->payload, err);
}

static int scan_end(struct gitlab_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *scan = rec->ctx[CTX_SCAN], *ss = json_get(scan, "scanner"), *m;
	const char *status = json_get_str(scan, "status");
	int ret;

	if ((ret = check_scan_type(rec, err)) < 0)
		return ret;
	json_for_each(m, json_get(scan, "messages")) {
		const char *level = json_get_str(m, "level");

		if (level && (!strcmp(level, "error") || !strcmp(level, "warn")))
			parse_warn(st->opts, "gitlab-sast %s: %s", level,
				   json_get_str(m, "value") ? json_get_str(m, "value") : "(no message)");
	}
	if (status && strcmp(status, "success"))
		parse_warn(st->opts, "gitlab-sast: the scan's status is '%s'", status);
	parse_tool_seen(st->opts, json_get_str(ss, "name") ? json_get_str(ss, "name") :
			json_get_str(ss, "id"), json_get_str(ss, "version"));
	return 0;
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct gitlab_state *st = payload;

	if (rec->which == JREC_SCOPE_END)
		return scan_end(st, rec, err);
	return emit_vuln(st, rec, err);
}

/* `"key": "value"` with any white space around the colon. */
static bool has_member(const char *head, size_t len, const char *key, const char *value)
{
	size_t klen = strlen(key), vlen = strlen(value);
	const char *p = head, *end = head + len;

	while ((p = memmem(p, (size_t)(end - p), key, klen))) {
		const char *q = p + klen;

		while (q < end && isspace((unsigned char)*q))
			q++;
		if (q < end && *q == ':') {
			q++;
			while (q < end && isspace((unsigned char)*q))
				q++;
			if ((size_t)(end - q) >= vlen && !memcmp(q, value, vlen))
				return true;
		}
		p += klen;
	}
	return false;
}

int detect_gitlab_sast(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"vulnerabilities\""))
		return 0;
	if (parse_has(head, len, "\"scan\"") && has_member(head, len, "\"type\"", "\"sast\""))
		return 100;
	/* schemas before 15.0 also name the report type in every vulnerability */
	if (has_member(head, len, "\"category\"", "\"sast\""))
		return 95;
	return 0;
}

int parse_gitlab_sast(const char *buf, size_t len, const struct parse_opts *opts,
		      evidence_cb cb, void *payload, struct perr *err)
{
	struct gitlab_state st = { opts, cb, payload, 0 };
	long n;

	n = jrec_parse(buf, len, &gitlab_records, &opts->stream, on_record, &st, err);
	if (n < 0)
		return (int)n;
	if (!st.vulns)
		return parse__check_array(buf, len, "vulnerabilities", opts, err);
	return 0;
}
