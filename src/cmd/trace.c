/*
 * posture trace ID|CVE|PURL: how one vulnerability or package appears
 * across tools, scans and components, and how it collapsed into findings:
 * the spot check of a rollout (trace one known dependency through every
 * tool and see it become one finding).
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "engine/correlate.h"
#include "model/fingerprint.h"
#include "model/ids.h"
#include "out/jw.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/opt.h"
#include "util/ptime.h"
#include "util/strmap.h"

#include <ctype.h>

struct trace {
	struct store *store;
	bool json;
	struct jw w;
	struct arena a;
	int64_t *ids;              /* the findings, ascending, each once */
	size_t n, alloc;
	/* tallies over every evidence row */
	long evidence;
	struct strmap tools, scans, components;
};

static int add_id(int64_t id, void *payload, struct perr *err)
{
	struct trace *t = payload;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->ids[i] == id)
			return 0;
	ALLOC_GROW(t->ids, t->n + 1, t->alloc);
	for (i = t->n; i > 0 && t->ids[i - 1] > id; i--)
		t->ids[i] = t->ids[i - 1];
	t->ids[i] = id;
	t->n++;
	return 0;
}

static void count(struct strmap *m, struct arena *a, const char *key)
{
	if (key && !strmap_get(m, key))
		strmap_put(m, arena_strdup(a, key), (void *)1);
}

/* LIKE with % and _ in the text taken literally (the statement's ESCAPE is '\'). */
static const char *like_escape(struct arena *a, const char *s)
{
	char *out = arena_alloc(a, 2 * strlen(s) + 1), *p = out;

	for (; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	*p = '\0';
	return out;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static int on_evidence(const struct store_trace_row *r, void *payload, struct perr *err)
{
	struct trace *t = payload;
	char first[21], scan[32];

	t->evidence++;
	count(&t->tools, &t->a, r->tool);
	snprintf(scan, sizeof(scan), "%lld", (long long)r->last_scan_id);
	count(&t->scans, &t->a, scan);
	snprintf(scan, sizeof(scan), "%lld", (long long)r->first_scan_id);
	count(&t->scans, &t->a, scan);
	count(&t->components, &t->a, r->component ? r->component : "(the app)");
	ptime_format(first, r->first_seen);
	if (!t->json) {
		printf("    %-14.14s %5lld %5lld  %-36.36s  %-8s %-7s  %s  %s\n", r->tool,
		       (long long)r->first_scan_id, (long long)r->last_scan_id,
		       r->component ? r->component : "(the app)", severity_name(r->severity),
		       r->present ? "present" : "gone", r->vuln_ids, r->where ? r->where : "");
		return 0;
	}
	jw_obj_open(&t->w);
	jw_kstr(&t->w, "tool", r->tool);
	jw_kint(&t->w, "first_scan", r->first_scan_id);
	jw_kint(&t->w, "last_scan", r->last_scan_id);
	jw_kstr(&t->w, "component", r->component);
	jw_kstr(&t->w, "severity", severity_name(r->severity));
	jw_kbool(&t->w, "present", r->present);
	jw_ktime(&t->w, "first_seen", r->first_seen);
	jw_ktime(&t->w, "last_seen", r->last_seen);
	jw_key(&t->w, "vuln_ids");
	jw_raw(&t->w, r->vuln_ids);
	jw_kstr(&t->w, "where", r->where);
	jw_obj_close(&t->w);
	return 0;
}

static int on_finding(const struct finding *f, void *payload, struct perr *err)
{
	struct trace *t = payload;
	int ret;

	if (!t->json) {
		printf("finding %lld  %s  %s  %s  %s  %s%s%s\n", (long long)f->id, f->app, kind_name(f->kind),
		       severity_name(f->severity), status_name(f->status), f->title ? f->title : "",
		       f->group ? "  group " : "", f->group ? f->group : "");
		printf("    %-14s %5s %5s  %-36s  %-8s %-7s  %s\n", "TOOL", "FIRST", "LAST", "COMPONENT",
		       "SEVERITY", "NOW", "IDS  WHERE");
		return store_trace_evidence(t->store, f->id, on_evidence, t, err);
	}
	jw_obj_open(&t->w);
	jw_kint(&t->w, "id", f->id);
	jw_kstr(&t->w, "app", f->app);
	jw_kstr(&t->w, "component", f->component);
	jw_kstr(&t->w, "title", f->title);
	jw_kstr(&t->w, "kind", kind_name(f->kind));
	jw_kstr(&t->w, "severity", severity_name(f->severity));
	jw_kstr(&t->w, "status", status_name(f->status));
	if (f->group)
		jw_kint(&t->w, "group", strtoll(f->group, NULL, 10));
	else
		jw_knull(&t->w, "group");
	jw_key(&t->w, "evidence");
	jw_arr_open(&t->w);
	ret = store_trace_evidence(t->store, f->id, on_evidence, t, err);
	jw_arr_close(&t->w);
	jw_obj_close(&t->w);
	return ret;
}

/* Which findings the argument names, and the ids it stands for (aliases included). */
static int resolve(struct trace *t, const char *arg, struct strlist *names, struct perr *err)
{
	char base[1024];
	size_t i;
	int ret;

	if (all_digits(arg))
		return add_id(strtoll(arg, NULL, 10), t, err);
	if (!strncmp(arg, "pkg:", 4)) {
		fingerprint_purl_base(base, sizeof(base), arg);
		strlist_add(names, &t->a, arena_strdup(&t->a, base));
		return store_corr_findings_like(t->store,
						arena_printf(&t->a, "vuln:%% %s", like_escape(&t->a, base)),
						add_id, t, err);
	}
	strlist_add(names, &t->a, ids_normalize(&t->a, arg));
	if ((ret = store_aliases_get(t->store, names->v[0], &t->a, names, err)) < 0)
		return ret;
	for (i = 0; i < names->n; i++)
		if ((ret = store_corr_findings_like(t->store,
						    arena_printf(&t->a, "vuln:%s %%", like_escape(&t->a, names->v[i])),
						    add_id, t, err)) < 0 ||
		    (ret = store_findings_with_vuln(t->store, names->v[i], add_id, t, err)) < 0)
			return ret;
	return 0;
}

int cmd_trace(int argc, const char **argv, struct ctx *ctx)
{
	const char *format = "text";
	const struct opt opts[] = {
		{ OPT_STRING, 'f', "format", &format, "FMT", "text (default) or json" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture trace [--format text|json] ID|CVE|GHSA|PURL",
		"Show how one finding, vulnerability (with its known aliases) or package\n"
		"appears across tools, scans and components, and which findings it\n"
		"collapsed into. A package is matched without its version.",
	};
	struct trace t;
	struct strlist names = { 0 };
	struct perr err = PERR_INIT;
	size_t i;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n != 1)
		return usage_error(n ? "trace: one ID, vulnerability or purl at a time" :
				   "trace: nothing to trace (see 'posture trace --help')");
	memset(&t, 0, sizeof(t));
	if (!strcmp(format, "json"))
		t.json = true;
	else if (strcmp(format, "text"))
		return usage_error("trace: --format must be text or json, not '%s'", format);
	t.store = ctx->store;
	arena_init(&t.a, 0);
	if (resolve(&t, argv[0], &names, &err) < 0)
		goto fail;
	if (!t.n) {
		perr_set(&err, P_ENOTFOUND, "nothing known about '%s'", argv[0]);
		goto fail;
	}
	if (t.json) {
		jw_init(&t.w, stdout, true);
		jw_obj_open(&t.w);
		jw_kstr(&t.w, "query", argv[0]);
		jw_key(&t.w, "names");
		jw_arr_open(&t.w);
		for (i = 0; i < names.n; i++)
			jw_str(&t.w, names.v[i]);
		jw_arr_close(&t.w);
		jw_key(&t.w, "findings");
		jw_arr_open(&t.w);
	} else if (names.n) {
		printf("%s", names.v[0]);
		for (i = 1; i < names.n; i++)
			printf("%s%s", i == 1 ? " (also " : ", ", names.v[i]);
		printf("%s\n", names.n > 1 ? ")" : "");
	}
	for (i = 0; i < t.n; i++)
		if (store_finding_get(ctx->store, t.ids[i], on_finding, &t, &err) < 0)
			goto fail;
	if (t.json) {
		jw_arr_close(&t.w);
		jw_kint(&t.w, "evidence", t.evidence);
		jw_kint(&t.w, "tools", (long long)t.tools.count);
		jw_kint(&t.w, "scans", (long long)t.scans.count);
		jw_kint(&t.w, "components", (long long)t.components.count);
		jw_kint(&t.w, "findings_out", (long long)t.n);
		jw_obj_close(&t.w);
	} else {
		printf("%ld evidence from %zu tool%s in %zu scan%s on %zu component%s -> %zu finding%s\n",
		       t.evidence, t.tools.count, t.tools.count == 1 ? "" : "s", t.scans.count,
		       t.scans.count == 1 ? "" : "s", t.components.count, t.components.count == 1 ? "" : "s",
		       t.n, t.n == 1 ? "" : "s");
	}
	goto done;
fail:
	ret = perr_report(&err);
done:
	if (t.json) {
		jw_release(&t.w);
		if (ret == EXIT_OK)
			putchar('\n');
	}
	strmap_release(&t.tools);
	strmap_release(&t.scans);
	strmap_release(&t.components);
	xfree(t.ids);
	arena_release(&t.a);
	return ret;
}
