/*
 * pnpm audit --json. pnpm writes npm 6's report shape ("actions",
 * "advisories" keyed by id with findings[].paths, "muted", "metadata"), so
 * the npm 6 reader does the work (see npm-audit.c). What tells pnpm's
 * report apart: its dependency paths start at the importer, "." for the
 * root project (".>express>qs"), or a workspace importer with '/' written
 * as "__" ("packages__web>lodash"); npm 6 paths start at a dependency
 * ("express>qs") and npm 6 adds a "runId".
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/sca_audit.h"

int detect_pnpm_audit(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"advisories\"") ||
	    !parse_has(head, len, "\"module_name\""))
		return 0;
	/* both spacing styles: pnpm pretty-prints, other writers may not */
	if (parse_has(head, len, "\".>") && (parse_has(head, len, "\"paths\": [") ||
					      parse_has(head, len, "\"paths\":[")))
		return 90;
	return 0;
}

int parse_pnpm_audit(const char *buf, size_t len, const struct parse_opts *opts,
		     evidence_cb cb, void *payload, struct perr *err)
{
	return sca_parse_npm_shapes(buf, len, opts, "pnpm audit", cb, payload, err);
}
