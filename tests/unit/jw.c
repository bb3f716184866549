/*
 * Unit tests for src/out/jw.c: the JSON writer must keep writing exactly
 * what yajl_gen wrote (stored evidence JSON and every golden depend on it).
 */
#include "posture.h"
#include "out/jw.h"

#include <setjmp.h>
#include <cmocka.h>

static void assert_jw(struct jw *w, const char *expected)
{
	size_t len;
	const char *text = jw_mem(w, &len);

	assert_int_equal(len, strlen(expected));
	assert_memory_equal(text, expected, len);
}

static void test_jw__escapes_and_invalid_utf8(void **state)
{
	struct jw w;

	jw_init_mem(&w);
	jw_arr_open(&w);
	jw_str(&w, "q\" b\\ /\x7f \b\f\n\r\t \x01\x1f");
	/* a lone continuation byte, a truncated sequence, NUL, an overlong '/', a surrogate */
	jw_strn(&w, "\x80 \xe2\x82 \0 \xc0\xaf \xed\xa0\x80 \xe2\x82\xac", 17);
	jw_str(&w, NULL);
	jw_arr_close(&w);
	assert_jw(&w, "[\"q\\\" b\\\\ /\x7f \\b\\f\\n\\r\\t \\u0001\\u001F\","
		  "\"\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xe2\x82\xac\",null]");
	jw_release(&w);
}

static void test_jw__numbers(void **state)
{
	struct jw w;

	jw_init_mem(&w);
	jw_arr_open(&w);
	jw_int(&w, 0);
	jw_int(&w, -9223372036854775807LL - 1);
	jw_num(&w, 7.0, 3);
	jw_num(&w, -42.0, 2);
	jw_num(&w, 1234.0, 3);
	jw_num(&w, 9.85, 3);
	jw_num(&w, 0.1 + 0.2, 6);
	jw_num(&w, -0.0, 3);
	jw_num(&w, 0.0 / 0.0, 3);
	jw_num(&w, 12.5, 6);
	jw_num(&w, -0.05, 6);
	jw_num(&w, 0.001, 6);
	jw_num(&w, 123.456, 4);
	jw_num(&w, 0.1 * 3, 6);
	jw_arr_close(&w);
	assert_jw(&w, "[0,-9223372036854775808,7,-42,1.23e+03,9.85,0.3,-0,null,12.5,-0.05,0.001,123.5,0.3]");
	jw_release(&w);
}

static void test_jw__pretty_layout(void **state)
{
	struct jw w;

	jw_init_mem(&w);
	w.pretty = true;
	jw_obj_open(&w);
	jw_kstr(&w, "a", "x");
	jw_key(&w, "list");
	jw_arr_open(&w);
	jw_int(&w, 1);
	jw_obj_open(&w);
	jw_obj_close(&w);
	jw_arr_close(&w);
	jw_key(&w, "empty");
	jw_arr_open(&w);
	jw_arr_close(&w);
	jw_obj_close(&w);
	assert_jw(&w, "{\n  \"a\": \"x\",\n  \"list\": [\n    1,\n    {\n\n    }\n  ],\n"
		  "  \"empty\": [\n\n  ]\n}\n");
	jw_release(&w);
}

static void test_jw__misuse_is_dropped_like_yajl(void **state)
{
	struct jw w;

	jw_init_mem(&w);
	jw_obj_open(&w);
	jw_int(&w, 1); /* a value where a key is due */
	jw_kint(&w, "k", 2);
	jw_obj_close(&w);
	jw_int(&w, 3); /* after a complete value */
	assert_jw(&w, "{\"k\":2}");
	jw_mem_clear(&w);
	jw_int(&w, 4);
	assert_jw(&w, "4");
	jw_release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jw__escapes_and_invalid_utf8),
		cmocka_unit_test(test_jw__numbers),
		cmocka_unit_test(test_jw__pretty_layout),
		cmocka_unit_test(test_jw__misuse_is_dropped_like_yajl),
	};

	return cmocka_run_group_tests_name("jw", tests, NULL, NULL);
}
