/*
 * Nuclei results: JSON Lines (-jsonl, and -json before v3) and the JSON
 * array of -json-export. Field names of v2.6 and later ("template-id",
 * "matched-at") and of older releases ("templateID", "matched").
 *
 * One evidence per result line. A named matcher is part of the result's
 * identity (Nuclei prints "[template-id:matcher-name]"), so rule_id is
 * "template-id:matcher-name" when there is one. A result is validated only
 * when Nuclei recorded an out-of-band interaction (the target called back
 * to the interactsh server): a plain matcher hit says a pattern matched,
 * not that the problem was exploited. request, response and curl-command
 * are dropped: they carry whatever credentials the scan sent.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/dastiac.h"
#include "model/ids.h"

static const struct jrec_format nuclei_lines = {
	.records = { "", NULL },
	.context = { NULL },
	.multiple = true,
};

static const struct jrec_format nuclei_array = {
	.records = { "[*]", NULL },
	.context = { NULL },
};

struct nuclei_state {
	const char *buf;
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	bool seen;
};

/* A string or an array of strings, each passed to fn. */
static void each_text(const struct jnode *n, void (*fn)(struct evidence *, struct arena *,
							const char *),
		      struct evidence *ev, struct arena *a)
{
	const struct jnode *c;

	if (json_is(n, JARR)) {
		json_for_each(c, n)
			if (json_text(c))
				fn(ev, a, json_text(c));
	} else if (json_text(n)) {
		fn(ev, a, json_text(n));
	}
}

static void add_ref(struct evidence *ev, struct arena *a, const char *s)
{
	strlist_add_unique(&ev->references, a, s);
}

static void add_tag(struct evidence *ev, struct arena *a, const char *s)
{
	/* old templates write tags as one comma-separated string */
	while (*s) {
		size_t n;

		s += strspn(s, ", ");
		n = strcspn(s, ",");
		while (n && s[n - 1] == ' ')
			n--;
		if (n)
			strlist_add_unique(&ev->tags, a, arena_strndup(a, s, n));
		s += n;
		s += strspn(s, ", ");
	}
}

static void add_vuln(struct evidence *ev, struct arena *a, const char *s)
{
	evidence_add_vuln_id(ev, a, ids_normalize(a, s));
}

static void add_cwe(struct evidence *ev, struct arena *a, const char *s)
{
	evidence_add_cwe_text(ev, a, s);
}

static void set_classification(struct evidence *ev, struct arena *a, const struct jnode *cl)
{
	const char *vec = json_get_str(cl, "cvss-metrics");
	double score;

	each_text(json_get(cl, "cve-id"), add_vuln, ev, a);
	each_text(json_get(cl, "cwe-id"), add_cwe, ev, a);
	if (vec && *vec) {
		ev->cvss.vector = vec;
		if (!strncmp(vec, "CVSS:3.1/", 9))
			ev->cvss.version = "3.1";
		else if (!strncmp(vec, "CVSS:3.0/", 9))
			ev->cvss.version = "3.0";
		else if (!strncmp(vec, "CVSS:4.0/", 9))
			ev->cvss.version = "4.0";
		else if (!strncmp(vec, "AV:", 3))
			ev->cvss.version = "2.0";
	}
	if (json_get_num(cl, "cvss-score", &score) && score >= 0 && score <= 10) {
		ev->cvss.score = score;
		ev->cvss.has_score = true;
	}
	kvlist_add(&ev->properties, a, "epss", json_text(json_get(cl, "epss-score")));
	kvlist_add(&ev->properties, a, "epss_percentile",
		   json_text(json_get(cl, "epss-percentile")));
	kvlist_add(&ev->properties, a, "cpe", json_get_str(cl, "cpe"));
}

/* "GET /path HTTP/1.1" -> "GET": the method of a raw request, if it has one. */
static const char *request_method(struct arena *a, const char *req)
{
	size_t n;

	if (!req)
		return NULL;
	n = strspn(req, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	if (n < 3 || n > 10 || req[n] != ' ')
		return NULL;
	return arena_strndup(a, req, n);
}

static const char *joined(struct arena *a, const struct jnode *arr)
{
	const struct jnode *c;
	const char *out = NULL;

	json_for_each(c, arr) {
		const char *s = json_text(c);

		if (!s)
			continue;
		out = out ? arena_printf(a, "%s, %s", out, s) : s;
		if (strlen(out) > DASTIAC_CLIP)
			break;
	}
	return dastiac__clip(a, out, DASTIAC_CLIP);
}

static int check_result(const struct jrec *rec, struct perr *err)
{
	const struct jnode *r = rec->node;
	int ret;

	if (!json_is(r, JOBJ))
		return perr_set(err, P_EINVALID, "result is %s %s, not an object",
				r->type == JARR ? "an" : "a", json_type_name(r->type));
	if ((ret = dastiac__want(err, json_get(r, "info"), JOBJ, "info")) < 0)
		return ret;
	if (!json_get_str(r, "template-id") && !json_get_str(r, "templateID"))
		return perr_set(err, P_EINVALID, "'template-id' is missing");
	return 0;
}

static int on_result(const struct jrec *rec, void *payload, struct perr *err)
{
	struct nuclei_state *st = payload;
	const struct jnode *r = rec->node, *info, *inter;
	struct arena *a = rec->arena;
	const struct jnode *extracted = json_get(r, "extracted-results");
	const char *tid, *matcher, *type, *sev, *where;
	struct evidence ev;
	int ret;

	if ((ret = check_result(rec, err)) < 0)
		return ret;
	info = json_get(r, "info");
	tid = json_get_str(r, "template-id");
	if (!tid)
		tid = json_get_str(r, "templateID");
	if (!st->seen) {
		parse_tool_seen(st->opts, "nuclei", NULL);
		st->seen = true;
	}

	evidence_init(&ev);
	ev.tool = "nuclei";
	ev.kind = KIND_DAST;
	matcher = json_get_str(r, "matcher-name");
	if (!matcher)
		matcher = json_get_str(r, "matcher_name");
	ev.rule_id = matcher && *matcher ? arena_printf(a, "%s:%s", tid, matcher) : tid;
	ev.rule_name = json_get_str(info, "name");
	ev.title = ev.rule_name ? ev.rule_name : tid;
	ev.description = json_get_str(info, "description");
	if (ev.description)
		ev.description = dastiac__text(a, ev.description);
	ev.remediation = json_get_str(info, "remediation");
	sev = json_get_str(info, "severity");
	if (sev && *sev) {
		ev.severity_raw = sev;
		dastiac__severity(&ev.severity, sev); /* "unknown" stays none */
	}
	set_classification(&ev, a, json_get(info, "classification"));
	each_text(json_get(info, "reference"), add_ref, &ev, a);
	each_text(json_get(info, "tags"), add_tag, &ev, a);

	type = json_get_str(r, "type");
	where = json_get_str(r, "matched-at");
	if (!where)
		where = json_get_str(r, "matched");
	if (!where)
		where = json_get_str(r, "url");
	if (!where)
		where = json_get_str(r, "host");
	if (type && !strcmp(type, "file")) {
		/* file templates read local files: a static finding */
		ev.kind = KIND_SAST;
		ev.loc.path = where;
	} else {
		ev.loc.url = where;
		ev.loc.method = json_get_str(r, "fuzzing_method");
		if (!ev.loc.method)
			ev.loc.method = request_method(a, json_get_str(r, "request"));
		ev.loc.param = json_get_str(r, "fuzzing_parameter");
	}

	if (!extracted)
		extracted = json_get(r, "extracted_results"); /* before v2.6 */
	inter = json_get(r, "interaction");
	if (json_is(inter, JOBJ)) {
		ev.validated = true;
		ev.confidence = CONF_CONFIRMED;
		kvlist_add(&ev.properties, a, "interaction_protocol", json_get_str(inter, "protocol"));
	}
	kvlist_add(&ev.properties, a, "template_id", tid);
	kvlist_add(&ev.properties, a, "type", type);
	kvlist_add(&ev.properties, a, "matcher_name", matcher);
	kvlist_add(&ev.properties, a, "extracted_results", joined(a, extracted));
	kvlist_add(&ev.properties, a, "host", json_get_str(r, "host"));
	kvlist_add(&ev.properties, a, "ip", json_get_str(r, "ip"));
	kvlist_add(&ev.properties, a, "template_url", json_get_str(r, "template-url"));
	return st->cb(&ev, st->payload, err);
}

int detect_nuclei(const char *head, size_t len)
{
	int c = parse_first_char(head, len);

	if (c != '{' && c != '[')
		return 0;
	if (!parse_has(head, len, "\"template-id\"") && !parse_has(head, len, "\"templateID\""))
		return 0;
	if (parse_has(head, len, "\"matched-at\"") || parse_has(head, len, "\"matched\"") ||
	    parse_has(head, len, "\"matcher-status\""))
		return 95;
	return 60;
}

int parse_nuclei(const char *buf, size_t len, const struct parse_opts *opts,
		 evidence_cb cb, void *payload, struct perr *err)
{
	struct nuclei_state st = { buf, opts, cb, payload, false };
	const struct jrec_format *fmt =
		parse_first_char(buf, len) == '[' ? &nuclei_array : &nuclei_lines;
	long n = jrec_parse(buf, len, fmt, &opts->stream, on_result, &st, err);

	if (n < 0)
		return (int)n;
	if (!st.seen)
		parse_tool_seen(opts, "nuclei", NULL);
	return 0;
}
