/*
 * posture triage: a person moves a finding through its lifecycle (the
 * allowed moves are the table in engine/lifecycle.c); every move is an
 * event with who, when, why, from and to.
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/upkeep.h"
#include "engine/lifecycle.h"
#include "store/store.h"
#include "util/opt.h"

int cmd_triage(int argc, const char **argv, struct ctx *ctx)
{
	const char *reason = NULL, *by = NULL;
	const struct opt opts[] = {
		{ OPT_STRING, 'r', "reason", &reason, "TEXT", "why (required)" },
		{ OPT_STRING, 0, "by", &by, "WHO", "who decided (default: $POSTURE_USER, else the login name)" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture triage ID STATUS --reason TEXT [--by WHO]",
		"Set a finding's status: triaged, in_progress, false_positive, wont_fix,\n"
		"reopened, or open (from triaged). Risk acceptance is 'posture accept'; fixed\n"
		"and verified come from scans. The allowed moves are in docs/lifecycle.md.",
	};
	struct policy *policy = NULL;
	struct upkeep_stats up = { 0 };
	struct perr err = PERR_INIT;
	enum status from, to;
	int64_t id, exception_id = 0;
	bool in_tx = false;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n != 2)
		return usage_error("triage: give a finding id and a status (see 'posture triage --help')");
	if (!upkeep_finding_id(argv[0], &id))
		return usage_error("triage: '%s' is not a finding id", argv[0]);
	if (status_parse(&to, argv[1]) < 0)
		return usage_error("triage: '%s' is not a status (triaged, in_progress, false_positive, "
				   "wont_fix, reopened, open)", argv[1]);
	if (!reason || !*reason)
		return usage_error("triage: --reason is required: say why");
	if (upkeep_policy(&policy, ctx->db_path, &err) < 0 || store_begin(ctx->store, &err) < 0)
		goto fail;
	in_tx = true;
	if (store_expire_exceptions(ctx->store, ctx->now, &up.expired, &err) < 0 ||
	    store_finding_status(ctx->store, id, &from, &exception_id, &err) < 0)
		goto fail;
	if (exception_id && to == STATUS_REOPENED) {
		/* the exception would cover it again at once */
		perr_set(&err, P_EINVALID, "triage: finding %lld is %s by exception %lld: revoke it "
			 "('posture exceptions --revoke %lld') or remove it from its file", (long long)id,
			 status_name(from), (long long)exception_id, (long long)exception_id);
		goto fail;
	}
	if (lifecycle_triage(from, to, &err) < 0) {
		perr_prefix(&err, "triage: finding %lld", (long long)id);
		goto fail;
	}
	{
		struct status_change ch = {
			.finding_id = id, .at = ctx->now, .from = from, .to = to,
			.event = to == STATUS_REOPENED ? EVENT_REOPENED : EVENT_STATUS,
			.actor = upkeep_actor(by), .reason = reason,
			/* a reopened decision starts a new clock; an ended acceptance resumes its own */
			.came_back = to == STATUS_REOPENED && from != STATUS_RISK_ACCEPTED,
		};

		if (store_finding_change(ctx->store, &ch, &err) < 0 ||
		    upkeep_run(ctx->store, policy, ctx->now, 0, &up, &err) < 0 ||
		    store_commit(ctx->store, &err) < 0)
			goto fail;
		in_tx = false;
		printf("finding %lld: %s -> %s by %s: %s\n", (long long)id, status_name(from),
		       status_name(to), ch.actor, reason);
	}
	goto done;
fail:
	if (in_tx)
		store_rollback(ctx->store);
	ret = perr_report(&err);
done:
	policy_free(policy);
	return ret;
}
