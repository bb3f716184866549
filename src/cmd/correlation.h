/*
 * Correlation at ingest, wiring engine/correlate to the store: which
 * existing finding an evidence record of another tool (or another place)
 * joins, what the ingest teaches the alias table, DAST findings validating
 * code findings, and rebuilding an app's root-cause groups.
 *
 * A struct correlator belongs to one ingest (one transaction) and is freed
 * by correlator_free(); it caches component lineage for that ingest.
 */
#ifndef POSTURE_CMD_CORRELATION_H
#define POSTURE_CMD_CORRELATION_H

#include "model/evidence.h"
#include "store/store.h"

struct correlator;

void correlator_open(struct correlator **out, struct store *s);
void correlator_free(struct correlator *c);

/*
 * Compute the keys of ev (placed on app_id, component_id) and look for a
 * finding that holds one on a component of the same lineage: 0 with
 * *finding_id set, P_ENOTFOUND (no message) when none.
 */
int correlator_find(struct correlator *c, const struct evidence *ev, int64_t app_id,
		    int64_t component_id, int64_t *finding_id, struct perr *err);
/*
 * ev was stored on finding_id (after correlator_find() for the same ev):
 * remember its keys for the finding and its vulnerability aliases.
 */
int correlator_note(struct correlator *c, const struct evidence *ev, int64_t finding_id,
		    struct perr *err);

/*
 * Link the app's DAST/API findings with the code findings of the same
 * weakness family on the components behind them; each code finding
 * validated for the first time gets a 'validated' event and its id
 * appended to *ids.
 */
int correlator_validate(struct correlator *c, int64_t app_id, int64_t scan_id, int64_t at,
			int64_t **ids, size_t *nids, size_t *ids_alloc, struct perr *err);

/* Recompute the app's root-cause groups from its active findings. */
int correlator_group(struct correlator *c, int64_t app_id, int64_t now, struct perr *err);

#endif
