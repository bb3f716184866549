/* Unit tests for the XML formats' shared text helpers (src/parse/xmltext). */
#include "posture.h"
#include "parse/parse.h"
#include "parse/xmltext.h"
#include "util/file.h"

#include <setjmp.h>
#include <cmocka.h>

static void test_xml__unescape_octal(void **state)
{
	struct arena a = ARENA_INIT;
	const char *plain = "no escapes";

	assert_ptr_equal(xmltext_unescape_octal(&a, plain), plain);
	assert_null(xmltext_unescape_octal(&a, NULL));
	assert_string_equal(xmltext_unescape_octal(&a, "a\\012b\\011c"), "a\nb\tc");
	assert_string_equal(xmltext_unescape_octal(&a, "caf\\303\\251"), "caf\xc3\xa9");
	/* a lone backslash and short escapes stay; bad bytes become U+FFFD */
	assert_string_equal(xmltext_unescape_octal(&a, "x\\n \\01 \\"), "x\\n \\01 \\");
	assert_string_equal(xmltext_unescape_octal(&a, "\\377|\\000"), "\xef\xbf\xbd|\xef\xbf\xbd");
	arena_release(&a);
}

static void test_xml__html_to_text(void **state)
{
	struct arena a = ARENA_INIT;

	assert_null(xmltext_html_to_text(&a, NULL));
	assert_null(xmltext_html_to_text(&a, "<p></p>  <br/>"));
	assert_string_equal(xmltext_html_to_text(&a,
		"<p>The page is   vulnerable to\n  <b>XSS</b>.</p><p>Fix &amp; test &lt;it&gt;.</p>"),
		"The page is vulnerable to XSS.\n\nFix & test <it>.");
	assert_string_equal(xmltext_html_to_text(&a,
		"<ul><li>one</li><li>two&#39;s &#x2014; <a href=\"x\">link</a></li></ul>"),
		"one\ntwo's \xe2\x80\x94 link");
	assert_string_equal(xmltext_html_to_text(&a, "a<br>b&nbsp;c &bogus; &#0;"),
		"a\nb c &bogus; \xef\xbf\xbd");
	/* an unclosed tag ends the text */
	assert_string_equal(xmltext_html_to_text(&a, "text <unclosed"), "text");
	arena_release(&a);
}

struct packages {
	long n, nested, licensed, evidence;
	char last[128];
};

static void count_package(void *payload, const struct package_ref *pkg)
{
	struct packages *p = payload;

	p->n++;
	if (pkg->ref && strchr(pkg->ref, '|') != strrchr(pkg->ref, '|'))
		p->nested++;
	if (pkg->license)
		p->licensed++;
	snprintf(p->last, sizeof(p->last), "%s %s %s %s", pkg->purl, pkg->name, pkg->version,
		 pkg->ecosystem);
}

static int count_evidence(const struct evidence *ev, void *payload, struct perr *err)
{
	((struct packages *)payload)->evidence++;
	return 0;
}

/* The real cyclonedx-npm BOM: 85 components, 3 of them nested, no vulnerabilities. */
static void test_xml__cyclonedx_corpus_packages(void **state)
{
	const char *file = "cyclonedx-npm-sample-app-spec1.6.xml";
	char path[4096];
	struct perr err = PERR_INIT;
	struct parse_opts opts;
	struct packages p;
	char *buf = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s",
		 getenv("POSTURE_CORPUS") ? getenv("POSTURE_CORPUS") : "../shared/corpus", file);
	if (pfile_slurp(&buf, &len, path, 1u << 24, &err) < 0)
		skip();
	memset(&opts, 0, sizeof(opts));
	memset(&p, 0, sizeof(p));
	opts.package_seen = count_package;
	opts.package_payload = &p;
	assert_int_equal(parse_run(format_find("cyclonedx-xml"), buf, len, &opts, count_evidence,
				   &p, &err), 0);
	assert_int_equal(p.n, 85);
	assert_int_equal(p.nested, 3);
	assert_int_equal(p.licensed, 85);
	assert_int_equal(p.evidence, 0);
	assert_string_equal(p.last, "pkg:npm/balanced-match@1.0.2 balanced-match 1.0.2 npm");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml__unescape_octal),
		cmocka_unit_test(test_xml__html_to_text),
		cmocka_unit_test(test_xml__cyclonedx_corpus_packages),
	};

	return cmocka_run_group_tests_name("xml", tests, NULL, NULL);
}
