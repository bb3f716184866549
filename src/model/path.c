#include "posture.h"
#include "model/path.h"
#include "util/utf8.h"

#include <ctype.h>

bool path_is_uri(const char *s)
{
	const char *p = s;

	if (!isalpha((unsigned char)*p))
		return false;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	/* "C:\..." and "C:/..." are Windows drive letters, not schemes */
	return *p == ':' && p - s > 1;
}


char *path_percent_decode(struct arena *arena, const char *s)
{
	char *out = arena_strdup(arena, s), *o = out;
	const char *p;

	for (p = s; *p; p++) {
		int hi, lo;

		if (*p == '%' && (hi = hex_digit(p[1])) >= 0 && (lo = hex_digit(p[2])) >= 0 &&
		    (hi || lo)) {
			*o++ = (char)(hi * 16 + lo);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

/*
 * "/home/runner/work/<repo>/<repo>/" (GitHub-hosted runners) and
 * "/github/workspace/" (container actions): the checkout root.
 */
static const char *strip_ci_prefix(const char *p)
{
	static const char gh[] = "/home/runner/work/";
	static const char ghc[] = "/github/workspace/";

	if (!strncmp(p, gh, sizeof(gh) - 1)) {
		const char *repo = p + sizeof(gh) - 1;
		size_t n = strcspn(repo, "/");

		if (repo[n] == '/' && !strncmp(repo + n + 1, repo, n) && repo[2 * n + 1] == '/')
			return repo + 2 * n + 2;
	}
	if (!strncmp(p, ghc, sizeof(ghc) - 1))
		return p + sizeof(ghc) - 1;
	return p;
}

const char *path_normalize(struct arena *arena, const char *s)
{
	const char *p = s;
	bool decoded = false;

	if (!s)
		return NULL;
	if (!strncasecmp(p, "file://", 7)) {
		p += 7;
		/* file://host/path: only an empty host or localhost is local */
		if (!strncasecmp(p, "localhost/", 10))
			p += 9;
		p = path_percent_decode(arena, p);
		decoded = true;
		/* file:///C:/x -> C:/x */
		if (p[0] == '/' && isalpha((unsigned char)p[1]) && p[2] == ':')
			p++;
	} else if (!strncasecmp(p, "file:", 5) && p[5] != '/') {
		p += 5;
	} else if (path_is_uri(p)) {
		return s;
	} else if (strchr(p, '%')) {
		/* SARIF uris are percent-encoded even when relative */
		p = path_percent_decode(arena, p);
		decoded = true;
	}
	p = strip_ci_prefix(p);
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	if (!decoded && p == s)
		return s;
	return p;
}
