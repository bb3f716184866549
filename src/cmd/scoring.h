/*
 * Shared by the commands that score findings (ingest, feeds, rescore,
 * explain, policy): find and load the policy in force, gather a finding's
 * risk inputs from the store, score it with engine/risk, and store the
 * result with its explanation and a tier_changed event.
 */
#ifndef POSTURE_CMD_SCORING_H
#define POSTURE_CMD_SCORING_H

#include "cmd/cmd.h"
#include "engine/risk.h"
#include "out/jw.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/strmap.h"

#define SCORING_SOURCE_MAX 4096

/*
 * The policy in force: the file $POSTURE_POLICY names, else
 * posture-policy.yaml beside the database, else the built-in policy.
 * `file` (when not NULL) overrides all three. source_out says which, for
 * people ("posture-policy.yaml", "built-in defaults").
 */
int scoring_load_policy(struct policy **out, char source_out[static SCORING_SOURCE_MAX],
			const char *db_path, const char *file, struct perr *err);

/*
 * Called for each finding scored, with its inputs and result (borrowed for
 * the call): explain and policy test look at the results this way.
 */
typedef int (*scoring_observe_fn)(const struct risk_row *row, const struct risk_input *in,
				  const struct risk_result *r, void *payload, struct perr *err);

struct scoring {
	struct policy *policy;
	char source[SCORING_SOURCE_MAX];
	char digest[65];
	int64_t now;
	bool dry_run;                   /* compute and observe; write nothing */
	scoring_observe_fn observe;
	void *observe_payload;
	/* feed state, read at the start of each run */
	struct feed_current epss, kev;
	struct strmap kev_entries;      /* CVE -> struct scoring_kev (owned) */
	/* EPSS: looked up one CVE at a time, or all in memory once a run asks for many */
	struct strmap epss_scores;      /* CVE -> struct scoring_epss (in epss_arena) */
	struct arena epss_arena;
	bool epss_loaded;
	long epss_lookups;
	struct jw w;                    /* the explanation, reused */
	/* per run */
	struct store *store;
	struct scoring_stats *stats;
};

struct scoring_stats {
	long scope;                     /* findings looked at */
	long changed;                   /* whose risk, tier or explanation changed */
	long tier_changed;              /* whose tier changed (an event each) */
	long by_tier[TIER__COUNT];
	bool policy_changed;            /* a new policy: every active finding was rescored */
};

void scoring_init(struct scoring *sc);
/* Load the policy in force (or `policy_file`); errors name the file (exit 2). */
int scoring_open(struct scoring *sc, const struct ctx *ctx, const char *policy_file,
		 struct perr *err);
/*
 * Score the findings of the scope and store what changed, inside the
 * caller's transaction. When the policy differs from the one that last
 * scored this database, every active finding is rescored and the new
 * policy recorded. stats is zeroed first.
 */
int scoring_run(struct scoring *sc, struct store *s, const struct risk_scope *scope,
		struct scoring_stats *stats, struct perr *err);
void scoring_release(struct scoring *sc);

/*
 * Scoring findings that are not stored (the gate reading a report): read
 * the feeds of s once (s NULL: no database, so no feeds), then score each
 * row built as store_risk_each() would build it. Writes nothing; in
 * points into row and cve, which must outlive its use.
 */
int scoring_feeds(struct scoring *sc, struct store *s, struct perr *err);
int scoring_score(struct scoring *sc, const struct risk_row *row, struct risk_input *in,
		  char cve[static 32], struct risk_result *out, struct perr *err);

/* The explanation of one scoring as JSON (what finding_risk stores). */
void scoring_explanation(struct scoring *sc, struct jw *w, const struct risk_input *in,
			 const struct risk_result *r);

#endif
