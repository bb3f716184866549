/* Unit tests for src/parse/xrec: the streaming XML record layer. */
#include "posture.h"
#include "parse/xrec.h"
#include "util/buf.h"

#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

/* Every record (and scope end) flattened to one line of text. */
struct seen {
	struct pbuf out;
	int fail_at;   /* reject the record with this seq (1-based), 0 never */
};

static void dump_node(struct pbuf *b, const struct xnode *n)
{
	const struct xnode *c;
	size_t i;

	assert_int_equal(pbuf_addf(b, "<%s", n->name), 0);
	for (i = 0; i < n->nattrs; i++)
		assert_int_equal(pbuf_addf(b, " %s=%s", n->attrs[i].name, n->attrs[i].value), 0);
	assert_int_equal(pbuf_adds(b, ">"), 0);
	if (n->text)
		assert_int_equal(pbuf_addf(b, "'%s'", n->text), 0);
	xnode_for_each(c, n)
		dump_node(b, c);
	assert_int_equal(pbuf_adds(b, "/"), 0);
}

static int record(const struct xrec *rec, void *payload, struct perr *err)
{
	struct seen *s = payload;
	int i;

	if (s->fail_at && (int)rec->seq + 1 == s->fail_at)
		return perr_set(err, P_EINVALID, "'line' is not a number");
	if (rec->which == XREC_SCOPE_END)
		assert_int_equal(pbuf_addf(&s->out, "end %s", rec->scope->name), 0);
	else
		assert_int_equal(pbuf_addf(&s->out, "%d@%u ", rec->which, rec->line), 0);
	if (rec->node)
		dump_node(&s->out, rec->node);
	for (i = 0; i < XREC_MAX_PATHS; i++)
		if (rec->ctx[i])
			assert_int_equal(pbuf_addf(&s->out, " ctx%d=%s", i,
						   xnode_text(rec->ctx[i]) ? xnode_text(rec->ctx[i])
									  : rec->ctx[i]->name), 0);
	assert_int_equal(pbuf_adds(&s->out, "\n"), 0);
	return 0;
}

static long run(const struct xrec_format *fmt, const struct xrec_opts *opts, const char *doc,
		size_t len, struct seen *s, struct perr *err)
{
	pbuf_init(&s->out, 0);
	return xrec_parse(doc, len, fmt, opts, record, s, err);
}

static const struct xrec_format cppcheck_like = {
	.records = { "results/errors/error", NULL },
	.context = { "results/cppcheck", NULL },
	.root = "results",
	.scope_end = true,
};

static void test_xrec__records_context_scope(void **state)
{
	static const char doc[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<results version=\"2\">\n"
		"  <cppcheck version=\"2.10\"/>\n"
		"  <errors>\n"
		"    <error id=\"a\" msg=\"x &amp; y\">\n"
		"      <location file=\"f.c\" line=\"3\"/>\n"
		"      <location file=\"g.c\" line=\"4\"><![CDATA[c<d]]> t </location>\n"
		"    </error>\n"
		"    <ignored><error id=\"no\"/></ignored>\n"
		"    <error id=\"b\"/>\n"
		"  </errors>\n"
		"</results>\n";
	struct seen s = { PBUF_INIT, 0 };
	struct perr err = PERR_INIT;

	assert_int_equal(run(&cppcheck_like, NULL, doc, strlen(doc), &s, &err), 2);
	assert_string_equal(s.out.buf,
		"0@5 <error id=a msg=x & y><location file=f.c line=3>/"
		"<location file=g.c line=4>'c<d t'// ctx0=cppcheck\n"
		"0@10 <error id=b>/ ctx0=cppcheck\n"
		"end results ctx0=cppcheck\n");
	pbuf_release(&s.out);
}

static int check_ancestors(const struct xrec *rec, void *payload, struct perr *err)
{
	const struct xnode *site;

	if (rec->which == XREC_SCOPE_END)
		return 0;
	site = xnode_ancestor(rec->node, "site");
	assert_non_null(site);
	assert_string_equal(xnode_attr(site, "host"), "example.com");
	assert_string_equal(xnode_attr(site, "name"), "https://example.com");
	if (rec->seq == 0)
		assert_string_equal(xnode_path_text(rec->node, "instances/instance/uri"),
				    "https://example.com/a");
	else
		assert_null(xnode_path_text(rec->node, "instances/instance/uri"));
	assert_null(xnode_path_text(rec->node, "instances/missing"));
	assert_null(xnode_attr(rec->node, "nope"));
	assert_string_equal(xnode_ancestor(rec->node, "OWASPZAPReport")->name, "OWASPZAPReport");
	(*(int *)payload)++;
	return 0;
}

static void test_xrec__ancestor_attributes(void **state)
{
	static const char doc[] =
		"<OWASPZAPReport version=\"2.11.1\">"
		"<site name=\"https://example.com\" host=\"example.com\" port=\"443\" ssl=\"true\">"
		"<alerts><alertitem><pluginid>10020</pluginid>"
		"<instances><instance><uri>https://example.com/a</uri></instance></instances>"
		"</alertitem><alertitem/></alerts></site></OWASPZAPReport>";
	static const struct xrec_format zap = {
		.records = { "OWASPZAPReport/site/alerts/alertitem", NULL },
	};
	struct perr err = PERR_INIT;
	int n = 0;

	/* the second, empty alertitem has no instances */
	assert_int_equal(xrec_parse(doc, strlen(doc), &zap, NULL, check_ancestors, &n, &err), 2);
	assert_int_equal(n, 2);
}

static void test_xrec__namespaces_and_wildcards(void **state)
{
	static const char doc[] =
		"<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\" xmlns:x=\"urn:x\" serialNumber=\"s\">"
		"<x:metadata><x:tool>t</x:tool></x:metadata>"
		"<components><component type=\"library\" x:extra=\"1\"><name>a</name>"
		"<components><component><name>b</name></component></components></component>"
		"</components><other><component/></other></bom>";
	static const struct xrec_format fmt = {
		.records = { "bom/components/component", "bom/*/deep", NULL },
		.context = { "bom/metadata", NULL },
	};
	struct seen s = { PBUF_INIT, 0 };
	struct perr err = PERR_INIT;

	assert_int_equal(run(&fmt, NULL, doc, strlen(doc), &s, &err), 1);
	assert_string_equal(s.out.buf,
		"0@1 <component type=library extra=1><name>'a'/<components><component><name>'b'////"
		" ctx0=metadata\n");
	pbuf_release(&s.out);
}

static int check_ns(const struct xrec *rec, void *payload, struct perr *err)
{
	assert_string_equal(rec->node->ns, "http://cyclonedx.org/schema/bom/1.5");
	assert_string_equal(rec->node->parent->name, "components");
	assert_null(rec->node->parent->parent->parent);
	return 0;
}

static void test_xrec__namespace_uri_kept(void **state)
{
	static const char doc[] =
		"<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"><components><component/></components></bom>";
	static const struct xrec_format fmt = { .records = { "bom/components/component", NULL } };
	struct perr err = PERR_INIT;

	assert_int_equal(xrec_parse(doc, strlen(doc), &fmt, NULL, check_ns, NULL, &err), 1);
}

static void test_xrec__bad_bytes_become_replacement_chars(void **state)
{
	/* invalid UTF-8, a NUL and a control character inside text and attributes */
	static const char doc[] = "<r><e a=\"x\xff\">p\0q\x01r\xc3\xa9\xe2\x82</e></r>";
	static const struct xrec_format fmt = { .records = { "r/e", NULL } };
	struct seen s = { PBUF_INIT, 0 };
	struct perr err = PERR_INIT;

	assert_int_equal(run(&fmt, NULL, doc, sizeof(doc) - 1, &s, &err), 1);
	assert_string_equal(s.out.buf,
		"0@1 <e a=x\xef\xbf\xbd>'p\xef\xbf\xbdq\xef\xbf\xbdr\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd'/\n");
	pbuf_release(&s.out);
}

static void test_xrec__latin1_and_cp1252(void **state)
{
	static const char latin1[] =
		"<?xml version='1.0' encoding='ISO-8859-1'?><r><e>caf\xe9</e></r>";
	static const char cp1252[] =
		"<?xml version=\"1.0\" encoding=\"windows-1252\"?><r><e>\x80 \x81</e></r>";
	static const struct xrec_format fmt = { .records = { "r/e", NULL } };
	struct seen s = { PBUF_INIT, 0 };
	struct perr err = PERR_INIT;

	assert_int_equal(run(&fmt, NULL, latin1, strlen(latin1), &s, &err), 1);
	assert_string_equal(s.out.buf, "0@1 <e>'caf\xc3\xa9'/\n");
	pbuf_release(&s.out);
	assert_int_equal(run(&fmt, NULL, cp1252, strlen(cp1252), &s, &err), 1);
	assert_string_equal(s.out.buf, "0@1 <e>'\xe2\x82\xac \xef\xbf\xbd'/\n");
	pbuf_release(&s.out);
}

static void test_xrec__other_encodings_refused(void **state)
{
	static const char ebcdic[] = "<?xml version=\"1.0\" encoding=\"EBCDIC-US\"?><r/>";
	static const char utf16[] = "\xff\xfe<\0r\0/\0>\0";
	static const struct xrec_format fmt = { .records = { "r/e", NULL } };
	struct seen s = { PBUF_INIT, 0 };
	struct perr err = PERR_INIT;

	assert_int_equal(run(&fmt, NULL, ebcdic, strlen(ebcdic), &s, &err), P_EINVALID);
	assert_string_equal(err.msg, "line 1: unsupported encoding 'EBCDIC-US' "
			    "(XML is read as UTF-8, US-ASCII, ISO-8859-1 or windows-1252)");
	pbuf_release(&s.out);
	assert_int_equal(run(&fmt, NULL, utf16, sizeof(utf16) - 1, &s, &err), P_EINVALID);
	pbuf_release(&s.out);
}

static void test_xrec__sequence_across_chunks(void **state)
{
	struct pbuf doc = PBUF_INIT;
	static const struct xrec_format fmt = { .records = { "r/e", NULL } };
	struct seen s = { PBUF_INIT, 0 };
	struct perr err = PERR_INIT;
	size_t i;

	/* "é" and "€" straddle every plausible chunk boundary somewhere */
	assert_int_equal(pbuf_adds(&doc, "<r><e>"), 0);
	for (i = 0; i < 40000; i++)
		assert_int_equal(pbuf_adds(&doc, i % 2 ? "\xc3\xa9" : "\xe2\x82\xac"), 0);
	assert_int_equal(pbuf_adds(&doc, "</e></r>"), 0);
	assert_int_equal(run(&fmt, NULL, doc.buf, doc.len, &s, &err), 1);
	assert_null(strstr(s.out.buf, "\xef\xbf\xbd"));
	assert_int_equal(s.out.len, strlen("0@1 <e>''/\n") + 40000 / 2 * 5);
	pbuf_release(&s.out);
	pbuf_release(&doc);
}

static void test_xrec__syntax_error_has_line_and_column(void **state)
{
	static const char doc[] = "<results>\n  <errors>\n    <error id=\"a\">\n  </errors>\n</results>\n";
	struct seen s = { PBUF_INIT, 0 };
	struct perr err = PERR_INIT;

	assert_int_equal(run(&cppcheck_like, NULL, doc, strlen(doc), &s, &err), P_EINVALID);
	assert_string_equal(err.msg,
		"line 4, column 12: invalid XML: Opening and ending tag mismatch: error line 3 and errors");
	pbuf_release(&s.out);
	assert_int_equal(run(&cppcheck_like, NULL, "", 0, &s, &err), P_EINVALID);
	assert_non_null(strstr(err.msg, "invalid XML"));
	pbuf_release(&s.out);
	assert_int_equal(run(&cppcheck_like, NULL, "<results><errors>", 17, &s, &err), P_EINVALID);
	assert_non_null(strstr(err.msg, "invalid XML"));
	pbuf_release(&s.out);
}

static void test_xrec__callback_error_names_line(void **state)
{
	static const char doc[] = "<results>\n<errors>\n<error/>\n<error/>\n</errors></results>";
	struct seen s = { PBUF_INIT, 2 };
	struct perr err = PERR_INIT;

	assert_int_equal(run(&cppcheck_like, NULL, doc, strlen(doc), &s, &err), P_EINVALID);
	assert_string_equal(err.msg, "line 4: 'line' is not a number");
	pbuf_release(&s.out);
}

static void test_xrec__root_checked(void **state)
{
	static const char doc[] = "<issues><issue/></issues>";
	struct seen s = { PBUF_INIT, 0 };
	struct perr err = PERR_INIT;

	assert_int_equal(run(&cppcheck_like, NULL, doc, strlen(doc), &s, &err), P_EINVALID);
	assert_string_equal(err.msg, "line 1: the root element is <issues>, not <results>");
	pbuf_release(&s.out);
}

static void test_xrec__context_after_records_and_scopes(void **state)
{
	/* context is per scope: the second run does not see the first run's */
	static const char doc[] =
		"<r><run><e>1</e><t>late</t><e>2</e></run><run><e>3</e></run></r>";
	static const struct xrec_format fmt = {
		.records = { "r/run/e", NULL },
		.context = { "r/run/t", NULL },
		.scope_end = true,
	};
	struct seen s = { PBUF_INIT, 0 };
	struct perr err = PERR_INIT;

	assert_int_equal(run(&fmt, NULL, doc, strlen(doc), &s, &err), 3);
	assert_string_equal(s.out.buf,
		"0@1 <e>'1'/\n"
		"0@1 <e>'2'/ ctx0=late\n"
		"end run ctx0=late\n"
		"0@1 <e>'3'/\n"
		"end run\n"
		"end r\n");
	pbuf_release(&s.out);
}

static void test_xrec__external_entities_not_loaded(void **state)
{
	static const char doc[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">"
		"<!ENTITY y SYSTEM \"http://127.0.0.1:9/x\">]>\n"
		"<r><e>a&x;b&y;</e></r>";
	static const struct xrec_format fmt = { .records = { "r/e", NULL } };
	struct seen s = { PBUF_INIT, 0 };
	struct perr err = PERR_INIT;

	assert_int_equal(run(&fmt, NULL, doc, strlen(doc), &s, &err), 1);
	assert_string_equal(s.out.buf, "0@3 <e>'ab'/\n");
	pbuf_release(&s.out);
}

static void test_xrec__limits(void **state)
{
	static const struct xrec_format fmt = { .records = { "r/e", NULL } };
	struct xrec_opts opts = { .limits = { 8, 16, 4096, 3 } };
	struct seen s = { PBUF_INIT, 0 };
	struct perr err = PERR_INIT;
	struct pbuf doc = PBUF_INIT;
	const char *deep;
	int i;

	assert_int_equal(run(&fmt, &opts, "<r><e>0123456789abcdefg</e></r>", 31, &s, &err), P_ELIMIT);
	assert_string_equal(err.msg, "line 1: text of <e> longer than 16 bytes");
	pbuf_release(&s.out);
	assert_int_equal(run(&fmt, &opts, "<r><e a='1' b='2' c='3' d='4'/></r>", 35, &s, &err), P_ELIMIT);
	assert_string_equal(err.msg, "line 1: <e> has more than 3 attributes");
	pbuf_release(&s.out);
	deep = "<r><e><a><a><a><a><a><a><a><a/></a></a></a></a></a></a></a></e></r>";
	assert_int_equal(run(&fmt, &opts, deep, strlen(deep), &s, &err), P_ELIMIT);
	assert_string_equal(err.msg, "line 1: elements nested deeper than 8 levels");
	pbuf_release(&s.out);
	assert_int_equal(pbuf_adds(&doc, "<r><e>"), 0);
	for (i = 0; i < 200; i++)
		assert_int_equal(pbuf_adds(&doc, "<x>0123456789</x>"), 0);
	assert_int_equal(pbuf_adds(&doc, "</e></r>"), 0);
	assert_int_equal(run(&fmt, &opts, doc.buf, doc.len, &s, &err), P_ELIMIT);
	assert_string_equal(err.msg, "line 1: element larger than 4096 bytes");
	pbuf_release(&s.out);
	pbuf_release(&doc);
}

static void test_xrec__nothing_on_stderr(void **state)
{
	static const char *docs[] = {
		"<a><b></a>", "<a x='1' x='2'/>", "<a>&undefined;</a>", "<?xml version='1.0'?>",
		"<a:b/>", "<a>\xef\xbf\xbe</a>", "<!DOCTYPE a SYSTEM 'file:///etc/passwd'><a/>",
		"<a><![CDATA[x</a>", "<a>&#0;</a>",
	};
	static const struct xrec_format fmt = { .records = { "a/b", NULL } };
	FILE *tmp = tmpfile();
	int saved = dup(2);
	struct seen s = { PBUF_INIT, 0 };
	struct perr err = PERR_INIT;
	size_t i;

	assert_non_null(tmp);
	assert_true(saved >= 0);
	fflush(stderr);
	assert_true(dup2(fileno(tmp), 2) >= 0);
	for (i = 0; i < ARRAY_SIZE(docs); i++) {
		run(&fmt, NULL, docs[i], strlen(docs[i]), &s, &err);
		pbuf_release(&s.out);
	}
	fflush(stderr);
	assert_true(dup2(saved, 2) >= 0);
	close(saved);
	assert_int_equal(lseek(fileno(tmp), 0, SEEK_END), 0);
	fclose(tmp);
}

static void test_xrec__skipped_elements(void **state)
{
	static const char doc[] = "<r><e a='1'><big>xxxx<i>y</i></big><keep>k</keep><big/></e></r>";
	static const struct xrec_format fmt = { .records = { "r/e", NULL }, .skip = { "big", NULL } };
	struct seen s = { PBUF_INIT, 0 };
	struct perr err = PERR_INIT;

	assert_int_equal(run(&fmt, NULL, doc, strlen(doc), &s, &err), 1);
	assert_string_equal(s.out.buf, "0@1 <e a=1><keep>'k'//\n");
	pbuf_release(&s.out);
}

static void test_xrec__helpers(void **state)
{
	long long v = 0;

	assert_true(xml_long(" 42 ", 0, 100, &v));
	assert_int_equal(v, 42);
	assert_false(xml_long("42x", 0, 100, &v));
	assert_false(xml_long("101", 0, 100, &v));
	assert_false(xml_long("", 0, 100, &v));
	assert_false(xml_long(NULL, 0, 100, &v));
	assert_null(xnode_child(NULL, "a"));
	assert_null(xnode_text(NULL));
	assert_null(xnode_ancestor(NULL, "a"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xrec__records_context_scope),
		cmocka_unit_test(test_xrec__ancestor_attributes),
		cmocka_unit_test(test_xrec__namespaces_and_wildcards),
		cmocka_unit_test(test_xrec__namespace_uri_kept),
		cmocka_unit_test(test_xrec__bad_bytes_become_replacement_chars),
		cmocka_unit_test(test_xrec__latin1_and_cp1252),
		cmocka_unit_test(test_xrec__other_encodings_refused),
		cmocka_unit_test(test_xrec__sequence_across_chunks),
		cmocka_unit_test(test_xrec__syntax_error_has_line_and_column),
		cmocka_unit_test(test_xrec__callback_error_names_line),
		cmocka_unit_test(test_xrec__root_checked),
		cmocka_unit_test(test_xrec__context_after_records_and_scopes),
		cmocka_unit_test(test_xrec__external_entities_not_loaded),
		cmocka_unit_test(test_xrec__limits),
		cmocka_unit_test(test_xrec__nothing_on_stderr),
		cmocka_unit_test(test_xrec__skipped_elements),
		cmocka_unit_test(test_xrec__helpers),
	};

	return cmocka_run_group_tests_name("xrec", tests, NULL, NULL);
}
