/*
 * Report parsers. Each format is a pure function from bytes to normalized
 * evidence (no I/O, no database, no globals): it calls cb once per result
 * location, in report order, with a record borrowed for that call only.
 * src/parse/formats.c holds the one table of formats.
 */
#ifndef POSTURE_PARSE_PARSE_H
#define POSTURE_PARSE_PARSE_H

#include "model/evidence.h"
#include "parse/jrec.h"

/* A package a report lists as present (an SBOM component), vulnerable or not. */
struct package_ref {
	const char *purl, *name, *version, *ecosystem;
	const char *license;  /* SPDX expression or name, if given */
	const char *ref;      /* the report's own id for it (CycloneDX bom-ref, SPDX SPDXID) */
	const char *path;     /* where it was found (lock file, image layer), if given */
};

struct parse_opts {
	/* Key for the keyed hash of secrets (HMAC-SHA-256). */
	const char *secret_key;
	size_t secret_key_len;
	/* Streaming limits and hooks, passed to jrec_parse(). */
	struct jrec_opts stream;
	/*
	 * Every tool a report comes from, even one that reported nothing, so
	 * that ingest knows which tools' earlier findings are now absent.
	 * Parsers call parse_tool_seen(); repeats are fine.
	 */
	void (*tool_seen)(void *tool_payload, const char *tool, const char *version);
	void *tool_payload;
	/* Packages an SBOM lists (inventory for ingest); borrowed for the call. */
	void (*package_seen)(void *package_payload, const struct package_ref *pkg);
	void *package_payload;
	/* Non-fatal problems the report itself records (tool failures, ...). */
	void (*warn)(void *warn_payload, const char *msg);
	void *warn_payload;
};

typedef int (*parse_fn)(const char *buf, size_t len, const struct parse_opts *opts,
			evidence_cb cb, void *payload, struct perr *err);

/*
 * How sure a format is that a document is one of its own, from its first
 * bytes (at most PARSE_DETECT_HEAD): 0 no, 100 certain. Detectors read
 * only; they must not assume the head is complete or valid.
 */
typedef int (*detect_fn)(const char *head, size_t len);
#define PARSE_DETECT_HEAD (64u << 10)

struct format {
	const char *name;        /* --tool value: "sarif", "trivy", ... */
	const char *description; /* one line for `posture parse --list` */
	detect_fn detect;
	parse_fn parse;
};

const struct format *format_find(const char *name);
/* The most likely format for buf, or NULL. */
const struct format *format_detect(const char *buf, size_t len);
/* The table, NULL-terminated by name. */
const struct format *format_list(void);

/*
 * Run a format's parser and finish each record on its way to cb: set
 * `format`, and compute the fingerprint when the parser did not.
 */
int parse_run(const struct format *fmt, const char *buf, size_t len,
	      const struct parse_opts *opts, evidence_cb cb, void *payload,
	      struct perr *err);

/* Helpers for detectors and parsers. */
/* First non-blank byte of the document, or 0. */
int parse_first_char(const char *buf, size_t len);
/* Does the head contain needle (a plain substring search)? */
bool parse_has(const char *head, size_t len, const char *needle);
void parse_tool_seen(const struct parse_opts *opts, const char *tool, const char *version);
void parse_package_seen(const struct parse_opts *opts, const struct package_ref *pkg);
/* Emit a warning through opts->warn, if set. */
void parse_warn(const struct parse_opts *opts, const char *fmt, ...) P_PRINTF(2, 3);

#endif
