/*
 * Unit tests for the dynamic, IaC, cloud and generic parsers: the shared
 * helpers (src/parse/dastiac.c) and the mapping tables that decide
 * severity, confidence and validation, run through the real entry points.
 */
#include "posture.h"
#include "parse/parse.h"
#include "parse/dastiac.h"

#include <setjmp.h>
#include <cmocka.h>

/* What a parse produced, copied out of the borrowed records. */
struct seen {
	int n;
	enum severity sev[8];
	enum confidence conf[8];
	bool validated[8], suppressed[8];
	char rule[8][64];
};

static int collect(const struct evidence *ev, void *payload, struct perr *err)
{
	struct seen *s = payload;

	if (s->n < 8) {
		s->sev[s->n] = ev->severity;
		s->conf[s->n] = ev->confidence;
		s->validated[s->n] = ev->validated;
		s->suppressed[s->n] = ev->suppressed;
		snprintf(s->rule[s->n], sizeof(s->rule[0]), "%s", ev->rule_id ? ev->rule_id : "");
	}
	s->n++;
	return 0;
}

static int run(const char *fmt, const char *doc, struct seen *s, struct perr *err)
{
	memset(s, 0, sizeof(*s));
	return parse_run(format_find(fmt), doc, strlen(doc), NULL, collect, s, err);
}

static void test_dastiac__html_text(void **state)
{
	struct arena a = ARENA_INIT;

	assert_string_equal(dastiac__text(&a, "<p>One &amp; two.</p><p>Three &lt;x&gt;</p>"),
			    "One & two.\nThree <x>");
	assert_string_equal(dastiac__text(&a, "  spaced \t out  "), "spaced out");
	assert_string_equal(dastiac__text(&a, "it&#39;s<br/>fine"), "it's\nfine");
	assert_string_equal(dastiac__text(&a, "a < b and c&d"), "a < b and c&d");
	assert_string_equal(dastiac__text(&a, "cut <b"), "cut <b");
	assert_null(dastiac__text(&a, "<p></p>"));
	assert_null(dastiac__text(&a, NULL));
	arena_release(&a);
}

static void test_dastiac__clip_keeps_utf8(void **state)
{
	struct arena a = ARENA_INIT;
	const char *s = "ab\xc3\xa9\xc3\xa9"; /* "abéé": é is two bytes */

	assert_ptr_equal(dastiac__clip(&a, s, 6), s);
	assert_string_equal(dastiac__clip(&a, s, 3), "ab...");
	assert_string_equal(dastiac__clip(&a, s, 4), "ab\xc3\xa9...");
	assert_null(dastiac__clip(&a, "", 4));
	arena_release(&a);
}

static void test_dastiac__severity_words(void **state)
{
	enum severity s = SEV_NONE;

	assert_int_equal(dastiac__severity(&s, "Moderate"), 0);
	assert_int_equal(s, SEV_MEDIUM);
	assert_int_equal(dastiac__severity(&s, "INFORMATIONAL"), 0);
	assert_int_equal(s, SEV_INFO);
	assert_int_equal(dastiac__severity(&s, "unknown"), P_EINVALID);
	assert_int_equal(s, SEV_INFO);
	assert_int_equal(dastiac__severity(&s, NULL), P_EINVALID);
}

static void test_dastiac__urls_and_types(void **state)
{
	struct arena a = ARENA_INIT;
	struct strlist l = { 0 };
	struct perr err = PERR_INIT;
	struct jnode str = { JSTR, false, NULL, "x", 1, NULL, NULL, NULL };
	struct jnode nul = { JNULL, false, NULL, NULL, 0, NULL, NULL, NULL };

	dastiac__add_urls(&l, &a, "see https://a.test/x, http://b.test and https://a.test/x; ftp://c");
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "https://a.test/x");
	assert_string_equal(l.v[1], "http://b.test");
	assert_int_equal(dastiac__want(&err, NULL, JARR, "x"), 0);
	assert_int_equal(dastiac__want(&err, &str, JARR, "instances"), P_EINVALID);
	assert_string_equal(err.msg, "'instances' is a string, not an array");
	assert_int_equal(dastiac__want(&err, &nul, JOBJ, "info"), P_EINVALID);
	assert_string_equal(err.msg, "'info' is null, not an object");
	arena_release(&a);
}

static void test_dastiac__zap_confidence(void **state)
{
	struct seen s;
	struct perr err = PERR_INIT;
	const char *doc =
		"{\"@version\":\"2.14.0\",\"@generated\":\"x\",\"site\":[{\"@name\":\"http://h\","
		"\"alerts\":[{\"pluginid\":\"1\",\"riskcode\":\"3\",\"confidence\":\"4\","
		"\"instances\":[{\"uri\":\"http://h/a\"},{\"uri\":\"http://h/b\"}]},"
		"{\"pluginid\":\"2\",\"riskcode\":\"0\",\"confidence\":\"0\",\"instances\":[]},"
		"{\"pluginid\":\"3\",\"riskdesc\":\"Low (High)\",\"confidence\":\"3\"}]}]}";

	assert_int_equal(run("zap", doc, &s, &err), 0);
	assert_int_equal(s.n, 4); /* two instances, then one each for the others */
	assert_int_equal(s.sev[0], SEV_HIGH);
	assert_true(s.validated[0] && s.validated[1]);
	assert_int_equal(s.conf[0], CONF_CONFIRMED);
	assert_int_equal(s.sev[2], SEV_INFO);
	assert_true(s.suppressed[2]);
	assert_false(s.validated[2]);
	assert_int_equal(s.sev[3], SEV_LOW);
	assert_int_equal(s.conf[3], CONF_HIGH);
	assert_false(s.validated[3]);
}

static void test_dastiac__wapiti_levels(void **state)
{
	struct seen s;
	struct perr err = PERR_INIT;
	const char *doc =
		"{\"classifications\":{},\"anomalies\":{},\"vulnerabilities\":{\"X\":["
		"{\"path\":\"/a\",\"level\":4},{\"path\":\"/b\",\"level\":1},{\"path\":\"/c\",\"level\":\"1\"},"
		"{\"path\":\"/d\",\"level\":\"3\"}]},\"infos\":{\"target\":\"http://h/\"}}";

	assert_int_equal(run("wapiti", doc, &s, &err), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.sev[0], SEV_CRITICAL); /* 3.1+: numbers, 4 the worst */
	assert_int_equal(s.sev[1], SEV_LOW);
	assert_int_equal(s.sev[2], SEV_HIGH);     /* 3.0: strings, "1" the worst */
	assert_int_equal(s.sev[3], SEV_LOW);
}

static void test_dastiac__nuclei_identity(void **state)
{
	struct seen s;
	struct perr err = PERR_INIT;
	const char *doc =
		"{\"template-id\":\"tech-detect\",\"matcher-name\":\"nginx\",\"info\":{\"severity\":\"info\"},"
		"\"matched-at\":\"https://h\"}\n"
		"{\"template-id\":\"CVE-2021-44228\",\"info\":{\"severity\":\"critical\"},"
		"\"matched-at\":\"https://h\",\"interaction\":{\"protocol\":\"dns\"}}\n"
		"{\"template-id\":\"x\",\"info\":{\"severity\":\"unknown\"},\"matched-at\":\"https://h\"}\n";

	assert_int_equal(run("nuclei", doc, &s, &err), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.rule[0], "tech-detect:nginx");
	assert_false(s.validated[0]);
	assert_true(s.validated[1]);
	assert_int_equal(s.sev[2], SEV_NONE);
}

static void test_dastiac__generic_strictness(void **state)
{
	struct seen s;
	struct perr err = PERR_INIT;

	assert_int_equal(run("generic", "{\"tool\":{\"name\":\"t\"},\"findings\":[{\"rule_id\":\"r\","
			     "\"severity\":\"High\",\"validated\":true}]}", &s, &err), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.sev[0], SEV_HIGH);
	assert_true(s.validated[0]);
	assert_int_equal(run("generic", "{\"tool\":{\"name\":\"t\"},\"findings\":[{\"rule_id\":\"r\","
			     "\"kind\":\"web\"}]}", &s, &err), P_EINVALID);
	assert_string_equal(err.msg, "findings[0]: 'kind' is 'web': not one of sast, sca, secret, "
			    "container, iac, dast, api, cloud, runtime, other");
	assert_int_equal(run("generic-csv", "tool,title,validated\nt,x,maybe\n", &s, &err),
			 P_EINVALID);
	assert_string_equal(err.msg, "line 2: 'validated' is 'maybe': not true or false");
}

static void test_dastiac__testssl_skips(void **state)
{
	struct seen s;
	struct perr err = PERR_INIT;
	const char *csv =
		"\"id\",\"fqdn/ip\",\"port\",\"severity\",\"finding\",\"cve\",\"cwe\"\n"
		"\"service\",\"h/1.2.3.4\",\"443\",\"INFO\",\"HTTP\",\"\",\"\"\n"
		"\"SSLv2\",\"h/1.2.3.4\",\"443\",\"OK\",\"not offered\",\"\",\"\"\n"
		"\"engine_problem\",\"/\",\"443\",\"WARN\",\"no engine\",\"\",\"\"\n"
		"\"BEAST\",\"h/1.2.3.4\",\"443\",\"LOW\",\"VULNERABLE\",\"CVE-2011-3389\",\"CWE-20\"\n";

	assert_int_equal(run("testssl-csv", csv, &s, &err), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.rule[0], "BEAST");
	assert_int_equal(s.sev[0], SEV_LOW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dastiac__html_text),
		cmocka_unit_test(test_dastiac__clip_keeps_utf8),
		cmocka_unit_test(test_dastiac__severity_words),
		cmocka_unit_test(test_dastiac__urls_and_types),
		cmocka_unit_test(test_dastiac__zap_confidence),
		cmocka_unit_test(test_dastiac__wapiti_levels),
		cmocka_unit_test(test_dastiac__nuclei_identity),
		cmocka_unit_test(test_dastiac__generic_strictness),
		cmocka_unit_test(test_dastiac__testssl_skips),
	};

	return cmocka_run_group_tests_name("dastiac", tests, NULL, NULL);
}
