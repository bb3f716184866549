#include "posture.h"
#include "model/evidence.h"
#include "util/alloc.h"

void evidence_init(struct evidence *ev)
{
	memset(ev, 0, sizeof(*ev));
}

void *arena_grow(struct arena *arena, void *old, size_t elem, size_t n, size_t *alloc)
{
	size_t nalloc;
	void *p;

	if (n <= *alloc)
		return old;
	nalloc = *alloc < 4 ? 4 : st_mult(*alloc, 2);
	if (nalloc < n)
		nalloc = n;
	p = arena_alloc(arena, st_mult(elem, nalloc));
	if (!p) {
		fputs("posture: fatal: record arena exhausted\n", stderr);
		abort();
	}
	if (old && *alloc)
		memcpy(p, old, st_mult(elem, *alloc));
	*alloc = nalloc;
	return p;
}

void strlist_add(struct strlist *l, struct arena *arena, const char *s)
{
	if (!s || !*s)
		return;
	l->v = arena_grow(arena, l->v, sizeof(*l->v), l->n + 1, &l->alloc);
	l->v[l->n++] = s;
}

bool strlist_has(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return true;
	return false;
}

void strlist_add_unique(struct strlist *l, struct arena *arena, const char *s)
{
	if (s && *s && !strlist_has(l, s))
		strlist_add(l, arena, s);
}

void kvlist_add(struct kvlist *l, struct arena *arena, const char *key, const char *value)
{
	if (!key || !value)
		return;
	l->v = arena_grow(arena, l->v, sizeof(*l->v), l->n + 1, &l->alloc);
	l->v[l->n].key = key;
	l->v[l->n].value = value;
	l->n++;
}

const char *kvlist_get(const struct kvlist *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].key, key))
			return l->v[i].value;
	return NULL;
}

void evidence_add_cwe(struct evidence *ev, struct arena *arena, int cwe)
{
	size_t i;

	if (cwe <= 0)
		return;
	for (i = 0; i < ev->ncwe; i++)
		if (ev->cwe[i] == cwe)
			return;
	ev->cwe = arena_grow(arena, ev->cwe, sizeof(*ev->cwe), ev->ncwe + 1, &ev->cwe_alloc);
	ev->cwe[ev->ncwe++] = cwe;
}

bool evidence_add_cwe_text(struct evidence *ev, struct arena *arena, const char *text)
{
	const char *p = text;
	long v = 0;

	if (!p)
		return false;
	while (*p == ' ')
		p++;
	if (!strncasecmp(p, "cwe", 3)) {
		p += 3;
		if (*p == '-' || *p == ':' || *p == '_' || *p == ' ')
			p++;
	}
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9' && v < 1000000)
		v = v * 10 + (*p++ - '0');
	if (v <= 0 || v >= 1000000)
		return false;
	evidence_add_cwe(ev, arena, (int)v);
	return true;
}

void evidence_add_vuln_id(struct evidence *ev, struct arena *arena, const char *id)
{
	struct strlist *l = &ev->vuln_ids;
	size_t i, pos;

	if (!id || !*id || strlist_has(l, id))
		return;
	if (strncasecmp(id, "CVE-", 4)) {
		strlist_add(l, arena, id);
		return;
	}
	/* CVE ids go after the CVEs already there, before everything else */
	for (pos = 0; pos < l->n && !strncasecmp(l->v[pos], "CVE-", 4); pos++)
		;
	strlist_add(l, arena, id);
	for (i = l->n - 1; i > pos; i--)
		l->v[i] = l->v[i - 1];
	l->v[pos] = id;
}

struct location *evidence_add_related(struct evidence *ev, struct arena *arena)
{
	ev->related = arena_grow(arena, ev->related, sizeof(*ev->related),
				 ev->nrelated + 1, &ev->related_alloc);
	memset(&ev->related[ev->nrelated], 0, sizeof(*ev->related));
	return &ev->related[ev->nrelated++];
}

/* The copy's strings: NULL stays NULL, anything else moves into arena. */
static const char *copy_str(struct arena *arena, const char *s)
{
	return s ? arena_strdup(arena, s) : NULL;
}

static void copy_strlist(struct strlist *l, struct arena *arena)
{
	const char **v;
	size_t i;

	if (!l->n) {
		memset(l, 0, sizeof(*l));
		return;
	}
	v = arena_alloc(arena, st_mult(sizeof(*v), l->n));
	for (i = 0; i < l->n; i++)
		v[i] = copy_str(arena, l->v[i]);
	l->v = v;
	l->alloc = l->n;
}

static void copy_kvlist(struct kvlist *l, struct arena *arena)
{
	struct kv *v;
	size_t i;

	if (!l->n) {
		memset(l, 0, sizeof(*l));
		return;
	}
	v = arena_alloc(arena, st_mult(sizeof(*v), l->n));
	for (i = 0; i < l->n; i++) {
		v[i].key = copy_str(arena, l->v[i].key);
		v[i].value = copy_str(arena, l->v[i].value);
	}
	l->v = v;
	l->alloc = l->n;
}

/* loc already holds the source's members; replace what it points to. */
static void copy_location(struct location *loc, struct arena *arena)
{
	loc->path = copy_str(arena, loc->path);
	loc->snippet = copy_str(arena, loc->snippet);
	loc->logical = copy_str(arena, loc->logical);
	loc->url = copy_str(arena, loc->url);
	loc->method = copy_str(arena, loc->method);
	loc->param = copy_str(arena, loc->param);
	loc->purl = copy_str(arena, loc->purl);
	loc->name = copy_str(arena, loc->name);
	loc->version = copy_str(arena, loc->version);
	loc->ecosystem = copy_str(arena, loc->ecosystem);
	copy_strlist(&loc->fixed_versions, arena);
	loc->image = copy_str(arena, loc->image);
	loc->layer = copy_str(arena, loc->layer);
	loc->resource = copy_str(arena, loc->resource);
	loc->provider = copy_str(arena, loc->provider);
}

/*
 * A member added to struct evidence or struct location must be copied
 * above and below: these sizes (x86-64, aarch64) make the build say so.
 */
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(struct location) == 152, "a new location member: copy it in copy_location()");
_Static_assert(sizeof(struct evidence) == 520, "a new evidence member: copy it in evidence_copy()");
#endif

void evidence_copy(struct evidence *out, const struct evidence *ev, struct arena *arena)
{
	size_t i;

	*out = *ev;
	out->tool = copy_str(arena, ev->tool);
	out->tool_version = copy_str(arena, ev->tool_version);
	out->format = copy_str(arena, ev->format);
	out->rule_id = copy_str(arena, ev->rule_id);
	out->rule_name = copy_str(arena, ev->rule_name);
	out->title = copy_str(arena, ev->title);
	out->description = copy_str(arena, ev->description);
	out->remediation = copy_str(arena, ev->remediation);
	out->help_uri = copy_str(arena, ev->help_uri);
	out->severity_raw = copy_str(arena, ev->severity_raw);
	out->confidence_raw = copy_str(arena, ev->confidence_raw);
	out->cvss.version = copy_str(arena, ev->cvss.version);
	out->cvss.vector = copy_str(arena, ev->cvss.vector);
	copy_strlist(&out->vuln_ids, arena);
	if (ev->ncwe) {
		out->cwe = arena_alloc(arena, st_mult(sizeof(*out->cwe), ev->ncwe));
		memcpy(out->cwe, ev->cwe, st_mult(sizeof(*out->cwe), ev->ncwe));
	} else {
		out->cwe = NULL;
	}
	out->cwe_alloc = ev->ncwe;
	copy_location(&out->loc, arena);
	if (ev->nrelated) {
		out->related = arena_alloc(arena, st_mult(sizeof(*out->related), ev->nrelated));
		for (i = 0; i < ev->nrelated; i++) {
			out->related[i] = ev->related[i];
			copy_location(&out->related[i], arena);
		}
	} else {
		out->related = NULL;
	}
	out->related_alloc = ev->nrelated;
	copy_strlist(&out->references, arena);
	copy_strlist(&out->tags, arena);
	copy_kvlist(&out->tool_fingerprints, arena);
	out->suppression_kind = copy_str(arena, ev->suppression_kind);
	out->suppression_justification = copy_str(arena, ev->suppression_justification);
	out->baseline_state = copy_str(arena, ev->baseline_state);
	out->secret_hash = copy_str(arena, ev->secret_hash);
	copy_kvlist(&out->properties, arena);
	out->fingerprint = copy_str(arena, ev->fingerprint);
}

static const char *const kind_names[] = {
	[KIND_OTHER] = "other", [KIND_SAST] = "sast", [KIND_SCA] = "sca",
	[KIND_SECRET] = "secret", [KIND_CONTAINER] = "container", [KIND_IAC] = "iac",
	[KIND_DAST] = "dast", [KIND_API] = "api", [KIND_CLOUD] = "cloud",
	[KIND_RUNTIME] = "runtime",
};

const char *kind_name(enum kind k)
{
	return (size_t)k < ARRAY_SIZE(kind_names) ? kind_names[k] : "other";
}

int kind_parse(enum kind *out, const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kind_names); i++)
		if (!strcasecmp(s, kind_names[i])) {
			*out = (enum kind)i;
			return 0;
		}
	return P_EINVALID;
}

static const char *const severity_names[] = {
	[SEV_NONE] = "none", [SEV_INFO] = "info", [SEV_LOW] = "low",
	[SEV_MEDIUM] = "medium", [SEV_HIGH] = "high", [SEV_CRITICAL] = "critical",
};

const char *severity_name(enum severity s)
{
	return (size_t)s < ARRAY_SIZE(severity_names) ? severity_names[s] : "none";
}

int severity_parse(enum severity *out, const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(severity_names); i++)
		if (!strcasecmp(s, severity_names[i])) {
			*out = (enum severity)i;
			return 0;
		}
	return P_EINVALID;
}

enum severity severity_from_score(double score)
{
	if (score >= 9.0)
		return SEV_CRITICAL;
	if (score >= 7.0)
		return SEV_HIGH;
	if (score >= 4.0)
		return SEV_MEDIUM;
	if (score > 0.0)
		return SEV_LOW;
	return SEV_INFO;
}

const char *confidence_name(enum confidence c)
{
	static const char *const names[] = { NULL, "low", "medium", "high", "confirmed" };

	return (size_t)c < ARRAY_SIZE(names) ? names[c] : NULL;
}

const char *reachability_name(enum reachability r)
{
	static const char *const names[] = { NULL, "not_reachable", "imported", "reachable" };

	return (size_t)r < ARRAY_SIZE(names) ? names[r] : NULL;
}
