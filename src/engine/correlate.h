/*
 * Cross-tool correlation as pure functions: the keys under which one
 * problem reported by several tools meets itself, the weakness families a
 * DAST finding and a code finding must share to validate one another, and
 * the root cause ("upgrade lodash", "rebuild on a newer base image", "rotate
 * this secret") that groups findings one change fixes. The rules, and why,
 * are in docs/correlation.md. Nothing here touches the store or prints.
 *
 * Strings handed out are made in the caller's arena (or are static).
 */
#ifndef POSTURE_ENGINE_CORRELATE_H
#define POSTURE_ENGINE_CORRELATE_H

#include "model/evidence.h"

/*
 * The tool's name as correlation compares it: lower case, without the
 * edition ("Semgrep OSS" and "semgrep" are one tool; "OWASP ZAP" is "zap").
 */
void correlate_tool_name(char *out, size_t outlen, const char *tool);

enum corr_key_type {
	CORR_VULN,    /* a vulnerability id in a package */
	CORR_SECRET,  /* a keyed secret hash */
	CORR_SAST,    /* a file and a CWE, over a range of lines */
};

struct corr_key {
	enum corr_key_type type;
	const char *key;
	unsigned start_line, end_line;  /* CORR_SAST only */
};

struct corr_keys {
	struct corr_key *v;
	size_t n, alloc;
};

/*
 * The correlation keys of one evidence record (none for kinds that do not
 * correlate). `aliases` are further ids known to name the same
 * vulnerabilities as the record's own (from the alias table); NULL: none.
 */
void correlate_keys(struct corr_keys *out, const struct evidence *ev, const struct strlist *aliases,
		    struct arena *a);

/* Whether two line ranges overlap (an end of 0 is the start line). */
bool correlate_lines_overlap(unsigned s1, unsigned e1, unsigned s2, unsigned e2);

/*
 * The weakness family of a CWE that a dynamic test can confirm
 * ("sql-injection", "xss", "path-traversal", ...), or NULL.
 */
const char *correlate_cwe_family(int cwe);

/* Order two package versions (numeric runs by value, the rest by character). */
int correlate_version_cmp(const char *a, const char *b);
/* The lowest of `fixed` above `installed` (NULL installed: the lowest), or NULL. */
const char *correlate_fix_version(const char *installed, const struct strlist *fixed);

/* A package of the operating system (deb, apk, rpm, alpm purls). */
bool correlate_os_package(const char *purl);

/* What one finding tells about its root cause (read from its evidence). */
struct group_input {
	enum kind kind;
	const char *purl, *name, *version;   /* the package */
	const struct strlist *fixed_versions;
	const char *base_image;              /* the image's base: OCI label, else OS name */
	const char *layer_created_by;        /* the Dockerfile step of the package's layer */
	const char *secret_hash, *rule_id;
};

enum group_kind {
	GROUP_NONE = 0,
	GROUP_UPGRADE,        /* upgrade one package from one version */
	GROUP_BASE_IMAGE,     /* rebuild on a newer base image */
	GROUP_ROTATE_SECRET,  /* rotate one secret */
};

struct group_key {
	enum group_kind kind;
	const char *gkey;      /* identity within an app and location */
	const char *subject;   /* package name, base image, secret rule */
	const char *from, *to; /* versions (upgrade) */
};

/* The group one finding belongs to (kind GROUP_NONE: it needs a change of its own). */
void correlate_group(struct group_key *out, const struct group_input *in, struct arena *a);

const char *group_kind_name(enum group_kind k);
int group_kind_parse(enum group_kind *out, const char *s);

/*
 * The change a group names, e.g. "upgrade lodash 4.17.15 -> 4.17.21 in
 * repo github.com/acme/shop (fixes 14 findings in 1 repo, 3 services)".
 * `where` counts components by kind ("1 repo, 3 services"); NULL: omitted.
 */
const char *correlate_group_title(struct arena *a, enum group_kind kind, const char *subject,
				  const char *from, const char *to, const char *location,
				  long findings, const char *where);

#endif
