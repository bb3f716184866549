/* libFuzzer target: CODEOWNERS parsing, and matching paths against what it parsed. */
#include "posture.h"
#include "inventory/codeowners.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {
		"README.md", "src/app/main.go", "docs/a/b/c.md", "apps/github/x.js", "build/logs/out",
		"a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z.txt", "*", "**/x",
	};
	struct codeowners co;
	struct perr err = PERR_INIT;
	size_t i, j;

	codeowners_init(&co);
	if (codeowners_parse(&co, (const char *)data, size, &err) == 0) {
		for (i = 0; i < ARRAY_SIZE(paths); i++)
			codeowners_match(&co, paths[i]);
		/* each pattern against itself: the worst case for the matcher */
		for (j = 0; j < co.nrules && j < 64; j++)
			codeowners_rule_matches(&co.rules[j], co.rules[j].pattern);
	}
	codeowners_release(&co);
	return 0;
}
