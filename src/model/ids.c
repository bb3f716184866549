#include "posture.h"
#include "model/ids.h"

#include <ctype.h>

static size_t cve_len(const char *s)
{
	size_t i, n;

	if (!s)
		return 0;
	if (strncasecmp(s, "CVE-", 4))
		return 0;
	for (i = 4; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	if (s[8] != '-')
		return 0;
	for (i = 9, n = 0; isdigit((unsigned char)s[i]); i++, n++)
		;
	return n >= 4 ? i : 0;
}

static size_t ghsa_len(const char *s)
{
	size_t i, g;

	if (!s)
		return 0;
	if (strncasecmp(s, "GHSA", 4))
		return 0;
	for (i = 4, g = 0; g < 3; g++) {
		size_t k;

		if (s[i] != '-')
			return 0;
		i++;
		for (k = 0; k < 4; k++, i++)
			if (!isalnum((unsigned char)s[i]))
				return 0;
	}
	return i;
}

bool ids_is_cve(const char *s)
{
	size_t n = cve_len(s);

	return n && !s[n];
}

bool ids_is_ghsa(const char *s)
{
	size_t n = ghsa_len(s);

	return n && !s[n];
}

bool ids_is_vuln_id(const char *s)
{
	static const char *const prefixes[] = {
		"PYSEC-", "GO-", "RUSTSEC-", "OSV-", "GSD-", "SNYK-", "NSWG-", "RHSA-",
		"DSA-", "DLA-", "USN-", "ALAS", "ELSA-", "OTRS-", "MAL-", "BIT-",
		"CGA-", "DEBIAN-", "UBUNTU-", "ALPINE-", "TEMP-", "NPM-", "GMS-",
	};
	size_t i;

	if (!s)
		return false;
	if (ids_is_cve(s) || ids_is_ghsa(s))
		return true;
	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncasecmp(s, prefixes[i], strlen(prefixes[i])) &&
		    s[strlen(prefixes[i])])
			return true;
	return false;
}

const char *ids_normalize(struct arena *arena, const char *id)
{
	char *p;
	size_t i;

	if (!cve_len(id) && !ghsa_len(id))
		return id;
	p = arena_strdup(arena, id);
	for (i = 0; i < 4; i++)
		p[i] = (char)toupper((unsigned char)p[i]);
	if (ghsa_len(p)) /* GHSA ids are lower-case after the prefix */
		for (i = 4; p[i]; i++)
			p[i] = (char)tolower((unsigned char)p[i]);
	return p;
}

size_t ids_scan_text(struct evidence *ev, struct arena *arena, const char *text)
{
	const char *p;
	size_t found = 0, n;

	if (!text)
		return 0;
	for (p = text; *p; p++) {
		/* most text has no id: look twice only at a 'C' or 'G' that starts a word */
		if ((*p | 0x20) != 'c' && (*p | 0x20) != 'g')
			continue;
		if (p != text && isalnum((unsigned char)p[-1]))
			continue;
		if ((n = cve_len(p)) || (n = ghsa_len(p))) {
			if (isalnum((unsigned char)p[n]))
				continue;
			evidence_add_vuln_id(ev, arena,
					     ids_normalize(arena, arena_strndup(arena, p, n)));
			found++;
			p += n - 1;
		}
	}
	return found;
}
