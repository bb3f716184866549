/*
 * Commands: one file each in src/cmd/, listed in the table in src/main.c.
 * A command gets its arguments (argv[0] is its name) and a struct ctx that
 * main() prepared according to the command's flags; it returns an exit
 * code (util/err.h) and never calls exit().
 */
#ifndef POSTURE_CMD_CMD_H
#define POSTURE_CMD_CMD_H

#include "util/err.h"

struct store;

enum cmd_flags {
	CMD_NO_DB = 0,    /* needs no database */
	CMD_DB_RO = 1,    /* opens an existing database to read */
	CMD_DB_RW = 2,    /* opens (creating if asked) and migrates the database */
	CMD_DB_CREATE = 4 /* with CMD_DB_RW: create the file if missing */
};

struct ctx {
	const char *db_path;
	struct store *store;  /* opened by main() per the command's flags */
	int64_t now;          /* ptime_now(): the real clock or POSTURE_NOW */
	bool progress;        /* stderr is a terminal: show progress */
};

int cmd_parse(int argc, const char **argv, struct ctx *ctx);
int cmd_init(int argc, const char **argv, struct ctx *ctx);
int cmd_ingest(int argc, const char **argv, struct ctx *ctx);
int cmd_findings(int argc, const char **argv, struct ctx *ctx);
int cmd_show(int argc, const char **argv, struct ctx *ctx);
int cmd_scans(int argc, const char **argv, struct ctx *ctx);
int cmd_cvss(int argc, const char **argv, struct ctx *ctx);
int cmd_feeds(int argc, const char **argv, struct ctx *ctx);
int cmd_policy(int argc, const char **argv, struct ctx *ctx);
int cmd_rescore(int argc, const char **argv, struct ctx *ctx);
int cmd_explain(int argc, const char **argv, struct ctx *ctx);
int cmd_inventory(int argc, const char **argv, struct ctx *ctx);
/* lifecycle: triage, exceptions, SLAs */
int cmd_triage(int argc, const char **argv, struct ctx *ctx);
int cmd_accept(int argc, const char **argv, struct ctx *ctx);
int cmd_exceptions(int argc, const char **argv, struct ctx *ctx);
int cmd_sla(int argc, const char **argv, struct ctx *ctx);
int cmd_gate(int argc, const char **argv, struct ctx *ctx);
int cmd_groups(int argc, const char **argv, struct ctx *ctx);
int cmd_trace(int argc, const char **argv, struct ctx *ctx);
int cmd_report(int argc, const char **argv, struct ctx *ctx);
int cmd_export(int argc, const char **argv, struct ctx *ctx);
int cmd_metrics(int argc, const char **argv, struct ctx *ctx);

#endif
