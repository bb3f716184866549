/*
 * posture policy show|test: the risk policy in force as canonical YAML,
 * and what a candidate policy would do to the tiers of current findings.
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/scoring.h"
#include "util/buf.h"
#include "util/opt.h"

static int policy_show(int argc, const char **argv, struct ctx *ctx)
{
	const char *file = NULL;
	bool digest = false;
	const struct opt opts[] = {
		{ OPT_STRING, 0, "file", &file, "FILE", "show this policy file instead of the one in force" },
		{ OPT_FLAG, 0, "digest", &digest, NULL, "print the policy's source and digest instead" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture policy show [--file FILE] [--digest]",
		"Print the risk policy in force as YAML: $POSTURE_POLICY, else\n"
		"posture-policy.yaml beside the database, else the built-in policy (the\n"
		"defaults fill in whatever a file leaves out). The output is itself a\n"
		"valid policy file.",
	};
	char source[SCORING_SOURCE_MAX], hex[65];
	struct policy *p = NULL;
	struct pbuf b = PBUF_INIT;
	struct perr err = PERR_INIT;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n)
		return usage_error("policy show: unexpected argument '%s'", argv[0]);
	if (scoring_load_policy(&p, source, ctx->db_path, file, &err) < 0)
		return perr_report(&err);
	if (digest) {
		policy_digest(p, hex);
		printf("%s %s\n", hex, source);
	} else if (policy_write(p, &b) < 0) {
		ret = perr_report(&(struct perr){ P_ERROR, "policy too large to print" });
	} else {
		fwrite(b.buf, 1, b.len, stdout);
	}
	pbuf_release(&b);
	policy_free(p);
	return ret;
}

static const struct {
	const char *name;
	int (*fn)(int argc, const char **argv, struct ctx *ctx);
	const char *help;
} verbs[] = {
	{ "show", policy_show, "print the policy in force as YAML" },
};

int cmd_policy(int argc, const char **argv, struct ctx *ctx)
{
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		FILE *out = argc < 2 ? stderr : stdout;

		fputs("usage: posture policy show|test ...\n\n"
		      "The risk policy: weights, tiers, hard rules, SLAs and gate modes\n"
		      "(docs/risk.md).\n\n", out);
		for (i = 0; i < ARRAY_SIZE(verbs); i++)
			fprintf(out, "  %-8s %s\n", verbs[i].name, verbs[i].help);
		return argc < 2 ? EXIT_INPUT : EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].fn(argc - 1, argv + 1, ctx);
	return usage_error("policy: '%s' is not a policy command (show, test)", argv[1]);
}
