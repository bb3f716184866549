/*
 * cargo audit --json (cargo-audit 0.12 and later, the rustsec crate's
 * Report): {database, lockfile, settings, vulnerabilities {found, count,
 * list: [{advisory, versions, affected, package}]}, warnings {kind:
 * [{kind, package, advisory, affected, versions}]}}.
 *
 * One evidence per vulnerability (an advisory for one package@version of
 * the lock file), and one per warning: unmaintained, unsound, notice and
 * yanked crates are informational, reported as low/info evidence under
 * the advisory's id (yanked crates, which have none, under "yanked").
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/sca_audit.h"
#include "model/ids.h"

enum { REC_VULN, REC_WARNING, REC_OLD_WARNING };
enum { CTX_DATABASE, CTX_LOCKFILE, CTX_COUNT };

static const struct jrec_format cargo_records = {
	.records = { "vulnerabilities.list[*]", "warnings.*[*]", "warnings[*]", NULL },
	.context = { "database", "lockfile", "vulnerabilities.count", NULL },
	.scope_end = true,
};

struct cargo_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	bool seen;
	long vulns;
};

/* Severity of an informational warning: its kind decides, the advisory has no CVSS. */
static const struct {
	const char *kind;
	enum severity sev;
} warning_kinds[] = {
	{ "unsound", SEV_LOW },   /* undefined behaviour reachable from safe code */
	{ "unmaintained", SEV_LOW },
	{ "notice", SEV_INFO },
	{ "yanked", SEV_INFO },
};

static enum severity warning_severity(const char *kind)
{
	size_t i;

	for (i = 0; kind && i < ARRAY_SIZE(warning_kinds); i++)
		if (!strcmp(kind, warning_kinds[i].kind))
			return warning_kinds[i].sev;
	return SEV_INFO;
}

static void add_advisory(struct evidence *ev, struct arena *a, const struct jnode *adv)
{
	const struct jnode *c;
	const char *id = json_get_str(adv, "id"), *url = json_get_str(adv, "url");

	ev->rule_id = id;
	ev->title = json_get_str(adv, "title");
	ev->description = json_get_str(adv, "description");
	sca_add_ids(ev, a, json_get(adv, "aliases"));
	evidence_add_vuln_id(ev, a, id);
	sca_set_cvss(ev, json_get_str(adv, "cvss"), NULL);
	sca_cvss_score_from_vector(ev);
	if (id && !strncmp(id, "RUSTSEC-", 8))
		ev->help_uri = arena_printf(a, "https://rustsec.org/advisories/%s.html", id);
	strlist_add_unique(&ev->references, a, url);
	json_for_each(c, json_get(adv, "references"))
		strlist_add_unique(&ev->references, a, json_str(c));
	json_for_each(c, json_get(adv, "categories"))
		strlist_add_unique(&ev->tags, a, json_str(c));
	sca_prop(ev, a, "advisory_date", json_get_str(adv, "date"));
	sca_prop(ev, a, "related", sca_join_first(a, json_get(adv, "related"), 10));
	sca_prop(ev, a, "keywords", sca_join_first(a, json_get(adv, "keywords"), 10));
}

static void add_package(struct evidence *ev, struct arena *a, const struct jnode *pkg,
			const struct jnode *adv)
{
	const char *name = json_get_str(pkg, "name");

	if (!name)
		name = json_get_str(adv, "package");
	ev->loc.name = name;
	ev->loc.version = json_get_str(pkg, "version");
	ev->loc.ecosystem = "cargo";
	ev->loc.purl = sca_purl(a, "cargo", name, ev->loc.version);
	sca_prop(ev, a, "source", json_get_str(pkg, "source"));
}

static void add_versions(struct evidence *ev, struct arena *a, const struct jnode *versions,
			 const struct jnode *affected)
{
	const struct jnode *c;
	const char *fns = NULL;

	json_for_each(c, json_get(versions, "patched"))
		strlist_add(&ev->loc.fixed_versions, a, json_str(c));
	sca_prop(ev, a, "fix_available", sca_bool(ev->loc.fixed_versions.n > 0));
	sca_prop(ev, a, "unaffected_versions", sca_join_first(a, json_get(versions, "unaffected"), 10));
	/* "functions": {"crate::path::fn": ["<1.2.3"]}: where the flaw is, for reachability work */
	json_for_each(c, json_is(json_get(affected, "functions"), JOBJ) ? json_get(affected, "functions") : NULL)
		fns = fns ? arena_printf(a, "%s | %s", fns, c->key) : c->key;
	sca_prop(ev, a, "affected_functions", fns);
}

static int emit_vuln(struct cargo_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *v = rec->node, *adv;
	struct arena *a = rec->arena;
	struct evidence ev;

	if (!json_is(v, JOBJ))
		return perr_set(err, P_EINVALID, "the vulnerability is %s, not an object", sca_a_type(v));
	adv = json_get(v, "advisory");
	if (!adv)
		return perr_set(err, P_EINVALID, "'advisory' is missing");
	if (!json_is(adv, JOBJ))
		return perr_set(err, P_EINVALID, "'advisory' is %s, not an object", sca_a_type(adv));
	if (!json_get_str(adv, "id"))
		return perr_set(err, P_EINVALID, "'advisory.id' is missing");
	if (json_get_str(adv, "withdrawn"))
		return 0; /* withdrawn by RustSec */
	evidence_init(&ev);
	ev.tool = "cargo-audit";
	ev.kind = KIND_SCA;
	add_advisory(&ev, a, adv);
	/* RustSec has no severity of its own: the CVSS score's band, when there is one */
	if (ev.cvss.has_score)
		ev.severity = severity_from_score(ev.cvss.score);
	add_package(&ev, a, json_get(v, "package"), adv);
	add_versions(&ev, a, json_get(v, "versions"), json_get(v, "affected"));
	if (json_get_str(adv, "informational"))
		sca_prop(&ev, a, "informational", json_get_str(adv, "informational"));
	return st->cb(&ev, st->payload, err);
}

static int emit_warning(struct cargo_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *w = rec->node, *adv, *kind_node;
	struct arena *a = rec->arena;
	const char *kind;
	struct evidence ev;

	if (!json_is(w, JOBJ))
		return perr_set(err, P_EINVALID, "the warning is %s, not an object", sca_a_type(w));
	kind_node = json_get(w, "kind");
	kind = json_str(kind_node);
	/* cargo-audit 0.12-0.13 wrote {"kind": {"unmaintained": {...}}} */
	if (!kind && json_is(kind_node, JOBJ) && kind_node->first)
		kind = kind_node->first->key;
	adv = json_get(w, "advisory");
	if (adv && adv->type != JNULL && !json_is(adv, JOBJ))
		return perr_set(err, P_EINVALID, "'advisory' is %s, not an object", sca_a_type(adv));
	if (json_get_str(adv, "withdrawn"))
		return 0;
	evidence_init(&ev);
	ev.tool = "cargo-audit";
	ev.kind = KIND_SCA;
	if (json_is(adv, JOBJ))
		add_advisory(&ev, a, adv);
	if (!ev.rule_id)
		ev.rule_id = kind ? kind : "warning";
	if (!ev.title && kind && !strcmp(kind, "yanked"))
		ev.title = "Crate version yanked from its registry";
	ev.severity = warning_severity(kind);
	ev.severity_raw = kind;
	strlist_add_unique(&ev.tags, a, kind);
	strlist_add_unique(&ev.tags, a, "informational");
	add_package(&ev, a, json_get(w, "package"), adv);
	if (!ev.loc.name)
		return perr_set(err, P_EINVALID, "the warning names no package");
	add_versions(&ev, a, json_get(w, "versions"), json_get(w, "affected"));
	sca_prop(&ev, a, "warning_kind", kind);
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct cargo_state *st = payload;

	if (!st->seen) {
		st->seen = true;
		/* the report does not carry cargo-audit's version */
		parse_tool_seen(st->opts, "cargo-audit", NULL);
	}
	if (rec->which == JREC_SCOPE_END) {
		long long count;

		if (rec->nindex)
			return 0;
		/* the end of "vulnerabilities": a list of another type hid them all */
		if (json_int(rec->ctx[CTX_COUNT], &count)) {
			if (count > st->vulns)
				return perr_set(err, P_EINVALID,
						"'vulnerabilities.count' is %lld but 'vulnerabilities.list' holds %ld",
						count, st->vulns);
			return 0;
		}
		if (!rec->ctx[CTX_DATABASE] && !rec->ctx[CTX_LOCKFILE])
			return perr_set(err, P_EINVALID,
					"no 'database' or 'lockfile': not a cargo audit report");
		return 0;
	}
	if (rec->which == REC_VULN) {
		st->vulns++;
		return emit_vuln(st, rec, err);
	}
	return emit_warning(st, rec, err);
}

int detect_cargo_audit(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{')
		return 0;
	if (parse_has(head, len, "\"advisory-count\"") || parse_has(head, len, "\"dependency-count\""))
		return parse_has(head, len, "\"vulnerabilities\"") ? 95 : 60;
	if (parse_has(head, len, "\"RUSTSEC-") && parse_has(head, len, "\"vulnerabilities\""))
		return 80;
	return 0;
}

int parse_cargo_audit(const char *buf, size_t len, const struct parse_opts *opts,
		      evidence_cb cb, void *payload, struct perr *err)
{
	struct cargo_state st = { opts, cb, payload, false, 0 };
	long n;

	if (parse_first_char(buf, len) != '{')
		return perr_set(err, P_EINVALID, "the report is not a JSON object");
	n = jrec_parse(buf, len, &cargo_records, &opts->stream, on_record, &st, err);
	return n < 0 ? (int)n : 0;
}
