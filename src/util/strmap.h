/*
 * A string -> pointer hash map (open addressing). Keys and values are
 * borrowed: the map stores the pointers it is given and frees only its table.
 */
#ifndef POSTURE_UTIL_STRMAP_H
#define POSTURE_UTIL_STRMAP_H

struct strmap_entry {
	const char *key;
	void *value;
	uint64_t hash;
};

struct strmap {
	struct strmap_entry *table;
	size_t size, count; /* size is 0 or a power of two */
};

#define STRMAP_INIT { NULL, 0, 0 }

uint64_t strmap_hash(const char *s, size_t len);
/* Insert or replace. */
void strmap_put(struct strmap *m, const char *key, void *value);
void *strmap_get(const struct strmap *m, const char *key);
void *strmap_getn(const struct strmap *m, const char *key, size_t len);
void strmap_clear(struct strmap *m);
void strmap_release(struct strmap *m);

#endif
