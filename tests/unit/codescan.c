/*
 * Unit tests for the code and secrets parsers: the shared helpers
 * (src/parse/codescan.c) and the promise that no secret a secrets fixture
 * holds ever appears in what the parsers emit.
 */
#include "posture.h"
#include "parse/parse.h"
#include "parse/codescan.h"
#include "out/evidence_json.h"
#include "util/file.h"

#include <setjmp.h>
#include <cmocka.h>

static void test_codescan__secret_preview(void **state)
{
	struct arena a = ARENA_INIT;

	assert_string_equal(parse__secret_preview(&a, "AKIAIOSFODNN7EXAMPLE"), "AKIA\xe2\x80\xa6(20)");
	/* short secrets show at most a quarter of themselves */
	assert_string_equal(parse__secret_preview(&a, "hunter22"), "hu\xe2\x80\xa6(8)");
	assert_string_equal(parse__secret_preview(&a, "abc"), "\xe2\x80\xa6(3)");
	/* characters, not bytes: a UTF-8 sequence is never cut */
	assert_string_equal(parse__secret_preview(&a, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"),
			    "\xc3\xa9\xc3\xa9\xe2\x80\xa6(8)");
	arena_release(&a);
}

static void test_codescan__secret_hash_is_keyed(void **state)
{
	struct arena a = ARENA_INIT;
	struct parse_opts o1 = { .secret_key = "k1", .secret_key_len = 2 };
	struct parse_opts o2 = { .secret_key = "k2", .secret_key_len = 2 };
	struct evidence e1, e2, e3;

	evidence_init(&e1);
	evidence_init(&e2);
	evidence_init(&e3);
	parse__secret(&e1, &a, &o1, "ghp_abcdefghijklmnop");
	parse__secret(&e2, &a, &o1, "ghp_abcdefghijklmnop");
	parse__secret(&e3, &a, &o2, "ghp_abcdefghijklmnop");
	assert_non_null(e1.secret_hash);
	assert_int_equal(strlen(e1.secret_hash), 64);
	assert_string_equal(e1.secret_hash, e2.secret_hash);
	assert_string_not_equal(e1.secret_hash, e3.secret_hash);
	assert_string_equal(kvlist_get(&e1.properties, "secret_preview"), "ghp_\xe2\x80\xa6(20)");
	evidence_init(&e1);
	parse__secret(&e1, &a, &o1, "");
	assert_null(e1.secret_hash);
	assert_int_equal(e1.properties.n, 0);
	arena_release(&a);
}

static void test_codescan__redact(void **state)
{
	struct arena a = ARENA_INIT;

	assert_string_equal(parse__redact(&a, "key = s3cr3t; again s3cr3t", "s3cr3t"),
			    "key = [REDACTED]; again [REDACTED]");
	assert_string_equal(parse__redact(&a, "nothing here", "s3cr3t"), "nothing here");
	assert_null(parse__redact(&a, NULL, "s3cr3t"));
	arena_release(&a);
}

static void test_codescan__line_range(void **state)
{
	unsigned s = 0, e = 0;

	assert_true(parse__line_range("12", &s, &e));
	assert_int_equal(s, 12);
	assert_int_equal(e, 12);
	assert_true(parse__line_range("12-14", &s, &e));
	assert_int_equal(s, 12);
	assert_int_equal(e, 14);
	assert_true(parse__line_range("9-3", &s, &e));
	assert_int_equal(e, 9);
	assert_false(parse__line_range("", &s, &e));
	assert_false(parse__line_range("0", &s, &e));
	assert_false(parse__line_range("-4", &s, &e));
	assert_false(parse__line_range("99999999999999", &s, &e));
}

static void test_codescan__severity_words(void **state)
{
	assert_int_equal(parse__severity_word("CRITICAL"), SEV_CRITICAL);
	assert_int_equal(parse__severity_word("Moderate"), SEV_MEDIUM);
	assert_int_equal(parse__severity_word("informational"), SEV_INFO);
	assert_int_equal(parse__severity_word("blocker"), SEV_NONE);
	assert_int_equal(parse__confidence_word("Weak"), CONF_LOW);
	assert_int_equal(parse__confidence_word("firm"), CONF_MEDIUM);
}

/* --- no secret in clear, ever --- */

struct leak_check {
	const char *const *secrets;
	struct jw w;
	long count, hashed;
	const char *leak;
};

static void check_text(struct leak_check *lc, const char *s)
{
	size_t i;

	for (i = 0; s && lc->secrets[i]; i++)
		if (strstr(s, lc->secrets[i]))
			lc->leak = lc->secrets[i];
}

static void check_location(struct leak_check *lc, const struct location *l)
{
	check_text(lc, l->path);
	check_text(lc, l->snippet);
	check_text(lc, l->logical);
	check_text(lc, l->url);
	check_text(lc, l->param);
}

static int leak_cb(const struct evidence *ev, void *payload, struct perr *err)
{
	struct leak_check *lc = payload;
	const char *json;
	size_t i, len;

	lc->count++;
	if (ev->secret_hash)
		lc->hashed++;
	/* every field as text, and the whole record as posture prints it */
	check_text(lc, ev->rule_id);
	check_text(lc, ev->rule_name);
	check_text(lc, ev->title);
	check_text(lc, ev->description);
	check_text(lc, ev->remediation);
	check_location(lc, &ev->loc);
	for (i = 0; i < ev->nrelated; i++)
		check_location(lc, &ev->related[i]);
	for (i = 0; i < ev->properties.n; i++)
		check_text(lc, ev->properties.v[i].value);
	for (i = 0; i < ev->tool_fingerprints.n; i++)
		check_text(lc, ev->tool_fingerprints.v[i].value);
	for (i = 0; i < ev->tags.n; i++)
		check_text(lc, ev->tags.v[i]);
	jw_mem_clear(&lc->w);
	out_evidence_json(&lc->w, ev, false);
	jw_reset_line(&lc->w);
	json = jw_mem(&lc->w, &len);
	check_text(lc, json);
	return 0;
}

static void leak_warn(void *payload, const char *msg)
{
	check_text(payload, msg);
}

/*
 * Parse a fixture and fail if any of `secrets` shows in any emitted field,
 * in the JSON posture prints, or in a warning. Returns how many evidence
 * records carried a secret_hash.
 */
static long assert_no_secret(const char *format, const char *path, const char *const *secrets,
			     long want_count)
{
	struct leak_check lc = { .secrets = secrets };
	struct parse_opts opts = { .secret_key = "unit-test-key", .secret_key_len = 13 };
	struct perr err = PERR_INIT;
	char *buf = NULL;
	size_t len = 0;

	opts.warn = leak_warn;
	opts.warn_payload = &lc;
	jw_init_mem(&lc.w);
	assert_int_equal(pfile_slurp(&buf, &len, path, (size_t)1 << 24, &err), 0);
	/* the fixture really holds each secret, or the test proves nothing */
	for (size_t i = 0; secrets[i]; i++)
		if (!memmem(buf, len, secrets[i], strlen(secrets[i])))
			fail_msg("%s does not contain the secret '%s'", path, secrets[i]);
	if (parse_run(format_find(format), buf, len, &opts, leak_cb, &lc, &err) < 0)
		fail_msg("%s: %s", path, err.msg);
	free(buf);
	jw_release(&lc.w);
	if (lc.leak)
		fail_msg("%s: the secret '%s' appears in the output", path, lc.leak);
	assert_int_equal(lc.count, want_count);
	return lc.hashed;
}

static void test_codescan__semgrep_secret_lines_dropped(void **state)
{
	static const char *const secrets[] = { "ghp_R8x2TQm4Lw9Vz1Kp6Ny3Hs7Jd5Fb0Ac2Ge4Uq", NULL };

	assert_int_equal(assert_no_secret("semgrep", "tests/fixtures/semgrep/ci-supply-chain.json",
					  secrets, 4), 0);
}

static void test_codescan__bandit_hardcoded_passwords(void **state)
{
	static const char *const secrets[] = { "Sup3rS3cretPassw0rd!", "r3p0rt!ng", NULL };

	assert_int_equal(assert_no_secret("bandit", "tests/fixtures/bandit/bandit-1.7.json",
					  secrets, 5), 2);
}

static void test_codescan__gosec_g101_code_dropped(void **state)
{
	static const char *const secrets[] = { "sk_live_4eC39HqLyjWDarjtT1zdp7dc", NULL };

	assert_int_equal(assert_no_secret("gosec", "tests/fixtures/gosec/gosec-2.json",
					  secrets, 4), 0);
}

static void test_codescan__gitleaks_v8(void **state)
{
	static const char *const secrets[] = {
		"AKIAIOSFODNN7EXAMPLE", "ghp_4Kd9XvQ2mZ7LpT1wR8sN3bY6hC0fJ5gE2aUi",
		"9f3c1e7a5b2d8046e1f7c3a9b5d2e8f0",
		"MIIEowIBAAKCAQEAuS2ffdGx3W1Xh0mTQ9kZp8vR4eYc7LwB2nJ6qH5sD1tF0gK3", NULL
	};

	assert_int_equal(assert_no_secret("gitleaks", "tests/fixtures/gitleaks/gitleaks-8.json",
					  secrets, 5), 5);
}

static void test_codescan__gitleaks_dir_and_redacted(void **state)
{
	static const char *const dir[] = {
		"xoxb-2952746311-8316152840291-kZ7vQm3RtY8wLp2NdXc6Hb0J", "AKIAIOSFODNN7EXAMPLE",
		"svc_Tq8Lm2Xv7Nw4Kp9Rz3Bc6Hd1Fg5", NULL
	};
	/* --redact=40 leaves a prefix: not the secret, still not shown */
	static const char *const redacted[] = { "ghp_4Kd9XvQ2mZ7LpT1w", NULL };

	assert_int_equal(assert_no_secret("gitleaks", "tests/fixtures/gitleaks/gitleaks-8-dir.json",
					  dir, 3), 3);
	/* "REDACTED" is not a secret: no hash, or every redacted leak would be one */
	assert_int_equal(assert_no_secret("gitleaks",
					  "tests/fixtures/gitleaks/gitleaks-8-redacted.json",
					  redacted, 2), 0);
}

static void test_codescan__gitleaks_v7(void **state)
{
	static const char *const secrets[] = {
		"AKIAIOSFODNN7EXAMPLE", "-----BEGIN OPENSSH PRIVATE KEY-----",
		"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", NULL
	};

	assert_int_equal(assert_no_secret("gitleaks", "tests/fixtures/gitleaks/gitleaks-7.json",
					  secrets, 3), 3);
}

static void test_codescan__trufflehog_v3(void **state)
{
	static const char *const git[] = {
		"ghp_4Kd9XvQ2mZ7LpT1wR8sN3bY6hC0fJ5gE2aUi", "AKIAIOSFODNN7EXAMPLE",
		/* RawV2 (key id + secret key) and a password inside a URI */
		"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "S3cretPassw0rd",
		"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", NULL
	};
	static const char *const fs[] = {
		"xoxb-2952746311-8316152840291-kZ7vQm3RtY8wLp2NdXc6Hb0J", "AKIAIOSFODNN7EXAMPLE",
		"sk_live_51HqLyjWDarjtT1zdp7dc0aB9cDeFgHiJkLmNoPqRs",
		"npm_Qm7Xv2Lp9Tz4Kw8Rb3Nc6Hd1Fg5Js0Ay2Ue", NULL
	};
	/* early 3.x: Raw is base64; neither it nor the decoded value may show */
	static const char *const legacy[] = { "QUtJQUlPU0ZPRE5ON0VYQU1QTEU=", NULL };

	assert_int_equal(assert_no_secret("trufflehog", "tests/fixtures/trufflehog/trufflehog-3-git.jsonl",
					  git, 5), 5);
	assert_int_equal(assert_no_secret("trufflehog",
					  "tests/fixtures/trufflehog/trufflehog-3-filesystem.jsonl", fs, 4), 4);
	assert_int_equal(assert_no_secret("trufflehog",
					  "tests/fixtures/trufflehog/trufflehog-3-legacy.jsonl", legacy, 2), 2);
}

static void test_codescan__trufflehog_v2(void **state)
{
	static const char *const secrets[] = {
		"AKIAIOSFODNN7EXAMPLE", "d15627104d07846ac2914a976e8e347a663bbd9b",
		"Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0", NULL
	};

	assert_int_equal(assert_no_secret("trufflehog", "tests/fixtures/trufflehog/trufflehog-2.jsonl",
					  secrets, 3), 3);
}

static void test_codescan__secret_hash_ignores_white_space(void **state)
{
	struct arena a = ARENA_INIT;
	struct parse_opts o = { .secret_key = "k", .secret_key_len = 1 };
	struct evidence e1, e2;

	evidence_init(&e1);
	evidence_init(&e2);
	parse__secret(&e1, &a, &o, "-----BEGIN KEY-----\nabc\n-----END KEY-----\n");
	parse__secret(&e2, &a, &o, "-----BEGIN KEY-----\nabc\n-----END KEY-----");
	assert_string_equal(e1.secret_hash, e2.secret_hash);
	evidence_init(&e1);
	parse__secret(&e1, &a, &o, " \n\t");
	assert_null(e1.secret_hash);
	arena_release(&a);
}

static void test_codescan__detect_secrets_sha1_not_kept(void **state)
{
	/*
	 * The baseline's unkeyed SHA-1s of secrets: a short password's can
	 * be reversed by brute force, so only their keyed hash is kept.
	 */
	static const char *const sha1s[] = {
		"25910f981e85ca04baf359199dd0bd4a3ae738b6", "3b711cb3f652713fd77cbe5fd9f6936d7d6fac0a",
		"b4005391a377ff12572517c5740279fc21e780af", NULL
	};

	assert_int_equal(assert_no_secret("detect-secrets",
					  "tests/fixtures/detect-secrets/baseline-1.4.json", sha1s, 5), 5);
}

static void test_codescan__github_secret_scanning(void **state)
{
	static const char *const repo[] = {
		"ghp_4Kd9XvQ2mZ7LpT1wR8sN3bY6hC0fJ5gE2aUi", "AKIAIOSFODNN7EXAMPLE",
		/* also quoted in a resolution comment */
		"sk_live_51HqLyjWDarjtT1zdp7dc0aB9cDeFgHiJkLmNoPqRs",
		"https://hooks.slack.com/services/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",
		"Zm9vYmFyMTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PUFFSU1RVVg==",
		NULL
	};
	static const char *const org[] = {
		"ghp_4Kd9XvQ2mZ7LpT1wR8sN3bY6hC0fJ5gE2aUi", "AKIAIOSFODNN7EXAMPLE", NULL
	};

	assert_int_equal(assert_no_secret("github-secret-scanning",
					  "tests/fixtures/github-secret-scanning/repo-alerts.json",
					  repo, 5), 5);
	assert_int_equal(assert_no_secret("github-secret-scanning",
					  "tests/fixtures/github-secret-scanning/org-alerts-2022.json",
					  org, 2), 2);
}

static void test_codescan__gitlab_secret_detection(void **state)
{
	static const char *const v15[] = {
		"ghp_4Kd9XvQ2mZ7LpT1wR8sN3bY6hC0fJ5gE2aUi", "AKIAIOSFODNN7EXAMPLE",
		"glpat-Xq7Lm2Vz9Tw4Kp8Rb3Nc", "Tr0ub4dor-Payments", NULL
	};
	/* schema 14's cve holds an unkeyed SHA-256 of the secret: not kept either */
	static const char *const v14[] = {
		"AKIAIOSFODNN7EXAMPLE", "-----BEGIN OPENSSH PRIVATE KEY-----",
		"1a5d44a2dca19669d72edf4c4f1c27c4c1ca4b4408fbb17f6ce4ad452d78ddb3", NULL
	};

	assert_int_equal(assert_no_secret("gitlab-secret-detection",
					  "tests/fixtures/gitlab-secret-detection/report-15.json",
					  v15, 4), 4);
	assert_int_equal(assert_no_secret("gitlab-secret-detection",
					  "tests/fixtures/gitlab-secret-detection/report-14.json",
					  v14, 2), 2);
}

static void test_codescan__code_lines(void **state)
{
	struct arena a = ARENA_INIT;

	assert_string_equal(parse__code_lines(&a, "40: \tx := 1\n41: \ty := f(x)\n42: }\n", 41, 41),
			    "\ty := f(x)");
	assert_string_equal(parse__code_lines(&a, "9 a\n10     b\n11 c\n", 10, 11), "    b\nc");
	assert_string_equal(parse__code_lines(&a, "h := md5.New()", 9, 9), "h := md5.New()");
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codescan__secret_preview),
		cmocka_unit_test(test_codescan__secret_hash_is_keyed),
		cmocka_unit_test(test_codescan__redact),
		cmocka_unit_test(test_codescan__line_range),
		cmocka_unit_test(test_codescan__severity_words),
		cmocka_unit_test(test_codescan__semgrep_secret_lines_dropped),
		cmocka_unit_test(test_codescan__bandit_hardcoded_passwords),
		cmocka_unit_test(test_codescan__gosec_g101_code_dropped),
		cmocka_unit_test(test_codescan__code_lines),
		cmocka_unit_test(test_codescan__gitleaks_v8),
		cmocka_unit_test(test_codescan__gitleaks_dir_and_redacted),
		cmocka_unit_test(test_codescan__gitleaks_v7),
		cmocka_unit_test(test_codescan__trufflehog_v3),
		cmocka_unit_test(test_codescan__trufflehog_v2),
		cmocka_unit_test(test_codescan__secret_hash_ignores_white_space),
		cmocka_unit_test(test_codescan__detect_secrets_sha1_not_kept),
		cmocka_unit_test(test_codescan__github_secret_scanning),
		cmocka_unit_test(test_codescan__gitlab_secret_detection),
	};

	return cmocka_run_group_tests_name("codescan", tests, NULL, NULL);
}
