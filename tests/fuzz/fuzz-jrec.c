/*
 * libFuzzer target: the streaming record layer, with records and context
 * at several depths (so look-ahead, scope ends and skipping all run).
 * Differential: the scan on a thread of its own and inline must see the
 * same records, contexts, errors and places (the inline run on the SSE2
 * paths only, its look-ahead reading through the read hook; the threaded
 * one on AVX2 where the CPU has it, reading the buffer); the callback fails at the
 * n-th call for some inputs, so that stopping mid-stream runs too.
 */
#include "posture.h"
#include "parse/jrec.h"

static const struct jrec_format fuzz_format = {
	.records = { "a[*].b[*]", "[*]", "c", "d.*", NULL },
	.context = { "a[*].t", "a[*].u", "v", NULL },
	.scope_end = true,
};

struct seen {
	uint64_t digest;  /* of every call's which, index, key, tree and context */
	long calls;
	long fail_at;     /* 0: never */
};

static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ULL;
}

static uint64_t mix_text(uint64_t h, const char *s, size_t len)
{
	size_t i;

	for (i = 0; s && i < len; i++)
		h = mix(h, (unsigned char)s[i]);
	return mix(h, len);
}

static uint64_t mix_tree(uint64_t h, const struct jnode *n)
{
	const struct jnode *c;

	if (!n)
		return mix(h, 0xff);
	h = mix(h, (uint64_t)n->type);
	h = mix_text(h, n->key, n->key ? strlen(n->key) : 0);
	if (n->type == JOBJ || n->type == JARR) {
		json_for_each(c, n)
			h = mix_tree(h, c);
		return h;
	}
	return mix_text(mix(h, n->boolean), n->str, n->len);
}

static int sink(const struct jrec *rec, void *payload, struct perr *err)
{
	struct seen *s = payload;
	size_t i;

	if (++s->calls == s->fail_at)
		return perr_set(err, P_EINVALID, "stop at call %ld", s->calls);
	s->digest = mix(s->digest, (uint64_t)(rec->which + 2));
	for (i = 0; i < rec->nindex; i++)
		s->digest = mix(s->digest, rec->index[i]);
	s->digest = mix_text(s->digest, rec->key, rec->key ? strlen(rec->key) : 0);
	s->digest = mix(s->digest, rec->offset);
	s->digest = mix_tree(s->digest, rec->node);
	for (i = 0; i < 3; i++)
		s->digest = mix_tree(s->digest, rec->ctx[i]);
	return 0;
}

struct input {
	const uint8_t *data;
	size_t size;
};

static size_t read_input(void *payload, size_t from, char *dst, size_t n)
{
	const struct input *in = payload;

	if (from > in->size || n > in->size - from)
		__builtin_trap();
	memcpy(dst, in->data + from, n);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perr inline_err = PERR_INIT, threaded_err = PERR_INIT;
	struct jrec_opts opts = { .limits = { 16, 4096, 1 << 20 } };
	long fail_at = size ? data[size - 1] % 8 : 0;
	struct seen a = { 0, 0, fail_at }, b = { 0, 0, fail_at };
	struct input in = { data, size };
	long ra, rb;

	opts.no_thread = true;
	opts.no_avx2 = true;
	opts.read = read_input;
	opts.hook_payload = &in;
	ra = jrec_parse((const char *)data, size, &fuzz_format, &opts, sink, &a, &inline_err);
	opts.no_thread = false;
	opts.no_avx2 = false;
	opts.read = NULL;
	rb = jrec_parse((const char *)data, size, &fuzz_format, &opts, sink, &b, &threaded_err);
	if (ra != rb || a.digest != b.digest || a.calls != b.calls ||
	    inline_err.code != threaded_err.code || strcmp(inline_err.msg, threaded_err.msg))
		__builtin_trap();
	return 0;
}
