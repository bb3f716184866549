#include "posture.h"
#include "parse/jrec.h"
#include "parse/json_build.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/utf8.h"

#include <pthread.h>
#include <stdatomic.h>
#include <yajl_parse.h>
#ifdef __SSE2__
#include <emmintrin.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* AVX2 where the CPU has it, chosen at run time (jrec_parse) */
#define JREC_AVX2 1
#include <immintrin.h>
#endif
#endif

#define MAX_TNODES 64
#define MAX_KEY 64
#define MAX_FRAMES 64
#define PROGRESS_STEP (4u << 20)

/* The declared paths, compiled into a trie walked in step with the input. */
struct tnode {
	char key[MAX_KEY];     /* member name (for key children) */
	int parent;
	int idx_child;         /* child for "[*]", or -1 */
	int first_child;       /* key children, linked by next */
	int next;
	int record;            /* index into records[], or -1 */
	int context;           /* index into context[], or -1 */
	bool is_scope;         /* some context path belongs to objects here */
};

struct frame {
	int tnode;
	bool is_array;
	size_t index;          /* elements seen so far (arrays) */
	char key[MAX_KEY];     /* current member (objects) */
	bool key_ok;           /* the key fit in key[] */
};

enum mode { TRACK, SKIP, BUILD };

/*
 * The scan-ahead pipeline. The calling thread runs the format's callback
 * (mapping, fingerprints, whatever the caller does with the evidence)
 * while a second thread scans the JSON and builds the record trees ahead
 * of it: on two cores the two halves of a parse overlap. Records cross in
 * batches, each with its own arena holding the trees and whatever the
 * callback derives from them; a ring of PIPE_BATCHES bounds the memory.
 */
#define PIPE_BATCHES 8
#define BATCH_RECORDS 64
#define BATCH_BYTES (48u << 10) /* within an arena's first block, reused batch after batch */
/* Spins before a side sleeps: a futex sleep and wake-up cost more than a batch's wait. */
#define PIPE_SPINS 256

struct jrec_item {
	struct jrec rec;
	/* the place, for a callback's error: see item_path() */
	const char *parent;     /* path of the frames above the record's own */
	size_t last_index;      /* the record's index, when last_array */
	bool last_array;        /* the record is an element of an array */
	bool has_frames;
};

struct batch {
	struct arena arena;
	struct jrec_item item[BATCH_RECORDS];
	size_t n;
	/* context trees whose object ended: freed once the batch is consumed */
	struct arena *retired;
	size_t nretired, retired_alloc;
	bool last;              /* the producer's final batch */
};

/*
 * One producer, one consumer. Each side publishes its counter and looks
 * at the other's without a lock; it takes the lock only to sleep, after
 * saying so in *_sleeping, and the other side wakes it when it sees that
 * (all sequentially consistent, so one of the two always sees the other).
 */
struct pipe {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t ready;   /* a batch was handed over */
	pthread_cond_t freed;   /* a batch was given back */
	struct batch batch[PIPE_BATCHES];
	atomic_size_t produced, consumed; /* batches handed over / given back, ever */
	atomic_bool producer_sleeping, consumer_sleeping;
	atomic_bool cancel;     /* the callback failed: stop scanning */
	long result;            /* the producer's outcome: 0, or a negative code in err */
	struct perr err;
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* Wait until *counter differs from seen (or cancel), spinning first, then sleeping on cond. */
static void pipe_wait(struct pipe *p, atomic_size_t *counter, size_t seen,
		      atomic_bool *sleeping, pthread_cond_t *cond)
{
	int i;

	for (i = 0; i < PIPE_SPINS; i++) {
		if (atomic_load(counter) != seen || atomic_load(&p->cancel))
			return;
		cpu_relax();
	}
	pthread_mutex_lock(&p->lock);
	atomic_store(sleeping, true);
	while (atomic_load(counter) == seen && !atomic_load(&p->cancel))
		pthread_cond_wait(cond, &p->lock);
	atomic_store(sleeping, false);
	pthread_mutex_unlock(&p->lock);
}

/* Bump counter and wake the other side if it sleeps on cond. */
static void pipe_post(struct pipe *p, atomic_size_t *counter, atomic_bool *sleeping,
		      pthread_cond_t *cond)
{
	atomic_fetch_add(counter, 1);
	if (atomic_load(sleeping)) {
		pthread_mutex_lock(&p->lock);
		pthread_cond_signal(cond);
		pthread_mutex_unlock(&p->lock);
	}
}

struct jrec_state {
	const char *buf;
	size_t len;
	const struct jrec_format *fmt;
	const struct jrec_opts *opts;
	struct json_limits lim;
	jrec_cb cb;
	void *payload;
	struct perr *err;
	yajl_handle yajl;

	struct tnode t[MAX_TNODES];
	int nt;
	int ctx_scope[JREC_MAX_PATHS];              /* scope tnode of each context path */
	int nctx;                                   /* context paths */
	const struct jnode *ctx[JREC_MAX_PATHS];
	struct arena scope_arena[MAX_TNODES];       /* context trees, per scope */
	bool lookahead_done[MAX_TNODES];

	struct frame frames[MAX_FRAMES];
	int nframes;
	enum mode mode;
	size_t skip_depth;

	struct json_builder builder;
	struct arena record_arena;
	int building_tnode;     /* what the builder is materializing */
	size_t build_offset;
	bool build_index_valid;
	size_t build_index;     /* the record's own array index */

	long count;
	size_t last_progress, last_release;

	bool avx2;              /* the AVX2 paths: the CPU has it, and opts allow it */
	char *chunk;            /* the look-ahead's reads (opts->read), READ_CHUNK bytes */
	struct pipe *pipe;      /* NULL: callbacks run inside the scan */
	unsigned gen;           /* bumped when frames are pushed or popped */
	unsigned parent_gen;    /* parent_path describes frames of this generation */
	const char *parent_path;
	const struct batch *parent_batch; /* ... and lives in this batch's arena */

	/*
	 * The scanner below reads well-formed JSON itself; yajl replays the
	 * document when it cannot (errors, rare escapes), skipping the
	 * events already delivered, so yajl stays the judge of what is JSON.
	 */
	bool replaying;
	size_t tok_end;         /* scanner: offset just past the current token */
	bool str_ascii;         /* scanner: the current string's bytes are all ASCII */
	size_t events;          /* events the scanner delivered */
	size_t skip_events;     /* replay: events yet to pass over */
	struct pbuf unescaped;  /* scanner: a string with escapes, decoded */
	unsigned char *stack;   /* scanner: open containers, '{' or '[' */
	size_t stack_alloc;
};

/* Where the current event's token ends, as yajl_get_bytes_consumed() tells it. */
static size_t consumed(const struct jrec_state *st)
{
	return st->replaying ? yajl_get_bytes_consumed(st->yajl) : st->tok_end;
}

static int add_tnode(struct jrec_state *st, int parent, const char *key, size_t keylen,
		     struct perr *err)
{
	struct tnode *n;
	int i;

	if (parent >= 0) {
		if (!key) {
			if (st->t[parent].idx_child >= 0)
				return st->t[parent].idx_child;
		} else {
			for (i = st->t[parent].first_child; i >= 0; i = st->t[i].next)
				if (strlen(st->t[i].key) == keylen && !memcmp(st->t[i].key, key, keylen))
					return i;
		}
	}
	if (st->nt >= MAX_TNODES || (key && keylen >= MAX_KEY))
		return perr_set(err, P_ERROR, "record paths too complex");
	n = &st->t[st->nt];
	memset(n, 0, sizeof(*n));
	n->parent = parent;
	n->idx_child = n->first_child = n->next = -1;
	n->record = n->context = -1;
	if (key)
		memcpy(n->key, key, keylen);
	if (parent >= 0) {
		if (!key) {
			st->t[parent].idx_child = st->nt;
		} else {
			n->next = st->t[parent].first_child;
			st->t[parent].first_child = st->nt;
		}
	}
	return st->nt++;
}

/* Walk or extend the trie along path; returns the final node. */
static int compile_path(struct jrec_state *st, const char *path, struct perr *err)
{
	const char *p = path;
	int node = 0;

	while (*p) {
		if (*p == '.') {
			p++;
			continue;
		}
		if (!strncmp(p, "[*]", 3)) {
			node = add_tnode(st, node, NULL, 0, err);
			p += 3;
		} else {
			size_t n = strcspn(p, ".[");

			node = add_tnode(st, node, p, n, err);
			p += n;
		}
		if (node < 0)
			return node;
	}
	return node;
}

static int compile(struct jrec_state *st, struct perr *err)
{
	int i, n;

	st->nt = 0;
	if (add_tnode(st, -1, NULL, 0, err) < 0)
		return P_ERROR;
	for (i = 0; st->fmt->records[i]; i++) {
		if ((n = compile_path(st, st->fmt->records[i], err)) < 0)
			return n;
		st->t[n].record = i;
	}
	for (i = 0; st->fmt->context[i]; i++) {
		st->nctx = i + 1;
		if ((n = compile_path(st, st->fmt->context[i], err)) < 0)
			return n;
		if (n == 0 || st->t[n].parent < 0)
			return perr_set(err, P_ERROR, "bad context path '%s'", st->fmt->context[i]);
		st->t[n].context = i;
		st->ctx_scope[i] = st->t[n].parent;
		st->t[st->t[n].parent].is_scope = true;
	}
	return 0;
}

/* --- the look-ahead scanner: finds context members after the records --- */

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/*
 * The bytes of w that are '"', '\\' or a control character, as high bits:
 * exact up to the first such byte (borrows only run upwards), which is
 * all the scanner asks.
 */
static uint64_t string_special(uint64_t w)
{
	uint64_t quote = w ^ (ONES * '"'), bslash = w ^ (ONES * '\\');

	return (((w - ONES * 0x20) & ~w) | ((quote - ONES) & ~quote) |
		((bslash - ONES) & ~bslash)) & HIGHS;
}

/* p moved to the first '"', '\\' or control character at or after it, or to end. */
static const unsigned char *string_stop(const unsigned char *p, const unsigned char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (end - p >= 8) {
		uint64_t w, m;

		memcpy(&w, p, 8);
		if ((m = string_special(w)))
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
#endif
	while (p < end && *p != '"' && *p != '\\' && *p >= 0x20)
		p++;
	return p;
}

/* p at an opening quote; returns just past the closing quote (or end). */
static const char *skip_string(const char *p, const char *end)
{
	p++;
	for (;;) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		const char *b;

		if (!q)
			return end;
		b = q;
		while (b > p && b[-1] == '\\')
			b--;
		if (((q - b) & 1) == 0)
			return q + 1;
		p = q + 1;
	}
}

static const char *skip_value(const char *p, const char *end)
{
	int depth = 0;

	p = skip_ws(p, end);
	if (p < end && *p == '"')
		return skip_string(p, end);
	while (p < end) {
		switch (*p) {
		case '"':
			p = skip_string(p, end);
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (depth == 0)
				return p;
			if (--depth == 0)
				return p + 1;
			break;
		case ',':
			if (depth == 0)
				return p;
			break;
		default:
			break;
		}
		p++;
	}
	return end;
}

static int missing_context(struct jrec_state *st, int scope)
{
	int i, n = 0;

	for (i = 0; st->fmt->context[i]; i++)
		if (st->ctx_scope[i] == scope && !st->ctx[i])
			n++;
	return n;
}

static int context_for_key(struct jrec_state *st, int scope, const char *key, size_t keylen)
{
	int i;

	for (i = st->t[scope].first_child; i >= 0; i = st->t[i].next)
		if (st->t[i].context >= 0 && strlen(st->t[i].key) == keylen &&
		    !memcmp(st->t[i].key, key, keylen))
			return st->t[i].context;
	return -1;
}

/*
 * Passing over nested values, 64 bytes at a time: the look-ahead only
 * cares about the members of the scope object itself, and a SARIF run
 * without its context after the results is read twice otherwise, the
 * second time a string at a time. Bit i of each mask is byte i of the
 * block; a string's bytes are found as a running XOR of its quotes.
 */
struct skip_state {
	uint64_t in_string;     /* all ones when the last block ended inside a string */
	bool escape;            /* ... on a backslash that escapes the next byte */
};

#ifdef __SSE2__
/* The block's quotes, backslashes, opening and closing brackets, as bit masks. */
struct block_bits {
	uint64_t quote, bslash, open, close;
};

/*
 * 16 bytes at a time. '{' or '[' (opening) and '}' or ']' (closing)
 * differ from each other by 0x20 only: one compare each after an OR.
 */
static inline void classify_sse2(const char *p, struct block_bits *b)
{
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i fold = _mm_set1_epi8(0x20), open = _mm_set1_epi8('{'),
		      close = _mm_set1_epi8('}');
	int k;

	b->quote = b->bslash = b->open = b->close = 0;
	for (k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
		__m128i f = _mm_or_si128(v, fold);

		b->quote |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)) << (16 * k);
		b->bslash |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, bslash))
			     << (16 * k);
		b->open |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(f, open)) << (16 * k);
		b->close |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(f, close))
			    << (16 * k);
	}
}

#ifdef JREC_AVX2
/* The same, 32 bytes at a time: half the loads and compares. */
__attribute__((target("avx2"))) static inline void classify_avx2(const char *p,
								 struct block_bits *b)
{
	const __m256i quote = _mm256_set1_epi8('"'), bslash = _mm256_set1_epi8('\\');
	const __m256i fold = _mm256_set1_epi8(0x20), open = _mm256_set1_epi8('{'),
		      close = _mm256_set1_epi8('}');
	__m256i lo = _mm256_loadu_si256((const __m256i *)(const void *)p);
	__m256i hi = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
	__m256i flo = _mm256_or_si256(lo, fold), fhi = _mm256_or_si256(hi, fold);

#define BITS(a, c) ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, c)))
	b->quote = BITS(lo, quote) | BITS(hi, quote) << 32;
	b->bslash = BITS(lo, bslash) | BITS(hi, bslash) << 32;
	b->open = BITS(flo, open) | BITS(fhi, open) << 32;
	b->close = BITS(flo, close) | BITS(fhi, close) << 32;
#undef BITS
}
#endif

/* The bytes a backslash escapes; a backslash in the block's last byte escapes the next block's first. */
static uint64_t escaped_bytes(uint64_t bslash, bool *escape)
{
	uint64_t escaped = 0;

	if (*escape) {
		escaped = 1;
		bslash &= ~(uint64_t)1;
	}
	*escape = false;
	while (bslash) {
		int i = __builtin_ctzll(bslash);

		if (i == 63) {
			*escape = true;
			break;
		}
		escaped |= (uint64_t)1 << (i + 1);
		bslash &= ~((uint64_t)3 << i); /* an escaped backslash escapes nothing */
	}
	return escaped;
}

/*
 * The 64-byte blocks of skip_nested(), with the classifier given: inlined
 * into one function per instruction set, so that the classifier inlines
 * too. Stops at the bracket that brings *depth back to 1 (returning just
 * past it), or before the first block not wholly before end or at limit.
 */
static inline __attribute__((always_inline)) const char *
skip_blocks(const char *p, const char *end, const char *limit, int *depth, struct skip_state *sk,
	    bool *found, void (*classify)(const char *, struct block_bits *))
{
	int d = *depth;

	while (end - p >= 64 && p < limit) {
		struct block_bits b;
		uint64_t quote, bits, inside;

		classify(p, &b);
		quote = b.quote;
		if (b.bslash || sk->escape)
			quote &= ~escaped_bytes(b.bslash, &sk->escape);
		inside = quote;
		inside ^= inside << 1;
		inside ^= inside << 2;
		inside ^= inside << 4;
		inside ^= inside << 8;
		inside ^= inside << 16;
		inside ^= inside << 32;
		inside ^= sk->in_string;
		sk->in_string = (uint64_t)0 - (inside >> 63);
		b.open &= ~inside;
		b.close &= ~inside;
		for (bits = b.open | b.close; bits; bits &= bits - 1) {
			int i = __builtin_ctzll(bits);

			if (b.open >> i & 1) {
				d++;
			} else if (--d <= 1) {
				*depth = d;
				*found = true;
				sk->in_string = 0;
				sk->escape = false;
				return p + i + 1;
			}
		}
		p += 64;
	}
	*depth = d;
	return p;
}

static const char *skip_blocks_sse2(const char *p, const char *end, const char *limit, int *depth,
				    struct skip_state *sk, bool *found)
{
	return skip_blocks(p, end, limit, depth, sk, found, classify_sse2);
}

#ifdef JREC_AVX2
__attribute__((target("avx2"))) static const char *
skip_blocks_avx2(const char *p, const char *end, const char *limit, int *depth,
		 struct skip_state *sk, bool *found)
{
	return skip_blocks(p, end, limit, depth, sk, found, classify_avx2);
}
#endif
#endif

#define READ_CHUNK (256u << 10) /* the look-ahead's reads: within L2 */

/*
 * skip_nested() over the next READ_CHUNK bytes from p, copied through
 * opts->read into a buffer of ours. Returns where it stopped, or NULL
 * (nothing done) when fewer than a block remain or the read fails:
 * then skip_nested() goes on from p on buf, in the same state.
 */
static const char *skip_read(struct jrec_state *st, const char *p, const char *end, int *depth,
			     struct skip_state *sk)
{
#ifdef __SSE2__
	size_t want = (size_t)(end - p) < READ_CHUNK ? (size_t)(end - p) : READ_CHUNK, got;
	const char *q;
	bool found = false;

	if (want < 64)
		return NULL;
	if (!st->chunk)
		st->chunk = xmalloc(READ_CHUNK);
	got = st->opts->read(st->opts->hook_payload, (size_t)(p - st->buf), st->chunk, want);
	if (got != want)
		return NULL;
#ifdef JREC_AVX2
	if (st->avx2)
		q = skip_blocks_avx2(st->chunk, st->chunk + got, st->chunk + got, depth, sk, &found);
	else
#endif
		q = skip_blocks_sse2(st->chunk, st->chunk + got, st->chunk + got, depth, sk, &found);
	return p + (q - st->chunk);
#else
	return NULL;
#endif
}

/*
 * From p (outside any string, *depth >= 2 containers deep), on to the
 * bracket that brings *depth back to 1, or to about `limit`, or to end.
 * Returns where it stopped; *depth says which.
 */
static const char *skip_nested(const struct jrec_state *st, const char *p, const char *end,
			       const char *limit, int *depth, struct skip_state *sk)
{
	int d;

#ifdef __SSE2__
	{
		bool found = false;

#ifdef JREC_AVX2
		if (st->avx2)
			p = skip_blocks_avx2(p, end, limit, depth, sk, &found);
		else
#endif
			p = skip_blocks_sse2(p, end, limit, depth, sk, &found);
		if (found)
			return p;
	}
#endif
	d = *depth;
	if (p < limit || end - p < 64) {
		/* the tail, or no SSE2: byte by byte, in the same state */
		bool in_string = sk->in_string != 0, escape = sk->escape;

		for (; p < end; p++) {
			char c = *p;

			if (in_string) {
				if (escape)
					escape = false;
				else if (c == '\\')
					escape = true;
				else if (c == '"')
					in_string = false;
			} else if (c == '"') {
				in_string = true;
			} else if (c == '{' || c == '[') {
				d++;
			} else if ((c == '}' || c == ']') && --d <= 1) {
				p++;
				in_string = escape = false;
				break;
			}
		}
		sk->in_string = in_string ? ~(uint64_t)0 : 0;
		sk->escape = escape;
	}
	*depth = d;
	return p;
}

/*
 * Scan from offset `off`, `depth` containers deep inside the scope object,
 * to the end of that object, materializing any context member of it not
 * seen yet. Malformed input simply ends the scan: the main pass reports it.
 */
static void lookahead(struct jrec_state *st, int scope, size_t off, int depth)
{
	/* 1: '"', 2: opens, 3: closes; everything else is passed over in bulk */
	static const unsigned char cls[256] = {
		['"'] = 1, ['{'] = 2, ['['] = 2, ['}'] = 3, [']'] = 3,
	};
	const char *start = st->buf + off, *p = start, *end = st->buf + st->len;
	size_t released = off;

	while (p < end && depth > 0) {
		if (depth >= 2) {
			struct skip_state sk = { 0, false };

			/* hand back pages every PROGRESS_STEP, as the main pass does */
			while (p < end && depth >= 2) {
				const char *q = st->opts->read ? skip_read(st, p, end, &depth, &sk) : NULL;

				if (q) {
					/* nothing of buf was touched: nothing to hand back */
					p = q;
					released = (size_t)(p - st->buf);
					continue;
				}
				p = skip_nested(st, p, end, p + PROGRESS_STEP, &depth, &sk);
				if (st->opts->release && (size_t)(p - st->buf) - released > PROGRESS_STEP) {
					st->opts->release(st->opts->hook_payload, released,
							  (size_t)(p - st->buf));
					released = (size_t)(p - st->buf);
				}
			}
			continue;
		}
		while (p < end && !cls[(unsigned char)*p])
			p++;
		if (p >= end)
			break;
		switch (cls[(unsigned char)*p]) {
		case 1: {
			const char *q = skip_string(p, end), *colon;
			int c;

			if (depth != 1) {
				p = q;
				continue;
			}
			colon = skip_ws(q, end);
			if (colon >= end || *colon != ':' ||
			    (c = context_for_key(st, scope, p + 1, (size_t)(q - p - 2))) < 0 ||
			    st->ctx[c]) {
				p = q;
				continue;
			}
			{
				const char *vstart = skip_ws(colon + 1, end);
				const char *vend = skip_value(vstart, end);
				struct jnode *tree = NULL;
				struct perr ignored = PERR_INIT;

				if (!json_parse_tree(&tree, &st->scope_arena[scope], vstart,
						     (size_t)(vend - vstart), &st->lim, &ignored))
					st->ctx[c] = tree;
				p = vend;
			}
			continue;
		}
		case 2:
			depth++;
			break;
		default:
			depth--;
			/* a container ends: a good time to let go of what lies behind */
			if (st->opts->release && (size_t)(p - st->buf) - released > PROGRESS_STEP) {
				st->opts->release(st->opts->hook_payload, released,
						  (size_t)(p - st->buf));
				released = (size_t)(p - st->buf);
			}
			break;
		}
		p++;
	}
}

/* --- the main pass --- */

/* JSON Lines: the line where the failing value starts says it best. */
static size_t line_prefix(const struct jrec_state *st, size_t offset, bool has_frames,
			  char *out, size_t outlen)
{
	size_t line = 1, k;

	if (!st->fmt->multiple)
		return 0;
	for (k = 0; k < offset && k < st->len; k++)
		line += st->buf[k] == '\n';
	return (size_t)snprintf(out, outlen, "line %zu%s", line, has_frames ? ", " : "");
}

/* Append frames [0, nframes) to out[base..n); returns the new n. */
static size_t frames_path(const struct jrec_state *st, int nframes, char *out, size_t outlen,
			  size_t n, size_t base)
{
	int i;

	for (i = 0; i < nframes && n < outlen; i++) {
		const struct frame *f = &st->frames[i];
		bool last = i == st->nframes - 1;
		size_t idx = f->index ? f->index - 1 : 0;

		if (f->is_array)
			n += (size_t)snprintf(out + n, outlen - n, "[%zu]",
					      last && st->build_index_valid ? st->build_index : idx);
		else if (f->key_ok && (i + 1 < st->nframes || st->mode == BUILD))
			n += (size_t)snprintf(out + n, outlen - n, "%s%s", n > base ? "." : "", f->key);
	}
	return n;
}

static void path_string(struct jrec_state *st, char *out, size_t outlen)
{
	size_t base;

	out[0] = '\0';
	base = line_prefix(st, st->build_offset, st->nframes > 0, out, outlen);
	frames_path(st, st->nframes, out, outlen, base < outlen ? base : outlen, base);
	if (!out[0])
		snprintf(out, outlen, "document");
}

/*
 * The record's place as path_string() would name it while building it,
 * from what the item kept: the consumer names it after the scan moved on.
 */
static void item_path(const struct jrec_state *st, const struct jrec_item *it, char *out,
		      size_t outlen)
{
	size_t base, n;

	out[0] = '\0';
	base = line_prefix(st, it->rec.offset, it->has_frames, out, outlen);
	n = base < outlen ? base : outlen;
	n += (size_t)snprintf(out + n, outlen - n, "%s", it->parent);
	if (n < outlen && it->last_array)
		snprintf(out + n, outlen - n, "[%zu]", it->last_index);
	else if (n < outlen && it->rec.key)
		snprintf(out + n, outlen - n, "%s%s", n > base ? "." : "", it->rec.key);
	if (!out[0])
		snprintf(out, outlen, "document");
}

static int fail(struct jrec_state *st)
{
	return 0; /* tells yajl to stop; st->err already holds the message */
}

/* --- the producer's side of the pipeline --- */

static struct batch *filling(struct jrec_state *st)
{
	/* only the producer moves `produced`: a relaxed read of its own counter */
	return &st->pipe->batch[atomic_load_explicit(&st->pipe->produced, memory_order_relaxed) %
				PIPE_BATCHES];
}

/*
 * Hand the batch being filled to the consumer and wait for a free one.
 * False when the consumer failed: the scan stops.
 */
static bool hand_over(struct jrec_state *st, bool last)
{
	struct pipe *p = st->pipe;
	size_t produced;

	filling(st)->last = last;
	pipe_post(p, &p->produced, &p->consumer_sleeping, &p->ready);
	produced = atomic_load(&p->produced);
	for (;;) {
		size_t consumed = atomic_load(&p->consumed);

		if (atomic_load(&p->cancel))
			return false;
		if (produced - consumed < PIPE_BATCHES)
			return true;
		pipe_wait(p, &p->consumed, consumed, &p->producer_sleeping, &p->freed);
	}
}

/* The path of the frames above the record's, made once per generation and batch. */
static const char *parent_path(struct jrec_state *st, struct batch *b)
{
	char path[256];
	int above = st->nframes - 1;

	if (st->parent_path && st->parent_gen == st->gen && st->parent_batch == b)
		return st->parent_path;
	path[0] = '\0';
	if (above > 0)
		frames_path(st, above, path, sizeof(path), 0, 0);
	st->parent_path = arena_strdup(&b->arena, path);
	st->parent_gen = st->gen;
	st->parent_batch = b;
	return st->parent_path;
}

/* The batch's item is complete: hand the batch over when full. 1 to go on, 0 to stop. */
static int item_queued(struct jrec_state *st, struct batch *b)
{
	if (b->n < BATCH_RECORDS && b->arena.used_total < BATCH_BYTES)
		return 1;
	if (hand_over(st, false))
		return 1;
	perr_set(st->err, P_ERROR, "stopped: the record callback failed");
	return fail(st);
}

/* Queue a scope's end for the callback. 1 to go on, 0 to stop. */
static int queue_item(struct jrec_state *st, const struct jrec *rec)
{
	struct batch *b = filling(st);
	struct jrec_item *it = &b->item[b->n++];

	it->rec = *rec;
	it->rec.arena = &b->arena;
	return item_queued(st, b);
}

/*
 * Queue the record just built, written into its item in place: a struct
 * jrec is some 300 bytes, and a record is only a few hundred bytes of
 * input. Only ctx[0..nctx) is written; the rest of every item's ctx
 * stays NULL from the pipe's calloc (st->ctx beyond nctx is NULL too).
 */
static int queue_record(struct jrec_state *st, struct jnode *root, int which)
{
	struct batch *b = filling(st);
	struct jrec_item *it = &b->item[b->n++];
	struct jrec *r = &it->rec;
	const struct frame *f = st->nframes ? &st->frames[st->nframes - 1] : NULL;
	int i;

	r->node = root;
	r->which = which;
	r->key = f && !f->is_array && f->key_ok ? arena_strdup(&b->arena, f->key) : NULL;
	memcpy(r->ctx, st->ctx, (size_t)st->nctx * sizeof(r->ctx[0]));
	r->nindex = 0;
	for (i = 0; i < st->nframes && r->nindex < JREC_MAX_LEVELS; i++)
		if (st->frames[i].is_array)
			r->index[r->nindex++] = st->frames[i].index - 1;
	r->offset = st->build_offset;
	r->arena = &b->arena;
	it->parent = parent_path(st, b);
	it->has_frames = f != NULL;
	it->last_array = f && f->is_array;
	it->last_index = st->build_index_valid ? st->build_index : 0;
	return item_queued(st, b);
}

static void enter_scope(struct jrec_state *st, int tn)
{
	int i;

	if (!st->t[tn].is_scope)
		return;
	if (st->pipe && st->scope_arena[tn].head) {
		/* records on their way to the callback still point into it */
		struct batch *b = &st->pipe->batch[st->pipe->produced % PIPE_BATCHES];

		ALLOC_GROW(b->retired, b->nretired + 1, b->retired_alloc);
		b->retired[b->nretired++] = st->scope_arena[tn];
		arena_init(&st->scope_arena[tn], 0);
	} else {
		arena_reset(&st->scope_arena[tn]);
	}
	for (i = 0; st->fmt->context[i]; i++)
		if (st->ctx_scope[i] == tn)
			st->ctx[i] = NULL;
	st->lookahead_done[tn] = false;
}

static int finish_build(struct jrec_state *st)
{
	const struct tnode *tn = &st->t[st->building_tnode];
	struct jnode *root = st->builder.root;
	int ret, i;

	st->mode = TRACK;
	if (tn->context >= 0) {
		st->ctx[tn->context] = root;
		return 1;
	}
	if (st->pipe) {
		if (!queue_record(st, root, tn->record))
			return 0;
		goto queued;
	}
	{
		struct jrec rec;

		memset(&rec, 0, sizeof(rec));
		rec.node = root;
		rec.which = tn->record;
		if (st->nframes && !st->frames[st->nframes - 1].is_array &&
		    st->frames[st->nframes - 1].key_ok)
			rec.key = st->frames[st->nframes - 1].key;
		memcpy(rec.ctx, st->ctx, sizeof(rec.ctx));
		for (i = 0; i < st->nframes && rec.nindex < JREC_MAX_LEVELS; i++)
			if (st->frames[i].is_array)
				rec.index[rec.nindex++] = st->frames[i].index - 1;
		rec.offset = st->build_offset;
		rec.arena = &st->record_arena;
		ret = st->cb(&rec, st->payload, st->err);
	}
	if (ret < 0) {
		char path[256];

		st->mode = BUILD; /* so path_string names the record */
		path_string(st, path, sizeof(path));
		st->mode = TRACK;
		if (!st->err->code)
			perr_set(st->err, ret, "record rejected");
		perr_prefix(st->err, "%s", path);
		return fail(st);
	}
	st->count++;
	arena_reset(&st->record_arena);
queued:
	{
		size_t off = consumed(st);

		if (st->opts->progress && off - st->last_progress >= PROGRESS_STEP) {
			st->opts->progress(st->opts->hook_payload, off, st->len);
			st->last_progress = off;
		}
		if (st->opts->release && off - st->last_release >= PROGRESS_STEP) {
			st->opts->release(st->opts->hook_payload, st->last_release, off);
			st->last_release = off;
		}
	}
	return 1;
}

/* The object owning context closes: tell the format, then forget the frame. */
static int scope_end(struct jrec_state *st, int tn)
{
	struct jrec rec;
	int ret, i;

	memset(&rec, 0, sizeof(rec));
	rec.which = JREC_SCOPE_END;
	memcpy(rec.ctx, st->ctx, sizeof(rec.ctx));
	for (i = 0; i < st->nframes && rec.nindex < JREC_MAX_LEVELS; i++)
		if (st->frames[i].is_array)
			rec.index[rec.nindex++] = st->frames[i].index - 1;
	rec.offset = consumed(st);
	if (st->pipe) {
		ret = queue_item(st, &rec) ? 0 : P_ERROR;
	} else {
		rec.arena = &st->record_arena;
		ret = st->cb(&rec, st->payload, st->err);
		arena_reset(&st->record_arena);
	}
	st->nframes--;
	st->gen++;
	enter_scope(st, tn);
	if (ret < 0) {
		if (!st->err->code)
			perr_set(st->err, ret, "rejected");
		return fail(st);
	}
	return 1;
}

/* A value starts (scalar or container). Returns the tnode it maps to, or -1. */
static int child_tnode(struct jrec_state *st)
{
	struct frame *f;
	int i, star;

	if (!st->nframes)
		return 0;
	f = &st->frames[st->nframes - 1];
	if (f->tnode < 0)
		return -1;
	if (f->is_array) {
		f->index++;
		return st->t[f->tnode].idx_child;
	}
	star = -1;
	for (i = st->t[f->tnode].first_child; i >= 0; i = st->t[i].next) {
		if (f->key_ok && !strcmp(st->t[i].key, f->key))
			return i;
		if (!strcmp(st->t[i].key, "*"))
			star = i;
	}
	/* "*" matches every member, even one whose name is too long to track */
	return star;
}

static void ensure_context(struct jrec_state *st, bool opened_container)
{
	size_t off = consumed(st);
	int i;

	for (i = 0; i < st->nframes; i++) {
		int tn = st->frames[i].tnode;

		if (!st->t[tn].is_scope || st->lookahead_done[tn])
			continue;
		st->lookahead_done[tn] = true;
		if (missing_context(st, tn))
			lookahead(st, tn, off, st->nframes - i + (opened_container ? 1 : 0));
	}
}

/* Returns 1 to continue, 0 to stop (error set). */
static int value_start(struct jrec_state *st, enum jtype t, const char *s, size_t len, bool v)
{
	bool container = t == JOBJ || t == JARR;
	int tn, ret;

	if (st->mode == SKIP) {
		if (container)
			st->skip_depth++;
		return 1;
	}
	/* the scanner vouches for a string's bytes; yajl's replay does not */
	st->builder.clean = t == JSTR && st->str_ascii && !st->replaying;
	if (st->mode == BUILD) {
		ret = container ? json__b_open(&st->builder, t)
				: json__b_scalar(&st->builder, t, s, len, v);
		if (ret < 0)
			goto build_error;
		if (json__builder_done(&st->builder))
			return finish_build(st);
		return 1;
	}

	tn = child_tnode(st);
	if (tn >= 0 && st->t[tn].context >= 0 && st->ctx[st->t[tn].context])
		tn = -1; /* already found by look-ahead */
	if (tn < 0) {
		if (container) {
			st->mode = SKIP;
			st->skip_depth = 1;
		}
		return 1;
	}
	if (st->t[tn].record >= 0 || st->t[tn].context >= 0) {
		struct arena *a;

		if (st->t[tn].record >= 0) {
			ensure_context(st, container);
			a = st->pipe ? &filling(st)->arena : &st->record_arena;
			st->build_index_valid = st->nframes && st->frames[st->nframes - 1].is_array;
			if (st->build_index_valid)
				st->build_index = st->frames[st->nframes - 1].index - 1;
		} else {
			a = &st->scope_arena[st->ctx_scope[st->t[tn].context]];
			st->build_index_valid = false;
		}
		st->builder.arena = a;
		json__builder_reset(&st->builder);
		st->building_tnode = tn;
		st->build_offset = consumed(st);
		st->mode = BUILD;
		ret = container ? json__b_open(&st->builder, t)
				: json__b_scalar(&st->builder, t, s, len, v);
		if (ret < 0)
			goto build_error;
		if (json__builder_done(&st->builder))
			return finish_build(st);
		return 1;
	}
	/* an object or array on the way to records or context */
	if (!container)
		return 1;
	if (st->nframes >= MAX_FRAMES) {
		perr_set(st->err, P_ELIMIT, "nesting deeper than %d levels", MAX_FRAMES);
		return fail(st);
	}
	{
		struct frame *f = &st->frames[st->nframes++];

		f->tnode = tn;
		f->is_array = t == JARR;
		f->index = 0;
		f->key_ok = false;
		f->key[0] = '\0';
	}
	st->gen++;
	enter_scope(st, tn);
	return 1;

build_error:
	{
		char path[256];

		path_string(st, path, sizeof(path));
		perr_prefix(st->err, "%s", path);
	}
	return fail(st);
}

static int on_close(struct jrec_state *st)
{
	if (st->mode == SKIP) {
		if (--st->skip_depth == 0)
			st->mode = TRACK;
		return 1;
	}
	if (st->mode == BUILD) {
		json__b_close(&st->builder);
		if (json__builder_done(&st->builder))
			return finish_build(st);
		return 1;
	}
	if (st->nframes) {
		int tn = st->frames[st->nframes - 1].tnode;

		if (st->fmt->scope_end && st->t[tn].is_scope)
			return scope_end(st, tn);
		st->nframes--;
		st->gen++;
	}
	return 1;
}

static int on_key(struct jrec_state *st, const char *s, size_t len)
{
	struct frame *f;

	if (st->mode == SKIP)
		return 1;
	if (st->mode == BUILD) {
		st->builder.clean = st->str_ascii && !st->replaying;
		if (json__b_key(&st->builder, s, len) < 0) {
			char path[256];

			path_string(st, path, sizeof(path));
			perr_prefix(st->err, "%s", path);
			return fail(st);
		}
		return 1;
	}
	f = &st->frames[st->nframes - 1];
	f->key_ok = len < MAX_KEY && !memchr(s, '\0', len);
	if (f->key_ok) {
		memcpy(f->key, s, len);
		f->key[len] = '\0';
	}
	return 1;
}

/*
 * yajl's handlers. While replaying, the events the scanner already
 * delivered are passed over.
 */
#define REPLAYED(c) (((struct jrec_state *)(c))->skip_events && \
		     (((struct jrec_state *)(c))->skip_events--, 1))

static int y_null(void *c) { return REPLAYED(c) || value_start(c, JNULL, NULL, 0, false); }
static int y_bool(void *c, int v) { return REPLAYED(c) || value_start(c, JBOOL, NULL, 0, v); }
static int y_num(void *c, const char *s, size_t l)
{
	return REPLAYED(c) || value_start(c, JNUM, s, l, false);
}
static int y_str(void *c, const unsigned char *s, size_t l)
{
	return REPLAYED(c) || value_start(c, JSTR, (const char *)s, l, false);
}
static int y_key(void *c, const unsigned char *s, size_t l)
{
	return REPLAYED(c) || on_key(c, (const char *)s, l);
}
static int y_omap(void *c) { return REPLAYED(c) || value_start(c, JOBJ, NULL, 0, false); }
static int y_oarr(void *c) { return REPLAYED(c) || value_start(c, JARR, NULL, 0, false); }
static int y_close(void *c) { return REPLAYED(c) || on_close(c); }

static const yajl_callbacks jrec_callbacks = {
	y_null, y_bool, NULL, NULL, y_num, y_str, y_omap, y_key, y_close, y_oarr, y_close,
};

/* --- the scanner: well-formed JSON without yajl's per-token machinery --- */

enum scan_result { SCAN_DONE, SCAN_STOP, SCAN_DEFER };


/*
 * scan_string() from p on, where its fast path stopped: not at a closing
 * quote after ASCII only. `high` has the high bit of some byte if one of
 * [start, p) has it.
 */
static __attribute__((noinline)) bool
scan_string_rest(struct jrec_state *st, const unsigned char **pp, const unsigned char *end,
		 const unsigned char *start, const unsigned char *p, uint64_t high,
		 const char **out, size_t *outlen)
{
	struct pbuf *b = &st->unescaped;
	const unsigned char *run;

	for (;;) {
		if (p >= end || *p < 0x20)
			return false;
		if (*p == '"')
			break;
		/* an escape: decode the whole string from here */
		pbuf_reset(b);
		if (pbuf_add(b, start, (size_t)(p - start)) < 0)
			return false;
		while (p < end && *p != '"') {
			unsigned char e;

			if (*p != '\\') {
				run = p;
				p = string_stop(p, end);
				if (p >= end || *p < 0x20 || pbuf_add(b, run, (size_t)(p - run)) < 0)
					return false;
				continue;
			}
			if (end - p < 2)
				return false;
			e = p[1];
			p += 2;
			switch (e) {
			case '"': case '\\': case '/':
				break;
			case 'b': e = '\b'; break;
			case 'f': e = '\f'; break;
			case 'n': e = '\n'; break;
			case 'r': e = '\r'; break;
			case 't': e = '\t'; break;
			case 'u': {
				unsigned cp = 0;
				char u[3];
				int i, h;

				if (end - p < 4)
					return false;
				for (i = 0; i < 4; i++) {
					if ((h = hex_digit(p[i])) < 0)
						return false;
					cp = cp << 4 | (unsigned)h;
				}
				p += 4;
				if (!cp || (cp & 0xFC00) == 0xD800)
					return false;
				if (cp < 0x80) {
					e = (unsigned char)cp;
					break;
				}
				if (cp < 0x800) {
					u[0] = (char)(0xC0 | cp >> 6);
					u[1] = (char)(0x80 | (cp & 0x3F));
					i = 2;
				} else {
					u[0] = (char)(0xE0 | cp >> 12);
					u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
					u[2] = (char)(0x80 | (cp & 0x3F));
					i = 3;
				}
				if (pbuf_add(b, u, (size_t)i) < 0)
					return false;
				continue;
			}
			default:
				return false;
			}
			if (pbuf_addch(b, (char)e) < 0)
				return false;
		}
		if (p >= end)
			return false;
		*pp = p + 1;
		*out = b->buf;
		*outlen = b->len;
		st->str_ascii = false;
		return true;
	}
	*pp = p + 1;
	*out = (const char *)start;
	*outlen = (size_t)(p - start);
	st->str_ascii = !(high & HIGHS);
	return true;
}

/*
 * The string whose opening quote is at *pp: its text (in the input, or
 * decoded into st->unescaped) and length; *pp moves past the closing
 * quote. False for what yajl must judge: a control character, a bad
 * escape, the end of input, \u0000 and surrogates (yajl's own decoding).
 * Inline, the common case only (a closing quote within the first 16-byte
 * loads, ASCII on the way); the rest is scan_string_rest()'s.
 */
static inline __attribute__((always_inline)) bool
scan_string(struct jrec_state *st, const unsigned char **pp, const unsigned char *end,
	    const char **out, size_t *outlen)
{
	const unsigned char *p = *pp + 1, *start = p;
	uint64_t high = 0;

	/* string_stop(), noting any byte with the high bit on the way */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#ifdef __SSE2__
	{
		/* 16 bytes at a time: the scanner's busiest loop */
		unsigned highs_seen = 0;

		while (end - p >= 16) {
			const __m128i ctl = _mm_set1_epi8(0x1f);
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
			__m128i stop = _mm_or_si128(
				_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
					     _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
				_mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
			unsigned m = (unsigned)_mm_movemask_epi8(stop);
			unsigned highs = (unsigned)_mm_movemask_epi8(v);

			if (m) {
				/* the high bits of the bytes before the stop */
				highs_seen |= highs & (m - 1) & ~m;
				p += __builtin_ctz(m);
				if (*p == '"' && !highs_seen) {
					*pp = p + 1;
					*out = (const char *)start;
					*outlen = (size_t)(p - start);
					st->str_ascii = true;
					return true;
				}
				return scan_string_rest(st, pp, end, start, p, highs_seen ? HIGHS : 0,
							out, outlen);
			}
			highs_seen |= highs;
			p += 16;
		}
		high = highs_seen ? HIGHS : 0;
	}
#endif
	while (end - p >= 8) {
		uint64_t w, m;
		unsigned k;

		memcpy(&w, p, 8);
		if ((m = string_special(w))) {
			k = (unsigned)__builtin_ctzll(m) >> 3;
			high |= k ? w << (64 - 8 * k) : 0;
			p += k;
			return scan_string_rest(st, pp, end, start, p, high, out, outlen);
		}
		high |= w;
		p += 8;
	}
#endif
	while (p < end && *p != '"' && *p != '\\' && *p >= 0x20)
		high |= *p++;
	return scan_string_rest(st, pp, end, start, p, high, out, outlen);
}

/* A number as yajl lexes it; false when malformed (yajl says how). */
static bool scan_number(const unsigned char **pp, const unsigned char *end)
{
	const unsigned char *p = *pp;

	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return false;
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	} else {
		return false;
	}
	if (p < end && *p == '.') {
		if (++p >= end || *p < '0' || *p > '9')
			return false;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return false;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	*pp = p;
	return true;
}

#define IS_WS(c) ((c) == ' ' || (c) == '\n' || (c) == '\r' || (c) == '\t')

/* Deliver one event: the token ends at p. */
#define EVENT(call)                                      \
	do {                                             \
		st->tok_end = (size_t)(p - base);        \
		st->events++;                            \
		if (!(call))                             \
			return SCAN_STOP;                \
	} while (0)

static enum scan_result scan(struct jrec_state *st)
{
	const unsigned char *base = (const unsigned char *)st->buf, *p = base,
			    *end = base + st->len;
	size_t depth = 0;
	const char *s;
	size_t n;

value:
	while (p < end && IS_WS(*p))
		p++;
	if (p >= end)
		return SCAN_DEFER;
	switch (*p) {
	case '{':
	case '[':
		if (depth == st->stack_alloc) {
			st->stack_alloc = st->stack_alloc ? 2 * st->stack_alloc : 64;
			st->stack = xrealloc(st->stack, st->stack_alloc);
		}
		st->stack[depth++] = *p;
		p++;
		if (p[-1] == '{') {
			EVENT(value_start(st, JOBJ, NULL, 0, false));
			while (p < end && IS_WS(*p))
				p++;
			if (p < end && *p == '}')
				goto close;
			goto key;
		}
		EVENT(value_start(st, JARR, NULL, 0, false));
		while (p < end && IS_WS(*p))
			p++;
		if (p < end && *p == ']')
			goto close;
		goto value;
	case '"':
		if (!scan_string(st, &p, end, &s, &n))
			return SCAN_DEFER;
		EVENT(value_start(st, JSTR, s, n, false));
		goto after;
	case 't':
		if (end - p < 4 || memcmp(p, "true", 4))
			return SCAN_DEFER;
		p += 4;
		EVENT(value_start(st, JBOOL, NULL, 0, true));
		goto after;
	case 'f':
		if (end - p < 5 || memcmp(p, "false", 5))
			return SCAN_DEFER;
		p += 5;
		EVENT(value_start(st, JBOOL, NULL, 0, false));
		goto after;
	case 'n':
		if (end - p < 4 || memcmp(p, "null", 4))
			return SCAN_DEFER;
		p += 4;
		EVENT(value_start(st, JNULL, NULL, 0, false));
		goto after;
	default:
		s = (const char *)p;
		/* yajl finishes a number at the very end of input its own way */
		if (!scan_number(&p, end) || p == end)
			return SCAN_DEFER;
		EVENT(value_start(st, JNUM, s, (size_t)((const char *)p - s), false));
		goto after;
	}

key:
	if (p >= end || *p != '"' || !scan_string(st, &p, end, &s, &n))
		return SCAN_DEFER;
	EVENT(on_key(st, s, n));
	while (p < end && IS_WS(*p))
		p++;
	if (p >= end || *p != ':')
		return SCAN_DEFER;
	p++;
	goto value;

close:
	p++;
	depth--;
	EVENT(on_close(st));
	/* fall through to after */

after:
	if (!depth) {
		const unsigned char *value_end = p;

		while (p < end && IS_WS(*p))
			p++;
		if (p == end)
			return SCAN_DONE;
		/* another value (JSON Lines); yajl judges values that touch */
		if (!st->fmt->multiple || p == value_end)
			return SCAN_DEFER;
		goto value;
	}
	while (p < end && IS_WS(*p))
		p++;
	if (p >= end)
		return SCAN_DEFER;
	if (*p == ',') {
		p++;
		if (st->stack[depth - 1] == '[')
			goto value;
		while (p < end && IS_WS(*p))
			p++;
		goto key;
	}
	if (*p == (st->stack[depth - 1] == '{' ? '}' : ']'))
		goto close;
	return SCAN_DEFER;
}

#undef EVENT

/* Scan the whole input, delivering records; the count, or a negative code in st->err. */
static long run(struct jrec_state *st)
{
	struct perr *err = st->err;
	yajl_status ys;
	bool at_end = false;
	long ret;

	if ((ret = compile(st, err)) < 0)
		return ret;
	switch (scan(st)) {
	case SCAN_DONE:
		break;
	case SCAN_STOP:
		return err->code ? err->code : P_ERROR;
	case SCAN_DEFER:
		st->yajl = yajl_alloc(&jrec_callbacks, NULL, st);
		yajl_config(st->yajl, yajl_dont_validate_strings, 1);
		if (st->fmt->multiple)
			yajl_config(st->yajl, yajl_allow_multiple_values, 1);
		st->replaying = true;
		st->skip_events = st->events;
		ys = yajl_parse(st->yajl, (const unsigned char *)st->buf, st->len);
		if (ys == yajl_status_ok) {
			ys = yajl_complete_parse(st->yajl);
			at_end = true;
		}
		if (ys == yajl_status_client_canceled)
			return err->code ? err->code : P_ERROR;
		if (ys != yajl_status_ok) {
			char where[96];
			unsigned char *msg = yajl_get_error(st->yajl, 0, NULL, 0);
			char *nl;

			/* yajl_complete_parse() counts from 0: the problem is the end */
			json__where(where, sizeof(where), st->buf, st->len,
				    at_end ? st->len
					   : json__error_offset(yajl_get_bytes_consumed(st->yajl)));
			if ((nl = strchr((char *)msg, '\n')))
				*nl = '\0';
			ret = perr_set(err, P_EINVALID, "%s: invalid JSON: %s", where, (char *)msg);
			yajl_free_error(st->yajl, msg);
			return ret;
		}
		break;
	}
	if (st->opts->progress)
		st->opts->progress(st->opts->hook_payload, st->len, st->len);
	return st->count;
}

static void *produce(void *arg)
{
	struct jrec_state *st = arg;
	struct pipe *p = st->pipe;
	long ret = run(st);

	p->result = ret < 0 ? ret : 0;
	/* the last batch, even empty, tells the consumer the outcome */
	if (!atomic_load(&p->cancel)) {
		filling(st)->last = true;
		pipe_post(p, &p->produced, &p->consumer_sleeping, &p->ready);
	}
	return NULL;
}

static void batch_clear(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->nretired; i++)
		arena_release(&b->retired[i]);
	b->nretired = 0;
	arena_reset(&b->arena);
	b->n = 0;
	b->last = false;
}

/* The calling thread's side: run the callback on each batch, in order. */
static long consume(struct jrec_state *st, struct perr *err)
{
	struct pipe *p = st->pipe;
	long count = 0;
	int ret = 0;
	bool last = false;

	while (!last && ret >= 0) {
		struct batch *b;
		size_t i;

		size_t consumed = atomic_load_explicit(&p->consumed, memory_order_relaxed);

		while (atomic_load(&p->produced) == consumed)
			pipe_wait(p, &p->produced, consumed, &p->consumer_sleeping, &p->ready);
		b = &p->batch[consumed % PIPE_BATCHES];

		for (i = 0; i < b->n; i++) {
			const struct jrec_item *it = &b->item[i];

			if ((ret = st->cb(&it->rec, st->payload, err)) < 0) {
				if (it->rec.which == JREC_SCOPE_END) {
					if (!err->code)
						perr_set(err, ret, "rejected");
				} else {
					char path[256];

					item_path(st, it, path, sizeof(path));
					if (!err->code)
						perr_set(err, ret, "record rejected");
					perr_prefix(err, "%s", path);
				}
				break;
			}
			if (it->rec.which != JREC_SCOPE_END)
				count++;
		}
		last = b->last;
		batch_clear(b);

		if (ret < 0) {
			/* the producer may sleep on a full ring: wake it to see it must stop */
			pthread_mutex_lock(&p->lock);
			atomic_store(&p->cancel, true);
			pthread_cond_signal(&p->freed);
			pthread_mutex_unlock(&p->lock);
		}
		pipe_post(p, &p->consumed, &p->producer_sleeping, &p->freed);
	}
	pthread_join(p->thread, NULL);
	if (ret < 0)
		return err->code ? err->code : ret;
	if (p->result < 0) {
		*err = p->err;
		return p->result;
	}
	return count;
}

static void pipe_free(struct pipe *p)
{
	int i;

	if (!p)
		return;
	for (i = 0; i < PIPE_BATCHES; i++) {
		batch_clear(&p->batch[i]);
		arena_release(&p->batch[i].arena);
		xfree(p->batch[i].retired);
	}
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->ready);
	pthread_cond_destroy(&p->freed);
	xfree(p);
}

/* Start the scan on a thread of its own; false (and no pipe) if one cannot start. */
static bool pipe_start(struct jrec_state *st)
{
	struct pipe *p = xcalloc(1, sizeof(*p));
	int i;

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->ready, NULL);
	pthread_cond_init(&p->freed, NULL);
	for (i = 0; i < PIPE_BATCHES; i++)
		arena_init(&p->batch[i].arena, 0);
	st->pipe = p;
	st->err = &p->err;
	st->builder.err = &p->err;
	if (pthread_create(&p->thread, NULL, produce, st)) {
		st->pipe = NULL;
		pipe_free(p);
		return false;
	}
	return true;
}

long jrec_parse(const char *buf, size_t len, const struct jrec_format *fmt,
		const struct jrec_opts *opts, jrec_cb cb, void *payload,
		struct perr *err)
{
	static const struct jrec_opts no_opts;
	struct jrec_state *st = xcalloc(1, sizeof(*st));
	long ret;
	int i;

	st->buf = buf;
	st->len = len;
	st->fmt = fmt;
	st->opts = opts ? opts : &no_opts;
	st->lim = st->opts->limits.max_depth ? st->opts->limits : json_default_limits;
	st->cb = cb;
	st->payload = payload;
	st->err = err;
	perr_clear(err);
	arena_init(&st->record_arena, 0);
	for (i = 0; i < MAX_TNODES; i++)
		arena_init(&st->scope_arena[i], 0);
	json__builder_init(&st->builder, &st->record_arena, &st->lim, err);
	st->builder.intern = json__intern_new();
	pbuf_init(&st->unescaped, 0);
#ifdef JREC_AVX2
	st->avx2 = !st->opts->no_avx2 && __builtin_cpu_supports("avx2");
#endif

	if (!st->opts->no_thread && pipe_start(st))
		ret = consume(st, err); /* joins the producer: its state is ours again */
	else
		ret = run(st);

	pipe_free(st->pipe);
	if (st->yajl)
		yajl_free(st->yajl);
	json__builder_release(&st->builder);
	arena_release(&st->record_arena);
	for (i = 0; i < MAX_TNODES; i++)
		arena_release(&st->scope_arena[i]);
	json__intern_free(st->builder.intern);
	pbuf_release(&st->unescaped);
	xfree(st->chunk);
	xfree(st->stack);
	xfree(st);
	return ret;
}
