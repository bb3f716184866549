#include "posture.h"
#include "parse/json.h"
#include "parse/json_build.h"
#include "util/alloc.h"
#include "util/utf8.h"

#include <yajl_parse.h>

const struct json_limits json_default_limits = {
	.max_depth = 128,
	.max_string = 16u << 20,
	.max_tree = 64u << 20,
};

void json__builder_init(struct json_builder *b, struct arena *arena,
			const struct json_limits *lim, struct perr *err)
{
	memset(b, 0, sizeof(*b));
	b->arena = arena;
	b->lim = lim;
	b->err = err;
	b->stack = xcalloc(lim->max_depth, sizeof(*b->stack));
	b->base = arena->used_total;
}

void json__builder_release(struct json_builder *b)
{
	xfree(b->stack);
	b->stack = NULL;
}

void json__builder_reset(struct json_builder *b)
{
	b->depth = 0;
	b->root = NULL;
	b->key = NULL;
	b->clean = false;
	b->base = b->arena->used_total;
}

int json__too_big(struct json_builder *b)
{
	return perr_set(b->err, P_ELIMIT, "value exceeds the %zu MiB limit for one record",
			b->lim->max_tree >> 20);
}

int json__too_deep(struct json_builder *b)
{
	return perr_set(b->err, P_ELIMIT, "nesting deeper than %zu levels", b->lim->max_depth);
}

/* The string length limit; 0 or the error code. */
static int check_string(struct json_builder *b, size_t len)
{
	if (len > b->lim->max_string)
		return perr_set(b->err, P_ELIMIT, "string of %zu bytes exceeds the %zu MiB limit",
				len, b->lim->max_string >> 20);
	return 0;
}

static char *copy_text(struct json_builder *b, const char *s, size_t len, size_t *outlen)
{
	char *p;

	if (check_string(b, len))
		return NULL;
	if (b->clean || utf8_is_clean(s, len)) {
		b->clean = false;
		p = arena_alloc(b->arena, len + 1);
		if (p) {
			memcpy(p, s, len);
			p[len] = '\0';
			*outlen = len;
		}
	} else {
		p = arena_alloc(b->arena, utf8_sanitized_max(len));
		if (p)
			*outlen = utf8_sanitize(p, s, len);
	}
	if (!p)
		json__too_big(b);
	return p;
}

int json__b_text(struct json_builder *b, enum jtype t, const char *s, size_t len)
{
	struct jnode *n;
	char *text;
	bool clean;

	if (check_string(b, len))
		return b->err->code;
	/* a number's text is ASCII digits and signs, whoever lexed it */
	clean = t == JNUM || b->clean || utf8_is_clean(s, len);
	b->clean = false;
	if (!(n = json__add_node(b, t, clean ? len + 1 : utf8_sanitized_max(len))))
		return b->err->code;
	text = (char *)(n + 1);
	if (clean) {
		memcpy(text, s, len);
		text[len] = '\0';
		n->len = len;
	} else {
		n->len = utf8_sanitize(text, s, len);
	}
	n->str = text;
	return 0;
}

struct json_intern *json__intern_new(void)
{
	struct json_intern *in = xcalloc(1, sizeof(*in));

	arena_init(&in->arena, 0);
	return in;
}

void json__intern_free(struct json_intern *in)
{
	if (!in)
		return;
	arena_release(&in->arena);
	xfree(in);
}

/* Names are short: their length and first and last bytes tell them apart well enough. */
static uint32_t name_hash(const char *s, size_t len)
{
	uint64_t a = 0, z = 0;

	if (len >= 8) {
		memcpy(&a, s, 8);
		memcpy(&z, s + len - 8, 8);
	} else if (len >= 4) {
		uint32_t x, y;

		memcpy(&x, s, 4);
		memcpy(&y, s + len - 4, 4);
		a = x;
		z = y;
	} else if (len) {
		a = (unsigned char)s[0] | (unsigned char)s[len / 2] << 8 |
		    (uint64_t)(unsigned char)s[len - 1] << 16;
	}
	return (uint32_t)((a * 0x9E3779B97F4A7C15ULL ^ z * 0xC2B2AE3D27D4EB4FULL ^ len) >> 32);
}

/*
 * The shared copy of a clean name, made on first sight; NULL when the
 * table is full. Records repeat their names in the same order, so the
 * slot that followed the previous name last time is tried before hashing.
 */
static const char *intern(struct json_intern *in, const char *s, size_t len)
{
	struct json_interned *guess = &in->slot[in->slot[in->last].next];
	uint32_t h;
	size_t i;
	char *copy;

	if (guess->len == len && guess->s && json__same_name(guess->s, s, len)) {
		in->last = (size_t)(guess - in->slot);
		return guess->s;
	}
	h = name_hash(s, len);
	for (i = h & (JSON_INTERN_SLOTS - 1); in->slot[i].s; i = (i + 1) & (JSON_INTERN_SLOTS - 1))
		if (in->slot[i].len == len && json__same_name(in->slot[i].s, s, len))
			goto found;
	if (in->n >= JSON_INTERN_MAX || !(copy = arena_alloc(&in->arena, len + 1)))
		return NULL;
	memcpy(copy, s, len);
	copy[len] = '\0';
	in->slot[i].s = copy;
	in->slot[i].len = len;
	in->n++;
found:
	in->slot[in->last].next = i;
	in->last = i;
	return in->slot[i].s;
}

int json__b_key_lookup(struct json_builder *b, const char *s, size_t len)
{
	size_t outlen;

	if (b->intern && len < JSON_INTERN_LEN && (b->clean || utf8_is_clean(s, len))) {
		b->clean = false;
		if ((b->key = intern(b->intern, s, len)))
			return 0;
		b->clean = true;
	}
	b->key = copy_text(b, s, len, &outlen);
	return b->key ? 0 : b->err->code;
}

size_t json__error_offset(size_t consumed)
{
	return consumed ? consumed - 1 : 0;
}

void json__where(char *out, size_t outlen, const char *buf, size_t len, size_t offset)
{
	size_t line = 1, col = 1, i;

	if (offset > len)
		offset = len;
	for (i = 0; i < offset; i++) {
		if (buf[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	snprintf(out, outlen, "byte %zu (line %zu, column %zu)", offset, line, col);
}

/* yajl adapters for json_parse_tree() */
static int t_null(void *ctx) { return !json__b_scalar(ctx, JNULL, NULL, 0, false); }
static int t_bool(void *ctx, int v) { return !json__b_scalar(ctx, JBOOL, NULL, 0, v); }
static int t_num(void *ctx, const char *s, size_t l) { return !json__b_scalar(ctx, JNUM, s, l, false); }
static int t_str(void *ctx, const unsigned char *s, size_t l)
{
	return !json__b_scalar(ctx, JSTR, (const char *)s, l, false);
}
static int t_key(void *ctx, const unsigned char *s, size_t l)
{
	return !json__b_key(ctx, (const char *)s, l);
}
static int t_omap(void *ctx) { return !json__b_open(ctx, JOBJ); }
static int t_oarr(void *ctx) { return !json__b_open(ctx, JARR); }
static int t_close(void *ctx) { return !json__b_close(ctx); }

static const yajl_callbacks tree_callbacks = {
	t_null, t_bool, NULL, NULL, t_num, t_str, t_omap, t_key, t_close, t_oarr, t_close,
};

int json_parse_tree(struct jnode **out, struct arena *arena, const char *buf,
		    size_t len, const struct json_limits *lim, struct perr *err)
{
	struct json_builder b;
	yajl_handle h = NULL;
	yajl_status st;
	bool at_end = false;
	int ret = 0;

	json__builder_init(&b, arena, lim ? lim : &json_default_limits, err);
	h = yajl_alloc(&tree_callbacks, NULL, &b);
	yajl_config(h, yajl_dont_validate_strings, 1);
	perr_clear(err);
	st = yajl_parse(h, (const unsigned char *)buf, len);
	if (st == yajl_status_ok) {
		st = yajl_complete_parse(h);
		at_end = true;
	}
	if (st != yajl_status_ok) {
		char where[96];

		json__where(where, sizeof(where), buf, len,
			    at_end ? len : json__error_offset(yajl_get_bytes_consumed(h)));
		if (st == yajl_status_client_canceled) {
			perr_prefix(err, "%s", where);
		} else {
			unsigned char *msg = yajl_get_error(h, 0, NULL, 0);

			char *nl = strchr((char *)msg, '\n');

			if (nl)
				*nl = '\0';
			perr_set(err, P_EINVALID, "%s: invalid JSON: %s", where, (char *)msg);
			yajl_free_error(h, msg);
		}
		ret = err->code ? err->code : P_EINVALID;
		goto done;
	}
	if (!b.root) {
		ret = perr_set(err, P_EINVALID, "empty document");
		goto done;
	}
	*out = b.root;
done:
	yajl_free(h);
	json__builder_release(&b);
	return ret;
}

const char *json_type_name(enum jtype t)
{
	static const char *names[] = { "null", "boolean", "number", "string", "array", "object" };

	return names[t];
}

const char *json_type_a(enum jtype t)
{
	static const char *names[] = { "null", "a boolean", "a number", "a string", "an array",
				       "an object" };

	return names[t];
}

bool json_is(const struct jnode *n, enum jtype t)
{
	return n && n->type == t;
}

/*
 * Names that share a first byte often share the second too ("startLine",
 * "startColumn"), but most do not: two bytes tested here spare most calls
 * of strcmp(). Reading b[1] is safe once a[0] == b[0] != '\0'.
 */
static inline bool key_eq(const char *a, const char *b)
{
	return a[0] == b[0] && (!a[0] || (a[1] == b[1] && !strcmp(a, b)));
}

const struct jnode *json_get(const struct jnode *obj, const char *key)
{
	const struct jnode *c;

	if (!obj || obj->type != JOBJ)
		return NULL;
	for (c = obj->first; c; c = c->next)
		if (key_eq(c->key, key))
			return c;
	return NULL;
}

void json_get_each(const struct jnode *obj, const char *const *keys, size_t n,
		   const struct jnode **out)
{
	const struct jnode *c;
	size_t k;

	for (k = 0; k < n; k++)
		out[k] = NULL;
	if (!obj || obj->type != JOBJ)
		return;
	for (c = obj->first; c; c = c->next)
		for (k = 0; k < n; k++)
			if (key_eq(c->key, keys[k])) {
				if (!out[k])
					out[k] = c;
				break;
			}
}

const struct jnode *json_at(const struct jnode *arr, size_t i)
{
	const struct jnode *c;

	if (!arr || arr->type != JARR)
		return NULL;
	for (c = arr->first; c && i; c = c->next)
		i--;
	return c;
}

const struct jnode *json_path(const struct jnode *n, const char *path)
{
	char key[128];
	const char *dot;
	size_t len;

	while (n && *path) {
		dot = strchr(path, '.');
		len = dot ? (size_t)(dot - path) : strlen(path);
		if (len >= sizeof(key))
			return NULL;
		memcpy(key, path, len);
		key[len] = '\0';
		n = json_get(n, key);
		path += len + (dot ? 1 : 0);
	}
	return n;
}

const char *json_str(const struct jnode *n)
{
	return n && n->type == JSTR ? n->str : NULL;
}

const char *json_get_str(const struct jnode *obj, const char *key)
{
	return json_str(json_get(obj, key));
}

const char *json_text(const struct jnode *n)
{
	if (!n)
		return NULL;
	if (n->type == JSTR || n->type == JNUM)
		return n->str;
	if (n->type == JBOOL)
		return n->boolean ? "true" : "false";
	return NULL;
}

/*
 * Most numbers in reports are short integers (lines, columns, indexes):
 * up to 15 digits they are exact in a double, and strtod() would give the
 * same value at many times the cost.
 */
static bool small_int(const char *s, size_t len, long long *out)
{
	size_t i = s[0] == '-';
	long long v = 0;
	unsigned d;

	if (len - i < 1 || len - i > 15)
		return false;
	for (; i < len; i++) {
		d = (unsigned)(unsigned char)s[i] - '0';
		if (d > 9)
			return false;
		v = v * 10 + d;
	}
	*out = s[0] == '-' ? -v : v;
	return true;
}

static bool small_integer(const char *s, size_t len, double *out)
{
	long long v;

	if (!small_int(s, len, &v))
		return false;
	/* "-0" stays a negative zero, as strtod() reads it */
	*out = s[0] == '-' && !v ? -0.0 : (double)v;
	return true;
}

bool json_num(const struct jnode *n, double *out)
{
	char *end;
	double v;

	if (!n || (n->type != JNUM && n->type != JSTR) || !n->len)
		return false;
	if (small_integer(n->str, n->len, out))
		return true;
	errno = 0;
	v = strtod(n->str, &end);
	if (errno || *end || end == n->str)
		return false;
	*out = v;
	return true;
}

bool json_int(const struct jnode *n, long long *out)
{
	double v;

	/* the common case without a double: what json_num() would give, truncated */
	if (n && (n->type == JNUM || n->type == JSTR) && n->len && small_int(n->str, n->len, out))
		return true;
	if (!json_num(n, &v) || !(v >= -9e15 && v <= 9e15)) /* NaN too */
		return false;
	*out = (long long)v;
	return true;
}

bool json_get_num(const struct jnode *obj, const char *key, double *out)
{
	return json_num(json_get(obj, key), out);
}

bool json_get_int(const struct jnode *obj, const char *key, long long *out)
{
	return json_int(json_get(obj, key), out);
}

bool json_bool(const struct jnode *n, bool *out)
{
	if (!n)
		return false;
	if (n->type == JBOOL) {
		*out = n->boolean;
		return true;
	}
	if (n->type == JSTR && (!strcmp(n->str, "true") || !strcmp(n->str, "false"))) {
		*out = n->str[0] == 't';
		return true;
	}
	return false;
}

bool json_get_bool(const struct jnode *obj, const char *key, bool *out)
{
	return json_bool(json_get(obj, key), out);
}
