/*
 * Compliance mapping: which categories of OWASP Top 10 2021, CWE Top 25
 * (2024) and PCI DSS v4.0 a finding falls in. The CWE lists are data tables
 * in compliance.c; the PCI DSS rules and the sources are in docs/compliance.md.
 * Everything here is pure and static: categories are borrowed for the life
 * of the program.
 */
#ifndef POSTURE_ENGINE_COMPLIANCE_H
#define POSTURE_ENGINE_COMPLIANCE_H

#include "model/evidence.h"

enum compliance_framework {
	COMPLIANCE_OWASP_2021 = 0,
	COMPLIANCE_CWE_TOP25_2024,
	COMPLIANCE_PCI_DSS_4,
	COMPLIANCE__FRAMEWORKS
};

struct compliance_category {
	enum compliance_framework framework;
	const char *id;        /* "A01:2021", "CWE-79", "6.2.4" */
	const char *name;
	const int *cwe;        /* the mapped CWE ids; NULL for rule-based categories */
	size_t ncwe;
	int rank;              /* CWE Top 25: 1..25; else 0 */
};

/* "owasp-top10-2021", "cwe-top25-2024", "pci-dss-4.0" */
const char *compliance_framework_name(enum compliance_framework f);
/* Its human title ("OWASP Top 10 2021", ...). */
const char *compliance_framework_title(enum compliance_framework f);

/* All categories, framework by framework, in the standards' own order. */
size_t compliance_count(void);
const struct compliance_category *compliance_at(size_t i);

/* What the mapping looks at in a finding. */
struct compliance_subject {
	const int *cwe;
	size_t ncwe;
	enum kind kind;
	enum severity severity;
	bool has_vuln_id;      /* a CVE, GHSA or other advisory id */
};

/*
 * Set hit[i] (compliance_count() entries, cleared first) for every category
 * the finding falls in; return how many.
 */
size_t compliance_match(const struct compliance_subject *s, bool *hit);

/* Parse a JSON array text of CWE ids ("[79,89]") into out (at most max); return the count. */
size_t compliance_cwe_list(const char *json, int *out, size_t max);

#endif
