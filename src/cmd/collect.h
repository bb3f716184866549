/*
 * Findings copied out of the store for commands that need them all at
 * once (export). The set owns the copies (finding_clone) and the array;
 * finding_set_release() frees both.
 */
#ifndef POSTURE_CMD_COLLECT_H
#define POSTURE_CMD_COLLECT_H

#include "store/store.h"

struct finding_set {
	const struct finding **v;   /* in the store's order: worst first */
	size_t n, alloc;
};

#define FINDING_SET_INIT { NULL, 0, 0 }

int finding_set_collect(struct finding_set *set, struct store *s, const struct finding_filter *filter,
			struct perr *err);
void finding_set_release(struct finding_set *set);

#endif
