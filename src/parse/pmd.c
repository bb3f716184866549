/*
 * PMD's XML report (`pmd check -f xml`, report schema 2.0.0; PMD 5-7, and
 * CPD-free). One evidence per pmd/file/violation, in report order;
 * processing and configuration errors become warnings. See
 * docs/formats/pmd.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/xrec.h"
#include "model/path.h"

enum { REC_VIOLATION, REC_ERROR, REC_CONFIGERROR };

static const struct xrec_format pmd_records = {
	.records = { "pmd/file/violation", "pmd/error", "pmd/configerror", NULL },
	.context = { NULL },
	.root = "pmd",
	.scope_end = true,
};

struct pmd_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

/* 1 High, 2 Medium High, 3 Medium, 4 Medium Low, 5 Low. */
static enum severity pmd_severity(long long priority)
{
	if (priority <= 1)
		return SEV_HIGH;
	if (priority <= 3)
		return SEV_MEDIUM;
	return SEV_LOW;
}

static int line_attr(const struct xnode *v, const char *name, unsigned *out, struct perr *err)
{
	const char *s = xnode_attr(v, name);
	long long n;

	if (!s)
		return 0;
	if (!xml_long(s, 0, UINT_MAX, &n))
		return perr_set(err, P_EINVALID, "<violation> '%s' is not a number: '%.40s'", name, s);
	*out = (unsigned)n;
	return 0;
}

static int emit_violation(struct pmd_state *st, const struct xrec *rec, struct perr *err)
{
	const struct xnode *v = rec->node, *file = v->parent;
	const char *name = xnode_attr(file, "name"), *prio = xnode_attr(v, "priority");
	struct arena *a = rec->arena;
	struct evidence ev;
	long long p;
	int ret;

	if (!name || !*name)
		return perr_set(err, P_EINVALID, "<file> has no 'name' attribute");
	evidence_init(&ev);
	ev.tool = "PMD";
	ev.tool_version = xnode_attr(xnode_ancestor(v, "pmd"), "version");
	ev.kind = KIND_SAST;
	ev.rule_id = xnode_attr(v, "rule");
	if (!ev.rule_id || !*ev.rule_id)
		return perr_set(err, P_EINVALID, "<violation> has no 'rule' attribute");
	ev.rule_name = ev.rule_id;
	ev.description = xnode_text(v);
	ev.title = ev.description ? ev.description : ev.rule_id;
	ev.help_uri = xnode_attr(v, "externalInfoUrl");
	strlist_add(&ev.references, a, ev.help_uri);
	if (prio) {
		if (!xml_long(prio, 1, 5, &p))
			return perr_set(err, P_EINVALID, "<violation> 'priority' is not 1-5: '%.40s'", prio);
		ev.severity = pmd_severity(p);
		ev.severity_raw = prio;
	}
	ev.loc.path = path_normalize(a, name);
	if ((ret = line_attr(v, "beginline", &ev.loc.start_line, err)) < 0 ||
	    (ret = line_attr(v, "endline", &ev.loc.end_line, err)) < 0 ||
	    (ret = line_attr(v, "begincolumn", &ev.loc.start_column, err)) < 0 ||
	    (ret = line_attr(v, "endcolumn", &ev.loc.end_column, err)) < 0)
		return ret;
	if (!ev.loc.end_line)
		ev.loc.end_line = ev.loc.start_line;
	if (xnode_attr(v, "ruleset"))
		strlist_add(&ev.tags, a, xnode_attr(v, "ruleset"));
	kvlist_add(&ev.properties, a, "ruleset", xnode_attr(v, "ruleset"));
	kvlist_add(&ev.properties, a, "package", xnode_attr(v, "package"));
	kvlist_add(&ev.properties, a, "class", xnode_attr(v, "class"));
	kvlist_add(&ev.properties, a, "method", xnode_attr(v, "method"));
	kvlist_add(&ev.properties, a, "variable", xnode_attr(v, "variable"));
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct xrec *rec, void *payload, struct perr *err)
{
	struct pmd_state *st = payload;
	const char *msg;

	switch (rec->which) {
	case XREC_SCOPE_END:
		parse_tool_seen(st->opts, "PMD", xnode_attr(rec->scope, "version"));
		return 0;
	case REC_ERROR:
		msg = xnode_attr(rec->node, "msg");
		parse_warn(st->opts, "PMD could not process '%s': %s",
			   xnode_attr(rec->node, "filename") ? xnode_attr(rec->node, "filename") : "?",
			   msg ? msg : "(no message)");
		return 0;
	case REC_CONFIGERROR:
		msg = xnode_attr(rec->node, "msg");
		parse_warn(st->opts, "PMD rule '%s' is misconfigured: %s",
			   xnode_attr(rec->node, "rule") ? xnode_attr(rec->node, "rule") : "?",
			   msg ? msg : "(no message)");
		return 0;
	default:
		return emit_violation(st, rec, err);
	}
}

int detect_pmd(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '<' || !parse_has(head, len, "<pmd"))
		return 0;
	if (parse_has(head, len, "pmd.sourceforge.net/report") ||
	    parse_has(head, len, "pmd.github.io/schema/report"))
		return 100;
	if (parse_has(head, len, "<violation") || parse_has(head, len, "<file name="))
		return 60;
	return 0;
}

int parse_pmd(const char *buf, size_t len, const struct parse_opts *opts,
	      evidence_cb cb, void *payload, struct perr *err)
{
	struct pmd_state st = { opts, cb, payload };
	struct xrec_opts xo;
	long n;

	xrec_opts_from_stream(&xo, &opts->stream);
	n = xrec_parse(buf, len, &pmd_records, &xo, on_record, &st, err);
	return n < 0 ? (int)n : 0;
}
