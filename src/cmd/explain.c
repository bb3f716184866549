/*
 * posture explain ID: why a finding has its risk and tier, factor by
 * factor, computed now with the policy in force and the current feeds
 * (the same computation a rescore stores), the rule that set the tier,
 * the feed versions, and what would change the tier.
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/scoring.h"
#include "out/jw.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/opt.h"
#include "util/ptime.h"

struct explain {
	struct scoring *sc;
	bool json;
	struct finding *f;         /* the finding as stored: title, app and tier owned here */
	char *stored;              /* its stored explanation (JSON), NULL when never scored */
	int64_t scored_at;
	bool seen;
};

static const char *effect_words(enum rule_effect e)
{
	return e == RULE_SET ? "tier" : e == RULE_AT_LEAST ? "at least" : "at most";
}

static void print_json(struct explain *x, const struct risk_input *in, const struct risk_result *r,
		       const struct risk_whatif *w, size_t nw)
{
	const struct policy_rule *rule = r->rule >= 0 ? &x->sc->policy->rules[r->rule] : NULL;
	struct jw j;
	size_t i;

	jw_init(&j, stdout, true);
	jw_obj_open(&j);
	jw_kint(&j, "id", x->f->id);
	jw_kstr(&j, "title", x->f->title);
	jw_kstr(&j, "app", x->f->app);
	jw_kstr(&j, "status", status_name(x->f->status));
	jw_kint(&j, "risk", r->risk);
	jw_kstr(&j, "tier", tier_name(r->tier));
	jw_kint(&j, "score", r->score);
	jw_kstr(&j, "score_tier", tier_name(r->score_tier));
	jw_knum(&j, "sum", r->sum, 6);
	jw_key(&j, "rule");
	if (rule) {
		jw_obj_open(&j);
		jw_kstr(&j, "name", rule->name);
		jw_kstr(&j, "description", rule->description[0] ? rule->description : NULL);
		jw_kstr(&j, "effect", rule->effect == RULE_SET ? "tier" :
				      rule->effect == RULE_AT_LEAST ? "tier_at_least" : "tier_at_most");
		jw_kstr(&j, "tier", tier_name(rule->tier));
		jw_kbool(&j, "changed_tier", r->tier != r->score_tier);
		jw_obj_close(&j);
	} else {
		jw_null(&j);
	}
	jw_key(&j, "factors");
	jw_arr_open(&j);
	for (i = 0; i < r->nfactors; i++) {
		jw_obj_open(&j);
		jw_kstr(&j, "name", r->factors[i].name);
		jw_kstr(&j, "value", r->factors[i].value);
		jw_knum(&j, "points", r->factors[i].points, 6);
		jw_obj_close(&j);
	}
	jw_arr_close(&j);
	jw_kstr(&j, "cve", in->cve);
	jw_key(&j, "feeds");
	jw_obj_open(&j);
	jw_key(&j, "epss");
	if (x->sc->epss.found) {
		jw_obj_open(&j);
		jw_kstr(&j, "score_date", x->sc->epss.version);
		jw_kstr(&j, "model_version", x->sc->epss.model[0] ? x->sc->epss.model : NULL);
		jw_obj_close(&j);
	} else {
		jw_null(&j);
	}
	jw_key(&j, "kev");
	if (x->sc->kev.found) {
		jw_obj_open(&j);
		jw_kstr(&j, "catalog_version", x->sc->kev.version);
		jw_obj_close(&j);
	} else {
		jw_null(&j);
	}
	jw_obj_close(&j);
	jw_key(&j, "policy");
	jw_obj_open(&j);
	jw_kstr(&j, "source", x->sc->source);
	jw_kstr(&j, "digest", x->sc->digest);
	jw_obj_close(&j);
	jw_key(&j, "what_would_change_the_tier");
	jw_arr_open(&j);
	for (i = 0; i < nw; i++) {
		jw_obj_open(&j);
		jw_kstr(&j, "if", w[i].change);
		jw_kstr(&j, "tier", tier_name(w[i].tier));
		jw_kint(&j, "risk", w[i].risk);
		jw_obj_close(&j);
	}
	jw_arr_close(&j);
	jw_key(&j, "stored");
	if (x->f->risk >= 0) {
		jw_obj_open(&j);
		jw_kint(&j, "risk", x->f->risk);
		jw_kstr(&j, "tier", x->f->tier);
		jw_ktime(&j, "scored_at", x->stored ? x->scored_at : 0);
		jw_key(&j, "explanation");
		jw_raw(&j, x->stored ? x->stored : "null");
		jw_obj_close(&j);
	} else {
		jw_null(&j);
	}
	jw_obj_close(&j);
	jw_reset_line(&j);
	jw_release(&j);
}

static void print_tier_line(struct explain *x, const struct risk_result *r)
{
	const struct policy *p = x->sc->policy;
	const struct policy_rule *rule = r->rule >= 0 ? &p->rules[r->rule] : NULL;

	printf("tier: the thresholds give %s (risk %d; %s from %d)\n", tier_name(r->score_tier), r->score,
	       tier_name(r->score_tier), p->tier_min[r->score_tier]);
	if (!rule) {
		printf("rule: none matched\n");
		return;
	}
	printf("rule: '%s' matched first: %s %s, ", rule->name, effect_words(rule->effect),
	       tier_name(rule->tier));
	if (r->tier == r->score_tier)
		printf("so %s stays\n", tier_name(r->tier));
	else
		printf("so %s, risk %d\n", tier_name(r->tier), r->risk);
	if (rule->description[0])
		printf("      %s\n", rule->description);
}

static void print_text(struct explain *x, const struct risk_input *in, const struct risk_result *r,
		       const struct risk_whatif *w, size_t nw)
{
	size_t i;

	printf("finding %lld: %s\n", (long long)x->f->id, x->f->title ? x->f->title : "");
	printf("app %s, %s, %s%s%s\n", x->f->app ? x->f->app : "-", status_name(x->f->status),
	       kind_name(x->f->kind), in->cve ? ", " : "", in->cve ? in->cve : "");
	printf("risk %d, tier %s\n\n", r->risk, tier_name(r->tier));
	printf("%-16s  %6s  %s\n", "FACTOR", "POINTS", "VALUE");
	for (i = 0; i < r->nfactors; i++)
		printf("%-16s  %+6.1f  %s\n", r->factors[i].name, r->factors[i].points, r->factors[i].value);
	printf("%-16s  %6.1f  -> %d (0 to 100)\n\n", "sum", r->sum, r->score);
	print_tier_line(x, r);
	printf("feeds: EPSS %s", x->sc->epss.found ? x->sc->epss.version : "not imported");
	if (x->sc->epss.found && x->sc->epss.model[0])
		printf(" (model %s)", x->sc->epss.model);
	printf(", KEV %s%s\n", x->sc->kev.found ? "catalog " : "", x->sc->kev.found ? x->sc->kev.version :
	       "not imported");
	printf("policy: %s (%.16s)\n", x->sc->source, x->sc->digest);
	if (x->f->risk >= 0 && (x->f->risk != r->risk || !x->f->tier || strcmp(x->f->tier, tier_name(r->tier))))
		printf("stored: risk %d, tier %s: the policy, the feeds or the app changed since "
		       "('posture rescore' updates it)\n", x->f->risk, x->f->tier ? x->f->tier : "-");
	else if (x->f->risk < 0)
		printf("stored: not scored yet ('posture rescore' scores it)\n");
	printf("\nwhat would change the tier:\n");
	for (i = 0; i < nw; i++)
		printf("  if %s: %s (risk %d)\n", w[i].change, tier_name(w[i].tier), w[i].risk);
	if (!nw)
		printf("  no single change of one input\n");
}

static int observe(const struct risk_row *row, const struct risk_input *in,
		   const struct risk_result *r, void *payload, struct perr *err)
{
	struct explain *x = payload;
	struct risk_whatif w[RISK_MAX_WHATIFS];
	size_t nw = risk_whatifs(w, ARRAY_SIZE(w), x->sc->policy, in, r);

	x->seen = true;
	if (x->json)
		print_json(x, in, r, w, nw);
	else
		print_text(x, in, r, w, nw);
	return 0;
}

/* Copy what the output needs: the statement that read the finding ends before scoring starts. */
static int copy_finding(const struct finding *f, void *payload, struct perr *err)
{
	struct finding *out = payload;

	*out = *f;
	out->title = f->title ? xstrdup(f->title) : NULL;
	out->app = f->app ? xstrdup(f->app) : NULL;
	out->tier = f->tier ? xstrdup(f->tier) : NULL;
	out->component = out->rule_id = out->fingerprint = out->path = out->owner = NULL;
	out->group = out->vuln_ids = out->cwe = out->tools = NULL;
	return 0;
}

int cmd_explain(int argc, const char **argv, struct ctx *ctx)
{
	const char *format = "text";
	const struct opt opts[] = {
		{ OPT_STRING, 'f', "format", &format, "FMT", "text (default) or json" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture explain [--format text|json] ID",
		"Why a finding has its risk and tier: every factor with its value and its\n"
		"points, the rule that set the tier, the EPSS and KEV versions and the\n"
		"policy used, and what single change would move the tier. Computed now, as\n"
		"'posture rescore' would; a stored risk that differs is pointed out.",
	};
	struct explain x = { 0 };
	struct finding f = { 0 };
	struct scoring_stats ss;
	struct scoring sc;
	struct perr err = PERR_INIT;
	char *end;
	long long id;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n != 1)
		return usage_error("explain: expected one finding id (see 'posture explain --help')");
	if (!strcmp(format, "json"))
		x.json = true;
	else if (strcmp(format, "text"))
		return usage_error("explain: --format must be text or json, not '%s'", format);
	errno = 0;
	id = strtoll(argv[0], &end, 10);
	if (errno || *end || id <= 0)
		return usage_error("explain: '%s' is not a finding id", argv[0]);
	scoring_init(&sc);
	sc.dry_run = true;
	sc.observe = observe;
	sc.observe_payload = &x;
	x.sc = &sc;
	x.f = &f;
	if (scoring_open(&sc, ctx, NULL, &err) < 0 ||
	    store_finding_get(ctx->store, id, copy_finding, &f, &err) < 0)
		goto fail;
	ret = store_risk_explanation(ctx->store, id, &x.stored, &x.scored_at, &err);
	if ((ret < 0 && ret != P_ENOTFOUND) ||
	    scoring_run(&sc, ctx->store, &(struct risk_scope){ .finding_id = id }, &ss, &err) < 0)
		goto fail;
	ret = EXIT_OK;
	goto done;
fail:
	ret = perr_report(&err);
done:
	xfree((void *)f.title);
	xfree((void *)f.app);
	xfree((void *)f.tier);
	xfree(x.stored);
	scoring_release(&sc);
	return ret;
}
