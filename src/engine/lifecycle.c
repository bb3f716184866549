#include "posture.h"
#include "engine/lifecycle.h"

void lifecycle_seen(struct seen_result *out, const struct seen_input *in)
{
	memset(out, 0, sizeof(*out));
	out->status = in->status;
	if (!in->exists) {
		out->outcome = SEEN_NEW;
		out->status = STATUS_OPEN;
		out->event = EVENT_OPENED;
		return;
	}
	if (in->already_in_scan) {
		out->outcome = SEEN_MERGED;
		return;
	}
	if (in->status == STATUS_FIXED || in->status == STATUS_VERIFIED) {
		/* a backfilled scan from before the fix does not reopen it */
		if (in->fixed_at && in->scan_time < in->fixed_at) {
			out->outcome = SEEN_HISTORY;
			return;
		}
		out->outcome = SEEN_REOPENED;
		out->status = STATUS_REOPENED;
		out->status_changed = true;
		out->event = EVENT_REOPENED;
		return;
	}
	/* people's decisions (accepted, false positive, won't fix) survive re-scans */
	out->outcome = SEEN_AGAIN;
}

bool lifecycle_absent(enum status *out, enum status cur)
{
	switch (cur) {
	case STATUS_OPEN:
	case STATUS_TRIAGED:
	case STATUS_IN_PROGRESS:
	case STATUS_REOPENED:
	case STATUS_RISK_ACCEPTED:
	case STATUS_WONT_FIX:
		*out = STATUS_FIXED;
		return true;
	case STATUS_FIXED:
	case STATUS_VERIFIED:
	case STATUS_FALSE_POSITIVE:
	case STATUS__COUNT:
		break;
	}
	return false;
}

bool lifecycle_vex(enum status *out, enum status cur, const char *vex_status)
{
	if (!vex_status || !status_is_active(cur))
		return false;
	if (!strcmp(vex_status, "not_affected") || !strcmp(vex_status, "fixed")) {
		*out = STATUS_FALSE_POSITIVE;
		return true;
	}
	if (!strcmp(vex_status, "under_investigation") &&
	    (cur == STATUS_OPEN || cur == STATUS_REOPENED)) {
		*out = STATUS_TRIAGED;
		return true;
	}
	return false;
}

/* Who may move a finding where by hand: allowed[from] is a bit set of targets. */
#define B(s) (1u << (s))
static const unsigned triage_allowed[STATUS__COUNT] = {
	[STATUS_OPEN] = B(STATUS_TRIAGED) | B(STATUS_IN_PROGRESS) | B(STATUS_FALSE_POSITIVE) |
			B(STATUS_WONT_FIX),
	[STATUS_TRIAGED] = B(STATUS_OPEN) | B(STATUS_IN_PROGRESS) | B(STATUS_FALSE_POSITIVE) |
			   B(STATUS_WONT_FIX),
	[STATUS_IN_PROGRESS] = B(STATUS_TRIAGED) | B(STATUS_FALSE_POSITIVE) | B(STATUS_WONT_FIX),
	[STATUS_REOPENED] = B(STATUS_TRIAGED) | B(STATUS_IN_PROGRESS) | B(STATUS_FALSE_POSITIVE) |
			    B(STATUS_WONT_FIX),
	[STATUS_FIXED] = B(STATUS_REOPENED),
	[STATUS_VERIFIED] = B(STATUS_REOPENED),
	[STATUS_RISK_ACCEPTED] = B(STATUS_REOPENED) | B(STATUS_FALSE_POSITIVE),
	[STATUS_FALSE_POSITIVE] = B(STATUS_REOPENED),
	[STATUS_WONT_FIX] = B(STATUS_REOPENED),
};
#undef B

int lifecycle_triage(enum status from, enum status to, struct perr *err)
{
	if (from >= STATUS__COUNT || to >= STATUS__COUNT)
		return perr_set(err, P_EINVALID, "unknown status");
	if (from == to)
		return perr_set(err, P_EINVALID, "the finding is already %s", status_name(to));
	if (to == STATUS_RISK_ACCEPTED)
		return perr_set(err, P_EINVALID, "a risk acceptance needs an approver and an expiry: use "
				"'posture accept'");
	if (to == STATUS_FIXED || to == STATUS_VERIFIED)
		return perr_set(err, P_EINVALID, "'%s' comes from scans: a newer full scan that no longer "
				"reports the finding (see docs/lifecycle.md)", status_name(to));
	if (triage_allowed[from] & (1u << to))
		return 0;
	if (to == STATUS_OPEN)
		return perr_set(err, P_EINVALID, "only a triaged finding goes back to open; one that is %s "
				"is reopened ('reopened')", status_name(from));
	if (to == STATUS_REOPENED)
		return perr_set(err, P_EINVALID, "the finding is %s, not closed: only fixed, verified, "
				"risk_accepted, false_positive and wont_fix findings are reopened",
				status_name(from));
	return perr_set(err, P_EINVALID, "a finding that is %s cannot become %s: reopen it first "
			"('reopened')", status_name(from), status_name(to));
}

enum downstream_state lifecycle_downstream(const struct lineage_check *c)
{
	if (c->still_there)
		return DOWNSTREAM_STILL_THERE;
	if (c->code_fixed_at && c->last_scan >= c->code_fixed_at)
		return DOWNSTREAM_GONE;
	return c->went_away ? DOWNSTREAM_GONE_EARLY : DOWNSTREAM_NOT_SCANNED;
}

bool lifecycle_verified(const struct lineage_check *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lifecycle_downstream(&c[i]) != DOWNSTREAM_GONE)
			return false;
	return n > 0;
}
