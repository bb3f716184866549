/*
 * SPDX 2.2/2.3 JSON: an inventory only. Every package calls
 * parse_package_seen (purl from externalRefs); there is no evidence.
 * See docs/formats/spdx.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/vulnkit.h"

#include <ctype.h>

enum { REC_PACKAGE, REC_CREATION };
enum { CTX_DESCRIBES };

static const struct jrec_format spdx_records = {
	.records = { "packages[*]", "creationInfo", NULL },
	.context = { "documentDescribes", NULL },
};

struct spdx_state {
	const struct parse_opts *opts;
	bool tool_seen;
};

static const char *license_of(const struct jnode *pkg)
{
	static const char *const keys[] = { "licenseConcluded", "licenseDeclared" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *l = json_get_str(pkg, keys[i]);

		if (l && *l && strcmp(l, "NOASSERTION") && strcmp(l, "NONE"))
			return l;
	}
	return NULL;
}

static const char *purl_of(const struct jnode *pkg)
{
	const struct jnode *c;

	json_for_each(c, json_get(pkg, "externalRefs")) {
		const char *type = json_get_str(c, "referenceType");

		if (type && !strcmp(type, "purl") && json_get_str(c, "referenceLocator"))
			return json_get_str(c, "referenceLocator");
	}
	return NULL;
}

/* The document's subject ("the image", "the directory") is not one of its packages. */
static bool is_described(const struct jrec *rec, const char *id)
{
	const struct jnode *c;

	json_for_each(c, rec->ctx[CTX_DESCRIBES])
		if (id && json_str(c) && !strcmp(json_str(c), id))
			return true;
	return false;
}

/*
 * creationInfo.creators: "Tool: syft-1.18.1", "Tool: trivy-0.56.2",
 * "Tool: spdx-sbom-generator-v0.0.13": the version starts after the last
 * '-' that is followed by a digit (or 'v' and a digit).
 */
static void split_tool(struct arena *a, const char *creator, const char **name,
		       const char **version)
{
	const char *s = creator + strlen("Tool:"), *dash = NULL, *p;

	while (*s == ' ')
		s++;
	for (p = s; *p; p++)
		if (*p == '-' && (isdigit((unsigned char)p[1]) ||
				  (p[1] == 'v' && isdigit((unsigned char)p[2]))))
			dash = p;
	if (!dash || dash == s) {
		*name = s;
		*version = NULL;
		return;
	}
	*name = arena_strndup(a, s, (size_t)(dash - s));
	*version = dash + 1;
}

static void read_creators(struct spdx_state *st, const struct jrec *rec)
{
	const struct jnode *c;

	json_for_each(c, json_get(rec->node, "creators")) {
		const char *s = json_str(c), *name, *version;

		if (!s || strncmp(s, "Tool:", 5))
			continue;
		split_tool(rec->arena, s, &name, &version);
		if (*name) {
			parse_tool_seen(st->opts, name, version);
			st->tool_seen = true;
		}
	}
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct spdx_state *st = payload;
	const struct jnode *p = rec->node;
	struct package_ref pkg;

	if (rec->which == REC_CREATION) {
		read_creators(st, rec);
		return 0;
	}
	if (!json_is(p, JOBJ))
		return perr_set(err, P_EINVALID, "the package is %s, not an object",
				vulnkit__a_type(p));
	memset(&pkg, 0, sizeof(pkg));
	pkg.ref = json_get_str(p, "SPDXID");
	if (is_described(rec, pkg.ref))
		return 0;
	pkg.name = json_get_str(p, "name");
	pkg.version = json_get_str(p, "versionInfo");
	pkg.purl = purl_of(p);
	pkg.ecosystem = vulnkit__purl_type(rec->arena, pkg.purl);
	pkg.license = license_of(p);
	if (pkg.name || pkg.purl)
		parse_package_seen(st->opts, &pkg);
	return 0;
}

int detect_spdx(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"spdxVersion\""))
		return 0;
	return parse_has(head, len, "\"SPDX-") ? 100 : 60;
}

int parse_spdx(const char *buf, size_t len, const struct parse_opts *opts,
	       evidence_cb cb, void *payload, struct perr *err)
{
	struct spdx_state st = { opts, false };
	long n = jrec_parse(buf, len, &spdx_records, &opts->stream, on_record, &st, err);

	if (n < 0)
		return (int)n;
	/* no "Tool:" creator: the document still came from somewhere */
	if (!st.tool_seen)
		parse_tool_seen(opts, "spdx", NULL);
	return 0;
}
