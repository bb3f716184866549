/*
 * Writers of a gate run: a terminal summary, JSON, a Markdown PR comment,
 * SARIF 2.1.0 for code-scanning upload and JUnit XML. Pure writers to a
 * FILE: the gate command decides (engine/gate.h) and hands them a sorted,
 * summarized run, borrowed for the call. Each returns 0, or P_EIO (with a
 * message) when the stream reports an error.
 *
 * gate.c holds the text and JSON writers and the shared helpers;
 * gate_markdown.c, gate_sarif.c and gate_junit.c one format each.
 */
#ifndef POSTURE_OUT_GATE_H
#define POSTURE_OUT_GATE_H

#include "engine/gate.h"

struct gate_run {
	const char *app;
	bool database;                 /* evaluated on the local database, else on reports alone */
	const char *baseline;          /* "scan 3", "branch main (2 scans)", "file x.json"; NULL: none */
	const char *policy_source;
	const char *policy_digest;     /* 64 hex */
	const char *epss, *kev;        /* feed versions in use; NULL: not imported (or no database) */
	const struct policy *policy;
	int64_t now;
	const struct gate_item *items; /* sorted by gate_sort() */
	size_t n;
	const struct gate_summary *sum;
};

int out_gate_text(FILE *out, const struct gate_run *run, struct perr *err);
int out_gate_json(FILE *out, const struct gate_run *run, struct perr *err);

/* A PR comment: at most GATE_MD_ITEMS items per section, then "and N more". */
#define GATE_MD_ITEMS 20
int out_gate_markdown(FILE *out, const struct gate_run *run, struct perr *err);

/*
 * SARIF 2.1.0: one rule per rule id, one result per item (level error when it
 * blocks, warning when it warns, note otherwise; accepted and excepted ones
 * carry a suppression).
 */
int out_gate_sarif(FILE *out, const struct gate_run *run, struct perr *err);

/* JUnit XML: one testcase per item; blocking items are failures, the rest pass. */
int out_gate_junit(FILE *out, const struct gate_run *run, struct perr *err);

/* Shared by the writers. */
const char *out_gate__verdict_word(enum gate_decision d);   /* "PASSED", "WARNED", "BLOCKED" */
/* "path:line", the path alone, or "-"; into buf. */
const char *out_gate__where(const struct gate_item *it, char *buf, size_t len);
int out_gate__check(FILE *out, struct perr *err);

#endif
