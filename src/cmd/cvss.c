/* posture cvss: score CVSS vectors (v2.0, v3.0, v3.1, v4.0), no database. */
#include "posture.h"
#include "cmd/cmd.h"
#include "engine/cvss.h"
#include "out/jw.h"
#include "util/opt.h"

/* Which score `score` is: the v4.0 nomenclature, or the v2/v3 metric group. */
static const char *score_kind(const struct cvss_vector *v)
{
	if (v->version == CVSS_V4_0)
		return cvss_nomenclature(v);
	if (cvss_has_environmental(v))
		return "environmental";
	if (cvss_has_temporal(v))
		return "temporal";
	return "base";
}

static void print_json(struct jw *w, const char *vector, const struct cvss_vector *v)
{
	double score = cvss_score(v);
	bool v4 = v->version == CVSS_V4_0;

	jw_obj_open(w);
	jw_kstr(w, "version", cvss_version_name(v->version));
	jw_kstr(w, "vector", vector);
	jw_knum(w, "score", score, 3);
	jw_kstr(w, "rating", cvss_rating(score, v->version));
	jw_kstr(w, "nomenclature", cvss_nomenclature(v));
	jw_knum(w, "base_score", cvss_base_score(v), 3);
	if (!v4 && cvss_has_temporal(v))
		jw_knum(w, "temporal_score", cvss_temporal_score(v), 3);
	else
		jw_knull(w, "temporal_score");
	if (!v4 && cvss_has_environmental(v))
		jw_knum(w, "environmental_score", cvss_environmental_score(v), 3);
	else
		jw_knull(w, "environmental_score");
	jw_obj_close(w);
	jw_reset_line(w);
}

int cmd_cvss(int argc, const char **argv, struct ctx *ctx)
{
	const char *format = "table";
	const struct opt opts[] = {
		{ OPT_STRING, 'f', "format", &format, "FMT", "table (default) or json (JSON Lines)" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture cvss [--format table|json] VECTOR...",
		"Parse CVSS vectors (v2.0 bare or in parentheses, CVSS:3.0/, CVSS:3.1/,\n"
		"CVSS:4.0/) and print each one's version, score and rating. The score is\n"
		"the most specific the vector defines: v4.0 names it (CVSS-B, CVSS-BT,\n"
		"CVSS-BE, CVSS-BTE); v2.0/v3.x give the environmental score when an\n"
		"environmental metric is defined, else the temporal, else the base score.\n"
		"A bad vector is reported on stderr (exit 2); the others are still printed.",
	};
	struct jw w;
	bool json;
	int n, i, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (!strcmp(format, "json") || !strcmp(format, "jsonl"))
		json = true;
	else if (!strcmp(format, "table"))
		json = false;
	else
		return usage_error("cvss: --format must be table or json, not '%s'", format);
	if (!n)
		return usage_error("cvss: no vector given (see 'posture cvss --help')");

	if (json)
		jw_init(&w, stdout, false);
	else
		printf("%-7s  %5s  %-8s  %-13s  %s\n", "VERSION", "SCORE", "RATING", "KIND", "VECTOR");
	for (i = 0; i < n; i++) {
		struct perr err = PERR_INIT;
		struct cvss_vector v;
		double score;

		if (cvss_parse(&v, argv[i], &err) < 0) {
			/* keep going: one bad vector must not hide the others' scores */
			fflush(stdout);
			ret = perr_report(&err);
			continue;
		}
		if (json) {
			print_json(&w, argv[i], &v);
			continue;
		}
		score = cvss_score(&v);
		printf("%-7s  %5.1f  %-8s  %-13s  %s\n", cvss_version_name(v.version), score,
		       cvss_rating(score, v.version), score_kind(&v), argv[i]);
	}
	if (json)
		jw_release(&w);
	return ret;
}
