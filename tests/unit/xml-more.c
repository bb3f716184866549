/*
 * Unit tests for the severity rules of the SpotBugs, Dependency-Check,
 * Nikto, nmap and sslscan XML parsers (src/parse/xml_severity.h).
 */
#include "posture.h"
#include "parse/parse.h"
#include "parse/xml_severity.h"

#include <setjmp.h>
#include <cmocka.h>

/* SpotBugs' rank bands, as its SARIF writer maps them to levels. */
static void test_xml_more__spotbugs_rank(void **state)
{
	assert_int_equal(spotbugs__severity(0), SEV_NONE);
	assert_int_equal(spotbugs__severity(1), SEV_HIGH);   /* scariest */
	assert_int_equal(spotbugs__severity(4), SEV_HIGH);
	assert_int_equal(spotbugs__severity(5), SEV_HIGH);   /* scary */
	assert_int_equal(spotbugs__severity(9), SEV_HIGH);
	assert_int_equal(spotbugs__severity(10), SEV_MEDIUM); /* troubling */
	assert_int_equal(spotbugs__severity(14), SEV_MEDIUM);
	assert_int_equal(spotbugs__severity(15), SEV_LOW);    /* of concern */
	assert_int_equal(spotbugs__severity(20), SEV_LOW);
	assert_int_equal(spotbugs__severity(21), SEV_NONE);
	assert_int_equal(spotbugs__confidence(1), CONF_HIGH);
	assert_int_equal(spotbugs__confidence(2), CONF_MEDIUM);
	assert_int_equal(spotbugs__confidence(3), CONF_LOW);
	assert_int_equal(spotbugs__confidence(4), CONF_LOW);
	assert_int_equal(spotbugs__confidence(5), CONF_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_more__spotbugs_rank),
	};

	return cmocka_run_group_tests_name("xml-more", tests, NULL, NULL);
}
