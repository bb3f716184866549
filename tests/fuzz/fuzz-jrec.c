/*
 * libFuzzer target: the streaming record layer, with records and context
 * at several depths (so look-ahead, scope ends and skipping all run).
 */
#include "posture.h"
#include "parse/jrec.h"

static const struct jrec_format fuzz_format = {
	.records = { "a[*].b[*]", "[*]", "c", "d.*", NULL },
	.context = { "a[*].t", "a[*].u", "v", NULL },
	.scope_end = true,
};

static int sink(const struct jrec *rec, void *payload, struct perr *err)
{
	const struct jnode *c;
	size_t n = 0;

	/* touch the tree and the context */
	if (rec->node)
		json_for_each(c, rec->node)
			n += c->len;
	*(size_t *)payload += n + (rec->ctx[0] != NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perr err = PERR_INIT;
	struct jrec_opts opts = { .limits = { 16, 4096, 1 << 20 } };
	size_t n = 0;

	jrec_parse((const char *)data, size, &fuzz_format, &opts, sink, &n, &err);
	return 0;
}
