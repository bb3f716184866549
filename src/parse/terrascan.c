/*
 * Terrascan JSON (terrascan scan -o json): {"results": {violations[*]
 * {rule_name, description, rule_id, severity, category, resource_name,
 * resource_type, module_name, file, plan_root, line}, skipped_violations[*]
 * (same, plus skip_comment), scan_errors, scan_summary {iac_type, ...}}}.
 * violations is null when nothing was found. Skipped violations are
 * evidence marked suppressed. Terrascan writes no version into its JSON.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/dastiac.h"
#include "model/path.h"

enum { REC_VIOLATION, REC_SKIPPED, REC_ERROR };
enum { CTX_SUMMARY };

static const struct jrec_format terrascan_records = {
	.records = { "results.violations[*]", "results.skipped_violations[*]",
		     "results.scan_errors[*]", NULL },
	.context = { "results.scan_summary", NULL },
};

struct terrascan_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

/* AC_AWS_0210, AC_K8S_0080, AC_AZURE_0342 -> aws, kubernetes, azure */
static const char *provider(struct arena *a, const char *rule_id)
{
	const char *p, *end;
	size_t n;

	if (!rule_id || strncmp(rule_id, "AC_", 3))
		return NULL;
	p = rule_id + 3;
	end = strchr(p, '_');
	if (!end)
		return NULL;
	n = (size_t)(end - p);
	if (n == 3 && !strncmp(p, "K8S", 3))
		return "kubernetes";
	{
		char *out = arena_strndup(a, p, n), *q;

		for (q = out; *q; q++)
			if (*q >= 'A' && *q <= 'Z')
				*q = (char)(*q - 'A' + 'a');
		return out;
	}
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct terrascan_state *st = payload;
	const struct jnode *v = rec->node;
	struct arena *a = rec->arena;
	const char *type, *name, *sev, *file, *root;
	struct evidence ev;

	if (!json_is(v, JOBJ))
		return perr_set(err, P_EINVALID, "violation is %s %s, not an object",
				v->type == JARR ? "an" : "a", json_type_name(v->type));
	if (rec->which == REC_ERROR) {
		const char *what = json_get_str(v, "file");

		if (!what)
			what = json_get_str(v, "directory");
		parse_warn(st->opts, "terrascan could not scan %s: %s",
			   what ? what : "(unknown file)",
			   json_get_str(v, "errMsg") ? json_get_str(v, "errMsg") : "(no message)");
		return 0;
	}
	evidence_init(&ev);
	ev.tool = "terrascan";
	ev.kind = KIND_IAC;
	ev.rule_id = json_get_str(v, "rule_id");
	if (!ev.rule_id)
		return perr_set(err, P_EINVALID, "'rule_id' is missing");
	ev.rule_name = json_get_str(v, "rule_name");
	ev.description = json_get_str(v, "description");
	ev.title = ev.description ? ev.description : ev.rule_name;
	sev = json_get_str(v, "severity");
	if (sev && !dastiac__severity(&ev.severity, sev))
		ev.severity_raw = sev;
	file = json_get_str(v, "file");
	root = json_get_str(v, "plan_root");
	ev.loc.path = path_normalize(a, file);
	ev.loc.start_line = ev.loc.end_line = dastiac__line(json_get(v, "line"));
	type = json_get_str(v, "resource_type");
	name = json_get_str(v, "resource_name");
	if (type && name && *type && *name)
		ev.loc.resource = arena_printf(a, "%s.%s", type, name);
	else
		ev.loc.resource = name && *name ? name : NULL;
	ev.loc.logical = ev.loc.resource;
	ev.loc.provider = provider(a, ev.rule_id);
	if (!ev.loc.provider)
		ev.loc.provider = json_get_str(rec->ctx[CTX_SUMMARY], "iac_type");
	strlist_add(&ev.tags, a, json_get_str(v, "category"));
	if (rec->which == REC_SKIPPED) {
		ev.suppressed = true;
		ev.suppression_kind = "inSource";
		ev.suppression_justification = json_get_str(v, "skip_comment");
	}
	kvlist_add(&ev.properties, a, "category", json_get_str(v, "category"));
	kvlist_add(&ev.properties, a, "module_name", json_get_str(v, "module_name"));
	kvlist_add(&ev.properties, a, "iac_type", json_get_str(rec->ctx[CTX_SUMMARY], "iac_type"));
	if (root && strcmp(root, "./") && strcmp(root, "."))
		kvlist_add(&ev.properties, a, "plan_root", root);
	return st->cb(&ev, st->payload, err);
}

int detect_terrascan(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"results\""))
		return 0;
	if (parse_has(head, len, "\"scan_summary\"") || parse_has(head, len, "\"skipped_violations\""))
		return 95;
	if (parse_has(head, len, "\"violations\"") && parse_has(head, len, "\"rule_name\""))
		return 80;
	return 0;
}

int parse_terrascan(const char *buf, size_t len, const struct parse_opts *opts,
		    evidence_cb cb, void *payload, struct perr *err)
{
	struct terrascan_state st = { opts, cb, payload };
	long n = jrec_parse(buf, len, &terrascan_records, &opts->stream, on_record, &st, err);

	if (n < 0)
		return (int)n;
	parse_tool_seen(opts, "terrascan", NULL);
	return 0;
}
