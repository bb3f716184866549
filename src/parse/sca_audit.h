/*
 * Shared by the dependency audit parsers (npm/yarn/pnpm audit, pip-audit,
 * Snyk, Dependabot, Dependency-Check, retire.js, cargo/bundler/composer
 * audit): package URLs, severity words, CVSS vectors. Every string these
 * return lives in the arena they are given.
 */
#ifndef POSTURE_PARSE_SCA_AUDIT_H
#define POSTURE_PARSE_SCA_AUDIT_H

#include "model/evidence.h"
#include "parse/parse.h"
#include "util/strmap.h"

/*
 * A package URL for a package of purl type `type` ("npm", "pypi", "gem",
 * "cargo", "composer", "maven", "nuget", "golang", "swift", "pub", "hex",
 * "githubactions"). `name` is written the way the ecosystem writes it:
 * "@scope/name" (npm), "vendor/name" (composer), "group:artifact" (maven),
 * "github.com/owner/repo" (golang, swift), "owner/repo" (githubactions). Each segment is percent-encoded;
 * PyPI names are normalized per PEP 503. version may be NULL. Returns NULL
 * when name is NULL or empty.
 */
const char *sca_purl(struct arena *a, const char *type, const char *name, const char *version);

/*
 * The purl type for a GitHub Advisory Database ecosystem name, as
 * Dependabot and GitHub's advisories write it ("pip" -> "pypi", "rubygems"
 * -> "gem", "go" -> "golang", "rust" -> "cargo", "erlang" -> "hex",
 * "actions" -> "githubactions"; npm, maven, nuget, composer, pub, swift
 * are the same word). Any case; NULL when unknown.
 */
const char *sca_github_purl_type(const char *ecosystem);

/* PEP 503: lower case, runs of '-', '_' and '.' become one '-'. */
const char *sca_pep503(struct arena *a, const char *name);

/*
 * The severity words package tools use: critical, high, moderate/medium,
 * low, info/informational/none/negligible (any case). SEV_NONE when unknown.
 */
enum severity sca_severity_word(const char *s);

/*
 * Set ev->cvss from a vector ("CVSS:3.1/AV:N/...", "AV:N/AC:L/Au:N/..." for
 * 2.0, "CVSS:4.0/...") and/or a score. A vector that is not CVSS is ignored;
 * a score outside 0-10 is ignored; a zero score without a vector is "none".
 */
void sca_set_cvss(struct evidence *ev, const char *vector, const struct jnode *score);

/*
 * When ev->cvss has a vector but no score (RustSec advisories, bundler-audit
 * give only one or the other), compute the base score from the vector: it
 * is a function of the vector, not a guess. Returns whether a score is set.
 */
bool sca_cvss_score_from_vector(struct evidence *ev);

/*
 * A CVSS vector from metrics written as words, the way NVD's JSON and
 * OWASP Dependency-Check write them: v3 from attackVector, attackComplexity,
 * privilegesRequired, userInteraction, scope, confidentialityImpact,
 * integrityImpact, availabilityImpact ("NETWORK", "LOW", "UNCHANGED", ...)
 * as "CVSS:<version>/AV:N/..." (version "3.0" or "3.1"; NULL means 3.1);
 * v2 from accessVector, accessComplexity, authentication (also
 * Dependency-Check's misspelt "authenticationr" and "authenticationr>"), confidentialityImpact
 * (or "confidentialImpact"), integrityImpact, availabilityImpact as
 * "AV:N/AC:L/Au:N/C:P/I:P/A:P". NULL unless every base metric is known.
 */
const char *sca_cvss3_vector(struct arena *a, const struct jnode *metrics, const char *version);
const char *sca_cvss2_vector(struct arena *a, const struct jnode *metrics);

/* A package URL taken apart: type, name as its ecosystem writes it, version. */
struct sca_pkg {
	const char *type;    /* "maven", "npm", ... (lower case) */
	const char *name;    /* "group:artifact" (maven), "@scope/name" (npm), "ns/name" */
	const char *version; /* NULL when the purl has none */
};

/*
 * Split "pkg:type/namespace/name@version?qualifiers#subpath" (segments
 * percent-decoded). Returns false, out untouched, when s is not a purl.
 */
bool sca_purl_split(struct sca_pkg *out, struct arena *a, const char *s);

/* Add every id of a JSON array (or one string) as a vulnerability id. */
void sca_add_ids(struct evidence *ev, struct arena *a, const struct jnode *ids);

/* Add CWEs from "CWE-79", ["CWE-79", "CWE-20"] or 79. */
void sca_add_cwes(struct evidence *ev, struct arena *a, const struct jnode *cwe);

/* Add every http(s) URL found in free text (markdown reference lists). */
void sca_add_urls(struct evidence *ev, struct arena *a, const char *text);

/*
 * A bounded summary of a list of dependency paths: the first `keep`
 * strings joined by " | ". Used as a property when a tool lists many paths.
 */
const char *sca_join_first(struct arena *a, const struct jnode *arr, size_t keep);

/*
 * The npm audit report shapes (npm 7+ "vulnerabilities", npm 6 / pnpm
 * "advisories" + "actions"), reported as coming from `tool`.
 */
int sca_parse_npm_shapes(const char *buf, size_t len, const struct parse_opts *opts,
			 const char *tool, evidence_cb cb, void *payload, struct perr *err);

/* "an object", "a string", ... for messages ("'via' is a string, not an array"). */
const char *sca_a_type(const struct jnode *n);

/* A property, unless value is NULL or empty. */
void sca_prop(struct evidence *ev, struct arena *a, const char *key, const char *value);

/* npm 6 "actions" (also yarn classic's auditAction), by advisory id and path. */
struct npm_fixes {
	struct strmap map;
	struct arena keep;
};

void npm_fixes_init(struct npm_fixes *fx);
void npm_fixes_release(struct npm_fixes *fx);
/* Remember what one action object resolves. */
int npm_fixes_add(struct npm_fixes *fx, const struct jnode *action, struct perr *err);

/*
 * One npm 6 advisory object (module_name, findings[], cves[], ...): one
 * evidence per finding. key names it in messages when its "id" is missing.
 */
int npm_emit_advisory(const struct jnode *adv, const char *key, struct arena *a,
		      const char *tool, const struct npm_fixes *fx, evidence_cb cb,
		      void *payload, struct perr *err);

/* "true"/"false" for properties. */
static inline const char *sca_bool(bool b)
{
	return b ? "true" : "false";
}

#endif
