/*
 * ShellCheck JSON: `-f json` (a flat array of comments) and `-f json1`
 * ({"comments": [...]}). One evidence per comment, kind sast, rule id
 * "SC<code>". docs/formats/shellcheck.md has the severity table.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/codescan.h"
#include "model/path.h"

static const struct jrec_format shellcheck_json = {
	.records = { "[*]", NULL },
};

static const struct jrec_format shellcheck_json1 = {
	.records = { "comments[*]", NULL },
};

struct shellcheck_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	bool json1;
	long comments;
};

static enum severity shellcheck_severity(const char *level)
{
	if (!level)
		return SEV_NONE;
	if (!strcmp(level, "error"))
		return SEV_HIGH;
	if (!strcmp(level, "warning"))
		return SEV_MEDIUM;
	if (!strcmp(level, "info"))
		return SEV_LOW;
	if (!strcmp(level, "style"))
		return SEV_INFO;
	return SEV_NONE;
}

static int on_comment(const struct jrec *rec, void *payload, struct perr *err)
{
	struct shellcheck_state *st = payload;
	const struct jnode *c = rec->node;
	struct arena *a = rec->arena;
	const char *file, *code;
	struct evidence ev;

	if (!json_is(c, JOBJ))
		return perr_set(err, P_EINVALID, "comment is a %s, not an object",
				json_type_name(c->type));
	file = json_get_str(c, "file");
	code = json_text(json_get(c, "code"));
	if (!file)
		return perr_set(err, P_EINVALID, "'file' is missing");
	if (!code)
		return perr_set(err, P_EINVALID, "'code' is missing");

	evidence_init(&ev);
	ev.tool = "shellcheck";
	ev.kind = KIND_SAST;
	ev.rule_id = arena_printf(a, "SC%s", code);
	ev.description = json_get_str(c, "message");
	ev.title = ev.description;
	ev.help_uri = arena_printf(a, "https://www.shellcheck.net/wiki/%s", ev.rule_id);
	strlist_add(&ev.references, a, ev.help_uri);
	ev.severity_raw = json_get_str(c, "level");
	ev.severity = shellcheck_severity(ev.severity_raw);
	ev.loc.path = path_normalize(a, file);
	ev.loc.start_line = parse__uint(json_get(c, "line"));
	ev.loc.end_line = parse__uint(json_get(c, "endLine"));
	if (!ev.loc.end_line)
		ev.loc.end_line = ev.loc.start_line;
	ev.loc.start_column = parse__uint(json_get(c, "column"));
	ev.loc.end_column = parse__uint(json_get(c, "endColumn"));
	/* -f json counts a tab as 8 columns, -f json1 as 1 */
	kvlist_add(&ev.properties, a, "column_tab_width", st->json1 ? "1" : "8");
	if (json_is(json_get(c, "fix"), JOBJ))
		kvlist_add(&ev.properties, a, "autofix", "true");
	st->comments++;
	return st->cb(&ev, st->payload, err);
}

int detect_shellcheck(const char *head, size_t len)
{
	int c = parse_first_char(head, len);

	if (!parse_has(head, len, "\"code\"") || !parse_has(head, len, "\"level\"") ||
	    !parse_has(head, len, "\"file\"") || !parse_has(head, len, "\"endColumn\""))
		return c == '{' && parse_has(head, len, "{\"comments\":[]}") ? 60 : 0;
	if (c == '{' && parse_has(head, len, "\"comments\""))
		return 90;
	if (c == '[')
		return 85;
	return 0;
}

int parse_shellcheck(const char *buf, size_t len, const struct parse_opts *opts,
		     evidence_cb cb, void *payload, struct perr *err)
{
	struct shellcheck_state st = { opts, cb, payload, false, 0 };
	long n;

	st.json1 = parse_first_char(buf, len) == '{';
	n = jrec_parse(buf, len, st.json1 ? &shellcheck_json1 : &shellcheck_json,
		       &opts->stream, on_comment, &st, err);
	if (n < 0)
		return (int)n;
	if (!st.comments && (n = parse__check_array(buf, len, st.json1 ? "comments" : "",
						     opts, err)) < 0)
		return (int)n;
	parse_tool_seen(opts, "shellcheck", NULL);
	return 0;
}
