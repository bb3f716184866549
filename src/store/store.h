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
#include "model/metrics.h"

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
	const char *team;              /* owned by this team (its queue) */
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
/* --- inventory: posture.yaml, asset matching, ownership (sqlite_inventory.c) --- */

/*
 * Reconciling posture.yaml: each declared thing is read and written as a
 * row of text fields, so that `inventory load` can say what changed.
 * Strings a get returns are copied into the caller's arena.
 */
enum store_inv_type {
	STORE_INV_UNIT = 0,
	STORE_INV_TEAM,
	STORE_INV_APP,
	STORE_INV_COMPONENT,
	STORE_INV_LINK,
	STORE_INV__COUNT
};
#define STORE_INV_FIELDS 8
#define STORE_INV_ATTRS 24

struct store_attr {
	const char *name, *value;
};

struct store_inv_row {
	/* unit/team/app name; component "kind:ident"; link "kind:ident relation kind:ident" */
	const char *name;
	const char *v[STORE_INV_FIELDS];  /* store_inv_fields() order; NULL: not set */
	struct store_attr attrs[STORE_INV_ATTRS]; /* components only */
	size_t nattrs;
	int64_t id;
	bool declared;  /* some inventory load declared it (else ingest found it) */
	bool retired;
};

/* The names of a type's fields, NULL-terminated; and the type's word ("unit", ...). */
const char *const *store_inv_fields(enum store_inv_type t);
const char *store_inv_type_name(enum store_inv_type t);
/* P_ENOTFOUND (no message) when there is none. Links: see store_inv_link_get. */
int store_inv_get(struct store *s, enum store_inv_type t, const char *name, struct arena *a,
		  struct store_inv_row *out, struct perr *err);
/* A link by its ends (row->v: from, relation, to); P_ENOTFOUND (no message) when none. */
int store_inv_link_get(struct store *s, const struct store_inv_row *row, struct arena *a,
		       struct store_inv_row *out, struct perr *err);
/*
 * Insert or update by name, as declared by load `load_id` (un-retiring
 * it). Referenced names (a team's unit, an app's team, a component's app,
 * a link's ends) must exist.
 */
int store_inv_put(struct store *s, enum store_inv_type t, const struct store_inv_row *row,
		  int64_t load_id, int64_t now, int64_t *id_out, struct perr *err);
typedef int (*store_inv_name_cb)(enum store_inv_type t, const char *name, void *payload,
				 struct perr *err);
/* Retire what an earlier load declared and load_id does not; cb per row retired. */
int store_inv_retire(struct store *s, enum store_inv_type t, int64_t load_id, int64_t now,
		     store_inv_name_cb cb, void *payload, struct perr *err);
int store_inv_load_begin(struct store *s, const char *file, const char *sha256, int64_t now,
			 int64_t *load_id, struct perr *err);
int store_inv_load_finish(struct store *s, int64_t load_id, long added, long changed,
			  long retired, struct perr *err);
int store_team_set_members(struct store *s, int64_t team_id, const struct strlist *members,
			   struct perr *err);
/*
 * Point match keys at a component: claimed keys replace whatever held
 * them, alias keys only fill a gap. Keys the component held before and
 * no longer lists are dropped.
 */
int store_component_set_keys(struct store *s, int64_t component_id, const struct strlist *keys,
			     const struct strlist *alias_keys, struct perr *err);

/* The CODEOWNERS text of a repo component; *changed says whether it differs from before. */
int store_codeowners_put(struct store *s, int64_t component_id, const char *source,
			 const char *content, size_t len, int64_t now, bool *changed, struct perr *err);
/* P_ENOTFOUND (no message) when the component has none; the text is copied into a. */
int store_codeowners_get(struct store *s, int64_t component_id, struct arena *a,
			 const char **content, struct perr *err);

/* --- asset matching at ingest --- */

struct store_placement {
	int64_t component_id, app_id;  /* app_id 0: the component belongs to no app */
	int64_t team_id;               /* the app's team, 0: none */
};
/* The component a match key points to; P_ENOTFOUND (no message) when none. */
int store_key_lookup(struct store *s, const char *key, struct store_placement *out,
		     struct perr *err);
/*
 * The component kind:ident, created as discovered (with match key `key`)
 * when missing. A component that belongs to no app is attached to app_id
 * when it is not 0.
 */
int store_component_discover(struct store *s, const char *kind, const char *ident,
			     const char *key, int64_t app_id, int64_t now,
			     struct store_placement *out, struct perr *err);
/* The app's team; P_ENOTFOUND (no message) when there is no such app. */
int store_app_team(struct store *s, int64_t app_id, int64_t *team_id, struct perr *err);
/* The app's name, copied into a; P_ENOTFOUND (no message) when none. */
int store_app_name(struct store *s, int64_t app_id, struct arena *a, const char **name,
		   struct perr *err);
int store_scan_kind_add(struct store *s, int64_t scan_id, int64_t app_id, int64_t component_id,
			const char *kind, long evidence, struct perr *err);

/* --- re-homing findings when components change hands --- */

struct store_orphan {
	int64_t finding_id, component_id;  /* component 0: none */
	const char *kind, *ident;          /* of the component */
	bool default_app;                  /* the finding is in app `default_app` */
	/* what its first evidence names */
	const char *image, *image_digest, *url, *resource, *purl;
};
typedef int (*store_orphan_cb)(const struct store_orphan *o, void *payload, struct perr *err);
/*
 * Findings that may find a better home: those on components no inventory
 * load declared, and those without a component in app `default_app`.
 */
int store_orphans_each(struct store *s, const char *default_app, store_orphan_cb cb, void *payload,
		       struct perr *err);
int store_finding_set_component(struct store *s, int64_t finding_id, int64_t component_id,
				struct perr *err);
/*
 * A discovered component turned out to be a declared one: its findings,
 * scans and evidence move there and it is retired (merged_into).
 */
int store_component_merge(struct store *s, int64_t from_id, int64_t to_id, int64_t now,
			  struct perr *err);
typedef int (*store_misplaced_cb)(int64_t finding_id, int64_t app_id, void *payload,
				  struct perr *err);
/* Findings whose component belongs to another app than theirs. */
int store_misplaced_each(struct store *s, store_misplaced_cb cb, void *payload, struct perr *err);
/*
 * Move a finding to app_id. When that app already has a finding with the
 * same fingerprint, merge into it (evidence and events move; dates widen;
 * a person's status decision wins) and set *merged_into to its id.
 */
int store_finding_rehome(struct store *s, int64_t finding_id, int64_t app_id,
			 int64_t *merged_into, struct perr *err);
/* Scans and evidence of a component follow it to the app it now belongs to. */
int store_scopes_follow(struct store *s, struct perr *err);

/* --- ownership --- */

struct store_owner_input {
	int64_t finding_id, app_team_id, component_id, owner_team_id;
	const char *path;
	bool repo;          /* the component is a repo */
};
typedef int (*store_owner_cb)(const struct store_owner_input *in, void *payload,
			      struct perr *err);
/*
 * What decides the owner of findings: those in ids[0..n) when ids is not
 * NULL, else those on component_id when it is not 0, else all.
 */
int store_owner_inputs_each(struct store *s, const int64_t *ids, size_t n, int64_t component_id,
			    store_owner_cb cb, void *payload, struct perr *err);
/* The team a CODEOWNERS owner maps to: "org/team" by github_team, else a member. 0: none. */
int store_team_for_owner(struct store *s, const char *owner, int64_t *team_id, struct perr *err);
int store_team_name(struct store *s, int64_t team_id, struct arena *a, const char **name,
		    struct perr *err);
/* Set the owner of findings ids[0..n) (team 0: none) and record an 'assigned' event each. */
int store_findings_assign(struct store *s, const int64_t *ids, size_t n, int64_t team_id, int64_t at,
			  const char *from, const char *to, const char *reason, struct perr *err);

/* --- reading the inventory --- */

struct store_app_row {
	int64_t id;
	const char *name, *team, *unit, *criticality, *exposure, *data_sensitivity, *environments;
	const char *description;
	bool discovered;
	int64_t retired_at;
	long components;
	long open[SEV_CRITICAL + 1];  /* active findings by severity */
};
typedef int (*store_app_cb)(const struct store_app_row *r, void *payload, struct perr *err);
/* Apps by name (name NULL: all, retired ones too when `retired`). */
int store_apps_each(struct store *s, const char *name, bool retired, store_app_cb cb,
		    void *payload, struct perr *err);

struct store_component_row {
	int64_t id, app_id;
	const char *kind, *ident, *app;
	bool declared, has_codeowners;
	int64_t retired_at;
	long findings;                /* active findings on it */
	const struct store_attr *attrs;
	size_t nattrs;
};
typedef int (*store_component_cb)(const struct store_component_row *r, void *payload,
				  struct perr *err);
/* The components of an app (with their attributes). */
int store_components_each(struct store *s, int64_t app_id, store_component_cb cb,
			  void *payload, struct perr *err);
/* Components in no app that findings point at, with how many findings each. */
int store_unowned_components_each(struct store *s, store_component_cb cb, void *payload,
				  struct perr *err);
/* A component by kind:ident (or its match key); P_ENOTFOUND with a message when none. */
int store_component_find(struct store *s, const char *kind, const char *ident,
			 int64_t *id, struct perr *err);

struct store_link_row {
	int64_t from_id, to_id;
	const char *relation, *from, *to;   /* "kind:ident" */
	bool retired;
};
typedef int (*store_link_cb)(const struct store_link_row *r, void *payload, struct perr *err);
/* Links that touch the app's components (both ends, so lineage crosses apps). */
int store_links_each(struct store *s, int64_t app_id, store_link_cb cb, void *payload,
		     struct perr *err);

/* --- coverage --- */

struct store_coverage_row {
	int64_t app_id;
	const char *app, *kind;
	int64_t last_scan;   /* 0: never */
	long scans, evidence, active_findings;
};
typedef int (*store_coverage_cb)(const struct store_coverage_row *r, void *payload,
				 struct perr *err);
/* Per active app and kind with any scan or finding: its last scan and tallies. */
int store_coverage_each(struct store *s, store_coverage_cb cb, void *payload, struct perr *err);

/* --- metrics: aggregates over the event history (sqlite_metrics.c, docs/metrics.md) --- */

/*
 * Fill out's counts, sums and medians for q (scope, window, breakdown) with
 * set-based SQL: mttr, groups, sla_*, days and open_now, recurrence, mttd,
 * time_to_assign, unassigned, time_to_validate, evidence, findings,
 * exceptions_*, apps and opened/fixed/reopened. Coverage and the derived
 * means and rates are left to the caller (metrics_collect). out->q is set
 * to *q. P_ENOTFOUND with a message when q names an app, team or unit that
 * does not exist.
 */
int store_metrics(struct store *s, const struct metrics_query *q, struct metrics *out,
		  struct perr *err);
/* The ids of the active apps in q's scope (app, team or unit; all when none), ascending. */
typedef int (*store_app_id_cb)(int64_t app_id, void *payload, struct perr *err);
int store_metrics_apps_each(struct store *s, const struct metrics_query *q, store_app_id_cb cb,
			    void *payload, struct perr *err);

#endif
