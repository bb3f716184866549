/*
 * posture policy show|test: the risk policy in force as canonical YAML,
 * and what a candidate policy would do to the tiers of current findings.
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/scoring.h"
#include "out/jw.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/opt.h"

static int policy_show(int argc, const char **argv, struct ctx *ctx)
{
	const char *file = NULL;
	bool digest = false;
	const struct opt opts[] = {
		{ OPT_STRING, 0, "file", &file, "FILE", "show this policy file instead of the one in force" },
		{ OPT_FLAG, 0, "digest", &digest, NULL, "print the policy's source and digest instead" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture policy show [--file FILE] [--digest]",
		"Print the risk policy in force as YAML: $POSTURE_POLICY, else\n"
		"posture-policy.yaml beside the database, else the built-in policy (the\n"
		"defaults fill in whatever a file leaves out). The output is itself a\n"
		"valid policy file.",
	};
	char source[SCORING_SOURCE_MAX], hex[65];
	struct policy *p = NULL;
	struct pbuf b = PBUF_INIT;
	struct perr err = PERR_INIT;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n)
		return usage_error("policy show: unexpected argument '%s'", argv[0]);
	if (scoring_load_policy(&p, source, ctx->db_path, file, &err) < 0)
		return perr_report(&err);
	if (digest) {
		policy_digest(p, hex);
		printf("%s %s\n", hex, source);
	} else if (policy_write(p, &b) < 0) {
		ret = perr_report(&(struct perr){ P_ERROR, "policy too large to print" });
	} else {
		fwrite(b.buf, 1, b.len, stdout);
	}
	pbuf_release(&b);
	policy_free(p);
	return ret;
}

#define MOVERS 20

struct mover {
	int64_t id;
	char *app, *title;
	int risk_before, risk_after;
	enum tier before, after;
	int rule_after;             /* the candidate's deciding rule, -1 none */
};

struct policy_test {
	struct policy *candidate;
	long findings, up, down;
	long before[TIER__COUNT], after[TIER__COUNT];
	struct mover movers[MOVERS];
	size_t nmovers;
};

/* Bigger tier moves first, then bigger risk moves, then the older finding. */
static bool moves_more(const struct mover *a, const struct mover *b)
{
	int ta = abs((int)a->after - (int)a->before), tb = abs((int)b->after - (int)b->before);
	int ra = abs(a->risk_after - a->risk_before), rb = abs(b->risk_after - b->risk_before);

	if (ta != tb)
		return ta > tb;
	if (ra != rb)
		return ra > rb;
	return a->id < b->id;
}

static void keep_mover(struct policy_test *t, const struct mover *m)
{
	size_t i;

	if (t->nmovers == MOVERS && !moves_more(m, &t->movers[MOVERS - 1]))
		return;
	if (t->nmovers == MOVERS) {
		xfree(t->movers[MOVERS - 1].app);
		xfree(t->movers[MOVERS - 1].title);
		t->nmovers--;
	}
	for (i = t->nmovers; i > 0 && moves_more(m, &t->movers[i - 1]); i--)
		t->movers[i] = t->movers[i - 1];
	t->movers[i] = *m;
	t->movers[i].app = xstrdup(m->app ? m->app : "");
	t->movers[i].title = xstrdup(m->title ? m->title : "");
	t->nmovers++;
}

/* Called with each finding scored under the policy in force: score it under the candidate too. */
static int compare(const struct risk_row *row, const struct risk_input *in,
		   const struct risk_result *r, void *payload, struct perr *err)
{
	struct policy_test *t = payload;
	struct risk_result c;
	struct mover m;

	risk_score(&c, t->candidate, in);
	t->findings++;
	t->before[r->tier]++;
	t->after[c.tier]++;
	if (c.tier == r->tier && c.risk == r->risk)
		return 0;
	if (c.tier > r->tier)
		t->up++;
	else if (c.tier < r->tier)
		t->down++;
	m.id = row->id;
	m.app = (char *)row->app;
	m.title = (char *)row->title;
	m.risk_before = r->risk;
	m.risk_after = c.risk;
	m.before = r->tier;
	m.after = c.tier;
	m.rule_after = c.rule;
	keep_mover(t, &m);
	return 0;
}

static void print_test_json(const struct policy_test *t, const char *current, const char *file)
{
	struct jw w;
	size_t i;
	int k;

	jw_init(&w, stdout, true);
	jw_obj_open(&w);
	jw_kstr(&w, "policy", current);
	jw_kstr(&w, "candidate", file);
	jw_kint(&w, "findings", t->findings);
	jw_key(&w, "before");
	jw_obj_open(&w);
	for (k = TIER_CRITICAL; k >= TIER_LOW; k--)
		jw_kint(&w, tier_name((enum tier)k), t->before[k]);
	jw_obj_close(&w);
	jw_key(&w, "after");
	jw_obj_open(&w);
	for (k = TIER_CRITICAL; k >= TIER_LOW; k--)
		jw_kint(&w, tier_name((enum tier)k), t->after[k]);
	jw_obj_close(&w);
	jw_kint(&w, "tier_up", t->up);
	jw_kint(&w, "tier_down", t->down);
	jw_key(&w, "movers");
	jw_arr_open(&w);
	for (i = 0; i < t->nmovers; i++) {
		const struct mover *m = &t->movers[i];

		jw_obj_open(&w);
		jw_kint(&w, "id", m->id);
		jw_kstr(&w, "app", m->app);
		jw_kstr(&w, "title", m->title);
		jw_key(&w, "before");
		jw_obj_open(&w);
		jw_kint(&w, "risk", m->risk_before);
		jw_kstr(&w, "tier", tier_name(m->before));
		jw_obj_close(&w);
		jw_key(&w, "after");
		jw_obj_open(&w);
		jw_kint(&w, "risk", m->risk_after);
		jw_kstr(&w, "tier", tier_name(m->after));
		jw_kstr(&w, "rule", m->rule_after >= 0 ? t->candidate->rules[m->rule_after].name : NULL);
		jw_obj_close(&w);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	jw_reset_line(&w);
	jw_release(&w);
}

static void print_test_text(const struct policy_test *t, const char *current, const char *file)
{
	char risk[32], tier[32];
	size_t i;
	int k;

	printf("%ld active finding%s scored with %s, then with %s\n\n", t->findings,
	       t->findings == 1 ? "" : "s", current, file);
	printf("%-8s  %8s  %8s  %7s\n", "TIER", "BEFORE", "AFTER", "CHANGE");
	for (k = TIER_CRITICAL; k >= TIER_LOW; k--)
		printf("%-8s  %8ld  %8ld  %+7ld\n", tier_name((enum tier)k), t->before[k], t->after[k],
		       t->after[k] - t->before[k]);
	printf("\n%ld finding%s would move up a tier, %ld down\n", t->up, t->up == 1 ? "" : "s", t->down);
	if (!t->nmovers)
		return;
	printf("\nbiggest movers:\n%6s  %-10s  %-20s  %-20s  %-16s  %s\n", "ID", "RISK", "TIER", "RULE",
	       "APP", "TITLE");
	for (i = 0; i < t->nmovers; i++) {
		const struct mover *m = &t->movers[i];

		snprintf(risk, sizeof(risk), "%d -> %d", m->risk_before, m->risk_after);
		snprintf(tier, sizeof(tier), "%s -> %s", tier_name(m->before), tier_name(m->after));
		printf("%6lld  %-10s  %-20s  %-20.20s  %-16.16s  %.60s\n", (long long)m->id, risk, tier,
		       m->rule_after >= 0 ? t->candidate->rules[m->rule_after].name : "-", m->app, m->title);
	}
}

static int policy_test(int argc, const char **argv, struct ctx *ctx)
{
	const char *format = "text";
	const struct opt opts[] = {
		{ OPT_STRING, 'f', "format", &format, "FMT", "text (default) or json" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture policy test [--format text|json] FILE",
		"Score every active finding with the policy in force and with the candidate\n"
		"policy FILE (merged over the defaults, as a policy file is), and show how\n"
		"the tiers would move: counts by tier before and after, and the 20 findings\n"
		"that would move most. Nothing is written.",
	};
	struct policy_test t;
	struct scoring sc;
	struct scoring_stats ss;
	struct store *s = NULL;
	struct perr err = PERR_INIT;
	char *text = NULL;
	size_t len = 0, i;
	bool json;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n != 1)
		return usage_error("policy test: expected one policy FILE (see 'posture policy test --help')");
	if (!strcmp(format, "json"))
		json = true;
	else if (!strcmp(format, "text"))
		json = false;
	else
		return usage_error("policy test: --format must be text or json, not '%s'", format);
	memset(&t, 0, sizeof(t));
	scoring_init(&sc);
	sc.dry_run = true;
	sc.observe = compare;
	sc.observe_payload = &t;
	if ((ret = pfile_slurp(&text, &len, argv[0], POLICY_FILE_MAX, &err)) < 0) {
		if (ret == P_ENOTFOUND)
			perr_set(&err, P_EINVALID, "policy file '%s' does not exist", argv[0]);
		goto fail;
	}
	if (policy_load(&t.candidate, text, len, argv[0], &err) < 0 ||
	    scoring_open(&sc, ctx, NULL, &err) < 0 ||
	    store_open(&s, ctx->db_path, 0, &err) < 0 ||
	    scoring_run(&sc, s, &(struct risk_scope){ 0 }, &ss, &err) < 0)
		goto fail;
	if (json)
		print_test_json(&t, sc.source, argv[0]);
	else
		print_test_text(&t, sc.source, argv[0]);
	ret = EXIT_OK;
	goto done;
fail:
	ret = perr_report(&err);
done:
	for (i = 0; i < t.nmovers; i++) {
		xfree(t.movers[i].app);
		xfree(t.movers[i].title);
	}
	store_close(s, NULL);
	policy_free(t.candidate);
	scoring_release(&sc);
	xfree(text);
	return ret;
}

static const struct {
	const char *name, *full;  /* full: how usage messages name it */
	int (*fn)(int argc, const char **argv, struct ctx *ctx);
	const char *help;
} verbs[] = {
	{ "show", "policy show", policy_show, "print the policy in force as YAML" },
	{ "test", "policy test", policy_test, "how the tiers of current findings would move under a candidate policy" },
};

int cmd_policy(int argc, const char **argv, struct ctx *ctx)
{
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		FILE *out = argc < 2 ? stderr : stdout;

		fputs("usage: posture policy show|test ...\n\n"
		      "The risk policy: weights, tiers, hard rules, SLAs and gate modes\n"
		      "(docs/risk.md).\n\n", out);
		for (i = 0; i < ARRAY_SIZE(verbs); i++)
			fprintf(out, "  %-8s %s\n", verbs[i].name, verbs[i].help);
		return argc < 2 ? EXIT_INPUT : EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[1], verbs[i].name)) {
			/* a copy whose argv[0] names the verb fully, for opt's messages */
			const char **sub = xcalloc((size_t)argc, sizeof(*sub));
			int ret;

			memcpy(sub + 1, argv + 2, (size_t)(argc - 2) * sizeof(*sub));
			sub[0] = verbs[i].full;
			ret = verbs[i].fn(argc - 1, sub, ctx);
			xfree(sub);
			return ret;
		}
	return usage_error("policy: '%s' is not a policy command (show, test)", argv[1]);
}
