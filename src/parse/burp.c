/*
 * Burp Suite's XML issue export ("Report selected issues" -> XML, and the
 * Enterprise/DAST XML export): issues/issue, one evidence per issue.
 * Requests and responses (base64 in <requestresponse>) are never kept:
 * they carry cookies, tokens and credentials; only the request method is
 * read. See docs/formats/burp.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/xrec.h"
#include "parse/xmltext.h"

#include <ctype.h>

static const struct xrec_format burp_records = {
	.records = { "issues/issue", NULL },
	.context = { NULL },
	.skip = { "response", NULL },
	.root = "issues",
	.scope_end = true,
};

struct burp_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

static void set_severity(struct evidence *ev, const char *s)
{
	ev->severity_raw = s;
	if (!s)
		return;
	if (!strcasecmp(s, "High"))
		ev->severity = SEV_HIGH;
	else if (!strcasecmp(s, "Medium"))
		ev->severity = SEV_MEDIUM;
	else if (!strcasecmp(s, "Low"))
		ev->severity = SEV_LOW;
	else if (!strcasecmp(s, "Information") || !strcasecmp(s, "Info"))
		ev->severity = SEV_INFO;
	else if (!strcasecmp(s, "False positive")) {
		/* a person marked it so in Burp; the original severity is lost */
		ev->suppressed = true;
		ev->suppression_kind = "false_positive";
	}
}

static void set_confidence(struct evidence *ev, const char *s)
{
	ev->confidence_raw = s;
	if (!s)
		return;
	if (!strcasecmp(s, "Certain")) {
		ev->confidence = CONF_CONFIRMED;
		ev->validated = true;
	} else if (!strcasecmp(s, "Firm")) {
		ev->confidence = CONF_MEDIUM;
	} else if (!strcasecmp(s, "Tentative")) {
		ev->confidence = CONF_LOW;
	}
}

/* "CWE-79: Improper Neutralization ..." items of the classification list. */
static void add_cwes(struct evidence *ev, struct arena *a, const char *html)
{
	const char *p = html;

	while (p && (p = strstr(p, "CWE-"))) {
		const char *q = p + 4;

		if (isdigit((unsigned char)*q))
			evidence_add_cwe_text(ev, a, arena_strndup(a, p, 4 + strspn(q, "0123456789")));
		p = q;
	}
}

/* "/search [q parameter]" -> "q"; NULL for other locations ("[URL path filename]"). */
static const char *location_param(struct arena *a, const char *loc)
{
	const char *open = loc ? strrchr(loc, '[') : NULL;
	const char *suffix = " parameter]";
	size_t n;

	if (!open)
		return NULL;
	n = strlen(open + 1);
	if (n <= strlen(suffix) || strcmp(open + 1 + n - strlen(suffix), suffix))
		return NULL;
	return arena_strndup(a, open + 1, n - strlen(suffix));
}

static int emit_issue(struct burp_state *st, const struct xrec *rec, struct perr *err)
{
	const struct xnode *issue = rec->node, *host = xnode_child(issue, "host");
	const struct xnode *issues = xnode_ancestor(issue, "issues");
	struct arena *a = rec->arena;
	const char *base = xnode_text(host), *path = xnode_path_text(issue, "path");
	const char *location = xnode_path_text(issue, "location");
	struct evidence ev;

	evidence_init(&ev);
	ev.tool = "Burp Suite";
	ev.tool_version = xnode_attr(issues, "burpVersion");
	ev.kind = KIND_DAST;
	ev.rule_id = xnode_path_text(issue, "type");
	ev.rule_name = xnode_path_text(issue, "name");
	if (!ev.rule_id && !ev.rule_name)
		return perr_set(err, P_EINVALID, "<issue> has neither <type> nor <name>");
	if (!ev.rule_id)
		ev.rule_id = ev.rule_name;
	ev.title = ev.rule_name ? ev.rule_name : ev.rule_id;
	ev.description = xmltext_html_to_text(a, xnode_path_text(issue, "issueDetail"));
	if (!ev.description)
		ev.description = xmltext_html_to_text(a, xnode_path_text(issue, "issueBackground"));
	ev.remediation = xmltext_html_to_text(a, xnode_path_text(issue, "remediationDetail"));
	if (!ev.remediation)
		ev.remediation = xmltext_html_to_text(a, xnode_path_text(issue, "remediationBackground"));
	set_severity(&ev, xnode_path_text(issue, "severity"));
	set_confidence(&ev, xnode_path_text(issue, "confidence"));
	add_cwes(&ev, a, xnode_path_text(issue, "vulnerabilityClassifications"));
	xmltext_add_urls(&ev.references, a, xnode_path_text(issue, "references"));

	if (base && path)
		ev.loc.url = arena_printf(a, "%s%s%s", base,
					  base[strlen(base) - 1] == '/' || path[0] == '/' ? "" : "/",
					  base[strlen(base) - 1] == '/' && path[0] == '/' ? path + 1 : path);
	else
		ev.loc.url = base;
	ev.loc.method = xnode_attr(xnode_path(issue, "requestresponse/request"), "method");
	ev.loc.param = location_param(a, location);
	if (xnode_attr(host, "ip") && *xnode_attr(host, "ip"))
		kvlist_add(&ev.properties, a, "ip", xnode_attr(host, "ip"));
	kvlist_add(&ev.properties, a, "location", location);
	kvlist_add(&ev.properties, a, "serial_number", xnode_path_text(issue, "serialNumber"));
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct xrec *rec, void *payload, struct perr *err)
{
	struct burp_state *st = payload;

	if (rec->which == XREC_SCOPE_END) {
		parse_tool_seen(st->opts, "Burp Suite", xnode_attr(rec->scope, "burpVersion"));
		return 0;
	}
	return emit_issue(st, rec, err);
}

int detect_burp(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '<' || !parse_has(head, len, "<issues"))
		return 0;
	if (parse_has(head, len, "burpVersion"))
		return 100;
	if (parse_has(head, len, "<issue>") && parse_has(head, len, "<serialNumber>"))
		return 70;
	return 0;
}

int parse_burp(const char *buf, size_t len, const struct parse_opts *opts,
	       evidence_cb cb, void *payload, struct perr *err)
{
	struct burp_state st = { opts, cb, payload };
	struct xrec_opts xo;
	long n;

	xrec_opts_from_stream(&xo, &opts->stream);
	n = xrec_parse(buf, len, &burp_records, &xo, on_record, &st, err);
	return n < 0 ? (int)n : 0;
}
