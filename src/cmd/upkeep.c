#include "posture.h"
#include "cmd/upkeep.h"
#include "cmd/scoring.h"
#include "engine/exceptions.h"
#include "engine/lifecycle.h"
#include "engine/sla.h"
#include "parse/json.h"
#include "util/alloc.h"
#include "util/ptime.h"

#include <pwd.h>
#include <unistd.h>

const char *upkeep_actor(const char *by)
{
	const char *v;
	struct passwd *pw;

	if (by && *by)
		return by;
	if ((v = getenv("POSTURE_USER")) && *v)
		return v;
	if ((v = getlogin()) && *v)
		return v;
	if ((pw = getpwuid(getuid())) && pw->pw_name && *pw->pw_name)
		return pw->pw_name;
	return "unknown";
}

int upkeep_policy(struct policy **policy, const char *db_path, struct perr *err)
{
	char source[SCORING_SOURCE_MAX];

	return scoring_load_policy(policy, source, db_path, NULL, err);
}

bool upkeep_finding_id(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (*s == '#')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return false;
	*out = v;
	return true;
}

/* --- exceptions --- */

struct apply {
	struct store *s;
	const struct exception_list *l;
	int64_t now;
	struct upkeep_stats *st;
	struct arena a;
};

/* The vulnerability ids of a finding (JSON array text), as a NULL-free array in a. */
static size_t vuln_ids(struct arena *a, const char *json, const char ***out)
{
	struct perr ignored = PERR_INIT;
	struct jnode *root = NULL;
	const struct jnode *n;
	const char **v;
	size_t i = 0;

	*out = NULL;
	if (!json || json_parse_tree(&root, a, json, strlen(json), NULL, &ignored) < 0 ||
	    !json_is(root, JARR) || !root->len)
		return 0;
	v = arena_alloc(a, root->len * sizeof(*v));
	if (!v)
		return 0;
	json_for_each(n, root)
		if (json_str(n))
			v[i++] = json_str(n);
	*out = v;
	return i;
}

static int apply_one(const struct exception_candidate *c, void *payload, struct perr *err)
{
	struct apply *ap = payload;
	struct exception_subject subj = {
		.finding_id = c->finding_id, .fingerprint = c->fingerprint, .rule = c->rule,
		.package = c->package, .path = c->path, .app = c->app,
	};
	const struct exception_entry *e;
	const char **ids = NULL;
	char reason[1200];
	int ret;

	arena_reset(&ap->a);
	subj.nvuln_ids = vuln_ids(&ap->a, c->vuln_ids, &ids);
	subj.vuln_ids = ids;
	e = exceptions_match(ap->l, &subj, ap->now, NULL);
	if (e) {
		struct status_change ch = {
			.finding_id = c->finding_id, .at = ap->now, .exception_id = e->id,
			.from = c->status, .to = e->status, .event = EVENT_ACCEPTED,
			.actor = e->approver, .reason = reason,
		};

		if (c->exception_id == e->id && c->status == e->status)
			return 0;
		snprintf(reason, sizeof(reason), "exception %lld%s%s%s: %s", (long long)e->id,
			 e->source ? " (" : "", e->source ? e->source : "", e->source ? ")" : "",
			 e->reason ? e->reason : "");
		if ((ret = store_finding_change(ap->s, &ch, err)) < 0)
			return ret;
		ap->st->accepted++;
		return 0;
	}
	if (c->exception_id && !status_is_active(c->status)) {
		/* its exception was withdrawn (the file no longer lists it) or expired */
		struct status_change ch = {
			.finding_id = c->finding_id, .at = ap->now, .from = c->status,
			.to = STATUS_REOPENED, .event = EVENT_EXPIRED, .actor = "posture", .reason = reason,
		};

		snprintf(reason, sizeof(reason), "exception %lld withdrawn", (long long)c->exception_id);
		if ((ret = store_finding_change(ap->s, &ch, err)) < 0)
			return ret;
		ap->st->released++;
	}
	return 0;
}

int upkeep_exceptions(struct store *s, int64_t now, int64_t scan_id, struct upkeep_stats *st,
		      struct perr *err)
{
	struct exception_list l;
	struct apply ap = { s, &l, now, st };
	int ret;

	exceptions_init(&l);
	arena_init(&ap.a, 0);
	if ((ret = store_exceptions_load(s, now, &l, err)) >= 0)
		ret = store_exception_candidates_each(s, scan_id, l.n == 0, apply_one, &ap, err);
	arena_release(&ap.a);
	exceptions_release(&l);
	return ret;
}

/* --- SLA clocks --- */

struct clocks {
	struct store *s;
	const struct policy *p;
	int64_t now;
	struct upkeep_stats *st;
};

bool upkeep_clock(const struct sla_pending *p, const struct policy *pol, int64_t now,
		  struct sla_put *put)
{
	struct sla_clock c = SLA_CLOCK_INIT;
	struct sla_facts f = { -1, false, false, now, 0 };
	struct perr ignored = PERR_INIT;
	enum tier t;

	if (tier_parse(&t, p->tier) < 0)
		return false;
	f.tier = (int)t;
	f.paused = p->status == STATUS_RISK_ACCEPTED;
	if (p->sla_recurrence >= 0 && p->due) {
		c.start = p->start;
		c.due = p->due;
		c.paused_at = p->paused_at;
		c.tier_at = p->tier_at;
		if (p->sla_tier && tier_parse(&t, p->sla_tier) == 0)
			c.tier = (int)t;
		f.reopened = p->recurrence != p->sla_recurrence;
		/* a reopen, a pause or its end counts from when the status changed */
		if ((f.reopened || f.paused != (p->paused_at != 0)) && p->status_at > 0 &&
		    p->status_at <= now)
			f.at = p->status_at;
	} else {
		/* the first clock counts from when the finding was first seen */
		f.at = p->first_seen;
	}
	if (p->kev_due && ptime_parse(&f.kev_due, p->kev_due, &ignored) < 0)
		f.kev_due = 0;
	sla_update(&c, &f, pol->sla_days);
	/* a first clock that starts paused stands still from now, not from first seen */
	if (f.paused && p->sla_recurrence < 0)
		c.paused_at = now > c.start ? now : c.start;
	put->finding_id = p->finding_id;
	put->start = c.start;
	put->due = c.due;
	put->paused_at = c.paused_at;
	put->tier_at = c.tier_at;
	put->tier = p->tier;
	put->kev_due = p->kev_due;
	put->recurrence = p->recurrence;
	return true;
}

bool upkeep_clock_needs_status_at(const struct sla_pending *p)
{
	return p->sla_recurrence >= 0 && p->due &&
	       (p->recurrence != p->sla_recurrence ||
		(p->status == STATUS_RISK_ACCEPTED) != (p->paused_at != 0));
}

static int clock_one(const struct sla_pending *p, void *payload, struct perr *err)
{
	struct clocks *cl = payload;
	struct sla_put put;

	if (!upkeep_clock(p, cl->p, cl->now, &put))
		return 0;
	cl->st->clocks++;
	return store_sla_put(cl->s, &put, err);
}

int upkeep_sla(struct store *s, const struct policy *p, int64_t now, struct upkeep_stats *st,
	       struct perr *err)
{
	struct clocks cl = { s, p, now, st };

	return store_sla_pending_each(s, p->kev_due_date, clock_one, &cl, err);
}

/* --- verification --- */

void upkeep_lineage_check(struct lineage_check *out, const struct lineage_row *r)
{
	out->code_fixed_at = r->code_fixed_at;
	out->last_scan = r->last_scan;
	out->still_there = r->present == 1 || r->same_finding_id != 0;
	out->went_away = r->present == 0;
}

int upkeep_verify(struct store *s, int64_t now, struct upkeep_stats *st, struct perr *err)
{
	struct lineage_row *rows = NULL;
	struct lineage_check *c = NULL;
	size_t n = 0, alloc = 0, i, j;
	int ret;

	if ((ret = store_fixed_lineage(s, &rows, &n, err)) < 0)
		return ret;
	/* rows come grouped by finding: decide each group, then write */
	for (i = 0; i < n && ret >= 0; i = j) {
		size_t k = 0;

		for (j = i; j < n && rows[j].finding_id == rows[i].finding_id; j++) {
			ALLOC_GROW(c, k + 1, alloc);
			upkeep_lineage_check(&c[k++], &rows[j]);
		}
		if (lifecycle_verified(c, k)) {
			struct status_change ch = {
				.finding_id = rows[i].finding_id, .at = now, .from = STATUS_FIXED,
				.to = STATUS_VERIFIED, .event = EVENT_STATUS, .actor = "posture",
				.reason = "gone from every downstream image and service",
			};

			if ((ret = store_finding_change(s, &ch, err)) < 0)
				break;
			st->verified++;
		}
	}
	xfree(c);
	xfree(rows);
	return ret;
}

int upkeep_run(struct store *s, const struct policy *p, int64_t now, int64_t scan_id,
	       struct upkeep_stats *st, struct perr *err)
{
	long expired = 0;
	int ret;

	if ((ret = store_expire_exceptions(s, now, &expired, err)) < 0)
		return ret;
	st->expired += expired;
	/* what an expiry reopened may be covered by another exception */
	if ((ret = upkeep_exceptions(s, now, expired ? 0 : scan_id, st, err)) < 0)
		return ret;
	return upkeep_sla(s, p, now, st, err);
}
