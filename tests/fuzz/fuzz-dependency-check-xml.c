/* libFuzzer target: the Dependency-Check XML parser through its real entry point. */
#include "posture.h"
#include "parse/parse.h"

static int sink(const struct evidence *ev, void *payload, struct perr *err)
{
	(*(long *)payload)++;
	return 0;
}

static void package(void *payload, const struct package_ref *pkg)
{
	(*(long *)payload)++;
}

static void warn(void *payload, const char *msg)
{
	(*(long *)payload)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perr err = PERR_INIT;
	struct parse_opts opts = { 0 };
	long n = 0;

	opts.package_seen = package;
	opts.package_payload = &n;
	opts.warn = warn;
	opts.warn_payload = &n;
	parse_run(format_find("dependency-check-xml"), (const char *)data, size, &opts, sink, &n, &err);
	return 0;
}
