/* The CI gate's rules: decide, order and count; see gate.h. */
#include "posture.h"
#include "engine/gate.h"

#include <ctype.h>

const char *gate_decision_name(enum gate_decision d)
{
	return d == GATE_BLOCKS ? "block" : d == GATE_WARNS ? "warn" : "pass";
}

static bool status_never_blocks(enum status s)
{
	return s == STATUS_RISK_ACCEPTED || s == STATUS_FALSE_POSITIVE || s == STATUS_WONT_FIX;
}

void gate_decide(struct gate_item *it, const struct policy *p)
{
	enum gate_mode mode = p->gate[it->tier];

	it->would_block = false;
	if (status_never_blocks(it->status)) {
		it->decision = GATE_PASS;
		it->why = it->status == STATUS_RISK_ACCEPTED ? "risk accepted" :
			  it->status == STATUS_FALSE_POSITIVE ? "false positive" : "won't fix";
		return;
	}
	if (it->exception) {
		it->decision = GATE_PASS;
		it->why = "exception";
		return;
	}
	switch (mode) {
	case GATE_OFF:
		it->decision = GATE_PASS;
		it->why = "gate off for the tier";
		return;
	case GATE_WARN:
		it->decision = GATE_WARNS;
		it->why = it->is_new ? "new; the tier warns" : "in the baseline; the tier warns";
		it->would_block = it->is_new;
		return;
	case GATE_BLOCK:
		it->decision = it->is_new ? GATE_BLOCKS : GATE_WARNS;
		it->why = it->is_new ? "new; the tier blocks" : "in the baseline: only new findings block";
		return;
	case GATE_BLOCK_RECURRENCE:
		if (it->is_new && it->recurrence) {
			it->decision = GATE_BLOCKS;
			it->why = "came back after a fix; the tier blocks recurrences";
		} else {
			it->decision = GATE_WARNS;
			it->why = it->is_new ? "new; the tier blocks only recurrences" :
				  "in the baseline: only new findings block";
			it->would_block = it->is_new;
		}
		return;
	}
}

static int cmp_items(const void *a, const void *b)
{
	const struct gate_item *x = a, *y = b;
	int c;

	if (x->decision != y->decision)
		return x->decision > y->decision ? -1 : 1;
	if (x->risk != y->risk)
		return x->risk > y->risk ? -1 : 1;
	if (x->tier != y->tier)
		return x->tier > y->tier ? -1 : 1;
	if ((c = strcmp(x->fingerprint ? x->fingerprint : "", y->fingerprint ? y->fingerprint : "")))
		return c;
	return x->finding_id < y->finding_id ? -1 : x->finding_id > y->finding_id;
}

void gate_sort(struct gate_item *items, size_t n)
{
	if (n > 1)
		qsort(items, n, sizeof(*items), cmp_items);
}

void gate_summarize(struct gate_summary *out, const struct gate_item *items, size_t n)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		const struct gate_item *it = &items[i];

		out->total++;
		out->by_tier[it->tier][it->decision]++;
		out->new_count += it->is_new;
		out->would_block += it->would_block;
		if (it->decision == GATE_BLOCKS)
			out->blocking++;
		else if (it->decision == GATE_WARNS)
			out->warnings++;
		else
			out->passed++;
	}
	out->verdict = out->blocking ? GATE_BLOCKS : out->warnings ? GATE_WARNS : GATE_PASS;
}

/* Factors whose value says nothing the name does not ("kev": the CVE on KEV). */
static bool name_says_it(const char *name)
{
	return !strcmp(name, "kev") || !strcmp(name, "kev_ransomware") || !strcmp(name, "validated") ||
	       !strcmp(name, "secret_verified");
}

void gate_explain(char out[static GATE_EXPLAIN_MAX], const struct policy *p,
		  const struct risk_result *r)
{
	size_t i, len;
	int n, added = 0;

	n = snprintf(out, GATE_EXPLAIN_MAX, "risk %d (%s)", r->risk, tier_name(r->tier));
	len = n > 0 && (size_t)n < GATE_EXPLAIN_MAX ? (size_t)n : GATE_EXPLAIN_MAX - 1;
	for (i = 0; i < r->nfactors && len < GATE_EXPLAIN_MAX - 1; i++) {
		const struct risk_factor *f = &r->factors[i];
		const char *v = f->value;
		int vlen;

		if (f->points == 0 || !strcmp(f->name, "rule"))
			continue;
		/* a number leads the value (9.8 CVSS:3.1/...): keep the number */
		if (isdigit((unsigned char)v[0]))
			vlen = (int)strcspn(v, " ");
		else
			vlen = (int)strnlen(v, 48);
		if (name_says_it(f->name))
			vlen = 0;
		n = snprintf(out + len, GATE_EXPLAIN_MAX - len, "%s %s%s%.*s %+g", added ? "," : ":",
			     f->name, vlen ? " " : "", vlen, v, f->points);
		added = 1;
		len += n > 0 ? (size_t)n : 0;
		if (len >= GATE_EXPLAIN_MAX)
			len = GATE_EXPLAIN_MAX - 1;
	}
	if (r->rule >= 0 && len < GATE_EXPLAIN_MAX - 1) {
		const struct policy_rule *rule = &p->rules[r->rule];

		n = snprintf(out + len, GATE_EXPLAIN_MAX - len, "; rule %s%s%s", rule->name,
			     r->tier != r->score_tier ? " made it " : "",
			     r->tier != r->score_tier ? tier_name(r->tier) : "");
		len += n > 0 ? (size_t)n : 0;
	}
	out[len < GATE_EXPLAIN_MAX ? len : GATE_EXPLAIN_MAX - 1] = '\0';
}

double gate_security_severity(const struct policy *p, enum tier t, int risk)
{
	static const double lo[TIER__COUNT] = { 0.1, 4.0, 7.0, 9.0 };
	static const double hi[TIER__COUNT] = { 3.9, 6.9, 8.9, 10.0 };
	int min = p->tier_min[t], max = t == TIER_CRITICAL ? 100 : p->tier_min[t + 1] - 1;
	double frac = max > min ? (double)(risk - min) / (double)(max - min) : 1.0;

	if (frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	/* one decimal, as code scanning shows it */
	return (double)(long)((lo[t] + frac * (hi[t] - lo[t])) * 10 + 0.5) / 10;
}
