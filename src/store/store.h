/*
 * The store: the only database interface the rest of posture sees.
 * SQLite today (store/sqlite.c); PostgreSQL later behind the same calls.
 *
 * Ownership: a struct store is owned by whoever opened it and freed by
 * store_close(). Rows handed to a callback (struct finding, ...) are
 * borrowed for the duration of that call. Writes happen inside
 * store_begin()/store_commit(); store_rollback() undoes them all, so an
 * ingest that fails leaves nothing half-written.
 */
#ifndef POSTURE_STORE_STORE_H
#define POSTURE_STORE_STORE_H

#include "model/finding.h"

struct store;

enum {
	STORE_WRITE = 1,  /* open read-write and migrate to the current schema */
	STORE_CREATE = 2, /* create the file when it does not exist */
};

int store_open(struct store **out, const char *path, int flags, struct perr *err);
/* Close and free (NULL is fine); reports a failure to close cleanly. */
int store_close(struct store *s, struct perr *err);
/* The schema version of the open database. */
int store_schema_version(struct store *s);

int store_begin(struct store *s, struct perr *err);
int store_commit(struct store *s, struct perr *err);
void store_rollback(struct store *s);

/*
 * The installation's key for keyed secret hashes (64 hex digits), created
 * from the system's random source on first use. Copied into out.
 */
int store_secret_key(struct store *s, char out[static 65], struct perr *err);

/* --- assets --- */

/* The app called name; created (marked discovered) when missing. */
int store_app_ensure(struct store *s, const char *name, int64_t now, int64_t *id_out,
		     struct perr *err);
/* The component kind:ident, attached to app_id when it is created. */
int store_component_ensure(struct store *s, int64_t app_id, const char *kind,
			   const char *ident, int64_t now, int64_t *id_out, struct perr *err);

/* --- scans --- */

struct scan {
	int64_t id;
	int64_t app_id, component_id;   /* component 0: the app as a whole */
	const char *format, *commit, *branch, *file_name, *file_sha256;
	int64_t scanned_at, ingested_at;
	bool partial;
	/* tallies, filled by ingest */
	long evidence_count, new_count, seen_count, fixed_count, reopened_count, merged_count;
};

int store_scan_create(struct store *s, struct scan *scan, struct perr *err);
int store_scan_add_tool(struct store *s, int64_t scan_id, const char *tool,
			const char *version, struct perr *err);
/* Write the tallies and the tools line. */
int store_scan_finish(struct store *s, const struct scan *scan, struct perr *err);
/*
 * The time of the latest other full scan of `tool` on the scan's asset
 * (0 when none), and of the earliest one after `after` (0 when none).
 */
int store_scope_latest(struct store *s, const struct scan *scan, const char *tool,
		       int64_t *latest, struct perr *err);
int store_scope_next(struct store *s, const struct scan *scan, const char *tool,
		     int64_t after, int64_t *next, int64_t *next_scan_id, struct perr *err);

struct scan_row {
	int64_t id;
	const char *app, *component, *format, *tools, *commit, *branch, *file_name;
	int64_t scanned_at, ingested_at;
	bool partial;
	long evidence_count, new_count, seen_count, fixed_count, reopened_count, merged_count;
};
typedef int (*scan_cb)(const struct scan_row *row, void *payload, struct perr *err);
int store_scans_each(struct store *s, const char *app, scan_cb cb, void *payload,
		     struct perr *err);

/* --- findings, as ingest sees them --- */

struct finding_state {
	int64_t id;
	enum status status;
	enum severity severity;
	int64_t first_seen, last_seen, fixed_at;
	int64_t seen_scan_id;
	long scan_dupes;
};

/* P_ENOTFOUND (without a message) when the app has no such fingerprint. */
int store_finding_lookup(struct store *s, int64_t app_id, const char *fingerprint,
			 struct finding_state *out, struct perr *err);

struct finding_new {
	int64_t app_id, component_id, scan_id;
	const char *fingerprint, *rule_id, *title, *path, *vuln_ids_json, *cwe_json;
	enum kind kind;
	enum severity severity;
	enum status status;
	int64_t seen_at;
};
int store_finding_create(struct store *s, const struct finding_new *f, int64_t *id_out,
			 struct perr *err);

/*
 * The finding was reported by `scan` at `at`: widen first/last seen,
 * raise severity to at least `severity`, mark it seen in this scan
 * (scan_dupes counts repeats), and when `latest` is set, make scan its
 * latest scan. Status and fixed_at are written as given.
 */
struct finding_seen {
	int64_t id, scan_id, at;
	enum severity severity;
	enum status status;
	int64_t fixed_at;        /* 0 clears it */
	bool reopened;           /* recurrence += 1 */
	bool merged;             /* a repeat within the same scan */
	bool latest;
};
int store_finding_seen(struct store *s, const struct finding_seen *f, struct perr *err);

/*
 * Insert or refresh one evidence row (ekey identifies it within the
 * finding) and mark it present: the tool reports it on this asset as of
 * this scan. A backfilled (older) scan refreshes only what is older.
 */
struct evidence_put {
	int64_t finding_id, scan_id, app_id, component_id, at;
	const char *ekey, *tool, *record_json;
	enum severity severity;
};
int store_evidence_put(struct store *s, const struct evidence_put *e, struct perr *err);

/*
 * Mark the evidence that `tool` reported on the scan's asset, but not in
 * this scan, as no longer present; call cb for each finding that no
 * present evidence backs any more, with its current status.
 */
typedef int (*absent_cb)(int64_t finding_id, enum status status, void *payload,
			 struct perr *err);
int store_scope_absent(struct store *s, const struct scan *scan, const char *tool,
		       absent_cb cb, void *payload, struct perr *err);

int store_finding_set_status(struct store *s, int64_t id, enum status status,
			     int64_t fixed_at, struct perr *err);

struct event {
	int64_t finding_id;
	int64_t at;
	enum event_type type;
	const char *from, *to, *actor, *reason;
	int64_t scan_id;   /* 0: none */
};
int store_event_add(struct store *s, const struct event *e, struct perr *err);

/* --- reading findings --- */

struct finding_filter {
	const char *app;
	const char *const *statuses;   /* NULL-terminated; NULL = any */
	enum severity min_severity;    /* SEV_NONE = any */
	const char *const *severities; /* NULL-terminated exact list; NULL = any */
	const char *tool, *kind, *rule, *path_glob;
	int64_t since;                 /* first_seen >= since; 0 = any */
	long limit;                    /* 0 = all */
};

typedef int (*finding_cb)(const struct finding *f, void *payload, struct perr *err);
/* Findings matching the filter, worst first (risk, then severity, then newest). */
int store_findings_each(struct store *s, const struct finding_filter *filter,
			finding_cb cb, void *payload, struct perr *err);
/* One finding by id: P_ENOTFOUND with a message when there is none. */
int store_finding_get(struct store *s, int64_t id, finding_cb cb, void *payload,
		      struct perr *err);

struct evidence_row {
	int64_t id, first_scan_id, last_scan_id, first_seen, last_seen;
	const char *tool, *record_json;
	enum severity severity;
};
typedef int (*evidence_row_cb)(const struct evidence_row *e, void *payload, struct perr *err);
int store_evidence_each(struct store *s, int64_t finding_id, evidence_row_cb cb,
			void *payload, struct perr *err);

struct event_row {
	int64_t id, at, scan_id;
	const char *type, *from, *to, *actor, *reason;
};
typedef int (*event_row_cb)(const struct event_row *e, void *payload, struct perr *err);
int store_events_each(struct store *s, int64_t finding_id, event_row_cb cb, void *payload,
		      struct perr *err);

/* --- VEX statements (OpenVEX) --- */

struct vex_statement {
	int64_t app_id, scan_id, at;
	const char *vuln_id;
	const char *package;       /* purl without version, or "*" for the whole product */
	const char *status;        /* not_affected, affected, fixed, under_investigation */
	const char *justification, *author, *document;
};

/* Keep a statement (the newest per app, vulnerability and package wins). */
int store_vex_put(struct store *s, const struct vex_statement *v, struct perr *err);

/* Call cb for each finding of the app with that vulnerability on that package. */
typedef int (*vex_finding_cb)(int64_t finding_id, enum status status, void *payload,
			      struct perr *err);
int store_vex_findings(struct store *s, int64_t app_id, const char *vuln_id,
		       const char *package, vex_finding_cb cb, void *payload, struct perr *err);

/*
 * The newest statement about vuln_id for the package of `purl` (or the
 * whole product) on the app: 0 and *out filled (its strings point into
 * buf), P_ENOTFOUND when there is none.
 */
int store_vex_lookup(struct store *s, int64_t app_id, const char *vuln_id, const char *purl,
		     struct vex_statement *out, char *buf, size_t buflen, struct perr *err);

/* --- risk: feeds, policy, scores (store/sqlite_risk.c) --- */

/*
 * Feeds. An import replaces the feed's current set whole, inside the
 * caller's transaction: begin, put every row, finish. The finish records
 * the import (history is kept; the latest import is the current version).
 */
struct feed_import {
	int64_t id;
	const char *feed;              /* "epss" or "kev" */
	const char *version;           /* EPSS score_date, KEV catalogVersion */
	const char *model, *released;  /* EPSS model_version, KEV dateReleased; NULL if none */
	const char *file, *file_sha256;
	int64_t imported_at;
	long rows;
	long added, removed;           /* KEV, set by finish; -1 when not counted */
};

int store_feed_replace_begin(struct store *s, const char *feed, struct perr *err);
int store_epss_put(struct store *s, const char *cve, double epss, double percentile,
		   struct perr *err);
struct kev_row {
	const char *cve, *date_added, *due_date, *ransomware;
	const char *vendor_project, *product, *vulnerability_name, *required_action;
};
int store_kev_put(struct store *s, const struct kev_row *k, struct perr *err);
/* Swap the new set in, count KEV's added/removed into imp, record imp (imp->id set). */
int store_feed_replace_finish(struct store *s, struct feed_import *imp, struct perr *err);

/* The current version of a feed, copied: found is false when it was never imported. */
struct feed_current {
	bool found;
	int64_t id, imported_at;
	long rows;
	char version[64], model[64], file_sha256[65];
};
int store_feed_current(struct store *s, const char *feed, struct feed_current *out,
		       struct perr *err);

/* Every import, oldest first; `current` marks each feed's latest. */
typedef int (*feed_import_cb)(const struct feed_import *imp, bool current, void *payload,
			      struct perr *err);
int store_feed_imports_each(struct store *s, feed_import_cb cb, void *payload, struct perr *err);

/* One CVE's current EPSS score: P_ENOTFOUND (no message) when it has none. */
int store_epss_get(struct store *s, const char *cve, double *epss, double *percentile,
		   struct perr *err);
/* Every current EPSS score (percentile -1 when none); the CVE is borrowed for the call. */
typedef int (*epss_score_cb)(const char *cve, double epss, double percentile, void *payload,
			   struct perr *err);
int store_epss_each(struct store *s, epss_score_cb cb, void *payload, struct perr *err);
/* Every current KEV entry (strings borrowed for the call). */
typedef int (*kev_row_cb)(const struct kev_row *k, void *payload, struct perr *err);
int store_kev_each(struct store *s, kev_row_cb cb, void *payload, struct perr *err);

/*
 * The risk policy in force on this database: the digest of the policy
 * that last scored its findings (found false on a fresh database), and
 * recording a new one (its canonical text is kept).
 */
int store_policy_current(struct store *s, char digest[static 65], bool *found, struct perr *err);
int store_policy_use(struct store *s, const char *digest, const char *source, const char *text,
		     int64_t now, struct perr *err);

/*
 * Scoring. A scope picks active findings (open, triaged, in_progress,
 * reopened); with nothing set, all of them.
 */
struct risk_scope {
	int64_t scan_id;      /* the findings this scan reported */
	int64_t finding_id;   /* one finding (whatever its status) */
	int64_t app_id;       /* one app's */
	bool with_cve;        /* those with a CVE id (what a feed import affects) */
};

/* What one evidence record says that matters to risk (text as stored; NULL when absent). */
struct risk_evidence {
	const char *cvss_vector, *cvss_version;
	double cvss_score;
	bool has_score;
	const char *reachability;
	bool validated, secret_verified;
	const char *epss, *epss_percentile;   /* the report's own, from properties */
};

struct risk_row {
	int64_t id;
	const char *app, *title;
	enum kind kind;
	enum severity severity;
	enum status status;
	const char *vuln_ids;                 /* JSON array text */
	int64_t first_seen;
	int risk;                             /* stored; -1 when never scored */
	const char *tier;                     /* stored; NULL when never scored */
	bool has_explanation;
	int64_t explanation_digest;
	const char *exposure, *criticality, *data_sensitivity, *environment;  /* the app's */
	const struct risk_evidence *ev;
	size_t nev;
};

/*
 * Call cb for every finding of the scope, by id, with its risk inputs.
 * Rows come in batches read ahead, so cb may write (store_risk_put); the
 * row is borrowed for the call. count_out (if not NULL) gets the scope's size.
 */
typedef int (*risk_row_cb)(const struct risk_row *row, void *payload, struct perr *err);
int store_risk_each(struct store *s, const struct risk_scope *scope, long *count_out,
		    risk_row_cb cb, void *payload, struct perr *err);

/* The id of the app called name: P_ENOTFOUND with a message when there is none. */
int store_app_id(struct store *s, const char *name, int64_t *id_out, struct perr *err);

/* Write a finding's risk and tier, and its explanation (JSON) with the explanation's digest. */
struct risk_put {
	int64_t finding_id;
	int risk;
	const char *tier;
	int64_t digest, at;
	const char *explanation;
	bool unchanged;       /* risk and tier are as stored: only the explanation is new */
};
int store_risk_put(struct store *s, const struct risk_put *p, struct perr *err);

/* A finding's stored explanation (JSON), copied to *out (free it); P_ENOTFOUND when none. */
int store_risk_explanation(struct store *s, int64_t finding_id, char **out, int64_t *scored_at,
			   struct perr *err);

#endif
