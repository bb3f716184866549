#include "posture.h"
#include "util/strmap.h"
#include "util/alloc.h"

/* FNV-1a, 64-bit: tiny, and good enough for tables of rule ids and names. */
uint64_t strmap_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void grow(struct strmap *m)
{
	struct strmap_entry *old = m->table;
	size_t oldsize = m->size, i;

	m->size = m->size ? st_mult(m->size, 2) : 16;
	m->table = xcalloc(m->size, sizeof(*m->table));
	m->count = 0;
	for (i = 0; i < oldsize; i++)
		if (old[i].key) {
			size_t j = old[i].hash & (m->size - 1);

			while (m->table[j].key)
				j = (j + 1) & (m->size - 1);
			m->table[j] = old[i];
			m->count++;
		}
	xfree(old);
}

void strmap_put(struct strmap *m, const char *key, void *value)
{
	size_t len = strlen(key), j;
	uint64_t h = strmap_hash(key, len);

	if ((m->count + 1) * 4 > m->size * 3)
		grow(m);
	for (j = h & (m->size - 1); m->table[j].key; j = (j + 1) & (m->size - 1))
		if (m->table[j].hash == h && !strcmp(m->table[j].key, key)) {
			m->table[j].value = value;
			return;
		}
	m->table[j].key = key;
	m->table[j].value = value;
	m->table[j].hash = h;
	m->count++;
}

void *strmap_getn(const struct strmap *m, const char *key, size_t len)
{
	uint64_t h;
	size_t j;

	if (!m->size)
		return NULL;
	h = strmap_hash(key, len);
	for (j = h & (m->size - 1); m->table[j].key; j = (j + 1) & (m->size - 1))
		if (m->table[j].hash == h && !strncmp(m->table[j].key, key, len) &&
		    !m->table[j].key[len])
			return m->table[j].value;
	return NULL;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	return strmap_getn(m, key, strlen(key));
}

void strmap_clear(struct strmap *m)
{
	if (m->table)
		memset(m->table, 0, m->size * sizeof(*m->table));
	m->count = 0;
}

void strmap_release(struct strmap *m)
{
	xfree(m->table);
	m->table = NULL;
	m->size = m->count = 0;
}
