/* libFuzzer target: the EPSS daily file parser (CSV and gzip) through its real entry point. */
#include "posture.h"
#include "feeds/epss.h"

static int sink(const struct epss_meta *meta, const struct epss_row *row, void *payload,
		struct perr *err)
{
	(*(long *)payload)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perr err = PERR_INIT;
	struct epss_meta meta;
	long n = 0;

	epss_parse((const char *)data, size, &meta, sink, &n, &err);
	return 0;
}
