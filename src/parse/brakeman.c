/*
 * Brakeman JSON (`brakeman -f json`, 4.x-7.x): one evidence per warnings[]
 * and ignored_warnings[] entry (the latter suppressed), kind sast.
 * errors[] (files Brakeman could not parse, checks that failed) become
 * warnings. Hard-coded secrets (warning code 101) are kind secret, with a
 * keyed hash instead of the value. Brakeman has no severity, only a confidence; the severity is
 * inferred from it exactly as Brakeman's own SARIF report does, so that
 * both outputs of one scan agree. Field mapping: docs/formats/brakeman.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/codescan.h"
#include "model/ids.h"
#include "model/path.h"

enum { REC_WARNING, REC_IGNORED, REC_ERROR };
enum { CTX_SCAN_INFO };

static const struct jrec_format brakeman_records = {
	.records = { "warnings[*]", "ignored_warnings[*]", "errors[*]", NULL },
	.context = { "scan_info", NULL },
	.scope_end = true,
};

struct brakeman_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	long warnings;
};

/*
 * Brakeman's SARIF report (lib/brakeman/report/report_sarif.rb) writes
 * High as level error, Medium as warning and Weak as note; posture reads
 * those levels as high, medium and low.
 */
static enum severity brakeman_severity(const char *confidence)
{
	if (!confidence)
		return SEV_NONE;
	if (!strcasecmp(confidence, "High"))
		return SEV_HIGH;
	if (!strcasecmp(confidence, "Medium"))
		return SEV_MEDIUM;
	if (!strcasecmp(confidence, "Weak") || !strcasecmp(confidence, "Low"))
		return SEV_LOW;
	return SEV_NONE;
}

/* "Class#method", "Class", or NULL. */
static const char *class_method(struct arena *a, const char *cls, const char *method)
{
	if (cls && method)
		return arena_printf(a, "%s#%s", cls, method);
	return cls ? cls : method;
}

/*
 * Where in the application the warning is, as Brakeman names it:
 * {type: method, class, method}, {type: template, template},
 * {type: model, model}, {type: controller, controller}, or null.
 */
static const char *logical_location(struct arena *a, const struct jnode *loc)
{
	const char *type = json_get_str(loc, "type");

	if (!type)
		return NULL;
	if (!strcmp(type, "method"))
		return class_method(a, json_get_str(loc, "class"), json_get_str(loc, "method"));
	return json_get_str(loc, type);
}

/* A path inside the application: the report is relative unless --absolute-paths. */
static const char *app_path(struct arena *a, const struct jnode *scan_info, const char *file)
{
	const char *root = json_get_str(scan_info, "app_path");
	size_t n = root ? strlen(root) : 0;

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (n && file[0] == '/' && !strncmp(file, root, n) && file[n] == '/' && file[n + 1])
		file += n + 1;
	return path_normalize(a, file);
}

/* The controller actions that render a template: context for a view warning. */
static void add_render_path(struct evidence *ev, struct arena *a, const struct jnode *scan_info,
			    const struct jnode *render_path)
{
	const struct jnode *c;

	if (!json_is(render_path, JARR))
		return;
	json_for_each(c, render_path) {
		const char *file = json_get_str(c, "file");
		struct location *loc;

		if (!file)
			continue;
		loc = evidence_add_related(ev, a);
		loc->path = app_path(a, scan_info, file);
		loc->start_line = loc->end_line = parse__uint(json_get(c, "line"));
		loc->logical = class_method(a, json_get_str(c, "class"), json_get_str(c, "method"));
		if (!loc->logical)
			loc->logical = json_get_str(c, "name");
	}
}

static void add_cwes(struct evidence *ev, struct arena *a, const struct jnode *cwe)
{
	const struct jnode *c;

	/* an array of numbers since Brakeman 5.2; a single value is accepted too */
	if (json_is(cwe, JARR)) {
		json_for_each(c, cwe)
			evidence_add_cwe_text(ev, a, json_text(c));
	} else {
		evidence_add_cwe_text(ev, a, json_text(cwe));
	}
}

/*
 * The Secrets check (warning code 101) quotes the assignment it found:
 * code `PASSWORD = "value"`. Keep a keyed hash of the value and redact it
 * from the snippet; when no quoted value is there, drop the snippet.
 */
static void hardcoded_secret(struct evidence *ev, struct arena *a,
			     const struct parse_opts *opts)
{
	const char *code = ev->loc.snippet, *end, *start;
	const char *secret;

	ev->kind = KIND_SECRET;
	if (!code || !(end = strrchr(code, '"')) || end == code)
		goto drop;
	for (start = end - 1; start > code && *start != '"'; start--)
		;
	if (*start != '"' || end - start < 2)
		goto drop;
	secret = arena_strndup(a, start + 1, (size_t)(end - start - 1));
	parse__secret(ev, a, opts, secret);
	ev->loc.snippet = parse__redact(a, code, secret);
	return;
drop:
	ev->loc.snippet = NULL;
}

static int emit_warning(struct brakeman_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *w = rec->node, *scan_info = rec->ctx[CTX_SCAN_INFO];
	struct arena *a = rec->arena;
	const char *file, *s;
	struct evidence ev;
	long long code;

	if (!json_is(w, JOBJ))
		return perr_set(err, P_EINVALID, "warning is %s, not an object",
				json_type_a(w->type));

	evidence_init(&ev);
	ev.tool = "brakeman";
	ev.tool_version = json_get_str(scan_info, "brakeman_version");
	ev.kind = KIND_SAST;
	/* the rule id Brakeman's own SARIF report uses: BRAKE + the warning code */
	if (json_get_int(w, "warning_code", &code) && code >= 0 && code < 10000)
		ev.rule_id = arena_printf(a, "BRAKE%04lld", code);
	else
		ev.rule_id = json_get_str(w, "check_name");
	ev.rule_name = json_get_str(w, "check_name");
	ev.title = json_get_str(w, "warning_type");
	ev.description = json_get_str(w, "message");
	if (!ev.title)
		ev.title = ev.description;
	ev.help_uri = json_get_str(w, "link");
	strlist_add(&ev.references, a, ev.help_uri);
	ev.confidence_raw = json_get_str(w, "confidence");
	ev.confidence = parse__confidence_word(ev.confidence_raw);
	ev.severity = brakeman_severity(ev.confidence_raw);
	if (ev.severity)
		ev.severity_raw = ev.confidence_raw;
	add_cwes(&ev, a, json_get(w, "cwe_id"));
	/* version checks name the advisory: "... (CVE-2020-8164). Upgrade to ..." */
	ids_scan_text(&ev, a, ev.description);
	strlist_add(&ev.tags, a, ev.rule_name);

	file = json_get_str(w, "file");
	if (file && *file)
		ev.loc.path = app_path(a, scan_info, file);
	ev.loc.start_line = ev.loc.end_line = parse__uint(json_get(w, "line"));
	ev.loc.snippet = json_get_str(w, "code");
	ev.loc.logical = logical_location(a, json_get(w, "location"));
	add_render_path(&ev, a, scan_info, json_get(w, "render_path"));

	kvlist_add(&ev.tool_fingerprints, a, "fingerprint", json_get_str(w, "fingerprint"));
	if (json_get_int(w, "warning_code", &code))
		kvlist_add(&ev.properties, a, "warning_code", json_text(json_get(w, "warning_code")));
	if ((s = json_get_str(w, "user_input")) && *s)
		kvlist_add(&ev.properties, a, "user_input", s);
	kvlist_add(&ev.properties, a, "location_type",
		   json_get_str(json_get(w, "location"), "type"));
	if (json_get_int(w, "warning_code", &code) && code == 101)
		hardcoded_secret(&ev, a, st->opts);
	if (rec->which == REC_IGNORED) {
		/* listed in config/brakeman.ignore */
		ev.suppressed = true;
		ev.suppression_kind = "external";
		if ((s = json_get_str(w, "note")) && *s)
			ev.suppression_justification = s;
	}
	st->warnings++;
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct brakeman_state *st = payload;

	if (rec->which == JREC_SCOPE_END) {
		parse_tool_seen(st->opts, "brakeman",
				json_get_str(rec->ctx[CTX_SCAN_INFO], "brakeman_version"));
		return 0;
	}
	if (rec->which == REC_ERROR) {
		const char *msg = json_get_str(rec->node, "error");
		const char *where = json_get_str(rec->node, "location");

		parse_warn(st->opts, "brakeman error: %s%s%s%s", msg ? msg : "(no message)",
			   where ? " (" : "", where ? where : "", where ? ")" : "");
		return 0;
	}
	return emit_warning(st, rec, err);
}

int detect_brakeman(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{')
		return 0;
	if (parse_has(head, len, "\"scan_info\"") && parse_has(head, len, "\"brakeman_version\""))
		return 100;
	if (parse_has(head, len, "\"warning_type\"") && parse_has(head, len, "\"check_name\"") &&
	    parse_has(head, len, "\"warning_code\""))
		return 90;
	return 0;
}

int parse_brakeman(const char *buf, size_t len, const struct parse_opts *opts,
		   evidence_cb cb, void *payload, struct perr *err)
{
	struct brakeman_state st = { opts, cb, payload, 0 };
	long n;

	n = jrec_parse(buf, len, &brakeman_records, &opts->stream, on_record, &st, err);
	if (n < 0)
		return (int)n;
	if (!st.warnings)
		return parse__check_array(buf, len, "warnings", opts, err);
	return 0;
}
