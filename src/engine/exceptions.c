/*
 * .posture-exceptions.yaml -> struct exception_list, with libyaml's
 * document API, and the matcher every command uses. The walk follows the
 * schema (a mapping with a list of flat mappings), so its depth is fixed;
 * every node it touches counts against EXCEPTIONS_MAX_NODES, so aliases
 * that fan out stay bounded.
 */
#include "posture.h"
#include "engine/exceptions.h"
#include "model/ids.h"
#include "util/alloc.h"
#include "util/ptime.h"
#include "util/yamlnode.h"

#include <ctype.h>
#include <fnmatch.h>
#include <yaml.h>

struct yctx {
	yaml_document_t *doc;
	struct exception_list *l;
	struct perr *err;
	size_t visits;
};

void exceptions_init(struct exception_list *l)
{
	memset(l, 0, sizeof(*l));
	arena_init(&l->arena, 0);
}

void exceptions_release(struct exception_list *l)
{
	xfree(l->v);
	arena_release(&l->arena);
	memset(l, 0, sizeof(*l));
}

struct exception_entry *exceptions_add(struct exception_list *l)
{
	struct exception_entry *e;

	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	e = &l->v[l->n++];
	memset(e, 0, sizeof(*e));
	e->status = STATUS_RISK_ACCEPTED;
	return e;
}

/* --- checking selector values --- */

int exceptions_check_package(const char *v, struct perr *err)
{
	if (strncmp(v, "pkg:", 4) || !strchr(v + 4, '/'))
		return perr_set(err, P_EINVALID, "'%s' is not a package url (pkg:TYPE/NAME)", v);
	if (v[strcspn(v, "@?#")])
		return perr_set(err, P_EINVALID, "'%s' names a version, qualifiers or a subpath: an "
				"exception covers every version of a package (write '%.*s')", v,
				(int)strcspn(v, "@?#"), v);
	return 0;
}

int exceptions_check_fingerprint(const char *v, struct perr *err)
{
	size_t i;

	for (i = 0; v[i]; i++)
		if (!isxdigit((unsigned char)v[i]))
			break;
	if (!i || v[i] || i > 64)
		return perr_set(err, P_EINVALID, "'%s' is not a fingerprint (hex digits, as "
				"'posture show' prints them)", v);
	return 0;
}

int exceptions_norm_vuln(struct arena *a, const char *v, const char **out, struct perr *err)
{
	if (!ids_is_vuln_id(v))
		return perr_set(err, P_EINVALID, "'%s' is not a vulnerability id (CVE-..., GHSA-..., "
				"or an OSV id)", v);
	*out = ids_normalize(a, v);
	return 0;
}

/* --- the YAML walk --- */

static int fail_at(struct yctx *y, int code, const yaml_node_t *n, const char *fmt, ...) P_PRINTF(4, 5);
static int fail_at(struct yctx *y, int code, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return perr_set(y->err, code, "%s:%lu:%lu: %s", y->l->file,
			(unsigned long)n->start_mark.line + 1, (unsigned long)n->start_mark.column + 1, msg);
}

#define fail(y, n, ...) fail_at((y), P_EINVALID, (n), __VA_ARGS__)

static yaml_node_t *node(struct yctx *y, int index)
{
	if (++y->visits > EXCEPTIONS_MAX_NODES)
		return NULL;
	return yaml_document_get_node(y->doc, index);
}

static int over_budget(struct yctx *y, const yaml_node_t *at)
{
	return fail_at(y, P_ELIMIT, at, "more than %d YAML nodes visited (aliases fan out too far)",
		       EXCEPTIONS_MAX_NODES);
}

/* A non-empty scalar, copied into the list's arena. */
static int get_str(struct yctx *y, const yaml_node_t *n, const char *what, const char **out)
{
	size_t i, len;
	const char *v;

	*out = NULL;
	if (n->type != YAML_SCALAR_NODE)
		return fail(y, n, "'%s' is %s, not a string", what, yamlnode_type(n));
	if (yamlnode_is_null(n))
		return fail(y, n, "'%s' is empty", what);
	v = (const char *)n->data.scalar.value;
	len = n->data.scalar.length;
	if (len > EXCEPTIONS_MAX_STRING)
		return fail_at(y, P_ELIMIT, n, "'%s' is longer than %d bytes", what, EXCEPTIONS_MAX_STRING);
	for (i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 && v[i] != '\t')
			return fail(y, n, "'%s' holds a control character", what);
	*out = arena_strndup(&y->l->arena, v, len);
	return 0;
}

/* Turn a selector check's message into one that names the place. */
static int check_value(struct yctx *y, const yaml_node_t *n, const char *what, int ret)
{
	char msg[sizeof(y->err->msg)];

	if (ret >= 0)
		return ret;
	snprintf(msg, sizeof(msg), "%s", y->err->msg);
	return fail(y, n, "%s: %s", what, msg);
}

enum {
	K_STATUS = 0, K_REASON, K_APPROVER, K_EXPIRES,
	K_FINGERPRINT, K_FINDING, K_RULE, K_VULN, K_PACKAGE, K_PATH, K_APP,
	K__COUNT
};
static const char *const entry_keys[K__COUNT] = {
	"status", "reason", "approver", "expires",
	"fingerprint", "finding", "rule", "vuln", "package", "path", "app",
};

static int read_selector(struct yctx *y, struct exception_entry *e, int k, const yaml_node_t *v)
{
	const char *s;
	char *end;
	int ret;

	if ((ret = get_str(y, v, entry_keys[k], &s)) < 0)
		return ret;
	switch (k) {
	case K_FINGERPRINT:
		e->fingerprint = s;
		return check_value(y, v, "fingerprint", exceptions_check_fingerprint(s, y->err));
	case K_FINDING:
		errno = 0;
		e->finding_id = strtoll(s, &end, 10);
		if (errno || *end || e->finding_id <= 0 || !isdigit((unsigned char)*s))
			return fail(y, v, "'finding' is '%s', not a finding id (a positive number)", s);
		return 0;
	case K_RULE:
		e->rule = s;
		return 0;
	case K_VULN:
		return check_value(y, v, "vuln", exceptions_norm_vuln(&y->l->arena, s, &e->vuln, y->err));
	case K_PACKAGE:
		e->package = s;
		return check_value(y, v, "package", exceptions_check_package(s, y->err));
	case K_PATH:
		e->path = s;
		return 0;
	case K_APP:
		e->app = s;
		return 0;
	}
	return 0;
}

static int read_entry(struct yctx *y, const yaml_node_t *n)
{
	const yaml_node_t *vals[K__COUNT] = { 0 };
	yaml_node_pair_t *p;
	struct exception_entry *e;
	const char *s;
	int k, ret;
	bool any = false;

	if (n->type != YAML_MAPPING_NODE)
		return fail(y, n, "an exception is %s, not a mapping", yamlnode_type(n));
	if (y->l->n >= EXCEPTIONS_MAX_ENTRIES)
		return fail_at(y, P_ELIMIT, n, "more than %d exceptions", EXCEPTIONS_MAX_ENTRIES);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const yaml_node_t *kn = node(y, p->key), *vn = node(y, p->value);
		const char *key;

		if (!kn || !vn)
			return over_budget(y, n);
		if (kn->type != YAML_SCALAR_NODE)
			return fail(y, kn, "a key in an exception is %s, not a name", yamlnode_type(kn));
		key = (const char *)kn->data.scalar.value;
		for (k = 0; k < K__COUNT; k++)
			if (!strcmp(key, entry_keys[k]))
				break;
		if (k == K__COUNT)
			return fail(y, kn, "unknown key '%.100s' in an exception (allowed: status, reason, "
				    "approver, expires, fingerprint, finding, rule, vuln, package, path, app)",
				    key);
		if (vals[k])
			return fail(y, kn, "'%s' is given twice in an exception", key);
		vals[k] = vn;
	}
	e = exceptions_add(y->l);
	e->source = y->l->file;
	e->line = (unsigned)n->start_mark.line + 1;
	e->column = (unsigned)n->start_mark.column + 1;
	if (vals[K_STATUS]) {
		if ((ret = get_str(y, vals[K_STATUS], "status", &s)) < 0)
			return ret;
		if (!strcmp(s, "risk_accepted"))
			e->status = STATUS_RISK_ACCEPTED;
		else if (!strcmp(s, "false_positive"))
			e->status = STATUS_FALSE_POSITIVE;
		else
			return fail(y, vals[K_STATUS], "'%s' is not a valid status (one of: risk_accepted, "
				    "false_positive)", s);
	}
	for (k = K_FINGERPRINT; k < K__COUNT; k++) {
		if (!vals[k])
			continue;
		if ((ret = read_selector(y, e, k, vals[k])) < 0)
			return ret;
		any = true;
	}
	if (!any)
		return fail(y, n, "an exception selects nothing: give at least one of fingerprint, finding, "
			    "rule, vuln, package, path, app");
	if (!vals[K_REASON])
		return fail(y, n, "'reason' is required");
	if ((ret = get_str(y, vals[K_REASON], "reason", &e->reason)) < 0)
		return ret;
	if (!vals[K_APPROVER])
		return fail(y, n, "'approver' is required");
	if ((ret = get_str(y, vals[K_APPROVER], "approver", &e->approver)) < 0)
		return ret;
	if (vals[K_EXPIRES]) {
		struct perr perr = PERR_INIT;

		if ((ret = get_str(y, vals[K_EXPIRES], "expires", &s)) < 0)
			return ret;
		if (ptime_parse(&e->expires, s, &perr) < 0)
			return fail(y, vals[K_EXPIRES], "'expires' is '%s', not a date (YYYY-MM-DD)", s);
		if (e->expires <= 0)
			return fail(y, vals[K_EXPIRES], "'expires' is '%s', before 1970", s);
	} else if (e->status == STATUS_RISK_ACCEPTED) {
		return fail(y, n, "'expires' is required for a risk acceptance (a date, YYYY-MM-DD)");
	}
	return 0;
}

static int read_root(struct yctx *y, const yaml_node_t *root)
{
	const yaml_node_t *list = NULL;
	yaml_node_pair_t *p;
	yaml_node_item_t *it;
	int ret;

	if (root->type != YAML_MAPPING_NODE)
		return fail(y, root, "the document is %s, not a mapping with 'exceptions'",
			    yamlnode_type(root));
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node(y, p->key), *v = node(y, p->value);
		const char *key;

		if (!k || !v)
			return over_budget(y, root);
		if (k->type != YAML_SCALAR_NODE)
			return fail(y, k, "a top-level key is %s, not a name", yamlnode_type(k));
		key = (const char *)k->data.scalar.value;
		if (!strcmp(key, "version")) {
			if (v->type != YAML_SCALAR_NODE || strcmp((const char *)v->data.scalar.value, "1"))
				return fail(y, v, "'version' must be 1");
		} else if (!strcmp(key, "exceptions")) {
			if (list)
				return fail(y, k, "'exceptions' is given twice");
			list = v;
		} else {
			return fail(y, k, "unknown key '%.100s' (allowed: version, exceptions)", key);
		}
	}
	if (!list || yamlnode_is_null(list))
		return 0;
	if (list->type != YAML_SEQUENCE_NODE)
		return fail(y, list, "'exceptions' is %s, not a list", yamlnode_type(list));
	for (it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
		const yaml_node_t *item = node(y, *it);

		if (!item)
			return over_budget(y, list);
		if ((ret = read_entry(y, item)) < 0)
			return ret;
	}
	return 0;
}

int exceptions_parse(struct exception_list *l, const char *buf, size_t len, const char *file,
		     struct perr *err)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	struct yctx y = { 0 };
	yaml_node_t *root;
	bool have_doc = false, have_extra = false;
	int ret = 0;

	l->file = arena_strdup(&l->arena, file);
	y.l = l;
	y.err = err;
	y.doc = &doc;
	if (len > EXCEPTIONS_MAX_BYTES)
		return perr_set(err, P_ELIMIT, "%s: larger than %u MiB", file, EXCEPTIONS_MAX_BYTES >> 20);
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
	/* an empty file holds no exceptions */
	if (!(root = yaml_document_get_root_node(&doc)))
		goto done;
	if (!yaml_parser_load(&parser, &extra)) {
		ret = perr_set(err, P_EINVALID, "%s:%lu:%lu: %s", file,
			       (unsigned long)parser.problem_mark.line + 1,
			       (unsigned long)parser.problem_mark.column + 1,
			       parser.problem ? parser.problem : "malformed YAML");
		goto done;
	}
	have_extra = true;
	if (yaml_document_get_root_node(&extra)) {
		ret = perr_set(err, P_EINVALID, "%s:%lu:%lu: a second YAML document: an exceptions file "
			       "is one document", file, (unsigned long)extra.start_mark.line + 1,
			       (unsigned long)extra.start_mark.column + 1);
		goto done;
	}
	ret = read_root(&y, root);
done:
	if (have_extra)
		yaml_document_delete(&extra);
	if (have_doc)
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ret;
}

/* --- matching --- */

static bool has_vuln(const struct exception_subject *s, const char *vuln)
{
	size_t i;

	for (i = 0; i < s->nvuln_ids; i++)
		if (s->vuln_ids[i] && !strcasecmp(s->vuln_ids[i], vuln))
			return true;
	return false;
}

static bool eq(const char *want, const char *have)
{
	return have && !strcmp(want, have);
}

bool exception_selects(const struct exception_entry *e, const struct exception_subject *s)
{
	if (e->finding_id && e->finding_id != s->finding_id)
		return false;
	if (e->fingerprint && !(s->fingerprint && !strcasecmp(e->fingerprint, s->fingerprint)))
		return false;
	if (e->rule && !eq(e->rule, s->rule))
		return false;
	if (e->vuln && !has_vuln(s, e->vuln))
		return false;
	if (e->package && !eq(e->package, s->package))
		return false;
	if (e->path && !(s->path && !fnmatch(e->path, s->path, 0)))
		return false;
	if (e->app && !eq(e->app, s->app))
		return false;
	return true;
}

const struct exception_entry *exceptions_match(const struct exception_list *l,
					       const struct exception_subject *s, int64_t now,
					       const struct exception_entry **expired_out)
{
	const struct exception_entry *active = NULL, *expired = NULL;
	size_t i;

	for (i = 0; i < l->n && !(active && (expired || !expired_out)); i++) {
		const struct exception_entry *e = &l->v[i];

		if (!exception_selects(e, s))
			continue;
		if (e->expires && e->expires <= now) {
			if (!expired)
				expired = e;
		} else if (!active) {
			active = e;
		}
	}
	if (expired_out)
		*expired_out = expired;
	return active;
}
