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
DECLARE_FORMAT(trivy);
DECLARE_FORMAT(grype);
DECLARE_FORMAT(cyclonedx);
DECLARE_FORMAT(spdx);
DECLARE_FORMAT(openvex);
DECLARE_FORMAT(osv_scanner);
DECLARE_FORMAT(govulncheck);
DECLARE_FORMAT(gitlab_dependency_scanning);
DECLARE_FORMAT(gitlab_container_scanning);
DECLARE_FORMAT(dependency_track);

/* --- dependency audit tools (JSON) --- */
DECLARE_FORMAT(npm_audit);
DECLARE_FORMAT(yarn_audit);
DECLARE_FORMAT(pnpm_audit);
DECLARE_FORMAT(pip_audit);
DECLARE_FORMAT(snyk);
DECLARE_FORMAT(dependabot);
DECLARE_FORMAT(dependency_check);
DECLARE_FORMAT(retire_js);
DECLARE_FORMAT(cargo_audit);
DECLARE_FORMAT(bundler_audit);
DECLARE_FORMAT(composer_audit);

/* --- code and secrets (JSON, CSV) --- */
DECLARE_FORMAT(semgrep);
DECLARE_FORMAT(bandit);
DECLARE_FORMAT(eslint);
DECLARE_FORMAT(shellcheck);
DECLARE_FORMAT(flawfinder_csv);
DECLARE_FORMAT(gosec);
DECLARE_FORMAT(brakeman);
DECLARE_FORMAT(sonarqube);
DECLARE_FORMAT(gitlab_sast);
DECLARE_FORMAT(gitleaks);
DECLARE_FORMAT(trufflehog);
DECLARE_FORMAT(detect_secrets);
DECLARE_FORMAT(github_secret_scanning);
DECLARE_FORMAT(gitlab_secret_detection);

/* --- dynamic, IaC, cloud and generic --- */
DECLARE_FORMAT(zap);
DECLARE_FORMAT(nuclei);
DECLARE_FORMAT(nikto);
DECLARE_FORMAT(wapiti);
DECLARE_FORMAT(testssl);
DECLARE_FORMAT(testssl_csv);
DECLARE_FORMAT(checkov);
DECLARE_FORMAT(tfsec);
DECLARE_FORMAT(kics);
DECLARE_FORMAT(terrascan);
DECLARE_FORMAT(hadolint);
DECLARE_FORMAT(kubescape);
DECLARE_FORMAT(prowler);
DECLARE_FORMAT(prowler_ocsf);
DECLARE_FORMAT(mobsf);
DECLARE_FORMAT(generic);
DECLARE_FORMAT(generic_csv);

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
