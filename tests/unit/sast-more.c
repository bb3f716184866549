/*
 * Unit tests for the Brakeman, SonarQube and GitLab SAST parsers: the
 * severity tables, what detection claims, and that a secret Brakeman
 * quotes never leaves the parser in clear.
 */
#include "posture.h"
#include "parse/parse.h"
#include "out/evidence_json.h"
#include "util/file.h"

#include <setjmp.h>
#include <cmocka.h>

/* Internal to src/parse/sonarqube.c. */
enum severity sonarqube__severity(const char *s);

static void test_sast_more__sonarqube_severity(void **state)
{
	/* legacy scale */
	assert_int_equal(sonarqube__severity("BLOCKER"), SEV_CRITICAL);
	assert_int_equal(sonarqube__severity("CRITICAL"), SEV_HIGH);
	assert_int_equal(sonarqube__severity("MAJOR"), SEV_MEDIUM);
	assert_int_equal(sonarqube__severity("MINOR"), SEV_LOW);
	assert_int_equal(sonarqube__severity("INFO"), SEV_INFO);
	/* impact scale (10.2+, BLOCKER and INFO since 10.8) */
	assert_int_equal(sonarqube__severity("HIGH"), SEV_HIGH);
	assert_int_equal(sonarqube__severity("MEDIUM"), SEV_MEDIUM);
	assert_int_equal(sonarqube__severity("LOW"), SEV_LOW);
	assert_int_equal(sonarqube__severity("unknown"), SEV_NONE);
	assert_int_equal(sonarqube__severity(NULL), SEV_NONE);
}

static const char *detect(const char *doc)
{
	const struct format *f = format_detect(doc, strlen(doc));

	return f ? f->name : "(none)";
}

static void test_sast_more__gitlab_detects_only_sast(void **state)
{
	assert_string_equal(detect("{\"version\":\"15.0.7\",\"vulnerabilities\":[],"
				   "\"scan\":{\"type\" : \"sast\"}}"), "gitlab-sast");
	assert_string_equal(detect("{\"version\":\"2.0\",\"vulnerabilities\":[{\"category\":\"sast\"}]}"),
			    "gitlab-sast");
	/* the other GitLab report types belong to their own formats */
	assert_string_not_equal(detect("{\"version\":\"15.0.7\",\"vulnerabilities\":[],"
				       "\"scan\":{\"type\":\"dependency_scanning\"}}"), "gitlab-sast");
	assert_string_not_equal(detect("{\"version\":\"15.0.7\",\"vulnerabilities\":[],"
				       "\"scan\":{\"type\":\"secret_detection\"}}"), "gitlab-sast");
	assert_string_not_equal(detect("{\"version\":\"15.0.7\",\"vulnerabilities\":[],"
				       "\"scan\":{\"type\":\"container_scanning\"}}"), "gitlab-sast");
}

static void test_sast_more__sonarqube_detection(void **state)
{
	assert_string_equal(detect("{\"total\":0,\"p\":1,\"ps\":100,\"paging\":{},\"effortTotal\":0,"
				   "\"issues\":[],\"components\":[]}"), "sonarqube");
	assert_string_equal(detect("{\"paging\":{\"pageIndex\":1},\"hotspots\":[]}"), "sonarqube");
}

struct capture {
	const char *secret;
	long count, leaks, hashed, secrets;
	struct jw w;
};

static int capture_cb(const struct evidence *ev, void *payload, struct perr *err)
{
	struct capture *c = payload;
	const char *json;
	size_t len;

	c->count++;
	if (ev->kind == KIND_SECRET)
		c->secrets++;
	if (ev->secret_hash)
		c->hashed++;
	jw_mem_clear(&c->w);
	out_evidence_json(&c->w, ev, false);
	jw_reset_line(&c->w);
	json = jw_mem(&c->w, &len);
	if (memmem(json, len, c->secret, strlen(c->secret)))
		c->leaks++;
	return 0;
}

static void test_sast_more__brakeman_secret_not_leaked(void **state)
{
	struct capture c = { .secret = "tr0ub4dor&3-live" };
	struct parse_opts opts = { .secret_key = "unit-test-key", .secret_key_len = 13 };
	struct perr err = PERR_INIT;
	char *buf = NULL;
	size_t len = 0;

	jw_init_mem(&c.w);
	assert_int_equal(pfile_slurp(&buf, &len, "tests/fixtures/brakeman/brakeman-6.json",
				     (size_t)1 << 24, &err), 0);
	/* the fixture holds the secret, or the test proves nothing */
	assert_non_null(memmem(buf, len, c.secret, strlen(c.secret)));
	assert_int_equal(parse_run(format_find("brakeman"), buf, len, &opts, capture_cb, &c, &err), 0);
	free(buf);
	jw_release(&c.w);
	assert_int_equal(c.count, 7);
	assert_int_equal(c.secrets, 1);
	assert_int_equal(c.hashed, 1);
	assert_int_equal(c.leaks, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sast_more__sonarqube_severity),
		cmocka_unit_test(test_sast_more__gitlab_detects_only_sast),
		cmocka_unit_test(test_sast_more__sonarqube_detection),
		cmocka_unit_test(test_sast_more__brakeman_secret_not_leaked),
	};

	return cmocka_run_group_tests_name("sast-more", tests, NULL, NULL);
}
