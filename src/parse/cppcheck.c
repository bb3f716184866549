/*
 * Cppcheck XML results, version 2 (`cppcheck --xml`, 1.x and 2.x). One
 * evidence per <error> that has a location: cppcheck writes an error's
 * call stack with the place of the problem first, so the first <location>
 * is the evidence's location and the others are related locations (a
 * ctunullpointer's dereference first, the null argument's origin next).
 * Errors without a location (toomanyconfigs, missingInclude, ...) describe
 * the analysis, not the code: they become warnings, not evidence.
 *
 * Severity: error -> high, warning -> medium, style, performance and
 * portability -> low, information and debug -> info. Cppcheck escapes
 * unprintable bytes in msg and verbose as "\ooo" octal ("\012" a newline);
 * they are decoded.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/xrec.h"
#include "model/path.h"
#include "parse/xmltext.h"

static const struct xrec_format cppcheck_records = {
	.records = { "results/errors/error", NULL },
	.context = { "results/cppcheck", NULL },
	.root = "results",
	.scope_end = true,
};

struct cppcheck_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

static enum severity cppcheck_severity(const char *s)
{
	if (!s)
		return SEV_NONE;
	if (!strcmp(s, "error"))
		return SEV_HIGH;
	if (!strcmp(s, "warning"))
		return SEV_MEDIUM;
	if (!strcmp(s, "style") || !strcmp(s, "performance") || !strcmp(s, "portability"))
		return SEV_LOW;
	if (!strcmp(s, "information") || !strcmp(s, "debug") || !strcmp(s, "none"))
		return SEV_INFO;
	return SEV_NONE;
}

static int set_location(struct location *loc, struct arena *a, const struct xnode *l,
			struct perr *err)
{
	const char *file = xnode_attr(l, "file"), *v;
	long long n;

	if (!file || !*file)
		return perr_set(err, P_EINVALID, "<location> has no 'file' attribute");
	loc->path = path_normalize(a, file);
	if ((v = xnode_attr(l, "line"))) {
		if (!xml_long(v, 0, UINT_MAX, &n))
			return perr_set(err, P_EINVALID, "<location> 'line' is not a number: '%.40s'", v);
		loc->start_line = loc->end_line = (unsigned)n;
	}
	if ((v = xnode_attr(l, "column")) && xml_long(v, 1, UINT_MAX, &n))
		loc->start_column = (unsigned)n;
	return 0;
}

static int emit_error(struct cppcheck_state *st, const struct xrec *rec, struct perr *err)
{
	const struct xnode *e = rec->node, *l, *sym;
	const struct xnode *results = xnode_ancestor(e, "results");
	const char *id = xnode_attr(e, "id"), *sev = xnode_attr(e, "severity"), *v;
	struct arena *a = rec->arena;
	struct evidence ev;
	long long cwe;
	int ret;

	if ((v = xnode_attr(results, "version")) && strcmp(v, "2"))
		return perr_set(err, P_EINVALID, "cppcheck XML version '%.20s' is not supported "
				"(only version 2, cppcheck --xml)", v);
	if (!id || !*id)
		return perr_set(err, P_EINVALID, "<error> has no 'id' attribute");
	l = xnode_child(e, "location");
	if (!l) {
		v = xmltext_unescape_octal(a, xnode_attr(e, "msg"));
		parse_warn(st->opts, "cppcheck %s %s: %s", sev ? sev : "message", id,
			   v ? v : "(no message)");
		return 0;
	}
	evidence_init(&ev);
	ev.tool = "cppcheck";
	ev.tool_version = xnode_attr(rec->ctx[0], "version");
	ev.kind = KIND_SAST;
	ev.rule_id = id;
	ev.title = xmltext_unescape_octal(a, xnode_attr(e, "msg"));
	ev.description = xmltext_unescape_octal(a, xnode_attr(e, "verbose"));
	if (!ev.title)
		ev.title = ev.description;
	ev.severity = cppcheck_severity(sev);
	ev.severity_raw = sev;
	if ((v = xnode_attr(e, "inconclusive")) && !strcmp(v, "true")) {
		ev.confidence = CONF_LOW;
		ev.confidence_raw = "inconclusive";
	}
	if ((v = xnode_attr(e, "cwe")) && xml_long(v, 1, INT_MAX, &cwe))
		evidence_add_cwe(&ev, a, (int)cwe);
	if ((v = xnode_attr(e, "hash")) && *v)
		kvlist_add(&ev.tool_fingerprints, a, "hash", v);
	if ((ret = set_location(&ev.loc, a, l, err)) < 0)
		return ret;
	if ((v = xnode_attr(l, "info")))
		kvlist_add(&ev.properties, a, "info", v);
	for (l = xnode_next(l, "location"); l; l = xnode_next(l, "location"))
		if ((ret = set_location(evidence_add_related(&ev, a), a, l, err)) < 0)
			return ret;
	if ((v = xnode_attr(e, "file0")) && ev.loc.path && strcmp(path_normalize(a, v), ev.loc.path))
		kvlist_add(&ev.properties, a, "file0", path_normalize(a, v));
	/* the variables or functions the message names, comma-separated */
	v = NULL;
	xnode_for_each_named(sym, e, "symbol")
		if (xnode_text(sym))
			v = v ? arena_printf(a, "%s, %s", v, xnode_text(sym)) : xnode_text(sym);
	kvlist_add(&ev.properties, a, "symbol", v);
	if ((v = xnode_attr(e, "remark")))
		kvlist_add(&ev.properties, a, "remark", v);
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct xrec *rec, void *payload, struct perr *err)
{
	struct cppcheck_state *st = payload;

	if (rec->which == XREC_SCOPE_END) {
		parse_tool_seen(st->opts, "cppcheck", xnode_attr(rec->ctx[0], "version"));
		return 0;
	}
	return emit_error(st, rec, err);
}

int detect_cppcheck(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '<' || !parse_has(head, len, "<results"))
		return 0;
	if (parse_has(head, len, "<cppcheck "))
		return 100;
	if (parse_has(head, len, "<errors") && parse_has(head, len, "<error id="))
		return 60;
	return 0;
}

int parse_cppcheck(const char *buf, size_t len, const struct parse_opts *opts,
		   evidence_cb cb, void *payload, struct perr *err)
{
	struct cppcheck_state st = { opts, cb, payload };
	struct xrec_opts xo;
	long n;

	xrec_opts_from_stream(&xo, &opts->stream);
	n = xrec_parse(buf, len, &cppcheck_records, &xo, on_record, &st, err);
	return n < 0 ? (int)n : 0;
}
