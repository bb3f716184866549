/*
 * posture exceptions: the risk register. Every exception in force, expiring
 * soon or expired, with who approved it, why, until when, where it came
 * from (posture accept, or a repo-local exceptions file) and how many
 * findings it covers now.
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/upkeep.h"
#include "engine/exceptions.h"
#include "out/findings.h"
#include "out/jw.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/opt.h"
#include "util/ptime.h"

struct register_out {
	enum out_format fmt;
	struct jw w;
	int64_t now;
	long count;
	struct pbuf sel;
};

/* "rule=B101 vuln=CVE-... app=shop": the selectors that are set. */
static const char *selectors(struct pbuf *b, const struct exception_entry *e)
{
	int ret = 0;

	pbuf_reset(b);
	if (e->finding_id)
		ret |= pbuf_addf(b, " finding=%lld", (long long)e->finding_id);
	if (e->fingerprint)
		ret |= pbuf_addf(b, " fingerprint=%s", e->fingerprint);
	if (e->rule)
		ret |= pbuf_addf(b, " rule=%s", e->rule);
	if (e->vuln)
		ret |= pbuf_addf(b, " vuln=%s", e->vuln);
	if (e->package)
		ret |= pbuf_addf(b, " package=%s", e->package);
	if (e->path)
		ret |= pbuf_addf(b, " path=%s", e->path);
	if (e->app)
		ret |= pbuf_addf(b, " app=%s", e->app);
	return ret < 0 || !b->len ? "" : b->buf + 1;
}

static const char *state(const struct exception_entry *e, int64_t now)
{
	return e->expires && e->expires <= now ? "expired" : "active";
}

static int print_row(const struct exception_row *r, void *payload, struct perr *err)
{
	struct register_out *o = payload;
	const struct exception_entry *e = r->e;
	char id[32], line[32], count[32], exp[21] = "never", created[21];
	char source[600];

	snprintf(id, sizeof(id), "%lld", (long long)e->id);
	snprintf(count, sizeof(count), "%ld", r->findings);
	snprintf(line, sizeof(line), "%u", e->line);
	if (e->expires)
		ptime_format(exp, e->expires);
	ptime_format(created, r->created_at);
	if (e->source)
		snprintf(source, sizeof(source), "%s:%u", e->source, e->line);
	else
		snprintf(source, sizeof(source), "posture accept by %s", r->created_by ? r->created_by : "?");
	o->count++;
	switch (o->fmt) {
	case OUT_JSON:
	case OUT_JSONL:
		jw_obj_open(&o->w);
		jw_kint(&o->w, "id", e->id);
		jw_kstr(&o->w, "status", status_name(e->status));
		jw_kstr(&o->w, "state", state(e, o->now));
		jw_key(&o->w, "selectors");
		jw_obj_open(&o->w);
		if (e->finding_id)
			jw_kint(&o->w, "finding", e->finding_id);
		if (e->fingerprint)
			jw_kstr(&o->w, "fingerprint", e->fingerprint);
		if (e->rule)
			jw_kstr(&o->w, "rule", e->rule);
		if (e->vuln)
			jw_kstr(&o->w, "vuln", e->vuln);
		if (e->package)
			jw_kstr(&o->w, "package", e->package);
		if (e->path)
			jw_kstr(&o->w, "path", e->path);
		if (e->app)
			jw_kstr(&o->w, "app", e->app);
		jw_obj_close(&o->w);
		jw_kstr(&o->w, "reason", e->reason);
		jw_kstr(&o->w, "approver", e->approver);
		jw_ktime(&o->w, "expires", e->expires);
		jw_ktime(&o->w, "created_at", r->created_at);
		jw_kstr(&o->w, "created_by", r->created_by);
		jw_kstr(&o->w, "source", e->source);
		if (e->source)
			jw_kint(&o->w, "line", e->line);
		else
			jw_knull(&o->w, "line");
		jw_kint(&o->w, "findings", r->findings);
		jw_obj_close(&o->w);
		if (o->fmt == OUT_JSONL)
			jw_reset_line(&o->w);
		break;
	case OUT_CSV:
		out_csv_field(stdout, id, false);
		out_csv_field(stdout, status_name(e->status), false);
		out_csv_field(stdout, state(e, o->now), false);
		out_csv_field(stdout, selectors(&o->sel, e), false);
		out_csv_field(stdout, e->reason, false);
		out_csv_field(stdout, e->approver, false);
		out_csv_field(stdout, e->expires ? exp : NULL, false);
		out_csv_field(stdout, created, false);
		out_csv_field(stdout, r->created_by, false);
		out_csv_field(stdout, e->source, false);
		out_csv_field(stdout, e->source ? line : NULL, false);
		out_csv_field(stdout, count, true);
		break;
	case OUT_TABLE:
		printf("%-4s %-14s %-7s %-20s %-8s %-18s %s\n      %s\n      reason: %s\n", id,
		       status_name(e->status), state(e, o->now), e->expires ? exp : "never", count,
		       e->approver, source, selectors(&o->sel, e), e->reason);
		break;
	}
	return 0;
}

int cmd_exceptions(int argc, const char **argv, struct ctx *ctx)
{
	bool active = false, expired = false;
	long expiring = -1, revoke = 0;
	const char *format = "table", *reason = NULL;
	struct exception_filter flt = { EXC_ALL, 0, 0, NULL };
	const struct opt opts[] = {
		{ OPT_FLAG, 0, "active", &active, NULL, "only exceptions in force" },
		{ OPT_INT, 0, "expiring", &expiring, "DAYS", "only those that expire within DAYS days" },
		{ OPT_FLAG, 0, "expired", &expired, NULL, "only expired ones" },
		{ OPT_STRING, 'a', "app", &flt.app, "APP", "only this application's" },
		{ OPT_STRING, 'f', "format", &format, "FMT", "table (default), json, jsonl or csv" },
		{ OPT_INT, 0, "revoke", &revoke, "ID", "withdraw exception ID (with --reason): its findings reopen" },
		{ OPT_STRING, 'r', "reason", &reason, "TEXT", "why it is withdrawn" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture exceptions [--active | --expiring DAYS | --expired] [--app A]\n"
		"                          [--format table|json|jsonl|csv]\n"
		"       posture exceptions --revoke ID --reason TEXT",
		"The risk register: every exception (posture accept, repo-local exceptions\n"
		"files), soonest to expire first. Expiries are applied first: the findings of\n"
		"an exception that has expired reopen, with an 'expired' event.",
	};
	struct register_out o = { OUT_TABLE };
	struct policy *policy = NULL;
	struct upkeep_stats up = { 0 };
	struct perr err = PERR_INIT;
	bool in_tx = false;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n)
		return usage_error("exceptions: unexpected argument '%s'", argv[0]);
	if (active + expired + (expiring >= 0) > 1)
		return usage_error("exceptions: give one of --active, --expiring, --expired");
	if (expiring < -1 || expiring > 36500)
		return usage_error("exceptions: --expiring takes a number of days (0-36500)");
	if (out_format_parse(&o.fmt, format) < 0)
		return usage_error("exceptions: --format must be table, json, jsonl or csv, not '%s'", format);
	if (revoke < 0 || (revoke && (!reason || !*reason)))
		return usage_error("exceptions: --revoke takes an exception id and needs --reason");
	flt.which = active ? EXC_ACTIVE : expired ? EXC_EXPIRED : expiring >= 0 ? EXC_EXPIRING : EXC_ALL;
	flt.now = o.now = ctx->now;
	flt.within = expiring > 0 ? expiring * 86400 : 0;
	/* expiries (and a revocation) first, in one transaction, so the register is current */
	if (upkeep_policy(&policy, ctx->db_path, &err) < 0 || store_begin(ctx->store, &err) < 0)
		goto fail;
	in_tx = true;
	if (revoke && store_exception_revoke(ctx->store, revoke, ctx->now, &err) < 0) {
		err.code = P_EINVALID;
		perr_prefix(&err, "exceptions: --revoke");
		goto fail;
	}
	if (upkeep_run(ctx->store, policy, ctx->now, 0, &up, &err) < 0 || store_commit(ctx->store, &err) < 0)
		goto fail;
	in_tx = false;
	if (revoke) {
		printf("exception %ld revoked: %s; %ld finding%s reopened\n", revoke, reason, up.released,
		       up.released == 1 ? "" : "s");
		goto done;
	}
	if (o.fmt == OUT_JSON || o.fmt == OUT_JSONL)
		jw_init(&o.w, stdout, false);
	if (o.fmt == OUT_JSON)
		jw_arr_open(&o.w);
	if (o.fmt == OUT_CSV)
		printf("id,status,state,selectors,reason,approver,expires,created_at,created_by,source,line,"
		       "findings\r\n");
	if (o.fmt == OUT_TABLE)
		printf("%-4s %-14s %-7s %-20s %-8s %-18s %s\n", "ID", "STATUS", "STATE", "EXPIRES", "FINDINGS",
		       "APPROVER", "SOURCE");
	ret = store_exceptions_each(ctx->store, &flt, print_row, &o, &err);
	if (o.fmt == OUT_JSON) {
		jw_arr_close(&o.w);
		jw_reset_line(&o.w);
	}
	if (o.fmt == OUT_JSON || o.fmt == OUT_JSONL)
		jw_release(&o.w);
	if (ret < 0)
		goto fail;
	goto done;
fail:
	if (in_tx)
		store_rollback(ctx->store);
	ret = perr_report(&err);
done:
	pbuf_release(&o.sel);
	policy_free(policy);
	return ret;
}
