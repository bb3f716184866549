/* posture parse: reports -> normalized evidence as JSON Lines, no database. */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/input.h"
#include "out/evidence_json.h"
#include "util/opt.h"

/* On the parser's thread (cmd/pipeline.h): the evidence as one JSON object. */
static void render_evidence(struct jw *w, const struct evidence *ev)
{
	out_evidence_json(w, ev, false);
}

/* On the calling thread: one line of JSON Lines, written 64 KiB at a time. */
static int print_line(const char *text, size_t len, void *payload, struct perr *err)
{
	struct jw *w = payload;

	jw_rawn(w, text, len);
	jw_end_line(w);
	return 0;
}

/* Before a warning: the lines so far go out first (one pipe for both). */
static void flush_lines(void *payload)
{
	jw_flush(payload);
	fflush(stdout);
}

int cmd_parse(int argc, const char **argv, struct ctx *ctx)
{
	const char *tool = NULL;
	bool detect = false, list = false;
	const struct opt opts[] = {
		{ OPT_STRING, 't', "tool", &tool, "NAME", "the report format (default: auto-detect)" },
		{ OPT_FLAG, 0, "detect", &detect, NULL, "print only the detected format of each file" },
		{ OPT_FLAG, 0, "list", &list, NULL, "list the formats posture reads" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture parse [--tool NAME|auto] [--detect] FILE...",
		"Print the normalized evidence of each report as JSON Lines, one object\n"
		"per result location, in report order. Touches no database. A FILE of\n"
		"'-' reads standard input.",
	};
	struct jw w;
	struct perr err = PERR_INIT;
	int n, i, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (list) {
		report_formats_print(stdout);
		return EXIT_OK;
	}
	if (!n)
		return usage_error("parse: no report given (see 'posture parse --help')");
	jw_init(&w, stdout, false);
	for (i = 0; i < n; i++) {
		struct report_input in;

		flush_lines(&w); /* the previous file's lines before this one's messages */
		if (report_input_open(&in, argv[i], tool, ctx->progress, &err) < 0) {
			ret = perr_report(&err);
			break;
		}
		in.before_warn = flush_lines;
		in.before_warn_payload = &w;
		if (detect) {
			if (n > 1)
				printf("%s: ", argv[i]);
			printf("%s\n", in.format->name);
		} else if (report_input_render(&in, render_evidence, print_line, &w, &err) < 0) {
			flush_lines(&w); /* the lines before the error, before its message */
			ret = perr_report(&err);
		}
		report_input_release(&in);
		if (ret)
			break;
	}
	jw_release(&w);
	return ret;
}
