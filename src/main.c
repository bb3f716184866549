/* posture: the command table and dispatch; nothing else. */
#include "posture.h"
#include "cmd/cmd.h"
#include "store/store.h"
#include "util/ptime.h"

#include <unistd.h>

struct cmd {
	const char *name;
	int (*fn)(int argc, const char **argv, struct ctx *ctx);
	int flags;
	const char *help;
};

static const struct cmd commands[] = {
	{ "parse", cmd_parse, CMD_NO_DB, "print the normalized evidence of reports (no database)" },
	{ "init", cmd_init, CMD_DB_RW | CMD_DB_CREATE, "create the database and an example posture.yaml" },
	{ "ingest", cmd_ingest, CMD_DB_RW | CMD_DB_CREATE, "parse reports and store their findings" },
	{ "findings", cmd_findings, CMD_DB_RO, "list findings, with filters" },
	{ "show", cmd_show, CMD_DB_RO, "one finding with its evidence and history" },
	{ "scans", cmd_scans, CMD_DB_RO, "list ingested scans" },
	{ "cvss", cmd_cvss, CMD_NO_DB, "compute CVSS base scores of vectors" },
	{ "feeds", cmd_feeds, CMD_DB_RW | CMD_DB_CREATE, "import or fetch risk feeds (EPSS, CISA KEV)" },
	{ "explain", cmd_explain, CMD_DB_RO, "why a finding has its risk and tier, factor by factor" },
	{ "rescore", cmd_rescore, CMD_DB_RW, "score every active finding again (policy, feeds, age)" },
	{ "policy", cmd_policy, CMD_NO_DB, "show the risk policy, or test a candidate against current findings" },
	{ "inventory", cmd_inventory, CMD_NO_DB, "apps, owners and assets: load posture.yaml, list, show" },
	{ "triage", cmd_triage, CMD_DB_RW, "set a finding's status, with who and why" },
	{ "accept", cmd_accept, CMD_DB_RW, "record an exception: a risk acceptance or a false positive" },
	{ "exceptions", cmd_exceptions, CMD_DB_RW, "the risk register: exceptions in force, expiring, expired" },
	{ "sla", cmd_sla, CMD_DB_RW, "findings by SLA due date: breached, due soon" },
	{ "gate", cmd_gate, CMD_NO_DB, "may this change ship? the policy's gate over findings or reports" },
	{ "groups", cmd_groups, CMD_DB_RO, "root causes: findings one change fixes, by risk removed" },
	{ "trace", cmd_trace, CMD_DB_RO, "how one vulnerability or package collapsed across tools into findings" },
	{ "metrics", cmd_metrics, CMD_DB_RO, "posture metrics over time: MTTR, SLA, open by tier, recurrence" },
	{ "report", cmd_report, CMD_DB_RO, "portfolio, team or app reports (HTML, JSON, CSV) and compliance" },
	{ "export", cmd_export, CMD_DB_RO, "export an app as a CycloneDX 1.6 SBOM with VEX" },
};

static void usage(FILE *out)
{
	size_t i;

	fputs("usage: posture [--db PATH] COMMAND [ARGS...]\n"
	      "       posture COMMAND --help\n\n"
	      "Application security posture: ingest every scanner's report, one finding\n"
	      "per real problem, ranked, owned and tracked.\n\ncommands:\n", out);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
	fputs("\noptions:\n"
	      "  --db PATH    the database (default $POSTURE_DB, else ./posture.db)\n"
	      "  --version    print the version\n"
	      "  --help       this text\n"
	      "\nenvironment:\n"
	      "  POSTURE_DB   the database path\n"
	      "  POSTURE_NOW  an ISO-8601 time that replaces the clock (tests, backfills)\n"
	      "\nexit codes: 0 ok, 1 gate blocked or check failed, 2 bad input or usage,\n"
	      "3 internal or I/O error\n", out);
}

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int run_cmd(const struct cmd *c, int argc, const char **argv, const char *db)
{
	struct ctx ctx = { 0 };
	struct perr err = PERR_INIT;
	int ret;

	store_setup();
	ctx.db_path = db;
	ctx.progress = isatty(STDERR_FILENO);
	if (ptime_now(&ctx.now, &err) < 0)
		return perr_report(&err);
	if (c->flags & (CMD_DB_RO | CMD_DB_RW)) {
		bool wants_help = false;
		int i;

		for (i = 1; i < argc; i++)
			if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
				wants_help = true;
		if (!wants_help &&
		    store_open(&ctx.store, db,
			       (c->flags & CMD_DB_RW ? STORE_WRITE : 0) |
			       (c->flags & CMD_DB_CREATE ? STORE_CREATE : 0), &err) < 0)
			return perr_report(&err);
	}
	ret = c->fn(argc, argv, &ctx);
	if (ctx.store && store_close(ctx.store, &err) < 0 && ret == EXIT_OK)
		ret = perr_report(&err);
	return ret;
}

int main(int argc, const char **argv)
{
	const char *db = getenv("POSTURE_DB");
	const struct cmd *c;
	int i = 1, ret;

	if (!db || !*db)
		db = "posture.db";
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--version")) {
			printf("posture %s\n", POSTURE_VERSION);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "--db") && i + 1 < argc) {
			db = argv[++i];
		} else if (!strncmp(argv[i], "--db=", 5)) {
			db = argv[i] + 5;
		} else {
			return usage_error("unknown option '%s' (see 'posture --help')", argv[i]);
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_INPUT;
	}
	if (!strcmp(argv[i], "help")) {
		if (i + 1 < argc && (c = find_cmd(argv[i + 1]))) {
			const char *help_argv[] = { c->name, "--help" };

			return run_cmd(c, 2, help_argv, db);
		}
		usage(stdout);
		return EXIT_OK;
	}
	if (!(c = find_cmd(argv[i])))
		return usage_error("'%s' is not a posture command (see 'posture help')", argv[i]);
	ret = run_cmd(c, argc - i, argv + i, db);
	/* a full disk must not look like success */
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "posture: error: cannot write output: %s\n", strerror(errno));
		return EXIT_INTERNAL;
	}
	return ret;
}
