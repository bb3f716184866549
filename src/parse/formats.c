#include "posture.h"
#include "parse/parse.h"
#include "parse/formats.h"
#include "model/fingerprint.h"

/* The one table of formats. Detection tries them all and keeps the surest. */
static const struct format formats[] = {
	{ "sarif", "SARIF 2.1.0 (any SAST/DAST/IaC tool that writes SARIF)",
	  detect_sarif, parse_sarif },

	/* --- SBOM, VEX and container (JSON) --- */

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

	/* --- code and secrets (JSON, CSV) --- */
	{ "semgrep", "Semgrep JSON (--json), including Supply Chain and Secrets results",
	  detect_semgrep, parse_semgrep },
	{ "bandit", "Bandit JSON (-f json)", detect_bandit, parse_bandit },
	{ "eslint", "ESLint JSON (-f json, -f json-with-metadata)", detect_eslint, parse_eslint },
	{ "shellcheck", "ShellCheck JSON (-f json, -f json1)", detect_shellcheck, parse_shellcheck },
	{ "flawfinder-csv", "Flawfinder CSV (--csv)", detect_flawfinder_csv, parse_flawfinder_csv },
	{ "gosec", "gosec JSON (-fmt=json)", detect_gosec, parse_gosec },

	/* --- dynamic, IaC, cloud and generic --- */

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
