/*
 * Fingerprints: a hash that stays the same when the same problem is
 * reported again (lines shift, the report is reordered, a new scan or run
 * of the same tool) and differs when the problem differs. The recipe per
 * kind is in docs/fingerprints.md; change it only with a migration, since
 * stored findings are keyed by it.
 */
#ifndef POSTURE_MODEL_FINGERPRINT_H
#define POSTURE_MODEL_FINGERPRINT_H

#include "model/evidence.h"

#define FINGERPRINT_HEX 32 /* 128 bits */

void fingerprint_evidence(char out[static FINGERPRINT_HEX + 1], const struct evidence *ev);

/* Hash of a snippet with runs of white space folded, so re-indenting keeps it. */
void fingerprint_snippet(char out[static FINGERPRINT_HEX + 1], const char *snippet);

/*
 * The version-less identity of a package: "pkg:npm/lodash" from
 * "pkg:npm/lodash@4.17.15?x=y#z", written to out (outlen bytes).
 */
void fingerprint_purl_base(char *out, size_t outlen, const char *purl);

/*
 * An image without its tag or digest: "registry.io/team/app" from
 * "registry.io/team/app:1.2.3" or "...@sha256:..." — a new build of the
 * same image keeps its findings.
 */
void fingerprint_image_base(char *out, size_t outlen, const char *image);

/* "https://Host:443/a/b?q=1#f" -> "https://host/a/b": scheme, host, port if not default, path. */
void fingerprint_url_base(char *out, size_t outlen, const char *url);

#endif
