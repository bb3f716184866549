/*
 * posture rescore: score every active finding again with the policy in
 * force and the current feeds (run it after editing posture-policy.yaml or
 * the inventory, or daily: a finding's age counts too).
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/scoring.h"
#include "cmd/upkeep.h"
#include "out/jw.h"
#include "store/store.h"
#include "util/opt.h"

int cmd_rescore(int argc, const char **argv, struct ctx *ctx)
{
	const char *app = NULL, *format = "text";
	const struct opt opts[] = {
		{ OPT_STRING, 'a', "app", &app, "APP", "only this application's findings" },
		{ OPT_STRING, 'f', "format", &format, "FMT", "text (default) or json" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture rescore [--app A] [--format text|json]",
		"Score every active finding (open, triaged, in_progress, reopened) again with\n"
		"the policy in force and the current EPSS and KEV data, in one transaction.\n"
		"Only what changed is written; a tier change is an event (tier_changed).",
	};
	struct scoring sc;
	struct scoring_stats ss;
	struct risk_scope scope = { 0 };
	struct perr err = PERR_INIT;
	bool json;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n)
		return usage_error("rescore: unexpected argument '%s'", argv[0]);
	if (!strcmp(format, "json"))
		json = true;
	else if (!strcmp(format, "text"))
		json = false;
	else
		return usage_error("rescore: --format must be text or json, not '%s'", format);
	scoring_init(&sc);
	if (scoring_open(&sc, ctx, NULL, &err) < 0)
		goto fail;
	if (app && store_app_id(ctx->store, app, &scope.app_id, &err) < 0)
		goto fail;
	if (store_begin(ctx->store, &err) < 0)
		goto fail;
	/* expired acceptances reopen first, so their findings are scored too */
	if (store_expire_exceptions(ctx->store, ctx->now, NULL, &err) < 0 ||
	    upkeep_exceptions(ctx->store, ctx->now, 0, &(struct upkeep_stats){ 0 }, &err) < 0 ||
	    scoring_run(&sc, ctx->store, &scope, &ss, &err) < 0 || store_commit(ctx->store, &err) < 0) {
		store_rollback(ctx->store);
		goto fail;
	}
	if (json) {
		struct jw w;

		jw_init(&w, stdout, false);
		jw_obj_open(&w);
		jw_kint(&w, "rescored", ss.scope);
		jw_kint(&w, "changed", ss.changed);
		jw_kint(&w, "tier_changes", ss.tier_changed);
		jw_key(&w, "tiers");
		jw_obj_open(&w);
		for (n = TIER_CRITICAL; n >= TIER_LOW; n--)
			jw_kint(&w, tier_name((enum tier)n), ss.by_tier[n]);
		jw_obj_close(&w);
		jw_kbool(&w, "policy_changed", ss.policy_changed);
		jw_kstr(&w, "policy", sc.source);
		jw_obj_close(&w);
		jw_reset_line(&w);
		jw_release(&w);
	} else {
		printf("rescored %ld finding%s with %s: %ld changed, %ld changed tier "
		       "(critical %ld, high %ld, medium %ld, low %ld)\n", ss.scope, ss.scope == 1 ? "" : "s",
		       sc.source, ss.changed, ss.tier_changed, ss.by_tier[TIER_CRITICAL],
		       ss.by_tier[TIER_HIGH], ss.by_tier[TIER_MEDIUM], ss.by_tier[TIER_LOW]);
	}
	goto done;
fail:
	ret = perr_report(&err);
done:
	scoring_release(&sc);
	return ret;
}
