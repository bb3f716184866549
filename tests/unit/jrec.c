/* Unit tests for the streaming JSON record layer (src/parse/jrec.c). */
#include "posture.h"
#include "parse/jrec.h"
#include "util/buf.h"

#include <setjmp.h>
#include <cmocka.h>

struct seen {
	struct pbuf log;
	int fail_at; /* make the n-th record fail (1-based), 0 never */
	int count;
};

/* Log "which:index...:value of key 'v':ctx0:ctx1" per record. */
static int collect(const struct jrec *rec, void *payload, struct perr *err)
{
	struct seen *s = payload;
	size_t i;

	s->count++;
	if (s->fail_at && s->count == s->fail_at)
		return perr_set(err, P_EINVALID, "'v' is not what I wanted");
	if (rec->which == JREC_SCOPE_END) {
		assert_int_equal(pbuf_addf(&s->log, "end:%s;",
					   json_text(rec->ctx[0]) ? json_text(rec->ctx[0]) : "-"), 0);
		return 0;
	}
	assert_int_equal(pbuf_addf(&s->log, "%d", rec->which), 0);
	for (i = 0; i < rec->nindex; i++)
		assert_int_equal(pbuf_addf(&s->log, "[%zu]", rec->index[i]), 0);
	assert_int_equal(pbuf_addf(&s->log, "=%s", json_text(json_get(rec->node, "v")) ?
					      json_text(json_get(rec->node, "v")) : "?"), 0);
	for (i = 0; i < 2; i++) {
		const struct jnode *c = rec->ctx[i];

		assert_int_equal(pbuf_addf(&s->log, ":%s", c ? (json_text(c) ? json_text(c) :
								json_get_str(c, "name")) : "-"), 0);
	}
	assert_int_equal(pbuf_adds(&s->log, ";"), 0);
	return 0;
}

static long run(const char *json, const struct jrec_format *fmt, struct seen *s,
		struct perr *err)
{
	pbuf_init(&s->log, 0);
	s->count = 0;
	return jrec_parse(json, strlen(json), fmt, NULL, collect, s, err);
}

static const struct jrec_format runs_format = {
	.records = { "runs[*].results[*]", NULL },
	.context = { "runs[*].tool", "runs[*].bases", NULL },
};

static void test_jrec__context_before_and_after_records(void **state)
{
	static const char json[] =
		"{\"version\": \"2.1.0\", \"runs\": ["
		"  {\"tool\": {\"name\": \"first\"}, \"results\": [{\"v\": 1}, {\"v\": 2}]},"
		"  {\"results\": [{\"v\": 3}], \"ignored\": [1, {\"results\": [{\"v\": 99}]}],"
		"   \"tool\": {\"name\": \"late\"}, \"bases\": \"B\"},"
		"  {\"results\": []},"
		"  {\"results\": [{\"v\": 4}]}"
		"]}";
	struct perr err = PERR_INIT;
	struct seen s = { 0 };

	assert_int_equal(run(json, &runs_format, &s, &err), 4);
	/* the second run's tool and bases come after its results, the last run has none */
	assert_string_equal(s.log.buf,
			    "0[0][0]=1:first:-;0[0][1]=2:first:-;0[1][0]=3:late:B;0[3][0]=4:-:-;");
	pbuf_release(&s.log);
}

static void test_jrec__top_level_array_and_scalars(void **state)
{
	static const struct jrec_format fmt = { .records = { "[*]", NULL } };
	struct perr err = PERR_INIT;
	struct seen s = { 0 };

	assert_int_equal(run("[{\"v\": \"a\"}, 7, null, {\"v\": true}]", &fmt, &s, &err), 4);
	assert_string_equal(s.log.buf, "0[0]=a:-:-;0[1]=?:-:-;0[2]=?:-:-;0[3]=true:-:-;");
	pbuf_release(&s.log);
}

static void test_jrec__json_lines(void **state)
{
	static const struct jrec_format fmt = { .records = { "", NULL }, .multiple = true };
	struct perr err = PERR_INIT;
	struct seen s = { 0 };

	assert_int_equal(run("{\"v\": 1}\n{\"v\": 2}\n\n{\"v\": 3}\n", &fmt, &s, &err), 3);
	assert_string_equal(s.log.buf, "0=1:-:-;0=2:-:-;0=3:-:-;");
	pbuf_release(&s.log);
}

static void test_jrec__scope_end_names_each_run(void **state)
{
	static const struct jrec_format fmt = {
		.records = { "runs[*].results[*]", NULL },
		.context = { "runs[*].tool", NULL },
		.scope_end = true,
	};
	struct perr err = PERR_INIT;
	struct seen s = { 0 };

	assert_int_equal(run("{\"runs\": [{\"results\": [], \"tool\": \"t1\"}, {\"tool\": \"t2\"}]}",
			     &fmt, &s, &err), 0);
	assert_string_equal(s.log.buf, "end:t1;end:t2;");
	pbuf_release(&s.log);
}

static void test_jrec__several_record_paths(void **state)
{
	static const struct jrec_format fmt = {
		.records = { "Results[*].Vulnerabilities[*]", "Results[*].Secrets[*]", NULL },
		.context = { "Results[*].Target", NULL },
	};
	struct perr err = PERR_INIT;
	struct seen s = { 0 };

	assert_int_equal(run("{\"Results\": [{\"Target\": \"go.sum\", \"Vulnerabilities\": [{\"v\": 1}],"
			     " \"Secrets\": [{\"v\": 2}]}, {\"Secrets\": [{\"v\": 3}], \"Target\": \"x\"}]}",
			     &fmt, &s, &err), 3);
	assert_string_equal(s.log.buf, "0[0][0]=1:go.sum:-;1[0][0]=2:go.sum:-;1[1][0]=3:x:-;");
	pbuf_release(&s.log);
}

static void test_jrec__strings_are_repaired(void **state)
{
	static const struct jrec_format fmt = { .records = { "[*]", NULL } };
	struct perr err = PERR_INIT;
	struct seen s = { 0 };

	assert_int_equal(run("[{\"v\": \"a\xff\\u0000b\\u00e9\"}]", &fmt, &s, &err), 1);
	assert_string_equal(s.log.buf, "0[0]=a\xef\xbf\xbd\xef\xbf\xbd" "b\xc3\xa9:-:-;");
	pbuf_release(&s.log);
}

static void test_jrec__errors_name_the_place(void **state)
{
	struct perr err = PERR_INIT;
	struct seen s = { 0 };

	assert_true(run("{\"runs\": [{\"results\": [{\"v\": 1},\n {\"v\": }]}]}", &runs_format, &s, &err) < 0);
	assert_int_equal(err.code, P_EINVALID);
	assert_string_equal(err.msg, "byte 40 (line 2, column 8): invalid JSON: "
			    "parse error: unallowed token at this point in JSON text");
	pbuf_release(&s.log);

	s.fail_at = 2;
	assert_int_equal(run("{\"runs\": [{\"results\": [{\"v\": 1}, {\"v\": 2}]}]}", &runs_format, &s, &err),
			 P_EINVALID);
	assert_string_equal(err.msg, "runs[0].results[1]: 'v' is not what I wanted");
	s.fail_at = 0;
	pbuf_release(&s.log);

	assert_true(run("", &runs_format, &s, &err) < 0);
	pbuf_release(&s.log);
}

static void test_jrec__limits(void **state)
{
	static const struct jrec_format fmt = { .records = { "[*]", NULL } };
	struct jrec_opts opts = { .limits = { .max_depth = 4, .max_string = 8, .max_tree = 4096 } };
	struct perr err = PERR_INIT;
	struct seen s = { 0 };
	struct pbuf big = PBUF_INIT;
	int i;

	pbuf_init(&s.log, 0);
	assert_int_equal(jrec_parse("[[[[[1]]]]]", 11, &fmt, &opts, collect, &s, &err), 1);
	assert_true(jrec_parse("[[[[[[1]]]]]]", 13, &fmt, &opts, collect, &s, &err) < 0);
	assert_int_equal(err.code, P_ELIMIT);
	assert_string_equal(err.msg, "[0]: nesting deeper than 4 levels");

	assert_true(jrec_parse("[\"123456789\"]", 13, &fmt, &opts, collect, &s, &err) < 0);
	assert_string_equal(err.msg, "[0]: string of 9 bytes exceeds the 0 MiB limit");

	assert_int_equal(pbuf_adds(&big, "[["), 0);
	for (i = 0; i < 200; i++)
		assert_int_equal(pbuf_addf(&big, "%s%d", i ? "," : "", i), 0);
	assert_int_equal(pbuf_adds(&big, "]]"), 0);
	assert_true(jrec_parse(big.buf, big.len, &fmt, &opts, collect, &s, &err) < 0);
	assert_int_equal(err.code, P_ELIMIT);
	pbuf_release(&big);
	pbuf_release(&s.log);
}

/*
 * The scan runs ahead on a thread of its own unless no_thread: both ways
 * must deliver the same records, contexts, counts and errors. The inputs
 * span many batches (BATCH_RECORDS is 64), so that context trees outlive
 * the batch that saw them and errors land mid-stream. The inline run
 * keeps to the SSE2 paths and its look-ahead reads through the read hook
 * (a chunk at a time), the threaded one takes AVX2 where the CPU has it
 * and reads the buffer: those ways are compared too.
 */
struct input {
	const char *buf;
	size_t len;
};

static size_t read_input(void *payload, size_t from, char *dst, size_t n)
{
	const struct input *in = payload;

	assert_true(from <= in->len && n <= in->len - from);
	memcpy(dst, in->buf + from, n);
	return n;
}

static long run_mode(const char *json, size_t len, const struct jrec_format *fmt, bool no_thread,
		     struct seen *s, struct perr *err)
{
	struct input in = { json, len };
	struct jrec_opts opts = { .no_thread = no_thread, .no_avx2 = no_thread };

	if (no_thread) {
		opts.read = read_input;
		opts.hook_payload = &in;
	}

	pbuf_init(&s->log, 0);
	s->count = 0;
	return jrec_parse(json, len, fmt, &opts, collect, s, err);
}

/* Both modes on one input: same result, log and error; returns the result. */
static long both_modes(const char *json, size_t len, const struct jrec_format *fmt, int fail_at,
		       struct perr *err)
{
	struct seen inline_seen = { .fail_at = fail_at }, threaded = { .fail_at = fail_at };
	struct perr inline_err = PERR_INIT;
	long a, b;

	a = run_mode(json, len, fmt, true, &inline_seen, &inline_err);
	b = run_mode(json, len, fmt, false, &threaded, err);
	assert_int_equal(a, b);
	assert_int_equal(inline_seen.count, threaded.count);
	assert_string_equal(inline_seen.log.buf ? inline_seen.log.buf : "",
			    threaded.log.buf ? threaded.log.buf : "");
	assert_int_equal(inline_err.code, err->code);
	assert_string_equal(inline_err.msg, err->msg);
	pbuf_release(&inline_seen.log);
	pbuf_release(&threaded.log);
	return b;
}

static void many_runs(struct pbuf *b, int runs, int results)
{
	int r, i;

	assert_int_equal(pbuf_adds(b, "{\"runs\": ["), 0);
	for (r = 0; r < runs; r++) {
		/* odd runs name their tool after the results: the look-ahead finds it */
		assert_int_equal(pbuf_addf(b, "%s{%s\"results\": [", r ? "," : "",
					   r % 2 ? "" : "\"tool\": {\"name\": \"early\"}, "), 0);
		for (i = 0; i < results; i++)
			assert_int_equal(pbuf_addf(b, "%s{\"v\": \"r%d-%d\", \"pad\": [1, {\"x\": \"%0*d\"}]}",
						   i ? "," : "", r, i, i % 300, 0), 0);
		assert_int_equal(pbuf_addf(b, "]%s}", r % 2 ? ", \"tool\": {\"name\": \"late\"}, \"bases\": 7" : ""),
				 0);
	}
	assert_int_equal(pbuf_adds(b, "]}"), 0);
}

static void test_jrec__threaded_matches_inline(void **state)
{
	static const struct jrec_format scoped = {
		.records = { "runs[*].results[*]", NULL },
		.context = { "runs[*].tool", "runs[*].bases", NULL },
		.scope_end = true,
	};
	static const struct jrec_format lines = { .records = { "", NULL }, .multiple = true };
	struct pbuf b = PBUF_INIT;
	struct perr err = PERR_INIT;
	int i;

	many_runs(&b, 5, 700);
	assert_int_equal(both_modes(b.buf, b.len, &runs_format, 0, &err), 3500);
	assert_int_equal(both_modes(b.buf, b.len, &scoped, 0, &err), 3500);
	pbuf_reset(&b);
	assert_int_equal(both_modes("{\"runs\": []}", 12, &scoped, 0, &err), 0);

	for (i = 0; i < 1000; i++)
		assert_int_equal(pbuf_addf(&b, "{\"v\": %d}\n", i), 0);
	assert_int_equal(both_modes(b.buf, b.len, &lines, 0, &err), 1000);
	pbuf_release(&b);
}

static void test_jrec__threaded_errors(void **state)
{
	static const struct jrec_format scoped = {
		.records = { "runs[*].results[*]", NULL },
		.context = { "runs[*].tool", NULL },
		.scope_end = true,
	};
	static const struct jrec_format members = { .records = { "vulns.*", NULL } };
	static const struct jrec_format lines = { .records = { "", NULL }, .multiple = true };
	struct pbuf b = PBUF_INIT;
	struct perr err = PERR_INIT;
	int i;

	many_runs(&b, 3, 500);
	/* the callback fails deep in the second run: the scan, far ahead, stops */
	assert_int_equal(both_modes(b.buf, b.len, &runs_format, 700, &err), P_EINVALID);
	assert_string_equal(err.msg, "runs[1].results[199]: 'v' is not what I wanted");
	/* the end of the first run is the 501st callback */
	assert_int_equal(both_modes(b.buf, b.len, &scoped, 501, &err), P_EINVALID);
	assert_string_equal(err.msg, "'v' is not what I wanted");
	assert_int_equal(both_modes(b.buf, b.len, &scoped, 1, &err), P_EINVALID);

	/* invalid JSON after 1,200 good records: they all arrive, then the error */
	b.len -= 40;
	assert_int_equal(pbuf_adds(&b, "{\"v\": }"), 0);
	assert_int_equal(both_modes(b.buf, b.len, &runs_format, 0, &err), P_EINVALID);
	assert_non_null(strstr(err.msg, "invalid JSON"));
	pbuf_reset(&b);

	/* members of an object, and JSON Lines: the place names the key and the line */
	assert_int_equal(pbuf_adds(&b, "{\"vulns\": {"), 0);
	for (i = 0; i < 300; i++)
		assert_int_equal(pbuf_addf(&b, "%s\"pkg%d\": {\"v\": %d}", i ? "," : "", i, i), 0);
	assert_int_equal(pbuf_adds(&b, "}}"), 0);
	assert_int_equal(both_modes(b.buf, b.len, &members, 0, &err), 300);
	assert_int_equal(both_modes(b.buf, b.len, &members, 250, &err), P_EINVALID);
	assert_string_equal(err.msg, "vulns.pkg249: 'v' is not what I wanted");
	pbuf_reset(&b);
	for (i = 0; i < 300; i++)
		assert_int_equal(pbuf_addf(&b, "{\"v\": %d}\n", i), 0);
	assert_int_equal(both_modes(b.buf, b.len, &lines, 123, &err), P_EINVALID);
	assert_string_equal(err.msg, "line 123: 'v' is not what I wanted");
	pbuf_release(&b);
}

/*
 * The look-ahead passes over nested values 64 bytes at a time: brackets,
 * quotes and backslashes inside strings, at every offset around a block's
 * edge, must not fool it into missing the context after the records.
 */
static void test_jrec__lookahead_passes_over_strings(void **state)
{
	static const char *tricky[] = {
		"}]}]", "\\\"}]", "\\\\", "\\\\\\\"]}", "{[\\\\\\\\\\\"", "a\\\\", "\\\\\\\\",
	};
	/* i % 67 bytes of it before each tricky string move it across every block offset */
	static const char pad[68] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
	struct pbuf b = PBUF_INIT, want = PBUF_INIT;
	struct perr err = PERR_INIT;
	int i, n = 0;

	assert_int_equal(pbuf_adds(&b, "{\"runs\": [{\"results\": ["), 0);
	for (i = 0; i < 400; i++, n++) {
		const char *t = tricky[i % (sizeof(tricky) / sizeof(tricky[0]))];

		assert_int_equal(pbuf_addf(&b, "%s{\"v\": %d, \"s\": [\"%.*s%s\", {\"t\": \"%s\"}]}",
					   i ? "," : "", i, i % 67, pad, t, t), 0);
		assert_int_equal(pbuf_addf(&want, "0[0][%d]=%d:late:-;", i, i), 0);
	}
	assert_int_equal(pbuf_adds(&b, "], \"tool\": {\"name\": \"late\"}}]}"), 0);
	assert_int_equal(both_modes(b.buf, b.len, &runs_format, 0, &err), n);
	{
		struct seen s = { 0 };

		assert_int_equal(run(b.buf, &runs_format, &s, &err), n);
		assert_string_equal(s.log.buf, want.buf);
		pbuf_release(&s.log);
	}
	pbuf_release(&b);
	pbuf_release(&want);
}

/*
 * The scanner reads strings 16 (or 8) bytes at a time: an escape, a
 * non-ASCII byte or invalid UTF-8 at every offset of a string of every
 * length up to 40 must come out as the byte-wise reading gives it.
 */
static void test_jrec__strings_at_every_offset(void **state)
{
	static const struct jrec_format fmt = { .records = { "[*]", NULL } };
	static const struct {
		const char *in, *out;
	} special[] = {
		{ "\\n", "\n" }, { "\\\"", "\"" }, { "\\u00e9", "\xc3\xa9" }, { "\xc3\xa9", "\xc3\xa9" },
		{ "\xff", "\xef\xbf\xbd" }, { "\\\\", "\\" }, { "\x7f", "\x7f" },
	};
	size_t i, before, after;

	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		for (before = 0; before < 40; before += 3) {
			for (after = 0; after < 24; after += 5) {
				struct pbuf json = PBUF_INIT, want = PBUF_INIT;
				struct perr err = PERR_INIT;
				struct seen s = { 0 };

				assert_int_equal(pbuf_addf(&json, "[{\"v\": \"%.*s%s%.*s\"}]", (int)before,
							   "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
							   special[i].in, (int)after, "zyxwvutsrqponmlkjihgfedcba"), 0);
				assert_int_equal(pbuf_addf(&want, "0[0]=%.*s%s%.*s:-:-;", (int)before,
							   "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
							   special[i].out, (int)after, "zyxwvutsrqponmlkjihgfedcba"), 0);
				assert_int_equal(both_modes(json.buf, json.len, &fmt, 0, &err), 1);
				assert_int_equal(run_mode(json.buf, json.len, &fmt, false, &s, &err), 1);
				assert_string_equal(s.log.buf, want.buf);
				pbuf_release(&s.log);
				pbuf_release(&json);
				pbuf_release(&want);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jrec__context_before_and_after_records),
		cmocka_unit_test(test_jrec__top_level_array_and_scalars),
		cmocka_unit_test(test_jrec__json_lines),
		cmocka_unit_test(test_jrec__scope_end_names_each_run),
		cmocka_unit_test(test_jrec__several_record_paths),
		cmocka_unit_test(test_jrec__strings_are_repaired),
		cmocka_unit_test(test_jrec__errors_name_the_place),
		cmocka_unit_test(test_jrec__limits),
		cmocka_unit_test(test_jrec__threaded_matches_inline),
		cmocka_unit_test(test_jrec__threaded_errors),
		cmocka_unit_test(test_jrec__lookahead_passes_over_strings),
		cmocka_unit_test(test_jrec__strings_at_every_offset),
	};

	return cmocka_run_group_tests_name("jrec", tests, NULL, NULL);
}
