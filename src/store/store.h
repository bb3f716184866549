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

/*
 * Process-wide library settings, once, before the first store_open (main
 * calls it; a program that does not only runs a little slower).
 */
void store_setup(void);

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
	/* as store_finding_lookup() read it: columns that keep their value are not written */
	const struct finding_state *cur;
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
	size_t record_len;
	enum severity severity;
	bool fresh;              /* the finding was created now: it has no row to refresh */
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
/* Events in order, several rows per statement (ids as if added one by one). */
int store_events_add(struct store *s, const struct event *v, size_t n, struct perr *err);

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
	bool fixed_in_code;            /* fixed in code, still reported downstream (finding_lineage) */
	/*
	 * For a caller that ranks and counts by itself (a report over a
	 * portfolio): in no particular order, and without the tools and the
	 * evidence count (NULL, 0), which cost a look at the evidence each.
	 */
	bool aggregate;
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
	const char *validated_by;             /* DAST/API findings that validate it (correlation); NULL: none */
	/* its SLA clock as stored (struct sla_pending): scoring brings it up to date */
	long recurrence, sla_recurrence;      /* sla_recurrence -1: never computed */
	const char *sla_tier, *sla_kev_due;
	int64_t sla_start, sla_due, sla_paused_at, tier_at;
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

/*
 * Write a finding's risk and tier (unless unchanged), its explanation
 * (JSON, unless NULL) with the explanation's digest, and its SLA clock
 * (unless sla is NULL) in the same UPDATE.
 */
struct sla_put;
struct risk_put {
	int64_t finding_id;
	int risk;
	const char *tier;
	int64_t digest, at;
	const char *explanation;
	bool unchanged;       /* risk and tier are as stored: only the explanation is new */
	const struct sla_put *sla;  /* the SLA clock too, in the same UPDATE (NULL: as it is) */
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
/*
 * Per active app and kind with any scan (or, with_findings, any active
 * finding): its last scan and tallies. Without with_findings,
 * active_findings is 0 and no finding is read (metrics: covered, stale
 * and never depend only on the scans).
 */
int store_coverage_each(struct store *s, bool with_findings, store_coverage_cb cb, void *payload,
			struct perr *err);

/* --- lifecycle: triage, exceptions, SLA clocks, verification (sqlite_lifecycle.c) --- */

struct exception_entry;
struct exception_list;

/*
 * A finding's status and the exception that covers it (0: none);
 * P_ENOTFOUND with a message when there is no such finding.
 */
int store_finding_status(struct store *s, int64_t id, enum status *out, int64_t *exception_id,
			 struct perr *err);
/* Withdraw an exception (posture exceptions --revoke); P_ENOTFOUND when there is none in force. */
int store_exception_revoke(struct store *s, int64_t id, int64_t now, struct perr *err);

/*
 * Move a finding to `to` and record the event. The finding's exception
 * becomes exception_id (0: none); reopening clears fixed_at and
 * verified_at; came_back adds one to recurrence (which starts a new SLA
 * clock: see engine/sla.h).
 */
struct status_change {
	int64_t finding_id, at, exception_id;
	enum status from, to;
	enum event_type event;
	const char *actor, *reason;
	bool came_back;
};
int store_finding_change(struct store *s, const struct status_change *c, struct perr *err);

/*
 * Who recorded an exception and when; for an entry of an exceptions file,
 * the app whose ingest read it and the file's digest (NULL: none).
 */
struct exception_meta {
	int64_t at;
	const char *by, *source_app, *sha256;
};
int store_exception_add(struct store *s, const struct exception_entry *e, const struct exception_meta *m,
			int64_t *id_out, struct perr *err);
/* The exceptions in force at `now` (not revoked, not expired), oldest first, appended to l. */
int store_exceptions_load(struct store *s, int64_t now, struct exception_list *l, struct perr *err);
/* The digest of the entries in force from file `source` read for app `app` ("" when none). */
int store_exceptions_source_sha(struct store *s, const char *source, const char *app,
				char out[static 65], struct perr *err);
/* Withdraw every entry from that file and app (a changed file replaces them). */
int store_exceptions_revoke_source(struct store *s, const char *source, const char *app, int64_t now,
				   long *revoked, struct perr *err);

/*
 * Findings exceptions may cover (active ones: those scan_id reported, or
 * all when it is 0; none when only_lost), and covered ones whose exception
 * was revoked or expired. Strings are borrowed for the call; cb may write.
 */
struct exception_candidate {
	int64_t finding_id, exception_id;
	enum status status;
	const char *fingerprint, *rule, *package, *path, *app;
	const char *vuln_ids;   /* JSON array text */
};
typedef int (*exception_candidate_cb)(const struct exception_candidate *c, void *payload,
				      struct perr *err);
int store_exception_candidates_each(struct store *s, int64_t scan_id, bool only_lost,
				    exception_candidate_cb cb, void *payload, struct perr *err);

/*
 * Apply expiries: every finding an exception that expired by `now` covers
 * is reopened, with an 'expired' event at the expiry time, and the
 * exception is marked expired. Any command may call it first thing; it
 * runs in the caller's transaction, or in its own when there is none.
 */
int store_expire_exceptions(struct store *s, int64_t now, long *reopened, struct perr *err);

/* The risk register. */
enum exception_which { EXC_ALL = 0, EXC_ACTIVE = 1, EXC_EXPIRING = 2, EXC_EXPIRED = 3 };
struct exception_filter {
	enum exception_which which;
	int64_t now, within;      /* EXC_EXPIRING: expires in (now, now + within] */
	const char *app;          /* NULL: any */
};
struct exception_row {
	const struct exception_entry *e; /* borrowed for the call */
	int64_t created_at, expired_at;
	const char *created_by;
	long findings;            /* findings it covers now */
};
typedef int (*exception_row_cb)(const struct exception_row *r, void *payload, struct perr *err);
/* Exceptions (not revoked) by expiry, soonest first; those that never expire last. */
int store_exceptions_each(struct store *s, const struct exception_filter *flt, exception_row_cb cb,
			  void *payload, struct perr *err);

/*
 * SLA clocks whose inputs changed since they were computed (tier, a
 * reopen, a risk acceptance, the KEV dueDate when kev_due_date): cb gets
 * each with the stored clock; the rows are read first, so cb may write.
 */
struct sla_pending {
	int64_t finding_id;
	const char *tier, *sla_tier;       /* now, and when the clock was computed */
	enum status status;
	long recurrence, sla_recurrence;   /* sla_recurrence -1: never computed */
	int64_t first_seen;
	const char *kev_due;               /* earliest KEV dueDate of its CVEs (YYYY-MM-DD), or NULL */
	int64_t start, due, paused_at, tier_at;
	int64_t status_at;                 /* when it reached its status (0: unknown) */
};
typedef int (*sla_pending_cb)(const struct sla_pending *p, void *payload, struct perr *err);
int store_sla_pending_each(struct store *s, bool kev_due_date, sla_pending_cb cb, void *payload,
			   struct perr *err);
struct sla_put {
	int64_t finding_id, start, due, paused_at, tier_at;
	const char *tier, *kev_due;        /* what the clock was computed from */
	long recurrence;
};
int store_sla_put(struct store *s, const struct sla_put *p, struct perr *err);

struct sla_filter {
	const char *app, *team;   /* NULL: any */
	int64_t now;
};
struct sla_row {
	int64_t finding_id, due, paused_at, tier_at;
	const char *app, *team, *title, *tier, *kev_due;
	enum status status;
};
typedef int (*sla_row_cb)(const struct sla_row *r, void *payload, struct perr *err);
/* Active and risk-accepted findings with a clock, soonest due first. */
int store_sla_each(struct store *s, const struct sla_filter *flt, sla_row_cb cb, void *payload,
		   struct perr *err);

/*
 * Lineage of a finding (the finding_lineage view, docs/lifecycle.md): for
 * each code component of the finding (the upstream-most component its
 * evidence was seen on, usually the repo), each component downstream of it
 * (the images it builds, the services they run as).
 */
struct lineage_row {
	int64_t finding_id;
	int64_t component_id;     /* the downstream component */
	int64_t origin_id;        /* the code component it is downstream of */
	int64_t code_fixed_at;    /* when the code component stopped reporting it (0: it still does) */
	int64_t last_scan;        /* the latest full scan that covered the downstream component (0: none) */
	int present;              /* this finding's evidence there: 1 still reported, 0 gone, -1 none */
	int64_t same_finding_id;  /* another finding there that is the same problem, still present (0: none) */
	const char *component;    /* "kind:ident" */
	const char *origin;       /* "kind:ident" */
	const char *present_tools; /* the tools still reporting it there ("grype, trivy"), NULL: none */
};
typedef int (*lineage_row_cb)(const struct lineage_row *r, void *payload, struct perr *err);
/* The rows of one finding, by code component, then downstream kind and ident. */
int store_lineage_each(struct store *s, int64_t finding_id, lineage_row_cb cb, void *payload,
		       struct perr *err);
/*
 * The lineage rows of every fixed finding, by finding id, read in one
 * statement (verification looks at all of them after each ingest). The
 * names (component, origin, present_tools) are not read: NULL. *out is
 * the caller's to xfree.
 */
int store_fixed_lineage(struct store *s, struct lineage_row **out, size_t *n_out, struct perr *err);
/* Record the package (purl without version) of the SCA/container findings a scan reported. */
int store_findings_fill_package(struct store *s, int64_t scan_id, struct perr *err);
/* --- gate: baselines and the history of gate runs (store/sqlite_gate.c) --- */

/* Called with each fingerprint of a baseline (borrowed for the call). */
typedef int (*store_fingerprint_cb)(const char *fingerprint, void *payload, struct perr *err);
/*
 * The fingerprints of the app's findings that scan scan_id reported (an
 * evidence row of one of the scan's tools spans it). P_ENOTFOUND with a
 * message when there is no such scan.
 */
int store_gate_scan_fingerprints(struct store *s, int64_t app_id, int64_t scan_id,
				 store_fingerprint_cb cb, void *payload, struct perr *err);
/*
 * The same for the latest scan of each format and component of the app on
 * a branch; *scans gets how many scans that is. P_ENOTFOUND with a message
 * when the branch has no scan of the app.
 */
int store_gate_branch_fingerprints(struct store *s, int64_t app_id, const char *branch,
				   long *scans, store_fingerprint_cb cb, void *payload,
				   struct perr *err);

/*
 * The app's findings whose exception has lapsed at `now`: risk_accepted or
 * false_positive by an exception that has expired or was revoked, which the
 * next upkeep (ingest, accept, triage, exceptions, sla) reopens unless
 * another exception covers them. The gate writes no finding, so it reads
 * them as reopened. Ids in ascending order, all read before the first call.
 */
typedef int (*store_gate_lapsed_cb)(int64_t finding_id, void *payload, struct perr *err);
int store_gate_lapsed_each(struct store *s, int64_t app_id, int64_t now, store_gate_lapsed_cb cb,
			   void *payload, struct perr *err);

/*
 * What the outputs show of each active or lapsed (above, at `now`) finding
 * of the app, from its first evidence row: the line range (0: none), help
 * text and URI (NULL: none); strings borrowed for the call.
 */
struct store_gate_detail {
	int64_t finding_id;
	unsigned start_line, end_line;
	const char *help, *help_uri;
};
typedef int (*store_gate_detail_cb)(const struct store_gate_detail *d, void *payload,
				    struct perr *err);
int store_gate_details_each(struct store *s, int64_t app_id, int64_t now, store_gate_detail_cb cb,
			    void *payload, struct perr *err);

struct store_gate_run {
	const char *app, *source, *baseline, *policy_digest, *verdict;
	int64_t at;
	long findings, blocking, warnings, would_block;
};
struct store_gate_item {
	const char *fingerprint, *rule_id, *tier, *decision, *title;
	int64_t finding_id;    /* 0: not stored */
	bool would_block;
};
int store_gate_run_add(struct store *s, const struct store_gate_run *run, int64_t *id_out,
		       struct perr *err);
int store_gate_item_add(struct store *s, int64_t run_id, const struct store_gate_item *it,
			struct perr *err);

/* Per app (NULL: all): how many runs, and how many blocked. */
int store_gate_runs_count(struct store *s, const char *app, long *runs, long *blocked,
			  long *would_block_runs, struct perr *err);
struct store_gate_history_row {
	const char *tier, *rule_id, *title;   /* title: the latest item's */
	long runs;                            /* runs it blocked or would have blocked in */
	long would_block, blocked;            /* items */
	int64_t last_at;
};
typedef int (*store_gate_history_cb)(const struct store_gate_history_row *r, void *payload,
				     struct perr *err);
/* Per tier and rule, most often would-have-blocked first. */
int store_gate_history_each(struct store *s, const char *app, store_gate_history_cb cb,
			    void *payload, struct perr *err);
/* --- correlation: cross-tool keys, aliases, validation, groups (sqlite_correlate.c) --- */

/* Two vulnerability ids name the same vulnerability (kept both ways). */
int store_alias_put(struct store *s, const char *id, const char *alias, struct perr *err);
/* The ids known to name the same vulnerability as id, appended to out (strings in a). */
int store_aliases_get(struct store *s, const char *id, struct arena *a, struct strlist *out,
		      struct perr *err);

/* One correlation key of a finding (docs/correlation.md). */
struct store_corr_key {
	int64_t app_id, finding_id, component_id;  /* component 0: the app as a whole */
	const char *key, *tool;                    /* tool: normalized name */
	unsigned start_line, end_line;             /* a line range (SAST keys); 0: none */
};
int store_corr_key_put(struct store *s, const struct store_corr_key *k, struct perr *err);
/*
 * Which tools hold correlation keys in an app: *n is 0 (none), 1 (one:
 * copied to tool) or 2 (several).
 */
int store_corr_tools(struct store *s, int64_t app_id, char *tool, size_t toollen, int *n,
		     struct perr *err);
/*
 * The findings of k->app_id holding k->key, lowest id first. With a line
 * range: only keys of other tools whose lines overlap it, on findings
 * that this tool did not report under the key already.
 */
typedef int (*store_corr_cb)(int64_t finding_id, int64_t component_id, void *payload,
			     struct perr *err);
int store_corr_candidates(struct store *s, const struct store_corr_key *k, store_corr_cb cb,
			  void *payload, struct perr *err);
/* A finding's ingest state by id; P_ENOTFOUND (no message) when none. */
int store_finding_state_get(struct store *s, int64_t id, struct finding_state *out,
			    struct perr *err);

/*
 * The lineage of a component: itself, what it comes from (a repo builds
 * the image that runs as the service served at the URL) and what comes
 * from it, following links that are not retired. up[i] says whether
 * ids[i] is an ancestor (or itself). Arrays in a.
 */
struct store_lineage {
	int64_t *ids;
	bool *up;
	const char **kinds, **idents;
	size_t n;
};
int store_lineage_get(struct store *s, int64_t component_id, struct arena *a,
		      struct store_lineage *out, struct perr *err);

/* A scan's dedupe tallies: distinct findings its evidence went to, evidence that joined another's. */
int store_scan_dedupe(struct store *s, int64_t scan_id, long findings, long correlated,
		      struct perr *err);
/*
 * Evidence in, findings out: the evidence rows and the findings they make
 * up, of one app (NULL: all apps). ratio is evidence / findings (0 when
 * there are no findings). For metrics and reports.
 */
struct store_dedupe {
	long evidence, findings, scans, scan_evidence;
	double ratio;
};
int store_dedupe_ratio(struct store *s, const char *app, struct store_dedupe *out, struct perr *err);

/*
 * DAST validation: the app's active findings with CWEs (JSON text), the
 * DAST/API ones (dynamic) or the SAST/SCA ones not validated yet.
 */
struct store_cwe_finding {
	int64_t id, component_id;
	const char *cwe, *tool, *title, *path;
};
typedef int (*store_cwe_finding_cb)(const struct store_cwe_finding *f, void *payload,
				    struct perr *err);
int store_cwe_findings_each(struct store *s, int64_t app_id, bool dynamic, store_cwe_finding_cb cb,
			    void *payload, struct perr *err);
/*
 * Record that `related_id` (DAST/API) validates `finding_id` (code) and
 * mark the finding validated (validated_at); *first says whether it was
 * not validated before.
 */
int store_relation_put(struct store *s, int64_t finding_id, int64_t related_id, const char *family,
		       int64_t at, int64_t scan_id, bool *first, struct perr *err);
struct store_relation_row {
	int64_t finding_id, related_id, at;
	const char *relation, *family, *tool, *title, *path;  /* of the other finding */
};
typedef int (*store_relation_cb)(const struct store_relation_row *r, void *payload, struct perr *err);
/* The links of a finding, either end (tool/title/path describe the other end). */
int store_relations_each(struct store *s, int64_t finding_id, store_relation_cb cb, void *payload,
			 struct perr *err);

/* Root-cause groups: what decides the group of each active finding of an app. */
struct store_group_input {
	int64_t finding_id, component_id;
	enum kind kind;
	const char *rule_id;
	/* from one evidence record; a finding gives one row per evidence */
	const char *purl, *name, *version, *fixed_versions;  /* one per line */
	const char *base_image, *os, *layer_created_by, *secret_hash;
};
typedef int (*store_group_input_cb)(const struct store_group_input *in, void *payload,
				    struct perr *err);
int store_group_inputs_each(struct store *s, int64_t app_id, store_group_input_cb cb,
			    void *payload, struct perr *err);
/* Forget the app's group memberships before a rebuild. */
int store_groups_clear(struct store *s, int64_t app_id, struct perr *err);
struct store_group {
	int64_t id, app_id;
	const char *gkey, *kind, *subject, *from, *to, *location;
};
/* Insert or refresh a group by (app, gkey); g->id set. */
int store_group_put(struct store *s, struct store_group *g, int64_t now, struct perr *err);
int store_finding_set_group(struct store *s, int64_t finding_id, int64_t group_id,
			    struct perr *err);
/* Drop the app's groups no finding belongs to any more. */
int store_groups_prune(struct store *s, int64_t app_id, struct perr *err);

struct store_group_row {
	int64_t id;
	const char *app, *kind, *subject, *from, *to, *location;
	long findings, risk;        /* active findings; their summed risk */
	enum severity severity;     /* the worst of them */
};
typedef int (*store_group_cb)(const struct store_group_row *g, void *payload, struct perr *err);
/* Groups by the risk their change removes (app/team NULL: any; id 0: any). */
int store_groups_each(struct store *s, const char *app, const char *team, int64_t id,
		      store_group_cb cb, void *payload, struct perr *err);
/* Components a group's findings were seen on, by kind: "1 repo, 3 services" (in a). */
int store_group_where(struct store *s, int64_t group_id, struct arena *a, const char **out,
		      struct perr *err);
/* The finding ids of a group, worst first. */
typedef int (*store_id_cb)(int64_t id, void *payload, struct perr *err);
int store_group_findings(struct store *s, int64_t group_id, store_id_cb cb, void *payload,
			 struct perr *err);

/* trace: one evidence row with where it was seen. */
struct store_trace_row {
	int64_t first_scan_id, last_scan_id, first_seen, last_seen;
	bool present;
	const char *tool, *component;            /* component "kind:ident", NULL: the app */
	const char *vuln_ids;                    /* JSON array text */
	const char *where;                       /* purl, path:line, URL or image */
	enum severity severity;
};
typedef int (*store_trace_cb)(const struct store_trace_row *r, void *payload, struct perr *err);
/* The evidence rows of a finding, oldest first. */
int store_trace_evidence(struct store *s, int64_t finding_id, store_trace_cb cb, void *payload,
			 struct perr *err);
/* trace: the findings that hold a correlation key matching the SQL LIKE pattern. */
int store_corr_findings_like(struct store *s, const char *pattern, store_id_cb cb, void *payload,
			     struct perr *err);
/* trace: the findings whose vulnerability ids include id. */
int store_findings_with_vuln(struct store *s, const char *id, store_id_cb cb, void *payload,
			     struct perr *err);
/* --- metrics: aggregates over the event history (sqlite_metrics.c, docs/metrics.md) --- */

/*
 * Fill out's counts, sums and medians for q (scope, window, breakdown) from
 * two index scans (the window's status changes, the findings in scope; see
 * sqlite_metrics.c): mttr, groups, sla_*, days and open_now, recurrence, mttd,
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
