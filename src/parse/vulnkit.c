#include "posture.h"
#include "parse/vulnkit.h"
#include "model/ids.h"
#include "util/buf.h"
#include "util/hash.h"

#include <ctype.h>

enum severity vulnkit__severity_word(const char *s)
{
	static const struct {
		const char *word;
		enum severity sev;
	} words[] = {
		{ "critical", SEV_CRITICAL }, { "high", SEV_HIGH }, { "important", SEV_HIGH },
		{ "medium", SEV_MEDIUM }, { "moderate", SEV_MEDIUM }, { "low", SEV_LOW },
		{ "negligible", SEV_INFO }, { "info", SEV_INFO }, { "informational", SEV_INFO },
		{ "information", SEV_INFO },
	};
	size_t i;

	if (!s)
		return SEV_NONE;
	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcasecmp(s, words[i].word))
			return words[i].sev;
	return SEV_NONE;
}

const char *vulnkit__cvss_version(const char *v)
{
	if (!v)
		return NULL;
	if (!strncmp(v, "CVSS:4.0/", 9))
		return "4.0";
	if (!strncmp(v, "CVSS:3.1/", 9))
		return "3.1";
	if (!strncmp(v, "CVSS:3.0/", 9))
		return "3.0";
	if ((!strncmp(v, "AV:", 3) || !strncmp(v, "(AV:", 4)) && strstr(v, "Au:"))
		return "2.0";
	return NULL;
}

static int version_rank(const char *v)
{
	if (!v)
		return 0;
	if (!strcmp(v, "4.0"))
		return 4;
	if (!strcmp(v, "3.1"))
		return 3;
	if (v[0] == '3')
		return 2; /* "3.0", or "3.x" for a v3 score whose minor version is unknown */
	return 1;
}

void vulnkit__offer_cvss(struct evidence *ev, const char *version, const char *vector,
			 const double *score)
{
	const char *from_vector = vulnkit__cvss_version(vector);
	bool valid_score = score && *score >= 0 && *score <= 10;

	if (from_vector)
		version = from_vector;
	if (vector && !from_vector && !version)
		vector = NULL; /* not a vector we know; a score may still help */
	if (!vector && !valid_score)
		return;
	if (ev->cvss.vector && !vector)
		return;
	if (ev->cvss.vector && version_rank(version) <= version_rank(ev->cvss.version))
		return;
	if (!ev->cvss.vector && ev->cvss.has_score && !vector &&
	    version_rank(version) <= version_rank(ev->cvss.version))
		return;
	ev->cvss.version = version;
	ev->cvss.vector = vector;
	ev->cvss.has_score = valid_score;
	ev->cvss.score = valid_score ? *score : 0;
}

const char *vulnkit__purl_type(struct arena *a, const char *purl)
{
	size_t n;

	if (!purl || strncmp(purl, "pkg:", 4))
		return NULL;
	purl += 4;
	while (*purl == '/')
		purl++;
	n = strcspn(purl, "/@?#");
	if (!n || purl[n] != '/')
		return NULL;
	return arena_strndup(a, purl, n);
}

const char *vulnkit__secret_hash(const struct parse_opts *opts, struct arena *a,
				 const char *const *fields, size_t n)
{
	struct pbuf b = PBUF_INIT;
	char hex[65];
	size_t i;

	if (!opts->secret_key || !opts->secret_key_len)
		return NULL;
	for (i = 0; i < n; i++)
		if (pbuf_adds(&b, fields[i] ? fields[i] : "") < 0 || pbuf_addch(&b, '\0') < 0)
			break;
	hmac_sha256_hex(opts->secret_key, opts->secret_key_len, b.buf, b.len, hex);
	pbuf_release(&b);
	return arena_strdup(a, hex);
}

void vulnkit__add_strings(struct strlist *l, struct arena *a, const struct jnode *n)
{
	const struct jnode *c;

	if (json_is(n, JSTR)) {
		strlist_add_unique(l, a, n->str);
		return;
	}
	json_for_each(c, json_is(n, JARR) ? n : NULL)
		if (json_str(c) && *json_str(c))
			strlist_add_unique(l, a, json_str(c));
}

void vulnkit__add_id(struct evidence *ev, struct arena *a, const char *id)
{
	if (id && *id)
		evidence_add_vuln_id(ev, a, ids_normalize(a, id));
}

void vulnkit__fork_properties(struct evidence *one, const struct evidence *base,
			      struct arena *a)
{
	size_t k;

	memset(&one->properties, 0, sizeof(one->properties));
	for (k = 0; k < base->properties.n; k++)
		kvlist_add(&one->properties, a, base->properties.v[k].key,
			   base->properties.v[k].value);
}

void vulnkit__prop(struct kvlist *l, struct arena *a, const char *key, const char *value)
{
	if (value && *value)
		kvlist_add(l, a, key, value);
}

/* Percent-encode what a purl name segment may not contain (keeps '/' for namespaces). */
static void purl_encode(struct pbuf *b, const char *s, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int ret;

		if (isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~' ||
		    (keep_slash && c == '/'))
			ret = pbuf_addch(b, c);
		else
			ret = pbuf_addch(b, '%') < 0 ? -1 :
			      pbuf_addch(b, hex[c >> 4]) < 0 ? -1 : pbuf_addch(b, hex[c & 15]);
		if (ret < 0)
			return;
	}
}

const char *vulnkit__purl_from_osv(struct arena *a, const char *ecosystem, const char *name,
				   const char *version, const char **type_out)
{
	static const char *const map[][2] = {
		{ "npm", "npm" }, { "PyPI", "pypi" }, { "Go", "golang" }, { "crates.io", "cargo" },
		{ "Maven", "maven" }, { "RubyGems", "gem" }, { "NuGet", "nuget" },
		{ "Packagist", "composer" }, { "Pub", "pub" }, { "Hex", "hex" },
		{ "SwiftURL", "swift" }, { "Hackage", "hackage" }, { "CRAN", "cran" },
		{ "Debian", "deb" }, { "Ubuntu", "deb" }, { "Alpine", "apk" },
	};
	struct pbuf b = PBUF_INIT;
	const char *type = NULL, *res = NULL, *colon;
	size_t i, elen;
	int ret = 0;

	if (type_out)
		*type_out = NULL;
	if (!ecosystem || !name || !*name)
		return NULL;
	/* "Debian:12", "Alpine:v3.18": the release does not change the type */
	elen = strcspn(ecosystem, ":");
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (strlen(map[i][0]) == elen && !strncmp(ecosystem, map[i][0], elen))
			type = map[i][1];
	if (!type)
		return NULL;
	if (type_out)
		*type_out = type;
	ret = pbuf_addf(&b, "pkg:%s/", type);
	if (!ret && (!strcmp(type, "deb") || !strcmp(type, "apk")))
		ret = pbuf_addf(&b, "%s/", ecosystem[0] == 'U' ? "ubuntu" :
				ecosystem[0] == 'A' ? "alpine" : "debian");
	if (ret < 0)
		goto done;
	if (!strcmp(type, "maven") && (colon = strchr(name, ':'))) {
		/* "org.apache.logging.log4j:log4j-core" -> namespace/name */
		struct pbuf group = PBUF_INIT;

		if (pbuf_add(&group, name, (size_t)(colon - name)) == 0) {
			purl_encode(&b, group.buf, false);
			if (pbuf_addch(&b, '/') == 0)
				purl_encode(&b, colon + 1, false);
		}
		pbuf_release(&group);
	} else if (!strcmp(type, "pypi")) {
		/* the purl spec: PyPI names are lower case, '_' is '-' */
		char *low = arena_strdup(a, name), *q;

		for (q = low; *q; q++)
			*q = *q == '_' ? '-' : (char)tolower((unsigned char)*q);
		purl_encode(&b, low, false);
	} else {
		/* npm scopes and Go module paths are namespaces: keep their '/' */
		purl_encode(&b, name, true);
	}
	if (version && *version) {
		if (pbuf_addch(&b, '@') < 0)
			goto done;
		purl_encode(&b, version, false);
	}
	res = arena_strndup(a, b.buf, b.len);
done:
	pbuf_release(&b);
	return res;
}

const char *vulnkit__a_type(const struct jnode *n)
{
	static const char *const names[] = {
		"null", "a boolean", "a number", "a string", "an array", "an object",
	};

	return n ? names[n->type] : "missing";
}
