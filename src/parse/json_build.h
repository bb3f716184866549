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

/* The uncommon cases of the handlers below, out of line (json.c). */
int json__too_big(struct json_builder *b);
int json__too_deep(struct json_builder *b);
/* A string or number not known clean, or perhaps too long. */
int json__b_text(struct json_builder *b, enum jtype t, const char *s, size_t len);
/* A member name, in general. */
int json__b_key_lookup(struct json_builder *b, const char *s, size_t len);

/*
 * The handlers are inline: the streaming scan calls them a few dozen
 * times per record, and a call cost a good part of what they do.
 */

/*
 * A new node with `extra` bytes behind it for its text (one bump of the
 * arena for both). Every field is set here: no memset.
 */
static inline struct jnode *json__add_node(struct json_builder *b, enum jtype t, size_t extra)
{
	struct jnode *n = arena_alloc(b->arena, sizeof(*n) + extra), *parent;

	if (!n) {
		json__too_big(b);
		return NULL;
	}
	n->type = t;
	n->boolean = false;
	n->key = NULL;
	n->str = NULL;
	n->len = 0;
	n->first = n->last = n->next = NULL;
	if (!b->depth) {
		b->root = n;
		return n;
	}
	parent = b->stack[b->depth - 1];
	if (parent->type == JOBJ) {
		n->key = b->key ? b->key : "";
		b->key = NULL;
	}
	if (parent->last)
		parent->last->next = n;
	else
		parent->first = n;
	parent->last = n;
	parent->len++;
	return n;
}

/* Event handlers: 0 on success, negative with b->err set. */
static inline int json__b_scalar(struct json_builder *b, enum jtype t, const char *s, size_t len,
				 bool v)
{
	struct jnode *n;
	char *text;

	if (b->arena->used_total - b->base > b->lim->max_tree)
		return json__too_big(b);
	if (t != JSTR && t != JNUM) {
		if (!(n = json__add_node(b, t, 0)))
			return b->err->code;
		n->boolean = v;
		return 0;
	}
	/* a number's text is ASCII digits and signs, whoever lexed it */
	if (len > b->lim->max_string || !(t == JNUM || b->clean))
		return json__b_text(b, t, s, len);
	b->clean = false;
	if (!(n = json__add_node(b, t, len + 1)))
		return b->err->code;
	text = (char *)(n + 1);
	memcpy(text, s, len);
	text[len] = '\0';
	n->len = len;
	n->str = text;
	return 0;
}

/*
 * a[0..len) == b[0..len), for the short names of a report without a call:
 * two loads that overlap when len is not a power of two.
 */
static inline bool json__same_name(const char *a, const char *b, size_t len)
{
	uint64_t x, y, u, v;

	if (len >= 8 && len <= 16) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&u, a + len - 8, 8);
		memcpy(&v, b + len - 8, 8);
		return ((x ^ y) | (u ^ v)) == 0;
	}
	if (len >= 4 && len < 8) {
		uint32_t p, q, r, t;

		memcpy(&p, a, 4);
		memcpy(&q, b, 4);
		memcpy(&r, a + len - 4, 4);
		memcpy(&t, b + len - 4, 4);
		return ((p ^ q) | (r ^ t)) == 0;
	}
	return !memcmp(a, b, len);
}

/*
 * A clean name that follows the previous one as it did last time (records
 * repeat their names in order) is the shared copy at once; anything else
 * is looked up.
 */
static inline int json__b_key(struct json_builder *b, const char *s, size_t len)
{
	struct json_intern *in = b->intern;

	if (in && b->clean) {
		struct json_interned *guess = &in->slot[in->slot[in->last].next];

		if (guess->len == len && guess->s && json__same_name(guess->s, s, len)) {
			in->last = (size_t)(guess - in->slot);
			b->clean = false;
			b->key = guess->s;
			return 0;
		}
	}
	return json__b_key_lookup(b, s, len);
}

static inline int json__b_open(struct json_builder *b, enum jtype t)
{
	struct jnode *n;

	if (b->depth >= b->lim->max_depth)
		return json__too_deep(b);
	if (b->arena->used_total - b->base > b->lim->max_tree)
		return json__too_big(b);
	if (!(n = json__add_node(b, t, 0)))
		return b->err->code;
	b->stack[b->depth++] = n;
	return 0;
}

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
