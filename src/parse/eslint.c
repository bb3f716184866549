/*
 * ESLint JSON (`eslint -f json`, an array of per-file results) and
 * `-f json-with-metadata` ({"results": [...], "metadata": {"rulesMeta"}}):
 * one evidence per message, kind sast. Suppressed messages (eslint-disable
 * comments) come out suppressed. Messages without a ruleId are not rule
 * findings: fatal ones (the file could not be parsed) become warnings, the
 * rest (unused disable directives) are skipped. docs/formats/eslint.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/codescan.h"
#include "model/path.h"
#include "util/alloc.h"

enum { REC_MESSAGE, REC_SUPPRESSED };
enum { CTX_PATH, CTX_SOURCE, CTX_META };

static const struct jrec_format eslint_array = {
	.records = { "[*].messages[*]", "[*].suppressedMessages[*]", NULL },
	.context = { "[*].filePath", "[*].source", NULL },
};

static const struct jrec_format eslint_object = {
	.records = { "results[*].messages[*]", "results[*].suppressedMessages[*]", NULL },
	.context = { "results[*].filePath", "results[*].source", "metadata", NULL },
};

/* Snippets longer than this many lines are cut: they only feed the fingerprint. */
#define SNIPPET_MAX_LINES 20

struct eslint_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	long messages;
	/* start offsets of the lines of the current file's `source` */
	size_t file;
	bool indexed;
	size_t *lines, nlines, lines_alloc;
};

static void index_source(struct eslint_state *st, const struct jrec *rec)
{
	const char *src = json_str(rec->ctx[CTX_SOURCE]), *p;

	st->file = rec->index[0];
	st->indexed = true;
	st->nlines = 0;
	if (!src)
		return;
	ALLOC_GROW(st->lines, st->nlines + 1, st->lines_alloc);
	st->lines[st->nlines++] = 0;
	for (p = src; (p = strchr(p, '\n')); p++) {
		ALLOC_GROW(st->lines, st->nlines + 1, st->lines_alloc);
		st->lines[st->nlines++] = (size_t)(p + 1 - src);
	}
}

/* Lines first..last of the file's source, or NULL when it is not there. */
static const char *source_lines(struct eslint_state *st, const struct jrec *rec,
				unsigned first, unsigned last)
{
	const struct jnode *srcnode = rec->ctx[CTX_SOURCE];
	const char *src = json_str(srcnode);
	size_t from, to;

	if (!st->indexed || st->file != rec->index[0])
		index_source(st, rec);
	if (!src || !first || first > st->nlines)
		return NULL;
	if (last < first)
		last = first;
	if (last - first >= SNIPPET_MAX_LINES)
		last = first + SNIPPET_MAX_LINES - 1;
	if (last > st->nlines)
		last = (unsigned)st->nlines;
	from = st->lines[first - 1];
	to = last < st->nlines ? st->lines[last] - 1 : srcnode->len;
	if (to > from && src[to - 1] == '\r')
		to--;
	return to > from ? arena_strndup(rec->arena, src + from, to - from) : NULL;
}

/*
 * ESLint writes absolute paths; json-with-metadata also gives the working
 * directory, which is the scanned root: strip it.
 */
static const char *relative(struct arena *a, const char *path, const char *cwd)
{
	size_t n = cwd ? strlen(cwd) : 0;

	while (n && (cwd[n - 1] == '/' || cwd[n - 1] == '\\'))
		n--;
	if (n && !strncmp(path, cwd, n) && (path[n] == '/' || path[n] == '\\') && path[n + 1])
		return path + n + 1;
	return path;
}

static int emit_message(struct eslint_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *m = rec->node, *meta, *docs, *sup;
	struct arena *a = rec->arena;
	const char *path = json_str(rec->ctx[CTX_PATH]), *type;
	struct evidence ev;
	long long sev = 0;
	bool fatal = false;

	if (!json_is(m, JOBJ))
		return perr_set(err, P_EINVALID, "message is a %s, not an object",
				json_type_name(m->type));
	if (!path)
		return perr_set(err, P_EINVALID, "the file has no 'filePath'");
	evidence_init(&ev);
	ev.rule_id = json_get_str(m, "ruleId");
	ev.description = json_get_str(m, "message");
	if (!ev.rule_id) {
		if (json_get_bool(m, "fatal", &fatal) && fatal)
			parse_warn(st->opts, "eslint could not parse %s: %s", path,
				   ev.description ? ev.description : "(no message)");
		return 0;
	}
	ev.tool = "ESLint";
	ev.kind = KIND_SAST;
	ev.severity_raw = json_text(json_get(m, "severity"));
	json_get_int(m, "severity", &sev);
	ev.severity = sev >= 2 ? SEV_HIGH : sev == 1 ? SEV_MEDIUM : SEV_NONE;

	/* json-with-metadata: the rule's docs */
	meta = json_get(json_get(rec->ctx[CTX_META], "rulesMeta"), ev.rule_id);
	docs = json_get(meta, "docs");
	ev.title = json_get_str(docs, "description");
	if (!ev.title)
		ev.title = ev.description;
	ev.help_uri = json_get_str(docs, "url");
	strlist_add(&ev.references, a, ev.help_uri);
	if ((type = json_get_str(meta, "type")))
		strlist_add(&ev.tags, a, type);

	ev.loc.path = path_normalize(a, relative(a, path, json_get_str(rec->ctx[CTX_META], "cwd")));
	ev.loc.start_line = parse__uint(json_get(m, "line"));
	ev.loc.start_column = parse__uint(json_get(m, "column"));
	ev.loc.end_line = parse__uint(json_get(m, "endLine"));
	ev.loc.end_column = parse__uint(json_get(m, "endColumn"));
	if (!ev.loc.end_line)
		ev.loc.end_line = ev.loc.start_line;
	ev.loc.snippet = source_lines(st, rec, ev.loc.start_line, ev.loc.end_line);
	kvlist_add(&ev.properties, a, "message_id", json_get_str(m, "messageId"));
	kvlist_add(&ev.properties, a, "node_type", json_get_str(m, "nodeType"));
	if (json_get(m, "fix"))
		kvlist_add(&ev.properties, a, "autofix", "true");

	if (rec->which == REC_SUPPRESSED) {
		ev.suppressed = true;
		ev.suppression_kind = "inSource"; /* an eslint-disable comment */
		sup = json_at(json_get(m, "suppressions"), 0);
		if (json_get_str(sup, "kind") && strcmp(json_get_str(sup, "kind"), "directive"))
			ev.suppression_kind = json_get_str(sup, "kind");
		ev.suppression_justification = json_get_str(sup, "justification");
		if (ev.suppression_justification && !*ev.suppression_justification)
			ev.suppression_justification = NULL;
	}
	st->messages++;
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	return emit_message(payload, rec, err);
}

int detect_eslint(const char *head, size_t len)
{
	int c = parse_first_char(head, len);

	if (!parse_has(head, len, "\"filePath\"") || !parse_has(head, len, "\"messages\""))
		return 0;
	if (c == '[')
		return 90;
	if (c == '{' && parse_has(head, len, "\"results\""))
		return 85;
	return 0;
}

int parse_eslint(const char *buf, size_t len, const struct parse_opts *opts,
		 evidence_cb cb, void *payload, struct perr *err)
{
	struct eslint_state st;
	bool object = parse_first_char(buf, len) == '{';
	long n;
	int ret = 0;

	memset(&st, 0, sizeof(st));
	st.opts = opts;
	st.cb = cb;
	st.payload = payload;
	n = jrec_parse(buf, len, object ? &eslint_object : &eslint_array, &opts->stream,
		       on_record, &st, err);
	if (n < 0)
		ret = (int)n;
	else if (!st.messages)
		ret = parse__check_array(buf, len, object ? "results" : "[*].messages", opts, err);
	if (!ret)
		parse_tool_seen(opts, "ESLint", NULL);
	xfree(st.lines);
	return ret;
}
