/*
 * One error convention: functions return 0 (or a count) on success and a
 * negative P_E* code on failure, and fill the caller's struct perr with a
 * one-line message. The lowest layer writes the message; callers pass the
 * code up unchanged, and only the layer that knows the file name prefixes it.
 */
#ifndef POSTURE_UTIL_ERR_H
#define POSTURE_UTIL_ERR_H

enum {
	P_OK = 0,
	P_ERROR = -1,     /* internal or unexpected failure: exit 3 */
	P_ENOTFOUND = -2, /* a named thing does not exist */
	P_EINVALID = -3,  /* bad input or usage: exit 2 */
	P_EIO = -4,       /* the operating system failed us: exit 3 */
	P_ELIMIT = -5,    /* input exceeds a documented limit: exit 2 */
};

/* Exit codes; only main() exits. */
enum {
	EXIT_OK = 0,
	EXIT_GATE = 1,
	EXIT_INPUT = 2,
	EXIT_INTERNAL = 3,
};

struct perr {
	int code;
	char msg[512];
};

#define PERR_INIT { 0, { 0 } }

/* Record an error and return its code, so that `return perr_set(...)` is one line. */
int perr_set(struct perr *err, int code, const char *fmt, ...) P_PRINTF(3, 4);

/* Prefix the existing message with "prefix: " (e.g. the file name). */
void perr_prefix(struct perr *err, const char *fmt, ...) P_PRINTF(2, 3);

void perr_clear(struct perr *err);

/* The exit code a command returns for an error code. */
int perr_exit_code(int code);

/* Print "posture: error: <msg>" to stderr and return the exit code for err. */
int perr_report(const struct perr *err);

/* Print "posture: error: ..." and return EXIT_INPUT (usage mistakes). */
int usage_error(const char *fmt, ...) P_PRINTF(1, 2);

/* Print "posture: warning: ..." to stderr. */
void pwarn(const char *fmt, ...) P_PRINTF(1, 2);

#endif
