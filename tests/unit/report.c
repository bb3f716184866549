/* Unit tests for compliance mapping, report figures and HTML escaping. */
#include "posture.h"
#include "engine/compliance.h"
#include "engine/report.h"
#include "out/html.h"

#include <setjmp.h>
#include <cmocka.h>

static long find(const char *id)
{
	size_t i;

	for (i = 0; i < compliance_count(); i++)
		if (!strcmp(compliance_at(i)->id, id))
			return (long)i;
	return -1;
}

static bool hits(const char *id, const int *cwe, size_t ncwe, enum kind kind, enum severity sev,
		 bool vuln_id)
{
	struct compliance_subject s = { cwe, ncwe, kind, sev, vuln_id };
	bool hit[128];
	long i = find(id);

	assert_true(i >= 0);
	assert_true(compliance_count() <= ARRAY_SIZE(hit));
	compliance_match(&s, hit);
	return hit[i];
}

static void test_compliance__tables(void **state)
{
	size_t i, owasp = 0, top = 0, pci = 0;

	for (i = 0; i < compliance_count(); i++) {
		const struct compliance_category *c = compliance_at(i);

		if (c->framework == COMPLIANCE_OWASP_2021)
			owasp++;
		else if (c->framework == COMPLIANCE_CWE_TOP25_2024)
			assert_int_equal(c->rank, (int)++top);
		else
			pci++;
	}
	assert_int_equal(owasp, 10);
	assert_int_equal(top, 25);
	assert_int_equal(pci, 4);
	/* the sizes of OWASP's published lists */
	assert_int_equal(compliance_at(find("A01:2021"))->ncwe, 34);
	assert_int_equal(compliance_at(find("A02:2021"))->ncwe, 29);
	assert_int_equal(compliance_at(find("A03:2021"))->ncwe, 33);
	assert_int_equal(compliance_at(find("A04:2021"))->ncwe, 40);
	assert_int_equal(compliance_at(find("A05:2021"))->ncwe, 20);
	assert_int_equal(compliance_at(find("A06:2021"))->ncwe, 3);
	assert_int_equal(compliance_at(find("A07:2021"))->ncwe, 22);
	assert_int_equal(compliance_at(find("A08:2021"))->ncwe, 10);
	assert_int_equal(compliance_at(find("A09:2021"))->ncwe, 4);
	assert_int_equal(compliance_at(find("A10:2021"))->ncwe, 1);
	assert_int_equal(compliance_at(find("CWE-79"))->rank, 1);
	assert_int_equal(compliance_at(find("CWE-306"))->rank, 25);
	assert_string_equal(compliance_framework_name(COMPLIANCE_PCI_DSS_4), "pci-dss-4.0");
}

static void test_compliance__match(void **state)
{
	const int sqli[] = { 89 }, ssrf[] = { 918 }, proto[] = { 1321 }, creds[] = { 798 };

	assert_true(hits("A03:2021", sqli, 1, KIND_SAST, SEV_HIGH, false));
	assert_true(hits("CWE-89", sqli, 1, KIND_SAST, SEV_HIGH, false));
	assert_false(hits("A01:2021", sqli, 1, KIND_SAST, SEV_HIGH, false));
	assert_true(hits("A10:2021", ssrf, 1, KIND_DAST, SEV_MEDIUM, false));
	assert_true(hits("CWE-918", ssrf, 1, KIND_DAST, SEV_MEDIUM, false));
	assert_true(hits("A07:2021", creds, 1, KIND_SECRET, SEV_HIGH, false));
	/* PCI DSS rules */
	assert_true(hits("6.2.4", ssrf, 1, KIND_DAST, SEV_MEDIUM, false));
	assert_true(hits("6.2.4", NULL, 0, KIND_SAST, SEV_LOW, false));
	assert_false(hits("6.2.4", proto, 1, KIND_SCA, SEV_CRITICAL, true));
	assert_true(hits("6.3.1", proto, 1, KIND_SCA, SEV_CRITICAL, true));
	assert_true(hits("6.3.1", NULL, 0, KIND_DAST, SEV_LOW, true));
	assert_false(hits("6.3.1", NULL, 0, KIND_SAST, SEV_LOW, false));
	assert_true(hits("6.3.3", NULL, 0, KIND_CONTAINER, SEV_HIGH, true));
	assert_false(hits("6.3.3", NULL, 0, KIND_CONTAINER, SEV_MEDIUM, true));
	assert_false(hits("6.3.3", NULL, 0, KIND_SAST, SEV_CRITICAL, false));
	assert_true(hits("11.3", NULL, 0, KIND_CLOUD, SEV_LOW, false));
	assert_true(hits("11.3", NULL, 0, KIND_API, SEV_LOW, false));
	assert_false(hits("11.3", NULL, 0, KIND_SCA, SEV_LOW, true));
}

static void test_compliance__cwe_list(void **state)
{
	int out[4];

	assert_int_equal(compliance_cwe_list("[79,89, 1321]", out, 4), 3);
	assert_int_equal(out[0], 79);
	assert_int_equal(out[2], 1321);
	assert_int_equal(compliance_cwe_list("[]", out, 4), 0);
	assert_int_equal(compliance_cwe_list(NULL, out, 4), 0);
	assert_int_equal(compliance_cwe_list("[1,2,3,4,5,6]", out, 4), 4);
}

#define DAY 86400

static struct finding mk(int64_t id, const char *tier, enum status st, int64_t first, int64_t fixed,
			 int64_t due, int risk)
{
	struct finding f = { 0 };

	f.id = id;
	f.app = id % 2 ? "a" : "b";
	f.tier = tier;
	f.status = st;
	f.first_seen = first;
	f.fixed_at = fixed;
	f.sla_due = due;
	f.risk = risk;
	f.severity = SEV_HIGH;
	f.cwe = "[89]";
	f.vuln_ids = "[]";
	return f;
}

static void test_report__figures(void **state)
{
	int64_t now = 100 * DAY + 3600;
	struct finding f[4];
	const struct finding *v[4];
	struct report r;
	size_t i;

	f[0] = mk(1, "critical", STATUS_OPEN, 90 * DAY, 0, 95 * DAY, 90);         /* breached */
	f[1] = mk(2, "critical", STATUS_FIXED, 80 * DAY, 84 * DAY, 90 * DAY, 80); /* fixed in 4 days, met */
	f[2] = mk(3, "high", STATUS_FIXED, 80 * DAY, 90 * DAY, 0, 60);            /* fixed in 10 days */
	f[3] = mk(4, NULL, STATUS_RISK_ACCEPTED, 99 * DAY, 0, 0, -1);
	for (i = 0; i < 4; i++)
		v[i] = &f[i];
	report_build(&r, v, 4, now);
	assert_int_equal(r.active, 1);
	assert_int_equal(r.resolved, 2);
	assert_int_equal(r.accepted, 1);
	assert_int_equal(r.by_tier[RT_CRITICAL], 1);
	/* active and past due; a fixed one is the metrics' business, not this list's */
	assert_int_equal(r.nbreached, 1);
	assert_int_equal(r.breached[0]->id, 1);
	assert_int_equal(r.apps[0].breached, 1);
	assert_int_equal(r.napps, 1);                    /* only "a" has active findings */
	assert_string_equal(r.apps[0].name, "a");
	assert_int_equal(r.ntop, 1);
	assert_int_equal(r.compliance[find("A03:2021")].active, 1);
	assert_int_equal(r.compliance[find("A03:2021")].resolved, 2);
	assert_int_equal(r.compliance[find("A03:2021")].total, 4);
	report_release(&r);
}

/* The lists keep the worst, whatever order the findings come in; the counts stay whole. */
static void test_report__bounded_lists(void **state)
{
	int64_t now = 400 * DAY;
	enum { N = 3 * REPORT_BREACHED_LIST / 2 };
	struct finding f;
	struct report r;
	char title[32];
	size_t i;

	report_begin(&r, now);
	for (i = 0; i < N; i++) {
		/* a permutation of 0..N-1 as the risk: 7 is prime to N */
		int risk = (int)((i * 7) % N);

		f = mk((int64_t)i + 1, "high", STATUS_OPEN, DAY, 0, 2 * DAY, risk);
		f.group = risk % 2 ? "g-odd" : "g-even";
		snprintf(title, sizeof(title), "risk %d", risk);
		f.title = title;
		report_add(&r, &f);
	}
	report_end(&r);
	assert_int_equal(r.nfindings, N);
	assert_int_equal(r.breached_total, N);
	assert_int_equal(r.nbreached, REPORT_BREACHED_LIST);
	for (i = 0; i < r.nbreached; i++)
		assert_int_equal(r.breached[i]->risk, N - 1 - (int)i);
	assert_int_equal(r.ntop, REPORT_TOP);
	assert_int_equal(r.top[0]->risk, N - 1);
	assert_int_equal(r.top[REPORT_TOP - 1]->risk, N - REPORT_TOP);
	/* the copies outlive the findings they came from */
	snprintf(title, sizeof(title), "risk %d", N - 1);
	assert_string_equal(r.top[0]->title, title);
	snprintf(title, sizeof(title), "risk %d", N - REPORT_BREACHED_LIST);
	assert_string_equal(r.breached[REPORT_BREACHED_LIST - 1]->title, title);
	assert_int_equal(r.ngroups, 2);
	assert_int_equal(r.groups[0].active + r.groups[1].active, N);
	assert_int_equal(r.napps, 2);
	assert_int_equal(r.apps[0].active + r.apps[1].active, N);
	report_release(&r);
}

static char *escaped(const char *s, size_t max)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	assert_non_null(f);
	if (max)
		html_escape_cut(f, s, max);
	else
		html_escape(f, s);
	fclose(f);
	return buf;
}

static void test_report__html_escape(void **state)
{
	assert_string_equal(escaped("<script>alert('x')</script> & \"q\"", 0),
			    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	assert_string_equal(escaped("a\x01" "b\tc", 0), "a&#xFFFD;b\tc");
	assert_string_equal(escaped("h\xc3\xa9llo", 2), "h...");
	assert_string_equal(escaped("abc", 3), "abc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compliance__tables),
		cmocka_unit_test(test_compliance__match),
		cmocka_unit_test(test_compliance__cwe_list),
		cmocka_unit_test(test_report__figures),
		cmocka_unit_test(test_report__bounded_lists),
		cmocka_unit_test(test_report__html_escape),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
