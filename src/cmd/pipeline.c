#include "posture.h"
#include "cmd/pipeline.h"
#include "util/alloc.h"

#include <pthread.h>
#include <stdatomic.h>

/*
 * A batch is handed over at 256 items or 192 KiB of copies (a SARIF
 * result copies to about 1 KiB), whichever comes first; NBATCH batches
 * exist in all (about 400 KiB each when full), so at most ~6 MiB are in
 * flight whatever the report's size, and the producer waits when the
 * consumer is behind. 16 rather than 4: on a loaded machine a thread that
 * is woken may wait milliseconds for a core, and with 4 batches the
 * parser of a 200,000-result report spent 0.15-0.25 s waiting for a free
 * one (0-0.06 s with 16).
 */
enum { BATCH_ITEMS = 256, BATCH_BYTES = 192 << 10, NBATCH = 16 };

/*
 * The consumer (writing lines, for parse) keeps up easily and sleeps
 * between batches: waking it for each one cost a futex call and an
 * inter-processor wake-up per batch on the parser's thread. It is woken
 * when WAKE_AT batches are ready instead (or the producer is done, or
 * waits for a free batch).
 */
enum { WAKE_AT = 4 };

enum item_kind { ITEM_EVIDENCE, ITEM_TEXT, ITEM_TOOL, ITEM_PACKAGE, ITEM_WARN };

/* One thing the parser said, in report order; its strings live in the batch's arena. */
struct item {
	enum item_kind kind;
	union {
		struct evidence ev;
		struct {
			const char *name, *version;
		} tool;
		struct package_ref pkg;
		const char *msg;
		struct {
			const char *s; /* an evidence as render() wrote it */
			size_t len;
		} text;
	} u;
};

struct batch {
	struct item *items; /* BATCH_ITEMS of them, or NULL before first use */
	size_t n;
	struct arena arena;
	struct batch *next;
};

struct pipeline {
	/* render mode (pipeline_render): the producer's writer, the caller's reader */
	evidence_render_fn render;
	struct jw render_w;
	evidence_text_cb emit;

	pthread_mutex_t lock;
	pthread_cond_t ready_cond; /* a batch is ready, or the producer is done */
	pthread_cond_t free_cond;  /* a batch is free, or the consumer stopped */
	struct batch batches[NBATCH];
	/* under lock: */
	struct batch *free, *ready, **ready_tail;
	size_t nready;
	bool done;
	/* the consumer failed: the producer's next record ends its parse */
	atomic_bool stop;
	/* the producer's: its current batch, its input, its result (read once done) */
	struct batch *cur;
	const struct format *fmt;
	const char *buf;
	size_t len;
	struct parse_opts opts;
	const struct parse_opts *caller;
	int ret;
	struct perr err;
};

static void hand_over(struct pipeline *p, struct batch *b)
{
	pthread_mutex_lock(&p->lock);
	b->next = NULL;
	*p->ready_tail = b;
	p->ready_tail = &b->next;
	if (++p->nready >= WAKE_AT)
		pthread_cond_signal(&p->ready_cond);
	pthread_mutex_unlock(&p->lock);
}

/* A new item in the producer's batch; NULL once the consumer has stopped. */
static struct item *add_item(struct pipeline *p, enum item_kind kind)
{
	struct batch *b = p->cur;

	if (!b) {
		pthread_mutex_lock(&p->lock);
		if (!p->free)
			pthread_cond_signal(&p->ready_cond); /* whatever is ready: take it */
		while (!p->free && !atomic_load(&p->stop))
			pthread_cond_wait(&p->free_cond, &p->lock);
		b = atomic_load(&p->stop) ? NULL : p->free;
		if (b)
			p->free = b->next;
		pthread_mutex_unlock(&p->lock);
		if (!b)
			return NULL;
		/*
		 * Allocated when first used (a small report needs one batch);
		 * reset here, so that one thread allocates and frees the
		 * arena's blocks while the parse runs.
		 */
		if (!b->items)
			b->items = xcalloc(BATCH_ITEMS, sizeof(*b->items));
		arena_reset(&b->arena);
		b->n = 0;
		p->cur = b;
	}
	b->items[b->n].kind = kind;
	return &b->items[b->n++];
}

/* The item is complete: hand the batch over if it is full. */
static void item_added(struct pipeline *p)
{
	struct batch *b = p->cur;

	if (b->n == BATCH_ITEMS || b->arena.used_total >= BATCH_BYTES) {
		p->cur = NULL;
		hand_over(p, b);
	}
}

static const char *keep(struct pipeline *p, const char *s)
{
	return s ? arena_strdup(&p->cur->arena, s) : NULL;
}

static int put_evidence(const struct evidence *ev, void *payload, struct perr *err)
{
	struct pipeline *p = payload;
	struct item *it;

	if (atomic_load_explicit(&p->stop, memory_order_relaxed) ||
	    !(it = add_item(p, p->render ? ITEM_TEXT : ITEM_EVIDENCE)))
		return perr_set(err, P_ERROR, "stopped: the reader of the evidence failed");
	if (p->render) {
		const char *text;
		size_t len;
		char *copy;

		jw_mem_clear(&p->render_w);
		p->render(&p->render_w, ev);
		text = jw_mem(&p->render_w, &len);
		copy = arena_alloc(&p->cur->arena, len);
		memcpy(copy, text, len);
		it->u.text.s = copy;
		it->u.text.len = len;
	} else {
		evidence_copy(&it->u.ev, ev, &p->cur->arena);
	}
	item_added(p);
	return 0;
}

/* The hooks return nothing: once the consumer has stopped, they drop what they get. */
static void put_tool(void *payload, const char *tool, const char *version)
{
	struct pipeline *p = payload;
	struct item *it = add_item(p, ITEM_TOOL);

	if (!it)
		return;
	it->u.tool.name = keep(p, tool);
	it->u.tool.version = keep(p, version);
	item_added(p);
}

static void put_package(void *payload, const struct package_ref *pkg)
{
	struct pipeline *p = payload;
	struct item *it = add_item(p, ITEM_PACKAGE);

	if (!it)
		return;
	it->u.pkg.purl = keep(p, pkg->purl);
	it->u.pkg.name = keep(p, pkg->name);
	it->u.pkg.version = keep(p, pkg->version);
	it->u.pkg.ecosystem = keep(p, pkg->ecosystem);
	it->u.pkg.license = keep(p, pkg->license);
	it->u.pkg.ref = keep(p, pkg->ref);
	it->u.pkg.path = keep(p, pkg->path);
	item_added(p);
}

static void put_warn(void *payload, const char *msg)
{
	struct pipeline *p = payload;
	struct item *it = add_item(p, ITEM_WARN);

	if (!it)
		return;
	it->u.msg = keep(p, msg);
	item_added(p);
}

static void *produce(void *arg)
{
	struct pipeline *p = arg;
	int ret = parse_run(p->fmt, p->buf, p->len, &p->opts, put_evidence, p, &p->err);

	if (p->cur && p->cur->n) {
		hand_over(p, p->cur);
		p->cur = NULL;
	}
	pthread_mutex_lock(&p->lock);
	if (p->cur) {
		p->cur->next = p->free;
		p->free = p->cur;
		p->cur = NULL;
	}
	p->ret = ret;
	p->done = true;
	pthread_cond_signal(&p->ready_cond);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static int deliver(const struct pipeline *p, const struct item *it, evidence_cb cb,
		   void *payload, struct perr *err)
{
	const struct parse_opts *caller = p->caller;

	switch (it->kind) {
	case ITEM_EVIDENCE:
		return cb(&it->u.ev, payload, err);
	case ITEM_TEXT:
		return p->emit(it->u.text.s, it->u.text.len, payload, err);
	case ITEM_TOOL:
		caller->tool_seen(caller->tool_payload, it->u.tool.name, it->u.tool.version);
		break;
	case ITEM_PACKAGE:
		caller->package_seen(caller->package_payload, &it->u.pkg);
		break;
	case ITEM_WARN:
		caller->warn(caller->warn_payload, it->u.msg);
		break;
	}
	return 0;
}

/*
 * The calling thread's side: every batch in order, every item to the
 * caller. On an error from cb, *failed_at is the index of the evidence
 * it failed on (counting from 0).
 */
static int consume(struct pipeline *p, evidence_cb cb, void *payload, size_t *failed_at,
		   struct perr *err)
{
	struct batch *b;
	size_t i, nev = 0;
	int ret = 0;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (!p->ready && !p->done)
			pthread_cond_wait(&p->ready_cond, &p->lock);
		b = p->ready;
		if (b) {
			p->ready = b->next;
			p->nready--;
			if (!p->ready)
				p->ready_tail = &p->ready;
		}
		pthread_mutex_unlock(&p->lock);
		if (!b)
			return 0;
		for (i = 0; i < b->n; i++) {
			ret = deliver(p, &b->items[i], cb, payload, err);
			if (b->items[i].kind == ITEM_EVIDENCE || b->items[i].kind == ITEM_TEXT)
				nev++;
			if (ret < 0) {
				*failed_at = nev - 1;
				break;
			}
		}
		pthread_mutex_lock(&p->lock);
		b->next = p->free;
		p->free = b;
		if (ret < 0)
			atomic_store(&p->stop, true);
		/* broadcast: on a stop the producer must wake whatever it waits for */
		pthread_cond_broadcast(&p->free_cond);
		pthread_mutex_unlock(&p->lock);
		if (ret < 0)
			return ret;
	}
}

struct replay {
	size_t seen, at;
	const struct perr *err;
};

static int replay_evidence(const struct evidence *ev, void *payload, struct perr *err)
{
	struct replay *r = payload;

	if (r->seen++ < r->at)
		return 0;
	*err = *r->err;
	return err->code;
}

/*
 * The caller's cb failed on evidence number `at`. parse_run() would have
 * named the place of that record ("runs[0].results[3]: ..."), which only
 * the parser knows, and it has moved on: parse again, without hooks, up
 * to that record and fail it with the same error, so that the message is
 * the one a single thread gives. Only failures pay for this.
 */
static int name_the_place(struct pipeline *p, size_t at, struct perr *err)
{
	struct parse_opts opts = *p->caller;
	struct perr cause = *err;
	struct replay r = { 0, at, &cause };
	int ret;

	opts.tool_seen = NULL;
	opts.package_seen = NULL;
	opts.warn = NULL;
	opts.stream.progress = NULL;
	ret = parse_run(p->fmt, p->buf, p->len, &opts, replay_evidence, &r, err);
	if (ret >= 0 || r.seen <= at) {
		*err = cause;
		ret = cause.code;
	}
	return ret;
}

static void pipeline_release(struct pipeline *p)
{
	size_t i;

	for (i = 0; i < NBATCH; i++) {
		arena_release(&p->batches[i].arena);
		xfree(p->batches[i].items);
	}
	pthread_cond_destroy(&p->free_cond);
	pthread_cond_destroy(&p->ready_cond);
	pthread_mutex_destroy(&p->lock);
}

/* render mode on one thread (no second thread to be had): render, then emit, each evidence */
struct inline_render {
	evidence_render_fn render;
	evidence_text_cb emit;
	void *payload;
	struct jw w;
};

static int render_inline(const struct evidence *ev, void *payload, struct perr *err)
{
	struct inline_render *r = payload;
	const char *text;
	size_t len;

	jw_mem_clear(&r->w);
	r->render(&r->w, ev);
	text = jw_mem(&r->w, &len);
	return r->emit(text, len, r->payload, err);
}

static int run(const struct format *fmt, const char *buf, size_t len,
	       const struct parse_opts *opts, evidence_render_fn render, evidence_text_cb emit,
	       evidence_cb cb, void *payload, struct perr *err)
{
	static const struct parse_opts no_opts;
	struct pipeline p;
	pthread_t producer;
	size_t i, failed_at = 0;
	int ret;

	if (!opts)
		opts = &no_opts;
	memset(&p, 0, sizeof(p));
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.ready_cond, NULL);
	pthread_cond_init(&p.free_cond, NULL);
	atomic_init(&p.stop, false);
	for (i = 0; i < NBATCH; i++) {
		arena_init(&p.batches[i].arena, 0);
		p.batches[i].next = p.free;
		p.free = &p.batches[i];
	}
	p.ready_tail = &p.ready;
	p.fmt = fmt;
	p.buf = buf;
	p.len = len;
	p.caller = opts;
	p.opts = *opts;
	p.render = render;
	p.emit = emit;
	if (render)
		jw_init_mem(&p.render_w);
	if (opts->tool_seen) {
		p.opts.tool_seen = put_tool;
		p.opts.tool_payload = &p;
	}
	if (opts->package_seen) {
		p.opts.package_seen = put_package;
		p.opts.package_payload = &p;
	}
	if (opts->warn) {
		p.opts.warn = put_warn;
		p.opts.warn_payload = &p;
	}
	if (pthread_create(&producer, NULL, produce, &p)) {
		/* no second thread to be had: read as a single thread does */
		if (render)
			jw_release(&p.render_w);
		pipeline_release(&p);
		if (render) {
			struct inline_render r;

			r.render = render;
			r.emit = emit;
			r.payload = payload;
			jw_init_mem(&r.w);
			ret = parse_run(fmt, buf, len, opts, render_inline, &r, err);
			jw_release(&r.w);
			return ret;
		}
		return parse_run(fmt, buf, len, opts, cb, payload, err);
	}
	ret = consume(&p, cb, payload, &failed_at, err);
	pthread_join(producer, NULL);
	if (ret < 0)
		ret = name_the_place(&p, failed_at, err);
	else if ((ret = p.ret) < 0)
		*err = p.err;
	if (render)
		jw_release(&p.render_w);
	pipeline_release(&p);
	return ret;
}

int pipeline_parse(const struct format *fmt, const char *buf, size_t len,
		   const struct parse_opts *opts, evidence_cb cb, void *payload,
		   struct perr *err)
{
	return run(fmt, buf, len, opts, NULL, NULL, cb, payload, err);
}

int pipeline_render(const struct format *fmt, const char *buf, size_t len,
		    const struct parse_opts *opts, evidence_render_fn render,
		    evidence_text_cb emit, void *payload, struct perr *err)
{
	return run(fmt, buf, len, opts, render, emit, NULL, payload, err);
}
