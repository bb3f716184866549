/*
 * Unit tests for reading a report on two threads (src/cmd/pipeline.c) and
 * for the deep copy of evidence it relies on (evidence_copy).
 */
#include "posture.h"
#include "cmd/pipeline.h"
#include "model/evidence.h"
#include "util/buf.h"

#include <pthread.h>
#include <setjmp.h>
#include <cmocka.h>

/* Does p point into one of arena's blocks? */
static bool in_arena(const struct arena *a, const void *p)
{
	const struct arena_block *b;
	const unsigned char *c = p;

	for (b = a->head; b; b = b->next)
		if (c >= b->mem && c < b->mem + b->used)
			return true;
	return false;
}

static void fill_location(struct location *loc, struct arena *a, const char *tag)
{
	loc->path = arena_printf(a, "%s/path", tag);
	loc->start_line = 3;
	loc->end_line = 4;
	loc->start_column = 5;
	loc->end_column = 6;
	loc->snippet = arena_printf(a, "%s/snippet", tag);
	loc->logical = arena_printf(a, "%s/logical", tag);
	loc->url = arena_printf(a, "%s/url", tag);
	loc->method = arena_printf(a, "%s/method", tag);
	loc->param = arena_printf(a, "%s/param", tag);
	loc->purl = arena_printf(a, "%s/purl", tag);
	loc->name = arena_printf(a, "%s/name", tag);
	loc->version = arena_printf(a, "%s/version", tag);
	loc->ecosystem = arena_printf(a, "%s/ecosystem", tag);
	strlist_add(&loc->fixed_versions, a, arena_printf(a, "%s/fix1", tag));
	strlist_add(&loc->fixed_versions, a, arena_printf(a, "%s/fix2", tag));
	loc->image = arena_printf(a, "%s/image", tag);
	loc->layer = arena_printf(a, "%s/layer", tag);
	loc->resource = arena_printf(a, "%s/resource", tag);
	loc->provider = arena_printf(a, "%s/provider", tag);
}

static void check_location(const struct location *loc, const struct arena *a, const char *tag)
{
	char want[64];

#define CHECK_STR(field) do { \
		snprintf(want, sizeof(want), "%s/%s", tag, #field); \
		assert_string_equal(loc->field, want); \
		assert_true(in_arena(a, loc->field)); \
	} while (0)
	CHECK_STR(path);
	CHECK_STR(snippet);
	CHECK_STR(logical);
	CHECK_STR(url);
	CHECK_STR(method);
	CHECK_STR(param);
	CHECK_STR(purl);
	CHECK_STR(name);
	CHECK_STR(version);
	CHECK_STR(ecosystem);
	CHECK_STR(image);
	CHECK_STR(layer);
	CHECK_STR(resource);
	CHECK_STR(provider);
#undef CHECK_STR
	assert_int_equal(loc->start_line, 3);
	assert_int_equal(loc->end_line, 4);
	assert_int_equal(loc->start_column, 5);
	assert_int_equal(loc->end_column, 6);
	assert_int_equal(loc->fixed_versions.n, 2);
	assert_true(in_arena(a, loc->fixed_versions.v));
	snprintf(want, sizeof(want), "%s/fix2", tag);
	assert_string_equal(loc->fixed_versions.v[1], want);
	assert_true(in_arena(a, loc->fixed_versions.v[1]));
}

static void test_pipeline__copy_keeps_every_field(void **state)
{
	struct arena src = ARENA_INIT, dst = ARENA_INIT;
	struct evidence ev, copy;
	struct arena_block *b;
	char fp[] = "0123456789abcdef";

	evidence_init(&ev);
	ev.tool = arena_strdup(&src, "tool");
	ev.tool_version = arena_strdup(&src, "1.2");
	ev.format = arena_strdup(&src, "fmt");
	ev.kind = KIND_SCA;
	ev.rule_id = arena_strdup(&src, "rule-id");
	ev.rule_name = arena_strdup(&src, "rule-name");
	ev.title = arena_strdup(&src, "title");
	ev.description = arena_strdup(&src, "description");
	ev.remediation = arena_strdup(&src, "remediation");
	ev.help_uri = arena_strdup(&src, "help-uri");
	ev.severity = SEV_HIGH;
	ev.severity_raw = arena_strdup(&src, "severity-raw");
	ev.confidence = CONF_MEDIUM;
	ev.confidence_raw = arena_strdup(&src, "confidence-raw");
	ev.cvss.version = arena_strdup(&src, "3.1");
	ev.cvss.vector = arena_strdup(&src, "CVSS:3.1/AV:N");
	ev.cvss.score = 7.5;
	ev.cvss.has_score = true;
	evidence_add_vuln_id(&ev, &src, arena_strdup(&src, "GHSA-1"));
	evidence_add_vuln_id(&ev, &src, arena_strdup(&src, "CVE-2024-1"));
	evidence_add_cwe(&ev, &src, 79);
	evidence_add_cwe(&ev, &src, 89);
	fill_location(&ev.loc, &src, "loc");
	fill_location(evidence_add_related(&ev, &src), &src, "rel0");
	fill_location(evidence_add_related(&ev, &src), &src, "rel1");
	strlist_add(&ev.references, &src, arena_strdup(&src, "reference"));
	strlist_add(&ev.tags, &src, arena_strdup(&src, "tag"));
	kvlist_add(&ev.tool_fingerprints, &src, arena_strdup(&src, "fp-key"),
		   arena_strdup(&src, "fp-value"));
	ev.suppressed = true;
	ev.suppression_kind = arena_strdup(&src, "inSource");
	ev.suppression_justification = arena_strdup(&src, "justified");
	ev.baseline_state = arena_strdup(&src, "new");
	ev.reachability = REACH_IMPORTED;
	ev.validated = true;
	ev.secret_verified = true;
	ev.secret_hash = arena_strdup(&src, "secret-hash");
	kvlist_add(&ev.properties, &src, arena_strdup(&src, "prop-key"),
		   arena_strdup(&src, "prop-value"));
	ev.fingerprint = fp;

	evidence_copy(&copy, &ev, &dst);
	/* the source dies: nothing of it may show through */
	for (b = src.head; b; b = b->next)
		memset(b->mem, 'X', b->used);
	memset(fp, 'X', sizeof(fp) - 1);
	arena_release(&src);

#define CHECK_STR(field, want) do { \
		assert_string_equal(copy.field, want); \
		assert_true(in_arena(&dst, copy.field)); \
	} while (0)
	CHECK_STR(tool, "tool");
	CHECK_STR(tool_version, "1.2");
	CHECK_STR(format, "fmt");
	CHECK_STR(rule_id, "rule-id");
	CHECK_STR(rule_name, "rule-name");
	CHECK_STR(title, "title");
	CHECK_STR(description, "description");
	CHECK_STR(remediation, "remediation");
	CHECK_STR(help_uri, "help-uri");
	CHECK_STR(severity_raw, "severity-raw");
	CHECK_STR(confidence_raw, "confidence-raw");
	CHECK_STR(cvss.version, "3.1");
	CHECK_STR(cvss.vector, "CVSS:3.1/AV:N");
	CHECK_STR(vuln_ids.v[0], "CVE-2024-1");
	CHECK_STR(vuln_ids.v[1], "GHSA-1");
	CHECK_STR(references.v[0], "reference");
	CHECK_STR(tags.v[0], "tag");
	CHECK_STR(tool_fingerprints.v[0].key, "fp-key");
	CHECK_STR(tool_fingerprints.v[0].value, "fp-value");
	CHECK_STR(suppression_kind, "inSource");
	CHECK_STR(suppression_justification, "justified");
	CHECK_STR(baseline_state, "new");
	CHECK_STR(secret_hash, "secret-hash");
	CHECK_STR(properties.v[0].key, "prop-key");
	CHECK_STR(properties.v[0].value, "prop-value");
	CHECK_STR(fingerprint, "0123456789abcdef");
#undef CHECK_STR
	assert_int_equal(copy.kind, KIND_SCA);
	assert_int_equal(copy.severity, SEV_HIGH);
	assert_int_equal(copy.confidence, CONF_MEDIUM);
	assert_true(copy.cvss.score == 7.5 && copy.cvss.has_score);
	assert_int_equal(copy.vuln_ids.n, 2);
	assert_true(in_arena(&dst, copy.vuln_ids.v));
	assert_int_equal(copy.references.n, 1);
	assert_int_equal(copy.tags.n, 1);
	assert_int_equal(copy.tool_fingerprints.n, 1);
	assert_true(in_arena(&dst, copy.tool_fingerprints.v));
	assert_int_equal(copy.properties.n, 1);
	assert_true(in_arena(&dst, copy.properties.v));
	assert_int_equal(copy.ncwe, 2);
	assert_true(in_arena(&dst, copy.cwe));
	assert_int_equal(copy.cwe[0], 79);
	assert_int_equal(copy.cwe[1], 89);
	check_location(&copy.loc, &dst, "loc");
	assert_int_equal(copy.nrelated, 2);
	assert_true(in_arena(&dst, copy.related));
	check_location(&copy.related[0], &dst, "rel0");
	check_location(&copy.related[1], &dst, "rel1");
	assert_true(copy.suppressed && copy.validated && copy.secret_verified);
	assert_int_equal(copy.reachability, REACH_IMPORTED);

	/* the copy's lists still grow, in the copy's arena */
	strlist_add(&copy.tags, &dst, "tag2");
	evidence_add_cwe(&copy, &dst, 20);
	assert_int_equal(copy.tags.n, 2);
	assert_string_equal(copy.tags.v[0], "tag");
	assert_int_equal(copy.ncwe, 3);
	assert_int_equal(copy.cwe[1], 89);
	arena_release(&dst);
}

static void test_pipeline__copy_of_an_empty_record(void **state)
{
	struct arena dst = ARENA_INIT;
	struct evidence ev, copy;

	evidence_init(&ev);
	evidence_copy(&copy, &ev, &dst);
	assert_null(copy.tool);
	assert_null(copy.fingerprint);
	assert_null(copy.loc.path);
	assert_null(copy.related);
	assert_null(copy.cwe);
	assert_null(copy.vuln_ids.v);
	assert_null(copy.properties.v);
	assert_int_equal(copy.nrelated + copy.ncwe + copy.tags.n + copy.properties.n, 0);
	assert_int_equal(dst.used_total, 0);
	arena_release(&dst);
}

/*
 * A fake format: `records` records; before record i (i % 7 == 0) a tool,
 * (i % 11 == 5) a package, (i % 13 == 6) a warning. Each record's strings
 * live in a per-record arena that is scribbled over once the callback
 * returns, as jrec's are. Like jrec it names a callback's error by the
 * record's place, and it fails on its own at record fail_at (1-based).
 * Its settings come through opts->stream.hook_payload.
 */
struct fake {
	size_t records, fail_at;
	size_t emitted; /* records the parser got to, over every run */
};

static int fake_parse(const char *buf, size_t len, const struct parse_opts *opts,
		      evidence_cb cb, void *payload, struct perr *err)
{
	struct fake *f = opts->stream.hook_payload;
	struct arena a = ARENA_INIT;
	struct evidence ev;
	struct arena_block *b;
	size_t i;
	int ret = 0;

	parse_tool_seen(opts, "fake-tool", NULL);
	for (i = 0; i < f->records; i++) {
		if (i % 7 == 0)
			parse_tool_seen(opts, arena_printf(&a, "tool-%zu", i), arena_printf(&a, "v%zu", i));
		if (i % 11 == 5) {
			struct package_ref pkg = {
				.name = arena_printf(&a, "pkg-%zu", i), .version = "1.0",
				.purl = arena_printf(&a, "pkg:npm/pkg-%zu@1.0", i),
			};

			parse_package_seen(opts, &pkg);
		}
		if (i % 13 == 6)
			parse_warn(opts, "warning before record %zu", i);
		if (f->fail_at && i + 1 == f->fail_at) {
			ret = perr_set(err, P_EINVALID, "byte %zu: invalid JSON: it broke", i * 100);
			break;
		}
		f->emitted++;
		evidence_init(&ev);
		ev.tool = "fake-tool";
		ev.title = arena_printf(&a, "title %zu", i);
		ev.rule_id = arena_printf(&a, "rule-%zu", i % 5);
		strlist_add(&ev.tags, &a, arena_printf(&a, "tag-%zu", i));
		ev.loc.path = arena_printf(&a, "src/file%zu.c", i);
		ev.loc.start_line = (unsigned)i + 1;
		ret = cb(&ev, payload, err);
		for (b = a.head; b; b = b->next)
			memset(b->mem, 'X', b->used);
		arena_reset(&a);
		if (ret < 0) {
			perr_prefix(err, "records[%zu]", i);
			break;
		}
	}
	arena_release(&a);
	return ret < 0 ? ret : (int)i;
}

static int fake_detect(const char *head, size_t len)
{
	return 0;
}

static const struct format fake_format = { "fake", "a test format", fake_detect, fake_parse };

/* The consumer: a log of what arrived, on which thread. */
struct seen {
	struct pbuf log;
	size_t evidence, fail_at; /* fail the fail_at-th evidence (1-based), 0 never */
	pthread_t thread;
	bool other_thread;
};

static void note_thread(struct seen *s)
{
	if (!pthread_equal(pthread_self(), s->thread))
		s->other_thread = true;
}

static int on_evidence(const struct evidence *ev, void *payload, struct perr *err)
{
	struct seen *s = payload;

	note_thread(s);
	s->evidence++;
	if (s->fail_at && s->evidence == s->fail_at)
		return perr_set(err, P_EIO, "the store failed on '%s'", ev->title);
	assert_int_equal(pbuf_addf(&s->log, "E[%s|%s|%s|%s:%u|%s];", ev->title, ev->rule_id,
				   ev->tags.v[0], ev->loc.path, ev->loc.start_line,
				   ev->fingerprint ? "fp" : "-"), 0);
	return 0;
}

static void on_tool(void *payload, const char *tool, const char *version)
{
	struct seen *s = payload;

	note_thread(s);
	assert_int_equal(pbuf_addf(&s->log, "T[%s|%s];", tool, version ? version : "(null)"), 0);
}

static void on_package(void *payload, const struct package_ref *pkg)
{
	struct seen *s = payload;

	note_thread(s);
	assert_int_equal(pbuf_addf(&s->log, "P[%s|%s|%s|%s];", pkg->purl, pkg->name, pkg->version,
				   pkg->license ? pkg->license : "(null)"), 0);
}

static void on_warn(void *payload, const char *msg)
{
	struct seen *s = payload;

	note_thread(s);
	assert_int_equal(pbuf_addf(&s->log, "W[%s];", msg), 0);
}

static void seen_init(struct seen *s, size_t fail_at)
{
	memset(s, 0, sizeof(*s));
	s->log = (struct pbuf)PBUF_INIT;
	s->fail_at = fail_at;
	s->thread = pthread_self();
}

static void opts_init(struct parse_opts *o, struct fake *f, struct seen *s)
{
	memset(o, 0, sizeof(*o));
	o->stream.hook_payload = f;
	o->tool_seen = on_tool;
	o->tool_payload = s;
	o->package_seen = on_package;
	o->package_payload = s;
	o->warn = on_warn;
	o->warn_payload = s;
}

/*
 * Run the fake format both ways, single-threaded (parse_run) and through
 * the pipeline; both must give the same log, result and error.
 */
static void both_ways(size_t records, size_t parser_fail_at, size_t consumer_fail_at,
		      int *ret, struct perr *err)
{
	struct fake f1 = { records, parser_fail_at, 0 }, f2 = f1;
	struct seen s1, s2;
	struct parse_opts o1, o2;
	struct perr e1 = PERR_INIT, e2 = PERR_INIT;
	int r1, r2;

	seen_init(&s1, consumer_fail_at);
	seen_init(&s2, consumer_fail_at);
	opts_init(&o1, &f1, &s1);
	opts_init(&o2, &f2, &s2);
	r1 = parse_run(&fake_format, "", 0, &o1, on_evidence, &s1, &e1);
	r2 = pipeline_parse(&fake_format, "", 0, &o2, on_evidence, &s2, &e2);
	assert_int_equal(r1, r2);
	assert_int_equal(e1.code, e2.code);
	assert_string_equal(e1.msg, e2.msg);
	assert_string_equal(s1.log.buf, s2.log.buf);
	assert_int_equal(s1.evidence, s2.evidence);
	assert_false(s2.other_thread);
	*ret = r2;
	*err = e2;
	pbuf_release(&s1.log);
	pbuf_release(&s2.log);
}

static void test_pipeline__order_of_evidence_and_hooks(void **state)
{
	struct perr err = PERR_INIT;
	int ret;

	/* several batches' worth, and a batch boundary inside the hooks */
	both_ways(2000, 0, 0, &ret, &err);
	assert_int_equal(ret, 2000);
	assert_int_equal(err.code, 0);
	both_ways(1, 0, 0, &ret, &err);
	assert_int_equal(ret, 1);
}

static void test_pipeline__empty_report(void **state)
{
	struct fake f = { 0, 0, 0 };
	struct seen s;
	struct parse_opts o;
	struct perr err = PERR_INIT;

	seen_init(&s, 0);
	opts_init(&o, &f, &s);
	assert_int_equal(pipeline_parse(&fake_format, "", 0, &o, on_evidence, &s, &err), 0);
	assert_int_equal(s.evidence, 0);
	assert_string_equal(s.log.buf, "T[fake-tool|(null)];");
	pbuf_release(&s.log);

	/* and without any hook */
	seen_init(&s, 0);
	memset(&o, 0, sizeof(o));
	o.stream.hook_payload = &f;
	assert_int_equal(pipeline_parse(&fake_format, "", 0, &o, on_evidence, &s, &err), 0);
	assert_string_equal(s.log.buf, "");
	pbuf_release(&s.log);
}

static void test_pipeline__parser_error_after_n_records(void **state)
{
	struct perr err = PERR_INIT;
	int ret;

	/* every record before the error arrives, once, then the parser's error */
	both_ways(5000, 1234, 0, &ret, &err);
	assert_int_equal(ret, P_EINVALID);
	assert_string_equal(err.msg, "byte 123300: invalid JSON: it broke");
	both_ways(5000, 1, 0, &ret, &err);
	assert_int_equal(ret, P_EINVALID);
}

static void test_pipeline__consumer_error_stops_the_producer(void **state)
{
	struct fake f = { 1000000, 0, 0 };
	struct seen s;
	struct parse_opts o;
	struct perr err = PERR_INIT;
	int ret;

	seen_init(&s, 4);
	opts_init(&o, &f, &s);
	ret = pipeline_parse(&fake_format, "", 0, &o, on_evidence, &s, &err);
	assert_int_equal(ret, P_EIO);
	/* the place is the failing record's, as a single thread names it */
	assert_string_equal(err.msg, "records[3]: the store failed on 'title 3'");
	assert_int_equal(s.evidence, 4);
	/* stopped within the batches in flight, not at the end of the report */
	assert_true(f.emitted < 10000);
	pbuf_release(&s.log);

	/* the same through both paths, at a batch boundary and past it */
	both_ways(3000, 0, 256, &ret, &err);
	assert_int_equal(ret, P_EIO);
	both_ways(3000, 0, 2999, &ret, &err);
	assert_string_equal(err.msg, "records[2998]: the store failed on 'title 2998'");
	/* the consumer fails before the parser would have */
	both_ways(3000, 2000, 1000, &ret, &err);
	assert_int_equal(ret, P_EIO);
}

/* Render mode (posture parse): the text is made on the parser's thread. */
static void render_title(struct jw *w, const struct evidence *ev)
{
	jw_obj_open(w);
	jw_kstr(w, "title", ev->title);
	jw_kint(w, "line", ev->loc.start_line);
	jw_obj_close(w);
}

static int on_text(const char *text, size_t len, void *payload, struct perr *err)
{
	struct seen *s = payload;

	note_thread(s);
	s->evidence++;
	if (s->fail_at && s->evidence == s->fail_at)
		return perr_set(err, P_EIO, "the writer failed at %zu", s->evidence);
	assert_int_equal(pbuf_addf(&s->log, "X[%.*s];", (int)len, text), 0);
	return 0;
}

/* The single-threaded reference: render inside the callback. */
static int render_then_text(const struct evidence *ev, void *payload, struct perr *err)
{
	struct jw w;
	const char *text;
	size_t len;
	int ret;

	jw_init_mem(&w);
	render_title(&w, ev);
	text = jw_mem(&w, &len);
	ret = on_text(text, len, payload, err);
	jw_release(&w);
	return ret;
}

static void test_pipeline__render_mode(void **state)
{
	static const size_t fail_at[] = { 0, 1, 700 };
	size_t k;

	for (k = 0; k < sizeof(fail_at) / sizeof(fail_at[0]); k++) {
		struct fake f1 = { 1000, 0, 0 }, f2 = f1;
		struct seen s1, s2;
		struct parse_opts o1, o2;
		struct perr e1 = PERR_INIT, e2 = PERR_INIT;
		int r1, r2;

		seen_init(&s1, fail_at[k]);
		seen_init(&s2, fail_at[k]);
		opts_init(&o1, &f1, &s1);
		opts_init(&o2, &f2, &s2);
		r1 = parse_run(&fake_format, "", 0, &o1, render_then_text, &s1, &e1);
		r2 = pipeline_render(&fake_format, "", 0, &o2, render_title, on_text, &s2, &e2);
		assert_int_equal(r1, r2);
		assert_int_equal(r1, fail_at[k] ? P_EIO : 1000);
		assert_int_equal(e1.code, e2.code);
		assert_string_equal(e1.msg, e2.msg);
		assert_non_null(s1.log.buf);
		assert_non_null(s2.log.buf);
		assert_string_equal(s1.log.buf, s2.log.buf);
		assert_int_equal(s1.evidence, s2.evidence);
		assert_false(s2.other_thread);
		pbuf_release(&s1.log);
		pbuf_release(&s2.log);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipeline__copy_keeps_every_field),
		cmocka_unit_test(test_pipeline__copy_of_an_empty_record),
		cmocka_unit_test(test_pipeline__order_of_evidence_and_hooks),
		cmocka_unit_test(test_pipeline__empty_report),
		cmocka_unit_test(test_pipeline__parser_error_after_n_records),
		cmocka_unit_test(test_pipeline__consumer_error_stops_the_producer),
		cmocka_unit_test(test_pipeline__render_mode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
