/*
 * Shared by the commands that read reports (parse, ingest, gate): open a
 * report file, pick its format (--tool or detection), and wire the parse
 * hooks for progress on a terminal and for dropping consumed pages.
 */
#ifndef POSTURE_CMD_INPUT_H
#define POSTURE_CMD_INPUT_H

#include "cmd/pipeline.h"
#include "parse/parse.h"
#include "util/file.h"

struct report_input {
	struct pfile file;
	const struct format *format;
	struct parse_opts opts;
	bool progress;
	int64_t started_ms;
	/*
	 * Called on the calling thread before a warning is printed: a caller
	 * that buffers what it writes to stdout flushes it, so that a warning
	 * comes after the output before it when both go to one pipe.
	 */
	void (*before_warn)(void *payload);
	void *before_warn_payload;
};

/*
 * Open path and choose its format: tool is a format name, "auto" or NULL.
 * Errors name the file and say what is wrong (missing, empty, directory,
 * unknown format, not the format asked for).
 */
int report_input_open(struct report_input *in, const char *path, const char *tool,
		      bool progress, struct perr *err);
void report_input_release(struct report_input *in);
/*
 * Parse it, sending evidence to cb; errors are prefixed with the file name.
 * The parser runs on a thread of its own (cmd/pipeline.h): cb and the
 * opts' tool_seen, package_seen and warn hooks run on the calling thread,
 * in report order; the progress and release hooks on the parser's.
 */
int report_input_parse(struct report_input *in, evidence_cb cb, void *payload,
		       struct perr *err);

/*
 * The same, for a caller that wants each evidence only as text: render()
 * runs beside the parser, emit() on the calling thread, in report order.
 */
int report_input_render(struct report_input *in, evidence_render_fn render,
			evidence_text_cb emit, void *payload, struct perr *err);

/* For --list: print the known formats. */
void report_formats_print(FILE *out);

#endif
