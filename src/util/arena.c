#include "posture.h"
#include "util/arena.h"
#include "util/alloc.h"

#define ARENA_BLOCK 65536

void arena_init(struct arena *a, size_t max)
{
	a->head = NULL;
	a->used_total = 0;
	a->max = max;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head, *next;

	while (b) {
		next = b->next;
		xfree(b);
		b = next;
	}
	a->head = NULL;
	a->used_total = 0;
}

void arena_reset(struct arena *a)
{
	struct arena_block *b, *next;

	if (!a->head)
		return;
	/* keep the last (oldest) block: it is the standard size */
	b = a->head;
	while (b->next) {
		next = b->next;
		xfree(b);
		b = next;
	}
	b->used = 0;
	a->head = b;
	a->used_total = 0;
}

void *arena__alloc_slow(struct arena *a, size_t size)
{
	struct arena_block *b = a->head;
	size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (rounded < size)
		return NULL;
	if (a->max && (a->used_total + rounded > a->max || rounded > a->max))
		return NULL;
	if (!b || b->size - b->used < rounded) {
		size_t bsize = rounded > ARENA_BLOCK ? rounded : ARENA_BLOCK;
		struct arena_block *nb = xmalloc(st_add(sizeof(*nb), bsize));

		nb->size = bsize;
		nb->used = 0;
		/*
		 * A large one-off block goes behind the head, so that the
		 * head's free space is not wasted.
		 */
		if (b && bsize > ARENA_BLOCK) {
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->head = nb;
		}
		b = nb;
	}
	p = b->mem + b->used;
	b->used += rounded;
	a->used_total += rounded;
	return p;
}

void *arena_zalloc(struct arena *a, size_t size)
{
	void *p = arena_alloc(a, size);

	if (p)
		memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, st_add(n, 1));

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}
