/*
 * Bandit JSON (`bandit -f json`): one evidence per results[] entry, kind
 * sast. Bandit 1.7.5+ adds issue_cwe and column offsets; older versions
 * have neither. errors[] (files Bandit could not parse) become warnings.
 * Field mapping: docs/formats/bandit.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/codescan.h"
#include "model/path.h"

enum { REC_RESULT, REC_ERROR };

static const struct jrec_format bandit_records = {
	.records = { "results[*]", "errors[*]", NULL },
	/* only so that the end of the document is reported (tool_seen) */
	.context = { "generated_at", NULL },
	.scope_end = true,
};

struct bandit_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	long results;
};

static enum severity bandit_severity(const char *s)
{
	/* LOW/MEDIUM/HIGH; UNDEFINED is a test that set none */
	return parse__severity_word(s);
}

/*
 * B105-B107 (hardcoded_password_*) quote the password in issue_text:
 * "Possible hardcoded password: 'hunter2'". These are secrets: keep a
 * keyed hash, and redact the value from the text and the snippet (or drop
 * the snippet when the value is not there verbatim, e.g. escaped).
 */
static void hardcoded_password(struct evidence *ev, struct arena *a,
			       const struct parse_opts *opts)
{
	static const char prefix[] = "Possible hardcoded password: '";
	const char *text = ev->title, *start, *end;
	const char *secret;

	ev->kind = KIND_SECRET;
	if (!text || !(start = strstr(text, prefix)))
		return;
	start += sizeof(prefix) - 1;
	end = strrchr(start, '\'');
	if (!end || end == start)
		return;
	secret = arena_strndup(a, start, (size_t)(end - start));
	parse__secret(ev, a, opts, secret);
	ev->title = parse__redact(a, ev->title, secret);
	ev->description = ev->title;
	if (ev->loc.snippet && strstr(ev->loc.snippet, secret))
		ev->loc.snippet = parse__redact(a, ev->loc.snippet, secret);
	else
		ev->loc.snippet = NULL;
}

static int emit_result(struct bandit_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *r = rec->node, *c, *cwe;
	struct arena *a = rec->arena;
	const char *file, *code;
	struct evidence ev;
	long long v;

	if (!json_is(r, JOBJ))
		return perr_set(err, P_EINVALID, "result is a %s, not an object",
				json_type_name(r->type));
	file = json_get_str(r, "filename");
	if (!file)
		return perr_set(err, P_EINVALID, "'filename' is missing");

	evidence_init(&ev);
	ev.tool = "bandit";
	ev.kind = KIND_SAST;
	ev.rule_id = json_get_str(r, "test_id");
	ev.rule_name = json_get_str(r, "test_name");
	ev.title = json_get_str(r, "issue_text");
	ev.description = ev.title;
	ev.help_uri = json_get_str(r, "more_info");
	strlist_add(&ev.references, a, ev.help_uri);
	ev.severity_raw = json_get_str(r, "issue_severity");
	ev.severity = bandit_severity(ev.severity_raw);
	ev.confidence_raw = json_get_str(r, "issue_confidence");
	ev.confidence = parse__confidence_word(ev.confidence_raw);

	cwe = json_get(r, "issue_cwe");
	if (json_get_int(cwe, "id", &v) && v > 0 && v < 1000000)
		evidence_add_cwe(&ev, a, (int)v);
	if (ev.ncwe)
		strlist_add_unique(&ev.references, a, json_get_str(cwe, "link"));

	ev.loc.path = path_normalize(a, file);
	ev.loc.start_line = parse__uint(json_get(r, "line_number"));
	json_for_each(c, json_get(r, "line_range")) {
		unsigned line = parse__uint(c);

		if (line && (!ev.loc.start_line || line < ev.loc.start_line))
			ev.loc.start_line = line;
		if (line > ev.loc.end_line)
			ev.loc.end_line = line;
	}
	if (ev.loc.end_line < ev.loc.start_line)
		ev.loc.end_line = ev.loc.start_line;
	/* Python AST offsets: 0-based; end exclusive (as Bandit's own SARIF) */
	if (json_get_int(r, "col_offset", &v) && v >= 0 && v < UINT_MAX)
		ev.loc.start_column = (unsigned)v + 1;
	if (json_get_int(r, "end_col_offset", &v) && v >= 0 && v < UINT_MAX)
		ev.loc.end_column = (unsigned)v + 1;
	code = json_get_str(r, "code");
	if (code && *code)
		ev.loc.snippet = ev.loc.start_line ?
			parse__code_lines(a, code, ev.loc.start_line, ev.loc.end_line) : code;
	if (ev.rule_id && (!strcmp(ev.rule_id, "B105") || !strcmp(ev.rule_id, "B106") ||
			   !strcmp(ev.rule_id, "B107")))
		hardcoded_password(&ev, a, st->opts);
	st->results++;
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct bandit_state *st = payload;

	if (rec->which == JREC_SCOPE_END) {
		parse_tool_seen(st->opts, "bandit", NULL);
		return 0;
	}
	if (rec->which == REC_ERROR) {
		const char *file = json_get_str(rec->node, "filename");
		const char *reason = json_get_str(rec->node, "reason");

		parse_warn(st->opts, "bandit could not scan %s: %s", file ? file : "(unknown file)",
			   reason ? reason : "(no reason given)");
		return 0;
	}
	return emit_result(st, rec, err);
}

int detect_bandit(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"results\""))
		return 0;
	if (parse_has(head, len, "\"test_id\"") && parse_has(head, len, "\"issue_severity\""))
		return 95;
	/* no results yet in the head: Bandit's metrics block comes first */
	if (parse_has(head, len, "\"generated_at\"") && parse_has(head, len, "\"metrics\"") &&
	    parse_has(head, len, "\"_totals\""))
		return 80;
	return 0;
}

int parse_bandit(const char *buf, size_t len, const struct parse_opts *opts,
		 evidence_cb cb, void *payload, struct perr *err)
{
	struct bandit_state st = { opts, cb, payload, 0 };
	long n;

	n = jrec_parse(buf, len, &bandit_records, &opts->stream, on_record, &st, err);
	if (n < 0)
		return (int)n;
	if (!st.results)
		return parse__check_array(buf, len, "results", opts, err);
	return 0;
}
