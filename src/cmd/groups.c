/*
 * posture groups: root causes shared by several findings, each named by
 * the one change that fixes them, ordered by the risk that change removes.
 * Ingest keeps the groups (cmd/correlation.c); this only reads them.
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "engine/correlate.h"
#include "out/jw.h"
#include "store/store.h"
#include "util/opt.h"

struct groups_out {
	struct store *store;
	bool json;
	struct jw w;
	struct arena a;
	long n;
};

static int print_id(int64_t id, void *payload, struct perr *err)
{
	jw_int(payload, id);
	return 0;
}

static int print_group(const struct store_group_row *g, void *payload, struct perr *err)
{
	struct groups_out *go = payload;
	enum group_kind kind = GROUP_NONE;
	const char *where, *title;
	int ret;

	arena_reset(&go->a);
	if ((ret = store_group_where(go->store, g->id, &go->a, &where, err)) < 0)
		return ret;
	group_kind_parse(&kind, g->kind);
	title = correlate_group_title(&go->a, kind, g->subject, g->from, g->to, g->location, g->findings,
				      where);
	go->n++;
	if (!go->json) {
		printf("%5lld  %5ld  %8ld  %-8s  %-12.12s  %s\n", (long long)g->id, g->risk, g->findings,
		       g->severity ? severity_name(g->severity) : "-", g->app, title);
		return 0;
	}
	jw_obj_open(&go->w);
	jw_kint(&go->w, "id", g->id);
	jw_kstr(&go->w, "app", g->app);
	jw_kstr(&go->w, "kind", g->kind);
	jw_kstr(&go->w, "change", title);
	jw_kstr(&go->w, "subject", g->subject);
	jw_kstr(&go->w, "from", g->from);
	jw_kstr(&go->w, "to", g->to);
	jw_kstr(&go->w, "location", g->location);
	jw_kint(&go->w, "findings", g->findings);
	jw_kint(&go->w, "risk_removed", g->risk);
	jw_kstr(&go->w, "severity", g->severity ? severity_name(g->severity) : NULL);
	jw_kstr(&go->w, "where", where);
	jw_key(&go->w, "finding_ids");
	jw_arr_open(&go->w);
	ret = store_group_findings(go->store, g->id, print_id, &go->w, err);
	jw_arr_close(&go->w);
	jw_obj_close(&go->w);
	return ret;
}

int cmd_groups(int argc, const char **argv, struct ctx *ctx)
{
	const char *app = NULL, *team = NULL, *format = "table";
	const struct opt opts[] = {
		{ OPT_STRING, 'a', "app", &app, "APP", "only this application's groups" },
		{ OPT_STRING, 0, "team", &team, "TEAM", "only groups of findings this team owns" },
		{ OPT_STRING, 'f', "format", &format, "FMT", "table (default) or json" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture groups [--app A | --team T] [--format table|json]",
		"List root-cause groups: findings one change fixes ('upgrade lodash 4.17.15\n"
		"-> 4.17.21 in repo X', 'rebuild on a newer base image than debian:12.1',\n"
		"'rotate this secret'), by the total risk of their active findings, with\n"
		"the dedupe ratio (evidence in / findings out) underneath.\n"
		"See docs/correlation.md.",
	};
	struct groups_out go = { 0 };
	struct store_dedupe d;
	struct perr err = PERR_INIT;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n)
		return usage_error("groups: unexpected argument '%s'", argv[0]);
	if (!strcmp(format, "json"))
		go.json = true;
	else if (strcmp(format, "table"))
		return usage_error("groups: --format must be table or json, not '%s'", format);
	go.store = ctx->store;
	arena_init(&go.a, 0);
	if (go.json) {
		jw_init(&go.w, stdout, true);
		jw_arr_open(&go.w);
	} else {
		printf("%5s  %5s  %8s  %-8s  %-12s  %s\n", "GROUP", "RISK", "FINDINGS", "SEVERITY", "APP",
		       "CHANGE");
	}
	if (store_groups_each(ctx->store, app, team, 0, print_group, &go, &err) < 0 ||
	    store_dedupe_ratio(ctx->store, app, &d, &err) < 0) {
		ret = perr_report(&err);
	} else if (!go.json) {
		printf("(%ld group%s)\n", go.n, go.n == 1 ? "" : "s");
		printf("dedupe%s%s: %ld evidence in %ld findings (%.2f)\n", app ? " of " : "", app ? app : "",
		       d.evidence, d.findings, d.ratio);
	}
	if (go.json) {
		jw_arr_close(&go.w);
		jw_release(&go.w);
		putchar('\n');
	}
	arena_release(&go.a);
	return ret;
}
