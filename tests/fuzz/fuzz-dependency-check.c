/* libFuzzer target: the dependency-check parser through its real entry point. */
#include "posture.h"
#include "parse/parse.h"

static int sink(const struct evidence *ev, void *payload, struct perr *err)
{
	(*(long *)payload)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perr err = PERR_INIT;
	long n = 0;

	parse_run(format_find("dependency-check"), (const char *)data, size, NULL, sink, &n, &err);
	return 0;
}
