/* Risk scoring: inputs and a policy -> risk, tier, factors, the deciding rule, what-ifs. */
#include "posture.h"
#include "engine/risk.h"

#include <math.h>

static double band_points(const struct policy_bands *b, double v)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (v >= b->v[i].at_least)
			return b->v[i].points;
	return 0;
}

/*
 * A factor's value is text joined from pieces: the strings of `parts` (up
 * to a NULL), cut at RISK_VALUE_MAX - 1 bytes as snprintf cut it when each
 * value had a format. Numbers come from the num_* helpers below, so that
 * scoring a finding costs no printf (it was a third of risk_score).
 */
static void factor(struct risk_result *r, const char *name, double points, const char *const *parts)
{
	struct risk_factor *f;
	size_t len = 0, n;

	if (r->nfactors == RISK_MAX_FACTORS)
		return;
	f = &r->factors[r->nfactors++];
	f->name = name;
	f->points = points;
	for (; *parts && len < sizeof(f->value) - 1; parts++) {
		n = strlen(*parts);
		if (n > sizeof(f->value) - 1 - len)
			n = sizeof(f->value) - 1 - len;
		memcpy(f->value + len, *parts, n);
		len += n;
	}
	f->value[len] = '\0';
}

#define FACTOR(r, name, points, ...) factor((r), (name), (points), (const char *const[]){ __VA_ARGS__, NULL })

/* factor() for a plain string: the common case. */
static void factor_str(struct risk_result *r, const char *name, double points, const char *s)
{
	FACTOR(r, name, points, s);
}

/* Room for any number the factors print (%.1f of a double up to 1e308). */
#define NUM_MAX 320

/* The digits of m >= 0, `point` of them after a '.', into o; returns o's end. */
static char *put_digits(char *o, unsigned long long m, int point)
{
	char d[24], *p = d + sizeof(d);
	int i = 0;

	do {
		*--p = (char)('0' + m % 10);
		m /= 10;
		i++;
	} while (m || i <= point);
	while (p < d + sizeof(d)) {
		if (d + sizeof(d) - p == point)
			*o++ = '.';
		*o++ = *p++;
	}
	*o = '\0';
	return o;
}

/*
 * v as "%.*f" prints it. Without printf when v >= 0 is small and v * 10^k
 * is not within 0.01 of a half (where the rounding of the double's exact
 * value and of the product could differ): then the nearest whole m to
 * v * 10^k is the one %f rounds to.
 */
static const char *num_fixed(char out[static NUM_MAX], double v, int k)
{
	static const double pow10[] = { 1, 10, 100, 1000, 10000, 100000 };
	double scaled = v * pow10[k], m;

	if (!(v >= 0 && v < 1e12) || signbit(v)) {
		snprintf(out, NUM_MAX, "%.*f", k, v);
		return out;
	}
	m = floor(scaled + 0.5);
	if (fabs(scaled - m) > 0.49) {
		snprintf(out, NUM_MAX, "%.*f", k, v);
		return out;
	}
	put_digits(out, (unsigned long long)m, k);
	return out;
}

/*
 * v as "%g" prints it. Without printf when v is a whole number of tenths
 * below 100000 (severity_as_cvss: 9.5, 7.5, 5): within 1e-7 of m / 10,
 * far below %g's six significant digits, and no exponent form.
 */
static const char *num_g(char out[static NUM_MAX], double v)
{
	double scaled = v * 10, m = floor(scaled + 0.5);

	if (v == 0 && !signbit(v)) {
		memcpy(out, "0", 2);
		return out;
	}
	if (!(v >= 0.1 && v < 100000) || fabs(scaled - m) > 1e-6) {
		snprintf(out, NUM_MAX, "%g", v);
		return out;
	}
	if ((unsigned long long)m % 10)
		put_digits(out, (unsigned long long)m, 1);
	else
		put_digits(out, (unsigned long long)m / 10, 0);
	return out;
}

static const char *num_long(char out[static NUM_MAX], long v)
{
	if (v < 0) {
		snprintf(out, NUM_MAX, "%ld", v);
		return out;
	}
	put_digits(out, (unsigned long)v, 0);
	return out;
}

static const char *word(const char *s)
{
	return s && *s ? s : "unknown";
}

static const char *reach_word(enum reachability r)
{
	return reachability_name(r) ? reachability_name(r) : "unknown";
}

/* The CVSS-scale value the base stands on. */
static double base_cvss(const struct policy *p, const struct risk_input *in)
{
	enum severity sev = in->severity ? in->severity : SEV_INFO;

	if (in->cvss_source != RISK_CVSS_NONE)
		return in->cvss;
	return p->severity_as_cvss[sev > SEV_CRITICAL ? SEV_CRITICAL : sev];
}

/* The next class in a "pii, pci" list: its length, *s moved past it; 0 at the end. */
static size_t next_class(const char **s)
{
	const char *p = *s;
	size_t n;

	while (*p == ',' || *p == ' ' || *p == ';')
		p++;
	n = strcspn(p, ", ;");
	*s = p + n;
	return n;
}

static bool words_has(const struct policy_words *w, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (strlen(w->v[i]) == len && !memcmp(w->v[i], s, len))
			return true;
	return false;
}

static bool words_has_str(const struct policy_words *w, const char *s)
{
	return words_has(w, s, strlen(s));
}

static bool data_matches(const struct policy_words *w, const char *classes)
{
	const char *s = classes;
	size_t n;

	if (!classes || !*classes)
		return words_has_str(w, "unknown");
	while ((n = next_class(&s)))
		if (words_has(w, s - n, n))
			return true;
	return false;
}

/* The points of the most sensitive class listed; false when the table knows none of them. */
static bool data_points(const struct policy_table *t, const char *classes, double *out)
{
	char name[POLICY_NAME_MAX];
	const char *s = classes;
	bool found = false;
	double v;
	size_t n;

	*out = 0;
	if (!classes || !*classes)
		return policy_table_get(t, "unknown", out);
	while ((n = next_class(&s))) {
		if (n >= sizeof(name))
			continue;
		memcpy(name, s - n, n);
		name[n] = '\0';
		if (policy_table_get(t, name, &v) && (!found || v > *out)) {
			*out = v;
			found = true;
		}
	}
	return found;
}

static bool cond_holds(const struct policy_cond *c, const struct risk_input *in, double cvss)
{
	if ((c->set & COND_KEV) && in->kev != c->kev)
		return false;
	if ((c->set & COND_RANSOMWARE) && (in->kev && in->kev_ransomware) != c->ransomware)
		return false;
	if ((c->set & COND_VALIDATED) && in->validated != c->validated)
		return false;
	if ((c->set & COND_SECRET_VERIFIED) && in->secret_verified != c->secret_verified)
		return false;
	if ((c->set & COND_EXPOSURE) && !words_has_str(&c->exposure, word(in->exposure)))
		return false;
	if ((c->set & COND_CRITICALITY) && !words_has_str(&c->criticality, word(in->criticality)))
		return false;
	if ((c->set & COND_DATA) && !data_matches(&c->data_sensitivity, in->data_sensitivity))
		return false;
	if ((c->set & COND_ENVIRONMENT) && !words_has_str(&c->environment, word(in->environment)))
		return false;
	if ((c->set & COND_REACHABILITY) && !words_has_str(&c->reachability, reach_word(in->reachability)))
		return false;
	if ((c->set & COND_KIND) && !words_has_str(&c->kind, kind_name(in->kind)))
		return false;
	if ((c->set & COND_SEVERITY) &&
	    !words_has_str(&c->severity, severity_name(in->severity ? in->severity : SEV_INFO)))
		return false;
	if ((c->set & COND_EPSS) && !(in->has_epss && in->epss >= c->epss_at_least))
		return false;
	if ((c->set & COND_PERCENTILE) &&
	    !(in->has_epss && in->epss_percentile >= 0 && in->epss_percentile >= c->percentile_at_least))
		return false;
	if ((c->set & COND_CVSS) && !(cvss >= c->cvss_at_least))
		return false;
	if ((c->set & COND_AGE) && !(in->age_days >= 0 && (double)in->age_days >= c->age_days_at_least))
		return false;
	return true;
}

enum tier risk_tier_of(const struct policy *p, int risk)
{
	int t;

	for (t = TIER_CRITICAL; t > TIER_LOW; t--)
		if (risk >= p->tier_min[t])
			return (enum tier)t;
	return TIER_LOW;
}

static void table_factor(struct risk_result *r, const char *name, const struct policy_table *t,
			 const char *value)
{
	double pts;

	if (policy_table_get(t, word(value), &pts))
		factor_str(r, name, pts, word(value));
	else
		FACTOR(r, name, 0, word(value), " (not in the policy)");
}

static void exploitation_factors(struct risk_result *r, const struct policy *p,
				 const struct risk_input *in)
{
	char num[NUM_MAX];

	if (!in->cve && !in->has_epss) {
		factor_str(r, "cve", 0, "none: EPSS and KEV do not apply");
		return;
	}
	if (in->has_epss) {
		FACTOR(r, "epss", band_points(&p->epss, in->epss), num_fixed(num, in->epss, 5),
		       in->epss_from_report ? " (from the report)" : "");
		if (in->epss_percentile >= 0)
			FACTOR(r, "epss_percentile", band_points(&p->epss_percentile, in->epss_percentile),
			       num_fixed(num, in->epss_percentile, 5));
	} else {
		FACTOR(r, "epss", 0, "no EPSS score for ", in->cve);
	}
	if (!in->cve)
		return;
	if (in->kev) {
		FACTOR(r, "kev", p->kev, in->cve, " on KEV since ", word(in->kev_date_added), ", due ",
		       word(in->kev_due_date));
		factor_str(r, "kev_ransomware", in->kev_ransomware ? p->kev_ransomware : 0,
			   in->kev_ransomware ? "known ransomware use" : "no known ransomware use");
	} else {
		FACTOR(r, "kev", 0, in->cve, " is not on KEV");
	}
}

void risk_score(struct risk_result *out, const struct policy *p, const struct risk_input *in)
{
	double cvss = base_cvss(p, in), pts, sum = 0;
	const struct policy_rule *rule;
	char num[NUM_MAX];
	size_t i;

	memset(out, 0, sizeof(*out));
	out->rule = -1;
	if (in->cvss_source == RISK_CVSS_VECTOR)
		FACTOR(out, "cvss", cvss * p->cvss_weight, num_fixed(num, cvss, 1), " ",
		       in->cvss_vector ? in->cvss_vector : "");
	else if (in->cvss_source == RISK_CVSS_SCORE)
		FACTOR(out, "cvss", cvss * p->cvss_weight, num_fixed(num, cvss, 1),
		       " (a reported score, no vector)");
	else
		FACTOR(out, "cvss", cvss * p->cvss_weight,
		       severity_name(in->severity ? in->severity : SEV_INFO), " severity, read as ",
		       num_g(num, cvss));
	exploitation_factors(out, p, in);
	table_factor(out, "exposure", &p->exposure, in->exposure);
	table_factor(out, "criticality", &p->criticality, in->criticality);
	if (data_points(&p->data_sensitivity, in->data_sensitivity, &pts))
		factor_str(out, "data_sensitivity", pts, word(in->data_sensitivity));
	else
		FACTOR(out, "data_sensitivity", 0, word(in->data_sensitivity), " (not in the policy)");
	table_factor(out, "environment", &p->environment, in->environment);
	table_factor(out, "reachability", &p->reachability, reach_word(in->reachability));
	if (in->validated || in->kind == KIND_DAST || in->kind == KIND_API)
		FACTOR(out, "validated", in->validated ? p->validated : 0,
		       !in->validated ? "not confirmed" :
		       in->validated_by ? "confirmed by " : "confirmed by a dynamic test",
		       in->validated && in->validated_by ? in->validated_by : "");
	if (in->secret_verified || in->kind == KIND_SECRET)
		factor_str(out, "secret_verified", in->secret_verified ? p->secret_verified : 0,
			   in->secret_verified ? "verified live" : "not verified");
	if (in->age_days >= 0)
		FACTOR(out, "age", band_points(&p->age_days, (double)in->age_days),
		       num_long(num, in->age_days), in->age_days == 1 ? " day" : " days");

	for (i = 0; i < out->nfactors; i++)
		sum += out->factors[i].points;
	/* one decimal is all the inputs carry; this keeps 44.999... from rounding down */
	out->sum = round(sum * 1000) / 1000;
	out->score = out->sum <= 0 ? 0 : out->sum >= 100 ? 100 : (int)lround(out->sum);
	out->score_tier = risk_tier_of(p, out->score);
	out->tier = out->score_tier;
	out->risk = out->score;

	for (i = 0; i < p->nrules; i++)
		if (cond_holds(&p->rules[i].when, in, cvss))
			break;
	if (i == p->nrules)
		return;
	out->rule = (int)i;
	rule = &p->rules[i];
	switch (rule->effect) {
	case RULE_SET:
		out->tier = rule->tier;
		break;
	case RULE_AT_LEAST:
		if (rule->tier > out->tier)
			out->tier = rule->tier;
		break;
	case RULE_AT_MOST:
		if (rule->tier < out->tier)
			out->tier = rule->tier;
		break;
	}
	/* the risk stays inside its tier's band, so that ordering by risk orders by tier */
	if (out->tier > out->score_tier)
		out->risk = p->tier_min[out->tier];
	else if (out->tier < out->score_tier)
		out->risk = p->tier_min[out->tier + 1] - 1;
	if (out->risk != out->score)
		FACTOR(out, "rule", out->risk - out->score, rule->name, ": ",
		       rule->effect == RULE_SET ? "tier" :
		       rule->effect == RULE_AT_LEAST ? "at least" : "at most", " ", tier_name(rule->tier));
}

/* --- what would change the tier --- */

struct whatifs {
	struct risk_whatif *out;
	size_t max, n;
	const struct policy *p;
	const struct risk_result *r;
};

static void whatif_add(struct whatifs *w, const struct risk_result *alt, const char *fmt, ...)
	P_PRINTF(3, 4);

static void whatif_add(struct whatifs *w, const struct risk_result *alt, const char *fmt, ...)
{
	va_list ap;

	if (w->n == w->max)
		return;
	va_start(ap, fmt);
	vsnprintf(w->out[w->n].change, sizeof(w->out[w->n].change), fmt, ap);
	va_end(ap);
	w->out[w->n].tier = alt->tier;
	w->out[w->n].risk = alt->risk;
	w->n++;
}

/* The values of one input that change the tier, grouped by the tier they give. */
struct choice {
	const char *value;
	struct risk_result alt;
};

static void whatif_group(struct whatifs *w, const char *what, struct choice *c, size_t n)
{
	char text[RISK_VALUE_MAX];
	int t;
	size_t i, len;

	for (t = TIER_CRITICAL; t >= TIER_LOW; t--) {
		const struct risk_result *first = NULL;

		len = 0;
		text[0] = '\0';
		for (i = 0; i < n; i++) {
			if ((int)c[i].alt.tier != t || c[i].alt.tier == w->r->tier)
				continue;
			if (!first)
				first = &c[i].alt;
			len += (size_t)snprintf(text + len, len < sizeof(text) ? sizeof(text) - len : 0,
						"%s%s", first == &c[i].alt ? "" : " or ", c[i].value);
			if (len >= sizeof(text))
				len = sizeof(text) - 1;
		}
		if (first)
			whatif_add(w, first, "%s were %s", what, text);
	}
}

/* The inputs what-ifs vary, named so that a copy of the input can be changed. */
enum field { F_EXPOSURE, F_CRITICALITY, F_DATA, F_ENVIRONMENT, F_KEV, F_RANSOMWARE, F_VALIDATED,
	     F_SECRET };

static const char **text_field(struct risk_input *in, enum field f)
{
	switch (f) {
	case F_CRITICALITY:
		return &in->criticality;
	case F_DATA:
		return &in->data_sensitivity;
	case F_ENVIRONMENT:
		return &in->environment;
	default:
		return &in->exposure;
	}
}

static bool *bool_field(struct risk_input *in, enum field f)
{
	switch (f) {
	case F_RANSOMWARE:
		return &in->kev_ransomware;
	case F_VALIDATED:
		return &in->validated;
	case F_SECRET:
		return &in->secret_verified;
	default:
		return &in->kev;
	}
}

static void try_table(struct whatifs *w, const char *what, const struct policy_table *t,
		      const struct risk_input *in, enum field f)
{
	struct choice c[POLICY_TABLE_MAX];
	struct risk_input alt = *in;
	const char *current = word(*text_field(&alt, f));
	size_t i, n = 0;

	for (i = 0; i < t->n; i++) {
		if (!strcmp(t->v[i].name, current))
			continue;
		c[n].value = t->v[i].name;
		*text_field(&alt, f) = t->v[i].name;
		risk_score(&c[n].alt, w->p, &alt);
		n++;
	}
	whatif_group(w, what, c, n);
}

static void try_cvss(struct whatifs *w, const struct risk_input *in, double cvss)
{
	struct risk_input alt = *in;
	struct risk_result r;
	int v, cur = (int)lround(cvss * 10);

	alt.cvss_source = RISK_CVSS_SCORE;
	for (v = cur + 1; v <= 100; v++) {
		alt.cvss = v / 10.0;
		risk_score(&r, w->p, &alt);
		if (r.tier != w->r->tier) {
			whatif_add(w, &r, "its CVSS score were %.1f or more", alt.cvss);
			break;
		}
	}
	for (v = cur - 1; v >= 0; v--) {
		alt.cvss = v / 10.0;
		risk_score(&r, w->p, &alt);
		if (r.tier != w->r->tier) {
			whatif_add(w, &r, "its CVSS score were %.1f or less", alt.cvss);
			break;
		}
	}
}

static void try_epss(struct whatifs *w, const struct risk_input *in)
{
	struct risk_input alt = *in;
	struct risk_result r;
	double current = in->has_epss ? in->epss : -1;
	size_t i;

	alt.has_epss = true;
	alt.epss_from_report = false;
	/* bands are descending: walk up from the lowest for the first rise that matters */
	for (i = w->p->epss.n; i-- > 0;) {
		if (w->p->epss.v[i].at_least <= current)
			continue;
		alt.epss = w->p->epss.v[i].at_least;
		risk_score(&r, w->p, &alt);
		if (r.tier != w->r->tier) {
			whatif_add(w, &r, "its EPSS rose to %g", alt.epss);
			break;
		}
	}
	if (!in->has_epss)
		return;
	for (i = 0; i < w->p->epss.n; i++) {
		if (w->p->epss.v[i].at_least > current || w->p->epss.v[i].at_least <= 0)
			continue;
		alt.epss = nextafter(w->p->epss.v[i].at_least, 0);
		risk_score(&r, w->p, &alt);
		if (r.tier != w->r->tier) {
			whatif_add(w, &r, "its EPSS fell below %g", w->p->epss.v[i].at_least);
			break;
		}
	}
}

static void try_bool(struct whatifs *w, const struct risk_input *in, enum field f,
		     const char *if_true, const char *if_false)
{
	struct risk_input alt = *in;
	struct risk_result r;
	bool *b = bool_field(&alt, f);

	*b = !*b;
	risk_score(&r, w->p, &alt);
	if (r.tier != w->r->tier)
		whatif_add(w, &r, "%s", *b ? if_true : if_false);
}

size_t risk_whatifs(struct risk_whatif *out, size_t max, const struct policy *p,
		    const struct risk_input *in, const struct risk_result *r)
{
	static const enum reachability reach[] = { REACH_REACHABLE, REACH_IMPORTED, REACH_NOT_REACHABLE,
						   REACH_UNKNOWN };
	struct whatifs w = { out, max, 0, p, r };
	struct risk_input alt = *in;
	struct choice c[ARRAY_SIZE(reach)];
	size_t i, n = 0;

	if (in->cve) {
		try_bool(&w, in, F_KEV, "it were on CISA KEV", "it were not on CISA KEV");
		if (in->kev)
			try_bool(&w, in, F_RANSOMWARE, "ransomware campaigns were known to use it",
				 "no ransomware campaign were known to use it");
	}
	if (in->cve || in->has_epss)
		try_epss(&w, in);
	try_cvss(&w, in, base_cvss(p, in));
	try_table(&w, "the app's exposure", &p->exposure, in, F_EXPOSURE);
	try_table(&w, "the app's criticality", &p->criticality, in, F_CRITICALITY);
	try_table(&w, "the app's data", &p->data_sensitivity, in, F_DATA);
	try_table(&w, "the environment", &p->environment, in, F_ENVIRONMENT);
	for (i = 0; i < ARRAY_SIZE(reach); i++) {
		if (reach[i] == in->reachability)
			continue;
		alt.reachability = reach[i];
		c[n].value = reach_word(reach[i]);
		risk_score(&c[n].alt, p, &alt);
		n++;
	}
	whatif_group(&w, "its reachability", c, n);
	if (in->validated || in->kind == KIND_DAST || in->kind == KIND_API)
		try_bool(&w, in, F_VALIDATED, "a dynamic test confirmed it",
			 "no dynamic test had confirmed it");
	if (in->secret_verified || in->kind == KIND_SECRET)
		try_bool(&w, in, F_SECRET, "the secret were verified live",
			 "the secret were not verified live");
	if (in->age_days >= 0) {
		struct risk_result ar;

		alt = *in;
		for (i = p->age_days.n; i-- > 0;) {
			if (p->age_days.v[i].at_least <= (double)in->age_days)
				continue;
			alt.age_days = (long)ceil(p->age_days.v[i].at_least);
			risk_score(&ar, p, &alt);
			if (ar.tier != r->tier) {
				whatif_add(&w, &ar, "it stayed open until it is %ld days old", alt.age_days);
				break;
			}
		}
	}
	return w.n;
}
