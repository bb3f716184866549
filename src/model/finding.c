#include "posture.h"
#include "model/finding.h"

static const char *const status_names[] = {
	[STATUS_OPEN] = "open", [STATUS_TRIAGED] = "triaged",
	[STATUS_IN_PROGRESS] = "in_progress", [STATUS_FIXED] = "fixed",
	[STATUS_VERIFIED] = "verified", [STATUS_REOPENED] = "reopened",
	[STATUS_RISK_ACCEPTED] = "risk_accepted", [STATUS_FALSE_POSITIVE] = "false_positive",
	[STATUS_WONT_FIX] = "wont_fix",
};

const char *status_name(enum status s)
{
	return (size_t)s < ARRAY_SIZE(status_names) ? status_names[s] : "open";
}

int status_parse(enum status *out, const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(status_names); i++)
		if (!strcmp(s, status_names[i])) {
			*out = (enum status)i;
			return 0;
		}
	return P_EINVALID;
}

bool status_is_active(enum status s)
{
	return s == STATUS_OPEN || s == STATUS_TRIAGED || s == STATUS_IN_PROGRESS ||
	       s == STATUS_REOPENED;
}

static const char *const event_names[] = {
	[EVENT_OPENED] = "opened", [EVENT_SEEN] = "seen", [EVENT_FIXED] = "fixed",
	[EVENT_REOPENED] = "reopened", [EVENT_STATUS] = "status",
	[EVENT_ASSIGNED] = "assigned", [EVENT_ACCEPTED] = "accepted",
	[EVENT_EXPIRED] = "expired", [EVENT_TICKETED] = "ticketed",
	[EVENT_VALIDATED] = "validated", [EVENT_TIER] = "tier_changed",
	[EVENT_SEVERITY] = "severity_changed",
};

const char *event_name(enum event_type e)
{
	return (size_t)e < ARRAY_SIZE(event_names) ? event_names[e] : "unknown";
}
