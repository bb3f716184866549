/* Unit tests for the exceptions file parser and matcher (src/engine/exceptions.c). */
#include "posture.h"
#include "engine/exceptions.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/ptime.h"

#include <setjmp.h>
#include <cmocka.h>

static int64_t at(const char *s)
{
	struct perr err = PERR_INIT;
	int64_t t = 0;

	assert_int_equal(ptime_parse(&t, s, &err), 0);
	return t;
}

/* Parse text; returns the result code, with the message in err. */
static int parse(struct exception_list *l, const char *text, struct perr *err)
{
	exceptions_init(l);
	return exceptions_parse(l, text, strlen(text), "x.yaml", err);
}

static void expect_error(const char *text, const char *msg)
{
	struct exception_list l;
	struct perr err = PERR_INIT;

	assert_int_equal(parse(&l, text, &err), P_EINVALID);
	assert_string_equal(err.msg, msg);
	exceptions_release(&l);
}

static void test_exceptions__fixture(void **state)
{
	struct exception_list l;
	struct perr err = PERR_INIT;
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(pfile_slurp(&buf, &len, "tests/fixtures/exceptions/good.yaml", 1 << 20, &err), 0);
	exceptions_init(&l);
	assert_int_equal(exceptions_parse(&l, buf, len, "good.yaml", &err), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.v[0].status, STATUS_RISK_ACCEPTED);
	assert_string_equal(l.v[0].vuln, "CVE-2023-26136");
	assert_string_equal(l.v[0].package, "pkg:npm/tough-cookie");
	assert_string_equal(l.v[0].reason, "only parses cookies from our own API");
	assert_string_equal(l.v[0].approver, "alice@example.com");
	assert_int_equal(l.v[0].expires, at("2026-06-30"));
	assert_string_equal(l.v[0].source, "good.yaml");
	assert_int_equal(l.v[0].line, 4);
	assert_int_equal(l.v[0].column, 5);
	assert_null(l.v[0].rule);
	assert_int_equal(l.v[1].status, STATUS_FALSE_POSITIVE);
	assert_string_equal(l.v[1].rule, "python.lang.security.audit.eval-detected");
	assert_string_equal(l.v[1].path, "tests/*");
	assert_int_equal(l.v[1].expires, 0);
	assert_int_equal(l.v[1].line, 9);
	assert_string_equal(l.v[2].fingerprint, "0123456789abcdef0123456789abcdef");
	assert_string_equal(l.v[2].app, "checkout");
	assert_int_equal(l.v[2].expires, at("2026-01-15T12:00:00Z"));
	exceptions_release(&l);
	xfree(buf);
}

static void test_exceptions__empty(void **state)
{
	struct exception_list l;
	struct perr err = PERR_INIT;

	assert_int_equal(parse(&l, "", &err), 0);
	assert_int_equal(l.n, 0);
	exceptions_release(&l);
	assert_int_equal(parse(&l, "# nothing\nexceptions:\n", &err), 0);
	assert_int_equal(l.n, 0);
	exceptions_release(&l);
}

static void test_exceptions__errors(void **state)
{
	expect_error("exceptions:\n  - rule: B101\n    reason: r\n    approver: a\n",
		     "x.yaml:2:5: 'expires' is required for a risk acceptance (a date, YYYY-MM-DD)");
	expect_error("exceptions:\n  - reason: r\n    approver: a\n    expires: 2026-01-01\n",
		     "x.yaml:2:5: an exception selects nothing: give at least one of fingerprint, "
		     "finding, rule, vuln, package, path, app");
	expect_error("exceptions:\n  - rule: B101\n    approver: a\n    expires: 2026-01-01\n",
		     "x.yaml:2:5: 'reason' is required");
	expect_error("exceptions:\n  - rule: B101\n    reason: r\n    expires: 2026-01-01\n",
		     "x.yaml:2:5: 'approver' is required");
	expect_error("exceptions:\n  - rule: B101\n    reason: r\n    approver: a\n    expires: soon\n",
		     "x.yaml:5:14: 'expires' is 'soon', not a date (YYYY-MM-DD)");
	expect_error("exceptions:\n  - rule: B101\n    reason: r\n    approver: a\n    expires: 2026-01-01\n"
		     "    owner: z\n",
		     "x.yaml:6:5: unknown key 'owner' in an exception (allowed: status, reason, approver, "
		     "expires, fingerprint, finding, rule, vuln, package, path, app)");
	expect_error("exceptions:\n  - rule: B101\n    rule: B102\n",
		     "x.yaml:3:5: 'rule' is given twice in an exception");
	expect_error("exceptions:\n  - package: pkg:npm/lodash@4.17.20\n    reason: r\n    approver: a\n"
		     "    expires: 2026-01-01\n",
		     "x.yaml:2:14: package: 'pkg:npm/lodash@4.17.20' names a version, qualifiers or a "
		     "subpath: an exception covers every version of a package (write 'pkg:npm/lodash')");
	expect_error("exceptions:\n  - vuln: log4shell\n",
		     "x.yaml:2:11: vuln: 'log4shell' is not a vulnerability id (CVE-..., GHSA-..., or an "
		     "OSV id)");
	expect_error("exceptions:\n  - finding: 0\n",
		     "x.yaml:2:14: 'finding' is '0', not a finding id (a positive number)");
	expect_error("exceptions:\n  - fingerprint: xyz\n",
		     "x.yaml:2:18: fingerprint: 'xyz' is not a fingerprint (hex digits, as 'posture show' "
		     "prints them)");
	expect_error("exceptions:\n  - rule: B101\n    status: wont_fix\n",
		     "x.yaml:3:13: 'wont_fix' is not a valid status (one of: risk_accepted, false_positive)");
	expect_error("exceptions:\n  - rule: [a, b]\n",
		     "x.yaml:2:11: 'rule' is a list, not a string");
	expect_error("exceptions:\n  - rule:\n    reason: r\n",
		     "x.yaml:2:10: 'rule' is empty");
	expect_error("- rule: B101\n", "x.yaml:1:1: the document is a list, not a mapping with 'exceptions'");
	expect_error("exception: []\n", "x.yaml:1:1: unknown key 'exception' (allowed: version, exceptions)");
	expect_error("version: 2\n", "x.yaml:1:10: 'version' must be 1");
	expect_error("exceptions: {}\n", "x.yaml:1:13: 'exceptions' is a mapping, not a list");
	expect_error("exceptions:\n  - rule: B101\n  reason: x\n",
		     "x.yaml:3:3: did not find expected '-' indicator while parsing a block collection");
	expect_error("exceptions: []\n---\nexceptions: []\n",
		     "x.yaml:2:1: a second YAML document: an exceptions file is one document");
}

static void test_exceptions__limits(void **state)
{
	struct exception_list l;
	struct perr err = PERR_INIT;
	struct pbuf b = PBUF_INIT;
	int i;

	/* one entry and 10,000 aliases of it: the entry count is bounded, not the text */
	assert_int_equal(pbuf_adds(&b, "exceptions:\n  - &m {rule: x, reason: r, approver: a, "
				   "expires: 2026-01-01}\n"), 0);
	for (i = 0; i < EXCEPTIONS_MAX_ENTRIES; i++)
		assert_int_equal(pbuf_adds(&b, "  - *m\n"), 0);
	exceptions_init(&l);
	assert_int_equal(exceptions_parse(&l, b.buf, b.len, "x.yaml", &err), P_ELIMIT);
	assert_string_equal(err.msg, "x.yaml:2:5: more than 10000 exceptions");
	exceptions_release(&l);
	pbuf_release(&b);
}

static void test_exceptions__long_string(void **state)
{
	struct exception_list l;
	struct perr err = PERR_INIT;
	char text[1200];

	snprintf(text, sizeof(text), "exceptions:\n  - rule: %01100d\n", 0);
	assert_int_equal(parse(&l, text, &err), P_ELIMIT);
	assert_string_equal(err.msg, "x.yaml:2:11: 'rule' is longer than 1024 bytes");
	exceptions_release(&l);
}

static void test_exceptions__match(void **state)
{
	static const char *const vulns[] = { "CVE-2023-26136", "GHSA-72xf-g2v4-qvf3" };
	struct exception_subject s = { 7, "0123456789abcdef0123456789abcdef", "npm-audit-1", "pkg:npm/tough-cookie",
				       "package-lock.json", "checkout", vulns, 2 };
	struct exception_list l;
	struct exception_entry *e;
	const struct exception_entry *m, *expired;
	int64_t now = at("2026-03-01");

	exceptions_init(&l);
	/* 0: expired, 1: another app, 2: the one that applies, 3: also applies but later */
	e = exceptions_add(&l);
	e->vuln = "CVE-2023-26136";
	e->expires = at("2026-02-01");
	e = exceptions_add(&l);
	e->vuln = "CVE-2023-26136";
	e->app = "billing";
	e->expires = at("2027-01-01");
	e = exceptions_add(&l);
	e->vuln = "GHSA-72XF-G2V4-QVF3";
	e->package = "pkg:npm/tough-cookie";
	e->expires = at("2026-03-02");
	e = exceptions_add(&l);
	e->status = STATUS_FALSE_POSITIVE;
	e->fingerprint = "0123456789ABCDEF0123456789ABCDEF";
	m = exceptions_match(&l, &s, now, &expired);
	assert_ptr_equal(m, &l.v[2]);
	assert_ptr_equal(expired, &l.v[0]);
	/* an entry expires at its instant */
	m = exceptions_match(&l, &s, at("2026-03-02"), NULL);
	assert_ptr_equal(m, &l.v[3]);
	/* before the first one expired, it applies */
	m = exceptions_match(&l, &s, at("2026-01-31"), &expired);
	assert_ptr_equal(m, &l.v[0]);
	assert_null(expired);
	s.fingerprint = "ffff";
	m = exceptions_match(&l, &s, at("2026-04-01"), &expired);
	assert_null(m);
	assert_ptr_equal(expired, &l.v[0]);
	exceptions_release(&l);
}

static void test_exceptions__selectors(void **state)
{
	struct exception_entry e;
	struct exception_subject s = { 9, "abcd", "B101", NULL, "tests/unit/a.py", "checkout", NULL, 0 };

	memset(&e, 0, sizeof(e));
	e.path = "tests/*";
	assert_true(exception_selects(&e, &s));
	e.path = "src/*";
	assert_false(exception_selects(&e, &s));
	e.path = NULL;
	e.rule = "B101";
	e.app = "checkout";
	assert_true(exception_selects(&e, &s));
	e.finding_id = 10;
	assert_false(exception_selects(&e, &s));
	e.finding_id = 9;
	assert_true(exception_selects(&e, &s));
	/* a selector the finding lacks does not match */
	e.package = "pkg:pypi/x";
	assert_false(exception_selects(&e, &s));
	e.package = NULL;
	e.vuln = "CVE-2020-1234";
	assert_false(exception_selects(&e, &s));
	e.vuln = NULL;
	s.path = NULL;
	e.path = "*";
	assert_false(exception_selects(&e, &s));
}

static void test_exceptions__checks(void **state)
{
	struct perr err = PERR_INIT;
	struct arena a;
	const char *v = NULL;

	arena_init(&a, 0);
	assert_int_equal(exceptions_check_package("pkg:npm/%40babel/core", &err), 0);
	assert_int_equal(exceptions_check_package("lodash", &err), P_EINVALID);
	assert_string_equal(err.msg, "'lodash' is not a package url (pkg:TYPE/NAME)");
	assert_int_equal(exceptions_norm_vuln(&a, "ghsa-72xf-g2v4-qvf3", &v, &err), 0);
	assert_string_equal(v, "GHSA-72xf-g2v4-qvf3");
	assert_int_equal(exceptions_check_fingerprint("0123abcd", &err), 0);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exceptions__fixture),
		cmocka_unit_test(test_exceptions__empty),
		cmocka_unit_test(test_exceptions__errors),
		cmocka_unit_test(test_exceptions__limits),
		cmocka_unit_test(test_exceptions__long_string),
		cmocka_unit_test(test_exceptions__match),
		cmocka_unit_test(test_exceptions__selectors),
		cmocka_unit_test(test_exceptions__checks),
	};

	return cmocka_run_group_tests_name("exceptions", tests, NULL, NULL);
}
