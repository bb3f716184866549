/*
 * libFuzzer target: the streaming XML record layer, with records, context
 * and wildcards at several depths (so tracking, skipping, ancestors,
 * scope ends and the input conversion all run), under small limits.
 */
#include "posture.h"
#include "parse/xrec.h"

static const struct xrec_format fuzz_format = {
	.records = { "a/b/c", "a/*/d", "r", NULL },
	.context = { "a/t", "a/b/u", NULL },
	.scope_end = true,
};

static void touch(const struct xnode *n, size_t *sum)
{
	const struct xnode *c;
	size_t i;

	*sum += n->text_len + n->nchildren;
	for (i = 0; i < n->nattrs; i++)
		*sum += strlen(n->attrs[i].name) + strlen(n->attrs[i].value);
	xnode_for_each(c, n)
		touch(c, sum);
}

static int sink(const struct xrec *rec, void *payload, struct perr *err)
{
	const struct xnode *n = rec->node ? rec->node : rec->scope;

	touch(n, payload);
	if (rec->ctx[0])
		touch(rec->ctx[0], payload);
	for (n = n->parent; n; n = n->parent)
		*(size_t *)payload += n->nattrs;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perr err = PERR_INIT;
	struct xrec_opts opts = { .limits = { 32, 4096, 1 << 20, 16 } };
	size_t n = 0;

	xrec_parse((const char *)data, size, &fuzz_format, &opts, sink, &n, &err);
	return 0;
}
