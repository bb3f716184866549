/*
 * CISA's Known Exploited Vulnerabilities catalog
 * (known_exploited_vulnerabilities.json):
 *
 *   { "title": "CISA Catalog of Known Exploited Vulnerabilities",
 *     "catalogVersion": "2025.03.14", "dateReleased": "2025-03-14T15:20:21.8163Z",
 *     "count": 1303,
 *     "vulnerabilities": [ { "cveID": "CVE-2024-57727", "vendorProject": ...,
 *         "product", "vulnerabilityName", "dateAdded": "2025-02-13",
 *         "shortDescription", "requiredAction", "dueDate": "2025-03-06",
 *         "knownRansomwareCampaignUse": "Known" | "Unknown",
 *         "notes", "cwes": ["CWE-22"] }, ... ] }
 *
 * Pure: bytes in, one callback per entry, streamed through the JSON record
 * layer so memory stays flat. Entry strings are borrowed and live until
 * the callback returns; the catalog header is copied into *catalog.
 */
#ifndef POSTURE_FEEDS_KEV_H
#define POSTURE_FEEDS_KEV_H

#include "util/err.h"

enum kev_ransomware {
	KEV_RANSOMWARE_ABSENT = 0, /* the field is missing (old catalogs) */
	KEV_RANSOMWARE_UNKNOWN,    /* "Unknown" */
	KEV_RANSOMWARE_KNOWN,      /* "Known" */
	KEV_RANSOMWARE_OTHER,      /* any other text: kept verbatim in ransomware_raw */
};

struct kev_catalog {
	char title[128];
	char catalog_version[32];  /* "2025.03.14", "" when absent */
	char date_released[40];    /* as written */
	long long count;           /* the catalog's own count, -1 when absent */
};

#define KEV_MAX_CWES 32

struct kev_entry {
	const char *cve_id;        /* required; upper-cased CVE id */
	const char *vendor_project, *product, *vulnerability_name;
	const char *date_added, *due_date; /* "YYYY-MM-DD" as written */
	const char *short_description, *required_action, *notes;
	enum kev_ransomware ransomware;
	const char *ransomware_raw;
	const char *cwes[KEV_MAX_CWES]; /* "CWE-22", as written */
	size_t ncwes;
	size_t index;              /* position in "vulnerabilities" */
};

typedef int (*kev_cb)(const struct kev_catalog *catalog, const struct kev_entry *entry,
		      void *payload, struct perr *err);

/*
 * Parse the catalog, calling cb per entry in order. Returns the number of
 * entries, or a negative code with err naming the place:
 * "vulnerabilities[4]: 'cveID' is missing", or the JSON error's byte, line
 * and column. A document without "vulnerabilities" is not a KEV catalog.
 */
long kev_parse(const char *buf, size_t len, struct kev_catalog *catalog,
	       kev_cb cb, void *payload, struct perr *err);

#endif
