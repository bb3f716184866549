/* libFuzzer target: the posture.yaml loader through its real entry point. */
#include "posture.h"
#include "inventory/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inventory inv;
	struct perr err = PERR_INIT;

	inventory_init(&inv);
	inventory_parse(&inv, (const char *)data, size, "fuzz.yaml", &err);
	inventory_release(&inv);
	return 0;
}
