/*
 * pip-audit -f json. pip-audit 2.x writes {"dependencies": [...],
 * "fixes": [...]}; 1.x wrote the dependency array alone. Each dependency
 * is {name, version, vulns[{id, fix_versions, aliases, description}]} or
 * {name, skip_reason} when it could not be audited. One evidence per
 * vulnerability of each dependency; pip-audit gives no severity.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/sca_audit.h"
#include "model/ids.h"

enum { CTX_FIXES };

static const struct jrec_format pip_records = {
	.records = { "dependencies[*]", "[*]", NULL },
	.context = { "fixes", NULL },
};

struct pip_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

/* The "fixes" entry (--fix) for this dependency, if any. */
static const struct jnode *find_fix(struct arena *a, const struct jnode *fixes,
				    const char *name, const char *version)
{
	const struct jnode *c;
	const char *want = NULL;

	json_for_each(c, json_is(fixes, JARR) ? fixes : NULL) {
		const char *n = json_get_str(c, "name"), *v = json_get_str(c, "version");

		if (!n)
			continue;
		/* "fixes" writes the canonical name ("django" for "Django") */
		if (!want)
			want = sca_pep503(a, name);
		if (!strcmp(sca_pep503(a, n), want) && (!version || !v || !strcmp(v, version)))
			return c;
	}
	return NULL;
}

static int on_dependency(const struct jrec *rec, void *payload, struct perr *err)
{
	struct pip_state *st = payload;
	const struct jnode *dep = rec->node, *vulns, *v, *fix, *fv;
	struct arena *a = rec->arena;
	const char *name, *version, *skip;
	int ret;

	if (!json_is(dep, JOBJ))
		return perr_set(err, P_EINVALID, "the dependency is %s, not an object",
				sca_a_type(dep));
	name = json_get_str(dep, "name");
	if (!name)
		return perr_set(err, P_EINVALID, "'name' is missing");
	version = json_get_str(dep, "version");
	skip = json_get_str(dep, "skip_reason");
	if (skip) {
		parse_warn(st->opts, "%s was not audited: %s", name, skip);
		return 0;
	}
	vulns = json_get(dep, "vulns");
	if (vulns && !json_is(vulns, JARR))
		return perr_set(err, P_EINVALID, "'vulns' is %s, not an array", sca_a_type(vulns));
	fix = find_fix(a, rec->ctx[CTX_FIXES], name, version);
	json_for_each(v, vulns) {
		struct evidence ev;
		const char *id = json_get_str(v, "id");

		if (!json_is(v, JOBJ))
			return perr_set(err, P_EINVALID, "a vulnerability of '%s' is %s, not an object",
					name, sca_a_type(v));
		evidence_init(&ev);
		ev.tool = "pip-audit";
		ev.kind = KIND_SCA;
		ev.rule_id = id;
		evidence_add_vuln_id(&ev, a, id ? ids_normalize(a, id) : NULL);
		sca_add_ids(&ev, a, json_get(v, "aliases"));
		ev.description = json_get_str(v, "description");
		ev.loc.name = name;
		ev.loc.version = version;
		ev.loc.ecosystem = "pypi";
		ev.loc.purl = sca_purl(a, "pypi", name, version);
		json_for_each(fv, json_get(v, "fix_versions"))
			strlist_add(&ev.loc.fixed_versions, a, json_str(fv));
		sca_prop(&ev, a, "fix_available", sca_bool(ev.loc.fixed_versions.n > 0));
		sca_prop(&ev, a, "fixed_to_version", json_get_str(fix, "new_version"));
		sca_prop(&ev, a, "fix_skip_reason", json_get_str(fix, "skip_reason"));
		if (id && (!strncmp(id, "PYSEC-", 6) || !strncmp(id, "GHSA-", 5)))
			strlist_add(&ev.references, a, arena_printf(a, "https://osv.dev/vulnerability/%s", id));
		if ((ret = st->cb(&ev, st->payload, err)) < 0)
			return ret;
	}
	return 0;
}

int detect_pip_audit(const char *head, size_t len)
{
	int c = parse_first_char(head, len);

	if (c != '{' && c != '[')
		return 0;
	if (!parse_has(head, len, "\"vulns\"") && !parse_has(head, len, "\"skip_reason\""))
		return 0;
	if (parse_has(head, len, "\"dependencies\"") || c == '[')
		return 90;
	return 0;
}

int parse_pip_audit(const char *buf, size_t len, const struct parse_opts *opts,
		    evidence_cb cb, void *payload, struct perr *err)
{
	struct pip_state st = { opts, cb, payload };
	size_t head = len < PARSE_DETECT_HEAD ? len : PARSE_DETECT_HEAD;
	long n;

	if (parse_first_char(buf, len) == '{' && !parse_has(buf, head, "\"dependencies\""))
		return perr_set(err, P_EINVALID, "no 'dependencies': not a pip-audit report");
	parse_tool_seen(opts, "pip-audit", NULL);
	n = jrec_parse(buf, len, &pip_records, &opts->stream, on_dependency, &st, err);
	return n < 0 ? (int)n : 0;
}
