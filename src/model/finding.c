#include "posture.h"
#include "model/finding.h"
#include "util/alloc.h"

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

/* The string fields of f, in one list so that sizing and copying cannot disagree. */
static size_t string_fields(struct finding *f, const char **out[static 12])
{
	const char **all[] = { &f->app, &f->component, &f->title, &f->rule_id, &f->fingerprint,
			       &f->path, &f->tier, &f->owner, &f->group, &f->vuln_ids, &f->cwe, &f->tools };

	memcpy(out, all, sizeof(all));
	return ARRAY_SIZE(all);
}

struct finding *finding_clone(const struct finding *f)
{
	struct finding probe = *f, *copy;
	const char **field[12];
	size_t n = string_fields(&probe, field), size = sizeof(*copy), i;
	char *p;

	for (i = 0; i < n; i++)
		if (*field[i])
			size = st_add(size, strlen(*field[i]) + 1);
	copy = xmalloc(size);
	*copy = *f;
	p = (char *)(copy + 1);
	n = string_fields(copy, field);
	for (i = 0; i < n; i++) {
		size_t len;

		if (!*field[i])
			continue;
		len = strlen(*field[i]) + 1;
		memcpy(p, *field[i], len);
		*field[i] = p;
		p += len;
	}
	return copy;
}
