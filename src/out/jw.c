#include "posture.h"
#include "out/jw.h"
#include "util/alloc.h"
#include "util/ptime.h"
#include "util/utf8.h"

/*
 * yajl_gen would call a print callback per token; writing its buffer once
 * per record instead is several times faster (see bench/sarif.sh).
 */
void jw_init(struct jw *w, FILE *out, bool pretty)
{
	w->out = out;
	w->g = yajl_gen_alloc(NULL);
	if (pretty) {
		yajl_gen_config(w->g, yajl_gen_beautify, 1);
		yajl_gen_config(w->g, yajl_gen_indent_string, "  ");
	}
}

void jw_init_mem(struct jw *w)
{
	w->out = NULL;
	w->g = yajl_gen_alloc(NULL);
}

const char *jw_mem(struct jw *w, size_t *len)
{
	const unsigned char *buf = NULL;

	yajl_gen_get_buf(w->g, &buf, len);
	return (const char *)buf;
}

void jw_mem_clear(struct jw *w)
{
	yajl_gen_clear(w->g);
	yajl_gen_reset(w->g, NULL);
}

void jw_flush(struct jw *w)
{
	size_t len = 0;
	const char *text;

	if (!w->out || !w->g)
		return;
	text = jw_mem(w, &len);
	if (len)
		fwrite(text, 1, len, w->out);
	yajl_gen_clear(w->g);
}

void jw_release(struct jw *w)
{
	jw_flush(w);
	if (w->g)
		yajl_gen_free(w->g);
	w->g = NULL;
}

void jw_reset_line(struct jw *w)
{
	jw_flush(w);
	if (w->out)
		fputc('\n', w->out);
	yajl_gen_reset(w->g, NULL);
}

void jw_obj_open(struct jw *w) { yajl_gen_map_open(w->g); }
void jw_obj_close(struct jw *w) { yajl_gen_map_close(w->g); }
void jw_arr_open(struct jw *w) { yajl_gen_array_open(w->g); }
void jw_arr_close(struct jw *w) { yajl_gen_array_close(w->g); }
void jw_null(struct jw *w) { yajl_gen_null(w->g); }
void jw_bool(struct jw *w, bool v) { yajl_gen_bool(w->g, v); }

void jw_strn(struct jw *w, const char *s, size_t len)
{
	char *fixed;

	if (!s) {
		yajl_gen_null(w->g);
		return;
	}
	if (utf8_is_clean(s, len)) {
		yajl_gen_string(w->g, (const unsigned char *)s, len);
		return;
	}
	fixed = xmalloc(utf8_sanitized_max(len));
	len = utf8_sanitize(fixed, s, len);
	yajl_gen_string(w->g, (const unsigned char *)fixed, len);
	xfree(fixed);
}

void jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, s ? strlen(s) : 0);
}

void jw_key(struct jw *w, const char *key)
{
	yajl_gen_string(w->g, (const unsigned char *)key, strlen(key));
}

void jw_int(struct jw *w, long long v)
{
	yajl_gen_integer(w->g, v);
}

void jw_num(struct jw *w, double v, int digits)
{
	char buf[64];
	int n;

	if (v != v || v > 1e300 || v < -1e300) {
		yajl_gen_null(w->g);
		return;
	}
	n = snprintf(buf, sizeof(buf), "%.*g", digits, v);
	yajl_gen_number(w->g, buf, (size_t)n);
}

void jw_kstr(struct jw *w, const char *key, const char *s) { jw_key(w, key); jw_str(w, s); }
void jw_kint(struct jw *w, const char *key, long long v) { jw_key(w, key); jw_int(w, v); }
void jw_knum(struct jw *w, const char *key, double v, int digits) { jw_key(w, key); jw_num(w, v, digits); }
void jw_kbool(struct jw *w, const char *key, bool v) { jw_key(w, key); jw_bool(w, v); }
void jw_knull(struct jw *w, const char *key) { jw_key(w, key); jw_null(w); }

void jw_ktime(struct jw *w, const char *key, int64_t t)
{
	char buf[21];

	jw_key(w, key);
	if (!t) {
		jw_null(w);
		return;
	}
	ptime_format(buf, t);
	jw_str(w, buf);
}

void jw_raw(struct jw *w, const char *json)
{
	/* yajl_gen_number writes its text as is, with the right separators */
	if (!json || !*json)
		yajl_gen_null(w->g);
	else
		yajl_gen_number(w->g, json, strlen(json));
}
