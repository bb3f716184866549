#include "posture.h"
#include "engine/correlate.h"
#include "model/fingerprint.h"
#include "model/ids.h"

#include <ctype.h>

/* Editions and wrappers of one tool, as different formats name it. */
static const struct {
	const char *name, *tool;
} tool_aliases[] = {
	{ "semgrep oss", "semgrep" },
	{ "semgrep pro", "semgrep" },
	{ "semgrep-sast", "semgrep" },
	{ "semgrep supply chain", "semgrep" },
	{ "owasp zap", "zap" },
	{ "owasp zed attack proxy", "zap" },
	{ "zed attack proxy", "zap" },
	{ "zaproxy", "zap" },
	{ "codeql command-line toolchain", "codeql" },
	{ "github codeql", "codeql" },
	{ "trivy-sarif", "trivy" },
	{ "anchore grype", "grype" },
	{ "gitleaks-sarif", "gitleaks" },
	{ "trufflehog3", "trufflehog" },
	{ "npm", "npm-audit" },
	{ "npm audit", "npm-audit" },
	{ "osv scanner", "osv-scanner" },
};

void correlate_tool_name(char *out, size_t outlen, const char *tool)
{
	size_t i, n = 0;

	if (!outlen)
		return;
	for (i = 0; tool && tool[i] && n + 1 < outlen; i++)
		out[n++] = (char)tolower((unsigned char)tool[i]);
	out[n] = '\0';
	for (i = 0; i < ARRAY_SIZE(tool_aliases); i++)
		if (!strcmp(out, tool_aliases[i].name)) {
			snprintf(out, outlen, "%s", tool_aliases[i].tool);
			return;
		}
}

static void add_key(struct corr_keys *out, struct arena *a, enum corr_key_type type, const char *key,
		    unsigned start, unsigned end)
{
	size_t i;

	for (i = 0; i < out->n; i++)
		if (out->v[i].type == type && !strcmp(out->v[i].key, key))
			return;
	out->v = arena_grow(a, out->v, sizeof(*out->v), out->n + 1, &out->alloc);
	out->v[out->n].type = type;
	out->v[out->n].key = key;
	out->v[out->n].start_line = start;
	out->v[out->n].end_line = end;
	out->n++;
}

/* The package without its version: the purl's base, else ecosystem:name in lower case. */
static const char *package_base(struct arena *a, const struct evidence *ev)
{
	char buf[1024];
	size_t i;

	if (ev->loc.purl && *ev->loc.purl) {
		fingerprint_purl_base(buf, sizeof(buf), ev->loc.purl);
		return arena_strdup(a, buf);
	}
	if (!ev->loc.name || !*ev->loc.name)
		return NULL;
	snprintf(buf, sizeof(buf), "%s:%s", ev->loc.ecosystem ? ev->loc.ecosystem : "", ev->loc.name);
	for (i = 0; buf[i]; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	return arena_strdup(a, buf);
}

static void add_vuln_keys(struct corr_keys *out, struct arena *a, const char *pkg,
			  const struct strlist *ids)
{
	size_t i;

	for (i = 0; ids && i < ids->n; i++)
		if (ids_is_vuln_id(ids->v[i]))
			add_key(out, a, CORR_VULN,
				arena_printf(a, "vuln:%s %s", ids_normalize(a, ids->v[i]), pkg), 0, 0);
}

void correlate_keys(struct corr_keys *out, const struct evidence *ev, const struct strlist *aliases,
		    struct arena *a)
{
	const char *path, *pkg;
	size_t i;

	out->n = 0;
	if (ev->secret_hash && *ev->secret_hash)
		add_key(out, a, CORR_SECRET, arena_printf(a, "secret:%s", ev->secret_hash), 0, 0);
	switch (ev->kind) {
	case KIND_SCA:
	case KIND_CONTAINER:
		if (!(pkg = package_base(a, ev)))
			return;
		add_vuln_keys(out, a, pkg, &ev->vuln_ids);
		add_vuln_keys(out, a, pkg, aliases);
		return;
	case KIND_SAST:
		if (!ev->loc.path || !ev->loc.start_line || out->n)
			return;
		path = ev->loc.path;
		while (path[0] == '.' && path[1] == '/')
			path += 2;
		for (i = 0; i < ev->ncwe; i++)
			add_key(out, a, CORR_SAST, arena_printf(a, "sast:%s CWE-%d", path, ev->cwe[i]),
				ev->loc.start_line,
				ev->loc.end_line >= ev->loc.start_line ? ev->loc.end_line : ev->loc.start_line);
		return;
	default:
		return;
	}
}

bool correlate_lines_overlap(unsigned s1, unsigned e1, unsigned s2, unsigned e2)
{
	if (e1 < s1)
		e1 = s1;
	if (e2 < s2)
		e2 = s2;
	return s1 <= e2 && s2 <= e1;
}

/*
 * Weakness families a dynamic scanner can confirm. Narrower than "injection"
 * on purpose: a confirmed SQL injection says nothing about a command
 * injection elsewhere in the code.
 */
static const struct {
	int cwe;
	const char *family;
} cwe_families[] = {
	{ 22, "path-traversal" }, { 23, "path-traversal" }, { 35, "path-traversal" },
	{ 36, "path-traversal" }, { 73, "path-traversal" },
	{ 77, "command-injection" }, { 78, "command-injection" }, { 88, "command-injection" },
	{ 79, "xss" }, { 80, "xss" }, { 83, "xss" }, { 87, "xss" },
	{ 89, "sql-injection" }, { 564, "sql-injection" }, { 943, "sql-injection" },
	{ 90, "ldap-injection" },
	{ 91, "xml-injection" }, { 643, "xml-injection" }, { 652, "xml-injection" },
	{ 94, "code-injection" }, { 95, "code-injection" }, { 917, "code-injection" },
	{ 1336, "code-injection" },
	{ 98, "file-inclusion" },
	{ 113, "header-injection" }, { 93, "header-injection" },
	{ 352, "csrf" },
	{ 502, "deserialization" },
	{ 601, "open-redirect" },
	{ 611, "xxe" }, { 776, "xxe" },
	{ 918, "ssrf" },
};

const char *correlate_cwe_family(int cwe)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cwe_families); i++)
		if (cwe_families[i].cwe == cwe)
			return cwe_families[i].family;
	return NULL;
}

int correlate_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			size_t la, lb;
			int c;

			while (*a == '0' && isdigit((unsigned char)a[1]))
				a++;
			while (*b == '0' && isdigit((unsigned char)b[1]))
				b++;
			for (la = 0; isdigit((unsigned char)a[la]); la++)
				;
			for (lb = 0; isdigit((unsigned char)b[lb]); lb++)
				;
			if (la != lb)
				return la < lb ? -1 : 1;
			if ((c = strncmp(a, b, la)))
				return c < 0 ? -1 : 1;
			a += la;
			b += lb;
			continue;
		}
		/* Debian's '~' sorts before everything, the end included */
		if (*a != *b) {
			if (*a == '~' || !*b)
				return *a == '~' ? -1 : 1;
			if (*b == '~' || !*a)
				return *b == '~' ? 1 : -1;
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		}
		a++;
		b++;
	}
	return 0;
}

const char *correlate_fix_version(const char *installed, const struct strlist *fixed)
{
	const char *best = NULL;
	size_t i;

	for (i = 0; fixed && i < fixed->n; i++) {
		const char *v = fixed->v[i];

		while (*v == ' ' || *v == '>' || *v == '=')
			v++;
		if (!*v || (installed && correlate_version_cmp(v, installed) <= 0))
			continue;
		if (!best || correlate_version_cmp(v, best) < 0)
			best = v;
	}
	return best;
}

bool correlate_os_package(const char *purl)
{
	return purl && (!strncmp(purl, "pkg:deb/", 8) || !strncmp(purl, "pkg:apk/", 8) ||
			!strncmp(purl, "pkg:rpm/", 8) || !strncmp(purl, "pkg:alpm/", 9));
}

/* A layer the image's own Dockerfile made by installing packages (not the base's). */
static bool installed_by_image(const char *created_by)
{
	static const char *const installs[] = { "apt-get install", "apt install", "apk add",
						"yum install", "dnf install", "microdnf install" };
	size_t i;

	for (i = 0; created_by && i < ARRAY_SIZE(installs); i++)
		if (strstr(created_by, installs[i]))
			return true;
	return false;
}

void correlate_group(struct group_key *out, const struct group_input *in, struct arena *a)
{
	char base[1024];
	const char *to;

	memset(out, 0, sizeof(*out));
	if (in->secret_hash && *in->secret_hash) {
		out->kind = GROUP_ROTATE_SECRET;
		out->gkey = arena_printf(a, "rotate %s", in->secret_hash);
		out->subject = in->rule_id ? in->rule_id : "secret";
		return;
	}
	if (in->kind != KIND_SCA && in->kind != KIND_CONTAINER)
		return;
	/* a change fixes it only when some version does */
	if (!(to = correlate_fix_version(in->version, in->fixed_versions)))
		return;
	if (in->kind == KIND_CONTAINER && correlate_os_package(in->purl) && in->base_image &&
	    !installed_by_image(in->layer_created_by)) {
		out->kind = GROUP_BASE_IMAGE;
		out->gkey = arena_printf(a, "base %s", in->base_image);
		out->subject = in->base_image;
		return;
	}
	if (!in->version || (!in->name && !in->purl))
		return;
	if (in->purl)
		fingerprint_purl_base(base, sizeof(base), in->purl);
	else
		snprintf(base, sizeof(base), "%s", in->name);
	out->kind = GROUP_UPGRADE;
	out->subject = in->name ? in->name : arena_strdup(a, base);
	out->from = in->version;
	out->to = to;
	out->gkey = arena_printf(a, "upgrade %s %s", base, in->version);
}

static const char *const group_kinds[] = {
	[GROUP_NONE] = "none",
	[GROUP_UPGRADE] = "upgrade",
	[GROUP_BASE_IMAGE] = "base_image",
	[GROUP_ROTATE_SECRET] = "rotate_secret",
};

const char *group_kind_name(enum group_kind k)
{
	return (size_t)k < ARRAY_SIZE(group_kinds) ? group_kinds[k] : "none";
}

int group_kind_parse(enum group_kind *out, const char *s)
{
	size_t i;

	for (i = 0; s && i < ARRAY_SIZE(group_kinds); i++)
		if (!strcmp(s, group_kinds[i])) {
			*out = (enum group_kind)i;
			return 0;
		}
	return P_EINVALID;
}

/* "repo:github.com/acme/shop" -> "repo github.com/acme/shop" */
static const char *location_words(struct arena *a, const char *location)
{
	const char *colon = location ? strchr(location, ':') : NULL;

	if (!colon)
		return location;
	return arena_printf(a, "%.*s %s", (int)(colon - location), location, colon + 1);
}

const char *correlate_group_title(struct arena *a, enum group_kind kind, const char *subject,
				  const char *from, const char *to, const char *location,
				  long findings, const char *where)
{
	const char *fixes = arena_printf(a, "fixes %ld finding%s%s%s", findings, findings == 1 ? "" : "s",
					 where ? " in " : "", where ? where : "");
	const char *loc = location_words(a, location);

	switch (kind) {
	case GROUP_UPGRADE:
		return arena_printf(a, "upgrade %s %s -> %s%s%s (%s)", subject, from ? from : "?",
				    to ? to : "?", loc ? " in " : "", loc ? loc : "", fixes);
	case GROUP_BASE_IMAGE:
		return arena_printf(a, "rebuild on a newer base image than %s (%s)", subject, fixes);
	case GROUP_ROTATE_SECRET:
		return arena_printf(a, "rotate this secret (%s%s%s, %s)", subject, loc ? " in " : "",
				    loc ? loc : "", fixes);
	default:
		return arena_printf(a, "%s (%s)", subject ? subject : "?", fixes);
	}
}
