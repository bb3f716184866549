#include "posture.h"
#include "util/opt.h"
#include "util/alloc.h"
#include "util/err.h"

void strvec_push(struct strvec *sv, const char *s)
{
	ALLOC_GROW(sv->v, sv->n + 1, sv->alloc);
	sv->v[sv->n++] = s;
}

void strvec_release(struct strvec *sv)
{
	xfree(sv->v);
	sv->v = NULL;
	sv->n = sv->alloc = 0;
}

void opt_print_usage(FILE *out, const struct opt *opts,
		     const struct opt_usage *usage)
{
	const struct opt *o;

	fprintf(out, "usage: %s\n", usage->synopsis);
	if (usage->description)
		fprintf(out, "\n%s\n", usage->description);
	fputs("\noptions:\n", out);
	for (o = opts; o->type != OPT_END; o++) {
		char left[64];
		int n = 0;

		if (o->short_name)
			n = snprintf(left, sizeof(left), "-%c, ", o->short_name);
		n += snprintf(left + n, sizeof(left) - (size_t)n, "--%s", o->long_name);
		if (o->argname && (size_t)n < sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->argname);
		fprintf(out, "  %-26s %s\n", left, o->help);
	}
	fprintf(out, "  %-26s %s\n", "-h, --help", "show this help");
}

static const struct opt *find_long(const struct opt *opts, const char *name,
				   size_t len)
{
	for (; opts->type != OPT_END; opts++)
		if (strlen(opts->long_name) == len &&
		    !memcmp(opts->long_name, name, len))
			return opts;
	return NULL;
}

static const struct opt *find_short(const struct opt *opts, char c)
{
	for (; opts->type != OPT_END; opts++)
		if (opts->short_name == c)
			return opts;
	return NULL;
}

static int set_value(const struct opt *o, const char *value, const char *cmd)
{
	char *end;
	long v;

	switch (o->type) {
	case OPT_FLAG:
		*(bool *)o->value = true;
		return 0;
	case OPT_STRING:
		*(const char **)o->value = value;
		return 0;
	case OPT_LIST:
		strvec_push(o->value, value);
		return 0;
	case OPT_INT:
		errno = 0;
		v = strtol(value, &end, 10);
		if (errno || end == value || *end) {
			usage_error("%s: --%s expects a whole number, not '%s'",
				    cmd, o->long_name, value);
			return OPT_USAGE;
		}
		*(long *)o->value = v;
		return 0;
	case OPT_END:
		break;
	}
	return OPT_USAGE;
}

int opt_parse(int argc, const char **argv, const struct opt *opts,
	      const struct opt_usage *usage)
{
	const char *cmd = argv[0];
	int i, npos = 0;
	bool only_pos = false;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = NULL;
		const struct opt *o;

		if (only_pos || arg[0] != '-' || !arg[1]) {
			argv[npos++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_pos = true;
			continue;
		}
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			opt_print_usage(stdout, opts, usage);
			return OPT_HELP;
		}
		if (arg[1] == '-') {
			const char *eq = strchr(arg + 2, '=');
			size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);

			o = find_long(opts, arg + 2, len);
			if (!o) {
				usage_error("%s: unknown option '%.*s' (see 'posture %s --help')",
					    cmd, (int)len + 2, arg, cmd);
				return OPT_USAGE;
			}
			if (eq)
				value = eq + 1;
			if (o->type == OPT_FLAG && value) {
				usage_error("%s: --%s takes no value", cmd, o->long_name);
				return OPT_USAGE;
			}
		} else {
			o = find_short(opts, arg[1]);
			if (!o || arg[2]) {
				usage_error("%s: unknown option '%s' (see 'posture %s --help')",
					    cmd, arg, cmd);
				return OPT_USAGE;
			}
		}
		if (o->type != OPT_FLAG && !value) {
			if (i + 1 >= argc) {
				usage_error("%s: --%s needs a value", cmd, o->long_name);
				return OPT_USAGE;
			}
			value = argv[++i];
		}
		if (set_value(o, value, cmd) < 0)
			return OPT_USAGE;
	}
	return npos;
}

int opt_exit(int result)
{
	return result == OPT_HELP ? EXIT_OK : EXIT_INPUT;
}
