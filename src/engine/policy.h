/*
 * The risk policy: how the signals a finding carries (CVSS, EPSS, KEV,
 * the app's context, reachability, validation, age) add up to a risk
 * from 0 to 100, the tier thresholds, the hard rules a security lead can
 * read and argue with, SLA days and gate modes per tier.
 *
 * A policy is a YAML file (posture-policy.yaml) read with libyaml on top
 * of the built-in defaults, whose text is policy_default_yaml (and
 * docs/risk.md): tables of points merge key by key, lists (bands, rules)
 * replace the default list. policy_write() gives the canonical YAML of a
 * policy; its SHA-256 is the policy's digest.
 *
 * Ownership: policy_load()/policy_defaults() hand the caller a struct
 * policy to free with policy_free(). It holds no pointers.
 */
#ifndef POSTURE_ENGINE_POLICY_H
#define POSTURE_ENGINE_POLICY_H

#include "model/evidence.h"
#include "util/buf.h"

#define POLICY_NAME_MAX 40      /* a value, key or rule name, with its NUL */
#define POLICY_DESC_MAX 160     /* a rule's description */
#define POLICY_TABLE_MAX 16     /* entries of one points table */
#define POLICY_BANDS_MAX 8      /* bands of one banded factor */
#define POLICY_WORDS_MAX 8      /* values one condition lists */
#define POLICY_RULES_MAX 64
#define POLICY_FILE_MAX ((size_t)1 << 20)

enum tier { TIER_LOW = 0, TIER_MEDIUM, TIER_HIGH, TIER_CRITICAL, TIER__COUNT };

/* "low" .. "critical"; tier_parse() returns P_EINVALID for anything else. */
const char *tier_name(enum tier t);
int tier_parse(enum tier *out, const char *s);

/*
 * GATE_BLOCK_RECURRENCE: a new finding of the tier warns, but one that came
 * back after it was fixed (a recurrence) blocks.
 */
enum gate_mode { GATE_OFF = 0, GATE_WARN, GATE_BLOCK, GATE_BLOCK_RECURRENCE };
const char *gate_mode_name(enum gate_mode g);

struct policy_entry {
	char name[POLICY_NAME_MAX];
	double points;
};

/* value name -> points, in file order */
struct policy_table {
	struct policy_entry v[POLICY_TABLE_MAX];
	size_t n;
};

/* The first band whose at_least the value reaches gives its points (at_least descending). */
struct policy_band {
	double at_least, points;
};

struct policy_bands {
	struct policy_band v[POLICY_BANDS_MAX];
	size_t n;
};

struct policy_words {
	char v[POLICY_WORDS_MAX][POLICY_NAME_MAX];
	size_t n;
};

/* Which conditions a rule's `when` sets. */
enum {
	COND_KEV = 1 << 0,
	COND_RANSOMWARE = 1 << 1,
	COND_VALIDATED = 1 << 2,
	COND_SECRET_VERIFIED = 1 << 3,
	COND_EXPOSURE = 1 << 4,
	COND_CRITICALITY = 1 << 5,
	COND_DATA = 1 << 6,
	COND_ENVIRONMENT = 1 << 7,
	COND_REACHABILITY = 1 << 8,
	COND_KIND = 1 << 9,
	COND_SEVERITY = 1 << 10,
	COND_EPSS = 1 << 11,
	COND_PERCENTILE = 1 << 12,
	COND_CVSS = 1 << 13,
	COND_AGE = 1 << 14,
};

/* All set conditions must hold (an empty `when` always holds). */
struct policy_cond {
	unsigned set;
	bool kev, ransomware, validated, secret_verified;
	struct policy_words exposure, criticality, data_sensitivity, environment, reachability;
	struct policy_words kind, severity;
	double epss_at_least, percentile_at_least, cvss_at_least, age_days_at_least;
};

enum rule_effect { RULE_SET = 0, RULE_AT_LEAST, RULE_AT_MOST };

struct policy_rule {
	char name[POLICY_NAME_MAX];
	char description[POLICY_DESC_MAX];
	struct policy_cond when;
	enum rule_effect effect;
	enum tier tier;
};

struct policy {
	/* the base: CVSS 0-10 times cvss_weight */
	double cvss_weight;
	double severity_as_cvss[SEV_CRITICAL + 1]; /* by enum severity; SEV_NONE reads as info */
	struct policy_bands epss, epss_percentile, age_days;
	double kev, kev_ransomware, validated, secret_verified;
	struct policy_table exposure, criticality, data_sensitivity, environment, reachability;
	int tier_min[TIER__COUNT];   /* the lowest risk of each tier; tier_min[TIER_LOW] is 0 */
	struct policy_rule rules[POLICY_RULES_MAX];
	size_t nrules;
	int sla_days[TIER__COUNT];
	enum gate_mode gate[TIER__COUNT];
	bool kev_due_date;           /* a KEV finding is due no later than CISA's dueDate */
};

/* The built-in policy, in the canonical form policy_write() produces. */
extern const char policy_default_yaml[];

/* The built-in policy. */
int policy_defaults(struct policy **out, struct perr *err);

/*
 * Read a policy file's text (name is for messages) over the defaults.
 * Errors are P_EINVALID (P_ELIMIT past POLICY_FILE_MAX) and name the
 * place: "posture-policy.yaml:12:5: score.exposure.internet: 'ten' is not
 * a number".
 */
int policy_load(struct policy **out, const char *buf, size_t len, const char *name,
		struct perr *err);

void policy_free(struct policy *p);

/* The canonical YAML text of a policy (comments included). */
int policy_write(const struct policy *p, struct pbuf *out);

/* SHA-256 (hex) of the canonical text: two policies that score alike share it. */
void policy_digest(const struct policy *p, char out[static 65]);

/* The points of name in a table; false (and 0) when the table lacks it. */
bool policy_table_get(const struct policy_table *t, const char *name, double *points);

#endif
