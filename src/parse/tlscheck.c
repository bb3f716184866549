#include "posture.h"
#include "parse/tlscheck.h"

#include <ctype.h>

const char *tls_protocol(const char *type, const char *version)
{
	static const struct {
		const char *type, *version, *name;
	} names[] = {
		{ "ssl", "2", "SSLv2" }, { "ssl", "2.0", "SSLv2" }, { "ssl", "3", "SSLv3" },
		{ "ssl", "3.0", "SSLv3" }, { "tls", "1.0", "TLSv1.0" }, { "tls", "1", "TLSv1.0" },
		{ "tls", "1.1", "TLSv1.1" }, { "tls", "1.2", "TLSv1.2" }, { "tls", "1.3", "TLSv1.3" },
	};
	static const char *const keys[] = { "SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3" };
	size_t i;

	if (!type)
		return NULL;
	if (!version) {
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			if (!strcmp(type, keys[i]))
				return keys[i];
		return NULL;
	}
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcasecmp(type, names[i].type) && !strcmp(version, names[i].version))
			return names[i].name;
	return NULL;
}

enum severity tls_protocol_severity(const char *protocol)
{
	if (!protocol)
		return SEV_NONE;
	if (!strcmp(protocol, "SSLv2") || !strcmp(protocol, "SSLv3"))
		return SEV_HIGH;
	if (!strcmp(protocol, "TLSv1.0") || !strcmp(protocol, "TLSv1.1"))
		return SEV_MEDIUM;
	return SEV_NONE;
}

const char *tls_protocol_rule(struct arena *a, const char *protocol)
{
	char *r = arena_printf(a, "tls-%s-enabled", protocol), *p;

	for (p = r; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return r;
}

const char *tls_url(struct arena *a, const char *host, const char *port)
{
	if (!host || !*host)
		return NULL;
	if (strchr(host, ':') && host[0] != '[')
		return port ? arena_printf(a, "https://[%s]:%s", host, port) : arena_printf(a, "https://[%s]", host);
	return port ? arena_printf(a, "https://%s:%s", host, port) : arena_printf(a, "https://%s", host);
}

bool tls_weak_signature(const char *alg)
{
	/* "md5WithRSAEncryption", "sha1WithRSAEncryption", "ecdsa-with-SHA1" */
	static const char *const weak[] = { "md2", "md4", "md5", "sha1" };
	size_t i, n, k;

	if (!alg)
		return false;
	n = strlen(alg);
	for (i = 0; i < ARRAY_SIZE(weak); i++) {
		k = strlen(weak[i]);
		if (n >= k && !strncasecmp(alg, weak[i], k) && !isdigit((unsigned char)alg[k]))
			return true;
		if (n > k && !strcasecmp(alg + n - k, weak[i]) && !isalnum((unsigned char)alg[n - k - 1]))
			return true;
	}
	return false;
}

void tls_evidence(struct evidence *ev, const char *rule, const char *title, enum severity sev,
		  const char *url)
{
	ev->kind = KIND_DAST;
	ev->rule_id = rule;
	ev->rule_name = rule;
	ev->title = title;
	ev->severity = sev;
	ev->loc.url = url;
}
