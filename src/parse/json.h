/*
 * Small JSON trees, built in an arena from yajl events. A tree is owned by
 * the arena it was built in and dies with it; every pointer below is
 * borrowed from that arena. Strings are NUL-terminated, valid UTF-8 (bad
 * bytes and NULs became U+FFFD), and their length is kept as well.
 * Numbers keep their text as written ("45.0", "1e3").
 */
#ifndef POSTURE_PARSE_JSON_H
#define POSTURE_PARSE_JSON_H

#include "util/arena.h"
#include "util/err.h"

enum jtype { JNULL, JBOOL, JNUM, JSTR, JARR, JOBJ };

struct jnode {
	enum jtype type;
	bool boolean;
	const char *key;        /* member name inside an object, else NULL */
	const char *str;        /* JSTR value, JNUM text */
	size_t len;             /* strlen(str), or number of children */
	struct jnode *first, *last, *next;
};

struct json_limits {
	size_t max_depth;  /* nesting of containers */
	size_t max_string; /* bytes in one string or key */
	size_t max_tree;   /* bytes of arena one tree may use */
};

extern const struct json_limits json_default_limits;

/* Parse a whole document (small ones: VEX files, context spans) into *out. */
int json_parse_tree(struct jnode **out, struct arena *arena, const char *buf,
		    size_t len, const struct json_limits *lim, struct perr *err);

/* Navigation. All accept NULL and return NULL/false for a missing or mistyped node. */
const struct jnode *json_get(const struct jnode *obj, const char *key);
const struct jnode *json_at(const struct jnode *arr, size_t i);
/*
 * Several members in one pass: out[k] = json_get(obj, keys[k]) for each of
 * the n keys, for an object read member by member into many fields.
 */
void json_get_each(const struct jnode *obj, const char *const *keys, size_t n,
		   const struct jnode **out);
/* "a.b.c" through objects only. */
const struct jnode *json_path(const struct jnode *n, const char *path);
const char *json_str(const struct jnode *n);
const char *json_get_str(const struct jnode *obj, const char *key);
/* A string, or the text of a number/boolean ("3", "true"): for ids written either way. */
const char *json_text(const struct jnode *n);
bool json_num(const struct jnode *n, double *out);
bool json_int(const struct jnode *n, long long *out);
bool json_get_num(const struct jnode *obj, const char *key, double *out);
bool json_get_int(const struct jnode *obj, const char *key, long long *out);
bool json_bool(const struct jnode *n, bool *out);
bool json_get_bool(const struct jnode *obj, const char *key, bool *out);
bool json_is(const struct jnode *n, enum jtype t);

#define json_for_each(child, parent) \
	for ((child) = (parent) ? (parent)->first : NULL; (child); (child) = (child)->next)

const char *json_type_name(enum jtype t);
/* With its article, for messages: "an object", "a string". */
const char *json_type_a(enum jtype t);

#endif
