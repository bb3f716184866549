/*
 * Scan coverage: for each app and scanner kind, when it was last scanned
 * and whether that is a gap. Pure: the caller fills the cells from the
 * store; coverage_flag() decides the flags (docs/inventory.md, Coverage).
 */
#ifndef POSTURE_INVENTORY_COVERAGE_H
#define POSTURE_INVENTORY_COVERAGE_H

#define COVERAGE_KINDS 8
/* sast, sca, secret, container, iac, dast, api, cloud */
extern const char *const coverage_kinds[COVERAGE_KINDS];
/* The column of a kind name, or -1 for kinds coverage does not track. */
int coverage_kind_index(const char *kind);

enum {
	COVERAGE_NEVER = 1,   /* no scan of this kind ever covered the app */
	COVERAGE_STALE = 2,   /* the last one is older than stale_days */
	COVERAGE_SILENT = 4,  /* scanned, never any evidence, while the kind finds plenty elsewhere */
};

struct coverage_cell {
	int64_t last_scan;   /* 0: never */
	long scans, evidence, active;
	unsigned flags;
};

struct coverage_app {
	int64_t id;
	const char *name, *team, *criticality;
	struct coverage_cell cells[COVERAGE_KINDS];
};

struct coverage_opts {
	int64_t now;
	long stale_days;     /* default 30 */
	long silent_min;     /* median evidence elsewhere to call silence suspicious; default 5 */
	long silent_apps;    /* other apps scanned by the kind needed to judge; default 3 */
};

/*
 * Set every cell's flags. medians[k] receives, per kind, the median
 * evidence count of the apps that kind scanned (-1 when none did).
 */
void coverage_flag(struct coverage_app *apps, size_t n, const struct coverage_opts *o,
		   double medians[COVERAGE_KINDS]);

#endif
