/* posture findings: list findings with filters, worst first. */
#include "posture.h"
#include "cmd/cmd.h"
#include "out/findings.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/opt.h"
#include "util/ptime.h"

static const char *const active_statuses[] = { "open", "triaged", "in_progress", "reopened", NULL };

/* Split "a,b" lists (and repeated options) into one NULL-terminated list in buf. */
static const char **split_list(const struct strvec *in, char **buf_out)
{
	size_t total = 0, n = 0, i;
	const char **list;
	char *buf, *p;

	for (i = 0; i < in->n; i++)
		total += strlen(in->v[i]) + 1;
	buf = xmalloc(total + 1);
	list = xcalloc(total + 1, sizeof(*list));
	p = buf;
	for (i = 0; i < in->n; i++) {
		const char *s = in->v[i];

		while (*s) {
			size_t len = strcspn(s, ",");

			if (len) {
				memcpy(p, s, len);
				p[len] = '\0';
				list[n++] = p;
				p += len + 1;
			}
			s += len + (s[len] == ',');
		}
	}
	*buf_out = buf;
	return list;
}

static int print_row(const struct finding *f, void *payload, struct perr *err)
{
	finding_printer_row(payload, f);
	return 0;
}

int cmd_findings(int argc, const char **argv, struct ctx *ctx)
{
	struct strvec statuses = STRVEC_INIT, severities = STRVEC_INIT;
	const char *format = "table", *since = NULL, *min_sev = NULL;
	struct finding_filter filter = { 0 };
	long limit = 0;
	const struct opt opts[] = {
		{ OPT_STRING, 'a', "app", &filter.app, "APP", "only this application" },
		{ OPT_LIST, 's', "status", &statuses, "LIST",
		  "statuses, comma-separated, or 'all' (default: open, triaged, in_progress, reopened)" },
		{ OPT_LIST, 0, "severity", &severities, "LIST", "severities, comma-separated (critical,high,medium,low,info)" },
		{ OPT_STRING, 0, "min-severity", &min_sev, "SEV", "this severity or worse" },
		{ OPT_STRING, 0, "tool", &filter.tool, "NAME", "seen by this tool" },
		{ OPT_STRING, 0, "kind", &filter.kind, "KIND", "sast, sca, secret, container, iac, dast, api, cloud, ..." },
		{ OPT_STRING, 0, "rule", &filter.rule, "ID", "this rule id" },
		{ OPT_STRING, 0, "path", &filter.path_glob, "GLOB", "location matching a glob ('src/*.c')" },
		{ OPT_STRING, 0, "team", &filter.team, "TEAM", "owned by this team: its queue" },
		{ OPT_STRING, 0, "since", &since, "TIME", "first seen at or after TIME (ISO-8601)" },
		{ OPT_FLAG, 0, "fixed-in-code", &filter.fixed_in_code, NULL,
		  "fixed in code, still reported by the images and services it ships in" },
		{ OPT_INT, 'n', "limit", &limit, "N", "at most N findings" },
		{ OPT_STRING, 'f', "format", &format, "FMT", "table (default), json, jsonl or csv" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture findings [filters] [--format table|json|jsonl|csv]",
		"List findings, worst first. Without --status, only findings somebody still\n"
		"has to act on (open, triaged, in_progress, reopened).",
	};
	struct finding_printer printer;
	struct perr err = PERR_INIT;
	enum out_format fmt;
	const char **status_list = NULL, **sev_list = NULL;
	char *status_buf = NULL, *sev_buf = NULL;
	int n, ret = EXIT_OK;
	size_t i;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0) {
		ret = opt_exit(n);
		goto done;
	}
	if (n) {
		ret = usage_error("findings: unexpected argument '%s'", argv[0]);
		goto done;
	}
	if (out_format_parse(&fmt, format) < 0) {
		ret = usage_error("findings: --format must be table, json, jsonl or csv, not '%s'", format);
		goto done;
	}
	if (statuses.n) {
		status_list = split_list(&statuses, &status_buf);
		for (i = 0; status_list[i]; i++) {
			enum status st;

			if (!strcmp(status_list[i], "all")) {
				status_list[0] = NULL;
				break;
			}
			if (status_parse(&st, status_list[i]) < 0) {
				ret = usage_error("findings: '%s' is not a status (open, triaged, in_progress, "
						  "fixed, verified, reopened, risk_accepted, false_positive, "
						  "wont_fix, all)", status_list[i]);
				goto done;
			}
		}
		filter.statuses = status_list;
	} else if (!filter.fixed_in_code) {
		filter.statuses = active_statuses;
	}
	if (severities.n) {
		sev_list = split_list(&severities, &sev_buf);
		for (i = 0; sev_list[i]; i++) {
			enum severity sev;

			if (severity_parse(&sev, sev_list[i]) < 0 || sev == SEV_NONE) {
				ret = usage_error("findings: '%s' is not a severity "
						  "(critical, high, medium, low, info)", sev_list[i]);
				goto done;
			}
		}
		filter.severities = sev_list;
	}
	if (min_sev && (severity_parse(&filter.min_severity, min_sev) < 0 ||
			filter.min_severity == SEV_NONE)) {
		ret = usage_error("findings: '%s' is not a severity (critical, high, medium, low, info)",
				  min_sev);
		goto done;
	}
	if (filter.kind) {
		enum kind k;

		if (kind_parse(&k, filter.kind) < 0) {
			ret = usage_error("findings: '%s' is not a kind (sast, sca, secret, container, iac, "
					  "dast, api, cloud, runtime, other)", filter.kind);
			goto done;
		}
	}
	if (filter.team) {
		struct store_inv_row team;
		struct arena a = ARENA_INIT;
		int found = store_inv_get(ctx->store, STORE_INV_TEAM, filter.team, &a, &team, &err);

		arena_release(&a);
		if (found == P_ENOTFOUND) {
			ret = usage_error("findings: no team '%s' (see posture.yaml)", filter.team);
			goto done;
		}
		if (found < 0) {
			ret = perr_report(&err);
			goto done;
		}
	}
	if (since && ptime_parse(&filter.since, since, &err) < 0) {
		perr_prefix(&err, "findings: --since");
		ret = perr_report(&err);
		goto done;
	}
	filter.limit = limit;
	finding_printer_begin(&printer, fmt, stdout);
	if (store_findings_each(ctx->store, &filter, print_row, &printer, &err) < 0)
		ret = perr_report(&err);
	finding_printer_end(&printer);
done:
	strvec_release(&statuses);
	strvec_release(&severities);
	xfree(status_list);
	xfree(sev_list);
	xfree(status_buf);
	xfree(sev_buf);
	return ret;
}
