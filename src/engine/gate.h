/*
 * The CI gate's rules: a pure function from what is known about one
 * finding (its tier and risk as scored, its status, whether it is new
 * relative to the baseline, whether it came back after a fix, whether an
 * exception covers it) and the policy's per-tier gate modes to a decision:
 * block, warn or pass, with the reason in a few words. No I/O: commands
 * gather the items, the engine decides and orders them, out/ writes them.
 *
 * Ownership: a gate_item's strings are borrowed from whoever filled it
 * (the gate command keeps them in its arena); the engine only reads them.
 */
#ifndef POSTURE_ENGINE_GATE_H
#define POSTURE_ENGINE_GATE_H

#include "engine/risk.h"
#include "model/finding.h"

enum gate_decision { GATE_PASS = 0, GATE_WARNS, GATE_BLOCKS };

/* "pass", "warn", "block" */
const char *gate_decision_name(enum gate_decision d);

#define GATE_EXPLAIN_MAX 320

struct gate_item {
	int64_t finding_id;            /* the stored finding, 0 when it is not stored */
	const char *fingerprint;       /* posture's fingerprint (model/fingerprint.h) */
	const char *title, *rule_id, *tool, *description, *help_uri;
	const char *path;              /* file, or the url / package / image / resource */
	unsigned start_line, end_line;
	const char *cve;               /* the CVE that scored it, NULL: none */
	enum kind kind;
	enum severity severity;
	enum status status;
	int risk;
	enum tier tier;
	double cvss;                   /* 0-10 when has_cvss */
	bool has_cvss;
	char explanation[GATE_EXPLAIN_MAX]; /* one line: risk, tier and the factors that made it */
	bool is_new;                   /* not in the baseline */
	bool recurrence;               /* came back after it was fixed */
	const char *exception;         /* what excepts it ("exception 3: reason"), NULL: none */
	/* decided by gate_decide() */
	enum gate_decision decision;
	bool would_block;              /* a warning that would block if its tier were in block mode */
	const char *why;               /* static, a few words */
};

/*
 * Decide one item under the policy's gate modes:
 *   - a status of risk_accepted, false_positive or wont_fix, or an
 *     exception, passes (never blocks);
 *   - tier mode off passes; warn warns;
 *   - block blocks a new finding and warns for one already in the baseline;
 *   - block_recurrence blocks a new finding that is a recurrence and warns
 *     for the rest.
 * A new, unexcepted warning in a tier that is not in block mode is marked
 * would_block: what 'posture gate --history' counts before enforcing.
 */
void gate_decide(struct gate_item *it, const struct policy *p);

/* Blocking first, then warnings, then the rest; worst risk first; then by fingerprint. */
void gate_sort(struct gate_item *items, size_t n);

struct gate_summary {
	enum gate_decision verdict;    /* block if any item blocks, else warn if any warns */
	long total, blocking, warnings, passed, new_count, would_block;
	long by_tier[TIER__COUNT][3];  /* [tier][decision] */
};

void gate_summarize(struct gate_summary *out, const struct gate_item *items, size_t n);

/*
 * The one-line explanation of a risk result: "risk 72 (critical): cvss 9.8
 * +49, epss 0.94 +20, kev +25; rule kev-internet-sensitive". Factors that
 * add no points are left out. Always NUL-terminated, cut to fit.
 */
void gate_explain(char out[static GATE_EXPLAIN_MAX], const struct policy *p,
		  const struct risk_result *r);

/*
 * GitHub's security-severity for a tier and risk: a number in the tier's
 * band of GitHub's scale (critical 9.0-10, high 7.0-8.9, medium 4.0-6.9,
 * low 0.1-3.9), placed by the risk inside the policy's band of that tier,
 * so that code scanning labels a finding as posture tiers it.
 */
double gate_security_severity(const struct policy *p, enum tier t, int risk);

#endif
