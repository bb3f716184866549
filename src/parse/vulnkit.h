/*
 * Helpers shared by the vulnerability-report parsers (SBOM, VEX, container
 * and dependency scanners): severity words, CVSS vectors, purl pieces, keyed
 * secret hashes. Everything returned is borrowed from the caller's input or
 * allocated in the arena passed in.
 */
#ifndef POSTURE_PARSE_VULNKIT_H
#define POSTURE_PARSE_VULNKIT_H

#include "parse/parse.h"

/*
 * A severity word as scanners write it ("CRITICAL", "Moderate",
 * "negligible", "informational"), any case, to our scale; SEV_NONE for
 * "unknown", "none" of a tool that means "not rated", and anything else.
 */
enum severity vulnkit__severity_word(const char *s);

/* "2.0", "3.0", "3.1", "4.0" from a vector's prefix ("CVSS:3.1/", "AV:N/...Au:"), or NULL. */
const char *vulnkit__cvss_version(const char *vector);

/*
 * Offer a CVSS vector and/or score to ev->cvss; it is taken when ev has
 * none yet or when it is a newer CVSS version (4.0 > 3.1 > 3.0 > 2.0), so
 * the call order does not matter. version may be NULL (taken from the
 * vector). A score alone never replaces a vector.
 */
void vulnkit__offer_cvss(struct evidence *ev, const char *version, const char *vector,
			 const double *score);

/* The purl type ("npm", "maven", "deb"), a copy in arena, or NULL when purl is not one. */
const char *vulnkit__purl_type(struct arena *a, const char *purl);

/*
 * HMAC-SHA-256 (opts->secret_key) over the given fields, each followed by a
 * 0 byte, as hex in arena; NULL fields count as empty. NULL without a key.
 */
const char *vulnkit__secret_hash(const struct parse_opts *opts, struct arena *a,
				 const char *const *fields, size_t n);

/* Add every string of a JSON array (or one string) to a strlist, unique. */
void vulnkit__add_strings(struct strlist *l, struct arena *a, const struct jnode *n);

/* Add a vulnerability id (normalised), CVE first. */
void vulnkit__add_id(struct evidence *ev, struct arena *a, const char *id);

/*
 * A purl built from an OSV ecosystem name ("npm", "PyPI", "Go", "crates.io",
 * "Maven", ...), package name and version, in arena; NULL for ecosystems
 * without a purl type. *type_out (may be NULL) gets the purl type.
 */
const char *vulnkit__purl_from_osv(struct arena *a, const char *ecosystem, const char *name,
				   const char *version, const char **type_out);

/* "a string", "an object", "null": a JSON type with its article, for messages. */
const char *vulnkit__a_type(const struct jnode *n);

/* kvlist_add, skipping NULL and empty values (reports write "" for "none"). */
void vulnkit__prop(struct kvlist *l, struct arena *a, const char *key, const char *value);

/*
 * Copy ev's properties into one's own list, so that per-location evidence
 * built from a shared base can add properties of its own.
 */
void vulnkit__fork_properties(struct evidence *one, const struct evidence *base,
			      struct arena *a);

#endif
