/*
 * GitLab security reports (schema 14.x-15.x) of the two dependency kinds:
 * gl-dependency-scanning-report.json and gl-container-scanning-report.json.
 * One evidence per vulnerabilities[*] (GitLab writes one per package and
 * advisory). See docs/formats/gitlab-dependency-scanning.md and
 * docs/formats/gitlab-container-scanning.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/vulnkit.h"
#include "model/ids.h"
#include "model/path.h"


enum { REC_VULN };
enum { CTX_SCAN };

static const struct jrec_format gitlab_records = {
	.records = { "vulnerabilities[*]", NULL },
	.context = { "scan", NULL },
	.scope_end = true,
};

struct gitlab_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	bool container;
};

static const char *scanner_name(const struct jrec *rec, const char *fallback)
{
	const char *name = json_get_str(json_get(rec->ctx[CTX_SCAN], "scanner"), "name");

	return name ? name : fallback;
}

/*
 * GitLab names no package manager per vulnerability: the lock file does
 * (an OSV ecosystem name, for vulnkit__purl_from_osv).
 */
static const char *ecosystem_of_file(const char *file)
{
	static const char *const map[][2] = {
		{ "package-lock.json", "npm" }, { "npm-shrinkwrap.json", "npm" }, { "yarn.lock", "npm" },
		{ "pnpm-lock.yaml", "npm" }, { "Gemfile.lock", "RubyGems" }, { "gems.locked", "RubyGems" },
		{ "go.sum", "Go" }, { "go.mod", "Go" }, { "requirements.txt", "PyPI" },
		{ "Pipfile.lock", "PyPI" }, { "poetry.lock", "PyPI" }, { "pipdeptree.json", "PyPI" },
		{ "pom.xml", "Maven" }, { "build.gradle", "Maven" }, { "build.gradle.kts", "Maven" },
		{ "gradle.lockfile", "Maven" }, { "build.sbt", "Maven" }, { "ivy-report.xml", "Maven" },
		{ "maven-dependencies.json", "Maven" }, { "gradle-dependencies.json", "Maven" },
		{ "composer.lock", "Packagist" }, { "packages.lock.json", "NuGet" },
		{ "Cargo.lock", "crates.io" }, { "conan.lock", NULL }, { "Podfile.lock", NULL },
	};
	const char *base;
	size_t i;

	if (!file)
		return NULL;
	base = strrchr(file, '/');
	base = base ? base + 1 : file;
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(base, map[i][0]))
			return map[i][1];
	return NULL;
}

static void add_identifiers(struct evidence *ev, struct arena *a, const struct jnode *v)
{
	const struct jnode *c;

	json_for_each(c, json_get(v, "identifiers")) {
		const char *type = json_get_str(c, "type"), *value = json_get_str(c, "value");
		const char *name = json_get_str(c, "name");

		if (json_get_str(c, "url"))
			strlist_add_unique(&ev->references, a, json_get_str(c, "url"));
		if (!value)
			continue;
		if (type && !strcasecmp(type, "cwe")) {
			evidence_add_cwe_text(ev, a, value);
			continue;
		}
		if (ids_is_vuln_id(value))
			vulnkit__add_id(ev, a, value);
		else if (name && ids_is_vuln_id(name))
			vulnkit__add_id(ev, a, name);
	}
	/* schema 2.x-14.x: a top-level "cve" (often "<file>:<pkg>:<id>", so only real ids count) */
	if (json_get_str(v, "cve") && ids_is_vuln_id(json_get_str(v, "cve")))
		vulnkit__add_id(ev, a, json_get_str(v, "cve"));
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct gitlab_state *st = payload;
	const struct jnode *v = rec->node, *loc, *dep, *first, *c;
	struct arena *a = rec->arena;
	const char *eco, *type, *fallback = st->container ? "container_scanning" : "dependency_scanning";
	struct evidence ev;
	bool direct;

	if (rec->which == JREC_SCOPE_END) {
		parse_tool_seen(st->opts, scanner_name(rec, fallback),
				json_get_str(json_get(rec->ctx[CTX_SCAN], "scanner"), "version"));
		return 0;
	}
	if (!json_is(v, JOBJ))
		return perr_set(err, P_EINVALID, "the vulnerability is %s, not an object",
				vulnkit__a_type(v));
	loc = json_get(v, "location");
	if (!json_is(loc, JOBJ))
		return perr_set(err, P_EINVALID, "'location' is %s, not an object", vulnkit__a_type(loc));
	first = json_get(v, "identifiers");
	if (first && !json_is(first, JARR))
		return perr_set(err, P_EINVALID, "'identifiers' is %s, not an array",
				vulnkit__a_type(first));
	first = json_at(first, 0);

	evidence_init(&ev);
	ev.tool = scanner_name(rec, NULL);
	ev.tool_version = json_get_str(json_get(rec->ctx[CTX_SCAN], "scanner"), "version");
	if (!ev.tool) /* schema < 14: the scanner per vulnerability */
		ev.tool = json_get_str(json_get(v, "scanner"), "name");
	if (!ev.tool)
		ev.tool = fallback;
	ev.kind = st->container ? KIND_CONTAINER : KIND_SCA;
	ev.rule_id = json_get_str(first, "value");
	if (!ev.rule_id)
		ev.rule_id = json_get_str(v, "cve");
	if (!ev.rule_id)
		ev.rule_id = json_get_str(v, "id");
	if (!ev.rule_id)
		return perr_set(err, P_EINVALID, "'identifiers' is missing or empty");
	add_identifiers(&ev, a, v);
	ev.title = json_get_str(v, "name");
	if (!ev.title)
		ev.title = json_get_str(v, "message");
	ev.description = json_get_str(v, "description");
	ev.remediation = json_get_str(v, "solution");
	ev.severity_raw = json_get_str(v, "severity");
	ev.severity = vulnkit__severity_word(ev.severity_raw);
	ev.confidence_raw = json_get_str(v, "confidence");
	json_for_each(c, json_get(v, "cvss_vectors"))
		vulnkit__offer_cvss(&ev, NULL, json_get_str(c, "vector"), NULL);
	json_for_each(c, json_get(v, "links"))
		if (json_get_str(c, "url"))
			strlist_add_unique(&ev.references, a, json_get_str(c, "url"));

	dep = json_get(loc, "dependency");
	ev.loc.name = json_get_str(json_get(dep, "package"), "name");
	ev.loc.version = json_get_str(dep, "version");
	if (st->container) {
		/*
		 * The image's OS is no package's ecosystem: a container report also
		 * lists the Go, npm or Java packages inside the image, with nothing
		 * telling them apart, so no purl is guessed here.
		 */
		ev.loc.image = json_get_str(loc, "image");
		eco = NULL;
		vulnkit__prop(&ev.properties, a, "os", json_get_str(loc, "operating_system"));
		vulnkit__prop(&ev.properties, a, "default_branch_image",
			      json_get_str(loc, "default_branch_image"));
	} else {
		if (json_get_str(loc, "file"))
			ev.loc.path = path_normalize(a, json_get_str(loc, "file"));
		eco = ecosystem_of_file(json_get_str(loc, "file"));
	}
	ev.loc.purl = vulnkit__purl_from_osv(a, eco, ev.loc.name, ev.loc.version, &type);
	ev.loc.ecosystem = type;
	if (!ev.title && ev.loc.name)
		ev.title = arena_printf(a, "%s in %s%s%s", ev.rule_id, ev.loc.name,
					ev.loc.version ? " " : "", ev.loc.version ? ev.loc.version : "");
	if (!ev.title)
		ev.title = ev.rule_id;
	vulnkit__prop(&ev.properties, a, "gitlab_id", json_get_str(v, "id"));
	vulnkit__prop(&ev.properties, a, "identifier_type", json_get_str(first, "type"));
	if (json_get_bool(dep, "direct", &direct))
		vulnkit__prop(&ev.properties, a, "direct", direct ? "true" : "false");
	vulnkit__prop(&ev.properties, a, "analyzer",
		      json_get_str(json_get(rec->ctx[CTX_SCAN], "analyzer"), "name"));
	return st->cb(&ev, st->payload, err);
}

static int parse_gitlab(const char *buf, size_t len, const struct parse_opts *opts,
			evidence_cb cb, void *payload, struct perr *err, bool container)
{
	struct gitlab_state st = { opts, cb, payload, container };
	long n = jrec_parse(buf, len, &gitlab_records, &opts->stream, on_record, &st, err);

	return n < 0 ? (int)n : 0;
}

/* A GitLab report of the given type: scan.type (15.x) or category (older). */
static int detect_gitlab(const char *head, size_t len, const char *type)
{
	char quoted[64];

	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"vulnerabilities\""))
		return 0;
	snprintf(quoted, sizeof(quoted), "\"%s\"", type);
	if (!parse_has(head, len, quoted))
		return 0;
	if (parse_has(head, len, "\"scan\"") || parse_has(head, len, "\"identifiers\""))
		return 90;
	return 50;
}

int detect_gitlab_dependency_scanning(const char *head, size_t len)
{
	return detect_gitlab(head, len, "dependency_scanning");
}

int parse_gitlab_dependency_scanning(const char *buf, size_t len, const struct parse_opts *opts,
				     evidence_cb cb, void *payload, struct perr *err)
{
	return parse_gitlab(buf, len, opts, cb, payload, err, false);
}

int detect_gitlab_container_scanning(const char *head, size_t len)
{
	return detect_gitlab(head, len, "container_scanning");
}

int parse_gitlab_container_scanning(const char *buf, size_t len, const struct parse_opts *opts,
				    evidence_cb cb, void *payload, struct perr *err)
{
	return parse_gitlab(buf, len, opts, cb, payload, err, true);
}
