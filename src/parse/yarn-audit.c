/*
 * yarn audit --json, three shapes:
 *
 *  - yarn classic (1.x): JSON Lines of {"type", "data"}. "auditAdvisory"
 *    carries one npm 6 advisory (with all its findings) plus the one
 *    resolution path it was printed for; yarn prints the same advisory
 *    again for every path. The first line of an advisory gives one
 *    evidence per finding (installed version), later lines add nothing.
 *    "auditAction" lines give the fix, "auditSummary" closes the report.
 *  - yarn berry 4 (`yarn npm audit --json`): JSON Lines of
 *    {"value": package, "children": {ID, Issue, URL, Severity,
 *    "Vulnerable Versions", "Tree Versions", Dependents}}: one evidence
 *    per tree version.
 *  - yarn berry 2/3: one npm 6 style object ("advisories"), read as npm 6.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/sca_audit.h"
#include "model/ids.h"

#define TOOL_CLASSIC "yarn audit"
#define TOOL_BERRY "yarn npm audit"

static const struct jrec_format yarn_lines = {
	.records = { "", NULL },
	.context = { NULL },
	.multiple = true,
};

struct yarn_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	struct npm_fixes fixes;
	struct strmap seen;    /* advisory ids already emitted, keys in fixes.keep */
	bool classic, berry;
};

static int collect_action(const struct jrec *rec, void *payload, struct perr *err)
{
	struct yarn_state *st = payload;
	const char *type = json_get_str(rec->node, "type");

	if (!type || strcmp(type, "auditAction"))
		return 0;
	return npm_fixes_add(&st->fixes, json_get(json_get(rec->node, "data"), "action"), err);
}

static int emit_berry(struct yarn_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *ch = json_get(rec->node, "children"), *versions, *c;
	const char *name = json_get_str(rec->node, "value");
	struct arena *a = rec->arena;
	struct evidence ev;
	size_t n = 0;
	int ret;

	if (!json_is(ch, JOBJ))
		return perr_set(err, P_EINVALID, "'children' is not an object");
	if (!name)
		return perr_set(err, P_EINVALID, "'value' (the package name) is missing");
	versions = json_get(ch, "Tree Versions");
	if (versions && !json_is(versions, JARR))
		return perr_set(err, P_EINVALID, "'Tree Versions' is %s, not an array",
				sca_a_type(versions));
	evidence_init(&ev);
	ev.tool = TOOL_BERRY;
	ev.kind = KIND_SCA;
	ev.rule_id = json_text(json_get(ch, "ID"));
	ev.title = json_get_str(ch, "Issue");
	ev.severity_raw = json_get_str(ch, "Severity");
	ev.severity = sca_severity_word(ev.severity_raw);
	ev.help_uri = json_get_str(ch, "URL");
	ids_scan_text(&ev, a, ev.help_uri);
	strlist_add(&ev.references, a, ev.help_uri);
	ev.loc.name = name;
	ev.loc.ecosystem = "npm";
	sca_prop(&ev, a, "vulnerable_versions", json_get_str(ch, "Vulnerable Versions"));
	sca_prop(&ev, a, "dependents", sca_join_first(a, json_get(ch, "Dependents"), 5));
	json_for_each(c, versions) {
		struct evidence one = ev;

		if (!json_str(c))
			continue;
		n++;
		one.loc.version = json_str(c);
		one.loc.purl = sca_purl(a, "npm", name, one.loc.version);
		if ((ret = st->cb(&one, st->payload, err)) < 0)
			return ret;
	}
	if (n)
		return 0;
	ev.loc.purl = sca_purl(a, "npm", name, NULL);
	return st->cb(&ev, st->payload, err);
}

static int on_line(const struct jrec *rec, void *payload, struct perr *err)
{
	struct yarn_state *st = payload;
	const struct jnode *line = rec->node, *data, *adv;
	const char *type, *id;

	if (!json_is(line, JOBJ))
		return perr_set(err, P_EINVALID, "a line is %s, not an object",
				sca_a_type(line));
	if (json_get(line, "children")) {
		if (!st->berry)
			parse_tool_seen(st->opts, TOOL_BERRY, NULL);
		st->berry = true;
		return emit_berry(st, rec, err);
	}
	type = json_get_str(line, "type");
	if (!type)
		return perr_set(err, P_EINVALID, "'type' is missing");
	data = json_get(line, "data");
	if (!st->classic)
		parse_tool_seen(st->opts, TOOL_CLASSIC, NULL);
	st->classic = true;
	if (!strcmp(type, "error")) {
		parse_warn(st->opts, "yarn reported an error: %s",
			   json_text(data) ? json_text(data) : "(no message)");
		return 0;
	}
	if (strcmp(type, "auditAdvisory"))
		return 0; /* auditAction (read in the first pass), auditSummary, info, warning */
	adv = json_get(data, "advisory");
	if (!json_is(adv, JOBJ))
		return perr_set(err, P_EINVALID, "'data.advisory' is missing or not an object");
	id = json_text(json_get(adv, "id"));
	if (id) {
		/* printed once per resolution path; every finding is in the first */
		if (strmap_get(&st->seen, id))
			return 0;
		strmap_put(&st->seen, arena_strdup(&st->fixes.keep, id), (void *)1);
	}
	return npm_emit_advisory(adv, NULL, rec->arena, TOOL_CLASSIC, &st->fixes, st->cb,
				 st->payload, err);
}

/* The JSON Lines shapes, which only yarn writes. */
static bool yarn_lines_shape(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{')
		return false;
	if (parse_has(head, len, "\"type\":\"auditAdvisory\"") ||
	    parse_has(head, len, "\"type\":\"auditSummary\"") ||
	    parse_has(head, len, "\"type\":\"auditAction\""))
		return true;
	return parse_has(head, len, "\"children\"") &&
	       parse_has(head, len, "\"Vulnerable Versions\"") &&
	       parse_has(head, len, "\"Tree Versions\"");
}

int detect_yarn_audit(const char *head, size_t len)
{
	if (yarn_lines_shape(head, len))
		return 95;
	/* berry 2/3 write npm 6's shape: npm-audit claims it first */
	if (parse_first_char(head, len) == '{' && parse_has(head, len, "\"advisories\""))
		return 3;
	return 0;
}

int parse_yarn_audit(const char *buf, size_t len, const struct parse_opts *opts,
		     evidence_cb cb, void *payload, struct perr *err)
{
	struct yarn_state st;
	long n;

	/* yarn berry 2/3 print the registry's npm 6 style report as it is */
	if (!yarn_lines_shape(buf, len < PARSE_DETECT_HEAD ? len : PARSE_DETECT_HEAD) &&
	    detect_yarn_audit(buf, len < PARSE_DETECT_HEAD ? len : PARSE_DETECT_HEAD))
		return sca_parse_npm_shapes(buf, len, opts, TOOL_BERRY, cb, payload, err);
	memset(&st, 0, sizeof(st));
	st.opts = opts;
	st.cb = cb;
	st.payload = payload;
	npm_fixes_init(&st.fixes);
	n = jrec_parse(buf, len, &yarn_lines, &opts->stream, collect_action, &st, err);
	if (n >= 0)
		n = jrec_parse(buf, len, &yarn_lines, &opts->stream, on_line, &st, err);
	if (n == 0)
		n = perr_set(err, P_EINVALID, "no lines: not a yarn audit report");
	strmap_release(&st.seen);
	npm_fixes_release(&st.fixes);
	return n < 0 ? (int)n : 0;
}
