/*
 * gosec JSON (`gosec -fmt=json`): one evidence per Issues[] entry, kind
 * sast; G101 (hardcoded credentials) is kind secret without its code.
 * "Golang errors" (packages gosec could not load) become warnings.
 * docs/formats/gosec.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/codescan.h"
#include "model/path.h"

enum { CTX_VERSION, CTX_ERRORS };

static const struct jrec_format gosec_records = {
	.records = { "Issues[*]", NULL },
	.context = { "GosecVersion", "Golang errors", NULL },
	.scope_end = true,
};

struct gosec_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	long issues;
};

/* {"id": "22", "url": ...} (gosec 2.x), {"ID": ..., "URL": ...} (early 2.x). */
static void add_cwe(struct evidence *ev, struct arena *a, const struct jnode *cwe)
{
	const char *id = json_text(json_get(cwe, "id"));
	const char *url = json_get_str(cwe, "url");

	if (!id)
		id = json_text(json_get(cwe, "ID"));
	if (!url)
		url = json_get_str(cwe, "URL");
	if (evidence_add_cwe_text(ev, a, id))
		strlist_add_unique(&ev->references, a, url);
}

static void set_suppression(struct evidence *ev, const struct jnode *issue)
{
	const struct jnode *sup = json_at(json_get(issue, "suppressions"), 0);
	bool nosec = false;

	json_get_bool(issue, "nosec", &nosec);
	if (!nosec && !sup)
		return;
	ev->suppressed = true;
	/* "inSource" (#nosec) or "external" (-exclude); gosec's own words */
	ev->suppression_kind = json_get_str(sup, "kind");
	if (!ev->suppression_kind)
		ev->suppression_kind = "inSource";
	ev->suppression_justification = json_get_str(sup, "justification");
	if (ev->suppression_justification && !*ev->suppression_justification)
		ev->suppression_justification = NULL;
}

static int emit_issue(struct gosec_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *is = rec->node;
	struct arena *a = rec->arena;
	const char *file, *code, *s;
	struct evidence ev;
	unsigned end;

	if (!json_is(is, JOBJ))
		return perr_set(err, P_EINVALID, "issue is a %s, not an object",
				json_type_name(is->type));
	if (!(file = json_get_str(is, "file")))
		return perr_set(err, P_EINVALID, "'file' is missing");

	evidence_init(&ev);
	ev.tool = "gosec";
	ev.tool_version = json_str(rec->ctx[CTX_VERSION]);
	ev.kind = KIND_SAST;
	ev.rule_id = json_get_str(is, "rule_id");
	ev.title = json_get_str(is, "details");
	ev.description = ev.title;
	ev.severity_raw = json_get_str(is, "severity");
	ev.severity = parse__severity_word(ev.severity_raw);
	ev.confidence_raw = json_get_str(is, "confidence");
	ev.confidence = parse__confidence_word(ev.confidence_raw);
	add_cwe(&ev, a, json_get(is, "cwe"));

	ev.loc.path = path_normalize(a, file);
	/* "41" or "41-43", both strings */
	if (parse__line_range(json_text(json_get(is, "line")), &ev.loc.start_line,
			      &ev.loc.end_line) &&
	    !parse__line_range(json_text(json_get(is, "column")), &ev.loc.start_column, &end))
		ev.loc.start_column = 0;
	code = json_get_str(is, "code");
	if (ev.rule_id && !strcmp(ev.rule_id, "G101")) {
		/* the code holds the credential and gosec does not say which part it is */
		ev.kind = KIND_SECRET;
	} else if (code && *code) {
		ev.loc.snippet = ev.loc.start_line ?
			parse__code_lines(a, code, ev.loc.start_line, ev.loc.end_line) : code;
	}
	if ((s = json_get_str(is, "autofix")) && *s)
		kvlist_add(&ev.properties, a, "autofix", s);
	set_suppression(&ev, is);
	st->issues++;
	return st->cb(&ev, st->payload, err);
}

static void report_errors(struct gosec_state *st, const struct jnode *errors)
{
	const struct jnode *file, *e;

	json_for_each(file, errors) {
		json_for_each(e, file) {
			const char *msg = json_get_str(e, "error");
			long long line = 0;

			json_get_int(e, "line", &line);
			parse_warn(st->opts, "gosec could not analyse %s:%lld: %s", file->key, line,
				   msg ? msg : "(no message)");
		}
	}
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct gosec_state *st = payload;

	if (rec->which == JREC_SCOPE_END) {
		report_errors(st, rec->ctx[CTX_ERRORS]);
		parse_tool_seen(st->opts, "gosec", json_str(rec->ctx[CTX_VERSION]));
		return 0;
	}
	return emit_issue(st, rec, err);
}

int detect_gosec(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"Issues\""))
		return 0;
	if (parse_has(head, len, "\"Golang errors\"") || parse_has(head, len, "\"GosecVersion\""))
		return 95;
	if (parse_has(head, len, "\"rule_id\"") && parse_has(head, len, "\"details\"") &&
	    parse_has(head, len, "\"Stats\""))
		return 80;
	return 0;
}

int parse_gosec(const char *buf, size_t len, const struct parse_opts *opts,
		evidence_cb cb, void *payload, struct perr *err)
{
	struct gosec_state st = { opts, cb, payload, 0 };
	long n;

	n = jrec_parse(buf, len, &gosec_records, &opts->stream, on_record, &st, err);
	if (n < 0)
		return (int)n;
	if (!st.issues)
		return parse__check_array(buf, len, "Issues", opts, err);
	return 0;
}
