/*
 * Exceptions: risk acceptances and false-positive decisions, each with the
 * selectors that say which findings it covers, a reason, an approver and
 * (for a risk acceptance) an expiry. They come from two places: the
 * repo-local file `.posture-exceptions.yaml` next to the code (parsed here,
 * format in docs/exceptions.md) and `posture accept` (kept in the store).
 * Both end up as struct exception_entry, and one matcher decides which
 * entry covers a finding, so the file and the database never disagree.
 *
 * This module is pure: bytes in, entries out; no I/O, no store.
 *
 * Ownership: a struct exception_list owns its entries and every string
 * they point to (its arena); exceptions_release() frees them all.
 */
#ifndef POSTURE_ENGINE_EXCEPTIONS_H
#define POSTURE_ENGINE_EXCEPTIONS_H

#include "model/finding.h"
#include "util/arena.h"
#include "util/err.h"

#define EXCEPTIONS_FILE ".posture-exceptions.yaml"

/* Bounds on one exceptions file (beyond them: P_ELIMIT). */
#define EXCEPTIONS_MAX_BYTES (1u << 20)
#define EXCEPTIONS_MAX_ENTRIES 10000
#define EXCEPTIONS_MAX_NODES 200000
#define EXCEPTIONS_MAX_STRING 1024

struct exception_entry {
	int64_t id;                /* the store's id; 0 for an entry read from a file */
	enum status status;        /* STATUS_RISK_ACCEPTED or STATUS_FALSE_POSITIVE */
	/* selectors: every one that is set must match (NULL / 0: any) */
	int64_t finding_id;
	const char *fingerprint;
	const char *rule;
	const char *vuln;          /* a CVE, GHSA or other vulnerability id, normalised */
	const char *package;       /* a purl without version: "pkg:npm/lodash" */
	const char *path;          /* a glob on the finding's path ('*' crosses '/') */
	const char *app;
	const char *reason, *approver;
	int64_t expires;           /* 0: never (false positives only) */
	const char *source;        /* the file it came from; NULL: posture accept */
	unsigned line, column;     /* where in the file (0 when not from a file) */
};

struct exception_list {
	struct arena arena;
	const char *file;          /* as given to exceptions_parse, for messages */
	struct exception_entry *v;
	size_t n, alloc;
};

void exceptions_init(struct exception_list *l);
void exceptions_release(struct exception_list *l);

/*
 * Append a zeroed entry (for lists built from the store); strings put in
 * it must live as long as the list: copy them with arena_strdup(&l->arena).
 */
struct exception_entry *exceptions_add(struct exception_list *l);

/*
 * Parse the text of an exceptions file; `file` names it in messages and
 * becomes each entry's source. Errors (P_EINVALID, P_ELIMIT) read
 * "FILE:LINE:COLUMN: what is wrong"; the list is then incomplete and must
 * only be released.
 */
int exceptions_parse(struct exception_list *l, const char *buf, size_t len, const char *file,
		     struct perr *err);

/* What the matcher knows of a finding (strings borrowed; NULL: unknown). */
struct exception_subject {
	int64_t finding_id;
	const char *fingerprint, *rule, *package, *path, *app;
	const char *const *vuln_ids;
	size_t nvuln_ids;
};

/* Whether every selector of e that is set matches s (expiry aside). */
bool exception_selects(const struct exception_entry *e, const struct exception_subject *s);

/*
 * The entry that covers s at `now`: the first in list order that selects
 * it and has not expired (an entry expires at its `expires` instant), or
 * NULL. When expired_out is not NULL it gets the first selecting entry
 * that has expired (or NULL), so callers can report it.
 */
const struct exception_entry *exceptions_match(const struct exception_list *l,
					       const struct exception_subject *s, int64_t now,
					       const struct exception_entry **expired_out);

/*
 * Check one selector value as the file and `posture accept` take it:
 * a package must be a purl without version, a fingerprint hex digits, a
 * vulnerability id a known kind (normalised into *out, in arena a).
 * Returns P_EINVALID with a message that names what (no place).
 */
int exceptions_check_package(const char *v, struct perr *err);
int exceptions_check_fingerprint(const char *v, struct perr *err);
int exceptions_norm_vuln(struct arena *a, const char *v, const char **out, struct perr *err);

#endif
