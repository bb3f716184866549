/* Unit tests for the dependency audit parsers' shared helpers (src/parse/sca_audit.c). */
#include "posture.h"
#include "parse/sca_audit.h"

#include <setjmp.h>
#include <cmocka.h>

static void test_sca__purl_per_ecosystem(void **state)
{
	struct arena a = ARENA_INIT;

	assert_string_equal(sca_purl(&a, "npm", "@babel/traverse", "7.22.0"),
			    "pkg:npm/%40babel/traverse@7.22.0");
	assert_string_equal(sca_purl(&a, "npm", "lodash", NULL), "pkg:npm/lodash");
	assert_string_equal(sca_purl(&a, "pypi", "Django_REST.framework", "3.14.0"),
			    "pkg:pypi/django-rest-framework@3.14.0");
	assert_string_equal(sca_purl(&a, "gem", "actionpack", "6.1.7"),
			    "pkg:gem/actionpack@6.1.7");
	assert_string_equal(sca_purl(&a, "cargo", "smallvec", "1.6.0"),
			    "pkg:cargo/smallvec@1.6.0");
	assert_string_equal(sca_purl(&a, "composer", "Guzzlehttp/Guzzle", "7.4.4"),
			    "pkg:composer/guzzlehttp/guzzle@7.4.4");
	assert_string_equal(sca_purl(&a, "maven", "org.apache.logging.log4j:log4j-core", "2.14.1"),
			    "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
	assert_string_equal(sca_purl(&a, "golang", "github.com/gin-gonic/gin", "v1.6.0"),
			    "pkg:golang/github.com/gin-gonic/gin@v1.6.0");
	/* '+' in a version and a space in a name are encoded */
	assert_string_equal(sca_purl(&a, "gem", "odd name", "1.0+build"),
			    "pkg:gem/odd%20name@1.0%2Bbuild");
	/* swift and GitHub Actions namespaces are paths, like Go's */
	assert_string_equal(sca_purl(&a, "swift", "github.com/apple/swift-nio", "2.0.0"),
			    "pkg:swift/github.com/apple/swift-nio@2.0.0");
	assert_string_equal(sca_purl(&a, "githubactions", "actions/checkout", NULL),
			    "pkg:githubactions/actions/checkout");
	assert_null(sca_purl(&a, "npm", "", "1.0.0"));
	assert_null(sca_purl(&a, "npm", NULL, "1.0.0"));
	arena_release(&a);
}

static void test_sca__github_ecosystems(void **state)
{
	assert_string_equal(sca_github_purl_type("pip"), "pypi");
	assert_string_equal(sca_github_purl_type("RubyGems"), "gem");
	assert_string_equal(sca_github_purl_type("go"), "golang");
	assert_string_equal(sca_github_purl_type("rust"), "cargo");
	assert_string_equal(sca_github_purl_type("erlang"), "hex");
	assert_string_equal(sca_github_purl_type("actions"), "githubactions");
	assert_string_equal(sca_github_purl_type("npm"), "npm");
	assert_null(sca_github_purl_type("cobol"));
	assert_null(sca_github_purl_type(NULL));
}

static void test_sca__cvss_from_words(void **state)
{
	struct arena a = ARENA_INIT;
	struct jnode *m;
	static const char v3[] = "{\"attackVector\": \"NETWORK\", \"attackComplexity\": \"HIGH\", "
		"\"privilegesRequired\": \"LOW\", \"userInteraction\": \"REQUIRED\", "
		"\"scope\": \"CHANGED\", \"confidentialityImpact\": \"HIGH\", "
		"\"integrityImpact\": \"LOW\", \"availabilityImpact\": \"NONE\"}";
	static const char v2[] = "{\"accessVector\": \"ADJACENT_NETWORK\", \"accessComplexity\": \"MEDIUM\", "
		"\"authenticationr>\": \"SINGLE\", \"confidentialImpact\": \"PARTIAL\", "
		"\"integrityImpact\": \"COMPLETE\", \"availabilityImpact\": \"NONE\"}";
	static const char partial[] = "{\"attackVector\": \"NETWORK\", \"scope\": \"SIDEWAYS\"}";
	struct perr err = PERR_INIT;

	assert_int_equal(json_parse_tree(&m, &a, v3, strlen(v3), NULL, &err), 0);
	assert_string_equal(sca_cvss3_vector(&a, m, NULL), "CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:C/C:H/I:L/A:N");
	assert_string_equal(sca_cvss3_vector(&a, m, "3.0"), "CVSS:3.0/AV:N/AC:H/PR:L/UI:R/S:C/C:H/I:L/A:N");
	assert_int_equal(json_parse_tree(&m, &a, v2, strlen(v2), NULL, &err), 0);
	assert_string_equal(sca_cvss2_vector(&a, m), "AV:A/AC:M/Au:S/C:P/I:C/A:N");
	assert_int_equal(json_parse_tree(&m, &a, partial, strlen(partial), NULL, &err), 0);
	assert_null(sca_cvss3_vector(&a, m, NULL));
	assert_null(sca_cvss2_vector(&a, m));
	assert_null(sca_cvss3_vector(&a, NULL, NULL));
	arena_release(&a);
}

static void test_sca__purl_split(void **state)
{
	struct arena a = ARENA_INIT;
	struct sca_pkg p;

	assert_true(sca_purl_split(&p, &a, "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"));
	assert_string_equal(p.type, "maven");
	assert_string_equal(p.name, "org.apache.logging.log4j:log4j-core");
	assert_string_equal(p.version, "2.14.1");
	assert_true(sca_purl_split(&p, &a, "pkg:npm/%40babel/traverse@7.22.0?foo=bar#sub"));
	assert_string_equal(p.type, "npm");
	assert_string_equal(p.name, "@babel/traverse");
	assert_string_equal(p.version, "7.22.0");
	assert_true(sca_purl_split(&p, &a, "pkg:NPM/lodash"));
	assert_string_equal(p.type, "npm");
	assert_string_equal(p.name, "lodash");
	assert_null(p.version);
	assert_true(sca_purl_split(&p, &a, "pkg:golang/github.com/gin-gonic/gin@v1.6.0"));
	assert_string_equal(p.name, "github.com/gin-gonic/gin");
	assert_false(sca_purl_split(&p, &a, "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"));
	assert_false(sca_purl_split(&p, &a, "pkg:npm"));
	assert_false(sca_purl_split(&p, &a, "pkg:npm/@1.0"));
	assert_false(sca_purl_split(&p, &a, NULL));
	arena_release(&a);
}

static void test_sca__pep503(void **state)
{
	struct arena a = ARENA_INIT;

	assert_string_equal(sca_pep503(&a, "Friendly-Bard"), "friendly-bard");
	assert_string_equal(sca_pep503(&a, "FRIENDLY._-BARD"), "friendly-bard");
	assert_string_equal(sca_pep503(&a, "zope.interface"), "zope-interface");
	arena_release(&a);
}

static void test_sca__severity_words(void **state)
{
	assert_int_equal(sca_severity_word("critical"), SEV_CRITICAL);
	assert_int_equal(sca_severity_word("HIGH"), SEV_HIGH);
	assert_int_equal(sca_severity_word("moderate"), SEV_MEDIUM);
	assert_int_equal(sca_severity_word("Medium"), SEV_MEDIUM);
	assert_int_equal(sca_severity_word("low"), SEV_LOW);
	assert_int_equal(sca_severity_word("info"), SEV_INFO);
	assert_int_equal(sca_severity_word("whatever"), SEV_NONE);
	assert_int_equal(sca_severity_word(NULL), SEV_NONE);
}

static void test_sca__cvss(void **state)
{
	struct evidence ev;
	struct jnode score = { .type = JNUM, .str = "7.5", .len = 3 };
	struct jnode zero = { .type = JNUM, .str = "0", .len = 1 };

	evidence_init(&ev);
	sca_set_cvss(&ev, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", &score);
	assert_string_equal(ev.cvss.version, "3.1");
	assert_true(ev.cvss.has_score);
	assert_true(ev.cvss.score > 7.49 && ev.cvss.score < 7.51);
	evidence_init(&ev);
	sca_set_cvss(&ev, "AV:N/AC:L/Au:N/C:P/I:P/A:P", NULL);
	assert_string_equal(ev.cvss.version, "2.0");
	assert_false(ev.cvss.has_score);
	evidence_init(&ev);
	sca_set_cvss(&ev, "not a vector", &zero);
	assert_null(ev.cvss.vector);
	assert_null(ev.cvss.version);
	assert_false(ev.cvss.has_score);
}

static void test_sca__score_from_vector(void **state)
{
	struct evidence ev;

	evidence_init(&ev);
	sca_set_cvss(&ev, "CVSS:3.1/AV:L/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H", NULL);
	assert_true(sca_cvss_score_from_vector(&ev));
	assert_true(ev.cvss.score > 5.09 && ev.cvss.score < 5.11);
	evidence_init(&ev);
	sca_set_cvss(&ev, "CVSS:3.1/AV:N/AC:L", NULL); /* incomplete: no score */
	assert_false(sca_cvss_score_from_vector(&ev));
	assert_false(ev.cvss.has_score);
	evidence_init(&ev);
	assert_false(sca_cvss_score_from_vector(&ev));
}

static void test_sca__urls(void **state)
{
	struct arena a = ARENA_INIT;
	struct evidence ev;

	evidence_init(&ev);
	sca_add_urls(&ev, &a, "- [Issue](https://github.com/x/y/issues/1)\n- see http://e.org/a.");
	assert_int_equal(ev.references.n, 2);
	assert_string_equal(ev.references.v[0], "https://github.com/x/y/issues/1");
	assert_string_equal(ev.references.v[1], "http://e.org/a");
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sca__purl_per_ecosystem),
		cmocka_unit_test(test_sca__github_ecosystems),
		cmocka_unit_test(test_sca__cvss_from_words),
		cmocka_unit_test(test_sca__purl_split),
		cmocka_unit_test(test_sca__pep503),
		cmocka_unit_test(test_sca__severity_words),
		cmocka_unit_test(test_sca__cvss),
		cmocka_unit_test(test_sca__score_from_vector),
		cmocka_unit_test(test_sca__urls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
