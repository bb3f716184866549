#include "posture.h"
#include "inventory/coverage.h"
#include "util/alloc.h"

const char *const coverage_kinds[COVERAGE_KINDS] = {
	"sast", "sca", "secret", "container", "iac", "dast", "api", "cloud",
};

int coverage_kind_index(const char *kind)
{
	int i;

	for (i = 0; kind && i < COVERAGE_KINDS; i++)
		if (!strcmp(kind, coverage_kinds[i]))
			return i;
	return -1;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static double median(const long *v, size_t n)
{
	return n ? (v[(n - 1) / 2] + v[n / 2]) / 2.0 : -1;
}

void coverage_flag(struct coverage_app *apps, size_t n, const struct coverage_opts *o,
		   double medians[COVERAGE_KINDS])
{
	long *ev = xcalloc(n + 1, sizeof(*ev));
	size_t i, m;
	int k;

	for (k = 0; k < COVERAGE_KINDS; k++) {
		double others;

		/* the evidence counts of the apps this kind scanned, ascending */
		for (i = 0, m = 0; i < n; i++)
			if (apps[i].cells[k].last_scan)
				ev[m++] = apps[i].cells[k].evidence;
		qsort(ev, m, sizeof(*ev), cmp_long);
		medians[k] = median(ev, m);
		/* a silent app is one of the zeros at the front: the others are the rest */
		others = m ? median(ev + 1, m - 1) : -1;
		for (i = 0; i < n; i++) {
			struct coverage_cell *c = &apps[i].cells[k];

			c->flags = 0;
			if (!c->last_scan) {
				c->flags |= COVERAGE_NEVER;
				continue;
			}
			if (o->now - c->last_scan > (int64_t)o->stale_days * 86400)
				c->flags |= COVERAGE_STALE;
			if (!c->evidence && m >= 1 && (long)(m - 1) >= o->silent_apps && others >= o->silent_min)
				c->flags |= COVERAGE_SILENT;
		}
	}
	xfree(ev);
}
