/*
 * hadolint JSON (hadolint -f json): an array of {code, column, file,
 * level, line, message}. DLxxxx codes are hadolint's own rules, SCxxxx
 * ShellCheck's (checks of RUN instructions). Levels: error high,
 * warning medium, info low, style info (the same steps as SARIF's
 * error/warning/note/none). hadolint writes no version into its JSON.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/dastiac.h"
#include "model/path.h"

static const struct jrec_format hadolint_records = {
	.records = { "[*]", NULL },
	.context = { NULL },
};

struct hadolint_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

static int set_level(struct evidence *ev, const char *level)
{
	static const struct {
		const char *level;
		enum severity sev;
	} levels[] = {
		{ "error", SEV_HIGH }, { "warning", SEV_MEDIUM }, { "info", SEV_LOW },
		{ "style", SEV_INFO },
	};
	size_t i;

	for (i = 0; level && i < ARRAY_SIZE(levels); i++)
		if (!strcasecmp(level, levels[i].level)) {
			ev->severity = levels[i].sev;
			ev->severity_raw = level;
			return 0;
		}
	return P_EINVALID;
}

static int on_comment(const struct jrec *rec, void *payload, struct perr *err)
{
	struct hadolint_state *st = payload;
	const struct jnode *c = rec->node;
	struct arena *a = rec->arena;
	struct evidence ev;
	const char *level;

	if (!json_is(c, JOBJ))
		return perr_set(err, P_EINVALID, "comment is %s %s, not an object",
				c->type == JARR ? "an" : "a", json_type_name(c->type));
	evidence_init(&ev);
	ev.tool = "hadolint";
	ev.kind = KIND_IAC;
	ev.rule_id = json_text(json_get(c, "code"));
	if (!ev.rule_id)
		return perr_set(err, P_EINVALID, "'code' is missing");
	ev.title = json_get_str(c, "message");
	ev.description = ev.title;
	level = json_get_str(c, "level");
	if (set_level(&ev, level) < 0)
		return perr_set(err, P_EINVALID, "unknown level '%s'", level ? level : "(none)");
	if (!strncmp(ev.rule_id, "DL", 2))
		ev.help_uri = arena_printf(a, "https://github.com/hadolint/hadolint/wiki/%s",
					   ev.rule_id);
	else if (!strncmp(ev.rule_id, "SC", 2))
		ev.help_uri = arena_printf(a, "https://www.shellcheck.net/wiki/%s", ev.rule_id);
	strlist_add(&ev.references, a, ev.help_uri);
	ev.loc.path = path_normalize(a, json_get_str(c, "file"));
	ev.loc.start_line = ev.loc.end_line = dastiac__line(json_get(c, "line"));
	ev.loc.start_column = dastiac__line(json_get(c, "column"));
	ev.loc.provider = "docker";
	return st->cb(&ev, st->payload, err);
}

int detect_hadolint(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '[' || !parse_has(head, len, "\"level\""))
		return 0;
	/* ShellCheck's own JSON has numeric codes; hadolint's are "DL3008", "SC2086" */
	if (parse_has(head, len, "\"code\":\"DL") || parse_has(head, len, "\"code\": \"DL") ||
	    parse_has(head, len, "\"code\":\"SC") || parse_has(head, len, "\"code\": \"SC"))
		return 90;
	return 0;
}

int parse_hadolint(const char *buf, size_t len, const struct parse_opts *opts,
		   evidence_cb cb, void *payload, struct perr *err)
{
	struct hadolint_state st = { opts, cb, payload };
	long n = jrec_parse(buf, len, &hadolint_records, &opts->stream, on_comment, &st, err);

	if (n < 0)
		return (int)n;
	parse_tool_seen(opts, "hadolint", NULL);
	return 0;
}
