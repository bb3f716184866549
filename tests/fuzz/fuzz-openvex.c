/* libFuzzer target: the OpenVEX parser through its real entry point. */
#include "posture.h"
#include "parse/parse.h"

static int sink(const struct evidence *ev, void *payload, struct perr *err)
{
	(*(long *)payload)++;
	return 0;
}

static void see_package(void *payload, const struct package_ref *pkg)
{
	(*(long *)payload)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse_opts opts = { .secret_key = "fuzz", .secret_key_len = 4 };
	struct perr err = PERR_INIT;
	long n = 0;

	opts.package_seen = see_package;
	opts.package_payload = &n;
	parse_run(format_find("openvex"), (const char *)data, size, &opts, sink, &n, &err);
	return 0;
}
