/*
 * Compliance mapping tables. Sources (see docs/compliance.md):
 * - OWASP Top 10 2021: the "List of Mapped CWEs" of each category page
 *   (owasp.org/Top10, 2021/docs/A0x_2021-*.md in the OWASP/Top10 repository).
 * - CWE Top 25 Most Dangerous Software Weaknesses, 2024 edition (MITRE/CISA),
 *   in rank order.
 * - PCI DSS v4.0 requirements 6.2.4, 6.3.1, 6.3.3 and 11.3: rules over a
 *   finding's CWE, kind, severity and advisory ids, written down in
 *   docs/compliance.md (the standard names no CWE list).
 */
#include "posture.h"
#include "engine/compliance.h"

#include <ctype.h>

static const int a01[] = { 22, 23, 35, 59, 200, 201, 219, 264, 275, 276, 284, 285, 352, 359, 377, 402,
			   425, 441, 497, 538, 540, 548, 552, 566, 601, 639, 651, 668, 706, 862, 863, 913,
			   922, 1275 };
static const int a02[] = { 261, 296, 310, 319, 321, 322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 335,
			   336, 337, 338, 340, 347, 523, 720, 757, 759, 760, 780, 818, 916 };
static const int a03[] = { 20, 74, 75, 77, 78, 79, 80, 83, 87, 88, 89, 90, 91, 93, 94, 95, 96, 97, 98, 99,
			   100, 113, 116, 138, 184, 470, 471, 564, 610, 643, 644, 652, 917 };
static const int a04[] = { 73, 183, 209, 213, 235, 256, 257, 266, 269, 280, 311, 312, 313, 316, 419, 430,
			   434, 444, 451, 472, 501, 522, 525, 539, 579, 598, 602, 642, 646, 650, 653, 656,
			   657, 799, 807, 840, 841, 927, 1021, 1173 };
static const int a05[] = { 2, 11, 13, 15, 16, 260, 315, 520, 526, 537, 541, 547, 611, 614, 756, 776, 942,
			   1004, 1032, 1174 };
static const int a06[] = { 937, 1035, 1104 };
static const int a07[] = { 255, 259, 287, 288, 290, 294, 295, 297, 300, 302, 304, 306, 307, 346, 384, 521,
			   613, 620, 640, 798, 940, 1216 };
static const int a08[] = { 345, 353, 426, 494, 502, 565, 784, 829, 830, 915 };
static const int a09[] = { 117, 223, 532, 778 };
static const int a10[] = { 918 };

/* One CWE each, in rank order; the table below points into it. */
static const int top25[] = { 79, 787, 89, 352, 22, 125, 78, 416, 862, 434, 94, 20, 77, 287, 269, 502, 200,
			     863, 918, 119, 476, 798, 190, 400, 306 };

#define LIST(a) a, ARRAY_SIZE(a)
#define TOP(rank, id, name) { COMPLIANCE_CWE_TOP25_2024, id, name, &top25[(rank) - 1], 1, rank }

static const struct compliance_category categories[] = {
	{ COMPLIANCE_OWASP_2021, "A01:2021", "Broken Access Control", LIST(a01), 0 },
	{ COMPLIANCE_OWASP_2021, "A02:2021", "Cryptographic Failures", LIST(a02), 0 },
	{ COMPLIANCE_OWASP_2021, "A03:2021", "Injection", LIST(a03), 0 },
	{ COMPLIANCE_OWASP_2021, "A04:2021", "Insecure Design", LIST(a04), 0 },
	{ COMPLIANCE_OWASP_2021, "A05:2021", "Security Misconfiguration", LIST(a05), 0 },
	{ COMPLIANCE_OWASP_2021, "A06:2021", "Vulnerable and Outdated Components", LIST(a06), 0 },
	{ COMPLIANCE_OWASP_2021, "A07:2021", "Identification and Authentication Failures", LIST(a07), 0 },
	{ COMPLIANCE_OWASP_2021, "A08:2021", "Software and Data Integrity Failures", LIST(a08), 0 },
	{ COMPLIANCE_OWASP_2021, "A09:2021", "Security Logging and Monitoring Failures", LIST(a09), 0 },
	{ COMPLIANCE_OWASP_2021, "A10:2021", "Server-Side Request Forgery (SSRF)", LIST(a10), 0 },
	TOP(1, "CWE-79", "Cross-site Scripting"),
	TOP(2, "CWE-787", "Out-of-bounds Write"),
	TOP(3, "CWE-89", "SQL Injection"),
	TOP(4, "CWE-352", "Cross-Site Request Forgery (CSRF)"),
	TOP(5, "CWE-22", "Path Traversal"),
	TOP(6, "CWE-125", "Out-of-bounds Read"),
	TOP(7, "CWE-78", "OS Command Injection"),
	TOP(8, "CWE-416", "Use After Free"),
	TOP(9, "CWE-862", "Missing Authorization"),
	TOP(10, "CWE-434", "Unrestricted Upload of File with Dangerous Type"),
	TOP(11, "CWE-94", "Code Injection"),
	TOP(12, "CWE-20", "Improper Input Validation"),
	TOP(13, "CWE-77", "Command Injection"),
	TOP(14, "CWE-287", "Improper Authentication"),
	TOP(15, "CWE-269", "Improper Privilege Management"),
	TOP(16, "CWE-502", "Deserialization of Untrusted Data"),
	TOP(17, "CWE-200", "Exposure of Sensitive Information to an Unauthorized Actor"),
	TOP(18, "CWE-863", "Incorrect Authorization"),
	TOP(19, "CWE-918", "Server-Side Request Forgery (SSRF)"),
	TOP(20, "CWE-119", "Improper Restriction of Operations within the Bounds of a Memory Buffer"),
	TOP(21, "CWE-476", "NULL Pointer Dereference"),
	TOP(22, "CWE-798", "Use of Hard-coded Credentials"),
	TOP(23, "CWE-190", "Integer Overflow or Wraparound"),
	TOP(24, "CWE-400", "Uncontrolled Resource Consumption"),
	TOP(25, "CWE-306", "Missing Authentication for Critical Function"),
	{ COMPLIANCE_PCI_DSS_4, "6.2.4", "Software engineering techniques prevent common software attacks",
	  NULL, 0, 0 },
	{ COMPLIANCE_PCI_DSS_4, "6.3.1", "Security vulnerabilities are identified and ranked", NULL, 0, 0 },
	{ COMPLIANCE_PCI_DSS_4, "6.3.3", "Critical and high security patches within one month of release",
	  NULL, 0, 0 },
	{ COMPLIANCE_PCI_DSS_4, "11.3", "External and internal vulnerabilities are identified and addressed",
	  NULL, 0, 0 },
};

const char *compliance_framework_name(enum compliance_framework f)
{
	static const char *const names[] = { "owasp-top10-2021", "cwe-top25-2024", "pci-dss-4.0" };

	return f < COMPLIANCE__FRAMEWORKS ? names[f] : "?";
}

const char *compliance_framework_title(enum compliance_framework f)
{
	static const char *const titles[] = { "OWASP Top 10 2021", "CWE Top 25 (2024)", "PCI DSS v4.0" };

	return f < COMPLIANCE__FRAMEWORKS ? titles[f] : "?";
}

size_t compliance_count(void)
{
	return ARRAY_SIZE(categories);
}

const struct compliance_category *compliance_at(size_t i)
{
	return i < ARRAY_SIZE(categories) ? &categories[i] : NULL;
}

static bool has_cwe(const struct compliance_subject *s, const int *list, size_t n)
{
	size_t i, j;

	for (i = 0; i < s->ncwe; i++)
		for (j = 0; j < n; j++)
			if (s->cwe[i] == list[j])
				return true;
	return false;
}

/*
 * PCI DSS 6.2.4 names classes of software attacks (injection, buffers,
 * cryptography, business logic, access control, ...): a finding counts when
 * its CWE is in one of the OWASP categories of attacks on bespoke code (all
 * but A06, which is about components) or in the CWE Top 25, or when it is a
 * first-party code or secret finding.
 */
static bool pci_624(const struct compliance_subject *s)
{
	size_t i;

	if (s->kind == KIND_SAST || s->kind == KIND_SECRET)
		return true;
	for (i = 0; i < ARRAY_SIZE(categories); i++) {
		const struct compliance_category *c = &categories[i];

		if (c->framework == COMPLIANCE_PCI_DSS_4 || !c->cwe || c->cwe == a06)
			continue;
		if (has_cwe(s, c->cwe, c->ncwe))
			return true;
	}
	return false;
}

static bool pci_rule(const struct compliance_category *c, const struct compliance_subject *s)
{
	bool component = s->kind == KIND_SCA || s->kind == KIND_CONTAINER;

	if (!strcmp(c->id, "6.2.4"))
		return pci_624(s);
	/* 6.3.1: a known vulnerability from an industry source (an advisory id), which posture ranks */
	if (!strcmp(c->id, "6.3.1"))
		return s->has_vuln_id || component;
	/* 6.3.3: critical and high vulnerabilities that a vendor patch fixes: components */
	if (!strcmp(c->id, "6.3.3"))
		return component && s->severity >= SEV_HIGH;
	/* 11.3: what vulnerability scans of running systems find */
	if (!strcmp(c->id, "11.3"))
		return s->kind == KIND_DAST || s->kind == KIND_API || s->kind == KIND_CLOUD;
	return false;
}

size_t compliance_match(const struct compliance_subject *s, bool *hit)
{
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(categories); i++) {
		const struct compliance_category *c = &categories[i];

		if (c->framework == COMPLIANCE_PCI_DSS_4)
			hit[i] = pci_rule(c, s);
		else
			hit[i] = has_cwe(s, c->cwe, c->ncwe);
		n += hit[i];
	}
	return n;
}

size_t compliance_cwe_list(const char *json, int *out, size_t max)
{
	size_t n = 0;
	const char *p = json;

	while (p && *p && n < max) {
		char *end;
		long v;

		if (!isdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		v = strtol(p, &end, 10);
		if (v > 0 && v < 100000)
			out[n++] = (int)v;
		p = end;
	}
	return n;
}
