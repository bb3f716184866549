/*
 * Severity and scoring rules of the XML report formats whose tools give no
 * severity words of their own or write them in a shape of their own
 * (SpotBugs ranks, Dependency-Check's CVSS words, Nikto, nmap, sslscan):
 * declared here so that the unit tests (tests/unit/xml-more.c) check the
 * tables directly. The rules are documented per format in docs/formats/.
 * Returned strings live in the arena given.
 */
#ifndef POSTURE_PARSE_XML_SEVERITY_H
#define POSTURE_PARSE_XML_SEVERITY_H

#include "model/evidence.h"
#include "parse/xrec.h"

/* SpotBugs rank 1-20 -> severity (SEV_NONE outside 1-20). */
enum severity spotbugs__severity(long long rank);
/* SpotBugs priority 1-4 -> confidence. */
enum confidence spotbugs__confidence(long long priority);

/*
 * Dependency-Check writes CVSS metrics as words (<attackVector>NETWORK);
 * the vectors they spell: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
 * (needs <version> 3.0 or 3.1) and "AV:N/AC:L/Au:N/C:P/I:P/A:P". NULL
 * when a metric is missing or not a CVSS word.
 */
const char *dc__cvss3_vector(struct arena *a, const struct xnode *cvss_v3);
const char *dc__cvss2_vector(struct arena *a, const struct xnode *cvss_v2);
/* The location path of a dependency's filePath: normalized, a virtual one's manifest. */
const char *dc__location_path(struct arena *a, const char *file_path);
/* Nikto: low for an item with an OSVDB id (> 0) or a CVE, else info. */
enum severity nikto__severity(long long osvdb_id, bool has_cve);
/* nmap ssl-enum-ciphers grade: A none, B low, C-E medium, F high. */
enum severity nmap__grade_severity(const char *grade);
/*
 * sslscan: the problem class of an accepted cipher, "null", "anonymous",
 * "weak" or NULL, from sslscan 2's strength words null/anonymous/weak,
 * else the cipher's name and bits (-1 when unknown).
 */
const char *sslscan__cipher_problem(const char *strength, const char *name, long long bits);

#endif
