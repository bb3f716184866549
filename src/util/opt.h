/*
 * Declared command-line options. One table per command parses the arguments,
 * prints --help and reports usage mistakes, so the three never disagree.
 * Options and positional arguments may be interleaved; "--" ends options;
 * "--name=value" and "--name value" are the same. Values point into argv.
 */
#ifndef POSTURE_UTIL_OPT_H
#define POSTURE_UTIL_OPT_H

enum opt_type {
	OPT_END = 0,
	OPT_FLAG,   /* bool *value */
	OPT_STRING, /* const char **value */
	OPT_INT,    /* long *value */
	OPT_LIST,   /* struct strvec *value: repeatable */
};

struct opt {
	enum opt_type type;
	char short_name;
	const char *long_name;
	void *value;
	const char *argname;
	const char *help;
};

struct strvec {
	const char **v;
	size_t n, alloc;
};

#define STRVEC_INIT { NULL, 0, 0 }
void strvec_push(struct strvec *sv, const char *s);
void strvec_release(struct strvec *sv);

struct opt_usage {
	const char *synopsis;    /* "posture ingest [options] FILE..." */
	const char *description; /* a paragraph, may be NULL */
};

enum {
	OPT_HELP = -1,  /* --help was printed: exit 0 */
	OPT_USAGE = -2, /* a mistake was reported: exit 2 */
};

/*
 * Parse argv[1..argc) (argv[0] is the command name). On success return the
 * number of positional arguments, moved to the front of argv (argv[0..n)).
 */
int opt_parse(int argc, const char **argv, const struct opt *opts,
	      const struct opt_usage *usage);

/* The exit code for a negative opt_parse() result. */
int opt_exit(int result);

void opt_print_usage(FILE *out, const struct opt *opts,
		     const struct opt_usage *usage);

#endif
