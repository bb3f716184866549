#include "posture.h"
#include "inventory/asset.h"
#include "model/fingerprint.h"

#include <ctype.h>

static const char *const kind_names[ASSET__COUNT] = {
	[ASSET_REPO] = "repo", [ASSET_IMAGE] = "image", [ASSET_SERVICE] = "service",
	[ASSET_URL] = "url", [ASSET_API] = "api", [ASSET_PACKAGE] = "package",
	[ASSET_CLOUD] = "cloud",
};

const char *asset_kind_name(enum asset_kind k)
{
	return (unsigned)k < ASSET__COUNT ? kind_names[k] : "unknown";
}

int asset_kind_parse(enum asset_kind *out, const char *s)
{
	size_t i;

	for (i = 0; i < ASSET__COUNT; i++)
		if (s && !strcmp(s, kind_names[i])) {
			*out = (enum asset_kind)i;
			return 0;
		}
	return P_EINVALID;
}

/* Trimmed copy of raw, or NULL when it is empty, too long or holds control characters. */
static char *trimmed(struct arena *a, const char *raw)
{
	size_t n, i;

	if (!raw)
		return NULL;
	while (*raw == ' ' || *raw == '\t')
		raw++;
	n = strlen(raw);
	while (n && (raw[n - 1] == ' ' || raw[n - 1] == '\t'))
		n--;
	if (!n || n > ASSET_MAX)
		return NULL;
	for (i = 0; i < n; i++)
		if ((unsigned char)raw[i] < 0x20 || raw[i] == 0x7f)
			return NULL;
	return arena_strndup(a, raw, n);
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void strip_suffix(char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	if (n > m && !strcmp(s + n - m, suffix))
		s[n - m] = '\0';
}

static void strip_slashes(char *s)
{
	size_t n = strlen(s);

	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
}

static const char *repo_ident(struct arena *a, char *s)
{
	char *p = strstr(s, "://"), *slash, *colon, *at;

	lower(s);
	if (p) {
		s = p + 3;
		slash = s + strcspn(s, "/");
		at = memchr(s, '@', (size_t)(slash - s));
		if (at)
			s = at + 1;
	} else {
		/* scp-like "git@host:owner/name" */
		slash = s + strcspn(s, "/");
		colon = memchr(s, ':', (size_t)(slash - s));
		if (colon) {
			at = memchr(s, '@', (size_t)(colon - s));
			if (at)
				s = at + 1;
			*colon = '/';
		}
	}
	strip_slashes(s);
	strip_suffix(s, ".git");
	strip_slashes(s);
	return *s && strcmp(s, "/") ? s : NULL;
}

static const char *image_ident(struct arena *a, char *s)
{
	char *at = strchr(s, '@'), *last_slash, *colon, *first_slash;
	bool has_registry;

	lower(s);
	if (at)
		*at = '\0';
	last_slash = strrchr(s, '/');
	colon = strrchr(s, ':');
	if (colon && (!last_slash || colon > last_slash))
		*colon = '\0';
	strip_slashes(s);
	if (!*s)
		return NULL;
	first_slash = strchr(s, '/');
	has_registry = first_slash &&
		       (memchr(s, '.', (size_t)(first_slash - s)) || memchr(s, ':', (size_t)(first_slash - s)) ||
			!strncmp(s, "localhost/", 10));
	if (!has_registry)
		return arena_printf(a, "docker.io/%s%s", first_slash ? "" : "library/", s);
	if (!strncmp(s, "index.docker.io/", 16))
		return arena_printf(a, "docker.io/%s", s + 16);
	if (!strncmp(s, "registry-1.docker.io/", 21))
		return arena_printf(a, "docker.io/%s", s + 21);
	return s;
}

static const char *url_ident(struct arena *a, const char *s)
{
	const char *p = strstr(s, "://"), *host, *at, *path;
	size_t schemelen, hostlen, pathlen;
	char *scheme, *h, *out;

	if (!p || p == s || strcspn(s, "/?#") < (size_t)(p - s))
		return url_ident(a, arena_printf(a, "https://%s", s));
	schemelen = (size_t)(p - s);
	host = p + 3;
	hostlen = strcspn(host, "/?#");
	at = memchr(host, '@', hostlen);
	if (at) {
		hostlen -= (size_t)(at + 1 - host);
		host = at + 1;
	}
	if (!hostlen)
		return NULL;
	path = host + hostlen;
	pathlen = strcspn(path, "?#");
	while (pathlen && path[pathlen - 1] == '/')
		pathlen--;
	scheme = arena_strndup(a, s, schemelen);
	lower(scheme);
	h = arena_strndup(a, host, hostlen);
	lower(h);
	if ((!strcmp(scheme, "https") && strlen(h) > 4 && !strcmp(h + strlen(h) - 4, ":443")) ||
	    (!strcmp(scheme, "http") && strlen(h) > 3 && !strcmp(h + strlen(h) - 3, ":80")))
		*strrchr(h, ':') = '\0';
	out = arena_printf(a, "%s://%s%.*s", scheme, h, (int)pathlen, path);
	return out;
}

const char *asset_ident(struct arena *a, enum asset_kind k, const char *raw)
{
	char *s = trimmed(a, raw);
	char base[ASSET_MAX + 1];

	if (!s)
		return NULL;
	switch (k) {
	case ASSET_REPO:
		return repo_ident(a, s);
	case ASSET_IMAGE:
		return image_ident(a, s);
	case ASSET_URL:
	case ASSET_API:
		return url_ident(a, s);
	case ASSET_PACKAGE:
		if (strncmp(s, "pkg:", 4) || !s[4])
			return NULL;
		fingerprint_purl_base(base, sizeof(base), s);
		return arena_strdup(a, base);
	case ASSET_SERVICE:
	case ASSET_CLOUD:
	case ASSET__COUNT:
		break;
	}
	return s;
}

const char *asset_key(struct arena *a, enum asset_kind k, const char *ident)
{
	if ((k == ASSET_URL || k == ASSET_API) && strstr(ident, "://"))
		return asset_url_key(a, ident);
	return arena_printf(a, "%s:%s", asset_kind_name(k), ident);
}

const char *asset_image_digest(struct arena *a, const char *ref)
{
	const char *at = ref ? strchr(ref, '@') : NULL;

	if (!at || strncmp(at + 1, "sha256:", 7) || !at[8])
		return NULL;
	return trimmed(a, at + 1);
}

const char *asset_url_key(struct arena *a, const char *url_ident)
{
	const char *p = strstr(url_ident, "://");

	return arena_printf(a, "url:%s", p ? p + 3 : url_ident);
}

bool asset_url_key_parent(char *key)
{
	char *slash;

	if (strncmp(key, "url:", 4))
		return false;
	slash = strrchr(key + 4, '/');
	if (!slash)
		return false;
	*slash = '\0';
	return true;
}

const char *asset_arn_account(struct arena *a, const char *arn)
{
	const char *p = arn;
	size_t field, n;

	if (!arn || strncmp(arn, "arn:", 4))
		return NULL;
	/* arn:partition:service:region:account:resource */
	for (field = 0; field < 4; field++) {
		p = strchr(p, ':');
		if (!p)
			return NULL;
		p++;
	}
	n = strcspn(p, ":");
	if (!n || !p[n])
		return NULL;
	return arena_strndup(a, p, n);
}

const char *asset_repo_path(const char *repo_ident)
{
	const char *slash = strchr(repo_ident, '/');

	if (!slash || !memchr(repo_ident, '.', (size_t)(slash - repo_ident)) || !slash[1])
		return NULL;
	return slash + 1;
}
