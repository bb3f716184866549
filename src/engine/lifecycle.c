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
