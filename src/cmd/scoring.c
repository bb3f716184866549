/* Scoring findings: the policy in force, risk inputs from the store, results back. */
#include "posture.h"
#include "cmd/scoring.h"
#include "cmd/upkeep.h"
#include "engine/cvss.h"
#include "model/ids.h"
#include "parse/json.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/file.h"

#include <math.h>
#include <sys/stat.h>

#define POLICY_FILE_NAME "posture-policy.yaml"
#define BUILTIN_SOURCE "built-in defaults"

/* posture-policy.yaml in the directory that holds the database. */
static void beside_db(char out[static SCORING_SOURCE_MAX], const char *db_path)
{
	const char *slash = db_path ? strrchr(db_path, '/') : NULL;

	if (!slash)
		snprintf(out, SCORING_SOURCE_MAX, "%s", POLICY_FILE_NAME);
	else
		snprintf(out, SCORING_SOURCE_MAX, "%.*s/%s", (int)(slash - db_path), db_path,
			 POLICY_FILE_NAME);
}

int scoring_load_policy(struct policy **out, char source_out[static SCORING_SOURCE_MAX],
			const char *db_path, const char *file, struct perr *err)
{
	const char *env = getenv("POSTURE_POLICY");
	char *text = NULL;
	size_t len = 0;
	struct stat st;
	int ret;

	*out = NULL;
	if (file && *file) {
		snprintf(source_out, SCORING_SOURCE_MAX, "%s", file);
	} else if (env && *env) {
		snprintf(source_out, SCORING_SOURCE_MAX, "%s", env);
	} else {
		beside_db(source_out, db_path);
		if (stat(source_out, &st) < 0 && errno == ENOENT) {
			snprintf(source_out, SCORING_SOURCE_MAX, "%s", BUILTIN_SOURCE);
			return policy_defaults(out, err);
		}
	}
	if ((ret = pfile_slurp(&text, &len, source_out, POLICY_FILE_MAX, err)) < 0) {
		if (ret == P_ENOTFOUND)
			perr_set(err, P_EINVALID, "policy file '%s' does not exist", source_out);
		return ret == P_ENOTFOUND ? P_EINVALID : ret;
	}
	ret = policy_load(out, text, len, source_out, err);
	xfree(text);
	return ret;
}

struct scoring_kev {
	char *date_added, *due_date;
	bool ransomware;
	bool has_due;           /* due_date was not NULL */
};

struct scoring_epss {
	double epss, percentile;
};

/* Past this many lookups in one run, reading every score once is cheaper. */
#define EPSS_PRELOAD_AFTER 100000

void scoring_init(struct scoring *sc)
{
	memset(sc, 0, sizeof(*sc));
	jw_init_mem(&sc->w);
	arena_init(&sc->epss_arena, 0);
}

static void clear_epss(struct scoring *sc)
{
	strmap_release(&sc->epss_scores);
	arena_release(&sc->epss_arena);
	arena_init(&sc->epss_arena, 0);
	sc->epss_loaded = false;
	sc->epss_lookups = 0;
}

static int load_epss(const char *cve, double epss, double percentile, void *payload,
		     struct perr *err)
{
	struct scoring *sc = payload;
	struct scoring_epss *e = arena_alloc(&sc->epss_arena, sizeof(*e));

	e->epss = epss;
	e->percentile = percentile;
	strmap_put(&sc->epss_scores, arena_strdup(&sc->epss_arena, cve), e);
	return 0;
}

/* One CVE's EPSS score: P_ENOTFOUND (no message) when the feed has none. */
static int epss_lookup(struct scoring *sc, const char *cve, double *epss, double *pct,
		       struct perr *err)
{
	const struct scoring_epss *e;
	int ret;

	if (!sc->epss_loaded && ++sc->epss_lookups > EPSS_PRELOAD_AFTER) {
		if ((ret = store_epss_each(sc->store, load_epss, sc, err)) < 0)
			return ret;
		sc->epss_loaded = true;
	}
	if (!sc->epss_loaded)
		return store_epss_get(sc->store, cve, epss, pct, err);
	if (!(e = strmap_get(&sc->epss_scores, cve)))
		return P_ENOTFOUND;
	*epss = e->epss;
	*pct = e->percentile;
	return 0;
}

int scoring_open(struct scoring *sc, const struct ctx *ctx, const char *policy_file,
		 struct perr *err)
{
	int ret;

	sc->now = ctx->now;
	if ((ret = scoring_load_policy(&sc->policy, sc->source, ctx->db_path, policy_file, err)) < 0)
		return ret;
	policy_digest(sc->policy, sc->digest);
	return 0;
}

static void clear_kev(struct scoring *sc)
{
	size_t i;

	for (i = 0; i < sc->kev_entries.size; i++) {
		struct scoring_kev *k = sc->kev_entries.table[i].value;

		if (!sc->kev_entries.table[i].key)
			continue;
		xfree((void *)sc->kev_entries.table[i].key);
		xfree(k->date_added);
		xfree(k->due_date);
		xfree(k);
	}
	strmap_release(&sc->kev_entries);
}

void scoring_release(struct scoring *sc)
{
	clear_kev(sc);
	clear_epss(sc);
	policy_free(sc->policy);
	sc->policy = NULL;
	jw_release(&sc->w);
}

static int load_kev(const struct kev_row *row, void *payload, struct perr *err)
{
	struct scoring *sc = payload;
	struct scoring_kev *k = xcalloc(1, sizeof(*k));

	k->date_added = xstrdup(row->date_added ? row->date_added : "");
	k->due_date = xstrdup(row->due_date ? row->due_date : "");
	k->has_due = row->due_date != NULL;
	k->ransomware = row->ransomware && !strcmp(row->ransomware, "Known");
	strmap_put(&sc->kev_entries, xstrdup(row->cve), k);
	return 0;
}

/* The policy that scores findings from now on: record it, and say whether it is new. */
static int policy_in_force(struct scoring *sc, bool *rescore_all, struct perr *err)
{
	struct pbuf text = PBUF_INIT;
	char current[65];
	bool found;
	int ret;

	*rescore_all = false;
	if ((ret = store_policy_current(sc->store, current, &found, err)) < 0)
		return ret;
	if (found && !strcmp(current, sc->digest))
		return 0;
	/* a first scoring may meet findings stored before scoring existed: all of them */
	*rescore_all = true;
	sc->stats->policy_changed = found;
	if (policy_write(sc->policy, &text) < 0) {
		pbuf_release(&text);
		return perr_set(err, P_ERROR, "policy too large to record");
	}
	ret = store_policy_use(sc->store, sc->digest, sc->source, text.buf, sc->now, err);
	pbuf_release(&text);
	return ret;
}

/* The best CVSS among the evidence: the highest score, a vector over a bare score on a tie. */
static void best_cvss(struct risk_input *in, const struct risk_row *row)
{
	size_t i;

	for (i = 0; i < row->nev; i++) {
		const struct risk_evidence *e = &row->ev[i];
		struct perr ignored = PERR_INIT;
		struct cvss_vector v;
		enum risk_cvss_source src;
		double score;

		if (e->cvss_vector && cvss_parse(&v, e->cvss_vector, &ignored) == 0) {
			score = cvss_score(&v);
			src = RISK_CVSS_VECTOR;
		} else if (e->has_score && e->cvss_score >= 0 && e->cvss_score <= 10) {
			score = e->cvss_score;
			src = RISK_CVSS_SCORE;
		} else {
			continue;
		}
		if (in->cvss_source == RISK_CVSS_NONE || score > in->cvss ||
		    (score == in->cvss && src == RISK_CVSS_VECTOR && in->cvss_source != RISK_CVSS_VECTOR)) {
			in->cvss = score;
			in->cvss_source = src;
			in->cvss_vector = src == RISK_CVSS_VECTOR ? e->cvss_vector : NULL;
		}
	}
}

static bool parse_unit(const char *s, double *out)
{
	char *end;
	double d;

	if (!s || !*s)
		return false;
	d = strtod(s, &end);
	if (*end || !(d >= 0 && d <= 1))
		return false;
	*out = d;
	return true;
}

/* Tools that tell reachability: the strongest claim of reach wins. */
static enum reachability reach_rank(const char *s)
{
	if (!s)
		return REACH_UNKNOWN;
	if (!strcmp(s, "reachable"))
		return REACH_REACHABLE;
	if (!strcmp(s, "imported"))
		return REACH_IMPORTED;
	if (!strcmp(s, "not_reachable"))
		return REACH_NOT_REACHABLE;
	return REACH_UNKNOWN;
}

static int reach_order(enum reachability r)
{
	return r == REACH_REACHABLE ? 3 : r == REACH_IMPORTED ? 2 : r == REACH_NOT_REACHABLE ? 1 : 0;
}

#define SCORING_MAX_CVES 32

/*
 * The CVEs among the vuln ids (a JSON array of plain ids): the one on KEV
 * (earliest due date) wins, else the one with the highest EPSS, else the first.
 */
static int exploitation(struct scoring *sc, struct risk_input *in, const struct risk_row *row,
			char cve_out[static 32], struct perr *err)
{
	const char *p = row->vuln_ids ? row->vuln_ids : "";
	bool kev_seen = false;
	int n = 0, ret;

	while ((p = strchr(p, '"')) && n < SCORING_MAX_CVES) {
		const char *end = strchr(p + 1, '"');
		char id[32];
		size_t len;
		double epss, pct;
		const struct scoring_kev *k;

		if (!end)
			break;
		len = (size_t)(end - p - 1);
		if (len < sizeof(id)) {
			memcpy(id, p + 1, len);
			id[len] = '\0';
		} else {
			id[0] = '\0';
		}
		p = end + 1;
		if (!ids_is_cve(id))
			continue;
		n++;
		if (!in->cve)
			in->cve = memcpy(cve_out, id, len + 1);
		if ((k = strmap_get(&sc->kev_entries, id)) &&
		    (!kev_seen || strcmp(k->due_date, in->kev_due_date) < 0)) {
			kev_seen = in->kev = true;
			in->kev_ransomware = k->ransomware;
			in->kev_date_added = k->date_added;
			in->kev_due_date = k->due_date;
			in->cve = memcpy(cve_out, id, len + 1);
		}
		if (!sc->epss.found)
			continue;
		ret = epss_lookup(sc, id, &epss, &pct, err);
		if (ret == P_ENOTFOUND)
			continue;
		if (ret < 0)
			return ret;
		if (!in->has_epss || epss > in->epss) {
			in->has_epss = true;
			in->epss = epss;
			in->epss_percentile = pct;
			if (!kev_seen)
				in->cve = memcpy(cve_out, id, len + 1);
		}
	}
	return 0;
}

static int build_input(struct scoring *sc, struct risk_input *in, const struct risk_row *row,
		       char cve[static 32], struct perr *err)
{
	size_t i;
	int ret;

	memset(in, 0, sizeof(*in));
	in->kind = row->kind;
	in->severity = row->severity;
	in->epss_percentile = -1;
	in->exposure = row->exposure;
	in->criticality = row->criticality;
	in->data_sensitivity = row->data_sensitivity;
	in->environment = row->environment;
	/* a DAST finding on the URL in front of this code confirmed the weakness */
	if (row->validated_by) {
		in->validated = true;
		in->validated_by = row->validated_by;
	}
	in->age_days = sc->now > row->first_seen ? (long)((sc->now - row->first_seen) / 86400) : 0;
	best_cvss(in, row);
	if ((ret = exploitation(sc, in, row, cve, err)) < 0)
		return ret;
	for (i = 0; i < row->nev; i++) {
		const struct risk_evidence *e = &row->ev[i];
		enum reachability r = reach_rank(e->reachability);
		double d;

		if (reach_order(r) > reach_order(in->reachability))
			in->reachability = r;
		in->validated |= e->validated;
		in->secret_verified |= e->secret_verified;
		/* the report's own EPSS, when the feed has none for the CVE */
		if (!in->has_epss && parse_unit(e->epss, &d)) {
			in->has_epss = in->epss_from_report = true;
			in->epss = d;
			if (!parse_unit(e->epss_percentile, &in->epss_percentile))
				in->epss_percentile = -1;
		}
	}
	return 0;
}

/* A string known to need no escape (tier and factor names, hex): quoted and copied. */
static void plain_str(struct jw *w, const char *s, size_t len)
{
	jw_append_lit(w, "\"");
	jw_append(w, s, len);
	jw_append_lit(w, "\"");
}

static void any_str(struct jw *w, const char *s)
{
	jw_append_str(w, s, s ? strlen(s) : 0);
}

/*
 * The stored explanation: compact, because a rescore may write one per
 * finding. Factors are [name, value, points]; the policy is named by the
 * first 16 hex digits of its digest (the policies table has its text).
 * The layout is fixed, so it goes straight into the buffer (as
 * out_evidence_json does): the same bytes the writer's state machine
 * gave, for a third of the instructions.
 */
void scoring_explanation(struct scoring *sc, struct jw *w, const struct risk_input *in,
			 const struct risk_result *r)
{
	const char *t;
	size_t i;

	if (!jw_value_begin(w))
		return;
	jw_append_lit(w, "{\"risk\":");
	jw_append_int(w, r->risk);
	jw_append_lit(w, ",\"tier\":");
	t = tier_name(r->tier);
	plain_str(w, t, strlen(t));
	jw_append_lit(w, ",\"score\":");
	jw_append_int(w, r->score);
	jw_append_lit(w, ",\"score_tier\":");
	t = tier_name(r->score_tier);
	plain_str(w, t, strlen(t));
	jw_append_lit(w, ",\"rule\":");
	any_str(w, r->rule >= 0 ? sc->policy->rules[r->rule].name : NULL);
	jw_append_lit(w, ",\"factors\":[");
	for (i = 0; i < r->nfactors; i++) {
		jw_append(w, i ? ",[" : "[", i ? 2 : 1);
		plain_str(w, r->factors[i].name, strlen(r->factors[i].name));
		jw_append_lit(w, ",");
		any_str(w, r->factors[i].value);
		/* most factors score nothing: the "0" jw_num would print, without formatting it */
		if (r->factors[i].points == 0 && !signbit(r->factors[i].points))
			jw_append_lit(w, ",0]");
		else {
			jw_append_lit(w, ",");
			jw_append_num(w, r->factors[i].points, 6);
			jw_append_lit(w, "]");
		}
	}
	jw_append_lit(w, "],\"cve\":");
	any_str(w, in->cve);
	jw_append_lit(w, ",\"epss\":");
	any_str(w, sc->epss.found ? sc->epss.version : NULL);
	jw_append_lit(w, ",\"epss_model\":");
	any_str(w, sc->epss.found && sc->epss.model[0] ? sc->epss.model : NULL);
	jw_append_lit(w, ",\"kev\":");
	any_str(w, sc->kev.found ? sc->kev.version : NULL);
	jw_append_lit(w, ",\"policy\":");
	plain_str(w, sc->digest, 16);
	jw_append_lit(w, "}");
	jw_value_end(w);
}

/*
 * A 64-bit digest of everything the explanation says, taken from the
 * result itself so that an unchanged finding costs no JSON: eight bytes at
 * a time, multiply-xorshift mixing. Only equality matters.
 */
static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v * 0x9e3779b97f4a7c15ULL;
	h = (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 32);
}

static uint64_t mix_str(uint64_t h, const char *s)
{
	size_t len = s ? strlen(s) : 0, i;
	uint64_t v;

	h = mix(h, len + (s ? 1 : 0));
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&v, s + i, 8);
		h = mix(h, v);
	}
	if (i < len) {
		v = 0;
		memcpy(&v, s + i, len - i);
		h = mix(h, v);
	}
	return h;
}

static uint64_t mix_num(uint64_t h, double d)
{
	uint64_t v;

	memcpy(&v, &d, sizeof(v));
	return mix(h, v);
}

/*
 * What makes an explanation worth rewriting: the outcome and each factor's
 * points. A value that moves without moving points (one more day of age,
 * an EPSS score that stays in its band) or a new feed version that changes
 * nothing keeps the stored explanation, which stays true as of when it was
 * written; 'posture explain' shows today's values.
 */
static int64_t result_digest(const struct risk_result *r)
{
	uint64_t h = 0x2545f4914f6cdd1dULL;
	size_t i;

	h = mix(h, (uint64_t)r->risk << 32 | (uint64_t)r->score << 8 | (uint64_t)r->tier << 4 | r->score_tier);
	h = mix(h, (uint64_t)(r->rule + 1));
	for (i = 0; i < r->nfactors; i++) {
		h = mix_str(h, r->factors[i].name);
		h = mix_num(h, r->factors[i].points);
	}
	return (int64_t)h;
}

/* The earlier of *out and id's KEV dueDate. */
static void kev_due_min(const struct scoring *sc, const char *id, const char **out)
{
	const struct scoring_kev *k = strmap_get(&sc->kev_entries, id);

	if (k && k->has_due && (!*out || strcmp(k->due_date, *out) < 0))
		*out = k->due_date;
}

/* kev_due_of() for vuln_ids that are not plain: through the JSON parser. */
static bool kev_due_parsed(const struct scoring *sc, const char *ids, const char **out)
{
	struct arena a = ARENA_INIT;
	struct perr err = PERR_INIT;
	struct jnode *root;
	const struct jnode *n;
	bool ok = false;

	*out = NULL;
	if (json_parse_tree(&root, &a, ids, strlen(ids), &json_default_limits, &err) == 0 &&
	    json_is(root, JARR)) {
		ok = true;
		json_for_each(n, root)
			if (json_str(n))
				kev_due_min(sc, json_str(n), out);
	}
	perr_clear(&err);
	arena_release(&a);
	return ok;
}

/*
 * The earliest KEV dueDate of the finding's ids, as store_sla_pending_each()
 * computes it in SQL (NULL when the policy ignores dueDates, or none is on
 * KEV). Ids are read in place when vuln_ids is the plain array of plain
 * strings ingest writes, else parsed as JSON (escapes, long ids). False
 * when it is not a JSON array: the SLA pass then takes the clock as before.
 * The SLA pass reads every clock against the catalog only when the catalog
 * changes, so a clock written here must carry its dueDate.
 */
static bool kev_due_of(const struct scoring *sc, const char *ids, const char **out)
{
	const char *p = ids, *end;
	char id[128];
	size_t len;

	*out = NULL;
	if (!sc->policy->kev_due_date || !p || !strcmp(p, "[]"))
		return true;
	if (*p++ != '[')
		return false;
	for (;;) {
		if (*p++ != '"' || !(end = strpbrk(p, "\\\"")) || *end != '"')
			break;
		len = (size_t)(end - p);
		if (len >= sizeof(id))
			break;
		memcpy(id, p, len);
		id[len] = '\0';
		kev_due_min(sc, id, out);
		p = end + 1;
		if (*p == ']')
			return !p[1];
		if (*p++ != ',')
			break;
	}
	return kev_due_parsed(sc, ids, out);
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * The finding's SLA clock with its new tier, when it is behind (what
 * store_sla_pending_each() would pick) and can be brought up to date here:
 * written with the score instead of read back by a second pass. False:
 * nothing to write now (up to date, or left to upkeep_sla()).
 */
static bool sla_of(const struct scoring *sc, const struct risk_row *row, const char *tier,
		   struct sla_put *put)
{
	struct sla_pending p;

	if (!status_is_active(row->status))
		return false;
	memset(&p, 0, sizeof(p));
	if (!kev_due_of(sc, row->vuln_ids, &p.kev_due))
		return false;
	if (row->sla_tier && !strcmp(row->sla_tier, tier) && row->sla_recurrence == row->recurrence &&
	    !row->sla_paused_at && same_text(row->sla_kev_due, p.kev_due))
		return false;
	p.finding_id = row->id;
	p.tier = tier;
	p.sla_tier = row->sla_tier;
	p.status = row->status;
	p.recurrence = row->recurrence;
	p.sla_recurrence = row->sla_recurrence;
	p.first_seen = row->first_seen;
	p.start = row->sla_start;
	p.due = row->sla_due;
	p.paused_at = row->sla_paused_at;
	p.tier_at = row->tier_at;
	if (upkeep_clock_needs_status_at(&p))
		return false;
	return upkeep_clock(&p, sc->policy, sc->now, put);
}

static int score_row(const struct risk_row *row, void *payload, struct perr *err)
{
	struct scoring *sc = payload;
	struct scoring_stats *st = sc->stats;
	struct risk_input in;
	struct risk_result r;
	struct sla_put sla;
	const char *text, *tier;
	char cve[32];
	size_t len;
	int64_t digest;
	bool same, has_sla;
	int ret;

	if ((ret = build_input(sc, &in, row, cve, err)) < 0)
		return ret;
	risk_score(&r, sc->policy, &in);
	st->by_tier[r.tier]++;
	if (sc->observe && (ret = sc->observe(row, &in, &r, sc->observe_payload, err)) < 0)
		return ret;
	if (sc->dry_run)
		return 0;
	digest = result_digest(&r);
	tier = tier_name(r.tier);
	same = row->risk == r.risk && row->tier && !strcmp(row->tier, tier);
	has_sla = sla_of(sc, row, tier, &sla);
	if (row->has_explanation && row->explanation_digest == digest && same) {
		if (!has_sla)
			return 0;
		return store_sla_put(sc->store, &sla, err);
	}
	st->changed++;
	jw_mem_clear(&sc->w);
	scoring_explanation(sc, &sc->w, &in, &r);
	text = jw_mem(&sc->w, &len);
	if ((ret = store_risk_put(sc->store, &(struct risk_put){ .finding_id = row->id, .risk = r.risk,
				  .tier = tier, .digest = digest, .at = sc->now, .explanation = text,
				  .unchanged = same, .sla = has_sla ? &sla : NULL }, err)) < 0)
		return ret;
	if (row->tier && strcmp(row->tier, tier)) {
		char reason[160];
		struct event e = {
			.finding_id = row->id, .at = sc->now, .type = EVENT_TIER, .from = row->tier,
			.to = tier, .actor = "posture", .reason = reason,
		};

		snprintf(reason, sizeof(reason), "risk %d -> %d%s%s%s", row->risk, r.risk,
			 r.rule >= 0 && r.tier != r.score_tier ? ", set by rule " : "",
			 r.rule >= 0 && r.tier != r.score_tier ? sc->policy->rules[r.rule].name : "",
			 st->policy_changed ? ", new policy" : "");
		st->tier_changed++;
		if ((ret = store_event_add(sc->store, &e, err)) < 0)
			return ret;
	}
	return 0;
}

int scoring_feeds(struct scoring *sc, struct store *s, struct perr *err)
{
	int ret;

	sc->store = s;
	clear_kev(sc);
	clear_epss(sc);
	memset(&sc->epss, 0, sizeof(sc->epss));
	memset(&sc->kev, 0, sizeof(sc->kev));
	if (!s)
		return 0;
	if ((ret = store_feed_current(s, "epss", &sc->epss, err)) < 0 ||
	    (ret = store_feed_current(s, "kev", &sc->kev, err)) < 0)
		return ret;
	return store_kev_each(s, load_kev, sc, err);
}

int scoring_score(struct scoring *sc, const struct risk_row *row, struct risk_input *in,
		  char cve[static 32], struct risk_result *out, struct perr *err)
{
	int ret;

	if ((ret = build_input(sc, in, row, cve, err)) < 0)
		return ret;
	risk_score(out, sc->policy, in);
	return 0;
}

int scoring_run(struct scoring *sc, struct store *s, const struct risk_scope *scope,
		struct scoring_stats *stats, struct perr *err)
{
	struct risk_scope all = { 0 };
	bool rescore_all = false;
	int ret;

	memset(stats, 0, sizeof(*stats));
	sc->store = s;
	sc->stats = stats;
	if (!sc->dry_run && (ret = policy_in_force(sc, &rescore_all, err)) < 0)
		return ret;
	if (rescore_all && !scope->finding_id)
		scope = &all;
	if ((ret = scoring_feeds(sc, s, err)) < 0)
		return ret;
	if ((ret = store_risk_each(s, scope, &stats->scope, score_row, sc, err)) < 0 || sc->dry_run)
		return ret;
	/* a tier that changed moves its finding's SLA clock (docs/sla.md) */
	return upkeep_sla(s, sc->policy, sc->now, &(struct upkeep_stats){ 0 }, err);
}
