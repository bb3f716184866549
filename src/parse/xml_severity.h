/*
 * Severity rules of the XML report formats whose tools give no severity
 * words of their own (SpotBugs ranks, Nikto, nmap, sslscan): one function
 * per rule, declared here so that the unit tests (tests/unit/xml-more.c)
 * check the tables directly. The rules are documented per format in
 * docs/formats/.
 */
#ifndef POSTURE_PARSE_XML_SEVERITY_H
#define POSTURE_PARSE_XML_SEVERITY_H

#include "model/evidence.h"

/* SpotBugs rank 1-20 -> severity (SEV_NONE outside 1-20). */
enum severity spotbugs__severity(long long rank);
/* SpotBugs priority 1-4 -> confidence. */
enum confidence spotbugs__confidence(long long priority);

#endif
