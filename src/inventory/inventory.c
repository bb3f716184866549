/*
 * posture.yaml -> struct inventory, with libyaml's document API. The walk
 * follows the schema (never the document's own shape), so its depth is
 * fixed; every node it touches is counted against INVENTORY_MAX_NODES, so
 * aliases that fan out (a "billion laughs" file) stay bounded too.
 */
#include "posture.h"
#include "inventory/inventory.h"
#include "util/alloc.h"
#include "util/file.h"
#include "util/strmap.h"
#include "util/yamlnode.h"

#include <ctype.h>
#include <yaml.h>

struct yctx {
	yaml_document_t *doc;
	struct inventory *inv;
	struct arena *a;
	struct perr *err;
	size_t visits;
	struct strmap keys;       /* match key -> component index + 1 */
};

static const char *const criticalities[] = { "critical", "high", "medium", "low", NULL };
static const char *const exposures[] = { "internet", "partner", "internal", "isolated", NULL };
static const char *const sensitivities[] = { "pii", "pci", "phi", "credentials", "public", NULL };

const char *inv_relation_name(enum inv_relation r)
{
	switch (r) {
	case INV_BUILDS:
		return "builds";
	case INV_RUNS_AS:
		return "runs_as";
	case INV_SERVED_AT:
		return "served_at";
	}
	return "unknown";
}

void inventory_init(struct inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
	arena_init(&inv->arena, 0);
}

void inventory_release(struct inventory *inv)
{
	xfree(inv->units);
	xfree(inv->teams);
	xfree(inv->apps);
	xfree(inv->components);
	xfree(inv->links);
	arena_release(&inv->arena);
	memset(inv, 0, sizeof(*inv));
}

static struct inv_pos pos_of(const yaml_node_t *n)
{
	struct inv_pos p = { (unsigned)n->start_mark.line + 1, (unsigned)n->start_mark.column + 1 };

	return p;
}

static int fail_pos(struct yctx *y, int code, struct inv_pos p, const char *fmt, ...) P_PRINTF(4, 5);
static int fail_pos(struct yctx *y, int code, struct inv_pos p, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return perr_set(y->err, code, "%s:%u:%u: %s", y->inv->file, p.line, p.column, msg);
}

#define fail(y, node, ...) fail_pos((y), P_EINVALID, pos_of(node), __VA_ARGS__)

static yaml_node_t *node(struct yctx *y, int index)
{
	if (++y->visits > INVENTORY_MAX_NODES)
		return NULL;
	return yaml_document_get_node(y->doc, index);
}

static int over_budget(struct yctx *y, const yaml_node_t *at)
{
	return fail_pos(y, P_ELIMIT, pos_of(at), "more than %d YAML nodes visited (aliases fan out too far)",
			INVENTORY_MAX_NODES);
}

/* A scalar as a string; *out is NULL for a null scalar. */
static int get_str(struct yctx *y, const yaml_node_t *n, const char *what, const char **out)
{
	size_t i, len;
	const char *v;

	*out = NULL;
	if (n->type != YAML_SCALAR_NODE)
		return fail(y, n, "'%s' is %s, not a string", what, yamlnode_type(n));
	if (yamlnode_is_null(n))
		return 0;
	v = (const char *)n->data.scalar.value;
	len = n->data.scalar.length;
	if (len > INVENTORY_MAX_STRING)
		return fail_pos(y, P_ELIMIT, pos_of(n), "'%s' is longer than %d bytes", what,
				INVENTORY_MAX_STRING);
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 && v[i] != '\t')
			return fail(y, n, "'%s' holds a control character", what);
	*out = arena_strndup(y->a, v, len);
	return 0;
}

static int get_required(struct yctx *y, const yaml_node_t *map, const yaml_node_t *n,
			const char *what, const char **out)
{
	int ret;

	if (!n)
		return fail(y, map, "'%s' is required", what);
	if ((ret = get_str(y, n, what, out)) < 0)
		return ret;
	if (!*out)
		return fail(y, n, "'%s' is empty", what);
	return 0;
}

static int check_enum(struct yctx *y, const yaml_node_t *n, const char *what, const char *v,
		      const char *const *allowed)
{
	char list[256];
	size_t i, len = 0;

	for (i = 0; allowed[i]; i++)
		if (!strcmp(v, allowed[i]))
			return 0;
	list[0] = '\0';
	for (i = 0; allowed[i] && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "", allowed[i]);
	return fail(y, n, "'%s' is not a valid %s (one of: %s)", v, what, list);
}

static int get_enum(struct yctx *y, const yaml_node_t *n, const char *what,
		    const char *const *allowed, const char **out)
{
	int ret;

	*out = NULL;
	if (!n)
		return 0;
	if ((ret = get_str(y, n, what, out)) < 0 || !*out)
		return ret;
	return check_enum(y, n, what, *out, allowed);
}

typedef int (*item_fn)(struct yctx *y, const yaml_node_t *item, const char *what,
		       const char **value);

/* A list of strings (a lone scalar is a list of one); check_item may rewrite each. */
static int get_list(struct yctx *y, const yaml_node_t *n, const char *what, struct strlist *out,
		    item_fn check_item)
{
	yaml_node_item_t *it;
	int ret;

	if (!n || yamlnode_is_null(n))
		return 0;
	if (n->type == YAML_SCALAR_NODE) {
		const char *v;

		if ((ret = get_str(y, n, what, &v)) < 0)
			return ret;
		if (check_item && v && (ret = check_item(y, n, what, &v)) < 0)
			return ret;
		strlist_add_unique(out, y->a, v);
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(y, n, "'%s' is %s, not a list", what, yamlnode_type(n));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		const yaml_node_t *item = node(y, *it);
		const char *v;

		if (!item)
			return over_budget(y, n);
		if ((ret = get_str(y, item, what, &v)) < 0)
			return ret;
		if (!v)
			return fail(y, item, "'%s' has an empty item", what);
		if (check_item && (ret = check_item(y, item, what, &v)) < 0)
			return ret;
		strlist_add_unique(out, y->a, v);
	}
	return 0;
}

/*
 * Check that n is a mapping whose keys are all in `allowed` (each once),
 * and put each value node in values[] at its key's index. `what` says what
 * the mapping is ("app"); its 'name' member, when there is one, is quoted
 * in messages.
 */
static int read_map(struct yctx *y, const yaml_node_t *n, const char *what,
		    const char *const *allowed, const yaml_node_t **values)
{
	yaml_node_pair_t *p;
	const char *name = NULL;
	char label[300], list[512];
	size_t i, nallowed = 0, len = 0;

	if (n->type != YAML_MAPPING_NODE)
		return fail(y, n, "%s is %s, not a mapping", what, yamlnode_type(n));
	while (allowed[nallowed])
		nallowed++;
	for (i = 0; i < nallowed; i++)
		values[i] = NULL;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node(y, p->key), *v = node(y, p->value);

		if (!k || !v)
			return over_budget(y, n);
		if (k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, "name") &&
		    v->type == YAML_SCALAR_NODE)
			name = (const char *)v->data.scalar.value;
	}
	if (name)
		snprintf(label, sizeof(label), "%s '%.200s'", what, name);
	else
		snprintf(label, sizeof(label), "%s", what);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node(y, p->key), *v = node(y, p->value);
		const char *key;

		if (!k || !v)
			return over_budget(y, n);
		if (k->type != YAML_SCALAR_NODE)
			return fail(y, k, "a key in %s is %s, not a name", label, yamlnode_type(k));
		key = (const char *)k->data.scalar.value;
		for (i = 0; i < nallowed; i++)
			if (!strcmp(key, allowed[i]))
				break;
		if (i == nallowed) {
			list[0] = '\0';
			for (i = 0, len = 0; i < nallowed && len < sizeof(list); i++)
				len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
							i ? ", " : "", allowed[i]);
			return fail(y, k, "unknown key '%.100s' in %s (allowed: %s)", key, label, list);
		}
		if (values[i])
			return fail(y, k, "'%s' is given twice in %s", key, label);
		values[i] = v;
	}
	return 0;
}

/* Iterate a list of mappings (or scalars): n may be absent or null. */
static int each_item(struct yctx *y, const yaml_node_t *n, const char *what,
		     int (*fn)(struct yctx *y, const yaml_node_t *item, void *payload), void *payload)
{
	yaml_node_item_t *it;
	int ret;

	if (!n || yamlnode_is_null(n))
		return 0;
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(y, n, "'%s' is %s, not a list", what, yamlnode_type(n));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		const yaml_node_t *item = node(y, *it);

		if (!item)
			return over_budget(y, n);
		if ((ret = fn(y, item, payload)) < 0)
			return ret;
	}
	return 0;
}

/* --- units and teams --- */

static int read_unit(struct yctx *y, const yaml_node_t *n, void *payload)
{
	static const char *const keys[] = { "name", "description", NULL };
	const yaml_node_t *v[2];
	struct inventory *inv = y->inv;
	struct inv_unit u = { 0 };
	size_t i;
	int ret;

	if ((ret = read_map(y, n, "unit", keys, v)) < 0 ||
	    (ret = get_required(y, n, v[0], "name", &u.name)) < 0 ||
	    (v[1] && (ret = get_str(y, v[1], "description", &u.description)) < 0))
		return ret;
	for (i = 0; i < inv->nunits; i++)
		if (!strcmp(inv->units[i].name, u.name))
			return fail(y, v[0], "unit '%s' is declared twice (first at line %u)", u.name,
				    inv->units[i].pos.line);
	u.pos = pos_of(n);
	ALLOC_GROW(inv->units, inv->nunits + 1, inv->units_alloc);
	inv->units[inv->nunits++] = u;
	return 0;
}

static int check_member(struct yctx *y, const yaml_node_t *n, const char *what, const char **v)
{
	const char *at = strchr(*v, '@');
	char *low;

	if (!at || strchr(*v, ' ') || (at != *v && !strchr(at, '.')) || !at[1] || strchr(at + 1, '@'))
		return fail(y, n, "'%s' in '%s' is not a GitHub login (@name) or an email address", *v, what);
	low = arena_strdup(y->a, *v);
	for (char *p = low; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	*v = low;
	return 0;
}

static int read_tickets(struct yctx *y, const yaml_node_t *n, struct inv_team *t)
{
	static const char *const keys[] = { "jira", "github", NULL };
	const yaml_node_t *v[2];
	const char *s;
	size_t i;
	int ret;

	if ((ret = read_map(y, n, "tickets", keys, v)) < 0)
		return ret;
	if (!!v[0] == !!v[1])
		return fail(y, n, "'tickets' names one destination: 'jira: PROJECT' or 'github: owner/repo'");
	if (v[0]) {
		if ((ret = get_required(y, n, v[0], "jira", &s)) < 0)
			return ret;
		for (i = 0; s[i]; i++)
			if (!(isupper((unsigned char)s[i]) || (i && (isdigit((unsigned char)s[i]) || s[i] == '_'))))
				break;
		if (s[i] || i < 2)
			return fail(y, v[0], "'%s' is not a Jira project key (like PAY or WEB2)", s);
		t->ticket_system = "jira";
	} else {
		const char *slash;

		if ((ret = get_required(y, n, v[1], "github", &s)) < 0)
			return ret;
		slash = strchr(s, '/');
		if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/') || strpbrk(s, " \t@:"))
			return fail(y, v[1], "'%s' is not a GitHub repository (owner/repo)", s);
		t->ticket_system = "github";
	}
	t->ticket_target = s;
	return 0;
}

static int read_team(struct yctx *y, const yaml_node_t *n, void *payload)
{
	static const char *const keys[] = { "name", "unit", "description", "contacts", "tickets", "chat",
					     "github_team", "members", NULL };
	const yaml_node_t *v[8];
	struct inventory *inv = y->inv;
	struct inv_team t = { 0 };
	size_t i;
	int ret;

	if ((ret = read_map(y, n, "team", keys, v)) < 0 ||
	    (ret = get_required(y, n, v[0], "name", &t.name)) < 0 ||
	    (v[1] && (ret = get_str(y, v[1], "unit", &t.unit)) < 0) ||
	    (v[2] && (ret = get_str(y, v[2], "description", &t.description)) < 0) ||
	    (ret = get_list(y, v[3], "contacts", &t.contacts, NULL)) < 0 ||
	    (v[4] && !yamlnode_is_null(v[4]) && (ret = read_tickets(y, v[4], &t)) < 0) ||
	    (v[5] && (ret = get_str(y, v[5], "chat", &t.chat)) < 0) ||
	    (ret = get_list(y, v[7], "members", &t.members, check_member)) < 0)
		return ret;
	if (v[6] && (ret = get_str(y, v[6], "github_team", &t.github_team)) < 0)
		return ret;
	if (t.github_team) {
		const char *s = t.github_team + (t.github_team[0] == '@');
		const char *slash = strchr(s, '/');
		char *low;

		if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/') || strpbrk(s, " \t@"))
			return fail(y, v[6], "'%s' is not a GitHub team (@org/team)", t.github_team);
		low = arena_strdup(y->a, s);
		for (char *p = low; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		t.github_team = low;
	}
	for (i = 0; i < inv->nteams; i++)
		if (!strcmp(inv->teams[i].name, t.name))
			return fail(y, v[0], "team '%s' is declared twice (first at line %u)", t.name,
				    inv->teams[i].pos.line);
	if (t.unit) {
		for (i = 0; i < inv->nunits; i++)
			if (!strcmp(inv->units[i].name, t.unit))
				break;
		if (i == inv->nunits)
			return fail(y, v[1], "team '%s' names unit '%s', which is not declared under 'units'",
				    t.name, t.unit);
	}
	t.pos = pos_of(n);
	ALLOC_GROW(inv->teams, inv->nteams + 1, inv->teams_alloc);
	inv->teams[inv->nteams++] = t;
	return 0;
}

/* --- components --- */

struct comp_ctx {
	size_t app;
	enum asset_kind kind;
};

static int add_key(struct yctx *y, const yaml_node_t *at, struct inv_component *c, size_t index,
		   const char *key, bool alias)
{
	void *prev = strmap_get(&y->keys, key);

	if (prev && (size_t)(uintptr_t)prev - 1 != index) {
		const struct inv_component *o = &y->inv->components[(size_t)(uintptr_t)prev - 1];

		if (alias)
			return 0;
		if (o->kind == c->kind && !strcmp(o->ident, c->ident))
			return fail(y, at, "%s '%s' is already declared by app '%s' (line %u)",
				    asset_kind_name(c->kind), c->ident, y->inv->apps[o->app].name, o->pos.line);
		return fail(y, at, "%s '%s' claims '%s', which %s '%s' of app '%s' holds (line %u)",
			    asset_kind_name(c->kind), c->ident, key, asset_kind_name(o->kind), o->ident,
			    y->inv->apps[o->app].name, o->pos.line);
	}
	if (!prev) {
		strmap_put(&y->keys, key, (void *)(uintptr_t)(index + 1));
		strlist_add(alias ? &c->alias_keys : &c->keys, y->a, key);
	}
	return 0;
}

static int add_refs(struct yctx *y, struct inv_component *c, const yaml_node_t *n,
		    enum inv_relation rel)
{
	struct strlist l = { 0 };
	yaml_node_item_t *it;
	size_t i;
	int ret;

	if (!n || yamlnode_is_null(n))
		return 0;
	if ((ret = get_list(y, n, inv_relation_name(rel), &l, NULL)) < 0)
		return ret;
	for (i = 0; i < l.n; i++) {
		struct inv_ref *r;
		const yaml_node_t *at = n;

		if (n->type == YAML_SEQUENCE_NODE) {
			it = n->data.sequence.items.start + i;
			if (it < n->data.sequence.items.top && (at = node(y, *it)) == NULL)
				return over_budget(y, n);
		}
		c->refs = arena_grow(y->a, c->refs, sizeof(*c->refs), c->nrefs + 1, &c->refs_alloc);
		r = &c->refs[c->nrefs++];
		r->relation = rel;
		r->target = l.v[i];
		r->pos = pos_of(at);
	}
	return 0;
}

static const char *dir_of(struct arena *a, const char *file)
{
	const char *slash = strrchr(file, '/');

	return slash ? arena_strndup(a, file, (size_t)(slash - file) + 1) : "";
}

static int norm_url_item(struct yctx *y, const yaml_node_t *n, const char *what, const char **v)
{
	const char *id = asset_ident(y->a, ASSET_URL, *v);

	if (!id)
		return fail(y, n, "'%s' in '%s' is not a URL", *v, what);
	*v = id;
	return 0;
}

static int read_component(struct yctx *y, const yaml_node_t *n, void *payload)
{
	static const char *const repo_keys[] = { "url", "default_branch", "codeowners", "builds",
						 "description", NULL };
	static const char *const image_keys[] = { "name", "registry", "digests", "runs_as",
						  "description", NULL };
	static const char *const service_keys[] = { "name", "environment", "cluster", "namespace",
						    "served_at", "description", NULL };
	static const char *const url_keys[] = { "url", "openapi", "description", NULL };
	static const char *const api_keys[] = { "name", "base_urls", "openapi", "description", NULL };
	static const char *const cloud_keys[] = { "id", "ids", "account", "provider", "description", NULL };
	static const char *const package_keys[] = { "purl", "description", NULL };
	static const char *const *const all_keys[ASSET__COUNT] = {
		[ASSET_REPO] = repo_keys, [ASSET_IMAGE] = image_keys, [ASSET_SERVICE] = service_keys,
		[ASSET_URL] = url_keys, [ASSET_API] = api_keys, [ASSET_PACKAGE] = package_keys,
		[ASSET_CLOUD] = cloud_keys,
	};
	/* the member a lone scalar stands for */
	static const char *const scalar_key[ASSET__COUNT] = {
		[ASSET_REPO] = "url", [ASSET_IMAGE] = "name", [ASSET_SERVICE] = "name",
		[ASSET_URL] = "url", [ASSET_API] = NULL, [ASSET_PACKAGE] = "purl", [ASSET_CLOUD] = "id",
	};
	const struct comp_ctx *cc = payload;
	struct inventory *inv = y->inv;
	struct inv_component c = { 0 };
	const yaml_node_t *v[8] = { 0 };
	const char *kind = asset_kind_name(cc->kind), *raw = NULL, *desc = NULL;
	struct arena *a = y->a;
	size_t i, index = inv->ncomponents;
	int ret;

	c.kind = cc->kind;
	c.app = cc->app;
	c.pos = pos_of(n);
	if (n->type == YAML_SCALAR_NODE && scalar_key[cc->kind]) {
		if ((ret = get_required(y, n, n, scalar_key[cc->kind], &raw)) < 0)
			return ret;
	} else {
		if ((ret = read_map(y, n, kind, all_keys[cc->kind], v)) < 0)
			return ret;
		for (i = 0; all_keys[cc->kind][i]; i++)
			if (!strcmp(all_keys[cc->kind][i], "description") && v[i] &&
			    (ret = get_str(y, v[i], "description", &desc)) < 0)
				return ret;
		c.description = desc;
	}

	switch (cc->kind) {
	case ASSET_REPO:
		if (!raw && (ret = get_required(y, n, v[0], "url", &raw)) < 0)
			return ret;
		c.url = raw;
		if ((v[1] && (ret = get_str(y, v[1], "default_branch", &c.default_branch)) < 0) ||
		    (v[2] && (ret = get_str(y, v[2], "codeowners", &c.codeowners)) < 0) ||
		    (ret = add_refs(y, &c, v[3], INV_BUILDS)) < 0)
			return ret;
		if (c.codeowners)
			c.codeowners_path = c.codeowners[0] == '/' ? c.codeowners :
					    arena_printf(a, "%s%s", dir_of(a, inv->file), c.codeowners);
		break;
	case ASSET_IMAGE:
		if (!raw && (ret = get_required(y, n, v[0], "name", &raw)) < 0)
			return ret;
		c.name = raw;
		if ((v[1] && (ret = get_str(y, v[1], "registry", &c.registry)) < 0) ||
		    (ret = get_list(y, v[2], "digests", &c.digests, NULL)) < 0 ||
		    (ret = add_refs(y, &c, v[3], INV_RUNS_AS)) < 0)
			return ret;
		if (c.registry && !strchr(c.name, '/') && !strchr(c.name, '.'))
			raw = arena_printf(a, "%s/%s", c.registry, c.name);
		else if (c.registry && strncmp(c.name, c.registry, strlen(c.registry)))
			raw = arena_printf(a, "%s/%s", c.registry, c.name);
		for (i = 0; i < c.digests.n; i++)
			if (strncmp(c.digests.v[i], "sha256:", 7) || strlen(c.digests.v[i]) != 71)
				return fail(y, v[2], "'%s' is not an image digest (sha256: and 64 hex digits)",
					    c.digests.v[i]);
		break;
	case ASSET_SERVICE:
		if (!raw && (ret = get_required(y, n, v[0], "name", &raw)) < 0)
			return ret;
		c.name = raw;
		if ((v[1] && (ret = get_str(y, v[1], "environment", &c.environment)) < 0) ||
		    (v[2] && (ret = get_str(y, v[2], "cluster", &c.cluster)) < 0) ||
		    (v[3] && (ret = get_str(y, v[3], "namespace", &c.namespace)) < 0) ||
		    (ret = add_refs(y, &c, v[4], INV_SERVED_AT)) < 0)
			return ret;
		if (c.environment)
			raw = arena_printf(a, "%s@%s", c.name, c.environment);
		break;
	case ASSET_URL:
		if (!raw && (ret = get_required(y, n, v[0], "url", &raw)) < 0)
			return ret;
		if (v[1] && (ret = get_str(y, v[1], "openapi", &c.openapi)) < 0)
			return ret;
		break;
	case ASSET_API:
		if ((ret = get_required(y, n, v[0], "name", &raw)) < 0 ||
		    (ret = get_list(y, v[1], "base_urls", &c.base_urls, norm_url_item)) < 0 ||
		    (v[2] && (ret = get_str(y, v[2], "openapi", &c.openapi)) < 0))
			return ret;
		c.name = raw;
		if (!c.base_urls.n)
			return fail(y, n, "api '%s' needs 'base_urls'", raw);
		break;
	case ASSET_CLOUD:
		if (raw) {
			strlist_add(&c.ids, a, raw);
		} else {
			const char *one = NULL;

			if ((v[0] && (ret = get_str(y, v[0], "id", &one)) < 0) ||
			    (ret = get_list(y, v[1], "ids", &c.ids, NULL)) < 0 ||
			    (v[2] && (ret = get_str(y, v[2], "account", &c.account)) < 0) ||
			    (v[3] && (ret = get_str(y, v[3], "provider", &c.provider)) < 0))
				return ret;
			if (one) {
				struct strlist all = { 0 };

				strlist_add(&all, a, one);
				for (i = 0; i < c.ids.n; i++)
					strlist_add_unique(&all, a, c.ids.v[i]);
				c.ids = all;
			}
			if (!c.ids.n && !c.account)
				return fail(y, n, "a cloud resource needs 'id', 'ids' or 'account'");
		}
		raw = c.ids.n ? c.ids.v[0] : arena_printf(a, "account:%s", c.account);
		break;
	case ASSET_PACKAGE:
		if (!raw && (ret = get_required(y, n, v[0], "purl", &raw)) < 0)
			return ret;
		c.purl = raw;
		break;
	case ASSET__COUNT:
		break;
	}
	c.ident = cc->kind == ASSET_API || (cc->kind == ASSET_CLOUD && !c.ids.n) ? raw :
		  asset_ident(a, cc->kind, raw);
	if (!c.ident)
		return fail(y, n, "'%s' is not a valid %s%s", raw, kind,
			    cc->kind == ASSET_PACKAGE ? " (a purl: pkg:type/name)" : "");
	if (cc->kind == ASSET_URL)
		strlist_add(&c.base_urls, a, c.ident);

	/* keys: its own first, then the aliases reports may use */
	ALLOC_GROW(inv->components, inv->ncomponents + 1, inv->components_alloc);
	inv->components[index] = c;
	inv->ncomponents++;
	{
		struct inv_component *cp = &inv->components[index];
		const char *own = arena_printf(a, "%s:%s", kind, cp->ident);

		if ((ret = add_key(y, n, cp, index, own, false)) < 0)
			return ret;
		switch (cc->kind) {
		case ASSET_REPO:
			if (asset_repo_path(cp->ident) &&
			    (ret = add_key(y, n, cp, index,
					   arena_printf(a, "repo:%s", asset_repo_path(cp->ident)), true)) < 0)
				return ret;
			break;
		case ASSET_IMAGE:
			for (i = 0; i < cp->digests.n; i++)
				if ((ret = add_key(y, v[2] ? v[2] : n, cp, index,
						   arena_printf(a, "digest:%s", cp->digests.v[i]), false)) < 0)
					return ret;
			break;
		case ASSET_URL:
		case ASSET_API:
			for (i = 0; i < cp->base_urls.n; i++)
				if ((ret = add_key(y, n, cp, index, asset_url_key(a, cp->base_urls.v[i]),
						   false)) < 0)
					return ret;
			break;
		case ASSET_CLOUD:
			/* a component that stands for a whole account is found by it */
			if (!cp->ids.n && (ret = add_key(y, n, cp, index,
							arena_printf(a, "account:%s", cp->account), false)) < 0)
				return ret;
			for (i = 1; i < cp->ids.n; i++)
				if ((ret = add_key(y, n, cp, index, arena_printf(a, "cloud:%s", cp->ids.v[i]),
						   false)) < 0)
					return ret;
			if (cp->ids.n && cp->account &&
			    (ret = add_key(y, n, cp, index, arena_printf(a, "account:%s", cp->account),
					   true)) < 0)
				return ret;
			break;
		default:
			break;
		}
	}
	return 0;
}

static int read_components(struct yctx *y, const yaml_node_t *n, size_t app)
{
	static const char *const keys[] = { "repos", "images", "services", "urls", "apis", "cloud",
					    "packages", NULL };
	static const enum asset_kind kinds[] = { ASSET_REPO, ASSET_IMAGE, ASSET_SERVICE, ASSET_URL,
						 ASSET_API, ASSET_CLOUD, ASSET_PACKAGE };
	const yaml_node_t *v[7];
	size_t i;
	int ret;

	if (yamlnode_is_null(n))
		return 0;
	if ((ret = read_map(y, n, "components", keys, v)) < 0)
		return ret;
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		struct comp_ctx cc = { app, kinds[i] };

		if ((ret = each_item(y, v[i], keys[i], read_component, &cc)) < 0)
			return ret;
	}
	return 0;
}

static int check_sensitivity(struct yctx *y, const yaml_node_t *n, const char *what, const char **v)
{
	return check_enum(y, n, "data sensitivity", *v, sensitivities);
}

static int read_app(struct yctx *y, const yaml_node_t *n, void *payload)
{
	static const char *const keys[] = { "name", "team", "description", "criticality", "exposure",
					    "data_sensitivity", "environments", "components", NULL };
	const yaml_node_t *v[8];
	struct inventory *inv = y->inv;
	struct inv_app app = { 0 };
	size_t i;
	int ret;

	if ((ret = read_map(y, n, "app", keys, v)) < 0 ||
	    (ret = get_required(y, n, v[0], "name", &app.name)) < 0 ||
	    (v[1] && (ret = get_str(y, v[1], "team", &app.team)) < 0) ||
	    (v[2] && (ret = get_str(y, v[2], "description", &app.description)) < 0) ||
	    (ret = get_enum(y, v[3], "criticality", criticalities, &app.criticality)) < 0 ||
	    (ret = get_enum(y, v[4], "exposure", exposures, &app.exposure)) < 0 ||
	    (ret = get_list(y, v[5], "data_sensitivity", &app.data_sensitivity, check_sensitivity)) < 0 ||
	    (ret = get_list(y, v[6], "environments", &app.environments, NULL)) < 0)
		return ret;
	for (i = 0; i < inv->napps; i++)
		if (!strcmp(inv->apps[i].name, app.name))
			return fail(y, v[0], "app '%s' is declared twice (first at line %u)", app.name,
				    inv->apps[i].pos.line);
	if (app.team && inventory_find_team(inv, app.team) < 0)
		return fail(y, v[1], "app '%s' names team '%s', which is not declared under 'teams'",
			    app.name, app.team);
	app.pos = pos_of(n);
	ALLOC_GROW(inv->apps, inv->napps + 1, inv->apps_alloc);
	inv->apps[inv->napps++] = app;
	if (v[7] && (ret = read_components(y, v[7], inv->napps - 1)) < 0)
		return ret;
	return 0;
}

/* --- links --- */

static long find_component(const struct inventory *inv, enum asset_kind kind, const char *ident)
{
	size_t i;

	for (i = 0; i < inv->ncomponents; i++)
		if (inv->components[i].kind == kind && !strcmp(inv->components[i].ident, ident))
			return (long)i;
	return -1;
}

static int resolve_ref(struct yctx *y, size_t from, const struct inv_ref *r)
{
	struct inventory *inv = y->inv;
	long to = -1;
	size_t i, n = 0;
	const char *id;
	struct inv_link *l;

	switch (r->relation) {
	case INV_BUILDS:
		if ((id = asset_ident(y->a, ASSET_IMAGE, r->target)))
			to = find_component(inv, ASSET_IMAGE, id);
		if (to < 0)
			return fail_pos(y, P_EINVALID, r->pos,
					"repo '%s' builds image '%s', which no app declares under 'images'",
					inv->components[from].ident, r->target);
		break;
	case INV_RUNS_AS:
		to = find_component(inv, ASSET_SERVICE, r->target);
		for (i = 0; to < 0 && i < inv->ncomponents; i++)
			if (inv->components[i].kind == ASSET_SERVICE &&
			    !strcmp(inv->components[i].name, r->target) && n++ == 0)
				to = (long)i;
		for (; n == 1 && i < inv->ncomponents; i++)
			if (inv->components[i].kind == ASSET_SERVICE &&
			    !strcmp(inv->components[i].name, r->target))
				n++;
		if (n > 1)
			return fail_pos(y, P_EINVALID, r->pos,
					"service '%s' is declared in several environments: write NAME@ENVIRONMENT",
					r->target);
		if (to < 0)
			return fail_pos(y, P_EINVALID, r->pos,
					"image '%s' runs as service '%s', which no app declares under 'services'",
					inv->components[from].ident, r->target);
		break;
	case INV_SERVED_AT:
		to = find_component(inv, ASSET_API, r->target);
		if (to < 0 && (id = asset_ident(y->a, ASSET_URL, r->target))) {
			void *hit = strmap_get(&y->keys, asset_url_key(y->a, id));

			if (hit)
				to = (long)(uintptr_t)hit - 1;
		}
		if (to < 0)
			return fail_pos(y, P_EINVALID, r->pos,
					"service '%s' is served at '%s', which no app declares under 'urls' or 'apis'",
					inv->components[from].ident, r->target);
		break;
	}
	for (i = 0; i < inv->nlinks; i++)
		if (inv->links[i].from == from && inv->links[i].to == (size_t)to &&
		    inv->links[i].relation == r->relation)
			return 0;
	ALLOC_GROW(inv->links, inv->nlinks + 1, inv->links_alloc);
	l = &inv->links[inv->nlinks++];
	l->from = from;
	l->to = (size_t)to;
	l->relation = r->relation;
	l->pos = r->pos;
	return 0;
}

static int read_root(struct yctx *y, const yaml_node_t *root)
{
	static const char *const keys[] = { "version", "units", "teams", "apps", NULL };
	const yaml_node_t *v[4];
	const char *version;
	size_t i, j;
	int ret;

	if ((ret = read_map(y, root, "the inventory", keys, v)) < 0)
		return ret;
	if (v[0]) {
		if ((ret = get_str(y, v[0], "version", &version)) < 0)
			return ret;
		if (!version || strcmp(version, "1"))
			return fail(y, v[0], "version '%s' is not supported (this posture reads version 1)",
				    version ? version : "");
	}
	if ((ret = each_item(y, v[1], "units", read_unit, NULL)) < 0 ||
	    (ret = each_item(y, v[2], "teams", read_team, NULL)) < 0 ||
	    (ret = each_item(y, v[3], "apps", read_app, NULL)) < 0)
		return ret;
	for (i = 0; i < y->inv->ncomponents; i++)
		for (j = 0; j < y->inv->components[i].nrefs; j++)
			if ((ret = resolve_ref(y, i, &y->inv->components[i].refs[j])) < 0)
				return ret;
	return 0;
}

int inventory_parse(struct inventory *inv, const char *buf, size_t len, const char *file,
		    struct perr *err)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	struct yctx y = { 0 };
	yaml_node_t *root;
	bool have_doc = false, have_extra = false;
	int ret = 0;

	inv->file = arena_strdup(&inv->arena, file);
	y.inv = inv;
	y.a = &inv->arena;
	y.err = err;
	y.doc = &doc;
	if (len > INVENTORY_MAX_BYTES)
		return perr_set(err, P_ELIMIT, "%s: larger than %u MiB", file, INVENTORY_MAX_BYTES >> 20);
	if (!yaml_parser_initialize(&parser))
		return perr_set(err, P_ERROR, "%s: cannot initialise the YAML parser", file);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = perr_set(err, P_EINVALID, "%s:%lu:%lu: %s%s%s", file,
			       (unsigned long)parser.problem_mark.line + 1,
			       (unsigned long)parser.problem_mark.column + 1,
			       parser.problem ? parser.problem : "malformed YAML",
			       parser.context ? " " : "", parser.context ? parser.context : "");
		goto done;
	}
	have_doc = true;
	if (!(root = yaml_document_get_root_node(&doc))) {
		ret = perr_set(err, P_EINVALID, "%s: no YAML document (an inventory has 'units', "
			       "'teams' and 'apps')", file);
		goto done;
	}
	if (!yaml_parser_load(&parser, &extra)) {
		ret = perr_set(err, P_EINVALID, "%s:%lu:%lu: %s", file,
			       (unsigned long)parser.problem_mark.line + 1,
			       (unsigned long)parser.problem_mark.column + 1,
			       parser.problem ? parser.problem : "malformed YAML");
		goto done;
	}
	have_extra = true;
	if (yaml_document_get_root_node(&extra)) {
		ret = perr_set(err, P_EINVALID, "%s:%lu:%lu: a second YAML document: an inventory is one "
			       "document", file, (unsigned long)extra.start_mark.line + 1,
			       (unsigned long)extra.start_mark.column + 1);
		goto done;
	}
	ret = read_root(&y, root);
done:
	strmap_release(&y.keys);
	if (have_extra)
		yaml_document_delete(&extra);
	if (have_doc)
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ret;
}

int inventory_load_file(struct inventory *inv, const char *path, struct perr *err)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	if ((ret = pfile_slurp(&buf, &len, path, INVENTORY_MAX_BYTES, err)) < 0)
		return ret;
	ret = inventory_parse(inv, buf, len, path, err);
	xfree(buf);
	return ret;
}

long inventory_find_team(const struct inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->nteams; i++)
		if (!strcmp(inv->teams[i].name, name))
			return (long)i;
	return -1;
}

long inventory_find_app(const struct inventory *inv, const char *name)
{
	size_t i;

	for (i = 0; i < inv->napps; i++)
		if (!strcmp(inv->apps[i].name, name))
			return (long)i;
	return -1;
}

const char *inventory_join(struct arena *a, const struct strlist *l)
{
	size_t i, total = 0;
	char *out, *p;

	if (!l->n)
		return NULL;
	for (i = 0; i < l->n; i++)
		total += strlen(l->v[i]) + 1;
	p = out = arena_alloc(a, total);
	for (i = 0; i < l->n; i++) {
		size_t n = strlen(l->v[i]);

		memcpy(p, l->v[i], n);
		p += n;
		*p++ = i + 1 < l->n ? '\n' : '\0';
	}
	return out;
}

size_t inventory_component_attrs(struct arena *a, const struct inv_component *c,
				 struct inv_attr *out, size_t max)
{
	const struct inv_attr all[] = {
		{ "description", c->description },
		{ "url", c->kind == ASSET_REPO ? c->url : NULL },
		{ "default_branch", c->default_branch },
		{ "codeowners", c->codeowners },
		{ "name", c->kind == ASSET_API || c->kind == ASSET_IMAGE || c->kind == ASSET_SERVICE ?
			  c->name : NULL },
		{ "registry", c->registry },
		{ "digests", inventory_join(a, &c->digests) },
		{ "environment", c->environment },
		{ "cluster", c->cluster },
		{ "namespace", c->namespace },
		{ "base_urls", c->kind == ASSET_API ? inventory_join(a, &c->base_urls) : NULL },
		{ "openapi", c->openapi },
		{ "ids", inventory_join(a, &c->ids) },
		{ "account", c->account },
		{ "provider", c->provider },
		{ "purl", c->purl },
	};
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(all) && n < max; i++)
		if (all[i].value)
			out[n++] = all[i];
	return n;
}
