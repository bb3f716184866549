/*
 * GitHub Dependabot alerts, as the REST API returns them:
 * GET /repos/{owner}/{repo}/dependabot/alerts (an array of alerts), the
 * organization and enterprise variants (the same, each alert with a
 * "repository"), one alert (GET .../alerts/{number}, an object), and
 * `gh api --paginate` output (one array per page, concatenated).
 *
 * One evidence per alert: an alert is one advisory for one package in one
 * manifest. Dismissed alerts are emitted suppressed; fixed alerts are
 * emitted as they are (with state=fixed), and the lifecycle decides what
 * a fixed alert that is still listed means.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/sca_audit.h"
#include "model/ids.h"

static const struct jrec_format alert_list = {
	.records = { "[*]", NULL },
	.context = { NULL },
	.multiple = true,
};

static const struct jrec_format one_alert = {
	.records = { "", NULL },
	.context = { NULL },
};

struct dependabot_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

/* An optional member that must be an object when present. */
static int want_object(const struct jnode *parent, const char *key, bool required,
		       const struct jnode **out, struct perr *err)
{
	const struct jnode *n = json_get(parent, key);

	*out = NULL;
	if (!n || n->type == JNULL) {
		if (required)
			return perr_set(err, P_EINVALID, "'%s' is missing", key);
		return 0;
	}
	if (!json_is(n, JOBJ))
		return perr_set(err, P_EINVALID, "'%s' is %s, not an object", key, sca_a_type(n));
	*out = n;
	return 0;
}

/*
 * The CVSS: v4 when GitHub has one, else v3 (cvss_severities, then the
 * older "cvss" member that mirrors it). The vector not chosen is kept as a
 * property so nothing the advisory says is lost.
 */
static void set_cvss(struct evidence *ev, struct arena *a, const struct jnode *adv)
{
	const struct jnode *sevs = json_get(adv, "cvss_severities");
	const struct jnode *v4 = json_get(sevs, "cvss_v4"), *v3 = json_get(sevs, "cvss_v3");
	const char *v4vec = json_get_str(v4, "vector_string");
	const char *v3vec = json_get_str(v3, "vector_string");

	if (!v3vec) {
		v3 = json_get(adv, "cvss");
		v3vec = json_get_str(v3, "vector_string");
	}
	if (v4vec) {
		sca_set_cvss(ev, v4vec, json_get(v4, "score"));
		sca_prop(ev, a, "cvss_v3_vector", v3vec);
	} else {
		sca_set_cvss(ev, v3vec, json_get(v3, "score"));
	}
}

static void add_epss(struct evidence *ev, struct arena *a, const struct jnode *epss)
{
	const struct jnode *e = json_is(epss, JARR) ? json_at(epss, 0) : epss;

	sca_prop(ev, a, "epss", json_text(json_get(e, "percentage")));
	sca_prop(ev, a, "epss_percentile", json_text(json_get(e, "percentile")));
}

static void set_state(struct evidence *ev, struct arena *a, const struct jnode *alert)
{
	const char *state = json_get_str(alert, "state");
	const char *reason = json_get_str(alert, "dismissed_reason");
	const char *comment = json_get_str(alert, "dismissed_comment");

	sca_prop(ev, a, "state", state);
	sca_prop(ev, a, "created_at", json_get_str(alert, "created_at"));
	sca_prop(ev, a, "fixed_at", json_get_str(alert, "fixed_at"));
	sca_prop(ev, a, "dismissed_at", json_get_str(alert, "dismissed_at"));
	sca_prop(ev, a, "auto_dismissed_at", json_get_str(alert, "auto_dismissed_at"));
	sca_prop(ev, a, "dismissed_by", json_get_str(json_get(alert, "dismissed_by"), "login"));
	if (!state || (strcmp(state, "dismissed") && strcmp(state, "auto_dismissed")))
		return;
	ev->suppressed = true;
	ev->suppression_kind = "external";
	sca_prop(ev, a, "dismissed_reason", reason);
	if (!reason && !strcmp(state, "auto_dismissed"))
		reason = "auto-dismissed by a Dependabot rule";
	if (reason && comment && *comment)
		ev->suppression_justification = arena_printf(a, "%s: %s", reason, comment);
	else
		ev->suppression_justification = reason ? reason : comment;
}

static int on_alert(const struct jrec *rec, void *payload, struct perr *err)
{
	struct dependabot_state *st = payload;
	const struct jnode *alert = rec->node, *adv, *dep, *vuln, *pkg, *c;
	struct arena *a = rec->arena;
	const char *eco, *type, *sev, *ghsa;
	struct evidence ev;
	long long number;
	int ret;

	if (!json_is(alert, JOBJ))
		return perr_set(err, P_EINVALID, "the alert is %s, not an object", sca_a_type(alert));
	/* GitHub's error document: {"message": "Not Found", "documentation_url": ...} */
	if (!json_get(alert, "security_advisory") && json_get_str(alert, "message"))
		return perr_set(err, P_EINVALID, "the GitHub API returned an error: %s",
				json_get_str(alert, "message"));
	if ((ret = want_object(alert, "security_advisory", true, &adv, err)) < 0 ||
	    (ret = want_object(alert, "dependency", true, &dep, err)) < 0 ||
	    (ret = want_object(alert, "security_vulnerability", false, &vuln, err)) < 0)
		return ret;
	pkg = json_get(dep, "package");
	if (!pkg)
		pkg = json_get(vuln, "package");
	if (!json_get_str(pkg, "name"))
		return perr_set(err, P_EINVALID, "'dependency.package.name' is missing");

	evidence_init(&ev);
	ev.tool = "dependabot";
	ev.kind = KIND_SCA;
	ghsa = json_get_str(adv, "ghsa_id");
	ev.rule_id = ghsa ? ids_normalize(a, ghsa) : NULL;
	ev.title = json_get_str(adv, "summary");
	ev.description = json_get_str(adv, "description");
	sev = json_get_str(adv, "severity");
	if (!sev)
		sev = json_get_str(vuln, "severity");
	ev.severity = sca_severity_word(sev);
	ev.severity_raw = sev;
	sca_add_ids(&ev, a, json_get(adv, "cve_id"));
	evidence_add_vuln_id(&ev, a, ev.rule_id);
	json_for_each(c, json_get(adv, "identifiers"))
		sca_add_ids(&ev, a, json_get(c, "value"));
	json_for_each(c, json_get(adv, "cwes"))
		evidence_add_cwe_text(&ev, a, json_get_str(c, "cwe_id"));
	set_cvss(&ev, a, adv);
	json_for_each(c, json_get(adv, "references"))
		strlist_add_unique(&ev.references, a, json_get_str(c, "url"));
	if (ev.rule_id && ids_is_ghsa(ev.rule_id))
		ev.help_uri = arena_printf(a, "https://github.com/advisories/%s", ev.rule_id);

	eco = json_get_str(pkg, "ecosystem");
	type = sca_github_purl_type(eco);
	ev.loc.name = json_get_str(pkg, "name");
	/* the API names the vulnerable range and the manifest, never the installed version */
	ev.loc.ecosystem = type ? type : eco;
	ev.loc.purl = sca_purl(a, type, ev.loc.name, NULL);
	ev.loc.path = json_get_str(dep, "manifest_path");
	strlist_add(&ev.loc.fixed_versions, a,
		    json_get_str(json_get(vuln, "first_patched_version"), "identifier"));

	sca_prop(&ev, a, "fix_available", sca_bool(ev.loc.fixed_versions.n > 0));
	sca_prop(&ev, a, "vulnerable_versions", json_get_str(vuln, "vulnerable_version_range"));
	sca_prop(&ev, a, "scope", json_get_str(dep, "scope"));
	sca_prop(&ev, a, "relationship", json_get_str(dep, "relationship"));
	add_epss(&ev, a, json_get(adv, "epss"));
	set_state(&ev, a, alert);
	if (json_get_int(alert, "number", &number))
		sca_prop(&ev, a, "alert_number", arena_printf(a, "%lld", number));
	sca_prop(&ev, a, "alert_url", json_get_str(alert, "html_url"));
	sca_prop(&ev, a, "repository", json_get_str(json_get(alert, "repository"), "full_name"));
	sca_prop(&ev, a, "advisory_withdrawn_at", json_get_str(adv, "withdrawn_at"));
	return st->cb(&ev, st->payload, err);
}

int detect_dependabot(const char *head, size_t len)
{
	int c = parse_first_char(head, len);

	if (c != '[' && c != '{')
		return 0;
	if (parse_has(head, len, "\"security_advisory\"") &&
	    parse_has(head, len, "\"security_vulnerability\"") &&
	    parse_has(head, len, "\"dependency\""))
		return 95;
	/* GitHub's error document, so that --tool dependabot can say what went wrong */
	if (c == '{' && parse_has(head, len, "\"message\"") &&
	    parse_has(head, len, "\"documentation_url\""))
		return 5;
	return 0;
}

int parse_dependabot(const char *buf, size_t len, const struct parse_opts *opts,
		     evidence_cb cb, void *payload, struct perr *err)
{
	struct dependabot_state st = { opts, cb, payload };
	int c = parse_first_char(buf, len);
	long n;

	if (c != '[' && c != '{')
		return perr_set(err, P_EINVALID, "not a JSON array or object: not a Dependabot alert list");
	parse_tool_seen(opts, "dependabot", NULL);
	n = jrec_parse(buf, len, c == '[' ? &alert_list : &one_alert, &opts->stream, on_alert,
		       &st, err);
	return n < 0 ? (int)n : 0;
}
