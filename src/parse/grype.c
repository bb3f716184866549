/*
 * Grype JSON (`grype -o json`): one evidence per match per artifact
 * location; ignoredMatches (ignore rules, VEX) are emitted as suppressed.
 * See docs/formats/grype.md for the field mapping.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/vulnkit.h"
#include "model/path.h"

enum { REC_MATCH, REC_IGNORED };
enum { CTX_SOURCE, CTX_DISTRO, CTX_DESCRIPTOR };

static const struct jrec_format grype_records = {
	.records = { "matches[*]", "ignoredMatches[*]", NULL },
	.context = { "source", "distro", "descriptor", NULL },
	.scope_end = true,
};

struct grype_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

static const char *tool_name(const struct jrec *rec)
{
	const char *name = json_get_str(rec->ctx[CTX_DESCRIPTOR], "name");

	return name ? name : "grype";
}

/* CVSS entries: {"version": "3.1", "vector": ..., "metrics": {"baseScore": ...}} */
static void offer_cvss_list(struct evidence *ev, const struct jnode *list)
{
	const struct jnode *c;

	json_for_each(c, json_is(list, JARR) ? list : NULL) {
		double score;
		bool has = json_get_num(json_get(c, "metrics"), "baseScore", &score);
		const char *version = json_get_str(c, "version");

		vulnkit__offer_cvss(ev, version, json_get_str(c, "vector"), has ? &score : NULL);
	}
}

static void add_image(struct evidence *ev, struct arena *a, const struct jnode *target)
{
	const char *digest = json_get_str(target, "manifestDigest");
	const char *repo_digest = json_str(json_at(json_get(target, "repoDigests"), 0)), *at;

	ev->loc.image = json_get_str(target, "userInput");
	if (!ev->loc.image)
		ev->loc.image = json_str(json_at(json_get(target, "tags"), 0));
	if (!digest && repo_digest && (at = strchr(repo_digest, '@')))
		digest = at + 1;
	vulnkit__prop(&ev->properties, a, "image_digest", digest);
	vulnkit__prop(&ev->properties, a, "image_id", json_get_str(target, "imageID"));
	/* as Trivy: the base image, when the builder set the OCI label (root-cause groups) */
	vulnkit__prop(&ev->properties, a, "base_image",
		      json_get_str(json_get(target, "labels"), "org.opencontainers.image.base.name"));
}

static void add_match_details(struct evidence *ev, struct arena *a, const struct jnode *details)
{
	const struct jnode *first = json_at(details, 0), *c;
	const char *type = json_get_str(first, "type");
	bool exact = false, cpe = false;

	json_for_each(c, json_is(details, JARR) ? details : NULL) {
		const char *t = json_get_str(c, "type");

		if (t && !strncmp(t, "exact-", 6))
			exact = true;
		if (t && !strcmp(t, "cpe-match"))
			cpe = true;
	}
	vulnkit__prop(&ev->properties, a, "matcher", json_get_str(first, "matcher"));
	vulnkit__prop(&ev->properties, a, "match_type", type);
	if (type) {
		vulnkit__prop(&ev->properties, a, "match_exact", exact ? "true" : "false");
		vulnkit__prop(&ev->properties, a, "match_cpe", cpe ? "true" : "false");
	}
	vulnkit__prop(&ev->properties, a, "version_constraint",
		   json_get_str(json_get(first, "found"), "versionConstraint"));
}

static void set_ignored(struct evidence *ev, struct arena *a, const struct jnode *rules)
{
	const struct jnode *rule = json_at(rules, 0);
	const char *vex = json_get_str(rule, "vex-status");
	const char *why = json_get_str(rule, "reason"), *just = json_get_str(rule, "vex-justification");

	ev->suppressed = true;
	ev->suppression_kind = vex ? arena_printf(a, "vex:%s", vex) : "external";
	if (why && just)
		ev->suppression_justification = arena_printf(a, "%s: %s", just, why);
	else
		ev->suppression_justification = just ? just : why;
}

static bool is_evidence(const struct jnode *location, const char *what)
{
	const char *e = json_get_str(json_get(location, "annotations"), "evidence");

	return e && !strcmp(e, what);
}

static int emit_match(struct grype_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *m = rec->node, *v = json_get(m, "vulnerability");
	const struct jnode *art = json_get(m, "artifact"), *source = rec->ctx[CTX_SOURCE];
	const struct jnode *fix = json_get(v, "fix"), *locs, *c, *epss;
	struct arena *a = rec->arena;
	const char *id = json_get_str(v, "id"), *source_type = json_get_str(source, "type");
	const char *name, *version;
	struct evidence ev;
	bool primary;
	double num;
	int ret;

	if (!json_is(m, JOBJ))
		return perr_set(err, P_EINVALID, "the match is %s, not an object",
				vulnkit__a_type(m));
	if (!id)
		return perr_set(err, P_EINVALID, "'vulnerability.id' is missing");
	if (!json_is(art, JOBJ))
		return perr_set(err, P_EINVALID, "'artifact' is missing or not an object");
	evidence_init(&ev);
	ev.tool = tool_name(rec);
	ev.tool_version = json_get_str(rec->ctx[CTX_DESCRIPTOR], "version");
	ev.kind = source_type && !strcmp(source_type, "image") ? KIND_CONTAINER : KIND_SCA;
	ev.rule_id = id;
	vulnkit__add_id(&ev, a, id);
	json_for_each(c, json_get(m, "relatedVulnerabilities"))
		vulnkit__add_id(&ev, a, json_get_str(c, "id"));
	ev.severity_raw = json_get_str(v, "severity");
	ev.severity = vulnkit__severity_word(ev.severity_raw);
	ev.description = json_get_str(v, "description");
	/* the related (NVD) record often has the text and the vector the distro's lacks */
	offer_cvss_list(&ev, json_get(v, "cvss"));
	json_for_each(c, json_get(m, "relatedVulnerabilities")) {
		if (!ev.description)
			ev.description = json_get_str(c, "description");
		if (!ev.cvss.vector)
			offer_cvss_list(&ev, json_get(c, "cvss"));
	}
	json_for_each(c, json_get(v, "cwes"))
		evidence_add_cwe_text(&ev, a, json_get_str(c, "cwe"));
	if (json_get_str(v, "dataSource"))
		strlist_add_unique(&ev.references, a, json_get_str(v, "dataSource"));
	vulnkit__add_strings(&ev.references, a, json_get(v, "urls"));
	json_for_each(c, json_get(m, "relatedVulnerabilities"))
		vulnkit__add_strings(&ev.references, a, json_get(c, "urls"));

	name = json_get_str(art, "name");
	version = json_get_str(art, "version");
	ev.title = arena_printf(a, "%s in %s%s%s", id, name ? name : "a package",
				version ? " " : "", version ? version : "");
	ev.loc.purl = json_get_str(art, "purl");
	if (ev.loc.purl && !*ev.loc.purl)
		ev.loc.purl = NULL;
	ev.loc.name = name;
	ev.loc.version = version;
	ev.loc.ecosystem = vulnkit__purl_type(a, ev.loc.purl);
	if (!ev.loc.ecosystem)
		ev.loc.ecosystem = json_get_str(art, "type");
	vulnkit__add_strings(&ev.loc.fixed_versions, a, json_get(fix, "versions"));
	if (ev.kind == KIND_CONTAINER)
		add_image(&ev, a, json_get(source, "target"));
	else if (json_is(json_get(source, "target"), JSTR))
		vulnkit__prop(&ev.properties, a, "target", json_get_str(source, "target"));

	vulnkit__prop(&ev.properties, a, "fix_state", json_get_str(fix, "state"));
	vulnkit__prop(&ev.properties, a, "fix_available", ev.loc.fixed_versions.n ? "true" : "false");
	vulnkit__prop(&ev.properties, a, "namespace", json_get_str(v, "namespace"));
	add_match_details(&ev, a, json_get(m, "matchDetails"));
	vulnkit__prop(&ev.properties, a, "artifact_type", json_get_str(art, "type"));
	vulnkit__prop(&ev.properties, a, "language", json_get_str(art, "language"));
	vulnkit__prop(&ev.properties, a, "distro", json_get_str(rec->ctx[CTX_DISTRO], "name"));
	vulnkit__prop(&ev.properties, a, "distro_version",
		   json_get_str(rec->ctx[CTX_DISTRO], "version"));
	epss = json_at(json_get(v, "epss"), 0);
	if (json_get_num(epss, "epss", &num)) {
		vulnkit__prop(&ev.properties, a, "epss", json_text(json_get(epss, "epss")));
		vulnkit__prop(&ev.properties, a, "epss_percentile",
			      json_text(json_get(epss, "percentile")));
	}
	if (json_is(json_get(v, "knownExploited"), JARR) && json_get(v, "knownExploited")->len)
		vulnkit__prop(&ev.properties, a, "kev", "true");
	vulnkit__prop(&ev.properties, a, "grype_risk", json_text(json_get(v, "risk")));
	if (rec->which == REC_IGNORED)
		set_ignored(&ev, a, json_get(m, "appliedIgnoreRules"));

	/*
	 * One evidence per place the package was found. Syft marks the files
	 * that only support a finding (a deb's copyright and md5sums next to
	 * the status database) as "supporting": those are not other copies.
	 */
	locs = json_get(art, "locations");
	if (!json_is(locs, JARR) || !locs->len)
		return st->cb(&ev, st->payload, err);
	primary = false;
	json_for_each(c, locs)
		if (is_evidence(c, "primary"))
			primary = true;
	json_for_each(c, locs) {
		struct evidence one = ev;
		const char *path = json_get_str(c, "path");

		if (primary && is_evidence(c, "supporting"))
			continue;

		vulnkit__fork_properties(&one, &ev, a);
		/* a directory scan's paths are "/x" under the scanned root: keep them relative */
		if (path && ev.kind == KIND_SCA)
			path += strspn(path, "/");
		one.loc.path = path && *path ? path_normalize(a, path) : NULL;
		one.loc.layer = json_get_str(c, "layerID");
		if ((ret = st->cb(&one, st->payload, err)) < 0)
			return ret;
	}
	return 0;
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct grype_state *st = payload;

	if (rec->which == JREC_SCOPE_END) {
		parse_tool_seen(st->opts, tool_name(rec),
				json_get_str(rec->ctx[CTX_DESCRIPTOR], "version"));
		return 0;
	}
	return emit_match(st, rec, err);
}

int detect_grype(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"matches\""))
		return 0;
	if (parse_has(head, len, "\"matchDetails\"") || parse_has(head, len, "\"relatedVulnerabilities\""))
		return 95;
	/* an empty report: the descriptor names grype */
	if (parse_has(head, len, "\"descriptor\"") && parse_has(head, len, "\"grype\""))
		return 90;
	return 0;
}

int parse_grype(const char *buf, size_t len, const struct parse_opts *opts,
		evidence_cb cb, void *payload, struct perr *err)
{
	struct grype_state st = { opts, cb, payload };
	long n = jrec_parse(buf, len, &grype_records, &opts->stream, on_record, &st, err);

	return n < 0 ? (int)n : 0;
}
