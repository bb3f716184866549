/* Unit tests for src/model: fingerprints, ids, paths, evidence helpers. */
#include "posture.h"
#include "model/evidence.h"
#include "model/fingerprint.h"
#include "model/ids.h"
#include "model/path.h"

#include <setjmp.h>
#include <cmocka.h>

static void sast(struct evidence *ev, const char *path, unsigned line, const char *snippet)
{
	evidence_init(ev);
	ev->tool = "Semgrep";
	ev->kind = KIND_SAST;
	ev->rule_id = "python.sqli";
	ev->loc.path = path;
	ev->loc.start_line = line;
	ev->loc.snippet = snippet;
}

static void test_model__fingerprint_survives_line_shift_and_reindent(void **state)
{
	struct evidence a, b;
	char fa[FINGERPRINT_HEX + 1], fb[FINGERPRINT_HEX + 1];

	sast(&a, "app/db.py", 10, "cursor.execute(q % x)");
	sast(&b, "app/db.py", 42, "    cursor.execute(q %  x)\n");
	fingerprint_evidence(fa, &a);
	fingerprint_evidence(fb, &b);
	assert_string_equal(fa, fb);
	assert_int_equal(strlen(fa), FINGERPRINT_HEX);

	/* the tool name's case and version do not matter either */
	b.tool = "semgrep";
	b.tool_version = "1.2.3";
	fingerprint_evidence(fb, &b);
	assert_string_equal(fa, fb);
}

static void test_model__fingerprint_differs_when_the_problem_does(void **state)
{
	struct evidence a, b;
	char fa[FINGERPRINT_HEX + 1], fb[FINGERPRINT_HEX + 1];

	sast(&a, "app/db.py", 10, "cursor.execute(q % x)");
	fingerprint_evidence(fa, &a);
	sast(&b, "app/other.py", 10, "cursor.execute(q % x)");
	fingerprint_evidence(fb, &b);
	assert_string_not_equal(fa, fb);
	sast(&b, "app/db.py", 10, "cursor.execute(q % y)");
	fingerprint_evidence(fb, &b);
	assert_string_not_equal(fa, fb);
	sast(&b, "app/db.py", 10, "cursor.execute(q % x)");
	b.rule_id = "python.other";
	fingerprint_evidence(fb, &b);
	assert_string_not_equal(fa, fb);
	/* identical text in two functions: two problems */
	sast(&b, "app/db.py", 10, "cursor.execute(q % x)");
	b.loc.logical = "db.lookup";
	fingerprint_evidence(fb, &b);
	assert_string_not_equal(fa, fb);
	/* no snippet, no tool fingerprint: the line is all there is */
	sast(&a, "app/db.py", 10, NULL);
	sast(&b, "app/db.py", 11, NULL);
	fingerprint_evidence(fa, &a);
	fingerprint_evidence(fb, &b);
	assert_string_not_equal(fa, fb);
}

static void test_model__fingerprint_prefers_tool_fingerprints(void **state)
{
	struct arena arena = ARENA_INIT;
	struct evidence a, b;
	char fa[FINGERPRINT_HEX + 1], fb[FINGERPRINT_HEX + 1];

	sast(&a, "x.js", 1, "a();");
	sast(&b, "x.js", 9, "b();");
	kvlist_add(&a.tool_fingerprints, &arena, "primaryLocationLineHash", "abc:1");
	kvlist_add(&b.tool_fingerprints, &arena, "other/v1", "zzz");
	kvlist_add(&b.tool_fingerprints, &arena, "primaryLocationLineHash", "abc:1");
	fingerprint_evidence(fa, &a);
	fingerprint_evidence(fb, &b);
	assert_string_equal(fa, fb);

	/* several tool fingerprints, listed in any order */
	sast(&a, "x.js", 1, NULL);
	sast(&b, "x.js", 2, NULL);
	kvlist_add(&a.tool_fingerprints, &arena, "k1", "v1");
	kvlist_add(&a.tool_fingerprints, &arena, "k2", "v2");
	kvlist_add(&b.tool_fingerprints, &arena, "k2", "v2");
	kvlist_add(&b.tool_fingerprints, &arena, "k1", "v1");
	fingerprint_evidence(fa, &a);
	fingerprint_evidence(fb, &b);
	assert_string_equal(fa, fb);
	arena_release(&arena);
}

static void test_model__fingerprint_sca_ignores_version(void **state)
{
	struct arena arena = ARENA_INIT;
	struct evidence a, b, c;
	char fa[FINGERPRINT_HEX + 1], fb[FINGERPRINT_HEX + 1], fc[FINGERPRINT_HEX + 1];

	evidence_init(&a);
	a.tool = "Trivy";
	a.kind = KIND_SCA;
	a.rule_id = "CVE-2021-23337";
	a.loc.purl = "pkg:npm/lodash@4.17.15";
	a.loc.path = "package-lock.json";
	evidence_add_vuln_id(&a, &arena, "CVE-2021-23337");
	b = a;
	b.loc.purl = "pkg:npm/lodash@4.17.20?foo=bar";
	c = a;
	c.loc.purl = "pkg:npm/underscore@1.0.0";
	fingerprint_evidence(fa, &a);
	fingerprint_evidence(fb, &b);
	fingerprint_evidence(fc, &c);
	assert_string_equal(fa, fb);
	assert_string_not_equal(fa, fc);
	arena_release(&arena);
}

static void test_model__url_and_purl_bases(void **state)
{
	char out[256];

	fingerprint_url_base(out, sizeof(out), "HTTPS://Shop.Example.com:443/a/b?q=1#x");
	assert_string_equal(out, "https://shop.example.com/a/b");
	fingerprint_url_base(out, sizeof(out), "http://h:8080");
	assert_string_equal(out, "http://h:8080/");
	fingerprint_url_base(out, sizeof(out), "http://h:80/x");
	assert_string_equal(out, "http://h/x");
	fingerprint_purl_base(out, sizeof(out), "pkg:npm/%40babel/core@7.1.0?arch=x#sub");
	assert_string_equal(out, "pkg:npm/%40babel/core");
	fingerprint_image_base(out, sizeof(out), "registry.io:5000/team/app:1.2.3");
	assert_string_equal(out, "registry.io:5000/team/app");
	fingerprint_image_base(out, sizeof(out), "registry.io:5000/team/app@sha256:abcd");
	assert_string_equal(out, "registry.io:5000/team/app");
	fingerprint_image_base(out, sizeof(out), "alpine");
	assert_string_equal(out, "alpine");
	fingerprint_image_base(out, sizeof(out), "alpine:3.19@sha256:abcd");
	assert_string_equal(out, "alpine");
}

static void test_model__vuln_ids(void **state)
{
	struct arena arena = ARENA_INIT;
	struct evidence ev;

	evidence_init(&ev);
	assert_true(ids_is_cve("CVE-2021-44228"));
	assert_true(ids_is_cve("cve-2021-1234"));
	assert_false(ids_is_cve("CVE-2021-123"));
	assert_false(ids_is_cve("CVE-21-12345"));
	assert_true(ids_is_ghsa("GHSA-jfh8-c2jp-5v3q"));
	assert_false(ids_is_ghsa("GHSA-jfh8-c2jp"));
	assert_true(ids_is_vuln_id("PYSEC-2021-19"));
	assert_true(ids_is_vuln_id("RUSTSEC-2020-0071"));
	assert_false(ids_is_vuln_id("lodash"));
	evidence_add_vuln_id(&ev, &arena, "GHSA-35jh-r3h4-6jhm");
	evidence_add_vuln_id(&ev, &arena, "CVE-2021-23337");
	evidence_add_vuln_id(&ev, &arena, "SNYK-JS-LODASH-1040724");
	evidence_add_vuln_id(&ev, &arena, "CVE-2020-8203");
	evidence_add_vuln_id(&ev, &arena, "CVE-2021-23337");
	assert_int_equal(ev.vuln_ids.n, 4);
	assert_string_equal(ev.vuln_ids.v[0], "CVE-2021-23337");
	assert_string_equal(ev.vuln_ids.v[1], "CVE-2020-8203");
	assert_string_equal(ev.vuln_ids.v[2], "GHSA-35jh-r3h4-6jhm");
	evidence_init(&ev);
	assert_int_equal(ids_scan_text(&ev, &arena, "fixes cve-2019-10744 and GHSA-JF85-CPCP-J695, not XCVE-2019-1"), 2);
	assert_string_equal(ev.vuln_ids.v[0], "CVE-2019-10744");
	assert_string_equal(ev.vuln_ids.v[1], "GHSA-jf85-cpcp-j695");
	arena_release(&arena);
}

static void test_model__cwe_text(void **state)
{
	struct arena arena = ARENA_INIT;
	struct evidence ev;

	evidence_init(&ev);
	assert_true(evidence_add_cwe_text(&ev, &arena, "CWE-79: Improper Neutralization"));
	assert_true(evidence_add_cwe_text(&ev, &arena, "cwe-089"));
	assert_true(evidence_add_cwe_text(&ev, &arena, "79"));
	assert_false(evidence_add_cwe_text(&ev, &arena, "OWASP-A03"));
	assert_false(evidence_add_cwe_text(&ev, &arena, "CWE-"));
	assert_int_equal(ev.ncwe, 2);
	assert_int_equal(ev.cwe[0], 79);
	assert_int_equal(ev.cwe[1], 89);
	arena_release(&arena);
}

static void test_model__paths(void **state)
{
	struct arena arena = ARENA_INIT;

	assert_string_equal(path_normalize(&arena, "./src/a.c"), "src/a.c");
	assert_string_equal(path_normalize(&arena, "file:///home/runner/work/shop/shop/src/a%20b.c"),
			    "src/a b.c");
	assert_string_equal(path_normalize(&arena, "/github/workspace/lib/x.py"), "lib/x.py");
	assert_string_equal(path_normalize(&arena, "file:///C:/src/a.c"), "C:/src/a.c");
	assert_string_equal(path_normalize(&arena, "/home/runner/work/a/b/c.c"), "/home/runner/work/a/b/c.c");
	assert_string_equal(path_normalize(&arena, "https://x.example/a"), "https://x.example/a");
	assert_false(path_is_uri("C:/x"));
	assert_true(path_is_uri("file:///x"));
	arena_release(&arena);
}

static void test_model__severity_bands(void **state)
{
	enum severity s;

	assert_int_equal(severity_from_score(9.0), SEV_CRITICAL);
	assert_int_equal(severity_from_score(8.9), SEV_HIGH);
	assert_int_equal(severity_from_score(7.0), SEV_HIGH);
	assert_int_equal(severity_from_score(6.9), SEV_MEDIUM);
	assert_int_equal(severity_from_score(4.0), SEV_MEDIUM);
	assert_int_equal(severity_from_score(0.1), SEV_LOW);
	assert_int_equal(severity_from_score(0.0), SEV_INFO);
	assert_int_equal(severity_parse(&s, "HIGH"), 0);
	assert_int_equal(s, SEV_HIGH);
	assert_int_equal(severity_parse(&s, "severe"), P_EINVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model__fingerprint_survives_line_shift_and_reindent),
		cmocka_unit_test(test_model__fingerprint_differs_when_the_problem_does),
		cmocka_unit_test(test_model__fingerprint_prefers_tool_fingerprints),
		cmocka_unit_test(test_model__fingerprint_sca_ignores_version),
		cmocka_unit_test(test_model__url_and_purl_bases),
		cmocka_unit_test(test_model__vuln_ids),
		cmocka_unit_test(test_model__cwe_text),
		cmocka_unit_test(test_model__paths),
		cmocka_unit_test(test_model__severity_bands),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
