/* libFuzzer target: the CISA KEV catalog parser through its real entry point. */
#include "posture.h"
#include "feeds/kev.h"

static int sink(const struct kev_catalog *catalog, const struct kev_entry *entry,
		void *payload, struct perr *err)
{
	(*(long *)payload)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perr err = PERR_INIT;
	struct kev_catalog catalog;
	long n = 0;

	kev_parse((const char *)data, size, &catalog, sink, &n, &err);
	return 0;
}
