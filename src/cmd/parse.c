/* posture parse: reports -> normalized evidence as JSON Lines, no database. */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/input.h"
#include "out/evidence_json.h"
#include "util/buf.h"
#include "util/opt.h"

#include <unistd.h>

/* JSON Lines on stdout, 64 KiB at a time (each line as it comes on a terminal). */
struct parse_out {
	struct pbuf lines;
	bool tty;
};

#define PARSE_FLUSH_AT (64u << 10)

static void flush_lines(struct parse_out *po)
{
	if (po->lines.len)
		fwrite(po->lines.buf, 1, po->lines.len, stdout);
	pbuf_reset(&po->lines);
}

/* On the parser's thread (cmd/pipeline.h): the evidence as one JSON object. */
static void render_evidence(struct jw *w, const struct evidence *ev)
{
	out_evidence_json(w, ev, false);
}

static int print_line(const char *text, size_t len, void *payload, struct perr *err)
{
	struct parse_out *po = payload;

	if (pbuf_add(&po->lines, text, len) < 0 || pbuf_addch(&po->lines, '\n') < 0)
		return perr_set(err, P_ERROR, "out of memory");
	if (po->lines.len >= PARSE_FLUSH_AT || po->tty)
		flush_lines(po);
	return 0;
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
	struct parse_out po;
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
	pbuf_init(&po.lines, 0);
	po.tty = isatty(fileno(stdout));
	for (i = 0; i < n; i++) {
		struct report_input in;

		if (report_input_open(&in, argv[i], tool, ctx->progress, &err) < 0) {
			ret = perr_report(&err);
			break;
		}
		if (detect) {
			if (n > 1)
				printf("%s: ", argv[i]);
			printf("%s\n", in.format->name);
		} else if (report_input_render(&in, render_evidence, print_line, &po, &err) < 0) {
			flush_lines(&po);
			ret = perr_report(&err);
		}
		flush_lines(&po);
		report_input_release(&in);
		if (ret)
			break;
	}
	pbuf_release(&po.lines);
	return ret;
}
