/*
 * Reading a report on two threads: the format's parser (with the mapping
 * to evidence and the fingerprints) runs on a thread of its own, the
 * caller's evidence_cb on the calling thread, so that the two overlap.
 *
 * The producer deep-copies each evidence record, and each tool_seen,
 * package_seen and warn hook, into batches (one arena per batch) that a
 * bounded queue hands to the calling thread: memory stays flat whatever
 * the report's size. The caller sees exactly what parse_run() would have
 * shown it, in the same order, with the hooks on its own thread, and the
 * same errors:
 *  - a parse error comes after every record before it was delivered;
 *  - an error from cb (or from the caller's own hooks: they return none)
 *    stops the producer and is the error returned, named by the record's
 *    place in the report as parse_run() names it.
 * The stream hooks (progress, release) run on the producer thread: the
 * caller reads copies, never the buffer. When no thread can be started,
 * the parse runs inline, as parse_run().
 */
#ifndef POSTURE_CMD_PIPELINE_H
#define POSTURE_CMD_PIPELINE_H

#include "out/jw.h"
#include "parse/parse.h"

/* parse_run() with the parser on its own thread; same contract. */
int pipeline_parse(const struct format *fmt, const char *buf, size_t len,
		   const struct parse_opts *opts, evidence_cb cb, void *payload,
		   struct perr *err);

/*
 * For a caller that wants each evidence only as text (posture parse): the
 * parser's thread also renders it, render() writing into a memory jw of
 * the pipeline's, and the calling thread gets the text, in report order,
 * through emit() (the hooks as above). Rendering beside the parse spares
 * the deep copy and moves the writing off the calling thread.
 */
typedef void (*evidence_render_fn)(struct jw *w, const struct evidence *ev);
typedef int (*evidence_text_cb)(const char *text, size_t len, void *payload, struct perr *err);
int pipeline_render(const struct format *fmt, const char *buf, size_t len,
		    const struct parse_opts *opts, evidence_render_fn render,
		    evidence_text_cb emit, void *payload, struct perr *err);

#endif
