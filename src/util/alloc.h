/*
 * Allocation that never returns NULL: running out of memory is a bug here
 * (all input is bounded), so these print a message and abort. Size
 * arithmetic goes through st_add/st_mult, which abort on overflow.
 */
#ifndef POSTURE_UTIL_ALLOC_H
#define POSTURE_UTIL_ALLOC_H

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void xfree(void *ptr);

size_t st_add(size_t a, size_t b);
size_t st_mult(size_t a, size_t b);

/* Grow *arr (of *alloc elements) so that it holds at least nr elements. */
#define ALLOC_GROW(arr, nr, alloc)                                            \
	do {                                                                  \
		if ((nr) > (alloc)) {                                         \
			(alloc) = (alloc) < 8 ? 8 : st_mult((alloc), 2);      \
			if ((alloc) < (nr))                                   \
				(alloc) = (nr);                               \
			(arr) = xrealloc((arr), st_mult(sizeof(*(arr)), (alloc))); \
		}                                                             \
	} while (0)

#endif
