/* libFuzzer target: the .posture-exceptions.yaml parser and matcher through their real entry points. */
#include "posture.h"
#include "engine/exceptions.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const vulns[] = { "CVE-2023-26136", "GHSA-72xf-g2v4-qvf3" };
	struct exception_subject s = { 42, "0123456789abcdef0123456789abcdef", "B101", "pkg:npm/tough-cookie",
				       "tests/a.py", "checkout", vulns, 2 };
	struct exception_list l;
	struct perr err = PERR_INIT;
	const struct exception_entry *expired;

	exceptions_init(&l);
	if (exceptions_parse(&l, (const char *)data, size, "fuzz.yaml", &err) == 0)
		(void)exceptions_match(&l, &s, 1767225600, &expired);
	exceptions_release(&l);
	return 0;
}
