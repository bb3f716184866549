/*
 * Vulnerability and weakness identifiers: recognising CVE, GHSA and other
 * ids in text, and normalising their case ("cve-2021-44228" -> "CVE-2021-44228").
 */
#ifndef POSTURE_MODEL_IDS_H
#define POSTURE_MODEL_IDS_H

#include "model/evidence.h"

/* CVE-YYYY-NNNN+ exactly (any case). */
bool ids_is_cve(const char *s);
/* GHSA-xxxx-xxxx-xxxx exactly (any case). */
bool ids_is_ghsa(const char *s);
/* Any id a vulnerability database uses: CVE, GHSA, OSV prefixes (PYSEC-, GO-, RUSTSEC-, ...). */
bool ids_is_vuln_id(const char *s);

/*
 * Add every CVE and GHSA id found anywhere in text to ev->vuln_ids,
 * normalised; returns how many were found.
 */
size_t ids_scan_text(struct evidence *ev, struct arena *arena, const char *text);

/* A normalised copy of a vulnerability id (upper-case CVE/GHSA prefix). */
const char *ids_normalize(struct arena *arena, const char *id);

#endif
