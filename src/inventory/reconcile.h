/*
 * Bringing the database in line with posture.yaml, and keeping findings
 * with the apps and teams that own them.
 *
 * inventory_reconcile() writes one parsed inventory into the store (the
 * caller holds the transaction) and reports every difference; then it
 * re-homes findings whose components changed hands and recomputes owners.
 * The report owns its strings (its arena); inventory_report_release()
 * frees them.
 */
#ifndef POSTURE_INVENTORY_RECONCILE_H
#define POSTURE_INVENTORY_RECONCILE_H

#include "inventory/inventory.h"
#include "store/store.h"

enum inv_change_op { INV_ADDED = 0, INV_CHANGED, INV_RETIRED };

struct inv_change {
	enum inv_change_op op;
	enum store_inv_type type;
	const char *name;
	const char *field, *from, *to;  /* INV_CHANGED: one entry per field */
	const char *note;               /* "was discovered", "restored", ... */
};

struct inv_report {
	struct arena arena;
	struct inv_change *changes;
	size_t nchanges, changes_alloc;
	long added, changed, retired;   /* things (not fields) */
	long rehomed, merged, assigned; /* findings */
	struct strlist warnings;
};

void inventory_report_init(struct inv_report *r);
void inventory_report_release(struct inv_report *r);
/* Nothing was added, changed, retired, moved or re-assigned. */
bool inventory_report_empty(const struct inv_report *r);

/*
 * Write inv into the store as load `file` (sha256 of its text) at `now`.
 * Components' CODEOWNERS text, when read by the caller, is in
 * codeowners_text[i] / codeowners_len[i] (parallel to inv->components,
 * NULL entries for none).
 */
int inventory_reconcile(struct store *s, const struct inventory *inv, const char *sha256,
			const char *const *codeowners_text, const size_t *codeowners_len,
			int64_t now, struct inv_report *rep, struct perr *err);

/*
 * Findings follow their components: discovered components whose asset is
 * now declared merge into the declared one, findings on a URL move to the
 * declared URL or API that covers them, and findings whose component
 * belongs to another app move there (merging with the same finding when
 * that app already has it). Adds to rep->rehomed and rep->merged.
 */
int inventory_rehome(struct store *s, int64_t now, struct inv_report *rep, struct perr *err);

/*
 * Recompute owners: CODEOWNERS of the finding's repo component for its
 * path, else the team of its app. Findings: ids[0..n) when ids is set,
 * else those on component_id when it is set, else all. Each change is an
 * 'assigned' event; rep->assigned counts them (rep may be NULL).
 */
int inventory_assign_owners(struct store *s, const int64_t *ids, size_t n, int64_t component_id,
			    int64_t now, struct inv_report *rep, struct perr *err);

#endif
