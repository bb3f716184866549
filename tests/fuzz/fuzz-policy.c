/* libFuzzer target: the risk policy YAML loader, then the canonical writer and a reload. */
#include "posture.h"
#include "engine/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perr err = PERR_INIT;
	struct policy *p = NULL, *again = NULL;
	struct pbuf b = PBUF_INIT;

	if (policy_load(&p, (const char *)data, size, "fuzz.yaml", &err) == 0) {
		/* whatever loads must write a policy that loads to the same text */
		if (policy_write(p, &b) < 0 || policy_load(&again, b.buf, b.len, "canonical", &err) < 0)
			abort();
		policy_free(again);
	}
	policy_free(p);
	pbuf_release(&b);
	return 0;
}
