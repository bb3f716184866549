/*
 * Semgrep JSON (`semgrep --json`, also `semgrep ci --json`): one evidence
 * per results[] entry. Code rules are kind sast; Supply Chain results
 * (extra.sca_info) are kind sca with the package from dependency_match and
 * the reachability Semgrep computed; Semgrep Secrets results
 * (extra.validation_state) are kind secret. errors[] become warnings.
 * The severity table and what is not read: docs/formats/semgrep.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/codescan.h"
#include "model/ids.h"
#include "model/path.h"

enum { REC_RESULT, REC_ERROR };
enum { CTX_VERSION };

static const struct jrec_format semgrep_records = {
	.records = { "results[*]", "errors[*]", NULL },
	.context = { "version", NULL },
	.scope_end = true,
};

struct semgrep_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	long results;
};

/*
 * ERROR/WARNING/INFO are Semgrep's rule severities; Semgrep itself shows
 * them as High/Medium/Low. Newer rules may use CRITICAL/HIGH/MEDIUM/LOW
 * directly. EXPERIMENT and INVENTORY rules are not findings of a problem.
 */
static enum severity semgrep_severity(const char *s)
{
	if (!s)
		return SEV_NONE;
	if (!strcasecmp(s, "ERROR"))
		return SEV_HIGH;
	if (!strcasecmp(s, "WARNING"))
		return SEV_MEDIUM;
	if (!strcasecmp(s, "INFO"))
		return SEV_LOW;
	if (!strcasecmp(s, "EXPERIMENT") || !strcasecmp(s, "INVENTORY"))
		return SEV_INFO;
	return parse__severity_word(s);
}

/* A metadata value that may be one string or a list of strings. */
static void each_text(const struct jnode *n, void (*fn)(struct evidence *, struct arena *,
							 const char *),
		      struct evidence *ev, struct arena *a)
{
	const struct jnode *c;

	if (json_is(n, JARR)) {
		json_for_each(c, n)
			if (json_text(c))
				fn(ev, a, json_text(c));
	} else if (json_text(n)) {
		fn(ev, a, json_text(n));
	}
}

static void add_cwe(struct evidence *ev, struct arena *a, const char *s)
{
	evidence_add_cwe_text(ev, a, s);
}

static void add_tag(struct evidence *ev, struct arena *a, const char *s)
{
	strlist_add_unique(&ev->tags, a, s);
}

static void add_ref(struct evidence *ev, struct arena *a, const char *s)
{
	strlist_add_unique(&ev->references, a, s);
}

static void add_vuln_id(struct evidence *ev, struct arena *a, const char *s)
{
	if (ids_is_vuln_id(s))
		evidence_add_vuln_id(ev, a, ids_normalize(a, s));
}

static void add_fixed(struct evidence *ev, struct arena *a, const char *s)
{
	strlist_add_unique(&ev->loc.fixed_versions, a, s);
}

/* A list as one property value: "a, b, c". */
static const char *joined(struct arena *a, const struct jnode *n)
{
	const struct jnode *c;
	const char *out = NULL;

	if (!json_is(n, JARR))
		return json_text(n);
	json_for_each(c, n) {
		if (!json_text(c))
			continue;
		out = out ? arena_printf(a, "%s, %s", out, json_text(c)) : json_text(c);
	}
	return out;
}

/* Semgrep ecosystems -> purl types, for the ones whose names map plainly. */
static const char *purl_type(const char *eco)
{
	static const char *const map[][2] = {
		{ "npm", "npm" }, { "pypi", "pypi" }, { "gomod", "golang" }, { "cargo", "cargo" },
		{ "gem", "gem" }, { "maven", "maven" }, { "nuget", "nuget" },
		{ "composer", "composer" }, { "pub", "pub" }, { "hex", "hex" },
		{ "swiftpm", "swift" }, { "cocoapods", "cocoapods" },
	};
	size_t i;

	for (i = 0; eco && i < ARRAY_SIZE(map); i++)
		if (!strcasecmp(eco, map[i][0]))
			return map[i][1];
	return NULL;
}

static const char *build_purl(struct arena *a, const char *eco, const char *name,
			      const char *version)
{
	const char *type = purl_type(eco), *colon;

	if (!type || !name || !*name)
		return NULL;
	if (!strcmp(type, "maven") && (colon = strchr(name, ':')))
		name = arena_printf(a, "%.*s/%s", (int)(colon - name), name, colon + 1);
	else if (name[0] == '@')
		name = arena_printf(a, "%%40%s", name + 1); /* npm scope */
	return version && *version ? arena_printf(a, "pkg:%s/%s@%s", type, name, version)
				   : arena_printf(a, "pkg:%s/%s", type, name);
}

/* Supply Chain: the dependency, its vulnerability ids, reachability. */
static void set_sca(struct evidence *ev, struct arena *a, const struct jnode *sca,
		    const struct jnode *meta)
{
	const struct jnode *dm = json_get(sca, "dependency_match");
	const struct jnode *found = json_get(dm, "found_dependency");
	const struct jnode *c;
	bool rule = false, reachable = false;
	const char *lockfile;

	ev->kind = KIND_SCA;
	ev->loc.name = json_get_str(found, "package");
	ev->loc.version = json_get_str(found, "version");
	ev->loc.ecosystem = json_get_str(found, "ecosystem");
	ev->loc.purl = build_purl(a, ev->loc.ecosystem, ev->loc.name, ev->loc.version);
	lockfile = json_get_str(found, "lockfile_path");
	if (!lockfile)
		lockfile = json_get_str(dm, "lockfile");
	kvlist_add(&ev->properties, a, "lockfile", path_normalize(a, lockfile));
	kvlist_add(&ev->properties, a, "transitivity", json_get_str(found, "transitivity"));
	kvlist_add(&ev->properties, a, "vulnerable_range",
		   json_get_str(json_get(dm, "dependency_pattern"), "semver_range"));
	json_get_bool(sca, "reachability_rule", &rule);
	json_get_bool(sca, "reachable", &reachable);
	if (reachable)
		ev->reachability = REACH_REACHABLE;
	else if (rule)
		ev->reachability = REACH_NOT_REACHABLE; /* the rule looks for uses; none found */
	each_text(json_get(meta, "cve"), add_vuln_id, ev, a);
	each_text(json_get(meta, "ghsa"), add_vuln_id, ev, a);
	each_text(json_get(meta, "sca-vuln-database-identifier"), add_vuln_id, ev, a);
	/* "sca-fix-versions": [{"lodash": "4.17.21"}] or ["4.17.21"] */
	json_for_each(c, json_get(meta, "sca-fix-versions")) {
		if (json_is(c, JOBJ)) {
			const char *v = ev->loc.name ? json_get_str(c, ev->loc.name) : NULL;

			if (!v && c->first)
				v = json_text(c->first);
			add_fixed(ev, a, v);
		} else {
			add_fixed(ev, a, json_text(c));
		}
	}
	if (ev->loc.fixed_versions.n)
		kvlist_add(&ev->properties, a, "fix_available", "true");
}

/* Semgrep Secrets: validation_state says whether the secret was tried. */
static void set_validation(struct evidence *ev, const char *state)
{
	ev->kind = KIND_SECRET;
	if (!strcmp(state, "CONFIRMED_VALID")) {
		ev->secret_verified = true;
		ev->confidence = CONF_CONFIRMED;
	}
}

/* The last part of a dotted check_id: "python.lang.security.audit.eval-detected" -> "eval-detected". */
static const char *rule_name(const char *check_id)
{
	const char *dot = strrchr(check_id, '.');

	return dot && dot[1] ? dot + 1 : check_id;
}

static const char *first_line(struct arena *a, const char *s)
{
	size_t n;

	if (!s)
		return NULL;
	n = strcspn(s, "\n");
	return s[n] ? arena_strndup(a, s, n) : s;
}

static bool is_placeholder(const char *s)
{
	return !s || !*s || !strcmp(s, "requires login");
}

static int emit_result(struct semgrep_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *r = rec->node, *extra, *meta, *sca, *start, *end;
	struct arena *a = rec->arena;
	const char *check_id, *path, *s;
	struct evidence ev;
	bool ignored = false;

	if (!json_is(r, JOBJ))
		return perr_set(err, P_EINVALID, "result is a %s, not an object",
				json_type_name(r->type));
	check_id = json_get_str(r, "check_id");
	path = json_get_str(r, "path");
	if (!check_id)
		return perr_set(err, P_EINVALID, "'check_id' is missing");
	if (!path)
		return perr_set(err, P_EINVALID, "'path' is missing");
	extra = json_get(r, "extra");
	meta = json_get(extra, "metadata");

	evidence_init(&ev);
	ev.tool = "semgrep";
	ev.tool_version = json_str(rec->ctx[CTX_VERSION]);
	ev.kind = KIND_SAST;
	ev.rule_id = check_id;
	ev.rule_name = rule_name(check_id);
	ev.description = json_get_str(extra, "message");
	ev.title = first_line(a, ev.description);
	if (!ev.title)
		ev.title = ev.rule_name;
	ev.severity_raw = json_get_str(extra, "severity");
	ev.severity = semgrep_severity(ev.severity_raw);
	ev.confidence_raw = json_get_str(meta, "confidence");
	ev.confidence = parse__confidence_word(ev.confidence_raw);

	ev.loc.path = path_normalize(a, path);
	start = json_get(r, "start");
	end = json_get(r, "end");
	ev.loc.start_line = parse__uint(json_get(start, "line"));
	ev.loc.start_column = parse__uint(json_get(start, "col"));
	ev.loc.end_line = parse__uint(json_get(end, "line"));
	ev.loc.end_column = parse__uint(json_get(end, "col"));
	if (!ev.loc.end_line)
		ev.loc.end_line = ev.loc.start_line;

	each_text(json_get(meta, "cwe"), add_cwe, &ev, a);
	each_text(json_get(meta, "owasp"), add_tag, &ev, a);
	each_text(json_get(meta, "vulnerability_class"), add_tag, &ev, a);
	if ((s = json_get_str(meta, "category")))
		add_tag(&ev, a, s);
	each_text(json_get(meta, "references"), add_ref, &ev, a);
	ev.help_uri = json_get_str(meta, "source");
	if (!ev.help_uri)
		ev.help_uri = json_get_str(meta, "shortlink");
	if (!ev.help_uri)
		ev.help_uri = json_get_str(meta, "semgrep.url");
	add_ref(&ev, a, ev.help_uri);
	kvlist_add(&ev.properties, a, "likelihood", json_get_str(meta, "likelihood"));
	kvlist_add(&ev.properties, a, "impact", json_get_str(meta, "impact"));
	kvlist_add(&ev.properties, a, "subcategory", joined(a, json_get(meta, "subcategory")));
	kvlist_add(&ev.properties, a, "technology", joined(a, json_get(meta, "technology")));
	kvlist_add(&ev.properties, a, "engine_kind", json_get_str(extra, "engine_kind"));
	kvlist_add(&ev.properties, a, "autofix", json_get_str(extra, "fix"));

	s = json_get_str(extra, "fingerprint");
	if (!is_placeholder(s))
		kvlist_add(&ev.tool_fingerprints, a, "matchBasedId/v1", s);
	if (json_get_bool(extra, "is_ignored", &ignored) && ignored) {
		ev.suppressed = true;
		ev.suppression_kind = "inSource"; /* a nosemgrep comment */
	}

	if ((sca = json_get(extra, "sca_info")) && json_is(sca, JOBJ)) {
		set_sca(&ev, a, sca, meta);
		if ((s = json_get_str(meta, "sca-severity"))) {
			ev.severity_raw = s;
			ev.severity = semgrep_severity(s);
		}
	}
	if ((s = json_get_str(extra, "validation_state"))) {
		set_validation(&ev, s);
		kvlist_add(&ev.properties, a, "validation_state", s);
	}
	/*
	 * The matched lines are the snippet, except for secrets: Semgrep
	 * does not say which part of them is the secret, so they are dropped.
	 */
	s = json_get_str(extra, "lines");
	if (ev.kind != KIND_SECRET && !is_placeholder(s))
		ev.loc.snippet = s;
	ids_scan_text(&ev, a, check_id);
	st->results++;
	return st->cb(&ev, st->payload, err);
}

static void report_error(struct semgrep_state *st, const struct jrec *rec)
{
	const struct jnode *e = rec->node, *type = json_get(e, "type");
	const char *level = json_get_str(e, "level");
	const char *kind = json_is(type, JARR) ? json_text(type->first) : json_text(type);
	const char *msg = json_get_str(e, "message"), *path = json_get_str(e, "path");
	size_t n;

	if (!msg)
		msg = "(no message)";
	n = strcspn(msg, "\n");
	parse_warn(st->opts, "semgrep %s%s%s%s%s: %.*s", level ? level : "error",
		   kind ? " (" : "", kind ? kind : "", kind ? ")" : "",
		   path ? arena_printf(rec->arena, " in %s", path) : "", (int)n, msg);
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct semgrep_state *st = payload;

	if (rec->which == JREC_SCOPE_END) {
		parse_tool_seen(st->opts, "semgrep", json_str(rec->ctx[CTX_VERSION]));
		return 0;
	}
	if (rec->which == REC_ERROR) {
		report_error(st, rec);
		return 0;
	}
	return emit_result(st, rec, err);
}

int detect_semgrep(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"results\""))
		return 0;
	if (parse_has(head, len, "\"check_id\"") && parse_has(head, len, "\"extra\""))
		return 95;
	/* an empty report still lists what it scanned */
	if (parse_has(head, len, "\"paths\"") && parse_has(head, len, "\"scanned\"") &&
	    parse_has(head, len, "\"errors\""))
		return 60;
	return 0;
}

int parse_semgrep(const char *buf, size_t len, const struct parse_opts *opts,
		  evidence_cb cb, void *payload, struct perr *err)
{
	struct semgrep_state st = { opts, cb, payload, 0 };
	long n;

	n = jrec_parse(buf, len, &semgrep_records, &opts->stream, on_record, &st, err);
	if (n < 0)
		return (int)n;
	if (!st.results)
		return parse__check_array(buf, len, "results", opts, err);
	return 0;
}
