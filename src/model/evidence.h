/*
 * The normalized evidence record: one tool's report of one problem at one
 * location, as every parser emits it. Parsers fill a struct evidence whose
 * strings live in the record's arena and hand it to an evidence_cb; the
 * record is borrowed for the duration of that call only, so a consumer that
 * keeps anything copies it (the store does; `posture parse` prints it).
 *
 * Unknown fields stay NULL / 0 / empty: a parser never invents a value.
 */
#ifndef POSTURE_MODEL_EVIDENCE_H
#define POSTURE_MODEL_EVIDENCE_H

#include "util/arena.h"
#include "util/err.h"

enum kind {
	KIND_OTHER = 0,
	KIND_SAST,
	KIND_SCA,
	KIND_SECRET,
	KIND_CONTAINER,
	KIND_IAC,
	KIND_DAST,
	KIND_API,
	KIND_CLOUD,
	KIND_RUNTIME,
};

/* Ordered so that a larger value is more severe. SEV_NONE: the tool gave none. */
enum severity {
	SEV_NONE = 0,
	SEV_INFO,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL,
};

enum confidence {
	CONF_NONE = 0,
	CONF_LOW,
	CONF_MEDIUM,
	CONF_HIGH,
	CONF_CONFIRMED, /* validated by the tool: a DAST exploit, a verified secret */
};

/* What a tool says about whether vulnerable code is reached. */
enum reachability {
	REACH_UNKNOWN = 0,
	REACH_NOT_REACHABLE, /* e.g. govulncheck: module required, symbol not imported */
	REACH_IMPORTED,      /* package imported, vulnerable symbol not called */
	REACH_REACHABLE,     /* vulnerable symbol called / a reachable flag */
};

struct strlist {
	const char **v;
	size_t n, alloc;
};

struct kv {
	const char *key, *value;
};

struct kvlist {
	struct kv *v;
	size_t n, alloc;
};

struct cvss {
	const char *version; /* "2.0", "3.0", "3.1", "4.0"; NULL when unknown */
	const char *vector;  /* as reported, NULL when only a score is known */
	double score;
	bool has_score;
};

/* Where the problem is. A parser fills the members that apply to its kind. */
struct location {
	/* code: path relative to the scanned root where the tool says so */
	const char *path;
	unsigned start_line, end_line, start_column, end_column;
	const char *snippet;      /* the source text the tool quoted, if any */
	const char *logical;      /* function / class / fully qualified name */
	/* web */
	const char *url, *method, *param;
	/* package */
	const char *purl, *name, *version, *ecosystem;
	struct strlist fixed_versions;
	/* container */
	const char *image, *layer;
	/* cloud / IaC resource */
	const char *resource, *provider;
};

struct evidence {
	const char *tool, *tool_version;
	const char *format;        /* the parser that produced it: "sarif", "trivy", ... */
	enum kind kind;
	const char *rule_id, *rule_name;
	const char *title;         /* one line */
	const char *description;   /* the tool's message for this result */
	const char *remediation;   /* help / fix text from the rule */
	const char *help_uri;
	enum severity severity;
	const char *severity_raw;  /* the tool's own value, verbatim ("error", "7.5", "HIGH") */
	enum confidence confidence;
	const char *confidence_raw;
	struct cvss cvss;
	struct strlist vuln_ids;   /* CVE first, then GHSA/OSV/vendor ids */
	int *cwe;
	size_t ncwe, cwe_alloc;
	struct location loc;
	struct location *related;  /* context locations (SARIF relatedLocations, ...) */
	size_t nrelated, related_alloc;
	struct strlist references;
	struct strlist tags;
	struct kvlist tool_fingerprints; /* the tool's own: SARIF partialFingerprints, ... */
	/* the tool marked it suppressed / not affected */
	bool suppressed;
	const char *suppression_kind;          /* "inSource", "external", "vex:not_affected" */
	const char *suppression_justification;
	const char *baseline_state;            /* SARIF: new, unchanged, updated, absent */
	enum reachability reachability;
	bool validated;            /* a dynamic tool confirmed it */
	bool secret_verified;      /* the secret was checked and is live */
	const char *secret_hash;   /* keyed hash of the secret; never the secret */
	struct kvlist properties;  /* other tool fields worth keeping, as text */
	const char *fingerprint;   /* see model/fingerprint.h; set by fingerprint_evidence() */
};

typedef int (*evidence_cb)(const struct evidence *ev, void *payload, struct perr *err);

/* Zero an evidence record (the arena is not touched). */
void evidence_init(struct evidence *ev);

/*
 * Append helpers. They keep the string pointers they are given (only the
 * arrays grow in `arena`): pass strings that live as long as the record —
 * borrowed from its tree or made in its arena. strlist_add ignores NULL
 * and empty strings; kvlist_add ignores a NULL key or value.
 */
void strlist_add(struct strlist *l, struct arena *arena, const char *s);
void strlist_add_unique(struct strlist *l, struct arena *arena, const char *s);
bool strlist_has(const struct strlist *l, const char *s);
void kvlist_add(struct kvlist *l, struct arena *arena, const char *key, const char *value);
const char *kvlist_get(const struct kvlist *l, const char *key);
void evidence_add_cwe(struct evidence *ev, struct arena *arena, int cwe);
/* Parse "CWE-79", "cwe-79: ...", "79" and add it; returns false if it is not a CWE. */
bool evidence_add_cwe_text(struct evidence *ev, struct arena *arena, const char *text);
/* Add a vulnerability id, keeping CVE ids before the rest; duplicates ignored. */
void evidence_add_vuln_id(struct evidence *ev, struct arena *arena, const char *id);
struct location *evidence_add_related(struct evidence *ev, struct arena *arena);

/*
 * Arena-backed growth for the lists above: the old array is abandoned in the
 * arena (records are small, and the arena dies with the record).
 */
void *arena_grow(struct arena *arena, void *old, size_t elem, size_t n, size_t *alloc);

/*
 * A deep copy of ev into out: every string, list and related location is
 * copied into arena, so out lives as long as arena does and borrows
 * nothing from ev. arena must have no cap (the copy cannot fail).
 */
void evidence_copy(struct evidence *out, const struct evidence *ev, struct arena *arena);

const char *kind_name(enum kind k);
int kind_parse(enum kind *out, const char *s);
const char *severity_name(enum severity s);
int severity_parse(enum severity *out, const char *s);
/* Severity from a CVSS-style 0-10 score (GitHub's security-severity bands). */
enum severity severity_from_score(double score);
const char *confidence_name(enum confidence c);
const char *reachability_name(enum reachability r);

#endif
