/*
 * Unit tests for src/feeds: the EPSS daily file (plain and gzip'd) and the
 * CISA KEV catalog, over the fixtures in tests/fixtures/epss and kev.
 */
#include "posture.h"
#include "feeds/epss.h"
#include "feeds/kev.h"
#include "util/file.h"

#include <setjmp.h>
#include <cmocka.h>

static char *slurp(const char *path, size_t *len)
{
	struct perr err = PERR_INIT;
	char *buf = NULL;

	if (pfile_slurp(&buf, len, path, 1 << 20, &err) < 0)
		fail_msg("%s", err.msg);
	return buf;
}

/* --- EPSS ---------------------------------------------------------------- */

struct epss_seen {
	size_t n;
	char cve[16][24];
	double epss[16], pct[16];
	size_t line[16];
	int stop_after; /* 0: never */
};

static int epss_collect(const struct epss_meta *meta, const struct epss_row *row,
			void *payload, struct perr *err)
{
	struct epss_seen *s = payload;

	if (s->n < 16) {
		snprintf(s->cve[s->n], sizeof(s->cve[0]), "%s", row->cve);
		s->epss[s->n] = row->epss;
		s->pct[s->n] = row->percentile;
		s->line[s->n] = row->line;
	}
	s->n++;
	if (s->stop_after && (int)s->n == s->stop_after)
		return perr_set(err, P_ERROR, "stopped");
	return 0;
}

static long epss_file(const char *name, struct epss_meta *meta, struct epss_seen *seen,
		      struct perr *err)
{
	char path[256], *buf;
	size_t len;
	long n;

	snprintf(path, sizeof(path), "tests/fixtures/epss/%s", name);
	buf = slurp(path, &len);
	n = epss_parse(buf, len, meta, epss_collect, seen, err);
	free(buf);
	return n;
}

static void test_feeds__epss_daily_file(void **state)
{
	struct epss_meta meta;
	struct epss_seen seen = { 0 };
	struct perr err = PERR_INIT;

	assert_int_equal(epss_file("epss_scores-2025-03-16.csv", &meta, &seen, &err), 10);
	assert_string_equal(meta.model_version, "v2025.03.14");
	assert_string_equal(meta.score_date, "2025-03-16T12:55:00Z");
	assert_int_equal(seen.n, 10);
	assert_string_equal(seen.cve[0], "CVE-1999-0001");
	assert_true(seen.epss[0] == 0.01141);
	assert_true(seen.pct[0] == 0.77798);
	assert_int_equal(seen.line[0], 3);
	assert_string_equal(seen.cve[5], "CVE-2021-44228");
	assert_true(seen.epss[5] == 0.94358);
	/* exponent notation, as the file writes tiny probabilities */
	assert_string_equal(seen.cve[9], "CVE-2025-1094");
	assert_true(seen.epss[9] == 1.0e-04);
	assert_int_equal(seen.line[9], 12);
}

static void test_feeds__epss_gzip_is_the_same(void **state)
{
	struct epss_meta meta;
	struct epss_seen plain = { 0 }, gz = { 0 };
	struct perr err = PERR_INIT;
	size_t i;

	assert_int_equal(epss_file("epss_scores-2025-03-16.csv", &meta, &plain, &err), 10);
	assert_int_equal(epss_file("epss_scores-2025-03-16.csv.gz", &meta, &gz, &err), 10);
	assert_string_equal(meta.model_version, "v2025.03.14");
	for (i = 0; i < 10; i++) {
		assert_string_equal(plain.cve[i], gz.cve[i]);
		assert_true(plain.epss[i] == gz.epss[i]);
		assert_true(plain.pct[i] == gz.pct[i]);
		assert_int_equal(plain.line[i], gz.line[i]);
	}
}

static void test_feeds__epss_older_shapes(void **state)
{
	struct epss_meta meta;
	struct epss_seen seen = { 0 };
	struct perr err = PERR_INIT;

	/* no comment line, CRLF line ends */
	assert_int_equal(epss_file("no-comment-crlf.csv", &meta, &seen, &err), 2);
	assert_string_equal(meta.model_version, "");
	assert_string_equal(meta.score_date, "");
	assert_string_equal(seen.cve[1], "CVE-2022-22965");
	assert_true(seen.pct[1] == 0.99970);
	assert_int_equal(seen.line[1], 3);

	/* no percentile column */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(epss_file("no-percentile.csv", &meta, &seen, &err), 1);
	assert_string_equal(meta.model_version, "v2023.03.01");
	assert_string_equal(meta.score_date, "2023-03-07T00:00:00+0000");
	assert_true(seen.epss[0] == 0.00089);
	assert_true(seen.pct[0] == -1.0);
}

static void test_feeds__epss_errors_name_the_line(void **state)
{
	static const struct {
		const char *file, *msg;
	} cases[] = {
		{ "bad-cve.csv", "line 4: 'CVE-2021-x' is not a CVE id" },
		{ "bad-epss.csv", "line 3: epss '1.94358' is not a probability (0 to 1)" },
		{ "bad-header.csv", "line 1: not an EPSS file: the header has no 'cve' column" },
		{ "truncated.csv.gz", "truncated gzip data" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct epss_meta meta;
		struct epss_seen seen = { 0 };
		struct perr err = PERR_INIT;

		assert_int_equal(epss_file(cases[i].file, &meta, &seen, &err), P_EINVALID);
		assert_string_equal(err.msg, cases[i].msg);
	}
}

static void test_feeds__epss_edges(void **state)
{
	static const char bomb_src[] = "cve,epss,percentile\n";
	struct epss_meta meta;
	struct epss_seen seen = { 0 };
	struct perr err = PERR_INIT;
	const char *only_header = "#model_version:v1,score_date:x\ncve,epss,percentile\n";

	/* a header and no rows is a valid, empty file */
	assert_int_equal(epss_parse(only_header, strlen(only_header), &meta, epss_collect, &seen, &err), 0);
	assert_string_equal(meta.model_version, "v1");
	/* nothing at all is not an EPSS file */
	assert_int_equal(epss_parse("", 0, &meta, epss_collect, &seen, &err), P_EINVALID);
	assert_string_equal(err.msg, "not an EPSS file: no 'cve,epss,percentile' header");
	/* a negative callback result stops the parse and is passed up */
	seen.stop_after = 2;
	seen.n = 0;
	{
		char *buf;
		size_t len;

		buf = slurp("tests/fixtures/epss/epss_scores-2025-03-16.csv", &len);
		assert_int_equal(epss_parse(buf, len, &meta, epss_collect, &seen, &err), P_ERROR);
		assert_int_equal(seen.n, 2);
		free(buf);
	}
	/* gzip magic with garbage after it */
	assert_int_equal(epss_parse("\x1f\x8b\x08\x00garbage", 11, &meta, epss_collect, &seen, &err),
			 P_EINVALID);
	assert_true(epss_is_gzip("\x1f\x8b", 2));
	assert_false(epss_is_gzip(bomb_src, sizeof(bomb_src) - 1));
}

/* --- KEV ----------------------------------------------------------------- */

struct kev_seen {
	size_t n;
	struct kev_catalog cat_at_first;
	char cve[8][24], vendor[8][32], added[8][16], due[8][16], cwes[8][64];
	enum kev_ransomware rw[8];
	size_t ncwes[8], index[8];
	bool has_notes[8];
};

static int kev_collect(const struct kev_catalog *cat, const struct kev_entry *e,
		       void *payload, struct perr *err)
{
	struct kev_seen *s = payload;
	size_t i, k = s->n++;

	if (!k)
		s->cat_at_first = *cat;
	if (k >= 8)
		return 0;
	snprintf(s->cve[k], sizeof(s->cve[0]), "%s", e->cve_id);
	snprintf(s->vendor[k], sizeof(s->vendor[0]), "%s", e->vendor_project ? e->vendor_project : "-");
	snprintf(s->added[k], sizeof(s->added[0]), "%s", e->date_added ? e->date_added : "-");
	snprintf(s->due[k], sizeof(s->due[0]), "%s", e->due_date ? e->due_date : "-");
	s->cwes[k][0] = '\0';
	for (i = 0; i < e->ncwes; i++)
		snprintf(s->cwes[k] + strlen(s->cwes[k]), sizeof(s->cwes[0]) - strlen(s->cwes[k]),
			 "%s%s", i ? "," : "", e->cwes[i]);
	s->ncwes[k] = e->ncwes;
	s->rw[k] = e->ransomware;
	s->index[k] = e->index;
	s->has_notes[k] = e->notes != NULL;
	return 0;
}

static long kev_file(const char *name, struct kev_catalog *cat, struct kev_seen *seen,
		     struct perr *err)
{
	char path[256], *buf;
	size_t len;
	long n;

	snprintf(path, sizeof(path), "tests/fixtures/kev/%s", name);
	buf = slurp(path, &len);
	n = kev_parse(buf, len, cat, kev_collect, seen, err);
	free(buf);
	return n;
}

static void test_feeds__kev_catalog(void **state)
{
	struct kev_catalog cat;
	struct kev_seen seen = { 0 };
	struct perr err = PERR_INIT;

	assert_int_equal(kev_file("known_exploited_vulnerabilities.json", &cat, &seen, &err), 3);
	assert_string_equal(cat.title, "CISA Catalog of Known Exploited Vulnerabilities");
	assert_string_equal(cat.catalog_version, "2025.03.14");
	assert_string_equal(cat.date_released, "2025-03-14T15:20:21.8163Z");
	assert_int_equal(cat.count, 3);
	/* the header is known before the first entry (it precedes the array here) */
	assert_string_equal(seen.cat_at_first.catalog_version, "2025.03.14");

	assert_string_equal(seen.cve[0], "CVE-2025-24989");
	assert_string_equal(seen.vendor[0], "Microsoft");
	assert_string_equal(seen.added[0], "2025-02-21");
	assert_string_equal(seen.due[0], "2025-03-14");
	assert_int_equal(seen.rw[0], KEV_RANSOMWARE_UNKNOWN);
	assert_string_equal(seen.cwes[0], "CWE-284");
	assert_true(seen.has_notes[0]);

	assert_string_equal(seen.cve[1], "CVE-2024-57727");
	assert_int_equal(seen.rw[1], KEV_RANSOMWARE_KNOWN);
	assert_string_equal(seen.cwes[1], "CWE-22");

	assert_string_equal(seen.cve[2], "CVE-2021-44228");
	assert_string_equal(seen.cwes[2], "CWE-20,CWE-400,CWE-502");
	assert_int_equal(seen.index[2], 2);
}

static void test_feeds__kev_old_and_odd_entries(void **state)
{
	struct kev_catalog cat;
	struct kev_seen seen = { 0 };
	struct perr err = PERR_INIT;

	assert_int_equal(kev_file("old-shape.json", &cat, &seen, &err), 2);
	assert_string_equal(cat.catalog_version, "2021.11.03");
	/* 2021 entries have no ransomware field, no cwes, no notes */
	assert_string_equal(seen.cve[0], "CVE-2021-27104");
	assert_int_equal(seen.rw[0], KEV_RANSOMWARE_ABSENT);
	assert_int_equal(seen.ncwes[0], 0);
	assert_false(seen.has_notes[0]);
	/* lower-case id normalised; cwes of the wrong type ignored; odd ransomware text kept apart */
	assert_string_equal(seen.cve[1], "CVE-2021-21017");
	assert_int_equal(seen.ncwes[1], 0);
	assert_int_equal(seen.rw[1], KEV_RANSOMWARE_OTHER);
	assert_string_equal(seen.added[1], "-");

	memset(&seen, 0, sizeof(seen));
	assert_int_equal(kev_file("empty.json", &cat, &seen, &err), 0);
	assert_string_equal(cat.catalog_version, "2021.11.01");
	assert_int_equal(cat.count, 0);
}

static void test_feeds__kev_header_after_entries(void **state)
{
	static const char doc[] =
		"{\"vulnerabilities\":[{\"cveID\":\"CVE-2021-44228\",\"knownRansomwareCampaignUse\":\"Known\"}],"
		"\"count\":1,\"catalogVersion\":\"2025.01.02\",\"dateReleased\":\"2025-01-02T00:00:00Z\"}";
	struct kev_catalog cat;
	struct kev_seen seen = { 0 };
	struct perr err = PERR_INIT;

	assert_int_equal(kev_parse(doc, sizeof(doc) - 1, &cat, kev_collect, &seen, &err), 1);
	/* JSON does not order members: the header is still known at the first entry */
	assert_string_equal(seen.cat_at_first.catalog_version, "2025.01.02");
	assert_int_equal(seen.cat_at_first.count, 1);
	assert_string_equal(cat.date_released, "2025-01-02T00:00:00Z");
}

static void test_feeds__kev_errors(void **state)
{
	struct kev_catalog cat;
	struct kev_seen seen = { 0 };
	struct perr err = PERR_INIT;

	assert_int_equal(kev_file("bad-missing-cve.json", &cat, &seen, &err), P_EINVALID);
	assert_string_equal(err.msg, "vulnerabilities[1]: 'cveID' is missing");
	assert_int_equal(seen.n, 1);

	assert_int_equal(kev_file("bad-not-kev.json", &cat, &seen, &err), P_EINVALID);
	assert_string_equal(err.msg, "not a KEV catalog: no 'catalogVersion' and no 'vulnerabilities'");

	assert_true(kev_file("bad-json.json", &cat, &seen, &err) < 0);
	assert_non_null(strstr(err.msg, "line 1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feeds__epss_daily_file),
		cmocka_unit_test(test_feeds__epss_gzip_is_the_same),
		cmocka_unit_test(test_feeds__epss_older_shapes),
		cmocka_unit_test(test_feeds__epss_errors_name_the_line),
		cmocka_unit_test(test_feeds__epss_edges),
		cmocka_unit_test(test_feeds__kev_catalog),
		cmocka_unit_test(test_feeds__kev_old_and_odd_entries),
		cmocka_unit_test(test_feeds__kev_header_after_entries),
		cmocka_unit_test(test_feeds__kev_errors),
	};

	return cmocka_run_group_tests_name("feeds", tests, NULL, NULL);
}
