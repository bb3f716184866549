/*
 * Checkov JSON (checkov -o json): one report object {check_type,
 * results {failed_checks, passed_checks, skipped_checks, parsing_errors},
 * summary {checkov_version, ...}}, or an array of them when several
 * frameworks ran. Failed checks are evidence; skipped checks are evidence
 * marked suppressed, with the skip comment as justification; passed
 * checks are not problems.
 *
 * Severity is null in open-source Checkov (only the Prisma Cloud platform
 * fills it): it stays unset, since any default would be invented; the
 * risk engine decides. When present (HIGH, ...) it maps directly.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/dastiac.h"
#include "model/ids.h"
#include "model/path.h"

enum { REC_FAILED, REC_SKIPPED };
enum { CTX_TYPE, CTX_SUMMARY };

static const struct jrec_format checkov_object = {
	.records = { "results.failed_checks[*]", "results.skipped_checks[*]", NULL },
	.context = { "check_type", "summary", NULL },
	.scope_end = true,
};

static const struct jrec_format checkov_array = {
	.records = { "[*].results.failed_checks[*]", "[*].results.skipped_checks[*]", NULL },
	.context = { "[*].check_type", "[*].summary", NULL },
	.scope_end = true,
};

struct checkov_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

/* The cloud a check is about, from its id (CKV_AWS_20, CKV2_GCP_5), else the framework. */
static const char *provider(const char *check_id, const char *check_type)
{
	static const struct {
		const char *part, *provider;
	} ids[] = {
		{ "_AWS_", "aws" }, { "_AZURE_", "azure" }, { "_GCP_", "gcp" },
		{ "_K8S_", "kubernetes" }, { "_OCI_", "oci" }, { "_ALI_", "alicloud" },
		{ "_IBM_", "ibm" }, { "_DOCKER_", "docker" }, { "_GIT_", "github" },
	};
	size_t i;

	for (i = 0; check_id && i < ARRAY_SIZE(ids); i++)
		if (strstr(check_id, ids[i].part))
			return ids[i].provider;
	return check_type;
}

static enum kind kind_of(const char *check_type)
{
	if (!check_type)
		return KIND_IAC;
	if (!strncmp(check_type, "sca_", 4))
		return KIND_SCA;
	if (!strcmp(check_type, "secrets"))
		return KIND_SECRET;
	return KIND_IAC;
}

static void set_lines(struct location *loc, const struct jnode *range)
{
	loc->start_line = dastiac__line(json_at(range, 0));
	loc->end_line = dastiac__line(json_at(range, 1));
	if (!loc->end_line)
		loc->end_line = loc->start_line;
}

/* "/main.tf" is relative to the scanned directory in spite of its slash. */
static const char *check_path(struct arena *a, const struct jnode *c)
{
	const char *p = json_get_str(c, "repo_file_path");
	const char *abs = json_get_str(c, "file_abs_path");

	if (!p)
		p = json_get_str(c, "file_path");
	if (!p)
		return abs ? path_normalize(a, abs) : NULL;
	if (*p == '/' && (!abs || strcmp(abs, p)))
		p++;
	return path_normalize(a, p);
}

static int on_check(struct checkov_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *c = rec->node, *res, *vd;
	struct arena *a = rec->arena;
	const char *type = json_str(rec->ctx[CTX_TYPE]), *sev;
	struct evidence ev;
	int ret;

	if (!json_is(c, JOBJ))
		return perr_set(err, P_EINVALID, "check is %s %s, not an object",
				c->type == JARR ? "an" : "a", json_type_name(c->type));
	if ((ret = dastiac__want(err, json_get(c, "check_result"), JOBJ, "check_result")) < 0)
		return ret;
	evidence_init(&ev);
	ev.tool = "checkov";
	ev.tool_version = json_get_str(rec->ctx[CTX_SUMMARY], "checkov_version");
	ev.kind = kind_of(type);
	ev.rule_id = json_get_str(c, "check_id");
	if (!ev.rule_id)
		return perr_set(err, P_EINVALID, "'check_id' is missing");
	ev.title = json_get_str(c, "check_name");
	ev.description = json_get_str(c, "description");
	if (!ev.description)
		ev.description = json_get_str(c, "short_description");
	ev.help_uri = json_get_str(c, "guideline");
	strlist_add(&ev.references, a, ev.help_uri);
	sev = json_get_str(c, "severity");
	if (sev && !dastiac__severity(&ev.severity, sev))
		ev.severity_raw = sev;
	ev.loc.path = check_path(a, c);
	set_lines(&ev.loc, json_get(c, "file_line_range"));
	ev.loc.resource = json_get_str(c, "resource");
	/* the resource address survives line shifts: it anchors the fingerprint */
	ev.loc.logical = ev.loc.resource;
	ev.loc.provider = provider(ev.rule_id, type);
	vd = json_get(c, "vulnerability_details");
	if (json_is(vd, JOBJ)) {
		if (json_get_str(vd, "id"))
			evidence_add_vuln_id(&ev, a, ids_normalize(a, json_get_str(vd, "id")));
		ev.loc.name = json_get_str(vd, "package_name");
		ev.loc.version = json_get_str(vd, "package_version");
		strlist_add(&ev.loc.fixed_versions, a, json_get_str(vd, "fixed_version"));
	}
	res = json_get(c, "check_result");
	if (rec->which == REC_SKIPPED) {
		ev.suppressed = true;
		ev.suppression_kind = "inSource";
		ev.suppression_justification = json_get_str(res, "suppress_comment");
	}
	kvlist_add(&ev.properties, a, "framework", type);
	kvlist_add(&ev.properties, a, "bc_check_id", json_get_str(c, "bc_check_id"));
	kvlist_add(&ev.properties, a, "check_class", json_get_str(c, "check_class"));
	kvlist_add(&ev.properties, a, "resource_address", json_get_str(c, "resource_address"));
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct checkov_state *st = payload;

	if (rec->which == JREC_SCOPE_END) {
		/* a framework with nothing to scan has a summary and no check_type */
		if (rec->ctx[CTX_SUMMARY] || rec->ctx[CTX_TYPE])
			parse_tool_seen(st->opts, "checkov",
					json_get_str(rec->ctx[CTX_SUMMARY], "checkov_version"));
		return 0;
	}
	return on_check(st, rec, err);
}

int detect_checkov(const char *head, size_t len)
{
	int c = parse_first_char(head, len);

	if (c != '{' && c != '[')
		return 0;
	if (parse_has(head, len, "\"check_type\"") &&
	    (parse_has(head, len, "\"failed_checks\"") || parse_has(head, len, "\"passed_checks\"")))
		return 95;
	if (parse_has(head, len, "\"checkov_version\""))
		return 90;
	return 0;
}

int parse_checkov(const char *buf, size_t len, const struct parse_opts *opts,
		  evidence_cb cb, void *payload, struct perr *err)
{
	struct checkov_state st = { opts, cb, payload };
	const struct jrec_format *fmt =
		parse_first_char(buf, len) == '[' ? &checkov_array : &checkov_object;
	long n = jrec_parse(buf, len, fmt, &opts->stream, on_record, &st, err);

	return n < 0 ? (int)n : 0;
}
