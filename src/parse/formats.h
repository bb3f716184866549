/*
 * Internal to src/parse: every format's detect and parse functions, for
 * the table in formats.c. Add one pair per format, in the table's order.
 */
#ifndef POSTURE_PARSE_FORMATS_H
#define POSTURE_PARSE_FORMATS_H

#include "parse/parse.h"

#define DECLARE_FORMAT(name)                                                   \
	int detect_##name(const char *head, size_t len);                       \
	int parse_##name(const char *buf, size_t len, const struct parse_opts *opts, \
			 evidence_cb cb, void *payload, struct perr *err)

DECLARE_FORMAT(sarif);

/* --- SBOM, VEX and container (JSON) --- */

/* --- dependency audit tools (JSON) --- */
DECLARE_FORMAT(npm_audit);
DECLARE_FORMAT(yarn_audit);
DECLARE_FORMAT(pnpm_audit);
DECLARE_FORMAT(pip_audit);
DECLARE_FORMAT(snyk);

/* --- code and secrets (JSON, CSV) --- */
DECLARE_FORMAT(semgrep);
DECLARE_FORMAT(bandit);
DECLARE_FORMAT(eslint);
DECLARE_FORMAT(shellcheck);
DECLARE_FORMAT(flawfinder_csv);
DECLARE_FORMAT(gosec);

/* --- dynamic, IaC, cloud and generic --- */

/* --- XML formats --- */
DECLARE_FORMAT(cppcheck);
DECLARE_FORMAT(cyclonedx_xml);
DECLARE_FORMAT(zap_xml);
DECLARE_FORMAT(burp);
DECLARE_FORMAT(pmd);
DECLARE_FORMAT(spotbugs);
DECLARE_FORMAT(dependency_check_xml);
DECLARE_FORMAT(nikto_xml);
DECLARE_FORMAT(nmap);
DECLARE_FORMAT(sslscan);

#endif
