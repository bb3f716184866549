/*
 * Helpers shared by the code (SAST) and secrets parsers: severity and
 * confidence words, line ranges, the structural check for documents whose
 * record array turned out to be something else, and the one place where a
 * secret is turned into a keyed hash and a redacted preview. Everything
 * these return lives in the arena passed in (or is borrowed from the input).
 */
#ifndef POSTURE_PARSE_CODESCAN_H
#define POSTURE_PARSE_CODESCAN_H

#include "parse/parse.h"

/*
 * The common severity words, any case: critical, high, medium/moderate,
 * low, info/informational/information/note/none. Returns SEV_NONE for
 * anything else, so each format maps its own words first.
 */
enum severity parse__severity_word(const char *s);

/* high/medium/low (also certain, firm, tentative, weak), any case. */
enum confidence parse__confidence_word(const char *s);

/*
 * "12", "12-14" (gosec), "12:14": the first and last line. Returns false
 * when s does not start with a positive number; *end is *start when the
 * text names one line.
 */
bool parse__line_range(const char *s, unsigned *start, unsigned *end);

/*
 * Tools quote code with each line prefixed by its number: Bandit
 * "2469     except:", gosec "41: \tdata, err := ...". Keep only lines
 * first..last, without the numbers, so that a snippet (and the fingerprint
 * built on it) survives line shifts and edits to the context lines.
 * Returns code itself when its lines are not numbered.
 */
const char *parse__code_lines(struct arena *a, const char *code, unsigned first,
			      unsigned last);

/* A positive JSON integer that fits a line or column, else 0. */
unsigned parse__uint(const struct jnode *n);

/*
 * After a pass found no records: check that the document is a JSON object
 * (a JSON array when path starts with "[" or is "") and that every member
 * at `path` (a jrec record path without the final "[*]": "results",
 * "[*].messages") is an array or null, so that a string where the results
 * belong is an error instead of an empty report. Returns 0 or P_EINVALID
 * naming the member ("'[0].messages' is a string, not an array").
 */
int parse__check_array(const char *buf, size_t len, const char *path,
		       const struct parse_opts *opts, struct perr *err);

/*
 * A secret found by a tool: set ev->secret_hash to the HMAC-SHA-256 of the
 * value under opts->secret_key, and add the "secret_preview" property (the
 * first few characters, "…" and the length). Nothing else of the value is
 * kept. White space around the value is not part of the secret. A NULL,
 * empty or blank secret leaves ev as it is.
 */
void parse__secret(struct evidence *ev, struct arena *a, const struct parse_opts *opts,
		   const char *secret);

/*
 * Is the head a JSON array with nothing in it ("[]", white space allowed)?
 * A clean run of several secrets scanners writes exactly that.
 */
bool parse__is_empty_array(const char *head, size_t len);

/* The redacted preview alone: "AKIA…(20)", "ab…(8)", "…(3)". */
const char *parse__secret_preview(struct arena *a, const char *secret);

/*
 * text with every occurrence of secret replaced by "[REDACTED]"; NULL when
 * text is NULL. Use it for tool fields that echo the secret (Match, Line):
 * a caller that cannot name the secret must drop such a field instead.
 */
const char *parse__redact(struct arena *a, const char *text, const char *secret);

#endif
