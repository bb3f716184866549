/*
 * The streaming record layer. A JSON format declares the paths of its
 * records ("runs[*].results[*]") and of the context they need
 * ("runs[*].tool"); jrec_parse() drives yajl over the whole input once,
 * materializes one record at a time as a small tree, hands it to the
 * format's callback with the context of its enclosing objects, and frees it.
 * Memory stays flat whatever the report's size.
 *
 * Paths: keys separated by '.', "[*]" for every element of an array,
 * "*" for every member of an object (npm's "vulnerabilities.*", keyed by
 * package name); "" is the whole document, "[*]" every element of a
 * top-level array.
 * A context path names one member of an object that encloses records
 * ("runs[*].tool" belongs to each run). JSON does not order members: when
 * a context member comes after the records (a SARIF run whose "tool"
 * follows "results"), the layer scans ahead within that object for it
 * before the first record, so the callback always sees the complete context.
 *
 * Trees passed to the callback are borrowed: the record dies when the
 * callback returns, a context tree when its enclosing object ends. The
 * callback always runs on the calling thread, one record at a time.
 */
#ifndef POSTURE_PARSE_JREC_H
#define POSTURE_PARSE_JREC_H

#include "parse/json.h"

#define JREC_MAX_PATHS 16
#define JREC_MAX_LEVELS 16

struct jrec_format {
	const char *records[JREC_MAX_PATHS]; /* NULL-terminated */
	const char *context[JREC_MAX_PATHS]; /* NULL-terminated */
	/*
	 * Also call back at the end of every object that owns context (each
	 * SARIF run), with node NULL and which JREC_SCOPE_END: a run without
	 * results still names its tool.
	 */
	bool scope_end;
	/*
	 * The input is a sequence of JSON values (JSON Lines, or concatenated
	 * documents like govulncheck's stream); paths apply to each value.
	 */
	bool multiple;
};

#define JREC_SCOPE_END (-1)

struct jrec {
	const struct jnode *node;          /* the record */
	const char *key;                   /* its member name ("*" paths), if known */
	int which;                         /* index into records[] */
	const struct jnode *ctx[JREC_MAX_PATHS]; /* per context path; NULL if absent */
	size_t index[JREC_MAX_LEVELS];     /* array indexes along the path */
	size_t nindex;
	size_t offset;                     /* byte offset of the record's start */
	struct arena *arena;               /* the record's arena: allocate derived data here */
};

typedef int (*jrec_cb)(const struct jrec *rec, void *payload, struct perr *err);

struct jrec_opts {
	struct json_limits limits;       /* zeros take json_default_limits */
	/* Called about every 4 MiB with the bytes the main pass has consumed. */
	void (*progress)(void *hook_payload, size_t done, size_t total);
	/* Bytes [from, to) are not needed again soon (lets mmap callers drop pages). */
	void (*release)(void *hook_payload, size_t from, size_t to);
	/*
	 * Copy bytes [from, from + n) of the input to dst; returns how many
	 * were copied (fewer: cannot). Optional. When given, the look-ahead
	 * passes over nested values reading through it, a chunk at a time,
	 * rather than through buf: for a mapped file a read into a small
	 * buffer costs far less than mapping pages, which the main pass maps
	 * again anyway. Called from the scan's thread.
	 */
	size_t (*read)(void *hook_payload, size_t from, char *dst, size_t n);
	void *hook_payload;
	/*
	 * Run the callback inside the scan, on one thread. By default the
	 * scan runs ahead on a thread of its own and the callback on the
	 * calling thread; the hooks above are called from the scan's thread.
	 */
	bool no_thread;
	/*
	 * Only the SSE2 paths, even on a CPU with AVX2 (which is otherwise
	 * used where it has it): tests and fuzzing run both.
	 */
	bool no_avx2;
};

/*
 * Parse buf and call cb for every record, in document order. Returns the
 * number of records (>= 0), or a negative code with err naming the place:
 * "byte 1234 (line 5, column 7): invalid JSON: ..." or, for an error the
 * callback reports, "runs[0].results[3]: <callback's message>".
 */
long jrec_parse(const char *buf, size_t len, const struct jrec_format *fmt,
		const struct jrec_opts *opts, jrec_cb cb, void *payload,
		struct perr *err);

#endif
