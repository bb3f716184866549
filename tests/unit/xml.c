/* Unit tests for the XML formats' shared text helpers (src/parse/xmltext). */
#include "posture.h"
#include "parse/xmltext.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml__unescape_octal),
		cmocka_unit_test(test_xml__html_to_text),
	};

	return cmocka_run_group_tests_name("xml", tests, NULL, NULL);
}
