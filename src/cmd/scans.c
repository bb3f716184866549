/* posture scans: the ingested scans, oldest first. */
#include "posture.h"
#include "cmd/cmd.h"
#include "out/jw.h"
#include "store/store.h"
#include "util/opt.h"
#include "util/ptime.h"

struct scans_out {
	bool json;
	struct jw w;
};

static int print_scan(const struct scan_row *r, void *payload, struct perr *err)
{
	struct scans_out *so = payload;
	char t[21];

	if (so->json) {
		jw_obj_open(&so->w);
		jw_kint(&so->w, "id", r->id);
		jw_kstr(&so->w, "app", r->app);
		jw_kstr(&so->w, "component", r->component);
		jw_kstr(&so->w, "format", r->format);
		jw_kstr(&so->w, "tools", r->tools);
		jw_kstr(&so->w, "commit", r->commit);
		jw_kstr(&so->w, "branch", r->branch);
		jw_kstr(&so->w, "file", r->file_name);
		jw_ktime(&so->w, "scanned_at", r->scanned_at);
		jw_ktime(&so->w, "ingested_at", r->ingested_at);
		jw_kbool(&so->w, "partial", r->partial);
		jw_kint(&so->w, "evidence", r->evidence_count);
		jw_kint(&so->w, "new", r->new_count);
		jw_kint(&so->w, "seen_again", r->seen_count);
		jw_kint(&so->w, "fixed", r->fixed_count);
		jw_kint(&so->w, "reopened", r->reopened_count);
		jw_kint(&so->w, "merged", r->merged_count);
		jw_obj_close(&so->w);
		jw_reset_line(&so->w);
		return 0;
	}
	ptime_format(t, r->scanned_at);
	printf("%5lld  %s  %-16.16s  %-24.24s  %6ld evidence  +%ld new  %ld fixed  %ld reopened  %s\n",
	       (long long)r->id, t, r->app, r->tools ? r->tools : "", r->evidence_count,
	       r->new_count, r->fixed_count, r->reopened_count, r->file_name ? r->file_name : "");
	return 0;
}

int cmd_scans(int argc, const char **argv, struct ctx *ctx)
{
	const char *app = NULL, *format = "table";
	const struct opt opts[] = {
		{ OPT_STRING, 'a', "app", &app, "APP", "only this application" },
		{ OPT_STRING, 'f', "format", &format, "FMT", "table (default) or jsonl" },
		{ OPT_END },
	};
	const struct opt_usage usage = { "posture scans [--app A] [--format table|jsonl]",
					 "List ingested scans, oldest first." };
	struct scans_out so = { 0 };
	struct perr err = PERR_INIT;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n)
		return usage_error("scans: unexpected argument '%s'", argv[0]);
	if (!strcmp(format, "jsonl") || !strcmp(format, "json"))
		so.json = true;
	else if (strcmp(format, "table"))
		return usage_error("scans: --format must be table or jsonl, not '%s'", format);
	if (so.json)
		jw_init(&so.w, stdout, false);
	if (store_scans_each(ctx->store, app, print_scan, &so, &err) < 0)
		ret = perr_report(&err);
	if (so.json)
		jw_release(&so.w);
	return ret;
}
