#include "posture.h"
#include "model/metrics.h"

static const char *const tier_names[METRICS_TIERS] = {
	[METRICS_TIER_CRITICAL] = "critical", [METRICS_TIER_HIGH] = "high",
	[METRICS_TIER_MEDIUM] = "medium", [METRICS_TIER_LOW] = "low",
	[METRICS_TIER_NONE] = "none",
};

const char *metrics_tier_name(enum metrics_tier t)
{
	return (unsigned)t < METRICS_TIERS ? tier_names[t] : "none";
}

enum metrics_tier metrics_tier_parse(const char *s)
{
	int t;

	for (t = 0; s && t < METRICS_TIER_NONE; t++)
		if (!strcmp(s, tier_names[t]))
			return (enum metrics_tier)t;
	return METRICS_TIER_NONE;
}
