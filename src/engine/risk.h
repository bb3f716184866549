/*
 * Risk scoring: a pure function from what is known about one finding (a
 * struct risk_input) and a policy to a risk from 0 to 100, a tier, the
 * factors that made it (name, value, points), the rule that set the tier,
 * and, on request, what would change the tier. No I/O, no allocation:
 * results are plain values the caller owns; strings in a risk_input are
 * borrowed and only read.
 *
 *   struct risk_result r;
 *   risk_score(&r, policy, &in);
 *   r.risk, tier_name(r.tier), r.factors[i], r.rule ("kev" or -1)
 */
#ifndef POSTURE_ENGINE_RISK_H
#define POSTURE_ENGINE_RISK_H

#include "engine/policy.h"

enum risk_cvss_source {
	RISK_CVSS_NONE = 0,  /* only the tool's severity is known */
	RISK_CVSS_VECTOR,    /* scored from a vector with engine/cvss */
	RISK_CVSS_SCORE,     /* a score a tool reported without a vector */
};

struct risk_input {
	enum kind kind;
	enum severity severity;          /* the tool's severity (the finding's) */
	enum risk_cvss_source cvss_source;
	double cvss;                     /* 0-10, when cvss_source is set */
	const char *cvss_vector;         /* the best vector, when from a vector */
	/* EPSS and KEV apply to findings with a CVE id */
	const char *cve;                 /* the CVE the feeds matched, else the first; NULL: none */
	bool has_epss;
	double epss, epss_percentile;    /* percentile -1 when unknown */
	bool epss_from_report;           /* the score came from the report, not the EPSS feed */
	bool kev, kev_ransomware;
	const char *kev_date_added, *kev_due_date;
	/* the app's context; NULL is unknown. data_sensitivity may list classes: "pii,pci" */
	const char *exposure, *criticality, *data_sensitivity, *environment;
	enum reachability reachability;
	bool validated, secret_verified;
	const char *validated_by;        /* what validated it, for the explanation; NULL: the evidence */
	long age_days;                   /* since first seen; -1 unknown */
};

#define RISK_MAX_FACTORS 20
#define RISK_VALUE_MAX 256

struct risk_factor {
	const char *name;                /* static: "cvss", "epss", "kev", "rule", ... */
	char value[RISK_VALUE_MAX];      /* the input, for people */
	double points;
};

struct risk_result {
	double sum;                      /* the points before clamping */
	int score;                       /* round(sum) clamped to 0-100: the risk before rules */
	enum tier score_tier;            /* the tier the thresholds give the score */
	int rule;                        /* the first rule that matched, -1 when none */
	enum tier tier;                  /* the final tier */
	int risk;                        /* the final risk, inside the final tier's band */
	struct risk_factor factors[RISK_MAX_FACTORS];
	size_t nfactors;
};

/* Score one finding. Always succeeds; out is fully written. */
void risk_score(struct risk_result *out, const struct policy *p, const struct risk_input *in);

/* The tier the thresholds give a 0-100 risk. */
enum tier risk_tier_of(const struct policy *p, int risk);

/* "what would change the tier": one input changed, the tier it would give */
#define RISK_MAX_WHATIFS 24
struct risk_whatif {
	char change[RISK_VALUE_MAX];     /* "exposure were internal or isolated" */
	enum tier tier;
	int risk;
};

/*
 * For each input a person could change or that could change on its own
 * (KEV, EPSS, CVSS, the app's context, reachability, validation, age),
 * the smallest change that moves the tier away from r->tier. Returns how
 * many were written to out (at most max).
 */
size_t risk_whatifs(struct risk_whatif *out, size_t max, const struct policy *p,
		    const struct risk_input *in, const struct risk_result *r);

#endif
