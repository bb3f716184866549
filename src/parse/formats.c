#include "posture.h"
#include "parse/parse.h"
#include "parse/formats.h"
#include "model/fingerprint.h"

/* The one table of formats. Detection tries them all and keeps the surest. */
static const struct format formats[] = {
	{ "sarif", "SARIF 2.1.0 (any SAST/DAST/IaC tool that writes SARIF)",
	  detect_sarif, parse_sarif },

	/* --- SBOM, VEX and container (JSON) --- */
	{ "trivy", "Trivy JSON (image, fs, repo, k8s: vulnerabilities, misconfigurations, secrets, licenses)",
	  detect_trivy, parse_trivy },
	{ "grype", "Grype JSON (image, directory or SBOM scans; ignored matches as suppressed)",
	  detect_grype, parse_grype },
	{ "cyclonedx", "CycloneDX 1.2-1.6 JSON SBOM (components as inventory; vulnerabilities and VEX analysis)",
	  detect_cyclonedx, parse_cyclonedx },
	{ "spdx", "SPDX 2.2/2.3 JSON SBOM (packages as inventory; no evidence)",
	  detect_spdx, parse_spdx },
	{ "openvex", "OpenVEX 0.2 statements (status per vulnerability and product)",
	  detect_openvex, parse_openvex },
	{ "osv-scanner", "OSV-Scanner JSON (lock files, SBOMs, images; aliased vulnerabilities grouped)",
	  detect_osv_scanner, parse_osv_scanner },
	{ "govulncheck", "govulncheck -json stream (Go; module, package or symbol-level reachability)",
	  detect_govulncheck, parse_govulncheck },
	{ "gitlab-dependency-scanning", "GitLab dependency scanning report (security report schema 14.x-15.x)",
	  detect_gitlab_dependency_scanning, parse_gitlab_dependency_scanning },
	{ "gitlab-container-scanning", "GitLab container scanning report (security report schema 14.x-15.x)",
	  detect_gitlab_container_scanning, parse_gitlab_container_scanning },
	{ "dependency-track", "Dependency-Track findings export (Finding Packaging Format 1.x JSON)",
	  detect_dependency_track, parse_dependency_track },

	/* --- dependency audit tools (JSON) --- */
	{ "npm-audit", "npm audit --json (npm 7+ and npm 6 shapes)",
	  detect_npm_audit, parse_npm_audit },
	{ "yarn-audit", "yarn audit --json (classic JSON Lines) and yarn npm audit --json (berry)",
	  detect_yarn_audit, parse_yarn_audit },
	{ "pnpm-audit", "pnpm audit --json (npm 6 shape with importer paths)",
	  detect_pnpm_audit, parse_pnpm_audit },
	{ "pip-audit", "pip-audit -f json (1.x array and 2.x object)",
	  detect_pip_audit, parse_pip_audit },
	{ "snyk", "Snyk Open Source: snyk test --json (one project or --all-projects)",
	  detect_snyk, parse_snyk },
	{ "dependabot", "GitHub Dependabot alerts REST API JSON (repository, organization, enterprise)",
	  detect_dependabot, parse_dependabot },
	{ "dependency-check", "OWASP Dependency-Check JSON report (-f JSON, reportSchema 1.1)",
	  detect_dependency_check, parse_dependency_check },
	{ "retire-js", "retire.js --outputformat json (2.x+ object and 1.x array)",
	  detect_retire_js, parse_retire_js },
	{ "cargo-audit", "cargo audit --json (RustSec vulnerabilities and informational warnings)",
	  detect_cargo_audit, parse_cargo_audit },
	{ "bundler-audit", "bundle-audit check --format json (unpatched gems, insecure sources)",
	  detect_bundler_audit, parse_bundler_audit },
	{ "composer-audit", "composer audit --format=json (advisories, abandoned packages)",
	  detect_composer_audit, parse_composer_audit },

	/* --- code and secrets (JSON, CSV) --- */
	{ "semgrep", "Semgrep JSON (--json), including Supply Chain and Secrets results",
	  detect_semgrep, parse_semgrep },
	{ "bandit", "Bandit JSON (-f json)", detect_bandit, parse_bandit },
	{ "eslint", "ESLint JSON (-f json, -f json-with-metadata)", detect_eslint, parse_eslint },
	{ "shellcheck", "ShellCheck JSON (-f json, -f json1)", detect_shellcheck, parse_shellcheck },
	{ "flawfinder-csv", "Flawfinder CSV (--csv)", detect_flawfinder_csv, parse_flawfinder_csv },
	{ "gosec", "gosec JSON (-fmt=json)", detect_gosec, parse_gosec },
	{ "brakeman", "Brakeman JSON (-f json), warnings and ignored warnings",
	  detect_brakeman, parse_brakeman },
	{ "sonarqube", "SonarQube/SonarCloud Web API: api/issues/search and api/hotspots/search JSON",
	  detect_sonarqube, parse_sonarqube },
	{ "gitlab-sast", "GitLab SAST security report (gl-sast-report.json, schemas 2.x-15.x, scan.type sast)",
	  detect_gitlab_sast, parse_gitlab_sast },
	{ "gitleaks", "Gitleaks JSON report (v8 and v7)", detect_gitleaks, parse_gitleaks },
	{ "trufflehog", "TruffleHog --json (v3 JSON Lines, v2 lines)",
	  detect_trufflehog, parse_trufflehog },
	{ "detect-secrets", "Yelp detect-secrets baseline (0.x and 1.x)",
	  detect_detect_secrets, parse_detect_secrets },
	{ "github-secret-scanning", "GitHub secret scanning alerts (REST API JSON)",
	  detect_github_secret_scanning, parse_github_secret_scanning },
	{ "gitlab-secret-detection", "GitLab secret detection report (security report schema 14.x/15.x)",
	  detect_gitlab_secret_detection, parse_gitlab_secret_detection },

	/* --- dynamic, IaC, cloud and generic --- */
	{ "zap", "OWASP ZAP JSON report (traditional-json, -plus, core jsonreport)",
	  detect_zap, parse_zap },
	{ "nuclei", "Nuclei results (JSON Lines -jsonl, JSON array -json-export)",
	  detect_nuclei, parse_nuclei },
	{ "nikto", "Nikto 2.5 JSON (-Format json)", detect_nikto, parse_nikto },
	{ "wapiti", "Wapiti 3 JSON report (-f json)", detect_wapiti, parse_wapiti },
	{ "testssl", "testssl.sh JSON (--jsonfile, --jsonfile-pretty)", detect_testssl,
	  parse_testssl },
	{ "testssl-csv", "testssl.sh CSV (--csvfile)", detect_testssl_csv, parse_testssl_csv },
	{ "checkov", "Checkov JSON (-o json), one framework or a list", detect_checkov,
	  parse_checkov },
	{ "tfsec", "tfsec JSON (-f json)", detect_tfsec, parse_tfsec },
	{ "kics", "KICS JSON report", detect_kics, parse_kics },
	{ "terrascan", "Terrascan JSON (-o json)", detect_terrascan, parse_terrascan },
	{ "hadolint", "hadolint JSON (-f json)", detect_hadolint, parse_hadolint },
	{ "kubescape", "Kubescape JSON (format version v2)", detect_kubescape, parse_kubescape },
	{ "prowler", "Prowler 3 JSON (-M json)", detect_prowler, parse_prowler },
	{ "prowler-ocsf", "Prowler 4 OCSF JSON (-M json-ocsf)", detect_prowler_ocsf,
	  parse_prowler_ocsf },
	{ "mobsf", "MobSF static analysis JSON report (Android)", detect_mobsf, parse_mobsf },
	{ "generic", "posture's generic JSON (docs/formats/generic.md)", detect_generic,
	  parse_generic },
	{ "generic-csv", "posture's generic CSV (docs/formats/generic.md)", detect_generic_csv,
	  parse_generic_csv },

	/* --- XML formats --- */
	{ "cppcheck", "Cppcheck XML results (cppcheck --xml, version 2)",
	  detect_cppcheck, parse_cppcheck },
	{ "cyclonedx-xml", "CycloneDX 1.2-1.6 XML (SBOM inventory, vulnerabilities, VEX analysis)",
	  detect_cyclonedx_xml, parse_cyclonedx_xml },
	{ "zap-xml", "OWASP ZAP XML report (traditional-xml)", detect_zap_xml, parse_zap_xml },
	{ "burp", "Burp Suite XML issue export", detect_burp, parse_burp },
	{ "pmd", "PMD XML report (pmd check -f xml)", detect_pmd, parse_pmd },
	{ "spotbugs", "SpotBugs / FindBugs XML, with FindSecBugs (spotbugs -xml:withMessages)",
	  detect_spotbugs, parse_spotbugs },
	{ "dependency-check-xml", "OWASP Dependency-Check XML report (--format XML)",
	  detect_dependency_check_xml, parse_dependency_check_xml },
	{ "nikto-xml", "Nikto XML report (nikto -Format xml, 2.1.5-2.5)", detect_nikto_xml, parse_nikto_xml },
	{ "nmap", "nmap XML (-oX): open services, TLS problems, vulners and NSE vulns results",
	  detect_nmap, parse_nmap },
	{ "sslscan", "sslscan XML (--xml): deprecated protocols, weak ciphers, certificate problems",
	  detect_sslscan, parse_sslscan },

	{ NULL, NULL, NULL, NULL },
};

const struct format *format_list(void)
{
	return formats;
}

const struct format *format_find(const char *name)
{
	const struct format *f;

	for (f = formats; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

const struct format *format_detect(const char *buf, size_t len)
{
	const struct format *f, *best = NULL;
	int score, best_score = 0;

	if (len > PARSE_DETECT_HEAD)
		len = PARSE_DETECT_HEAD;
	for (f = formats; f->name; f++) {
		score = f->detect(buf, len);
		if (score > best_score) {
			best_score = score;
			best = f;
		}
	}
	return best;
}

struct finish_ctx {
	const struct format *fmt;
	evidence_cb cb;
	void *payload;
};

static int finish(const struct evidence *ev, void *payload, struct perr *err)
{
	struct finish_ctx *fc = payload;
	struct evidence copy = *ev;
	char fp[FINGERPRINT_HEX + 1];

	if (!copy.format)
		copy.format = fc->fmt->name;
	if (!copy.fingerprint) {
		fingerprint_evidence(fp, &copy);
		copy.fingerprint = fp;
	}
	return fc->cb(&copy, fc->payload, err);
}

int parse_run(const struct format *fmt, const char *buf, size_t len,
	      const struct parse_opts *opts, evidence_cb cb, void *payload,
	      struct perr *err)
{
	static const struct parse_opts no_opts;
	struct finish_ctx fc = { fmt, cb, payload };

	return fmt->parse(buf, len, opts ? opts : &no_opts, finish, &fc, err);
}

int parse_first_char(const char *buf, size_t len)
{
	size_t i = 0;

	/* a UTF-8 byte order mark is not content */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		i = 3;
	for (; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\r' && buf[i] != '\t')
			return (unsigned char)buf[i];
	return 0;
}

bool parse_has(const char *head, size_t len, const char *needle)
{
	return memmem(head, len, needle, strlen(needle)) != NULL;
}

void parse_warn(const struct parse_opts *opts, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!opts->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	opts->warn(opts->warn_payload, msg);
}

void parse_tool_seen(const struct parse_opts *opts, const char *tool, const char *version)
{
	if (opts->tool_seen && tool)
		opts->tool_seen(opts->tool_payload, tool, version);
}

void parse_package_seen(const struct parse_opts *opts, const struct package_ref *pkg)
{
	if (opts->package_seen)
		opts->package_seen(opts->package_payload, pkg);
}
