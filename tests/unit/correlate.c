/* Unit tests for cross-tool correlation rules (src/engine/correlate.c). */
#include "posture.h"
#include "engine/correlate.h"

#include <setjmp.h>
#include <cmocka.h>

static void test_correlate__tool_names(void **state)
{
	char out[64];

	correlate_tool_name(out, sizeof(out), "Semgrep OSS");
	assert_string_equal(out, "semgrep");
	correlate_tool_name(out, sizeof(out), "semgrep");
	assert_string_equal(out, "semgrep");
	correlate_tool_name(out, sizeof(out), "OWASP ZAP");
	assert_string_equal(out, "zap");
	correlate_tool_name(out, sizeof(out), "CodeQL");
	assert_string_equal(out, "codeql");
	correlate_tool_name(out, sizeof(out), "npm audit");
	assert_string_equal(out, "npm-audit");
	correlate_tool_name(out, sizeof(out), NULL);
	assert_string_equal(out, "");
}

static void test_correlate__versions(void **state)
{
	struct strlist fixed = { 0 };
	struct arena a = ARENA_INIT;

	assert_true(correlate_version_cmp("4.17.21", "4.17.15") > 0);
	assert_true(correlate_version_cmp("4.17.9", "4.17.15") < 0);
	assert_int_equal(correlate_version_cmp("1.02", "1.2"), 0);
	/* Debian: '~' sorts before the end, so a backport is older than the release */
	assert_true(correlate_version_cmp("3.0.11-1~deb12u1", "3.0.11-1") < 0);
	assert_true(correlate_version_cmp("3.0.11-1~deb12u1", "3.0.9-1") > 0);
	assert_true(correlate_version_cmp("7.88.1-10+deb12u4", "7.88.1-10+deb12u3") > 0);

	assert_null(correlate_fix_version("4.17.15", &fixed));
	strlist_add(&fixed, &a, "4.17.21");
	strlist_add(&fixed, &a, "4.17.19");
	strlist_add(&fixed, &a, "3.10.2");
	assert_string_equal(correlate_fix_version("4.17.15", &fixed), "4.17.19");
	assert_string_equal(correlate_fix_version(NULL, &fixed), "3.10.2");
	assert_null(correlate_fix_version("5.0.0", &fixed));
	arena_release(&a);
}

static void test_correlate__keys(void **state)
{
	struct arena a = ARENA_INIT;
	struct evidence ev;
	struct corr_keys keys = { 0 };
	struct strlist aliases = { 0 };

	evidence_init(&ev);
	ev.kind = KIND_SCA;
	ev.loc.purl = "pkg:npm/lodash@4.17.15";
	evidence_add_vuln_id(&ev, &a, "GHSA-35jh-r3h4-6jhm");
	strlist_add(&aliases, &a, "CVE-2021-23337");
	correlate_keys(&keys, &ev, &aliases, &a);
	assert_int_equal(keys.n, 2);
	assert_string_equal(keys.v[0].key, "vuln:GHSA-35jh-r3h4-6jhm pkg:npm/lodash");
	assert_string_equal(keys.v[1].key, "vuln:CVE-2021-23337 pkg:npm/lodash");
	assert_int_equal(keys.v[0].type, CORR_VULN);

	/* a container package: the purl's qualifiers are not part of the package */
	evidence_init(&ev);
	ev.kind = KIND_CONTAINER;
	ev.loc.purl = "pkg:deb/debian/libssl3@3.0.9-1?arch=amd64&distro=debian-12";
	evidence_add_vuln_id(&ev, &a, "CVE-2023-5678");
	correlate_keys(&keys, &ev, NULL, &a);
	assert_int_equal(keys.n, 1);
	assert_string_equal(keys.v[0].key, "vuln:CVE-2023-5678 pkg:deb/debian/libssl3");

	/* no package: no key */
	evidence_init(&ev);
	ev.kind = KIND_SCA;
	evidence_add_vuln_id(&ev, &a, "CVE-2023-5678");
	correlate_keys(&keys, &ev, NULL, &a);
	assert_int_equal(keys.n, 0);

	/* SAST: one key per CWE, over the lines; "./" does not count */
	evidence_init(&ev);
	ev.kind = KIND_SAST;
	ev.loc.path = "./src/db/products.js";
	ev.loc.start_line = 41;
	ev.loc.end_line = 43;
	evidence_add_cwe(&ev, &a, 89);
	evidence_add_cwe(&ev, &a, 943);
	correlate_keys(&keys, &ev, NULL, &a);
	assert_int_equal(keys.n, 2);
	assert_string_equal(keys.v[0].key, "sast:src/db/products.js CWE-89");
	assert_int_equal(keys.v[0].start_line, 41);
	assert_int_equal(keys.v[0].end_line, 43);
	ev.loc.start_line = 0;
	correlate_keys(&keys, &ev, NULL, &a);
	assert_int_equal(keys.n, 0);

	/* a secret: its keyed hash, whatever the kind */
	evidence_init(&ev);
	ev.kind = KIND_SAST;
	ev.loc.path = "config/dev.env";
	ev.loc.start_line = 3;
	ev.secret_hash = "ab12";
	evidence_add_cwe(&ev, &a, 798);
	correlate_keys(&keys, &ev, NULL, &a);
	assert_int_equal(keys.n, 1);
	assert_string_equal(keys.v[0].key, "secret:ab12");
	assert_int_equal(keys.v[0].type, CORR_SECRET);

	/* DAST does not correlate by key */
	evidence_init(&ev);
	ev.kind = KIND_DAST;
	ev.loc.url = "https://shop.acme.io/";
	evidence_add_cwe(&ev, &a, 89);
	correlate_keys(&keys, &ev, NULL, &a);
	assert_int_equal(keys.n, 0);
	arena_release(&a);
}

static void test_correlate__lines_and_families(void **state)
{
	assert_true(correlate_lines_overlap(41, 43, 42, 42));
	assert_true(correlate_lines_overlap(42, 0, 41, 43));
	assert_false(correlate_lines_overlap(10, 12, 13, 20));
	assert_true(correlate_lines_overlap(10, 13, 13, 20));
	assert_string_equal(correlate_cwe_family(89), "sql-injection");
	assert_string_equal(correlate_cwe_family(943), "sql-injection");
	assert_string_equal(correlate_cwe_family(78), "command-injection");
	assert_string_equal(correlate_cwe_family(79), "xss");
	assert_string_equal(correlate_cwe_family(22), "path-traversal");
	assert_string_equal(correlate_cwe_family(502), "deserialization");
	assert_null(correlate_cwe_family(1021));
	assert_null(correlate_cwe_family(0));
}

static void test_correlate__groups(void **state)
{
	struct arena a = ARENA_INIT;
	struct strlist fixed = { 0 };
	struct group_input in = { 0 };
	struct group_key k;

	strlist_add(&fixed, &a, "3.0.11-1~deb12u1");
	in.kind = KIND_CONTAINER;
	in.purl = "pkg:deb/debian/libssl3@3.0.9-1?distro=debian-12.1";
	in.name = "libssl3";
	in.version = "3.0.9-1";
	in.fixed_versions = &fixed;
	in.base_image = "debian:12.1";
	in.layer_created_by = "/bin/sh -c #(nop) ADD file:3b4c in / ";
	correlate_group(&k, &in, &a);
	assert_int_equal(k.kind, GROUP_BASE_IMAGE);
	assert_string_equal(k.gkey, "base debian:12.1");
	assert_string_equal(k.subject, "debian:12.1");

	/* installed by the image's own Dockerfile: upgrade it there */
	in.layer_created_by = "RUN /bin/sh -c apt-get update && apt-get install -y curl";
	correlate_group(&k, &in, &a);
	assert_int_equal(k.kind, GROUP_UPGRADE);
	assert_string_equal(k.gkey, "upgrade pkg:deb/debian/libssl3 3.0.9-1");
	assert_string_equal(k.from, "3.0.9-1");
	assert_string_equal(k.to, "3.0.11-1~deb12u1");

	/* nothing fixes it yet: no group */
	fixed.n = 0;
	correlate_group(&k, &in, &a);
	assert_int_equal(k.kind, GROUP_NONE);

	memset(&in, 0, sizeof(in));
	in.kind = KIND_SECRET;
	in.secret_hash = "ab12";
	in.rule_id = "github-pat";
	correlate_group(&k, &in, &a);
	assert_int_equal(k.kind, GROUP_ROTATE_SECRET);
	assert_string_equal(k.subject, "github-pat");

	memset(&in, 0, sizeof(in));
	in.kind = KIND_SAST;
	correlate_group(&k, &in, &a);
	assert_int_equal(k.kind, GROUP_NONE);

	assert_string_equal(correlate_group_title(&a, GROUP_UPGRADE, "lodash", "4.17.15", "4.17.21",
						  "repo:github.com/acme/shop", 14, "1 repo, 3 services"),
			    "upgrade lodash 4.17.15 -> 4.17.21 in repo github.com/acme/shop "
			    "(fixes 14 findings in 1 repo, 3 services)");
	assert_string_equal(correlate_group_title(&a, GROUP_BASE_IMAGE, "debian:12.1", NULL, NULL, NULL,
						  230, "18 images"),
			    "rebuild on a newer base image than debian:12.1 (fixes 230 findings in 18 images)");
	assert_string_equal(correlate_group_title(&a, GROUP_ROTATE_SECRET, "github-pat", NULL, NULL, NULL,
						  1, NULL),
			    "rotate this secret (github-pat, fixes 1 finding)");
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_correlate__tool_names),
		cmocka_unit_test(test_correlate__versions),
		cmocka_unit_test(test_correlate__keys),
		cmocka_unit_test(test_correlate__lines_and_families),
		cmocka_unit_test(test_correlate__groups),
	};

	return cmocka_run_group_tests_name("correlate", tests, NULL, NULL);
}
