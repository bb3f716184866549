/*
 * posture accept: record an exception (a risk acceptance with an expiry,
 * or a false-positive decision) for one finding or for every finding of an
 * app that matches a rule, a vulnerability or a package, now and later.
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/upkeep.h"
#include "engine/exceptions.h"
#include "store/store.h"
#include "util/opt.h"
#include "util/ptime.h"

int cmd_accept(int argc, const char **argv, struct ctx *ctx)
{
	const char *reason = NULL, *approver = NULL, *expires = NULL, *by = NULL;
	const char *rule = NULL, *cve = NULL, *package = NULL, *path = NULL, *app = NULL;
	bool false_positive = false;
	const struct opt opts[] = {
		{ OPT_STRING, 0, "rule", &rule, "ID", "every finding of --app with this rule id" },
		{ OPT_STRING, 0, "cve", &cve, "ID", "every finding of --app with this CVE (or GHSA, OSV id)" },
		{ OPT_STRING, 0, "package", &package, "PURL", "every finding of --app on this package (no version)" },
		{ OPT_STRING, 0, "path", &path, "GLOB", "only findings whose location matches the glob" },
		{ OPT_STRING, 'a', "app", &app, "APP", "the application (required without ID)" },
		{ OPT_STRING, 'r', "reason", &reason, "TEXT", "why the risk is acceptable (required)" },
		{ OPT_STRING, 0, "approver", &approver, "WHO", "who approved it (required)" },
		{ OPT_STRING, 0, "expires", &expires, "DATE", "when it ends (required for a risk acceptance)" },
		{ OPT_FLAG, 0, "false-positive", &false_positive, NULL, "not a problem at all (expiry optional)" },
		{ OPT_STRING, 0, "by", &by, "WHO", "who records it (default: $POSTURE_USER, else the login name)" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture accept ID | --rule R --app A | --cve C --app A | --package PURL --app A\n"
		"                      --reason TEXT --approver WHO --expires DATE [--false-positive]",
		"Record an exception: the findings it matches become risk_accepted (or\n"
		"false_positive) now, and so do later ones that match, until it expires; then\n"
		"they reopen and their SLA clock resumes. 'posture exceptions' lists them all.",
	};
	struct exception_entry e = { 0 };
	struct exception_meta meta = { 0 };
	struct arena a = ARENA_INIT;
	struct policy *policy = NULL;
	struct upkeep_stats up = { 0 };
	struct perr err = PERR_INIT;
	char when[21];
	int64_t id = 0;
	bool in_tx = false;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n > 1)
		return usage_error("accept: unexpected argument '%s'", argv[1]);
	if (n == 1 && !upkeep_finding_id(argv[0], &e.finding_id))
		return usage_error("accept: '%s' is not a finding id", argv[0]);
	if (!n && !rule && !cve && !package)
		return usage_error("accept: give a finding id, --rule, --cve or --package (see 'posture accept --help')");
	if (n && (rule || cve || package || path || app))
		return usage_error("accept: give a finding id or selectors (--rule, --cve, --package), not both");
	if (!n && !app)
		return usage_error("accept: --app is required with --rule, --cve or --package");
	if (!reason || !*reason)
		return usage_error("accept: --reason is required: say why");
	if (!approver || !*approver)
		return usage_error("accept: --approver is required: who approved it");
	if (!expires && !false_positive)
		return usage_error("accept: --expires is required for a risk acceptance (a date, YYYY-MM-DD)");
	arena_init(&a, 0);
	e.status = false_positive ? STATUS_FALSE_POSITIVE : STATUS_RISK_ACCEPTED;
	e.rule = rule;
	e.package = package;
	e.path = path;
	e.app = app;
	e.reason = reason;
	e.approver = approver;
	if ((package && exceptions_check_package(package, &err) < 0) ||
	    (cve && exceptions_norm_vuln(&a, cve, &e.vuln, &err) < 0)) {
		perr_prefix(&err, "accept");
		ret = perr_report(&err);
		goto done;
	}
	if (expires) {
		if (ptime_parse(&e.expires, expires, &err) < 0) {
			perr_prefix(&err, "accept: --expires");
			ret = perr_report(&err);
			goto done;
		}
		if (e.expires <= ctx->now) {
			ret = usage_error("accept: --expires %s is not in the future", expires);
			goto done;
		}
	}
	if (upkeep_policy(&policy, ctx->db_path, &err) < 0 || store_begin(ctx->store, &err) < 0)
		goto fail;
	in_tx = true;
	if (e.finding_id && store_finding_status(ctx->store, e.finding_id, &(enum status){ 0 }, NULL,
						 &err) < 0) {
		perr_prefix(&err, "accept");
		err.code = P_EINVALID;
		goto fail;
	}
	if (app && store_app_id(ctx->store, app, &(int64_t){ 0 }, &err) < 0) {
		perr_prefix(&err, "accept");
		err.code = P_EINVALID;
		goto fail;
	}
	meta.at = ctx->now;
	meta.by = upkeep_actor(by);
	if (store_expire_exceptions(ctx->store, ctx->now, &up.expired, &err) < 0 ||
	    store_exception_add(ctx->store, &e, &meta, &id, &err) < 0 ||
	    upkeep_run(ctx->store, policy, ctx->now, 0, &up, &err) < 0 ||
	    store_commit(ctx->store, &err) < 0)
		goto fail;
	in_tx = false;
	if (e.expires)
		ptime_format(when, e.expires);
	printf("exception %lld: %s until %s, approved by %s; %ld finding%s covered now\n", (long long)id,
	       status_name(e.status), e.expires ? when : "withdrawn", approver, up.accepted,
	       up.accepted == 1 ? "" : "s");
	goto done;
fail:
	if (in_tx)
		store_rollback(ctx->store);
	ret = perr_report(&err);
done:
	policy_free(policy);
	arena_release(&a);
	return ret;
}
