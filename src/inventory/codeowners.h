/*
 * CODEOWNERS, read the way GitHub reads it: one pattern and its owners per
 * line, the last matching line wins, a line with a pattern and no owners
 * leaves those paths without an owner. Patterns follow .gitignore: a
 * leading or inner '/' anchors to the root, a trailing '/' means a
 * directory, '*' does not cross '/', a double star does when it is a whole
 * segment (leading, trailing or between slashes), '?' is one character,
 * a backslash escapes. GitHub does not support '!' negation (such lines
 * are skipped with a warning) nor [ ] ranges (taken literally). A pattern whose last segment has no
 * wildcard also owns everything below it ("/apps/github" owns
 * "apps/github/x"); "docs/" + "*" owns docs' files, not files deeper down.
 *
 * Owners are "@login", "@org/team" or an email address; a line with an
 * invalid owner is skipped with a warning, as GitHub does.
 *
 * Everything lives in the struct's arena; codeowners_release frees it.
 * Parsing and matching are pure and bounded.
 */
#ifndef POSTURE_INVENTORY_CODEOWNERS_H
#define POSTURE_INVENTORY_CODEOWNERS_H

#include "util/arena.h"
#include "util/err.h"

#define CODEOWNERS_MAX_BYTES (3u << 20) /* GitHub ignores a larger file */
#define CODEOWNERS_MAX_PATTERN 1024
#define CODEOWNERS_MAX_PATH 4096

struct codeowners_token;

struct codeowners_rule {
	const char *pattern;     /* as written */
	const char **owners;     /* lower case; none: explicitly unowned */
	size_t nowners;
	unsigned line;
	bool dir_only, prefix;   /* see above */
	struct codeowners_token *tokens;
	size_t ntokens;
};

struct codeowners_warning {
	unsigned line;
	const char *msg;
};

struct codeowners {
	struct arena arena;
	struct codeowners_rule *rules;
	size_t nrules, rules_alloc;
	struct codeowners_warning *warnings;
	size_t nwarnings, warnings_alloc;
};

void codeowners_init(struct codeowners *co);
void codeowners_release(struct codeowners *co);

/*
 * Parse a CODEOWNERS file. Bad lines become warnings (the rest still
 * counts, as on GitHub); only a file over CODEOWNERS_MAX_BYTES fails
 * (P_ELIMIT).
 */
int codeowners_parse(struct codeowners *co, const char *buf, size_t len, struct perr *err);

/* The rule that decides path's owners (the last that matches), or NULL. */
const struct codeowners_rule *codeowners_match(const struct codeowners *co, const char *path);

/* Does one pattern match path? (exposed for tests) */
bool codeowners_rule_matches(const struct codeowners_rule *r, const char *path);

#endif
