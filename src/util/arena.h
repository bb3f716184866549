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

#define ARENA_ALIGN 16

/* The head block is the one being filled; internal to arena.c but for arena_alloc(). */
struct arena_block {
	struct arena_block *next;
	size_t size, used;
	_Alignas(ARENA_ALIGN) unsigned char mem[];
};

struct arena {
	struct arena_block *head;
	size_t used_total, max;
};

#define ARENA_INIT { NULL, 0, 0 }

void arena_init(struct arena *a, size_t max);
void arena_release(struct arena *a);
void arena_reset(struct arena *a);

void *arena__alloc_slow(struct arena *a, size_t size);

/*
 * Aligned memory, uninitialised; NULL only when the cap is reached.
 * Inline: a parse allocates a few dozen times per record, and the common
 * case is a bump in the head block of an arena without a cap.
 */
static inline void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_block *b = a->head;
	size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (!b || a->max || rounded < size || b->size - b->used < rounded)
		return arena__alloc_slow(a, size);
	p = b->mem + b->used;
	b->used += rounded;
	a->used_total += rounded;
	return p;
}

void *arena_zalloc(struct arena *a, size_t size);
/* NUL-terminated copy of s[0..n). */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) P_PRINTF(2, 3);

#endif
