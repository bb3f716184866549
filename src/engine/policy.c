/* The risk policy: built-in defaults, the YAML loader (libyaml) and the canonical writer. */
#include "posture.h"
#include "engine/policy.h"
#include "util/alloc.h"
#include "util/hash.h"

#include <ctype.h>
#include <math.h>
#include <yaml.h>

static const char *const tier_names[TIER__COUNT] = { "low", "medium", "high", "critical" };

const char *tier_name(enum tier t)
{
	return (size_t)t < TIER__COUNT ? tier_names[t] : "low";
}

int tier_parse(enum tier *out, const char *s)
{
	size_t i;

	for (i = 0; i < TIER__COUNT; i++)
		if (!strcmp(s, tier_names[i])) {
			*out = (enum tier)i;
			return 0;
		}
	return P_EINVALID;
}

const char *gate_mode_name(enum gate_mode g)
{
	return g == GATE_BLOCK ? "block" : g == GATE_WARN ? "warn" :
	       g == GATE_BLOCK_RECURRENCE ? "block_recurrence" : "off";
}

/*
 * The built-in policy. It is exactly what policy_write() prints for it
 * (a unit test holds the two together), and docs/risk.md shows it.
 */
const char policy_default_yaml[] =
	"# posture risk policy: the canonical form 'posture policy show' prints.\n"
	"# What each part means, and why these numbers: docs/risk.md.\n"
	"version: 1\n"
	"\n"
	"# Points add up to the risk, clamped to 0-100.\n"
	"score:\n"
	"  # the CVSS score (0-10) of the best vector among the finding's evidence,\n"
	"  # else a score a tool reported, else the severity read as below\n"
	"  cvss_weight: 5\n"
	"  severity_as_cvss:\n"
	"    critical: 9.5\n"
	"    high: 7.5\n"
	"    medium: 5\n"
	"    low: 2.5\n"
	"    info: 0\n"
	"  # EPSS: the probability of exploitation in the next 30 days, and its\n"
	"  # percentile; the first band the value reaches counts\n"
	"  epss:\n"
	"    - {at_least: 0.5, points: 20}\n"
	"    - {at_least: 0.1, points: 14}\n"
	"    - {at_least: 0.01, points: 6}\n"
	"  epss_percentile:\n"
	"    - {at_least: 0.95, points: 3}\n"
	"  # on CISA's Known Exploited Vulnerabilities catalog; known ransomware use\n"
	"  kev: 25\n"
	"  kev_ransomware: 5\n"
	"  # the app's context; a value a table lacks counts 0, the most\n"
	"  # sensitive data class the app holds counts\n"
	"  exposure:\n"
	"    internet: 10\n"
	"    partner: 5\n"
	"    internal: 0\n"
	"    isolated: -10\n"
	"    unknown: 0\n"
	"  criticality:\n"
	"    critical: 10\n"
	"    high: 5\n"
	"    medium: 0\n"
	"    low: -5\n"
	"    unknown: 0\n"
	"  data_sensitivity:\n"
	"    phi: 8\n"
	"    pci: 8\n"
	"    credentials: 8\n"
	"    pii: 6\n"
	"    public: -5\n"
	"    unknown: 0\n"
	"  environment:\n"
	"    production: 5\n"
	"    staging: 0\n"
	"    development: -10\n"
	"    test: -10\n"
	"    unknown: 0\n"
	"  # whether the vulnerable code is reached, as the tools tell\n"
	"  reachability:\n"
	"    reachable: 5\n"
	"    imported: 0\n"
	"    not_reachable: -15\n"
	"    unknown: 0\n"
	"  # a dynamic test confirmed it; the secret was checked and is live\n"
	"  validated: 10\n"
	"  secret_verified: 15\n"
	"  # days since the finding was first seen\n"
	"  age_days:\n"
	"    - {at_least: 365, points: 5}\n"
	"    - {at_least: 90, points: 3}\n"
	"\n"
	"# The lowest risk of each tier.\n"
	"tiers:\n"
	"  critical: 70\n"
	"  high: 45\n"
	"  medium: 25\n"
	"  low: 0\n"
	"\n"
	"# Hard rules, after the thresholds: the first rule whose conditions all\n"
	"# hold sets the tier (tier), raises it (tier_at_least) or caps it\n"
	"# (tier_at_most); the risk moves to the nearest edge of the new tier.\n"
	"rules:\n"
	"  - name: kev-internet-sensitive\n"
	"    description: \"exploited in the wild, reachable from the internet, sensitive data behind it\"\n"
	"    when: {kev: true, exposure: [internet], data_sensitivity: [phi, pci, credentials, pii]}\n"
	"    tier_at_least: critical\n"
	"  - name: live-secret-exposed\n"
	"    description: \"a verified, live secret in an app reachable from outside\"\n"
	"    when: {secret_verified: true, exposure: [internet, partner]}\n"
	"    tier_at_least: critical\n"
	"  - name: kev\n"
	"    description: \"exploited in the wild: never below high\"\n"
	"    when: {kev: true}\n"
	"    tier_at_least: high\n"
	"  - name: not-reachable\n"
	"    description: \"the tools show the vulnerable code is not reached: at most medium unless on KEV\"\n"
	"    when: {kev: false, reachability: [not_reachable]}\n"
	"    tier_at_most: medium\n"
	"  - name: confirmed-internet\n"
	"    description: \"a dynamic test confirmed it on an internet-facing app\"\n"
	"    when: {validated: true, exposure: [internet]}\n"
	"    tier_at_least: high\n"
	"  - name: secret-in-code\n"
	"    description: \"a secret in code or its history: whoever reads the repository has it until it is rotated\"\n"
	"    when: {kind: [secret]}\n"
	"    tier_at_least: high\n"
	"\n"
	"# Days to fix, by tier.\n"
	"sla_days:\n"
	"  critical: 7\n"
	"  high: 30\n"
	"  medium: 90\n"
	"  low: 180\n"
	"# A finding on KEV is due no later than CISA's dueDate.\n"
	"kev_due_date: true\n"
	"# What 'posture gate' does with a finding of each tier: block, warn or off.\n"
	"gate:\n"
	"  critical: block\n"
	"  high: block\n"
	"  medium: warn\n"
	"  low: off\n";

/* --- loading ------------------------------------------------------------- */

struct loader {
	yaml_document_t doc;
	const char *name;
	struct perr *err;
	struct policy *p;
	char path[160];   /* "score.exposure.internet", for messages */
};

static int fail(struct loader *l, const yaml_node_t *n, const char *fmt, ...) P_PRINTF(3, 4);

static int fail(struct loader *l, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return perr_set(l->err, P_EINVALID, "%s:%zu:%zu: %s%s%s", l->name,
			n ? n->start_mark.line + 1 : 1, n ? n->start_mark.column + 1 : 1, l->path,
			l->path[0] ? ": " : "", msg);
}

static const char *type_word(const yaml_node_t *n)
{
	return n->type == YAML_MAPPING_NODE ? "a mapping" :
	       n->type == YAML_SEQUENCE_NODE ? "a list" : "a scalar";
}

/* Push a key onto the path for messages; returns the old length to pop back to. */
static size_t path_push(struct loader *l, const char *key)
{
	size_t len = strlen(l->path);

	snprintf(l->path + len, sizeof(l->path) - len, "%s%s", len ? "." : "", key);
	return len;
}

static void path_index(struct loader *l, size_t i)
{
	size_t len = strlen(l->path);

	snprintf(l->path + len, sizeof(l->path) - len, "[%zu]", i);
}

static void path_pop(struct loader *l, size_t len)
{
	l->path[len] = '\0';
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int want(struct loader *l, const yaml_node_t *n, yaml_node_type_t type)
{
	static const char *const words[] = {
		[YAML_SCALAR_NODE] = "a value", [YAML_SEQUENCE_NODE] = "a list",
		[YAML_MAPPING_NODE] = "a mapping",
	};

	if (n->type != type)
		return fail(l, n, "expected %s, not %s", words[type], type_word(n));
	return 0;
}

static int get_number(struct loader *l, const yaml_node_t *n, double lo, double hi, double *out)
{
	const char *s;
	char *end;
	double d;
	int ret;

	if ((ret = want(l, n, YAML_SCALAR_NODE)) < 0)
		return ret;
	s = scalar(n);
	errno = 0;
	d = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(d) || isspace((unsigned char)*s))
		return fail(l, n, "'%.40s' is not a number", s);
	if (d < lo || d > hi)
		return fail(l, n, "%.40s is out of range (%g to %g)", s, lo, hi);
	*out = d;
	return 0;
}

static int get_int(struct loader *l, const yaml_node_t *n, long lo, long hi, long *out)
{
	double d;
	int ret;

	if ((ret = get_number(l, n, (double)lo, (double)hi, &d)) < 0)
		return ret;
	if (d != floor(d))
		return fail(l, n, "'%s' is not a whole number", scalar(n));
	*out = (long)d;
	return 0;
}

static int get_bool(struct loader *l, const yaml_node_t *n, bool *out)
{
	int ret;

	if ((ret = want(l, n, YAML_SCALAR_NODE)) < 0)
		return ret;
	if (!strcmp(scalar(n), "true"))
		*out = true;
	else if (!strcmp(scalar(n), "false"))
		*out = false;
	else
		return fail(l, n, "'%.40s' is not true or false", scalar(n));
	return 0;
}

/* Names of values, rules and keys: lowercase words, so the canonical YAML needs no quoting. */
static int get_name(struct loader *l, const yaml_node_t *n, char out[static POLICY_NAME_MAX])
{
	const char *s;
	size_t i;
	int ret;

	if ((ret = want(l, n, YAML_SCALAR_NODE)) < 0)
		return ret;
	s = scalar(n);
	if (!*s || strlen(s) >= POLICY_NAME_MAX)
		return fail(l, n, "'%.40s' is not a name (1 to %d characters)", s, POLICY_NAME_MAX - 1);
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return fail(l, n, "'%.40s' is not a name (lowercase letters, digits, '_', '-')", s);
	memcpy(out, s, i + 1);
	return 0;
}

static int get_tier(struct loader *l, const yaml_node_t *n, enum tier *out)
{
	int ret;

	if ((ret = want(l, n, YAML_SCALAR_NODE)) < 0)
		return ret;
	if (tier_parse(out, scalar(n)) < 0)
		return fail(l, n, "'%.40s' is not a tier (critical, high, medium, low)", scalar(n));
	return 0;
}

typedef int (*pair_fn)(struct loader *l, const char *key, const yaml_node_t *key_node,
		       const yaml_node_t *value, void *payload);

/* Call fn for each key: value of a mapping, with the key on the path. */
static int each_pair(struct loader *l, const yaml_node_t *map, pair_fn fn, void *payload)
{
	yaml_node_pair_t *pair;
	int ret;

	if ((ret = want(l, map, YAML_MAPPING_NODE)) < 0)
		return ret;
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = yaml_document_get_node(&l->doc, pair->key);
		yaml_node_t *v = yaml_document_get_node(&l->doc, pair->value);
		size_t mark;

		if (!k || !v)
			return fail(l, map, "broken document");
		if (k->type != YAML_SCALAR_NODE)
			return fail(l, k, "a key must be a plain value, not %s", type_word(k));
		mark = path_push(l, scalar(k));
		ret = fn(l, scalar(k), k, v, payload);
		path_pop(l, mark);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int unknown_key(struct loader *l, const yaml_node_t *k, const char *expected)
{
	size_t len = strlen(l->path), cut = len;

	/* the message names the mapping, then the key it does not know */
	while (cut && l->path[cut - 1] != '.')
		cut--;
	path_pop(l, cut ? cut - 1 : 0);
	return fail(l, k, "unknown key '%.40s' (expected %s)", scalar(k), expected);
}

static int table_pair(struct loader *l, const char *key, const yaml_node_t *k,
		      const yaml_node_t *v, void *payload)
{
	struct policy_table *t = payload;
	char name[POLICY_NAME_MAX];
	double points;
	size_t i;
	int ret;

	if ((ret = get_name(l, k, name)) < 0 || (ret = get_number(l, v, -100, 100, &points)) < 0)
		return ret;
	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, name)) {
			t->v[i].points = points;
			return 0;
		}
	if (t->n == POLICY_TABLE_MAX)
		return fail(l, k, "more than %d values", POLICY_TABLE_MAX);
	memcpy(t->v[t->n].name, name, sizeof(name));
	t->v[t->n++].points = points;
	return 0;
}

static int reach_pair(struct loader *l, const char *key, const yaml_node_t *k,
		      const yaml_node_t *v, void *payload)
{
	if (strcmp(key, "reachable") && strcmp(key, "imported") && strcmp(key, "not_reachable") &&
	    strcmp(key, "unknown"))
		return unknown_key(l, k, "reachable, imported, not_reachable, unknown");
	return table_pair(l, key, k, v, payload);
}

static int severity_pair(struct loader *l, const char *key, const yaml_node_t *k,
			 const yaml_node_t *v, void *payload)
{
	struct policy *p = payload;
	enum severity sev;

	if (severity_parse(&sev, key) < 0 || sev == SEV_NONE || strcmp(key, severity_name(sev)))
		return unknown_key(l, k, "critical, high, medium, low, info");
	return get_number(l, v, 0, 10, &p->severity_as_cvss[sev]);
}

struct band_ctx {
	struct policy_band *band;
	double hi;
	bool seen_at_least, seen_points;
};

static int band_pair(struct loader *l, const char *key, const yaml_node_t *k,
		     const yaml_node_t *v, void *payload)
{
	struct band_ctx *b = payload;

	if (!strcmp(key, "at_least")) {
		b->seen_at_least = true;
		return get_number(l, v, 0, b->hi, &b->band->at_least);
	}
	if (!strcmp(key, "points")) {
		b->seen_points = true;
		return get_number(l, v, -100, 100, &b->band->points);
	}
	return unknown_key(l, k, "at_least, points");
}

/* A list of {at_least, points}, at_least strictly descending. */
static int load_bands(struct loader *l, const yaml_node_t *n, double hi, struct policy_bands *out)
{
	yaml_node_item_t *it;
	size_t i = 0, mark;
	int ret;

	if ((ret = want(l, n, YAML_SEQUENCE_NODE)) < 0)
		return ret;
	out->n = 0;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++, i++) {
		yaml_node_t *item = yaml_document_get_node(&l->doc, *it);
		struct band_ctx b = { 0 };

		if (!item)
			return fail(l, n, "broken document");
		if (out->n == POLICY_BANDS_MAX)
			return fail(l, item, "more than %d bands", POLICY_BANDS_MAX);
		mark = strlen(l->path);
		path_index(l, i);
		b.band = &out->v[out->n];
		b.hi = hi;
		ret = each_pair(l, item, band_pair, &b);
		if (!ret && (!b.seen_at_least || !b.seen_points))
			ret = fail(l, item, "a band needs at_least and points");
		if (!ret && out->n && b.band->at_least >= out->v[out->n - 1].at_least)
			ret = fail(l, item, "at_least must be lower than the band before (%g)",
				   out->v[out->n - 1].at_least);
		path_pop(l, mark);
		if (ret < 0)
			return ret;
		out->n++;
	}
	return 0;
}

static int score_pair(struct loader *l, const char *key, const yaml_node_t *k,
		      const yaml_node_t *v, void *payload)
{
	struct policy *p = l->p;

	if (!strcmp(key, "cvss_weight"))
		return get_number(l, v, 0, 100, &p->cvss_weight);
	if (!strcmp(key, "severity_as_cvss"))
		return each_pair(l, v, severity_pair, p);
	if (!strcmp(key, "epss"))
		return load_bands(l, v, 1, &p->epss);
	if (!strcmp(key, "epss_percentile"))
		return load_bands(l, v, 1, &p->epss_percentile);
	if (!strcmp(key, "age_days"))
		return load_bands(l, v, 36500, &p->age_days);
	if (!strcmp(key, "kev"))
		return get_number(l, v, -100, 100, &p->kev);
	if (!strcmp(key, "kev_ransomware"))
		return get_number(l, v, -100, 100, &p->kev_ransomware);
	if (!strcmp(key, "validated"))
		return get_number(l, v, -100, 100, &p->validated);
	if (!strcmp(key, "secret_verified"))
		return get_number(l, v, -100, 100, &p->secret_verified);
	if (!strcmp(key, "exposure"))
		return each_pair(l, v, table_pair, &p->exposure);
	if (!strcmp(key, "criticality"))
		return each_pair(l, v, table_pair, &p->criticality);
	if (!strcmp(key, "data_sensitivity"))
		return each_pair(l, v, table_pair, &p->data_sensitivity);
	if (!strcmp(key, "environment"))
		return each_pair(l, v, table_pair, &p->environment);
	if (!strcmp(key, "reachability"))
		return each_pair(l, v, reach_pair, &p->reachability);
	return unknown_key(l, k, "cvss_weight, severity_as_cvss, epss, epss_percentile, kev, "
			   "kev_ransomware, exposure, criticality, data_sensitivity, environment, "
			   "reachability, validated, secret_verified, age_days");
}

static int tier_int_pair(struct loader *l, const char *key, const yaml_node_t *k,
			 const yaml_node_t *v, int *table, long lo, long hi)
{
	enum tier t;
	long n;
	int ret;

	if (tier_parse(&t, key) < 0)
		return unknown_key(l, k, "critical, high, medium, low");
	if ((ret = get_int(l, v, lo, hi, &n)) < 0)
		return ret;
	table[t] = (int)n;
	return 0;
}

static int tiers_pair(struct loader *l, const char *key, const yaml_node_t *k,
		      const yaml_node_t *v, void *payload)
{
	return tier_int_pair(l, key, k, v, l->p->tier_min, 0, 100);
}

static int sla_pair(struct loader *l, const char *key, const yaml_node_t *k,
		    const yaml_node_t *v, void *payload)
{
	return tier_int_pair(l, key, k, v, l->p->sla_days, 1, 3650);
}

static int gate_pair(struct loader *l, const char *key, const yaml_node_t *k,
		     const yaml_node_t *v, void *payload)
{
	enum tier t;
	int ret;

	if (tier_parse(&t, key) < 0)
		return unknown_key(l, k, "critical, high, medium, low");
	if ((ret = want(l, v, YAML_SCALAR_NODE)) < 0)
		return ret;
	if (!strcmp(scalar(v), "block"))
		l->p->gate[t] = GATE_BLOCK;
	else if (!strcmp(scalar(v), "warn"))
		l->p->gate[t] = GATE_WARN;
	else if (!strcmp(scalar(v), "off"))
		l->p->gate[t] = GATE_OFF;
	else if (!strcmp(scalar(v), "block_recurrence"))
		l->p->gate[t] = GATE_BLOCK_RECURRENCE;
	else
		return fail(l, v, "'%.40s' is not a gate mode (block, block_recurrence, warn, off)",
			    scalar(v));
	return 0;
}

/* A condition's values: one name or a list of names. */
static int load_words(struct loader *l, const yaml_node_t *n, struct policy_words *out)
{
	yaml_node_item_t *it;
	int ret;

	out->n = 0;
	if (n->type == YAML_SCALAR_NODE) {
		out->n = 1;
		return get_name(l, n, out->v[0]);
	}
	if ((ret = want(l, n, YAML_SEQUENCE_NODE)) < 0)
		return ret;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(&l->doc, *it);

		if (!item)
			return fail(l, n, "broken document");
		if (out->n == POLICY_WORDS_MAX)
			return fail(l, item, "more than %d values", POLICY_WORDS_MAX);
		if ((ret = get_name(l, item, out->v[out->n])) < 0)
			return ret;
		out->n++;
	}
	if (!out->n)
		return fail(l, n, "an empty list never matches");
	return 0;
}

/* Words a condition's values must come from, when the set is closed. */
static int check_words(struct loader *l, const yaml_node_t *n, const struct policy_words *w,
		       const char *const *allowed, const char *list)
{
	size_t i, j;

	for (i = 0; i < w->n; i++) {
		for (j = 0; allowed[j]; j++)
			if (!strcmp(w->v[i], allowed[j]))
				break;
		if (!allowed[j])
			return fail(l, n, "'%s' is not one of %s", w->v[i], list);
	}
	return 0;
}

static int when_pair(struct loader *l, const char *key, const yaml_node_t *k,
		     const yaml_node_t *v, void *payload)
{
	static const char *const reach[] = { "reachable", "imported", "not_reachable", "unknown", NULL };
	static const char *const kinds[] = { "sast", "sca", "secret", "container", "iac", "dast", "api",
					     "cloud", "runtime", "other", NULL };
	static const char *const sevs[] = { "critical", "high", "medium", "low", "info", NULL };
	struct policy_cond *c = payload;
	int ret;

	if (!strcmp(key, "kev")) {
		c->set |= COND_KEV;
		return get_bool(l, v, &c->kev);
	}
	if (!strcmp(key, "ransomware")) {
		c->set |= COND_RANSOMWARE;
		return get_bool(l, v, &c->ransomware);
	}
	if (!strcmp(key, "validated")) {
		c->set |= COND_VALIDATED;
		return get_bool(l, v, &c->validated);
	}
	if (!strcmp(key, "secret_verified")) {
		c->set |= COND_SECRET_VERIFIED;
		return get_bool(l, v, &c->secret_verified);
	}
	if (!strcmp(key, "exposure")) {
		c->set |= COND_EXPOSURE;
		return load_words(l, v, &c->exposure);
	}
	if (!strcmp(key, "criticality")) {
		c->set |= COND_CRITICALITY;
		return load_words(l, v, &c->criticality);
	}
	if (!strcmp(key, "data_sensitivity")) {
		c->set |= COND_DATA;
		return load_words(l, v, &c->data_sensitivity);
	}
	if (!strcmp(key, "environment")) {
		c->set |= COND_ENVIRONMENT;
		return load_words(l, v, &c->environment);
	}
	if (!strcmp(key, "reachability")) {
		c->set |= COND_REACHABILITY;
		if ((ret = load_words(l, v, &c->reachability)) < 0)
			return ret;
		return check_words(l, v, &c->reachability, reach,
				   "reachable, imported, not_reachable, unknown");
	}
	if (!strcmp(key, "kind")) {
		c->set |= COND_KIND;
		if ((ret = load_words(l, v, &c->kind)) < 0)
			return ret;
		return check_words(l, v, &c->kind, kinds, "the kinds (sast, sca, secret, ...)");
	}
	if (!strcmp(key, "severity")) {
		c->set |= COND_SEVERITY;
		if ((ret = load_words(l, v, &c->severity)) < 0)
			return ret;
		return check_words(l, v, &c->severity, sevs, "critical, high, medium, low, info");
	}
	if (!strcmp(key, "epss_at_least")) {
		c->set |= COND_EPSS;
		return get_number(l, v, 0, 1, &c->epss_at_least);
	}
	if (!strcmp(key, "percentile_at_least")) {
		c->set |= COND_PERCENTILE;
		return get_number(l, v, 0, 1, &c->percentile_at_least);
	}
	if (!strcmp(key, "cvss_at_least")) {
		c->set |= COND_CVSS;
		return get_number(l, v, 0, 10, &c->cvss_at_least);
	}
	if (!strcmp(key, "age_days_at_least")) {
		c->set |= COND_AGE;
		return get_number(l, v, 0, 36500, &c->age_days_at_least);
	}
	return unknown_key(l, k, "kev, ransomware, validated, secret_verified, exposure, criticality, "
			   "data_sensitivity, environment, reachability, kind, severity, "
			   "epss_at_least, percentile_at_least, cvss_at_least, age_days_at_least");
}

struct rule_ctx {
	struct policy_rule *r;
	int effects;
	bool named;
};

static int rule_pair(struct loader *l, const char *key, const yaml_node_t *k,
		     const yaml_node_t *v, void *payload)
{
	struct rule_ctx *rc = payload;
	struct policy_rule *r = rc->r;
	size_t i;
	int ret;

	if (!strcmp(key, "name")) {
		rc->named = true;
		return get_name(l, v, r->name);
	}
	if (!strcmp(key, "description")) {
		if ((ret = want(l, v, YAML_SCALAR_NODE)) < 0)
			return ret;
		if (strlen(scalar(v)) >= sizeof(r->description))
			return fail(l, v, "longer than %zu characters", sizeof(r->description) - 1);
		for (i = 0; scalar(v)[i]; i++)
			if ((unsigned char)scalar(v)[i] < 0x20 || scalar(v)[i] == 0x7f)
				return fail(l, v, "one line of printable text, please");
		snprintf(r->description, sizeof(r->description), "%s", scalar(v));
		return 0;
	}
	if (!strcmp(key, "when"))
		return each_pair(l, v, when_pair, &r->when);
	if (!strcmp(key, "tier") || !strcmp(key, "tier_at_least") || !strcmp(key, "tier_at_most")) {
		rc->effects++;
		r->effect = !strcmp(key, "tier") ? RULE_SET :
			    !strcmp(key, "tier_at_least") ? RULE_AT_LEAST : RULE_AT_MOST;
		return get_tier(l, v, &r->tier);
	}
	return unknown_key(l, k, "name, description, when, tier, tier_at_least, tier_at_most");
}

static int load_rules(struct loader *l, const yaml_node_t *n)
{
	struct policy *p = l->p;
	yaml_node_item_t *it;
	size_t i = 0, j, mark;
	int ret;

	if ((ret = want(l, n, YAML_SEQUENCE_NODE)) < 0)
		return ret;
	memset(p->rules, 0, sizeof(p->rules));
	p->nrules = 0;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++, i++) {
		yaml_node_t *item = yaml_document_get_node(&l->doc, *it);
		struct rule_ctx rc = { 0 };

		if (!item)
			return fail(l, n, "broken document");
		if (p->nrules == POLICY_RULES_MAX)
			return fail(l, item, "more than %d rules", POLICY_RULES_MAX);
		mark = strlen(l->path);
		path_index(l, i);
		rc.r = &p->rules[p->nrules];
		ret = each_pair(l, item, rule_pair, &rc);
		if (!ret && !rc.named)
			ret = fail(l, item, "a rule needs a name");
		if (!ret && rc.effects != 1)
			ret = fail(l, item, "a rule needs exactly one of tier, tier_at_least, tier_at_most");
		for (j = 0; !ret && j < p->nrules; j++)
			if (!strcmp(p->rules[j].name, rc.r->name))
				ret = fail(l, item, "rule '%s' is defined twice", rc.r->name);
		path_pop(l, mark);
		if (ret < 0)
			return ret;
		p->nrules++;
	}
	return 0;
}

static int top_pair(struct loader *l, const char *key, const yaml_node_t *k,
		    const yaml_node_t *v, void *payload)
{
	long version;
	int ret;

	if (!strcmp(key, "version")) {
		if ((ret = get_int(l, v, 0, 1000, &version)) < 0)
			return ret;
		if (version != 1)
			return fail(l, v, "this posture reads policy version 1, not %ld", version);
		return 0;
	}
	if (!strcmp(key, "score"))
		return each_pair(l, v, score_pair, NULL);
	if (!strcmp(key, "tiers"))
		return each_pair(l, v, tiers_pair, NULL);
	if (!strcmp(key, "rules"))
		return load_rules(l, v);
	if (!strcmp(key, "sla_days"))
		return each_pair(l, v, sla_pair, NULL);
	if (!strcmp(key, "kev_due_date"))
		return get_bool(l, v, &l->p->kev_due_date);
	if (!strcmp(key, "gate"))
		return each_pair(l, v, gate_pair, NULL);
	return unknown_key(l, k, "version, score, tiers, rules, sla_days, kev_due_date, gate");
}

/* What must hold across sections once everything is read. */
static int check_policy(struct loader *l, const yaml_node_t *root)
{
	const int *t = l->p->tier_min;

	snprintf(l->path, sizeof(l->path), "tiers");
	if (t[TIER_LOW] != 0)
		return fail(l, root, "low must be 0: every finding has a tier");
	if (!(t[TIER_MEDIUM] > t[TIER_LOW] && t[TIER_HIGH] > t[TIER_MEDIUM] &&
	      t[TIER_CRITICAL] > t[TIER_HIGH]))
		return fail(l, root, "critical > high > medium > low, please (%d, %d, %d, %d)",
			    t[TIER_CRITICAL], t[TIER_HIGH], t[TIER_MEDIUM], t[TIER_LOW]);
	l->path[0] = '\0';
	return 0;
}

/* Apply YAML text over *p. */
static int load_into(struct policy *p, const char *buf, size_t len, const char *name,
		     struct perr *err)
{
	yaml_parser_t parser;
	struct loader l;
	yaml_node_t *root;
	int ret = 0;

	if (len > POLICY_FILE_MAX)
		return perr_set(err, P_ELIMIT, "%s: larger than %zu KiB", name, POLICY_FILE_MAX >> 10);
	memset(&l, 0, sizeof(l));
	l.name = name;
	l.err = err;
	l.p = p;
	if (!yaml_parser_initialize(&parser))
		return perr_set(err, P_ERROR, "%s: cannot start the YAML parser", name);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &l.doc)) {
		const yaml_mark_t *m = parser.problem ? &parser.problem_mark : &parser.context_mark;

		ret = perr_set(err, P_EINVALID, "%s:%zu:%zu: invalid YAML: %s%s%s", name, m->line + 1,
			       m->column + 1, parser.problem ? parser.problem : "cannot parse",
			       parser.context ? " " : "", parser.context ? parser.context : "");
		yaml_parser_delete(&parser);
		return ret;
	}
	root = yaml_document_get_root_node(&l.doc);
	/* an empty file is the defaults */
	if (root && !(root->type == YAML_SCALAR_NODE && !root->data.scalar.length)) {
		if ((ret = each_pair(&l, root, top_pair, NULL)) == 0)
			ret = check_policy(&l, root);
	}
	yaml_document_delete(&l.doc);
	yaml_parser_delete(&parser);
	return ret;
}

int policy_defaults(struct policy **out, struct perr *err)
{
	struct policy *p = xcalloc(1, sizeof(*p));
	int ret;

	*out = NULL;
	if ((ret = load_into(p, policy_default_yaml, strlen(policy_default_yaml),
			     "built-in policy", err)) < 0) {
		xfree(p);
		return ret;
	}
	*out = p;
	return 0;
}

int policy_load(struct policy **out, const char *buf, size_t len, const char *name,
		struct perr *err)
{
	struct policy *p = NULL;
	int ret;

	*out = NULL;
	if ((ret = policy_defaults(&p, err)) < 0)
		return ret;
	if ((ret = load_into(p, buf, len, name, err)) < 0) {
		policy_free(p);
		return ret;
	}
	*out = p;
	return 0;
}

void policy_free(struct policy *p)
{
	xfree(p);
}

bool policy_table_get(const struct policy_table *t, const char *name, double *points)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].name, name)) {
			*points = t->v[i].points;
			return true;
		}
	*points = 0;
	return false;
}

/* --- writing ------------------------------------------------------------- */

static const char *num(char buf[static 32], double d)
{
	snprintf(buf, 32, "%.10g", d);
	return buf;
}

static int write_table(struct pbuf *b, const char *key, const struct policy_table *t)
{
	char n[32];
	size_t i;
	int ret = pbuf_addf(b, "  %s:\n", key);

	for (i = 0; i < t->n && !ret; i++)
		ret = pbuf_addf(b, "    %s: %s\n", t->v[i].name, num(n, t->v[i].points));
	return ret;
}

static int write_bands(struct pbuf *b, const char *key, const struct policy_bands *bands)
{
	char n1[32], n2[32];
	size_t i;
	int ret = pbuf_addf(b, "  %s:%s\n", key, bands->n ? "" : " []");

	for (i = 0; i < bands->n && !ret; i++)
		ret = pbuf_addf(b, "    - {at_least: %s, points: %s}\n", num(n1, bands->v[i].at_least),
				num(n2, bands->v[i].points));
	return ret;
}

static int write_words(struct pbuf *b, bool *first, const char *key, const struct policy_words *w)
{
	size_t i;
	int ret = pbuf_addf(b, "%s%s: [", *first ? "" : ", ", key);

	*first = false;
	for (i = 0; i < w->n && !ret; i++)
		ret = pbuf_addf(b, "%s%s", i ? ", " : "", w->v[i]);
	return ret ? ret : pbuf_adds(b, "]");
}

static int write_when(struct pbuf *b, const struct policy_cond *c)
{
	bool first = true;
	char n[32];
	int ret = pbuf_adds(b, "    when: {");

#define BOOL_COND(bit, key, v)                                                             \
	if (!ret && (c->set & (bit))) {                                                      \
		ret = pbuf_addf(b, "%s" key ": %s", first ? "" : ", ", (v) ? "true" : "false"); \
		first = false;                                                               \
	}
#define NUM_COND(bit, key, v)                                                     \
	if (!ret && (c->set & (bit))) {                                             \
		ret = pbuf_addf(b, "%s" key ": %s", first ? "" : ", ", num(n, (v)));   \
		first = false;                                                      \
	}
#define WORDS_COND(bit, key, w)                          \
	if (!ret && (c->set & (bit)))                    \
		ret = write_words(b, &first, key, (w));
	BOOL_COND(COND_KEV, "kev", c->kev)
	BOOL_COND(COND_RANSOMWARE, "ransomware", c->ransomware)
	BOOL_COND(COND_VALIDATED, "validated", c->validated)
	BOOL_COND(COND_SECRET_VERIFIED, "secret_verified", c->secret_verified)
	WORDS_COND(COND_EXPOSURE, "exposure", &c->exposure)
	WORDS_COND(COND_CRITICALITY, "criticality", &c->criticality)
	WORDS_COND(COND_DATA, "data_sensitivity", &c->data_sensitivity)
	WORDS_COND(COND_ENVIRONMENT, "environment", &c->environment)
	WORDS_COND(COND_REACHABILITY, "reachability", &c->reachability)
	WORDS_COND(COND_KIND, "kind", &c->kind)
	WORDS_COND(COND_SEVERITY, "severity", &c->severity)
	NUM_COND(COND_EPSS, "epss_at_least", c->epss_at_least)
	NUM_COND(COND_PERCENTILE, "percentile_at_least", c->percentile_at_least)
	NUM_COND(COND_CVSS, "cvss_at_least", c->cvss_at_least)
	NUM_COND(COND_AGE, "age_days_at_least", c->age_days_at_least)
#undef BOOL_COND
#undef NUM_COND
#undef WORDS_COND
	return ret ? ret : pbuf_adds(b, "}\n");
}

/* A double-quoted YAML scalar: only the two characters that need it are escaped. */
static int write_quoted(struct pbuf *b, const char *s)
{
	int ret = pbuf_addch(b, '"');

	for (; *s && !ret; s++) {
		if (*s == '"' || *s == '\\')
			ret = pbuf_addch(b, '\\');
		if (!ret)
			ret = pbuf_addch(b, *s);
	}
	return ret ? ret : pbuf_adds(b, "\"\n");
}

static const char *const effect_keys[] = {
	[RULE_SET] = "tier", [RULE_AT_LEAST] = "tier_at_least", [RULE_AT_MOST] = "tier_at_most",
};

int policy_write(const struct policy *p, struct pbuf *b)
{
	static const enum severity sevs[] = { SEV_CRITICAL, SEV_HIGH, SEV_MEDIUM, SEV_LOW, SEV_INFO };
	static const enum tier tiers[] = { TIER_CRITICAL, TIER_HIGH, TIER_MEDIUM, TIER_LOW };
	char n[32];
	size_t i;
	int ret;

	ret = pbuf_adds(b,
		"# posture risk policy: the canonical form 'posture policy show' prints.\n"
		"# What each part means, and why these numbers: docs/risk.md.\n"
		"version: 1\n"
		"\n"
		"# Points add up to the risk, clamped to 0-100.\n"
		"score:\n"
		"  # the CVSS score (0-10) of the best vector among the finding's evidence,\n"
		"  # else a score a tool reported, else the severity read as below\n");
	if (!ret)
		ret = pbuf_addf(b, "  cvss_weight: %s\n  severity_as_cvss:\n", num(n, p->cvss_weight));
	for (i = 0; i < ARRAY_SIZE(sevs) && !ret; i++)
		ret = pbuf_addf(b, "    %s: %s\n", severity_name(sevs[i]),
				num(n, p->severity_as_cvss[sevs[i]]));
	if (!ret)
		ret = pbuf_adds(b, "  # EPSS: the probability of exploitation in the next 30 days, and its\n"
				   "  # percentile; the first band the value reaches counts\n");
	if (!ret)
		ret = write_bands(b, "epss", &p->epss);
	if (!ret)
		ret = write_bands(b, "epss_percentile", &p->epss_percentile);
	if (!ret)
		ret = pbuf_adds(b, "  # on CISA's Known Exploited Vulnerabilities catalog; known ransomware use\n");
	if (!ret)
		ret = pbuf_addf(b, "  kev: %s\n", num(n, p->kev));
	if (!ret)
		ret = pbuf_addf(b, "  kev_ransomware: %s\n", num(n, p->kev_ransomware));
	if (!ret)
		ret = pbuf_adds(b, "  # the app's context; a value a table lacks counts 0, the most\n"
				   "  # sensitive data class the app holds counts\n");
	if (!ret)
		ret = write_table(b, "exposure", &p->exposure);
	if (!ret)
		ret = write_table(b, "criticality", &p->criticality);
	if (!ret)
		ret = write_table(b, "data_sensitivity", &p->data_sensitivity);
	if (!ret)
		ret = write_table(b, "environment", &p->environment);
	if (!ret)
		ret = pbuf_adds(b, "  # whether the vulnerable code is reached, as the tools tell\n");
	if (!ret)
		ret = write_table(b, "reachability", &p->reachability);
	if (!ret)
		ret = pbuf_adds(b, "  # a dynamic test confirmed it; the secret was checked and is live\n");
	if (!ret)
		ret = pbuf_addf(b, "  validated: %s\n", num(n, p->validated));
	if (!ret)
		ret = pbuf_addf(b, "  secret_verified: %s\n", num(n, p->secret_verified));
	if (!ret)
		ret = pbuf_adds(b, "  # days since the finding was first seen\n");
	if (!ret)
		ret = write_bands(b, "age_days", &p->age_days);
	if (!ret)
		ret = pbuf_adds(b, "\n# The lowest risk of each tier.\ntiers:\n");
	for (i = 0; i < ARRAY_SIZE(tiers) && !ret; i++)
		ret = pbuf_addf(b, "  %s: %d\n", tier_name(tiers[i]), p->tier_min[tiers[i]]);
	if (!ret)
		ret = pbuf_addf(b,
			"\n# Hard rules, after the thresholds: the first rule whose conditions all\n"
			"# hold sets the tier (tier), raises it (tier_at_least) or caps it\n"
			"# (tier_at_most); the risk moves to the nearest edge of the new tier.\n"
			"rules:%s\n", p->nrules ? "" : " []");
	for (i = 0; i < p->nrules && !ret; i++) {
		const struct policy_rule *r = &p->rules[i];

		ret = pbuf_addf(b, "  - name: %s\n", r->name);
		if (!ret && r->description[0]) {
			ret = pbuf_adds(b, "    description: ");
			if (!ret)
				ret = write_quoted(b, r->description);
		}
		if (!ret)
			ret = write_when(b, &r->when);
		if (!ret)
			ret = pbuf_addf(b, "    %s: %s\n", effect_keys[r->effect], tier_name(r->tier));
	}
	if (!ret)
		ret = pbuf_adds(b, "\n# Days to fix, by tier.\nsla_days:\n");
	for (i = 0; i < ARRAY_SIZE(tiers) && !ret; i++)
		ret = pbuf_addf(b, "  %s: %d\n", tier_name(tiers[i]), p->sla_days[tiers[i]]);
	if (!ret)
		ret = pbuf_addf(b, "# A finding on KEV is due no later than CISA's dueDate.\n"
				   "kev_due_date: %s\n"
				   "# What 'posture gate' does with a finding of each tier: block, warn or off.\n"
				   "gate:\n", p->kev_due_date ? "true" : "false");
	for (i = 0; i < ARRAY_SIZE(tiers) && !ret; i++)
		ret = pbuf_addf(b, "  %s: %s\n", tier_name(tiers[i]), gate_mode_name(p->gate[tiers[i]]));
	return ret;
}

void policy_digest(const struct policy *p, char out[static 65])
{
	struct pbuf b = PBUF_INIT;

	if (policy_write(p, &b) < 0)
		pbuf_reset(&b);
	sha256_hex(b.buf, b.len, out);
	pbuf_release(&b);
}
