/*
 * Unit tests for src/engine/cvss: the published vectors in
 * tests/fixtures/cvss/vectors.tsv (every mismatch is reported, then the
 * test fails), the malformed vectors of malformed.tsv with their exact
 * messages, and the pieces of v4.0 scoring one by one.
 */
#include "posture.h"
#include "engine/cvss.h"
#include "util/csv.h"
#include "util/file.h"

#include <math.h>
#include <setjmp.h>
#include <cmocka.h>

#define FIXTURES "tests/fixtures/cvss/"

static char *slurp(const char *name, size_t *len)
{
	struct perr err = PERR_INIT;
	char path[256], *buf = NULL;

	snprintf(path, sizeof(path), "%s%s", FIXTURES, name);
	if (pfile_slurp(&buf, len, path, 1 << 20, &err) < 0)
		fail_msg("%s", err.msg);
	return buf;
}

static enum cvss_version version_of(const char *vector)
{
	if (!strncmp(vector, "CVSS:4.0/", 9))
		return CVSS_V4_0;
	if (!strncmp(vector, "CVSS:3.1/", 9))
		return CVSS_V3_1;
	if (!strncmp(vector, "CVSS:3.0/", 9))
		return CVSS_V3_0;
	return CVSS_V2_0;
}

static void test_cvss__published_vectors(void **state)
{
	struct perr err = PERR_INIT;
	size_t len, rows = 0, bad = 0, per_version[4] = { 0 };
	char *buf = slurp("vectors.tsv", &len);
	struct csv c;
	int r;

	csv_init(&c, buf, len, '\t');
	while ((r = csv_next(&c, &err)) > 0) {
		struct perr perr = PERR_INIT;
		struct cvss_vector v;
		const char *vector = c.field[0];
		double want, got;
		char text[16];

		if (!vector[0] || vector[0] == '#')
			continue;
		if (c.nfields != 4) {
			print_error("vectors.tsv line %zu: %zu fields, not 4\n", c.line, c.nfields);
			bad++;
			continue;
		}
		rows++;
		want = strtod(c.field[1], NULL);
		if (cvss_parse(&v, vector, &perr) < 0) {
			print_error("line %zu: %s: parse failed: %s\n", c.line, vector, perr.msg);
			bad++;
			continue;
		}
		if (v.version != version_of(vector)) {
			print_error("line %zu: %s: version %s\n", c.line, vector,
				    cvss_version_name(v.version));
			bad++;
		}
		per_version[v.version]++;
		got = cvss_score(&v);
		snprintf(text, sizeof(text), "%.1f", got);
		if (strcmp(text, c.field[1]) || got != want) {
			print_error("line %zu: %s: score %s, FIRST says %s (%s)\n", c.line,
				    vector, text, c.field[1], c.field[3]);
			bad++;
		}
		if (strcmp(cvss_rating(want, v.version), c.field[2])) {
			print_error("line %zu: %s: rating %s, expected %s\n", c.line, vector,
				    cvss_rating(want, v.version), c.field[2]);
			bad++;
		}
	}
	if (r < 0)
		fail_msg("vectors.tsv: %s", err.msg);
	csv_release(&c);
	free(buf);
	print_message("%zu vectors: v2.0 %zu, v3.0 %zu, v3.1 %zu, v4.0 %zu; %zu mismatches\n",
		      rows, per_version[CVSS_V2_0], per_version[CVSS_V3_0],
		      per_version[CVSS_V3_1], per_version[CVSS_V4_0], bad);
	assert_int_equal(bad, 0);
	assert_true(per_version[CVSS_V2_0] >= 50);
	assert_true(per_version[CVSS_V3_0] >= 50);
	assert_true(per_version[CVSS_V3_1] >= 50);
	assert_true(per_version[CVSS_V4_0] >= 50);
}

static void test_cvss__malformed_vectors(void **state)
{
	struct perr err = PERR_INIT;
	size_t len, rows = 0, bad = 0;
	char *buf = slurp("malformed.tsv", &len);
	struct csv c;
	int r;

	csv_init(&c, buf, len, '\t');
	while ((r = csv_next(&c, &err)) > 0) {
		struct perr perr = PERR_INIT;
		struct cvss_vector v;
		int ret;

		if (!c.field[0][0] || c.field[0][0] == '#')
			continue;
		rows++;
		ret = cvss_parse(&v, c.field[0], &perr);
		if (ret != P_EINVALID || c.nfields != 2 || strcmp(perr.msg, c.field[1])) {
			print_error("line %zu: %s: got %d '%s', expected '%s'\n", c.line,
				    c.field[0], ret, perr.msg, c.nfields > 1 ? c.field[1] : "?");
			bad++;
		}
	}
	if (r < 0)
		fail_msg("malformed.tsv: %s", err.msg);
	csv_release(&c);
	free(buf);
	assert_true(rows >= 20);
	assert_int_equal(bad, 0);
}

static void test_cvss__limits_and_blanks(void **state)
{
	struct perr err = PERR_INIT;
	struct cvss_vector v;
	char huge[CVSS_MAX_VECTOR + 64];

	assert_int_equal(cvss_parse(&v, "", &err), P_EINVALID);
	assert_string_equal(err.msg, "empty CVSS vector");
	assert_int_equal(cvss_parse(&v, NULL, &err), P_EINVALID);
	assert_int_equal(cvss_parse(&v, " \t\n", &err), P_EINVALID);

	memset(huge, 'A', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	assert_int_equal(cvss_parse(&v, huge, &err), P_ELIMIT);
	assert_string_equal(err.msg, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...: "
				     "a CVSS vector is at most 1024 bytes");

	/* surrounding white space is not part of the vector */
	assert_int_equal(cvss_parse(&v, "  CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n", &err), 0);
	assert_true(cvss_score(&v) == 9.8);
	/* tools that write a "CVSS:2.0/" prefix */
	assert_int_equal(cvss_parse(&v, "CVSS:2.0/AV:N/AC:L/Au:N/C:C/I:C/A:C", &err), 0);
	assert_int_equal(v.version, CVSS_V2_0);
	assert_true(cvss_score(&v) == 10.0);
}

static void test_cvss__ratings(void **state)
{
	assert_string_equal(cvss_rating(0.0, CVSS_V3_1), "None");
	assert_string_equal(cvss_rating(0.1, CVSS_V3_1), "Low");
	assert_string_equal(cvss_rating(3.9, CVSS_V3_0), "Low");
	assert_string_equal(cvss_rating(4.0, CVSS_V3_1), "Medium");
	assert_string_equal(cvss_rating(6.9, CVSS_V4_0), "Medium");
	assert_string_equal(cvss_rating(7.0, CVSS_V4_0), "High");
	assert_string_equal(cvss_rating(8.9, CVSS_V3_1), "High");
	assert_string_equal(cvss_rating(9.0, CVSS_V3_1), "Critical");
	assert_string_equal(cvss_rating(10.0, CVSS_V4_0), "Critical");
	/* v2: NVD's three bands, no None or Critical */
	assert_string_equal(cvss_rating(0.0, CVSS_V2_0), "Low");
	assert_string_equal(cvss_rating(3.9, CVSS_V2_0), "Low");
	assert_string_equal(cvss_rating(4.0, CVSS_V2_0), "Medium");
	assert_string_equal(cvss_rating(6.9, CVSS_V2_0), "Medium");
	assert_string_equal(cvss_rating(7.0, CVSS_V2_0), "High");
	assert_string_equal(cvss_rating(10.0, CVSS_V2_0), "High");
}

static void test_cvss__v4_lookup_table(void **state)
{
	static const char eq_max[6] = { 2, 1, 2, 2, 2, 1 };
	char macro[7] = "000000";
	int n = 0, i;

	/* every combination of EQ levels but EQ3=2 with EQ6=0 has a score */
	for (i = 0; i < 3 * 2 * 3 * 3 * 3 * 2; i++) {
		int k, rest = i;
		double s;

		for (k = 5; k >= 0; k--) {
			macro[k] = (char)('0' + rest % (eq_max[k] + 1));
			rest /= eq_max[k] + 1;
		}
		s = cvss__v4_lookup(macro);
		if (macro[2] == '2' && macro[5] == '0') {
			assert_true(s < 0);
			continue;
		}
		assert_true(s > 0 && s <= 10.0);
		n++;
	}
	assert_int_equal(n, 270);
	assert_true(cvss__v4_lookup("000000") == 10.0);
	assert_true(cvss__v4_lookup("002201") == 6.9);
	assert_true(cvss__v4_lookup("111111") == 5.7);
	assert_true(cvss__v4_lookup("212221") == 0.1);
	assert_true(cvss__v4_lookup("003000") < 0);
}

static void test_cvss__v4_macro_vectors(void **state)
{
	static const struct {
		const char *vector, *macro;
	} cases[] = {
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", "000100" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L", "002201" },
		{ "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", "210100" },
		/* EQ1 1 needs one N and no AV:P */
		{ "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "100200" },
		{ "CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "200200" },
		/* threat and environmental metrics move the macro vector */
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", "000220" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S", "000000" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/CR:L/IR:L/AR:M", "000201" },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MAV:P/MAC:H", "210200" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct perr err = PERR_INIT;
		struct cvss_vector v;
		char macro[7];

		assert_int_equal(cvss_parse(&v, cases[i].vector, &err), 0);
		cvss__v4_macro(&v, macro);
		if (strcmp(macro, cases[i].macro))
			fail_msg("%s: macro %s, expected %s", cases[i].vector, macro, cases[i].macro);
	}
}

static void test_cvss__nomenclature_and_groups(void **state)
{
	static const struct {
		const char *vector, *nomenclature;
		double base, score;
	} cases[] = {
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "CVSS-B", 9.3, 9.3 },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", "CVSS-BT", 9.3, 8.1 },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X", "CVSS-B", 9.3, 9.3 },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MAV:A", "CVSS-BE", 9.3, 8.7 },
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/MAV:L/MPR:L", "CVSS-BTE", 9.3, 5.9 },
		/* supplemental metrics never change the score nor the nomenclature */
		{ "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:P/AU:Y/U:Red", "CVSS-B", 9.3, 9.3 },
	};
	struct perr err = PERR_INIT;
	struct cvss_vector v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(cvss_parse(&v, cases[i].vector, &err), 0);
		assert_string_equal(cvss_nomenclature(&v), cases[i].nomenclature);
		assert_true(cvss_base_score(&v) == cases[i].base);
		assert_true(cvss_score(&v) == cases[i].score);
	}

	/* v3: the base score stays the base score; score takes the most specific group */
	assert_int_equal(cvss_parse(&v, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:F/RL:O/RC:R", &err), 0);
	assert_null(cvss_nomenclature(&v));
	assert_true(cvss_has_temporal(&v));
	assert_false(cvss_has_environmental(&v));
	assert_true(cvss_base_score(&v) == 9.8);
	assert_true(cvss_temporal_score(&v) == 8.7);
	assert_true(cvss_score(&v) == 8.7);
	assert_string_equal(cvss_metric_value(&v, 8), "F");
	assert_string_equal(cvss_metric_abbr(v.version, 8), "E");
	assert_null(cvss_metric_value(&v, 11));

	/* v2 all-None impact is 0.0, not -0.0 */
	assert_int_equal(cvss_parse(&v, "AV:N/AC:L/Au:N/C:N/I:N/A:N", &err), 0);
	assert_true(cvss_base_score(&v) == 0.0);
	assert_false(signbit(cvss_base_score(&v)));
	/* ND is Not Defined: the base score */
	assert_int_equal(cvss_parse(&v, "AV:N/AC:L/Au:N/C:P/I:N/A:N/E:ND/RL:ND/RC:ND/CDP:ND/TD:ND", &err), 0);
	assert_false(cvss_has_temporal(&v));
	assert_false(cvss_has_environmental(&v));
	assert_true(cvss_score(&v) == 5.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cvss__published_vectors),
		cmocka_unit_test(test_cvss__malformed_vectors),
		cmocka_unit_test(test_cvss__limits_and_blanks),
		cmocka_unit_test(test_cvss__ratings),
		cmocka_unit_test(test_cvss__v4_lookup_table),
		cmocka_unit_test(test_cvss__v4_macro_vectors),
		cmocka_unit_test(test_cvss__nomenclature_and_groups),
	};

	return cmocka_run_group_tests_name("cvss", tests, NULL, NULL);
}
