/* posture show ID: one finding, its evidence and its history. */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/upkeep.h"
#include "engine/correlate.h"
#include "engine/lifecycle.h"
#include "out/findings.h"
#include "parse/json.h"
#include "store/store.h"
#include "util/opt.h"
#include "util/ptime.h"

struct show {
	struct jw w;
	bool json;
	struct store *store;
	int64_t id;
	long related;
};

static int count_related(const struct store_relation_row *r, void *payload, struct perr *err)
{
	((struct show *)payload)->related++;
	return 0;
}

static int evidence_json(const struct evidence_row *e, void *payload, struct perr *err)
{
	struct show *sh = payload;

	jw_obj_open(&sh->w);
	jw_kint(&sh->w, "id", e->id);
	jw_kstr(&sh->w, "tool", e->tool);
	jw_kstr(&sh->w, "severity", severity_name(e->severity));
	jw_kint(&sh->w, "first_scan", e->first_scan_id);
	jw_kint(&sh->w, "last_scan", e->last_scan_id);
	jw_ktime(&sh->w, "first_seen", e->first_seen);
	jw_ktime(&sh->w, "last_seen", e->last_seen);
	jw_key(&sh->w, "record");
	jw_raw(&sh->w, e->record_json);
	jw_obj_close(&sh->w);
	return 0;
}

static int event_json(const struct event_row *e, void *payload, struct perr *err)
{
	struct show *sh = payload;

	jw_obj_open(&sh->w);
	jw_ktime(&sh->w, "at", e->at);
	jw_kstr(&sh->w, "type", e->type);
	jw_kstr(&sh->w, "from", e->from);
	jw_kstr(&sh->w, "to", e->to);
	jw_key(&sh->w, "scan");
	if (e->scan_id)
		jw_int(&sh->w, e->scan_id);
	else
		jw_null(&sh->w);
	jw_kstr(&sh->w, "actor", e->actor);
	jw_kstr(&sh->w, "reason", e->reason);
	jw_obj_close(&sh->w);
	return 0;
}

/* Pull a few fields out of a stored evidence record for the text view. */
static int evidence_text(const struct evidence_row *e, void *payload, struct perr *err)
{
	struct jnode *rec = NULL;
	struct arena a = ARENA_INIT;
	struct perr ignored = PERR_INIT;
	char t[21];
	const struct jnode *loc;

	ptime_format(t, e->last_seen);
	printf("  - %s (%s), last seen %s in scan %lld\n", e->tool, severity_name(e->severity), t,
	       (long long)e->last_scan_id);
	if (e->record_json &&
	    json_parse_tree(&rec, &a, e->record_json, strlen(e->record_json), NULL, &ignored) == 0) {
		loc = json_get(rec, "location");
		if (json_get_str(loc, "path"))
			printf("    at %s:%s\n", json_get_str(loc, "path"),
			       json_text(json_get(loc, "start_line")) ? json_text(json_get(loc, "start_line")) : "?");
		if (json_get_str(loc, "url"))
			printf("    at %s %s\n", json_get_str(loc, "method") ? json_get_str(loc, "method") : "",
			       json_get_str(loc, "url"));
		if (json_get_str(loc, "purl"))
			printf("    in %s\n", json_get_str(loc, "purl"));
		if (json_get_str(rec, "description"))
			printf("    %s\n", json_get_str(rec, "description"));
	}
	arena_release(&a);
	return 0;
}

static int event_text(const struct event_row *e, void *payload, struct perr *err)
{
	char t[21];

	ptime_format(t, e->at);
	printf("  %s  %-10s %s%s%s", t, e->type, e->from ? e->from : "", e->from ? " -> " : "",
	       e->to ? e->to : "");
	if (e->scan_id)
		printf("  (scan %lld)", (long long)e->scan_id);
	if (e->actor)
		printf("  by %s", e->actor);
	if (e->reason)
		printf(": %s", e->reason);
	putchar('\n');
	return 0;
}

/*
 * Downstream of a finding fixed in code (lineage): is it gone from the
 * images and services its code component ships in? "Fixed in code, still
 * running in production" is a line here. Rows whose code component still
 * reports the finding say nothing and are left out.
 */
struct lineage_show {
	const struct finding *f;
	struct jw *w;            /* NULL: text */
	int64_t origin;          /* the code component whose line was printed */
};

static const char *const downstream_names[] = {
	[DOWNSTREAM_STILL_THERE] = "still_there",
	[DOWNSTREAM_GONE] = "gone",
	[DOWNSTREAM_GONE_EARLY] = "gone_before_fix",
	[DOWNSTREAM_NOT_SCANNED] = "not_scanned_since_fix",
};

static int lineage_line(const struct lineage_row *r, void *payload, struct perr *err)
{
	struct lineage_show *ls = payload;
	struct lineage_check c;
	enum downstream_state state;
	/* the finding that holds it there: this one (its evidence), or another */
	int64_t holder = r->present == 1 ? ls->f->id : r->same_finding_id;
	char t[21];

	if (!r->code_fixed_at)
		return 0;
	upkeep_lineage_check(&c, r);
	state = lifecycle_downstream(&c);
	if (ls->w) {
		jw_obj_open(ls->w);
		jw_kstr(ls->w, "component", r->component);
		jw_kstr(ls->w, "code_component", r->origin);
		jw_ktime(ls->w, "code_fixed_at", r->code_fixed_at);
		jw_ktime(ls->w, "last_scan", r->last_scan);
		jw_kstr(ls->w, "state", downstream_names[state]);
		if (holder)
			jw_kint(ls->w, "still_there", holder);
		else
			jw_knull(ls->w, "still_there");
		jw_kstr(ls->w, "tools", r->present == 1 ? r->present_tools : NULL);
		jw_kbool(ls->w, "gone", state == DOWNSTREAM_GONE || state == DOWNSTREAM_GONE_EARLY);
		jw_obj_close(ls->w);
		return 0;
	}
	if (r->origin_id != ls->origin) {
		ptime_format(t, r->code_fixed_at);
		printf("  code fix   %s: %s no longer reports it\n", t, r->origin);
		ls->origin = r->origin_id;
	}
	printf("  downstream %s: ", r->component);
	switch (state) {
	case DOWNSTREAM_STILL_THERE:
		if (r->present == 1)
			printf("still there (reported by %s)\n", r->present_tools ? r->present_tools : "?");
		else
			printf("still there (finding %lld)\n", (long long)r->same_finding_id);
		break;
	case DOWNSTREAM_GONE:
		printf("gone\n");
		break;
	case DOWNSTREAM_GONE_EARLY:
		printf("gone before the fix, not scanned since\n");
		break;
	case DOWNSTREAM_NOT_SCANNED:
		printf("not scanned since the fix\n");
		break;
	}
	return 0;
}

/* The change that fixes the finding's group, named as `posture groups` names it. */
static int group_line(const struct store_group_row *g, void *payload, struct perr *err)
{
	struct show *sh = payload;
	enum group_kind kind = GROUP_NONE;
	struct arena a = ARENA_INIT;
	const char *where, *title;
	int ret;

	if ((ret = store_group_where(sh->store, g->id, &a, &where, err)) == 0) {
		group_kind_parse(&kind, g->kind);
		title = correlate_group_title(&a, kind, g->subject, g->from, g->to, g->location, g->findings,
					      where);
		if (sh->json)
			jw_kstr(&sh->w, "group_change", title);
		else
			printf("  group      %lld: %s\n", (long long)g->id, title);
	}
	arena_release(&a);
	return ret;
}

static int related_line(const struct store_relation_row *r, void *payload, struct perr *err)
{
	struct show *sh = payload;
	bool validates = r->related_id == sh->id;
	int64_t other = validates ? r->finding_id : r->related_id;

	if (sh->json) {
		jw_obj_open(&sh->w);
		jw_kstr(&sh->w, "relation", validates ? "validates" : r->relation);
		jw_kint(&sh->w, "finding", other);
		jw_kstr(&sh->w, "tool", r->tool);
		jw_kstr(&sh->w, "family", r->family);
		jw_kstr(&sh->w, "title", r->title);
		jw_kstr(&sh->w, "location", r->path);
		jw_ktime(&sh->w, "at", r->at);
		jw_obj_close(&sh->w);
		return 0;
	}
	printf("  %s finding %lld (%s, %s): %s%s%s\n", validates ? "validates" : "validated by",
	       (long long)other, r->tool ? r->tool : "?", r->family, r->title ? r->title : "",
	       r->path ? " at " : "", r->path ? r->path : "");
	return 0;
}

static int show_correlation(struct show *sh, const struct finding *f, struct perr *err)
{
	int ret;

	if (f->group && (ret = store_groups_each(sh->store, NULL, NULL, strtoll(f->group, NULL, 10),
						 group_line, sh, err)) < 0)
		return ret;
	if (sh->json) {
		jw_key(&sh->w, "related");
		jw_arr_open(&sh->w);
	} else {
		sh->related = 0;
	}
	ret = store_relations_each(sh->store, f->id, sh->json ? related_line : count_related, sh, err);
	if (sh->json)
		jw_arr_close(&sh->w);
	if (ret < 0 || sh->json || !sh->related)
		return ret;
	printf("\nrelated:\n");
	return store_relations_each(sh->store, f->id, related_line, sh, err);
}

static int show_finding(const struct finding *f, void *payload, struct perr *err)
{
	struct show *sh = payload;
	char t1[21], t2[21];
	int ret;

	if (sh->json) {
		jw_obj_open(&sh->w);
		out_finding_fields(&sh->w, f);
		if ((ret = show_correlation(sh, f, err)) < 0)
			return ret;
		jw_key(&sh->w, "evidence");
		jw_arr_open(&sh->w);
		if ((ret = store_evidence_each(sh->store, f->id, evidence_json, sh, err)) < 0)
			return ret;
		jw_arr_close(&sh->w);
		jw_key(&sh->w, "events");
		jw_arr_open(&sh->w);
		if ((ret = store_events_each(sh->store, f->id, event_json, sh, err)) < 0)
			return ret;
		jw_arr_close(&sh->w);
		jw_key(&sh->w, "downstream");
		jw_arr_open(&sh->w);
		if ((ret = store_lineage_each(sh->store, f->id, lineage_line,
					      &(struct lineage_show){ f, &sh->w, 0 }, err)) < 0)
			return ret;
		jw_arr_close(&sh->w);
		jw_obj_close(&sh->w);
		jw_reset_line(&sh->w);
		return 0;
	}
	ptime_format(t1, f->first_seen);
	ptime_format(t2, f->last_seen);
	printf("finding %lld: %s\n", (long long)f->id, f->title ? f->title : "(untitled)");
	printf("  app        %s%s%s\n", f->app, f->component ? "  component " : "",
	       f->component ? f->component : "");
	printf("  severity   %s\n  status     %s\n  kind       %s\n", severity_name(f->severity),
	       status_name(f->status), kind_name(f->kind));
	if (f->rule_id)
		printf("  rule       %s\n", f->rule_id);
	if (f->path)
		printf("  location   %s\n", f->path);
	printf("  vuln ids   %s\n  cwe        %s\n  tools      %s\n", f->vuln_ids, f->cwe, f->tools);
	printf("  seen       %s .. %s, came back %ld time%s\n", t1, t2, f->recurrence,
	       f->recurrence == 1 ? "" : "s");
	printf("  risk       %s\n", f->risk >= 0 ? "scored" : "not scored yet");
	if (f->sla_due && (status_is_active(f->status) || f->status == STATUS_RISK_ACCEPTED)) {
		ptime_format(t1, f->sla_due);
		printf("  sla due    %s%s\n", t1, f->status == STATUS_RISK_ACCEPTED ? " (paused: risk accepted)" : "");
	}
	if ((ret = store_lineage_each(sh->store, f->id, lineage_line,
				      &(struct lineage_show){ f, NULL, 0 }, err)) < 0)
		return ret;
	if ((ret = show_correlation(sh, f, err)) < 0)
		return ret;
	printf("\nevidence (%ld):\n", f->evidence_count);
	if ((ret = store_evidence_each(sh->store, f->id, evidence_text, sh, err)) < 0)
		return ret;
	printf("\nhistory:\n");
	return store_events_each(sh->store, f->id, event_text, sh, err);
}

int cmd_show(int argc, const char **argv, struct ctx *ctx)
{
	const char *format = "text";
	const struct opt opts[] = {
		{ OPT_STRING, 'f', "format", &format, "FMT", "text (default) or json" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture show [--format text|json] ID",
		"Show one finding: its fields, every piece of evidence and its history.",
	};
	struct perr err = PERR_INIT;
	struct show sh = { 0 };
	char *end;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n != 1)
		return usage_error("show: expected one finding ID (see 'posture show --help')");
	errno = 0;
	sh.id = strtoll(argv[0], &end, 10);
	if (errno || *end || end == argv[0] || sh.id <= 0)
		return usage_error("show: '%s' is not a finding ID", argv[0]);
	if (!strcmp(format, "json"))
		sh.json = true;
	else if (strcmp(format, "text"))
		return usage_error("show: --format must be text or json, not '%s'", format);
	sh.store = ctx->store;
	if (sh.json)
		jw_init(&sh.w, stdout, true);
	if (store_finding_get(ctx->store, sh.id, show_finding, &sh, &err) < 0)
		ret = perr_report(&err);
	if (sh.json)
		jw_release(&sh.w);
	return ret;
}
