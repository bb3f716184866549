/*
 * Unit tests for the SBOM, VEX and container parsers: the shared helpers in
 * src/parse/vulnkit.c, and what `posture parse` cannot show (package_seen
 * and tool_seen calls).
 */
#include "posture.h"
#include "parse/parse.h"
#include "parse/vulnkit.h"
#include "util/file.h"

#include <setjmp.h>
#include <cmocka.h>

/* Counts of everything a parser reported through its callbacks. */
struct tally {
	long evidence, packages, packages_with_purl, tools, suppressed;
	char first_purl[256], tool[64], tool_version[64];
};

static int count_evidence(const struct evidence *ev, void *payload, struct perr *err)
{
	struct tally *t = payload;

	t->evidence++;
	if (ev->suppressed)
		t->suppressed++;
	return 0;
}

static void count_package(void *payload, const struct package_ref *pkg)
{
	struct tally *t = payload;

	if (pkg->purl) {
		if (!t->packages_with_purl)
			snprintf(t->first_purl, sizeof(t->first_purl), "%s", pkg->purl);
		t->packages_with_purl++;
	}
	t->packages++;
}

static void count_tool(void *payload, const char *tool, const char *version)
{
	struct tally *t = payload;

	t->tools++;
	snprintf(t->tool, sizeof(t->tool), "%s", tool);
	snprintf(t->tool_version, sizeof(t->tool_version), "%s", version ? version : "");
}

/* Parse a file (fixture or corpus) with counting callbacks; 1 if the file is absent. */
static int tally_file(struct tally *t, const char *format, const char *path)
{
	struct parse_opts opts;
	struct perr err = PERR_INIT;
	char *buf = NULL;
	size_t len = 0;
	int ret;

	memset(t, 0, sizeof(*t));
	if (pfile_slurp(&buf, &len, path, (size_t)1 << 28, &err) < 0)
		return 1;
	memset(&opts, 0, sizeof(opts));
	opts.secret_key = "k";
	opts.secret_key_len = 1;
	opts.package_seen = count_package;
	opts.package_payload = t;
	opts.tool_seen = count_tool;
	opts.tool_payload = t;
	ret = parse_run(format_find(format), buf, len, &opts, count_evidence, t, &err);
	free(buf);
	if (ret < 0)
		fail_msg("%s: %s", path, err.msg);
	return 0;
}

static const char *corpus(const char *name, char *out, size_t n)
{
	const char *dir = getenv("POSTURE_CORPUS");

	snprintf(out, n, "%s/%s", dir ? dir : "../shared/corpus", name);
	return out;
}

static void test_sca_json__severity_words(void **state)
{
	assert_int_equal(vulnkit__severity_word("CRITICAL"), SEV_CRITICAL);
	assert_int_equal(vulnkit__severity_word("Moderate"), SEV_MEDIUM);
	assert_int_equal(vulnkit__severity_word("negligible"), SEV_INFO);
	assert_int_equal(vulnkit__severity_word("UNKNOWN"), SEV_NONE);
	assert_int_equal(vulnkit__severity_word(NULL), SEV_NONE);
}

static void test_sca_json__cvss_prefers_newest_version(void **state)
{
	struct evidence ev;
	double s2 = 6.5, s3 = 7.2, s4 = 6.9, bad = 11;

	evidence_init(&ev);
	vulnkit__offer_cvss(&ev, NULL, NULL, &bad);
	assert_false(ev.cvss.has_score);
	vulnkit__offer_cvss(&ev, "3.x", NULL, &s3);
	assert_true(ev.cvss.has_score);
	assert_null(ev.cvss.vector);
	vulnkit__offer_cvss(&ev, NULL, "AV:N/AC:L/Au:S/C:P/I:P/A:P", &s2);
	assert_string_equal(ev.cvss.version, "2.0");
	vulnkit__offer_cvss(&ev, NULL, "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:L/SC:N/SI:N/SA:N", &s4);
	vulnkit__offer_cvss(&ev, NULL, "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", &s3);
	assert_string_equal(ev.cvss.version, "4.0");
	assert_true(ev.cvss.score == 6.9);
	/* a score alone never replaces a vector */
	vulnkit__offer_cvss(&ev, "4.0", NULL, &s3);
	assert_true(ev.cvss.score == 6.9);
}

static void test_sca_json__purl_type(void **state)
{
	struct arena a = ARENA_INIT;

	assert_string_equal(vulnkit__purl_type(&a, "pkg:npm/%40babel/core@7.0.0"), "npm");
	assert_string_equal(vulnkit__purl_type(&a, "pkg:deb/debian/curl@7.88.1?arch=amd64"), "deb");
	assert_null(vulnkit__purl_type(&a, "pkg:npm"));
	assert_null(vulnkit__purl_type(&a, "npm/lodash"));
	assert_null(vulnkit__purl_type(&a, NULL));
	arena_release(&a);
}

static void test_sca_json__purl_from_osv(void **state)
{
	struct arena a = ARENA_INIT;
	const char *type;

	assert_string_equal(vulnkit__purl_from_osv(&a, "npm", "@babel/traverse", "7.22.5", &type),
			    "pkg:npm/%40babel/traverse@7.22.5");
	assert_string_equal(type, "npm");
	assert_string_equal(vulnkit__purl_from_osv(&a, "PyPI", "Flask_Login", "0.6.2", NULL),
			    "pkg:pypi/flask-login@0.6.2");
	assert_string_equal(vulnkit__purl_from_osv(&a, "Maven", "org.apache.logging.log4j:log4j-core",
						   "2.14.1", NULL),
			    "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
	assert_string_equal(vulnkit__purl_from_osv(&a, "Go", "golang.org/x/net", "0.7.0", NULL),
			    "pkg:golang/golang.org/x/net@0.7.0");
	assert_string_equal(vulnkit__purl_from_osv(&a, "Debian:12", "openssl", "3.0.11-1~deb12u2", NULL),
			    "pkg:deb/debian/openssl@3.0.11-1~deb12u2");
	assert_string_equal(vulnkit__purl_from_osv(&a, "crates.io", "time", NULL, NULL), "pkg:cargo/time");
	assert_null(vulnkit__purl_from_osv(&a, "Linux", "kernel", "6.1", &type));
	assert_null(type);
	arena_release(&a);
}

static void test_sca_json__secret_hash_is_keyed(void **state)
{
	struct arena a = ARENA_INIT;
	struct parse_opts o1, o2;
	const char *f[] = { "rule", "file", "KEY=****" }, *g[] = { "rule", "fil", "eKEY=****" };

	memset(&o1, 0, sizeof(o1));
	memset(&o2, 0, sizeof(o2));
	assert_null(vulnkit__secret_hash(&o1, &a, f, 3));
	o1.secret_key = "one";
	o1.secret_key_len = 3;
	o2.secret_key = "two";
	o2.secret_key_len = 3;
	assert_string_not_equal(vulnkit__secret_hash(&o1, &a, f, 3), vulnkit__secret_hash(&o2, &a, f, 3));
	/* fields are separated: ("file","KEY") is not ("fil","eKEY") */
	assert_string_not_equal(vulnkit__secret_hash(&o1, &a, f, 3), vulnkit__secret_hash(&o1, &a, g, 3));
	assert_int_equal(strlen(vulnkit__secret_hash(&o1, &a, f, 3)), 64);
	arena_release(&a);
}

static void test_sca_json__trivy_packages_and_tool(void **state)
{
	struct tally t;

	assert_int_equal(tally_file(&t, "trivy", "tests/fixtures/trivy/fs-repo.json"), 0);
	assert_int_equal(t.evidence, 9);
	assert_int_equal(t.suppressed, 1);
	assert_int_equal(t.packages, 2);
	assert_string_equal(t.first_purl, "pkg:npm/lodash@4.17.15");
	assert_int_equal(t.tools, 1);
	assert_string_equal(t.tool, "Trivy");

	assert_int_equal(tally_file(&t, "trivy", "tests/fixtures/trivy/empty.json"), 0);
	assert_int_equal(t.evidence, 0);
	assert_int_equal(t.tools, 1);
	assert_string_equal(t.tool_version, "0.58.1");
}

static void test_sca_json__grype_counts(void **state)
{
	struct tally t;

	assert_int_equal(tally_file(&t, "grype", "tests/fixtures/grype/dir-ignored.json"), 0);
	assert_int_equal(t.evidence, 5);
	assert_int_equal(t.suppressed, 2);
	assert_int_equal(t.tools, 1);
	assert_string_equal(t.tool_version, "0.74.7");
	assert_int_equal(tally_file(&t, "grype", "tests/fixtures/grype/empty.json"), 0);
	assert_int_equal(t.evidence, 0);
	assert_int_equal(t.tools, 1);
}

/* An SBOM without vulnerabilities: every component (nested too) is inventory, no evidence. */
static void test_sca_json__cyclonedx_corpus_packages(void **state)
{
	static const char *const files[] = {
		"cyclonedx-npm-sample-app-spec1.5.json", "cyclonedx-npm-sample-app-spec1.6.json",
	};
	char path[4096];
	struct tally t;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		if (tally_file(&t, "cyclonedx", corpus(files[i], path, sizeof(path)))) {
			print_message("skipped: %s not found\n", path);
			continue;
		}
		assert_int_equal(t.evidence, 0);
		assert_int_equal(t.packages, 85);
		assert_int_equal(t.packages_with_purl, 85);
		assert_string_equal(t.first_purl, "pkg:npm/axios@0.21.0");
		assert_int_equal(t.tools, 1);
		assert_string_equal(t.tool, "cyclonedx-npm");
		assert_string_equal(t.tool_version, "6.0.1");
	}
}

static void test_sca_json__cyclonedx_fixture(void **state)
{
	struct tally t;

	assert_int_equal(tally_file(&t, "cyclonedx", "tests/fixtures/cyclonedx/vdr-vex-1.5.json"), 0);
	assert_int_equal(t.evidence, 6);
	assert_int_equal(t.suppressed, 1);
	assert_int_equal(t.packages, 6); /* nested ones too; not the subject */
	assert_string_equal(t.tool, "Dependency-Track");
	assert_int_equal(tally_file(&t, "cyclonedx", "tests/fixtures/cyclonedx/sbom-only-1.6.json"), 0);
	assert_int_equal(t.evidence, 0);
	assert_int_equal(t.packages, 1);
	assert_string_equal(t.tool, "syft");
}

/* Packages seen: 3 (the described image is the subject), purls from externalRefs. */
static void test_sca_json__spdx_packages(void **state)
{
	struct tally t;

	assert_int_equal(tally_file(&t, "spdx", "tests/fixtures/spdx/syft-image-2.3.json"), 0);
	assert_int_equal(t.evidence, 0);
	assert_int_equal(t.packages, 3);
	assert_int_equal(t.packages_with_purl, 2);
	assert_string_equal(t.first_purl,
			    "pkg:apk/alpine/libcrypto3@3.1.3-r0?arch=x86_64&upstream=openssl&distro=alpine-3.18.4");
	assert_int_equal(t.tools, 1);
	assert_string_equal(t.tool, "syft");
	assert_string_equal(t.tool_version, "1.18.1");
}

/* osv entries after their findings still name them; tool version from config. */
static void test_sca_json__govulncheck_stream(void **state)
{
	struct tally t;

	assert_int_equal(tally_file(&t, "govulncheck", "tests/fixtures/govulncheck/source-scan.json"), 0);
	assert_int_equal(t.evidence, 5);
	assert_int_equal(t.tools, 1);
	assert_string_equal(t.tool_version, "v1.1.3");
	assert_int_equal(tally_file(&t, "govulncheck", "tests/fixtures/govulncheck/clean.json"), 0);
	assert_int_equal(t.evidence, 0);
	assert_int_equal(t.tools, 1);
}

static void test_sca_json__dependency_track_counts(void **state)
{
	struct tally t;

	assert_int_equal(tally_file(&t, "dependency-track", "tests/fixtures/dependency-track/fpf-1.2.json"), 0);
	assert_int_equal(t.evidence, 3);
	assert_int_equal(t.suppressed, 2);
	assert_int_equal(tally_file(&t, "dependency-track", "tests/fixtures/dependency-track/no-findings.json"), 0);
	assert_int_equal(t.evidence, 0);
	assert_int_equal(t.tools, 1);
	assert_string_equal(t.tool, "Dependency-Track");
	assert_string_equal(t.tool_version, "4.12.2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sca_json__severity_words),
		cmocka_unit_test(test_sca_json__cvss_prefers_newest_version),
		cmocka_unit_test(test_sca_json__purl_type),
		cmocka_unit_test(test_sca_json__purl_from_osv),
		cmocka_unit_test(test_sca_json__secret_hash_is_keyed),
		cmocka_unit_test(test_sca_json__trivy_packages_and_tool),
		cmocka_unit_test(test_sca_json__grype_counts),
		cmocka_unit_test(test_sca_json__cyclonedx_corpus_packages),
		cmocka_unit_test(test_sca_json__cyclonedx_fixture),
		cmocka_unit_test(test_sca_json__spdx_packages),
		cmocka_unit_test(test_sca_json__govulncheck_stream),
		cmocka_unit_test(test_sca_json__dependency_track_counts),
	};

	return cmocka_run_group_tests_name("sca_json", tests, NULL, NULL);
}
