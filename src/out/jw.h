/*
 * JSON writing into a buffer of its own: the text is byte for byte what
 * yajl_gen wrote before (same separators, same pretty layout, same escapes),
 * in one pass per string instead of a print callback per piece. Strings that
 * are not valid UTF-8 are repaired (U+FFFD) on the way out, NULL strings
 * become null. A jw owns its buffer; jw_release() frees it.
 */
#ifndef POSTURE_OUT_JW_H
#define POSTURE_OUT_JW_H

#include "util/buf.h"

/* Nesting deeper than this is dropped, as yajl_gen's YAJL_MAX_DEPTH did. */
#define JW_MAX_DEPTH 128

struct jw {
	struct pbuf buf;
	FILE *out;
	bool pretty;
	bool tty;       /* out is a terminal: jw_end_line() writes each line */
	unsigned depth;
	/* where each open container stands: enum jw_state in jw.c */
	unsigned char state[JW_MAX_DEPTH];
};

/* Write to `out` as the document is generated; pretty for humans when asked. */
void jw_init(struct jw *w, FILE *out, bool pretty);
/* Generate into memory instead; jw_mem() gives the text so far, jw_mem_clear() empties it. */
void jw_init_mem(struct jw *w);
const char *jw_mem(struct jw *w, size_t *len);
void jw_mem_clear(struct jw *w);
void jw_release(struct jw *w);
/* Write what was generated so far to the FILE (a no-op in memory mode). */
void jw_flush(struct jw *w);
/* After a complete top-level value: write it and a newline, allow the next (JSON Lines). */
void jw_reset_line(struct jw *w);
/*
 * The same for a writer that alone writes to its FILE: the newline goes in
 * the buffer and the FILE gets JW_FLUSH_AT bytes or more at a time (and the
 * rest at jw_flush() or jw_release()), not one write per line; a terminal
 * still gets each line as it is complete.
 */
#define JW_FLUSH_AT (64u << 10)
void jw_end_line(struct jw *w);

void jw_obj_open(struct jw *w);
void jw_obj_close(struct jw *w);
void jw_arr_open(struct jw *w);
void jw_arr_close(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s);
void jw_strn(struct jw *w, const char *s, size_t len);
void jw_int(struct jw *w, long long v);
/* %.*g with `digits` significant digits; no "0.30000000000000004". */
void jw_num(struct jw *w, double v, int digits);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* Insert JSON text verbatim: only for JSON posture itself produced and stored. */
void jw_raw(struct jw *w, const char *json);
/* The same for json[0..len), which need not end in NUL. */
void jw_rawn(struct jw *w, const char *json, size_t len);

/*
 * A key written in the source ("tool"): quoted at compile time, with the
 * colon, and never escaped, so it must be plain ASCII without '"' or '\\'.
 */
#define jw_key_lit(w, key) jw__key_quoted((w), "\"" key "\":", sizeof(key) + 2)
void jw__key_quoted(struct jw *w, const char *quoted, size_t len);

/*
 * Fixed layouts (out_evidence_json) write a whole value straight into the
 * buffer, without the state machine: jw_value_begin() is false when the
 * value would be dropped, else its separator (and, when pretty, its
 * indentation) is out; jw_append*() then add its text, which is compact
 * and the caller's to get right, and jw_value_end() completes it.
 */
bool jw_value_begin(struct jw *w);
void jw_value_end(struct jw *w);
void jw__grow(struct jw *w, size_t n);
static inline void jw_append(struct jw *w, const char *s, size_t n)
{
	if (w->buf.len + n >= w->buf.alloc)
		jw__grow(w, n);
	memcpy(w->buf.buf + w->buf.len, s, n);
	w->buf.len += n;
}
/* A string literal of JSON text, appended as is. */
#define jw_append_lit(w, lit) jw_append((w), lit, sizeof(lit) - 1)
/* s quoted and escaped as jw_strn() does; NULL is null. */
void jw_append_str(struct jw *w, const char *s, size_t len);
void jw_append_int(struct jw *w, long long v);
void jw_append_num(struct jw *w, double v, int digits);

/* key + value in one call */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kint(struct jw *w, const char *key, long long v);
void jw_knum(struct jw *w, const char *key, double v, int digits);
void jw_kbool(struct jw *w, const char *key, bool v);
void jw_knull(struct jw *w, const char *key);
/* An ISO-8601 time, or null when t is 0. */
void jw_ktime(struct jw *w, const char *key, int64_t t);

#endif
