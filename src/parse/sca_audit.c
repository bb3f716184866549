#include "posture.h"
#include "parse/sca_audit.h"
#include "model/ids.h"
#include "model/path.h"
#include "engine/cvss.h"
#include "util/buf.h"

#include <ctype.h>

/* Percent-encode one purl segment; `extra` are bytes allowed as they are. */
static int add_segment(struct pbuf *b, const char *s, size_t n, const char *extra)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	int ret = 0;

	for (i = 0; i < n && !ret; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~' ||
		    (c && extra && strchr(extra, c))) {
			ret = pbuf_addch(b, c);
		} else {
			ret = pbuf_addch(b, '%');
			if (!ret)
				ret = pbuf_addch(b, hex[c >> 4]);
			if (!ret)
				ret = pbuf_addch(b, hex[c & 15]);
		}
	}
	return ret;
}

const char *sca_pep503(struct arena *a, const char *name)
{
	char *out = arena_strdup(a, name);
	size_t i, n = 0;

	for (i = 0; name[i]; i++) {
		char c = name[i];

		if (c == '-' || c == '_' || c == '.') {
			if (n && out[n - 1] == '-')
				continue;
			out[n++] = '-';
		} else {
			out[n++] = (char)tolower((unsigned char)c);
		}
	}
	out[n] = '\0';
	return out;
}

static char *lower_copy(struct arena *a, const char *s)
{
	char *p = arena_strdup(a, s), *q;

	for (q = p; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	return p;
}

/* Types whose namespace is a path ("github.com/gin-gonic"): its '/'s stay as they are. */
static bool path_namespace(const char *type)
{
	return !strcmp(type, "golang") || !strcmp(type, "swift") || !strcmp(type, "githubactions");
}

const char *sca_purl(struct arena *a, const char *type, const char *name, const char *version)
{
	struct pbuf b = PBUF_INIT;
	const char *ns = NULL, *nm = name, *res = NULL;
	size_t nslen = 0;
	const char *sep;
	int ret;

	if (!type || !name || !*name)
		return NULL;
	if (!strcmp(type, "pypi")) {
		nm = sca_pep503(a, name);
	} else if (!strcmp(type, "composer")) {
		nm = lower_copy(a, name);
	}
	if (!strcmp(type, "maven"))
		sep = strchr(nm, ':');
	else if (!strcmp(type, "npm"))
		sep = nm[0] == '@' ? strchr(nm, '/') : NULL;
	else if (!strcmp(type, "composer") || path_namespace(type))
		sep = strrchr(nm, '/');
	else
		sep = NULL;
	if (sep) {
		ns = nm;
		nslen = (size_t)(sep - nm);
		nm = sep + 1;
		if (!strcmp(type, "maven") && strchr(nm, ':')) /* group:artifact:version */
			nm = arena_strndup(a, nm, strcspn(nm, ":"));
	}
	if (!*nm)
		return NULL;
	ret = pbuf_addf(&b, "pkg:%s/", type);
	if (!ret && ns) {
		/* a golang/swift namespace keeps its '/'; npm's "@" is encoded */
		ret = add_segment(&b, ns, nslen, path_namespace(type) ? "/" : NULL);
		if (!ret)
			ret = pbuf_addch(&b, '/');
	}
	if (!ret)
		ret = add_segment(&b, nm, strlen(nm), NULL);
	if (!ret && version && *version) {
		ret = pbuf_addch(&b, '@');
		if (!ret)
			ret = add_segment(&b, version, strlen(version), ":");
	}
	if (!ret)
		res = arena_strndup(a, b.buf, b.len);
	pbuf_release(&b);
	return res;
}

const char *sca_github_purl_type(const char *ecosystem)
{
	static const struct {
		const char *github, *type;
	} map[] = {
		{ "npm", "npm" }, { "pip", "pypi" }, { "maven", "maven" }, { "nuget", "nuget" },
		{ "rubygems", "gem" }, { "composer", "composer" }, { "go", "golang" },
		{ "rust", "cargo" }, { "pub", "pub" }, { "swift", "swift" }, { "erlang", "hex" },
		{ "actions", "githubactions" },
	};
	size_t i;

	for (i = 0; ecosystem && i < ARRAY_SIZE(map); i++)
		if (!strcasecmp(ecosystem, map[i].github))
			return map[i].type;
	return NULL;
}

enum severity sca_severity_word(const char *s)
{
	static const struct {
		const char *word;
		enum severity sev;
	} words[] = {
		{ "critical", SEV_CRITICAL }, { "high", SEV_HIGH }, { "important", SEV_HIGH },
		{ "moderate", SEV_MEDIUM }, { "medium", SEV_MEDIUM }, { "low", SEV_LOW },
		{ "info", SEV_INFO }, { "informational", SEV_INFO }, { "none", SEV_INFO },
		{ "negligible", SEV_INFO },
	};
	size_t i;

	if (!s)
		return SEV_NONE;
	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcasecmp(s, words[i].word))
			return words[i].sev;
	return SEV_NONE;
}

void sca_set_cvss(struct evidence *ev, const char *vector, const struct jnode *score)
{
	double v;

	if (vector) {
		if (!strncmp(vector, "CVSS:3.1/", 9)) {
			ev->cvss.version = "3.1";
		} else if (!strncmp(vector, "CVSS:3.0/", 9)) {
			ev->cvss.version = "3.0";
		} else if (!strncmp(vector, "CVSS:4.0/", 9)) {
			ev->cvss.version = "4.0";
		} else if ((!strncmp(vector, "AV:", 3) || !strncmp(vector, "(AV:", 4)) &&
			   strstr(vector, "/Au:")) {
			ev->cvss.version = "2.0";
		} else {
			vector = NULL;
		}
		ev->cvss.vector = vector;
	}
	/* json_num reads numbers and numeric strings ("7.5") alike */
	if (!json_num(score, &v))
		return;
	if (v > 0 && v <= 10) {
		ev->cvss.score = v;
		ev->cvss.has_score = true;
	}
}

bool sca_cvss_score_from_vector(struct evidence *ev)
{
	struct cvss_vector v;
	struct perr err = PERR_INIT;

	if (ev->cvss.has_score)
		return true;
	if (!ev->cvss.vector || cvss_parse(&v, ev->cvss.vector, &err) < 0)
		return false;
	ev->cvss.score = cvss_base_score(&v);
	ev->cvss.has_score = ev->cvss.score > 0;
	return ev->cvss.has_score;
}

/* One metric: the abbreviation of word (or of an abbreviation already) in `words`. */
struct metric_word {
	const char *word, *abbr;
};

/* keys: "|"-separated names the metric has been written under. */
static const char *metric_abbr(const struct jnode *metrics, const char *keys,
			       const struct metric_word *words)
{
	const struct jnode *c;
	const char *v = NULL;
	size_t i, n;

	json_for_each(c, json_is(metrics, JOBJ) ? metrics : NULL) {
		for (i = 0; !v && keys[i]; i += n + (keys[i + n] == '|')) {
			n = strcspn(keys + i, "|");
			if (strlen(c->key) == n && !memcmp(c->key, keys + i, n))
				v = json_str(c);
		}
	}
	for (i = 0; v && words[i].word; i++)
		if (!strcasecmp(v, words[i].word) || !strcasecmp(v, words[i].abbr))
			return words[i].abbr;
	return NULL;
}

static const struct metric_word av3[] = {
	{ "NETWORK", "N" }, { "ADJACENT_NETWORK", "A" }, { "ADJACENT", "A" },
	{ "LOCAL", "L" }, { "PHYSICAL", "P" }, { NULL, NULL },
};
static const struct metric_word low_high[] = {
	{ "LOW", "L" }, { "HIGH", "H" }, { NULL, NULL },
};
static const struct metric_word none_low_high[] = {
	{ "NONE", "N" }, { "LOW", "L" }, { "HIGH", "H" }, { NULL, NULL },
};
static const struct metric_word ui3[] = {
	{ "NONE", "N" }, { "REQUIRED", "R" }, { NULL, NULL },
};
static const struct metric_word scope3[] = {
	{ "UNCHANGED", "U" }, { "CHANGED", "C" }, { NULL, NULL },
};
static const struct metric_word av2[] = {
	{ "NETWORK", "N" }, { "ADJACENT_NETWORK", "A" }, { "LOCAL", "L" }, { NULL, NULL },
};
static const struct metric_word ac2[] = {
	{ "LOW", "L" }, { "MEDIUM", "M" }, { "HIGH", "H" }, { NULL, NULL },
};
static const struct metric_word au2[] = {
	{ "NONE", "N" }, { "SINGLE", "S" }, { "SINGLE_INSTANCE", "S" },
	{ "MULTIPLE", "M" }, { "MULTIPLE_INSTANCES", "M" }, { NULL, NULL },
};
static const struct metric_word impact2[] = {
	{ "NONE", "N" }, { "PARTIAL", "P" }, { "COMPLETE", "C" }, { NULL, NULL },
};

const char *sca_cvss3_vector(struct arena *a, const struct jnode *m, const char *version)
{
	const char *v[8];
	size_t i;

	v[0] = metric_abbr(m, "attackVector", av3);
	v[1] = metric_abbr(m, "attackComplexity", low_high);
	v[2] = metric_abbr(m, "privilegesRequired", none_low_high);
	v[3] = metric_abbr(m, "userInteraction", ui3);
	v[4] = metric_abbr(m, "scope", scope3);
	v[5] = metric_abbr(m, "confidentialityImpact", none_low_high);
	v[6] = metric_abbr(m, "integrityImpact", none_low_high);
	v[7] = metric_abbr(m, "availabilityImpact", none_low_high);
	for (i = 0; i < ARRAY_SIZE(v); i++)
		if (!v[i])
			return NULL;
	if (!version || strcmp(version, "3.0"))
		version = "3.1";
	return arena_printf(a, "CVSS:%s/AV:%s/AC:%s/PR:%s/UI:%s/S:%s/C:%s/I:%s/A:%s", version,
			    v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
}

const char *sca_cvss2_vector(struct arena *a, const struct jnode *m)
{
	const char *v[6];
	size_t i;

	v[0] = metric_abbr(m, "accessVector", av2);
	v[1] = metric_abbr(m, "accessComplexity", ac2);
	v[2] = metric_abbr(m, "authentication|authenticationr|authenticationr>", au2);
	v[3] = metric_abbr(m, "confidentialityImpact|confidentialImpact", impact2);
	v[4] = metric_abbr(m, "integrityImpact", impact2);
	v[5] = metric_abbr(m, "availabilityImpact", impact2);
	for (i = 0; i < ARRAY_SIZE(v); i++)
		if (!v[i])
			return NULL;
	return arena_printf(a, "AV:%s/AC:%s/Au:%s/C:%s/I:%s/A:%s", v[0], v[1], v[2], v[3], v[4],
			    v[5]);
}

bool sca_purl_split(struct sca_pkg *out, struct arena *a, const char *s)
{
	const char *rest, *slash, *at, *last;
	char *type, *path, *p;
	size_t n;

	if (!s || strncmp(s, "pkg:", 4))
		return false;
	rest = s + 4;
	while (*rest == '/')
		rest++;
	slash = strchr(rest, '/');
	if (!slash || slash == rest)
		return false;
	type = arena_strndup(a, rest, (size_t)(slash - rest));
	for (p = type; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	rest = slash + 1;
	n = strcspn(rest, "?#");
	path = arena_strndup(a, rest, n);
	/* the version follows the last '@' of the last segment */
	last = strrchr(path, '/');
	at = strrchr(last ? last : path, '@');
	out->version = NULL;
	if (at) {
		out->version = at[1] ? path_percent_decode(a, at + 1) : NULL;
		path[at - path] = '\0';
	}
	if (!*path)
		return false;
	path = path_percent_decode(a, path);
	if (!strcmp(type, "maven") && (p = strrchr(path, '/')))
		*p = ':'; /* group:artifact, the way Maven tools write it */
	out->type = type;
	out->name = path;
	return true;
}

void sca_add_ids(struct evidence *ev, struct arena *a, const struct jnode *ids)
{
	const struct jnode *c;

	if (json_is(ids, JSTR)) {
		evidence_add_vuln_id(ev, a, ids_normalize(a, ids->str));
		return;
	}
	json_for_each(c, json_is(ids, JARR) ? ids : NULL)
		if (json_str(c) && *json_str(c))
			evidence_add_vuln_id(ev, a, ids_normalize(a, json_str(c)));
}

void sca_add_cwes(struct evidence *ev, struct arena *a, const struct jnode *cwe)
{
	const struct jnode *c;

	if (json_is(cwe, JARR)) {
		json_for_each(c, cwe)
			evidence_add_cwe_text(ev, a, json_text(c));
	} else {
		evidence_add_cwe_text(ev, a, json_text(cwe));
	}
}

void sca_add_urls(struct evidence *ev, struct arena *a, const char *text)
{
	const char *p = text;

	while (p && (p = strstr(p, "http"))) {
		size_t n;

		if (strncmp(p, "http://", 7) && strncmp(p, "https://", 8)) {
			p += 4;
			continue;
		}
		n = strcspn(p, " \t\r\n)]>\"'");
		while (n && (p[n - 1] == '.' || p[n - 1] == ','))
			n--;
		strlist_add_unique(&ev->references, a, arena_strndup(a, p, n));
		p += n ? n : 4;
	}
}

const char *sca_join_first(struct arena *a, const struct jnode *arr, size_t keep)
{
	struct pbuf b = PBUF_INIT;
	const struct jnode *c;
	const char *res = NULL;
	size_t n = 0;
	int ret = 0;

	json_for_each(c, json_is(arr, JARR) ? arr : NULL) {
		const char *s = json_text(c);

		if (!s || n >= keep)
			continue;
		if (n++)
			ret = pbuf_adds(&b, " | ");
		if (!ret)
			ret = pbuf_adds(&b, s);
		if (ret)
			break;
	}
	if (n)
		res = arena_strndup(a, b.buf, b.len);
	pbuf_release(&b);
	return res;
}

void sca_prop(struct evidence *ev, struct arena *a, const char *key, const char *value)
{
	if (value && *value)
		kvlist_add(&ev->properties, a, key, value);
}

const char *sca_a_type(const struct jnode *n)
{
	if (!n)
		return "missing";
	switch (n->type) {
	case JOBJ:
		return "an object";
	case JARR:
		return "an array";
	case JSTR:
		return "a string";
	case JNUM:
		return "a number";
	case JBOOL:
		return "a boolean";
	default:
		return "null";
	}
}
