/*
 * Unit tests for src/out/jw.c: the JSON writer must keep writing exactly
 * what yajl_gen wrote (stored evidence JSON and every golden depend on it).
 */
#include "posture.h"
#include "out/jw.h"
#include "out/evidence_json.h"
#include "util/alloc.h"

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

/*
 * The escaper tests 16 or 8 bytes at a time and ends on a load that
 * overlaps bytes already written: put each kind of byte that needs more
 * than a copy at every place of strings of every length around those
 * sizes (and across the 4 KiB slices), in buffers of exactly that size so
 * that the sanitizers catch a read past the end.
 */
static void test_jw__escape_at_every_position(void **state)
{
	static const struct {
		const char *in, *out;
	} special[] = {
		{ "\"", "\\\"" }, { "\\", "\\\\" }, { "\n", "\\n" }, { "\x1f", "\\u001F" },
		{ "\x80", "\xef\xbf\xbd" }, { "\xe2\x82\xac", "\xe2\x82\xac" }, { "\x7f", "\x7f" },
	};
	static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 47, 70,
				       4094, 4095, 4096, 4097, 4110 };
	struct pbuf want = PBUF_INIT;
	struct jw w;
	size_t k, l, pos, len, slen;
	char *in;

	jw_init_mem(&w);
	for (k = 0; k < ARRAY_SIZE(special); k++) {
		slen = strlen(special[k].in);
		for (l = 0; l < ARRAY_SIZE(lens); l++) {
			for (pos = 0; pos <= lens[l]; pos++) {
				if (lens[l] > 100 && pos > 40 && pos < lens[l] - 40 &&
				    (pos < 4070 || pos > 4100))
					continue;
				len = lens[l] + slen;
				in = xmalloc(len);
				memset(in, 'a' + (int)(pos % 26), len);
				memcpy(in + pos, special[k].in, slen);
				pbuf_reset(&want);
				assert_int_equal(pbuf_addch(&want, '"'), 0);
				assert_int_equal(pbuf_add(&want, in, pos), 0);
				assert_int_equal(pbuf_adds(&want, special[k].out), 0);
				assert_int_equal(pbuf_add(&want, in + pos + slen, lens[l] - pos), 0);
				assert_int_equal(pbuf_addch(&want, '"'), 0);
				jw_mem_clear(&w);
				jw_strn(&w, in, len);
				assert_jw(&w, want.buf);
				jw_mem_clear(&w);
				assert_true(jw_value_begin(&w));
				jw_append_str(&w, in, len);
				jw_value_end(&w);
				assert_jw(&w, want.buf);
				xfree(in);
			}
		}
	}
	pbuf_release(&want);
	jw_release(&w);
}

/* The fixed-layout writer: every key in full form, only known ones compact. */
static void test_jw__evidence_layout(void **state)
{
	struct evidence ev;
	struct jw w;

	evidence_init(&ev);
	jw_init_mem(&w);
	out_evidence_json(&w, &ev, true);
	assert_jw(&w, "{\"kind\":\"other\",\"location\":{}}");
	jw_mem_clear(&w);
	out_evidence_json(&w, &ev, false);
	assert_jw(&w, "{\"tool\":null,\"tool_version\":null,\"format\":null,\"kind\":\"other\","
		  "\"rule_id\":null,\"rule_name\":null,\"title\":null,\"description\":null,"
		  "\"severity\":null,\"severity_raw\":null,\"confidence\":null,"
		  "\"confidence_raw\":null,\"cvss\":null,\"vuln_ids\":[],\"cwe\":[],"
		  "\"location\":{},\"related\":[],\"remediation\":null,\"help_uri\":null,"
		  "\"references\":[],\"tags\":[],\"tool_fingerprints\":{},\"suppressed\":false,"
		  "\"suppression_kind\":null,\"suppression_justification\":null,"
		  "\"baseline_state\":null,\"reachability\":null,\"validated\":false,"
		  "\"secret_verified\":false,\"secret_hash\":null,\"properties\":{},"
		  "\"fingerprint\":null}");
	/* a value of an array, then dropped after a complete top-level value */
	jw_mem_clear(&w);
	jw_arr_open(&w);
	out_evidence_json(&w, &ev, true);
	out_evidence_json(&w, &ev, true);
	jw_arr_close(&w);
	out_evidence_json(&w, &ev, true);
	assert_jw(&w, "[{\"kind\":\"other\",\"location\":{}},{\"kind\":\"other\",\"location\":{}}]");
	jw_release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jw__escapes_and_invalid_utf8),
		cmocka_unit_test(test_jw__numbers),
		cmocka_unit_test(test_jw__pretty_layout),
		cmocka_unit_test(test_jw__misuse_is_dropped_like_yajl),
		cmocka_unit_test(test_jw__escape_at_every_position),
		cmocka_unit_test(test_jw__evidence_layout),
	};

	return cmocka_run_group_tests_name("jw", tests, NULL, NULL);
}
