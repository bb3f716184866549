/*
 * Unit tests for the severity rules of the SpotBugs, Dependency-Check,
 * Nikto, nmap and sslscan XML parsers (src/parse/xml_severity.h).
 */
#include "posture.h"
#include "parse/parse.h"
#include "parse/xml_severity.h"
#include "parse/tlscheck.h"
#include "util/file.h"

#include <setjmp.h>
#include <cmocka.h>

/* SpotBugs' rank bands, as its SARIF writer maps them to levels. */
static void test_xml_more__spotbugs_rank(void **state)
{
	assert_int_equal(spotbugs__severity(0), SEV_NONE);
	assert_int_equal(spotbugs__severity(1), SEV_HIGH);   /* scariest */
	assert_int_equal(spotbugs__severity(4), SEV_HIGH);
	assert_int_equal(spotbugs__severity(5), SEV_HIGH);   /* scary */
	assert_int_equal(spotbugs__severity(9), SEV_HIGH);
	assert_int_equal(spotbugs__severity(10), SEV_MEDIUM); /* troubling */
	assert_int_equal(spotbugs__severity(14), SEV_MEDIUM);
	assert_int_equal(spotbugs__severity(15), SEV_LOW);    /* of concern */
	assert_int_equal(spotbugs__severity(20), SEV_LOW);
	assert_int_equal(spotbugs__severity(21), SEV_NONE);
	assert_int_equal(spotbugs__confidence(1), CONF_HIGH);
	assert_int_equal(spotbugs__confidence(2), CONF_MEDIUM);
	assert_int_equal(spotbugs__confidence(3), CONF_LOW);
	assert_int_equal(spotbugs__confidence(4), CONF_LOW);
	assert_int_equal(spotbugs__confidence(5), CONF_NONE);
}

static void test_xml_more__dc_location_path(void **state)
{
	struct arena a = ARENA_INIT;

	assert_null(dc__location_path(&a, NULL));
	assert_null(dc__location_path(&a, ""));
	/* as the JSON parser does (see the NEEDSWORK in dependency_check_xml.c) */
	assert_string_equal(dc__location_path(&a, "/root/.m2/repository/org/x/x/1.0/x-1.0.jar"),
			    "/root/.m2/repository/org/x/x/1.0/x-1.0.jar");
	assert_string_equal(dc__location_path(&a, "/home/runner/work/app/app/web/package-lock.json?lodash"),
			    "web/package-lock.json");
	assert_string_equal(dc__location_path(&a, "/srv/app/lib/struts2-core-2.3.16.jar"),
			    "/srv/app/lib/struts2-core-2.3.16.jar");
	arena_release(&a);
}

struct dc_seen {
	char cvss[8][96];
	long n, packages;
	char last_pkg[160];
};

static int dc_evidence(const struct evidence *ev, void *payload, struct perr *err)
{
	struct dc_seen *s = payload;

	if (s->n < 8)
		snprintf(s->cvss[s->n], sizeof(s->cvss[0]), "%s %s %.1f", ev->cvss.version ? ev->cvss.version : "-",
			 ev->cvss.vector ? ev->cvss.vector : "-", ev->cvss.score);
	s->n++;
	return 0;
}

static void dc_package(void *payload, const struct package_ref *pkg)
{
	struct dc_seen *s = payload;

	s->packages++;
	snprintf(s->last_pkg, sizeof(s->last_pkg), "%s %s %s %s %s %s", pkg->purl ? pkg->purl : "-",
		 pkg->name, pkg->version ? pkg->version : "-", pkg->ecosystem ? pkg->ecosystem : "-",
		 pkg->path ? pkg->path : "-", pkg->license ? pkg->license : "-");
}

#define DC_HEAD "<analysis xmlns=\"https://jeremylong.github.io/DependencyCheck/dependency-check.4.1.xsd\">" \
	"<dependencies><dependency><fileName>x.jar</fileName><vulnerabilities>"
#define DC_TAIL "</vulnerabilities></dependency></dependencies></analysis>"

/* CVSS words -> vectors: complete metrics only, and v3 needs its version. */
static void test_xml_more__dc_cvss_words(void **state)
{
	static const char doc[] = DC_HEAD
		"<vulnerability source=\"NVD\"><name>CVE-2021-0001</name><cvssV3><baseScore>9.8</baseScore>"
		"<attackVector>NETWORK</attackVector><attackComplexity>LOW</attackComplexity>"
		"<privilegesRequired>NONE</privilegesRequired><userInteraction>NONE</userInteraction>"
		"<scope>UNCHANGED</scope><confidentialityImpact>HIGH</confidentialityImpact>"
		"<integrityImpact>HIGH</integrityImpact><availabilityImpact>HIGH</availabilityImpact>"
		"<version>3.0</version></cvssV3></vulnerability>"
		/* no version: the score only */
		"<vulnerability source=\"NVD\"><name>CVE-2021-0002</name><cvssV3><baseScore>5.3</baseScore>"
		"<attackVector>NETWORK</attackVector><attackComplexity>LOW</attackComplexity>"
		"<privilegesRequired>NONE</privilegesRequired><userInteraction>NONE</userInteraction>"
		"<scope>UNCHANGED</scope><confidentialityImpact>LOW</confidentialityImpact>"
		"<integrityImpact>NONE</integrityImpact><availabilityImpact>NONE</availabilityImpact>"
		"</cvssV3></vulnerability>"
		/* a word that is not CVSS: no vector; v2 with the old element names */
		"<vulnerability source=\"NVD\"><name>CVE-2021-0003</name><cvssV2><score>6.8</score>"
		"<accessVector>NETWORK</accessVector><accessComplexity>MEDIUM</accessComplexity>"
		"<authenticationr>NONE</authenticationr><confidentialImpact>PARTIAL</confidentialImpact>"
		"<integrityImpact>PARTIAL</integrityImpact><availabilityImpact>PARTIAL</availabilityImpact>"
		"</cvssV2></vulnerability>"
		"<vulnerability source=\"NVD\"><name>CVE-2021-0004</name><cvssV2><score>4.0</score>"
		"<accessVector>SOMEWHERE</accessVector><accessComplexity>MEDIUM</accessComplexity>"
		"<authenticationr>NONE</authenticationr><confidentialImpact>PARTIAL</confidentialImpact>"
		"<integrityImpact>NONE</integrityImpact><availabilityImpact>NONE</availabilityImpact>"
		"</cvssV2></vulnerability>"
		/* v4 wins over v3 */
		"<vulnerability source=\"NVD\"><name>CVE-2024-0005</name><cvssV3><baseScore>7.5</baseScore>"
		"</cvssV3><cvssV4><version>4.0</version><vectorString>CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/"
		"VC:H/VI:N/VA:N/SC:N/SI:N/SA:N</vectorString><baseScore>8.7</baseScore></cvssV4>"
		"</vulnerability>" DC_TAIL;
	struct perr err = PERR_INIT;
	struct parse_opts opts;
	struct dc_seen s;

	memset(&opts, 0, sizeof(opts));
	memset(&s, 0, sizeof(s));
	assert_int_equal(parse_run(format_find("dependency-check-xml"), doc, sizeof(doc) - 1, &opts,
				   dc_evidence, &s, &err), 0);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.cvss[0], "3.0 CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H 9.8");
	assert_string_equal(s.cvss[1], "- - 5.3");
	assert_string_equal(s.cvss[2], "2.0 AV:N/AC:M/Au:N/C:P/I:P/A:P 6.8");
	assert_string_equal(s.cvss[3], "2.0 - 4.0");
	assert_string_equal(s.cvss[4], "4.0 CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N 8.7");
}

/* Every dependency is inventory, vulnerable or not. */
static void test_xml_more__dc_packages(void **state)
{
	struct perr err = PERR_INIT;
	struct parse_opts opts;
	struct dc_seen s;
	char *buf = NULL;
	size_t len = 0;

	if (pfile_slurp(&buf, &len, "tests/fixtures/dependency-check-xml/app.xml", 1u << 24, &err) < 0)
		fail_msg("%s", err.msg);
	memset(&opts, 0, sizeof(opts));
	memset(&s, 0, sizeof(s));
	opts.package_seen = dc_package;
	opts.package_payload = &s;
	assert_int_equal(parse_run(format_find("dependency-check-xml"), buf, len, &opts, dc_evidence,
				   &s, &err), 0);
	assert_int_equal(s.n, 7);
	assert_int_equal(s.packages, 5);
	assert_string_equal(s.last_pkg, "pkg:javascript/jquery@3.4.1 jquery 3.4.1 javascript "
			    "src/main/resources/static/js/jquery-3.4.1.min.js -");
	free(buf);
}

static void test_xml_more__nikto_severity(void **state)
{
	assert_int_equal(nikto__severity(0, false), SEV_INFO);
	assert_int_equal(nikto__severity(397, false), SEV_LOW);
	assert_int_equal(nikto__severity(0, true), SEV_LOW);
}

static void test_xml_more__nmap_grades(void **state)
{
	assert_int_equal(nmap__grade_severity(NULL), SEV_NONE);
	assert_int_equal(nmap__grade_severity("A"), SEV_NONE);
	assert_int_equal(nmap__grade_severity("B"), SEV_LOW);
	assert_int_equal(nmap__grade_severity("C"), SEV_MEDIUM);
	assert_int_equal(nmap__grade_severity("E"), SEV_MEDIUM);
	assert_int_equal(nmap__grade_severity("F"), SEV_HIGH);
	assert_int_equal(nmap__grade_severity("AB"), SEV_NONE);
	assert_int_equal(nmap__grade_severity("unknown"), SEV_NONE);
}

/* One vocabulary for nmap and sslscan. */
static void test_xml_more__tls_rules(void **state)
{
	struct arena a = ARENA_INIT;

	assert_string_equal(tls_protocol("TLSv1.0", NULL), "TLSv1.0");
	assert_string_equal(tls_protocol("tls", "1.1"), "TLSv1.1");
	assert_string_equal(tls_protocol("ssl", "3"), "SSLv3");
	assert_string_equal(tls_protocol("SSL", "2"), "SSLv2");
	assert_null(tls_protocol("tls", "9.9"));
	assert_null(tls_protocol("ciphers", NULL));
	assert_int_equal(tls_protocol_severity("SSLv2"), SEV_HIGH);
	assert_int_equal(tls_protocol_severity("SSLv3"), SEV_HIGH);
	assert_int_equal(tls_protocol_severity("TLSv1.0"), SEV_MEDIUM);
	assert_int_equal(tls_protocol_severity("TLSv1.1"), SEV_MEDIUM);
	assert_int_equal(tls_protocol_severity("TLSv1.2"), SEV_NONE);
	assert_int_equal(tls_protocol_severity("TLSv1.3"), SEV_NONE);
	assert_string_equal(tls_protocol_rule(&a, "TLSv1.0"), "tls-tlsv1.0-enabled");
	assert_string_equal(tls_url(&a, "127.0.0.1", "8443"), "https://127.0.0.1:8443");
	assert_string_equal(tls_url(&a, "2001:db8::1", "443"), "https://[2001:db8::1]:443");
	assert_true(tls_weak_signature("sha1WithRSAEncryption"));
	assert_true(tls_weak_signature("md5WithRSAEncryption"));
	assert_true(tls_weak_signature("ecdsa-with-SHA1"));
	assert_false(tls_weak_signature("sha256WithRSAEncryption"));
	assert_false(tls_weak_signature("ecdsa-with-SHA384"));
	assert_false(tls_weak_signature("sha"));
	assert_false(tls_weak_signature(NULL));
	arena_release(&a);
}

static void test_xml_more__sslscan_ciphers(void **state)
{
	assert_string_equal(sslscan__cipher_problem("null", "NULL-MD5", 0), "null");
	assert_string_equal(sslscan__cipher_problem("anonymous", "ADH-AES128-SHA", 128), "anonymous");
	assert_string_equal(sslscan__cipher_problem("weak", "DES-CBC-SHA", 56), "weak");
	/* sslscan 2 rates RC4 and 3DES "medium": weak by name */
	assert_string_equal(sslscan__cipher_problem("medium", "RC4-SHA", 128), "weak");
	assert_string_equal(sslscan__cipher_problem("medium", "DES-CBC3-SHA", 112), "weak");
	assert_null(sslscan__cipher_problem("strong", "ECDHE-RSA-AES256-GCM-SHA384", 256));
	assert_null(sslscan__cipher_problem("acceptable", "AES128-SHA", 128));
	/* sslscan 1: no strength */
	assert_string_equal(sslscan__cipher_problem(NULL, "NULL-SHA", 0), "null");
	assert_string_equal(sslscan__cipher_problem(NULL, "AECDH-AES256-SHA", 256), "anonymous");
	assert_string_equal(sslscan__cipher_problem(NULL, "EXP-RC4-MD5", 40), "weak");
	assert_string_equal(sslscan__cipher_problem(NULL, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", 112), "weak");
	assert_null(sslscan__cipher_problem(NULL, "AES256-SHA", 256));
	assert_null(sslscan__cipher_problem(NULL, "AES256-SHA", -1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_more__spotbugs_rank),
		cmocka_unit_test(test_xml_more__dc_location_path),
		cmocka_unit_test(test_xml_more__dc_cvss_words),
		cmocka_unit_test(test_xml_more__dc_packages),
		cmocka_unit_test(test_xml_more__nikto_severity),
		cmocka_unit_test(test_xml_more__nmap_grades),
		cmocka_unit_test(test_xml_more__tls_rules),
		cmocka_unit_test(test_xml_more__sslscan_ciphers),
	};

	return cmocka_run_group_tests_name("xml-more", tests, NULL, NULL);
}
