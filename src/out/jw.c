#include "posture.h"
#include "out/jw.h"
#include "util/alloc.h"
#include "util/ptime.h"
#include "util/utf8.h"

#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * The writer keeps yajl_gen's state machine, so that every document comes
 * out exactly as it did when yajl_gen wrote it (goldens and stored evidence
 * JSON stay byte-identical): a value where a key is due, anything after a
 * complete top-level value, and nesting past JW_MAX_DEPTH are dropped.
 * Writing strings ourselves saves the per-piece print callback and the
 * separate UTF-8 check-then-copy pass: the profile of `posture parse` had
 * yajl_gen_string at a third of all instructions.
 */
enum jw_state {
	ST_START = 0,
	ST_MAP_START,
	ST_MAP_KEY,
	ST_MAP_VAL,
	ST_ARR_START,
	ST_IN_ARR,
	ST_COMPLETE,
	ST_MAP_COLON, /* compact: a key and its ':' are out; the value is due */
};

#define INDENT "  "

void jw__grow(struct jw *w, size_t n)
{
	if (pbuf_grow(&w->buf, n) < 0)
		abort(); /* the buffer has no cap: pbuf_grow() only fails on one */
}

/* Room for n more bytes (and the terminating NUL); the buffer has no cap. */
static char *room(struct jw *w, size_t n)
{
	if (w->buf.len + n + 1 > w->buf.alloc)
		jw__grow(w, n);
	return w->buf.buf + w->buf.len;
}

static void put(struct jw *w, const char *s, size_t n)
{
	memcpy(room(w, n), s, n);
	w->buf.len += n;
	w->buf.buf[w->buf.len] = '\0';
}

static void put_indent(struct jw *w)
{
	unsigned i;

	for (i = 0; i < w->depth; i++)
		put(w, INDENT, sizeof(INDENT) - 1);
}

/*
 * Before a value (or a key: is_string): false when it must be dropped;
 * otherwise the separator and, when pretty, the indentation are written.
 */
static bool begin_value(struct jw *w, bool is_string)
{
	unsigned char st = w->state[w->depth];
	char *o;

	if (st == ST_MAP_COLON)
		return true;
	if (st == ST_COMPLETE || (!is_string && (st == ST_MAP_START || st == ST_MAP_KEY)))
		return false;
	if (w->pretty) {
		if (st == ST_MAP_KEY || st == ST_IN_ARR)
			put(w, ",\n", 2);
		else if (st == ST_MAP_VAL)
			put(w, ": ", 2);
		if (st != ST_MAP_VAL)
			put_indent(w);
	} else if (st == ST_MAP_KEY || st == ST_IN_ARR || st == ST_MAP_VAL) {
		o = room(w, 1);
		*o = st == ST_MAP_VAL ? ':' : ',';
		w->buf.len++;
		o[1] = '\0';
	}
	return true;
}

/* The current container took one more item. */
static void appended(struct jw *w)
{
	unsigned char *st = &w->state[w->depth];

	switch (*st) {
	case ST_START:
		*st = ST_COMPLETE;
		break;
	case ST_MAP_START:
	case ST_MAP_KEY:
		*st = ST_MAP_VAL;
		break;
	case ST_ARR_START:
		*st = ST_IN_ARR;
		break;
	case ST_MAP_VAL:
	case ST_MAP_COLON:
		*st = ST_MAP_KEY;
		break;
	default:
		break;
	}
}

static void final_newline(struct jw *w)
{
	if (w->pretty && w->state[w->depth] == ST_COMPLETE)
		put(w, "\n", 1);
}

static void end_value(struct jw *w)
{
	appended(w);
	final_newline(w);
}

/* A scalar written as is (numbers, true/false/null, stored JSON). */
static void scalar(struct jw *w, const char *text, size_t len)
{
	if (!begin_value(w, false))
		return;
	put(w, text, len);
	end_value(w);
}

/* 0: copied as is; 1: escaped; 2: the start of a multi-byte sequence, or NUL */
static const unsigned char byte_class[256] = {
	2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* '"' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* '\\' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/*
 * True when none of the 8 bytes of w needs more than a copy (class 0):
 * no high bit, then no byte below 0x20 and no zero byte after xoring with
 * '"' or '\\' (the classic "has a byte less than" tests, exact for ASCII).
 */
static inline bool plain_value(uint64_t w)
{
	uint64_t quote = w ^ (ONES * '"'), bslash = w ^ (ONES * '\\');

	if (w & HIGHS)
		return false;
	return !((((w - ONES * 0x20) & ~w) | ((quote - ONES) & ~quote) | ((bslash - ONES) & ~bslash)) & HIGHS);
}

static inline bool plain_word(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return plain_value(w);
}

/* True when all n < 16 bytes at p are plain, read in at most two moves. */
static inline bool plain_small(const unsigned char *p, size_t n)
{
	uint32_t a, b;

	if (n >= 8)
		return plain_word(p) && plain_word(p + n - 8);
	if (n >= 4) {
		memcpy(&a, p, 4);
		memcpy(&b, p + n - 4, 4);
		return plain_value(a | (uint64_t)b << 32);
	}
	return !n || !(byte_class[p[0]] | byte_class[p[n / 2]] | byte_class[p[n - 1]]);
}

/* n <= 16 bytes from p to o in at most two (overlapping) moves of a fixed size. */
static inline void copy_small(char *o, const unsigned char *p, size_t n)
{
	uint64_t a, b;
	uint32_t c, d;

	if (n >= 8) {
		memcpy(&a, p, 8);
		memcpy(&b, p + n - 8, 8);
		memcpy(o, &a, 8);
		memcpy(o + n - 8, &b, 8);
	} else if (n >= 4) {
		memcpy(&c, p, 4);
		memcpy(&d, p + n - 4, 4);
		memcpy(o, &c, 4);
		memcpy(o + n - 4, &d, 4);
	} else if (n) {
		o[0] = (char)p[0];
		o[n / 2] = (char)p[n / 2];
		o[n - 1] = (char)p[n - 1];
	}
}

#ifdef __SSE2__
/* Bit k set when byte k of the 16 at p needs more than a copy (class 1 or 2). */
static inline unsigned special16(const unsigned char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	/* signed: bytes from 0x80 up are below 0x20 too, as they should be */
	__m128i m = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
				 _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
					      _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));

	return (unsigned)_mm_movemask_epi8(m);
}
#endif

/*
 * Copy the plain bytes (class 0) from p[*i] on to o, up to `stop` or the
 * first byte that needs more; returns the end of the output. Strings are
 * mostly plain and short: 16 bytes are tested at a time (SSE2, else two
 * words), and a tail shorter than that by a load that ends at `stop` and
 * overlaps what was tested already, or, in a string shorter than 16, by
 * two overlapping loads: no byte past the string is read.
 */
static char *copy_plain(char *o, const unsigned char *p, size_t *ip, size_t stop)
{
	size_t i = *ip, left, n;

#ifdef __SSE2__
	unsigned m;

	while (stop - i >= 16) {
		m = special16(p + i);
		memcpy(o, p + i, 16); /* o has room for 6 bytes per input byte */
		n = m ? (size_t)__builtin_ctz(m) : 16;
		o += n;
		i += n;
		if (m) {
			*ip = i;
			return o;
		}
	}
	left = stop - i;
	if (left && stop >= 16) {
		m = special16(p + stop - 16) >> (16 - left);
		n = m ? (size_t)__builtin_ctz(m) : left;
		copy_small(o, p + i, n);
		*ip = i + n;
		return o + n;
	}
#endif
	while (stop - i >= 16 && plain_word(p + i) && plain_word(p + i + 8)) {
		memcpy(o, p + i, 16);
		o += 16;
		i += 16;
	}
	left = stop - i;
	if (left < 16 && plain_small(p + i, left)) {
		copy_small(o, p + i, left);
		o += left;
		i = stop;
	}
	*ip = i;
	return o;
}

/*
 * Escape p[i..stop) into o, which has room for 6 bytes per input byte plus
 * 3 more per sequence crossing `stop`: valid UTF-8 is copied, every byte
 * that is not part of a valid sequence (and NUL) becomes U+FFFD, as
 * utf8_sanitize() does; then yajl's escapes: \" \\ \b \f \n \r \t and
 * \u00XX (upper-case hex) for the other control characters; '/' and DEL
 * stay as they are. A sequence may run past `stop` (up to len); returns
 * the end of the output and sets *next to the input consumed.
 */
static char *escape(char *o, const unsigned char *p, size_t i, size_t stop, size_t len, size_t *next)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t start, n;

	while (i < stop) {
		o = copy_plain(o, p, &i, stop);
		if (i == stop)
			break;
		if (!byte_class[p[i]]) {
			start = i;
			while (++i < stop && !byte_class[p[i]])
				;
			memcpy(o, p + start, i - start);
			o += i - start;
			continue;
		}
		if (byte_class[p[i]] == 2) {
			n = utf8_seq_len(p + i, len - i);
			if (n) {
				memcpy(o, p + i, n);
				o += n;
				i += n;
			} else {
				memcpy(o, "\xef\xbf\xbd", 3);
				o += 3;
				i++;
			}
			continue;
		}
		*o++ = '\\';
		switch (p[i]) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			memcpy(o, "u00", 3);
			o[3] = hex[p[i] >> 4];
			o[4] = hex[p[i] & 0x0f];
			o += 5;
			break;
		}
		i++;
	}
	*next = i;
	return o;
}

/* The quoted string, escaped a slice at a time so that room stays bounded. */
static void put_string(struct jw *w, const char *s, size_t len)
{
	enum { SLICE = 4096 };
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, stop;
	char *o;

	do {
		stop = len - i > SLICE ? i + SLICE : len;
		o = room(w, 6 * (stop - i) + 8);
		if (!i)
			*o++ = '"';
		o = escape(o, p, i, stop, len, &i);
		if (i == len)
			*o++ = '"';
		w->buf.len = (size_t)(o - w->buf.buf);
	} while (i < len);
	w->buf.buf[w->buf.len] = '\0';
}

void jw_init(struct jw *w, FILE *out, bool pretty)
{
	pbuf_init(&w->buf, 0);
	w->out = out;
	w->pretty = pretty;
	w->tty = out && isatty(fileno(out));
	w->depth = 0;
	memset(w->state, 0, sizeof(w->state));
}

void jw_init_mem(struct jw *w)
{
	jw_init(w, NULL, false);
}

const char *jw_mem(struct jw *w, size_t *len)
{
	*len = w->buf.len;
	return w->buf.buf;
}

static void reset_state(struct jw *w)
{
	w->depth = 0;
	memset(w->state, 0, sizeof(w->state));
}

void jw_mem_clear(struct jw *w)
{
	pbuf_reset(&w->buf);
	reset_state(w);
}

void jw_flush(struct jw *w)
{
	if (!w->out)
		return;
	if (w->buf.len)
		fwrite(w->buf.buf, 1, w->buf.len, w->out);
	pbuf_reset(&w->buf);
}

void jw_release(struct jw *w)
{
	jw_flush(w);
	pbuf_release(&w->buf);
}

void jw_reset_line(struct jw *w)
{
	jw_flush(w);
	if (w->out)
		fputc('\n', w->out);
	reset_state(w);
}

void jw_end_line(struct jw *w)
{
	if (w->out) {
		jw_append_lit(w, "\n");
		room(w, 0)[0] = '\0';
		if (w->buf.len >= JW_FLUSH_AT || w->tty)
			jw_flush(w);
	}
	reset_state(w);
}

static void open_container(struct jw *w, enum jw_state state, char bracket)
{
	if (w->depth + 1 >= JW_MAX_DEPTH || !begin_value(w, false))
		return;
	w->state[++w->depth] = (unsigned char)state;
	put(w, &bracket, 1);
	if (w->pretty)
		put(w, "\n", 1);
}

static void close_container(struct jw *w, char bracket)
{
	if (w->state[w->depth] == ST_COMPLETE || !w->depth)
		return;
	w->depth--;
	if (w->pretty)
		put(w, "\n", 1);
	appended(w);
	if (w->pretty && w->state[w->depth] != ST_MAP_VAL)
		put_indent(w);
	put(w, &bracket, 1);
	final_newline(w);
}

void jw_obj_open(struct jw *w) { open_container(w, ST_MAP_START, '{'); }
void jw_obj_close(struct jw *w) { close_container(w, '}'); }
void jw_arr_open(struct jw *w) { open_container(w, ST_ARR_START, '['); }
void jw_arr_close(struct jw *w) { close_container(w, ']'); }
void jw_null(struct jw *w) { scalar(w, "null", 4); }
void jw_bool(struct jw *w, bool v) { scalar(w, v ? "true" : "false", v ? 4 : 5); }

void jw_strn(struct jw *w, const char *s, size_t len)
{
	if (!s) {
		jw_null(w);
		return;
	}
	if (!begin_value(w, true))
		return;
	put_string(w, s, len);
	end_value(w);
}

void jw_append_str(struct jw *w, const char *s, size_t len)
{
	if (s)
		put_string(w, s, len);
	else
		jw_append_lit(w, "null");
}

bool jw_value_begin(struct jw *w)
{
	return begin_value(w, false);
}

void jw_value_end(struct jw *w)
{
	room(w, 0)[0] = '\0';
	end_value(w);
}

void jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, s ? strlen(s) : 0);
}

void jw_key(struct jw *w, const char *key)
{
	jw_strn(w, key, strlen(key));
}

void jw__key_quoted(struct jw *w, const char *quoted, size_t len)
{
	unsigned char *st = &w->state[w->depth];
	char *o;

	if (w->pretty || (*st != ST_MAP_START && *st != ST_MAP_KEY)) {
		/* the general path keeps what yajl_gen did in every other state */
		jw_strn(w, quoted + 1, len - 3);
		return;
	}
	o = room(w, len + 1);
	if (*st == ST_MAP_KEY)
		*o++ = ',';
	memcpy(o, quoted, len);
	o[len] = '\0';
	w->buf.len = (size_t)(o + len - w->buf.buf);
	*st = ST_MAP_COLON;
}

/* Decimal digits of v into the end of buf[0..21); returns where they start. */
static char *format_int(char *end, long long v)
{
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		*--end = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--end = '-';
	return end;
}

void jw_int(struct jw *w, long long v)
{
	char buf[24], *start = format_int(buf + sizeof(buf), v);

	scalar(w, start, (size_t)(buf + sizeof(buf) - start));
}

void jw_append_int(struct jw *w, long long v)
{
	char buf[24], *start = format_int(buf + sizeof(buf), v);

	jw_append(w, start, (size_t)(buf + sizeof(buf) - start));
}

/*
 * v as %.*g would print it when v is m / 10^k for a whole m of at most
 * `digits` digits and k = 1..3 (risk points such as 12.5 or 0.75), else 0.
 * v * 10^k landing exactly on m leaves v within an ulp of m / 10^k, far
 * from any rounding boundary at `digits` significant digits, so %g would
 * print exactly m / 10^k; 0.001 <= |v| < 10^digits keeps it out of %g's
 * exponent form.
 */
static int short_decimal(char *buf, double v, int digits)
{
	static const long long pow10[] = { 1, 10, 100, 1000 };
	unsigned long long um, ip, fp;
	long long m;
	char *o = buf, *start;
	char digit_buf[24];
	int k, i, ndigits;
	double scaled;

	if (digits > 12 || !(v > -1e12 && v < 1e12))
		return 0;
	for (k = 1; k <= 3; k++) {
		scaled = v * (double)pow10[k];
		m = (long long)scaled;
		if ((double)m == scaled && m % 10)
			break;
	}
	if (k > 3)
		return 0;
	um = m < 0 ? 0ULL - (unsigned long long)m : (unsigned long long)m;
	start = format_int(digit_buf + sizeof(digit_buf), (long long)um);
	ndigits = (int)(digit_buf + sizeof(digit_buf) - start);
	/* m's digits are the significant ones, whether or not v < 1 */
	if (ndigits > (digits < 1 ? 1 : digits))
		return 0;
	ip = um / (unsigned long long)pow10[k];
	fp = um % (unsigned long long)pow10[k];
	if (m < 0)
		*o++ = '-';
	start = format_int(digit_buf + sizeof(digit_buf), (long long)ip);
	memcpy(o, start, (size_t)(digit_buf + sizeof(digit_buf) - start));
	o += digit_buf + sizeof(digit_buf) - start;
	*o++ = '.';
	for (i = k - 1; i >= 0; i--)
		*o++ = (char)('0' + (fp / (unsigned long long)pow10[i]) % 10);
	return (int)(o - buf);
}

/* v as jw_num() writes it, into buf; returns the length. */
static size_t format_num(char buf[static 64], double v, int digits)
{
	char *start;
	int n;

	if (v != v || v > 1e300 || v < -1e300) {
		memcpy(buf, "null", 4);
		return 4;
	}
	/*
	 * Whole numbers with no more than `digits` digits print the same
	 * through %.*g and as an integer; they are most of what we write
	 * (scores, counts), and snprintf of a double is slow.
	 */
	if (v != 0 && v > -1e15 && v < 1e15 && v == (double)(long long)v) {
		start = format_int(buf + 64, (long long)v);
		n = (int)(buf + 64 - start);
		if (n - (v < 0) <= (digits < 1 ? 1 : digits)) {
			memmove(buf, start, (size_t)n);
			return (size_t)n;
		}
	}
	if ((n = short_decimal(buf, v, digits)) > 0)
		return (size_t)n;
	n = snprintf(buf, 64, "%.*g", digits, v);
	return (size_t)n;
}

void jw_num(struct jw *w, double v, int digits)
{
	char buf[64];

	scalar(w, buf, format_num(buf, v, digits));
}

void jw_append_num(struct jw *w, double v, int digits)
{
	char buf[64];

	jw_append(w, buf, format_num(buf, v, digits));
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

void jw_rawn(struct jw *w, const char *json, size_t len)
{
	if (!json || !len)
		jw_null(w);
	else
		scalar(w, json, len);
}

void jw_raw(struct jw *w, const char *json)
{
	jw_rawn(w, json, json ? strlen(json) : 0);
}
