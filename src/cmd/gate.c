/*
 * posture gate: may this change ship? Applies the policy's per-tier gate
 * modes to an app's findings and exits 1 when one blocks. Two sources:
 *
 *   - the local database: the app's active findings, scored now with the
 *     policy and the feeds (as 'posture rescore' would); with --report,
 *     the reports are parsed, fingerprinted and scored against the stored
 *     state instead, and nothing is ingested. A finding whose exception
 *     has expired (or was revoked) but that no upkeep has reopened yet is
 *     read as reopened, as the next ingest or accept will store it;
 *   - reports alone (--no-db, or no database file): parse, score with the
 *     policy and no feeds, apply the exceptions file, compare with a
 *     baseline report.
 *
 * The gate writes no finding. With a database it records the run and what
 * blocked or would have blocked (gate_runs), which --history sums up.
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/input.h"
#include "cmd/scoring.h"
#include "engine/exceptions.h"
#include "engine/gate.h"
#include "model/fingerprint.h"
#include "out/gate.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/file.h"
#include "util/opt.h"
#include "util/ptime.h"
#include "util/strmap.h"

#include <sys/stat.h>

#define GATE_TEXT_MAX 4096   /* a title, description or path kept for the output */

enum gate_format { FMT_TEXT = 0, FMT_MARKDOWN, FMT_SARIF, FMT_JUNIT, FMT_JSON };

/* What one report finding gathers before it is scored: its evidence's risk inputs. */
struct pending {
	struct risk_evidence *ev;
	size_t nev, ev_alloc;
	struct strlist vuln_ids;
	const char *package;           /* purl without version, for exceptions */
	int64_t first_seen;
};

/* A stored finding's fields the output needs (DB mode), by id. */
struct stored {
	const char *fingerprint, *rule_id, *path, *tool, *help, *help_uri;
	unsigned start_line, end_line;
	long recurrence;
};

struct gate {
	const struct ctx *ctx;
	struct store *store;           /* NULL: no database */
	const char *app;
	int64_t app_id;                /* 0: the database has no such app (or no database) */
	const char *exposure, *criticality, *data_sensitivity;
	struct scoring sc;
	struct arena arena;            /* every string of the items and pendings */
	struct gate_item *items;
	struct pending *pend;          /* report mode: parallel to items */
	size_t n, alloc, pend_alloc;
	struct strmap by_fp;           /* report mode: fingerprint -> index + 1 */
	struct strmap by_id;           /* DB mode: finding id (decimal) -> struct stored */
	struct strmap baseline;        /* fingerprints of the baseline -> (void *)1 */
	bool have_baseline;            /* --baseline: new means absent from `baseline` */
	bool stored_baseline;          /* reports on a database: new means not stored, or fixed */
	char baseline_desc[1024];
	struct exception_list exceptions;
	bool have_exceptions;
	int64_t *lapsed;               /* database: ids whose exception lapsed, ascending */
	size_t nlapsed, lapsed_alloc;
	bool from_reports;             /* --report: the reports were evaluated */
	char secret_key[65];
};

static const char *keep(struct gate *g, const char *s)
{
	if (!s)
		return NULL;
	return arena_strndup(&g->arena, s, strnlen(s, GATE_TEXT_MAX));
}

/* --- the baseline ----------------------------------------------------------- */

static int baseline_add(const char *fingerprint, void *payload, struct perr *err)
{
	struct gate *g = payload;

	if (fingerprint && !strmap_get(&g->baseline, fingerprint))
		strmap_put(&g->baseline, arena_strdup(&g->arena, fingerprint), (void *)1);
	return 0;
}

static int baseline_evidence(const struct evidence *ev, void *payload, struct perr *err)
{
	if (ev->format && !strcmp(ev->format, "openvex"))
		return 0;
	return baseline_add(ev->fingerprint, payload, err);
}

static void use_store_key(struct gate *g, struct report_input *in)
{
	if (!g->store)
		return;
	in->opts.secret_key = g->secret_key;
	in->opts.secret_key_len = strlen(g->secret_key);
}

/*
 * --baseline: a report file when one exists at that path; else, with a
 * database, a scan id (digits) or a branch whose latest scans are the baseline.
 */
static int load_baseline(struct gate *g, const char *arg, struct perr *err)
{
	struct stat st;
	int ret;

	g->have_baseline = true;
	if (stat(arg, &st) == 0 && S_ISREG(st.st_mode)) {
		struct report_input in;

		if ((ret = report_input_open(&in, arg, NULL, false, err)) < 0)
			return ret;
		use_store_key(g, &in);
		ret = report_input_parse(&in, baseline_evidence, g, err);
		report_input_release(&in);
		snprintf(g->baseline_desc, sizeof(g->baseline_desc), "report %s", arg);
		return ret;
	}
	if (!g->store)
		return perr_set(err, P_EINVALID, "baseline '%s' is not a report file (without a database "
				"the baseline must be a previous report)", arg);
	if (!g->app_id)
		return perr_set(err, P_EINVALID, "baseline '%s': the database has no app '%s'", arg, g->app);
	if (arg[0] && strspn(arg, "0123456789") == strlen(arg)) {
		long long id = strtoll(arg, NULL, 10);

		snprintf(g->baseline_desc, sizeof(g->baseline_desc), "scan %lld", id);
		ret = store_gate_scan_fingerprints(g->store, g->app_id, id, baseline_add, g, err);
		if (ret == P_ENOTFOUND)
			perr_prefix(err, "baseline");
		return ret;
	} else {
		long scans = 0;

		ret = store_gate_branch_fingerprints(g->store, g->app_id, arg, &scans, baseline_add, g, err);
		if (ret == P_ENOTFOUND)
			perr_prefix(err, "baseline");
		snprintf(g->baseline_desc, sizeof(g->baseline_desc), "branch %s (latest %ld scan%s)", arg,
			 scans, scans == 1 ? "" : "s");
		return ret;
	}
}

/* --- exceptions ------------------------------------------------------------- */

static int load_exceptions(struct gate *g, const char *file, struct perr *err)
{
	char *text = NULL;
	size_t len = 0;
	struct stat st;
	int ret;

	if (!file) {
		/* the repo-local file, when the gate runs in the checkout that has one */
		if (stat(EXCEPTIONS_FILE, &st) < 0)
			return 0;
		file = EXCEPTIONS_FILE;
	}
	if ((ret = pfile_slurp(&text, &len, file, EXCEPTIONS_MAX_BYTES, err)) < 0) {
		if (ret == P_ENOTFOUND)
			return perr_set(err, P_EINVALID, "exceptions file '%s' does not exist", file);
		return ret;
	}
	g->have_exceptions = true;
	ret = exceptions_parse(&g->exceptions, text, len, file, err);
	xfree(text);
	return ret;
}

static void apply_exceptions(struct gate *g, struct gate_item *it, const char *package,
			     const struct strlist *vulns)
{
	struct exception_subject subj = {
		.finding_id = it->finding_id, .fingerprint = it->fingerprint, .rule = it->rule_id,
		.package = package, .path = it->path, .app = g->app,
		.vuln_ids = vulns ? vulns->v : NULL, .nvuln_ids = vulns ? vulns->n : 0,
	};
	const struct exception_entry *e, *expired = NULL;

	if (!g->have_exceptions)
		return;
	e = exceptions_match(&g->exceptions, &subj, g->ctx->now, &expired);
	if (!e)
		return;
	if (e->source)
		it->exception = arena_printf(&g->arena, "%s %s:%u: %s (approved by %s)",
					     e->status == STATUS_FALSE_POSITIVE ? "false positive in" :
					     "accepted in", e->source, e->line, e->reason ? e->reason : "",
					     e->approver ? e->approver : "-");
	else
		it->exception = arena_printf(&g->arena, "%s %lld: %s (approved by %s)",
					     e->status == STATUS_FALSE_POSITIVE ? "false positive, exception" :
					     "exception", (long long)e->id, e->reason ? e->reason : "",
					     e->approver ? e->approver : "-");
}

/*
 * A finding accepted (or false positive) by an exception that expired or
 * was revoked keeps its status until an upkeep reopens it (ingest, accept,
 * triage, exceptions, sla run one). The gate writes no finding, so it reads
 * such a finding as that upkeep will leave it: reopened, gated, unless
 * another exception in force covers it.
 */
static int remember_lapsed(int64_t finding_id, void *payload, struct perr *err)
{
	struct gate *g = payload;

	ALLOC_GROW(g->lapsed, g->nlapsed + 1, g->lapsed_alloc);
	g->lapsed[g->nlapsed++] = finding_id;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static bool lapsed(const struct gate *g, int64_t finding_id)
{
	return g->nlapsed &&
	       bsearch(&finding_id, g->lapsed, g->nlapsed, sizeof(*g->lapsed), cmp_id) != NULL;
}

static int read_recurrence(const struct finding *f, void *payload, struct perr *err)
{
	*(bool *)payload = f->recurrence > 0;
	return 0;
}

/* Whether the stored finding came back after a fix at least once (lifecycle.md). */
static int came_back(struct gate *g, int64_t finding_id, bool *out, struct perr *err)
{
	*out = false;
	return store_finding_get(g->store, finding_id, read_recurrence, out, err);
}

/* --- items ------------------------------------------------------------------ */

static struct gate_item *new_item(struct gate *g)
{
	struct gate_item *it;

	ALLOC_GROW(g->items, g->n + 1, g->alloc);
	it = &g->items[g->n++];
	memset(it, 0, sizeof(*it));
	return it;
}

static void score_into(struct gate *g, struct gate_item *it, const struct risk_input *in,
		       const struct risk_result *r)
{
	it->risk = r->risk;
	it->tier = r->tier;
	it->cve = keep(g, in->cve);
	it->has_cvss = in->cvss_source != RISK_CVSS_NONE;
	it->cvss = in->cvss;
	gate_explain(it->explanation, g->sc.policy, r);
}

/* The place of a report finding: its file, else its url, package, image or resource. */
static const char *where_of(const struct evidence *ev)
{
	return ev->loc.path ? ev->loc.path : ev->loc.url ? ev->loc.url : ev->loc.purl ? ev->loc.purl :
	       ev->loc.image ? ev->loc.image : ev->loc.resource;
}

static int on_report_evidence(const struct evidence *ev, void *payload, struct perr *err)
{
	struct gate *g = payload;
	struct gate_item *it;
	struct pending *p;
	struct risk_evidence *re;
	size_t idx, i;

	if (ev->format && !strcmp(ev->format, "openvex"))
		return 0;
	if (!ev->fingerprint)
		return perr_set(err, P_ERROR, "evidence without a fingerprint");
	idx = (size_t)(uintptr_t)strmap_get(&g->by_fp, ev->fingerprint);
	if (!idx) {
		it = new_item(g);
		ALLOC_GROW(g->pend, g->n, g->pend_alloc);
		p = &g->pend[g->n - 1];
		memset(p, 0, sizeof(*p));
		it->fingerprint = keep(g, ev->fingerprint);
		it->title = keep(g, ev->title);
		it->rule_id = keep(g, ev->rule_id);
		it->tool = keep(g, ev->tool);
		it->description = keep(g, ev->remediation ? ev->remediation : ev->description);
		it->help_uri = keep(g, ev->help_uri);
		it->path = keep(g, where_of(ev));
		it->start_line = ev->loc.start_line;
		it->end_line = ev->loc.end_line;
		it->kind = ev->kind;
		it->severity = ev->severity ? ev->severity : SEV_INFO;
		it->status = ev->suppressed ? STATUS_FALSE_POSITIVE : STATUS_OPEN;
		p->first_seen = g->ctx->now;
		if (ev->loc.purl) {
			char base[1024];

			fingerprint_purl_base(base, sizeof(base), ev->loc.purl);
			p->package = keep(g, base);
		}
		strmap_put(&g->by_fp, it->fingerprint, (void *)(uintptr_t)g->n);
	} else {
		it = &g->items[idx - 1];
		p = &g->pend[idx - 1];
		if (ev->severity > it->severity)
			it->severity = ev->severity;
	}
	for (i = 0; i < ev->vuln_ids.n; i++)
		strlist_add_unique(&p->vuln_ids, &g->arena, keep(g, ev->vuln_ids.v[i]));
	ALLOC_GROW(p->ev, p->nev + 1, p->ev_alloc);
	re = &p->ev[p->nev++];
	memset(re, 0, sizeof(*re));
	re->cvss_vector = keep(g, ev->cvss.vector);
	re->cvss_version = keep(g, ev->cvss.version);
	re->cvss_score = ev->cvss.score;
	re->has_score = ev->cvss.has_score;
	re->reachability = reachability_name(ev->reachability);
	re->validated = ev->validated;
	re->secret_verified = ev->secret_verified;
	re->epss = keep(g, kvlist_get(&ev->properties, "epss"));
	re->epss_percentile = keep(g, kvlist_get(&ev->properties, "epss_percentile"));
	return 0;
}

static int parse_reports(struct gate *g, const struct strvec *reports, const char *tool,
			 struct perr *err)
{
	size_t i;
	int ret;

	for (i = 0; i < reports->n; i++) {
		struct report_input in;

		if ((ret = report_input_open(&in, reports->v[i], tool, g->ctx->progress, err)) < 0)
			return ret;
		use_store_key(g, &in);
		ret = report_input_parse(&in, on_report_evidence, g, err);
		report_input_release(&in);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* ["CVE-...", ...]: what the scoring reads vulnerability ids from. */
static const char *vuln_json(struct gate *g, const struct strlist *l)
{
	struct pbuf b = PBUF_INIT;
	const char *out;
	size_t i;
	int ret = pbuf_addch(&b, '[');

	for (i = 0; i < l->n && !ret; i++)
		ret = pbuf_addf(&b, "%s\"%s\"", i ? "," : "", l->v[i]);
	if (!ret)
		ret = pbuf_addch(&b, ']');
	out = arena_strdup(&g->arena, ret ? "[]" : b.buf);
	pbuf_release(&b);
	return out;
}

/* Report mode: look each finding up in the store, score it, decide. */
static int evaluate_reports(struct gate *g, struct perr *err)
{
	size_t i;
	int ret;

	for (i = 0; i < g->n; i++) {
		struct gate_item *it = &g->items[i];
		struct pending *p = &g->pend[i];
		struct risk_input in;
		struct risk_result r;
		struct risk_row row = { 0 };
		bool known = false;
		char cve[32];

		if (g->store && g->app_id) {
			struct finding_state cur;

			ret = store_finding_lookup(g->store, g->app_id, it->fingerprint, &cur, err);
			if (ret < 0 && ret != P_ENOTFOUND)
				return ret;
			if (ret == 0) {
				it->finding_id = cur.id;
				p->first_seen = cur.first_seen;
				if (lapsed(g, cur.id))
					cur.status = STATUS_REOPENED;   /* as the next upkeep stores it */
				if (cur.status == STATUS_FIXED || cur.status == STATUS_VERIFIED) {
					/* reported again after a fix: ingest would reopen it */
					it->recurrence = true;
					it->status = STATUS_REOPENED;
				} else {
					known = true;
					it->status = cur.status;
					/*
					 * reopened is a comeback only if a fix came before
					 * it; a lapsed acceptance reopens too, and is not
					 */
					if (cur.status == STATUS_REOPENED &&
					    (ret = came_back(g, cur.id, &it->recurrence, err)) < 0)
						return ret;
				}
			}
		}
		it->is_new = g->have_baseline ? !strmap_get(&g->baseline, it->fingerprint) : !known;
		row.kind = it->kind;
		row.severity = it->severity;
		row.status = it->status;
		row.vuln_ids = vuln_json(g, &p->vuln_ids);
		row.first_seen = p->first_seen;
		row.exposure = g->exposure;
		row.criticality = g->criticality;
		row.data_sensitivity = g->data_sensitivity;
		row.ev = p->ev;
		row.nev = p->nev;
		if ((ret = scoring_score(&g->sc, &row, &in, cve, &r, err)) < 0)
			return ret;
		score_into(g, it, &in, &r);
		apply_exceptions(g, it, p->package, &p->vuln_ids);
		gate_decide(it, g->sc.policy);
	}
	return 0;
}

/* --- database mode ---------------------------------------------------------- */

static const char *const active_statuses[] = { "open", "triaged", "in_progress", "reopened", NULL };

static int remember_stored(const struct finding *f, void *payload, struct perr *err)
{
	struct gate *g = payload;
	struct stored *st = arena_zalloc(&g->arena, sizeof(*st));
	char key[24];

	st->fingerprint = keep(g, f->fingerprint);
	st->rule_id = keep(g, f->rule_id);
	st->path = keep(g, f->path);
	st->recurrence = f->recurrence;
	/* the first tool of the JSON list ["semgrep", ...] */
	if (f->tools && f->tools[0] == '[' && f->tools[1] == '"') {
		const char *end = strchr(f->tools + 2, '"');

		if (end)
			st->tool = arena_strndup(&g->arena, f->tools + 2, (size_t)(end - f->tools - 2));
	}
	snprintf(key, sizeof(key), "%lld", (long long)f->id);
	strmap_put(&g->by_id, arena_strdup(&g->arena, key), st);
	return 0;
}

static int remember_detail(const struct store_gate_detail *d, void *payload, struct perr *err)
{
	struct gate *g = payload;
	struct stored *st;
	char key[24];

	snprintf(key, sizeof(key), "%lld", (long long)d->finding_id);
	if (!(st = strmap_get(&g->by_id, key)))
		return 0;
	st->start_line = d->start_line;
	st->end_line = d->end_line;
	st->help = keep(g, d->help);
	st->help_uri = keep(g, d->help_uri);
	return 0;
}

/* Vulnerability ids from a JSON array of plain ids, into the arena (for exceptions). */
static void vulns_of(struct gate *g, const char *json, struct strlist *out)
{
	const char *p = json ? json : "";

	while ((p = strchr(p, '"'))) {
		const char *end = strchr(p + 1, '"');

		if (!end)
			break;
		strlist_add(out, &g->arena, arena_strndup(&g->arena, p + 1, (size_t)(end - p - 1)));
		p = end + 1;
	}
}

static int on_scored(const struct risk_row *row, const struct risk_input *in,
		     const struct risk_result *r, void *payload, struct perr *err)
{
	struct gate *g = payload;
	struct gate_item *it = new_item(g);
	struct strlist vulns = { 0 };
	const struct stored *st;
	char key[24];

	snprintf(key, sizeof(key), "%lld", (long long)row->id);
	st = strmap_get(&g->by_id, key);
	it->finding_id = row->id;
	it->title = keep(g, row->title);
	it->kind = row->kind;
	it->severity = row->severity;
	it->status = lapsed(g, row->id) ? STATUS_REOPENED : row->status;
	if (st) {
		it->fingerprint = st->fingerprint;
		it->rule_id = st->rule_id;
		it->path = st->path;
		it->tool = st->tool;
		it->start_line = st->start_line;
		it->end_line = st->end_line;
		it->description = st->help;
		it->help_uri = st->help_uri;
		it->recurrence = st->recurrence > 0;
	}
	it->is_new = g->have_baseline ? !(it->fingerprint && strmap_get(&g->baseline, it->fingerprint)) :
		     true;
	score_into(g, it, in, r);
	vulns_of(g, row->vuln_ids, &vulns);
	apply_exceptions(g, it, NULL, &vulns);
	gate_decide(it, g->sc.policy);
	return 0;
}

/* A lapsed finding is not active yet, so the app's scoring run skips it: score it alone. */
static int on_lapsed_row(const struct risk_row *row, void *payload, struct perr *err)
{
	struct gate *g = payload;
	struct risk_input in;
	struct risk_result r;
	char cve[32];
	int ret;

	if ((ret = scoring_score(&g->sc, row, &in, cve, &r, err)) < 0)
		return ret;
	return on_scored(row, &in, &r, g, err);
}

static int evaluate_database(struct gate *g, struct perr *err)
{
	struct finding_filter filter = { .app = g->app, .statuses = active_statuses };
	struct scoring_stats stats;
	size_t i;
	int ret;

	if ((ret = store_findings_each(g->store, &filter, remember_stored, g, err)) < 0)
		return ret;
	for (i = 0; i < g->nlapsed; i++)
		if ((ret = store_finding_get(g->store, g->lapsed[i], remember_stored, g, err)) < 0)
			return ret;
	if ((ret = store_gate_details_each(g->store, g->app_id, g->ctx->now, remember_detail, g, err)) < 0)
		return ret;
	g->sc.dry_run = true;
	g->sc.observe = on_scored;
	g->sc.observe_payload = g;
	if ((ret = scoring_run(&g->sc, g->store, &(struct risk_scope){ .app_id = g->app_id }, &stats,
			       err)) < 0)
		return ret;
	for (i = 0; i < g->nlapsed; i++)
		if ((ret = store_risk_each(g->store, &(struct risk_scope){ .finding_id = g->lapsed[i] }, NULL,
					   on_lapsed_row, g, err)) < 0)
			return ret;
	return 0;
}

static int app_context(const struct store_app_row *r, void *payload, struct perr *err)
{
	struct gate *g = payload;

	g->exposure = keep(g, r->exposure);
	g->criticality = keep(g, r->criticality);
	g->data_sensitivity = keep(g, r->data_sensitivity);
	return 0;
}

/* --- recording and history -------------------------------------------------- */

static int record_run(struct gate *g, const struct gate_summary *sum, struct perr *err)
{
	struct store_gate_run run = {
		.app = g->app, .source = g->from_reports ? "reports" : "database",
		.baseline = g->have_baseline || g->stored_baseline ? g->baseline_desc : NULL,
		.policy_digest = g->sc.digest, .verdict = gate_decision_name(sum->verdict),
		.at = g->ctx->now, .findings = sum->total, .blocking = sum->blocking,
		.warnings = sum->warnings, .would_block = sum->would_block,
	};
	int64_t id;
	size_t i;
	int ret;

	if ((ret = store_begin(g->store, err)) < 0)
		return ret;
	if ((ret = store_gate_run_add(g->store, &run, &id, err)) < 0)
		goto fail;
	for (i = 0; i < g->n; i++) {
		const struct gate_item *it = &g->items[i];
		struct store_gate_item row = {
			.fingerprint = it->fingerprint ? it->fingerprint : "", .rule_id = it->rule_id,
			.tier = tier_name(it->tier), .decision = gate_decision_name(it->decision),
			.title = it->title, .finding_id = it->finding_id, .would_block = it->would_block,
		};

		if (it->decision != GATE_BLOCKS && !it->would_block)
			continue;
		if ((ret = store_gate_item_add(g->store, id, &row, err)) < 0)
			goto fail;
	}
	return store_commit(g->store, err);
fail:
	store_rollback(g->store);
	return ret;
}

static int history_row(const struct store_gate_history_row *r, void *payload, struct perr *err)
{
	char when[21];

	ptime_format(when, r->last_at);
	printf("%-8s  %4ld  %11ld  %7ld  %-20s  %s\n", r->tier, r->runs, r->would_block, r->blocked, when,
	       r->rule_id[0] ? r->rule_id : "-");
	return 0;
}

static int show_history(struct store *s, const char *app, struct perr *err)
{
	long runs = 0, blocked = 0, would = 0;
	int ret;

	if ((ret = store_gate_runs_count(s, app, &runs, &blocked, &would, err)) < 0)
		return ret;
	printf("gate runs%s%s: %ld, blocked %ld, would have blocked %ld more\n", app ? " of " : "",
	       app ? app : "", runs, blocked, would);
	if (!runs)
		return 0;
	printf("\n%-8s  %4s  %11s  %7s  %-20s  %s\n", "TIER", "RUNS", "WOULD_BLOCK", "BLOCKED", "LAST",
	       "RULE");
	return store_gate_history_each(s, app, history_row, NULL, err);
}

/* --- the command ------------------------------------------------------------ */

static int parse_format(const char *s, enum gate_format *out)
{
	static const char *const names[] = { "text", "markdown", "sarif", "junit", "json" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i])) {
			*out = (enum gate_format)i;
			return 0;
		}
	return P_EINVALID;
}

static int write_output(const struct gate_run *run, enum gate_format fmt, const char *file,
			struct perr *err)
{
	FILE *out = stdout;
	int ret;

	if (file && !(out = fopen(file, "w")))
		return perr_set(err, P_EIO, "cannot write '%s': %s", file, strerror(errno));
	switch (fmt) {
	case FMT_MARKDOWN:
		ret = out_gate_markdown(out, run, err);
		break;
	case FMT_SARIF:
		ret = out_gate_sarif(out, run, err);
		break;
	case FMT_JUNIT:
		ret = out_gate_junit(out, run, err);
		break;
	case FMT_JSON:
		ret = out_gate_json(out, run, err);
		break;
	default:
		ret = out_gate_text(out, run, err);
		break;
	}
	if (file && fclose(out) != 0 && !ret)
		ret = perr_set(err, P_EIO, "cannot write '%s': %s", file, strerror(errno));
	return ret;
}

static void gate_release(struct gate *g)
{
	size_t i;

	for (i = 0; g->pend && i < g->n; i++)
		xfree(g->pend[i].ev);
	xfree(g->pend);
	xfree(g->items);
	xfree(g->lapsed);
	strmap_release(&g->by_fp);
	strmap_release(&g->by_id);
	strmap_release(&g->baseline);
	exceptions_release(&g->exceptions);
	scoring_release(&g->sc);
	arena_release(&g->arena);
}

int cmd_gate(int argc, const char **argv, struct ctx *ctx)
{
	const char *app = NULL, *tool = NULL, *baseline = NULL, *exceptions = NULL;
	const char *policy = NULL, *format = "text", *output = NULL;
	/* more outputs of the same run, for CI: one evaluation, one history row */
	const char *extra[FMT_JSON + 1] = { NULL };
	bool no_db = false, history = false;
	struct strvec reports = STRVEC_INIT;
	const struct opt opts[] = {
		{ OPT_STRING, 'a', "app", &app, "APP", "the application to gate (required)" },
		{ OPT_LIST, 'r', "report", &reports, "FILE", "evaluate this report (repeatable)" },
		{ OPT_STRING, 't', "tool", &tool, "NAME", "the reports' format (default: auto-detect)" },
		{ OPT_STRING, 'b', "baseline", &baseline, "SCAN|BRANCH|FILE",
		  "only findings absent from this scan, branch or report may block" },
		{ OPT_STRING, 0, "exceptions", &exceptions, "FILE",
		  "exceptions file (default ./" EXCEPTIONS_FILE " when present)" },
		{ OPT_STRING, 0, "policy", &policy, "FILE", "the policy (default: the one in force)" },
		{ OPT_STRING, 'f', "format", &format, "FMT", "text (default), markdown, sarif, junit or json" },
		{ OPT_STRING, 'o', "output", &output, "FILE", "write there instead of standard output" },
		{ OPT_STRING, 0, "markdown", &extra[FMT_MARKDOWN], "FILE", "also write the Markdown comment there" },
		{ OPT_STRING, 0, "sarif", &extra[FMT_SARIF], "FILE", "also write SARIF there" },
		{ OPT_STRING, 0, "junit", &extra[FMT_JUNIT], "FILE", "also write JUnit XML there" },
		{ OPT_STRING, 0, "json", &extra[FMT_JSON], "FILE", "also write JSON there" },
		{ OPT_FLAG, 0, "no-db", &no_db, NULL, "use no database: the reports alone" },
		{ OPT_FLAG, 0, "history", &history, NULL,
		  "how often each tier and rule blocked or would have blocked" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture gate --app APP [--report FILE...] [--baseline SCAN|BRANCH|FILE] [options]\n"
		"       posture gate --history [--app APP]",
		"Decide whether a change may ship. Each finding's tier (as the policy\n"
		"scores it now) picks the policy's gate mode: block, block_recurrence,\n"
		"warn or off. Only findings new relative to the baseline block; those\n"
		"risk-accepted, false positive, won't fix or covered by an exception never\n"
		"do. Without --report the app's findings in the database are gated; with\n"
		"--report the reports are evaluated against the stored state (nothing is\n"
		"ingested); with --no-db or no database file, against the baseline report\n"
		"alone. Exit 0 pass or warn, 1 blocked, 2 bad input. Runs on a database\n"
		"are recorded for --history. See docs/gate.md.",
	};
	struct gate g = { 0 };
	struct gate_summary sum;
	struct gate_run run = { 0 };
	struct perr err = PERR_INIT;
	enum gate_format fmt;
	struct stat st;
	int n, i, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0) {
		strvec_release(&reports);
		return opt_exit(n);
	}
	for (i = 0; i < n; i++)
		strvec_push(&reports, argv[i]);
	g.ctx = ctx;
	g.app = app;
	arena_init(&g.arena, 0);
	exceptions_init(&g.exceptions);
	scoring_init(&g.sc);
	if (parse_format(format, &fmt) < 0) {
		ret = usage_error("gate: --format must be text, markdown, sarif, junit or json, not '%s'",
				  format);
		goto done;
	}
	if (!history && !app) {
		ret = usage_error("gate: --app is required (see 'posture gate --help')");
		goto done;
	}
	if (!no_db && stat(ctx->db_path, &st) == 0 &&
	    store_open(&g.store, ctx->db_path, STORE_WRITE, &err) < 0)
		goto fail;
	if (history) {
		if (!g.store) {
			ret = usage_error("gate: --history needs the database ('%s' does not exist)",
					  ctx->db_path);
			goto done;
		}
		if (show_history(g.store, app, &err) < 0)
			goto fail;
		goto done;
	}
	if (!g.store && !reports.n) {
		ret = usage_error("gate: no database ('%s') and no --report: nothing to gate", ctx->db_path);
		goto done;
	}
	if (scoring_open(&g.sc, ctx, policy, &err) < 0)
		goto fail;
	if (g.store) {
		ret = store_app_id(g.store, app, &g.app_id, &err);
		if (ret == P_ENOTFOUND && reports.n)
			g.app_id = 0;   /* an app the database does not know yet: nothing stored */
		else if (ret < 0)
			goto fail;
		ret = EXIT_OK;
		perr_clear(&err);
		if (g.app_id && store_apps_each(g.store, app, false, app_context, &g, &err) < 0)
			goto fail;
		if (store_secret_key(g.store, g.secret_key, &err) < 0)
			goto fail;
	}
	if (scoring_feeds(&g.sc, g.store, &err) < 0 || load_exceptions(&g, exceptions, &err) < 0)
		goto fail;
	/* exceptions recorded with 'posture accept' (by rule, CVE, package...) cover report findings too */
	if (g.store) {
		if (store_exceptions_load(g.store, ctx->now, &g.exceptions, &err) < 0)
			goto fail;
		g.have_exceptions = g.exceptions.n > 0;
		if (g.app_id &&
		    store_gate_lapsed_each(g.store, g.app_id, ctx->now, remember_lapsed, &g, &err) < 0)
			goto fail;
	}
	if (baseline && load_baseline(&g, baseline, &err) < 0)
		goto fail;
	if (reports.n) {
		if (!g.have_baseline && g.store) {
			g.stored_baseline = true;
			snprintf(g.baseline_desc, sizeof(g.baseline_desc), "the stored findings of %s", app);
		}
		g.from_reports = true;
		if (parse_reports(&g, &reports, tool, &err) < 0 || evaluate_reports(&g, &err) < 0)
			goto fail;
	} else if (evaluate_database(&g, &err) < 0) {
		goto fail;
	}
	gate_sort(g.items, g.n);
	gate_summarize(&sum, g.items, g.n);
	run.app = app;
	run.database = g.store != NULL;
	run.baseline = g.have_baseline || g.stored_baseline ? g.baseline_desc : NULL;
	run.policy_source = g.sc.source;
	run.policy_digest = g.sc.digest;
	run.epss = g.sc.epss.found ? g.sc.epss.version : NULL;
	run.kev = g.sc.kev.found ? g.sc.kev.version : NULL;
	run.policy = g.sc.policy;
	run.now = ctx->now;
	run.items = g.items;
	run.n = g.n;
	run.sum = &sum;
	/* recorded once the output is written: a run nobody saw is not history */
	if (write_output(&run, fmt, output, &err) < 0)
		goto fail;
	for (i = FMT_MARKDOWN; i <= FMT_JSON; i++)
		if (extra[i] && write_output(&run, (enum gate_format)i, extra[i], &err) < 0)
			goto fail;
	if (g.store && record_run(&g, &sum, &err) < 0)
		goto fail;
	ret = sum.verdict == GATE_BLOCKS ? EXIT_GATE : EXIT_OK;
	goto done;
fail:
	ret = perr_report(&err);
done:
	if (g.store && store_close(g.store, &err) < 0 && ret == EXIT_OK)
		ret = perr_report(&err);
	gate_release(&g);
	strvec_release(&reports);
	return ret;
}
