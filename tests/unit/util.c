/* Unit tests for src/util: pbuf, arena, ptime, strmap, utf8, csv. */
#include "posture.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/ptime.h"
#include "util/strmap.h"
#include "util/utf8.h"

#include <setjmp.h>
#include <cmocka.h>

static void test_util__pbuf_cap(void **state)
{
	struct pbuf b;

	pbuf_init(&b, 8);
	assert_string_equal(b.buf, "");
	assert_int_equal(pbuf_adds(&b, "12345678"), 0);
	assert_int_equal(pbuf_addch(&b, '9'), P_ELIMIT);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.buf, "12345678");
	pbuf_release(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
}

static void test_util__pbuf_addf_and_detach(void **state)
{
	struct pbuf b = PBUF_INIT;
	size_t len;
	char *s;

	assert_int_equal(pbuf_addf(&b, "%s-%d", "cve", 2021), 0);
	assert_int_equal(pbuf_add(&b, "\0x", 2), 0);
	assert_int_equal(b.len, 10);
	s = pbuf_detach(&b, &len);
	assert_int_equal(len, 10);
	assert_memory_equal(s, "cve-2021\0x", 10);
	assert_string_equal(b.buf, "");
	free(s);
}

static void test_util__arena_reset_reuses(void **state)
{
	struct arena a = ARENA_INIT;
	char *big, *s;
	int i;

	for (i = 0; i < 10000; i++)
		assert_non_null(arena_strdup(&a, "evidence"));
	big = arena_alloc(&a, 1 << 20);
	assert_non_null(big);
	memset(big, 'x', 1 << 20);
	arena_reset(&a);
	assert_int_equal(a.used_total, 0);
	s = arena_printf(&a, "%d-%s", 7, "x");
	assert_string_equal(s, "7-x");
	arena_release(&a);
}

static void test_util__arena_cap(void **state)
{
	struct arena a;

	arena_init(&a, 1024);
	assert_non_null(arena_alloc(&a, 1000));
	assert_null(arena_alloc(&a, 100));
	arena_release(&a);
}

static void test_util__ptime_parse_and_format(void **state)
{
	struct perr err = PERR_INIT;
	char out[21];
	int64_t t;

	assert_int_equal(ptime_parse(&t, "1970-01-01T00:00:00Z", &err), 0);
	assert_int_equal(t, 0);
	assert_int_equal(ptime_parse(&t, "2024-02-29", &err), 0);
	ptime_format(out, t);
	assert_string_equal(out, "2024-02-29T00:00:00Z");
	assert_int_equal(ptime_parse(&t, "2026-01-15T12:30:45.123+02:00", &err), 0);
	ptime_format(out, t);
	assert_string_equal(out, "2026-01-15T10:30:45Z");
	assert_int_equal(ptime_parse(&t, "2023-02-29", &err), P_EINVALID);
	assert_non_null(strstr(err.msg, "'2023-02-29' is not an ISO-8601 time"));
	assert_int_equal(ptime_parse(&t, "2026-01-15T25:00:00Z", &err), P_EINVALID);
	assert_int_equal(ptime_parse(&t, "2026-01-15Tjunk", &err), P_EINVALID);
	assert_int_equal(ptime_parse(&t, "", &err), P_EINVALID);
}

static void test_util__ptime_now_honours_env(void **state)
{
	struct perr err = PERR_INIT;
	int64_t t;

	setenv("POSTURE_NOW", "2026-01-01T00:00:00Z", 1);
	assert_int_equal(ptime_now(&t, &err), 0);
	assert_int_equal(t, 1767225600);
	setenv("POSTURE_NOW", "yesterday", 1);
	assert_int_equal(ptime_now(&t, &err), P_EINVALID);
	assert_non_null(strstr(err.msg, "POSTURE_NOW"));
	unsetenv("POSTURE_NOW");
}

static void test_util__strmap(void **state)
{
	struct strmap m = STRMAP_INIT;
	char keys[1000][16];
	int i;

	for (i = 0; i < 1000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "rule-%d", i);
		strmap_put(&m, keys[i], keys[i]);
	}
	assert_int_equal(m.count, 1000);
	assert_ptr_equal(strmap_get(&m, "rule-512"), keys[512]);
	assert_ptr_equal(strmap_getn(&m, "rule-5129", 8), keys[512]);
	assert_null(strmap_get(&m, "rule-1000"));
	strmap_put(&m, keys[3], NULL);
	assert_int_equal(m.count, 1000);
	strmap_release(&m);
}

static void test_util__utf8_sanitize(void **state)
{
	char out[64];
	size_t n;

	assert_true(utf8_is_clean("plain \xc3\xa9t\xc3\xa9", 11));
	assert_false(utf8_is_clean("cut \xc3", 5));
	assert_false(utf8_is_clean("bad \xff", 5));
	assert_false(utf8_is_clean("nul\0x", 5));
	assert_false(utf8_is_clean("\xed\xa0\x80", 3)); /* a surrogate */
	n = utf8_sanitize(out, "a\xffz", 3);
	assert_int_equal(n, 5);
	assert_string_equal(out, "a\xef\xbf\xbdz");
}

static void test_util__csv_quotes_and_lines(void **state)
{
	static const char text[] =
		"\xef\xbb\xbf" "File,Line,Context\r\n"
		"a.c,3,\"x, y\"\r\n"
		"\n"
		"b.c,4,\"say \"\"hi\"\"\nnext\"\n"
		"c.c,,\n";
	struct perr err = PERR_INIT;
	struct csv c;

	csv_init(&c, text, sizeof(text) - 1, ',');
	assert_int_equal(csv_next(&c, &err), 1);
	assert_int_equal(csv_find(&c, "line"), 1);
	assert_int_equal(csv_next(&c, &err), 1);
	assert_string_equal(c.field[2], "x, y");
	assert_int_equal(csv_next(&c, &err), 1);
	assert_int_equal(c.line, 4);
	assert_string_equal(c.field[2], "say \"hi\"\nnext");
	assert_int_equal(csv_next(&c, &err), 1);
	assert_int_equal(c.nfields, 3);
	assert_string_equal(c.field[1], "");
	assert_int_equal(csv_next(&c, &err), 0);
	csv_release(&c);

	csv_init(&c, "a,\"open", 7, ',');
	assert_int_equal(csv_next(&c, &err), P_EINVALID);
	assert_string_equal(err.msg, "line 1: quoted field is not closed");
	csv_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_util__pbuf_cap),
		cmocka_unit_test(test_util__pbuf_addf_and_detach),
		cmocka_unit_test(test_util__arena_reset_reuses),
		cmocka_unit_test(test_util__arena_cap),
		cmocka_unit_test(test_util__ptime_parse_and_format),
		cmocka_unit_test(test_util__ptime_now_honours_env),
		cmocka_unit_test(test_util__strmap),
		cmocka_unit_test(test_util__utf8_sanitize),
		cmocka_unit_test(test_util__csv_quotes_and_lines),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
