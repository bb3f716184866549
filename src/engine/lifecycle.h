/*
 * The finding lifecycle as pure functions: what happens to a finding when
 * a scan reports it, and when a full scan of the same tool on the same
 * asset no longer does. The rules, and why, are in docs/lifecycle.md.
 */
#ifndef POSTURE_ENGINE_LIFECYCLE_H
#define POSTURE_ENGINE_LIFECYCLE_H

#include "model/finding.h"

enum seen_outcome {
	SEEN_NEW,       /* no such finding: open it */
	SEEN_AGAIN,     /* known and still there */
	SEEN_MERGED,    /* a second evidence of it in the same scan */
	SEEN_REOPENED,  /* it had been fixed and came back */
	SEEN_HISTORY,   /* from a backfilled scan older than what we know: history only */
};

struct seen_input {
	bool exists;
	enum status status;
	bool already_in_scan;  /* evidence of this finding was already stored for this scan */
	int64_t scan_time;     /* when the scan ran (--at) */
	int64_t fixed_at;      /* when it was marked fixed (0: never) */
};

struct seen_result {
	enum seen_outcome outcome;
	enum status status;     /* the status afterwards */
	bool status_changed;
	enum event_type event;  /* valid when status_changed or outcome == SEEN_NEW */
};

void lifecycle_seen(struct seen_result *out, const struct seen_input *in);

/*
 * A newer full scan no longer reports the finding (through any tool that
 * used to). Returns true, with the new status, when the status changes.
 */
bool lifecycle_absent(enum status *out, enum status cur);

/*
 * A VEX statement about a finding: not_affected and fixed (the vendor says
 * this product is not exploitable, or ships the fix the scanner missed)
 * make an active finding a false positive; under_investigation makes an
 * open one triaged; affected changes nothing. Returns true, with the new
 * status, when the status changes.
 */
bool lifecycle_vex(enum status *out, enum status cur, const char *vex_status);

/*
 * A person sets a finding's status (posture triage). Returns 0 when the
 * transition is allowed, else P_EINVALID with a message saying why and
 * what to do instead (the table is in docs/lifecycle.md): risk_accepted
 * comes only with an exception (posture accept), fixed and verified only
 * from scans, and a closed finding must be reopened before anything else.
 */
int lifecycle_triage(enum status from, enum status to, struct perr *err);

/*
 * What one downstream component (an image the repo builds, a service the
 * image runs as) says about a finding whose code fix was seen: the code
 * component (usually the repo) no longer reports it.
 */
struct lineage_check {
	int64_t code_fixed_at;   /* when the code component stopped reporting it (0: it still does) */
	int64_t last_scan;       /* the latest full scan of the downstream component (0: none) */
	bool still_there;        /* reported there: by this finding's evidence or another finding */
	bool went_away;          /* this finding had evidence there that is no longer reported */
};

enum downstream_state {
	DOWNSTREAM_STILL_THERE,  /* still reported there */
	DOWNSTREAM_GONE,         /* a full scan at or after the code fix does not report it */
	DOWNSTREAM_GONE_EARLY,   /* its evidence there went away, but before the code fix */
	DOWNSTREAM_NOT_SCANNED,  /* no full scan of it since the code fix */
};

/*
 * The state of one downstream component. A scan at the very moment of the
 * code fix counts as after it (>=): a correlated finding is fixed by the
 * scan that removes its last evidence, often the downstream scan, and CI
 * scans a repo and its image at one commit time.
 */
enum downstream_state lifecycle_downstream(const struct lineage_check *c);

/*
 * A fixed finding is verified when it has downstream components and every
 * one is DOWNSTREAM_GONE.
 */
bool lifecycle_verified(const struct lineage_check *c, size_t n);

#endif
