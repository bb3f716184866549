/*
 * struct arena: a bump allocator for things that die together (one JSON
 * record and the evidence built from it, one ingest's small strings).
 * Allocations are never freed one by one: arena_reset() drops them all but
 * keeps the first block for reuse, arena_release() returns everything.
 * An arena may carry a cap on its total size; past it, arena_alloc returns
 * NULL and the caller reports P_ELIMIT (the only NULL return here).
 */
#ifndef POSTURE_UTIL_ARENA_H
#define POSTURE_UTIL_ARENA_H

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used_total, max;
};

#define ARENA_INIT { NULL, 0, 0 }

void arena_init(struct arena *a, size_t max);
void arena_release(struct arena *a);
void arena_reset(struct arena *a);

/* Aligned memory, uninitialised; NULL only when the cap is reached. */
void *arena_alloc(struct arena *a, size_t size);
void *arena_zalloc(struct arena *a, size_t size);
/* NUL-terminated copy of s[0..n). */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) P_PRINTF(2, 3);

#endif
