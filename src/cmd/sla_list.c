/*
 * posture sla: what is due when. Every active (and risk-accepted) finding
 * with an SLA clock, soonest due first, with the time left or overdue;
 * filters for a team's or an app's queue, what is breached, what falls due
 * within some days. The arithmetic is engine/sla.c; the rules docs/sla.md.
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/upkeep.h"
#include "engine/sla.h"
#include "out/findings.h"
#include "out/jw.h"
#include "store/store.h"
#include "util/opt.h"
#include "util/ptime.h"

struct sla_out {
	enum out_format fmt;
	struct jw w;
	int64_t now;
	bool breached;
	long within;          /* days; -1: any */
	long count, overdue;
};

/* "3d left", "2d overdue", "paused, 20d left": whole days, rounded toward the due date. */
static void left_text(char *out, size_t len, int64_t left, bool paused)
{
	if (left >= 0)
		snprintf(out, len, "%s%lldd left", paused ? "paused, " : "", (long long)(left / SLA_DAY));
	else
		snprintf(out, len, "%s%lldd overdue", paused ? "paused, " : "",
			 (long long)((-left + SLA_DAY - 1) / SLA_DAY));
}

static int print_row(const struct sla_row *r, void *payload, struct perr *err)
{
	struct sla_out *o = payload;
	struct sla_clock c = SLA_CLOCK_INIT;
	char id[32], due[21], since[21], left[48], secs[32];
	int64_t rem;

	c.due = r->due;
	c.paused_at = r->paused_at;
	rem = sla_remaining(&c, o->now);
	if (o->breached && rem >= 0)
		return 0;
	if (o->within >= 0 && rem > o->within * SLA_DAY)
		return 0;
	o->count++;
	if (rem < 0)
		o->overdue++;
	snprintf(id, sizeof(id), "%lld", (long long)r->finding_id);
	snprintf(secs, sizeof(secs), "%lld", (long long)rem);
	ptime_format(due, r->due);
	if (r->tier_at)
		ptime_format(since, r->tier_at);
	left_text(left, sizeof(left), rem, r->paused_at != 0);
	switch (o->fmt) {
	case OUT_JSON:
	case OUT_JSONL:
		jw_obj_open(&o->w);
		jw_kint(&o->w, "id", r->finding_id);
		jw_kstr(&o->w, "app", r->app);
		jw_kstr(&o->w, "owner", r->team);
		jw_kstr(&o->w, "tier", r->tier);
		jw_kstr(&o->w, "status", status_name(r->status));
		jw_ktime(&o->w, "tier_since", r->tier_at);
		jw_ktime(&o->w, "sla_due", r->due);
		jw_kbool(&o->w, "paused", r->paused_at != 0);
		jw_kint(&o->w, "seconds_left", rem);
		jw_kbool(&o->w, "breached", rem < 0);
		jw_kstr(&o->w, "kev_due_date", r->kev_due);
		jw_kstr(&o->w, "title", r->title);
		jw_obj_close(&o->w);
		if (o->fmt == OUT_JSONL)
			jw_reset_line(&o->w);
		break;
	case OUT_CSV:
		out_csv_field(stdout, id, false);
		out_csv_field(stdout, r->app, false);
		out_csv_field(stdout, r->team, false);
		out_csv_field(stdout, r->tier, false);
		out_csv_field(stdout, status_name(r->status), false);
		out_csv_field(stdout, r->tier_at ? since : NULL, false);
		out_csv_field(stdout, due, false);
		out_csv_field(stdout, r->paused_at ? "true" : "false", false);
		out_csv_field(stdout, secs, false);
		out_csv_field(stdout, rem < 0 ? "true" : "false", false);
		out_csv_field(stdout, r->kev_due, false);
		out_csv_field(stdout, r->title, true);
		break;
	case OUT_TABLE:
		printf("%-5s %-12s %-12s %-8s %-13s %-20s %-18s %s\n", id, r->app, r->team ? r->team : "-",
		       r->tier ? r->tier : "-", status_name(r->status), due, left, r->title ? r->title : "");
		break;
	}
	return 0;
}

int cmd_sla(int argc, const char **argv, struct ctx *ctx)
{
	struct sla_filter flt = { 0 };
	const char *format = "table";
	struct sla_out o = { OUT_TABLE };
	const struct opt opts[] = {
		{ OPT_STRING, 0, "team", &flt.team, "TEAM", "only this team's findings" },
		{ OPT_STRING, 'a', "app", &flt.app, "APP", "only this application's" },
		{ OPT_FLAG, 0, "breached", &o.breached, NULL, "only findings past their due date" },
		{ OPT_INT, 0, "due-within", &o.within, "DAYS", "only findings due within DAYS days (or overdue)" },
		{ OPT_STRING, 'f', "format", &format, "FMT", "table (default), json, jsonl or csv" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture sla [--team T | --app A] [--breached | --due-within DAYS]\n"
		"                   [--format table|json|jsonl|csv]",
		"Active and risk-accepted findings by due date: when each reached its tier,\n"
		"when it is due (the policy's sla_days; see docs/sla.md) and the time left.\n"
		"A risk acceptance pauses the clock. Expiries and clock updates are applied first.",
	};
	struct policy *policy = NULL;
	struct upkeep_stats up = { 0 };
	struct perr err = PERR_INIT;
	bool in_tx = false;
	int n, ret = EXIT_OK;

	o.within = -1;
	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n)
		return usage_error("sla: unexpected argument '%s'", argv[0]);
	if (flt.team && flt.app)
		return usage_error("sla: give --team or --app, not both");
	if (o.breached && o.within >= 0)
		return usage_error("sla: give --breached or --due-within, not both");
	if (o.within < -1 || o.within > 36500)
		return usage_error("sla: --due-within takes a number of days (0-36500)");
	if (out_format_parse(&o.fmt, format) < 0)
		return usage_error("sla: --format must be table, json, jsonl or csv, not '%s'", format);
	flt.now = o.now = ctx->now;
	if (upkeep_policy(&policy, ctx->db_path, &err) < 0 || store_begin(ctx->store, &err) < 0)
		goto fail;
	in_tx = true;
	if (upkeep_run(ctx->store, policy, ctx->now, 0, &up, &err) < 0 || store_commit(ctx->store, &err) < 0)
		goto fail;
	in_tx = false;
	if (o.fmt == OUT_JSON || o.fmt == OUT_JSONL)
		jw_init(&o.w, stdout, false);
	if (o.fmt == OUT_JSON)
		jw_arr_open(&o.w);
	if (o.fmt == OUT_CSV)
		printf("id,app,owner,tier,status,tier_since,sla_due,paused,seconds_left,breached,"
		       "kev_due_date,title\r\n");
	if (o.fmt == OUT_TABLE)
		printf("%-5s %-12s %-12s %-8s %-13s %-20s %-18s %s\n", "ID", "APP", "OWNER", "TIER", "STATUS",
		       "DUE", "LEFT", "TITLE");
	ret = store_sla_each(ctx->store, &flt, print_row, &o, &err);
	if (o.fmt == OUT_JSON) {
		jw_arr_close(&o.w);
		jw_reset_line(&o.w);
	}
	if (o.fmt == OUT_JSON || o.fmt == OUT_JSONL)
		jw_release(&o.w);
	if (ret < 0)
		goto fail;
	if (o.fmt == OUT_TABLE)
		printf("%ld finding%s, %ld overdue\n", o.count, o.count == 1 ? "" : "s", o.overdue);
	goto done;
fail:
	if (in_tx)
		store_rollback(ctx->store);
	ret = perr_report(&err);
done:
	policy_free(policy);
	return ret;
}
