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

#define SCORING_SOURCE_MAX 4096

/*
 * The policy in force: the file $POSTURE_POLICY names, else
 * posture-policy.yaml beside the database, else the built-in policy.
 * `file` (when not NULL) overrides all three. source_out says which, for
 * people ("posture-policy.yaml", "built-in defaults").
 */
int scoring_load_policy(struct policy **out, char source_out[static SCORING_SOURCE_MAX],
			const char *db_path, const char *file, struct perr *err);

#endif
