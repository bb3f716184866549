/*
 * Internal to src/parse: turns yajl events into a struct jnode tree.
 * Used by json_parse_tree() and by the streaming record layer, which feeds
 * it only the events of the record or context value it materializes.
 */
#ifndef POSTURE_PARSE_JSON_BUILD_H
#define POSTURE_PARSE_JSON_BUILD_H

#include "parse/json.h"

/*
 * Member names repeat record after record: a streaming parse keeps one
 * copy of each (up to a bound) for the whole document instead of one per
 * record. Owned by whoever set it up; trees must not outlive it.
 */
struct json_interned {
	const char *s;
	size_t len;
	size_t next;            /* the slot of the name that followed this one last time */
};

#define JSON_INTERN_SLOTS 1024 /* a power of two */
#define JSON_INTERN_MAX 512    /* names kept; later ones are copied as before */
#define JSON_INTERN_LEN 64     /* longer names are copied as before */

struct json_intern {
	struct arena arena;
	size_t n;
	size_t last;            /* the slot of the name interned last */
	struct json_interned slot[JSON_INTERN_SLOTS];
};

struct json_intern *json__intern_new(void);
void json__intern_free(struct json_intern *in);

struct json_builder {
	struct arena *arena;
	const struct json_limits *lim;
	struct jnode **stack;   /* open containers, lim->max_depth of them */
	size_t depth;
	struct jnode *root;     /* set by the first value */
	const char *key;        /* pending member name */
	size_t base;            /* arena usage when the tree started */
	struct perr *err;
	struct json_intern *intern; /* member names shared across trees, or NULL */
	/*
	 * Set by the caller for the next string or name only: its bytes are
	 * known to be valid UTF-8 without NUL (the scanner saw only ASCII).
	 */
	bool clean;
};

void json__builder_init(struct json_builder *b, struct arena *arena,
			const struct json_limits *lim, struct perr *err);
void json__builder_release(struct json_builder *b);
/* Start a new tree in the same arena. */
void json__builder_reset(struct json_builder *b);
/* True when the root value is complete. */
static inline bool json__builder_done(const struct json_builder *b)
{
	return b->root && b->depth == 0;
}

/* Event handlers: 0 on success, negative with b->err set. */
int json__b_scalar(struct json_builder *b, enum jtype t, const char *s, size_t len, bool v);
int json__b_key(struct json_builder *b, const char *s, size_t len);
int json__b_open(struct json_builder *b, enum jtype t);
static inline int json__b_close(struct json_builder *b)
{
	if (b->depth)
		b->depth--;
	return 0;
}

/* yajl reports the offset after the offending byte: point at the byte itself. */
size_t json__error_offset(size_t consumed);

/* "byte N (line L, column C)" for an offset into buf (bytes count from 0). */
void json__where(char *out, size_t outlen, const char *buf, size_t len, size_t offset);

#endif
