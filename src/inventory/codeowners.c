/*
 * CODEOWNERS parsing and matching. A pattern compiles to a small NFA of
 * tokens that is simulated over the path with one state set per step, so
 * matching costs O(path x pattern) whatever the wildcards: no
 * backtracking, no blow-up on hostile patterns.
 */
#include "posture.h"
#include "inventory/codeowners.h"
#include "model/evidence.h"
#include "util/alloc.h"

#include <ctype.h>

enum tok {
	T_LIT,    /* one byte */
	T_ANY1,   /* '?': one byte but '/' */
	T_STAR,   /* '*': any run without '/' */
	T_DIR_A,  /* a double star segment as (.* '/')?: entry ... */
	T_DIR_B,  /* ... and inside the run */
	T_ALL_A,  /* a trailing double star as .+: first byte ... */
	T_ALL_B,  /* ... and the rest */
};

struct codeowners_token {
	enum tok type;
	char ch;
};

void codeowners_init(struct codeowners *co)
{
	memset(co, 0, sizeof(*co));
	arena_init(&co->arena, 0);
}

void codeowners_release(struct codeowners *co)
{
	xfree(co->rules);
	xfree(co->warnings);
	arena_release(&co->arena);
	memset(co, 0, sizeof(*co));
}

static void warn(struct codeowners *co, unsigned line, const char *fmt, ...) P_PRINTF(3, 4);
static void warn(struct codeowners *co, unsigned line, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ALLOC_GROW(co->warnings, co->nwarnings + 1, co->warnings_alloc);
	co->warnings[co->nwarnings].line = line;
	co->warnings[co->nwarnings].msg = arena_strdup(&co->arena, msg);
	co->nwarnings++;
}

static bool valid_login(const char *s, size_t n)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static bool valid_owner(const char *o)
{
	const char *at = strchr(o, '@'), *slash;

	if (!at)
		return false;
	if (at == o) {
		slash = strchr(o + 1, '/');
		if (!slash)
			return valid_login(o + 1, strlen(o + 1));
		return valid_login(o + 1, (size_t)(slash - o - 1)) && valid_login(slash + 1, strlen(slash + 1));
	}
	/* an email: something@domain.tld */
	return !strchr(at + 1, '@') && strchr(at + 1, '.') && at[1] != '.' &&
	       o[strlen(o) - 1] != '.' && !strpbrk(o, "/\\");
}

static void add_token(struct codeowners *co, struct codeowners_rule *r, size_t *alloc,
		      enum tok type, char ch)
{
	r->tokens = arena_grow(&co->arena, r->tokens, sizeof(*r->tokens), r->ntokens + 1, alloc);
	r->tokens[r->ntokens].type = type;
	r->tokens[r->ntokens].ch = ch;
	r->ntokens++;
}

/* Compile a pattern (escapes kept) into r's tokens. */
static void compile(struct codeowners *co, struct codeowners_rule *r, const char *pat)
{
	size_t n = strlen(pat), i = 0, alloc = 0, last_seg;
	bool anchored;

	r->dir_only = n > 1 && pat[n - 1] == '/' && (n < 2 || pat[n - 2] != '\\');
	if (r->dir_only)
		n--;
	anchored = pat[0] == '/';
	if (anchored) {
		pat++;
		n--;
	}
	for (i = 0; i + 1 < n && !anchored; i++)
		if (pat[i] == '\\')
			i++;
		else if (pat[i] == '/')
			anchored = true;
	/* the last segment: no wildcard there means "and everything below" */
	last_seg = 0;
	for (i = 0; i < n; i++)
		if (pat[i] == '\\')
			i++;
		else if (pat[i] == '/')
			last_seg = i + 1;
	r->prefix = true;
	for (i = last_seg; i < n; i++)
		if (pat[i] == '\\')
			i++;
		else if (pat[i] == '*' || pat[i] == '?')
			r->prefix = false;
	if (!anchored) {
		add_token(co, r, &alloc, T_DIR_A, 0);
		add_token(co, r, &alloc, T_DIR_B, 0);
	}
	for (i = 0; i < n; i++) {
		char c = pat[i];

		if (c == '\\' && i + 1 < n) {
			add_token(co, r, &alloc, T_LIT, pat[++i]);
		} else if (c == '*' && i + 1 < n && pat[i + 1] == '*' && (i == 0 || pat[i - 1] == '/') &&
			   (i + 2 == n || pat[i + 2] == '/')) {
			if (i + 2 == n) {
				add_token(co, r, &alloc, T_ALL_A, 0);
				add_token(co, r, &alloc, T_ALL_B, 0);
			} else {
				add_token(co, r, &alloc, T_DIR_A, 0);
				add_token(co, r, &alloc, T_DIR_B, 0);
				i++; /* the '/' after it is part of the run */
			}
			i++;
		} else if (c == '*') {
			while (i + 1 < n && pat[i + 1] == '*')
				i++;
			add_token(co, r, &alloc, T_STAR, 0);
		} else if (c == '?') {
			add_token(co, r, &alloc, T_ANY1, 0);
		} else {
			add_token(co, r, &alloc, T_LIT, c);
		}
	}
}

/* Follow the empty moves; they only go forward, so one pass in order is enough. */
static void closure(const struct codeowners_token *t, size_t m, bool *set)
{
	size_t i;

	for (i = 0; i < m; i++) {
		if (!set[i])
			continue;
		if (t[i].type == T_STAR)
			set[i + 1] = true;
		else if (t[i].type == T_DIR_A)
			set[i + 2] = true;
		else if (t[i].type == T_ALL_B)
			set[i + 1] = true;
	}
}

static bool nfa_match(const struct codeowners_token *t, size_t m, const char *s, size_t len,
		      bool *cur, bool *next)
{
	size_t i, j;

	memset(cur, 0, m + 1);
	cur[0] = true;
	closure(t, m, cur);
	for (j = 0; j < len; j++) {
		char c = s[j];
		bool any = false;

		memset(next, 0, m + 1);
		for (i = 0; i < m; i++) {
			if (!cur[i])
				continue;
			switch (t[i].type) {
			case T_LIT:
				if (c == t[i].ch)
					next[i + 1] = any = true;
				break;
			case T_ANY1:
				if (c != '/')
					next[i + 1] = any = true;
				break;
			case T_STAR:
				if (c != '/')
					next[i] = any = true;
				break;
			case T_DIR_A:
			case T_DIR_B:
				/* inside the run: stay; a '/' may also end it */
				next[t[i].type == T_DIR_A ? i + 1 : i] = any = true;
				if (c == '/')
					next[t[i].type == T_DIR_A ? i + 2 : i + 1] = true;
				break;
			case T_ALL_A:
				next[i + 1] = any = true;
				break;
			case T_ALL_B:
				next[i] = any = true;
				break;
			}
		}
		if (!any)
			return false;
		closure(t, m, next);
		{
			bool *tmp = cur;

			cur = next;
			next = tmp;
		}
	}
	return cur[m];
}

bool codeowners_rule_matches(const struct codeowners_rule *r, const char *path)
{
	bool small[2][128], *cur, *next;
	size_t m = r->ntokens, len, j;
	bool hit = false;

	while (path[0] == '.' && path[1] == '/')
		path += 2;
	while (*path == '/')
		path++;
	len = strlen(path);
	if (!len || len > CODEOWNERS_MAX_PATH)
		return false;
	if (m + 1 <= ARRAY_SIZE(small[0])) {
		cur = small[0];
		next = small[1];
	} else {
		cur = xmalloc(m + 1);
		next = xmalloc(m + 1);
	}
	if (!r->dir_only)
		hit = nfa_match(r->tokens, m, path, len, cur, next);
	/* a directory the pattern names owns what is below it */
	for (j = 1; !hit && (r->prefix || r->dir_only) && j < len; j++)
		if (path[j] == '/')
			hit = nfa_match(r->tokens, m, path, j, cur, next);
	if (cur != small[0] && cur != small[1]) {
		xfree(cur);
		xfree(next);
	}
	return hit;
}

const struct codeowners_rule *codeowners_match(const struct codeowners *co, const char *path)
{
	size_t i;

	if (!path)
		return NULL;
	for (i = co->nrules; i-- > 0;)
		if (codeowners_rule_matches(&co->rules[i], path))
			return &co->rules[i];
	return NULL;
}

/* The next whitespace-separated word of [*p, end), escapes kept; NULL at the end. */
static const char *next_word(struct arena *a, const char **p, const char *end)
{
	const char *s = *p, *start;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == end) {
		*p = s;
		return NULL;
	}
	start = s;
	while (s < end && *s != ' ' && *s != '\t') {
		if (*s == '\\' && s + 1 < end)
			s++;
		s++;
	}
	*p = s;
	return arena_strndup(a, start, (size_t)(s - start));
}

static void parse_line(struct codeowners *co, unsigned lineno, const char *p, const char *end)
{
	struct codeowners_rule r = { 0 };
	const char *pat, *w;
	size_t alloc = 0, i;

	pat = next_word(&co->arena, &p, end);
	if (!pat || pat[0] == '#')
		return;
	if (pat[0] == '!') {
		warn(co, lineno, "'%.200s': negation with '!' is not supported by GitHub; line skipped", pat);
		return;
	}
	if (strlen(pat) > CODEOWNERS_MAX_PATTERN) {
		warn(co, lineno, "pattern longer than %d bytes; line skipped", CODEOWNERS_MAX_PATTERN);
		return;
	}
	for (i = 0; pat[i]; i++)
		if ((unsigned char)pat[i] < 0x20) {
			warn(co, lineno, "control character in the pattern; line skipped");
			return;
		}
	if (strchr(pat, '['))
		warn(co, lineno, "'%.200s': [ ] ranges are not supported by GitHub; taken literally", pat);
	while ((w = next_word(&co->arena, &p, end)) && w[0] != '#') {
		char *low;

		if (!valid_owner(w)) {
			warn(co, lineno, "'%.200s' is not an owner (@login, @org/team or an email); line skipped",
			     w);
			return;
		}
		low = arena_strdup(&co->arena, w);
		for (i = 0; low[i]; i++)
			low[i] = (char)tolower((unsigned char)low[i]);
		r.owners = arena_grow(&co->arena, r.owners, sizeof(*r.owners), r.nowners + 1, &alloc);
		r.owners[r.nowners++] = low;
	}
	r.pattern = pat;
	r.line = lineno;
	compile(co, &r, pat);
	ALLOC_GROW(co->rules, co->nrules + 1, co->rules_alloc);
	co->rules[co->nrules++] = r;
}

int codeowners_parse(struct codeowners *co, const char *buf, size_t len, struct perr *err)
{
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;

	if (len > CODEOWNERS_MAX_BYTES)
		return perr_set(err, P_ELIMIT, "larger than %u MiB (GitHub ignores such a file)",
				CODEOWNERS_MAX_BYTES >> 20);
	/* a UTF-8 byte order mark is not part of the first pattern */
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
		const char *stop = eol;

		lineno++;
		if (stop > p && stop[-1] == '\r')
			stop--;
		if (memchr(p, '\0', (size_t)(stop - p)))
			warn(co, lineno, "NUL byte in the line; line skipped");
		else
			parse_line(co, lineno, p, stop);
		p = nl ? nl + 1 : end;
	}
	return 0;
}
