/*
 * libFuzzer target for one report format, chosen at compile time
 * (-DFUZZ_FORMAT='"trivy"'; the Makefile builds fuzz-<format> for every
 * entry of the format table). It runs the format's detector and its parser
 * through parse_run(), the real entry point, with every hook set so that
 * tool, package and warning paths run too.
 */
#include "posture.h"
#include "parse/parse.h"

#ifndef FUZZ_FORMAT
#error "build with -DFUZZ_FORMAT='\"name\"'"
#endif

static int on_evidence(const struct evidence *ev, void *payload, struct perr *err)
{
	/* touch what consumers read, so sanitizers see bad pointers */
	*(size_t *)payload += strlen(ev->fingerprint) + (ev->title ? strlen(ev->title) : 0) +
			      ev->vuln_ids.n + ev->ncwe + ev->properties.n;
	return 0;
}

static void on_package(void *payload, const struct package_ref *pkg)
{
	*(size_t *)payload += pkg->purl ? strlen(pkg->purl) : 1;
}

static void on_tool(void *payload, const char *tool, const char *version)
{
	*(size_t *)payload += strlen(tool) + (version ? strlen(version) : 0);
}

static void on_warn(void *payload, const char *msg)
{
	*(size_t *)payload += strlen(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct format *fmt = format_find(FUZZ_FORMAT);
	struct parse_opts opts = { 0 };
	struct perr err = PERR_INIT;
	size_t touched = 0;

	if (!fmt)
		abort();
	opts.secret_key = "fuzz";
	opts.secret_key_len = 4;
	opts.package_seen = on_package;
	opts.package_payload = &touched;
	opts.tool_seen = on_tool;
	opts.tool_payload = &touched;
	opts.warn = on_warn;
	opts.warn_payload = &touched;
	fmt->detect((const char *)data, size < PARSE_DETECT_HEAD ? size : PARSE_DETECT_HEAD);
	parse_run(fmt, (const char *)data, size, &opts, on_evidence, &touched, &err);
	return 0;
}
