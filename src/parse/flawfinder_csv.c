/*
 * Flawfinder CSV (`flawfinder --csv`): one evidence per row, kind sast.
 * Flawfinder 2.0.11+ adds ToolVersion, RuleId and HelpUri columns; older
 * versions have neither, and their rows get "category/name" as rule id.
 * docs/formats/flawfinder-csv.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/codescan.h"
#include "model/path.h"
#include "util/csv.h"

#include <ctype.h>

enum col {
	C_FILE, C_LINE, C_COLUMN, C_DEFAULT_LEVEL, C_LEVEL, C_CATEGORY, C_NAME, C_WARNING,
	C_SUGGESTION, C_NOTE, C_CWES, C_CONTEXT, C_FINGERPRINT, C_VERSION, C_RULE_ID,
	C_HELP_URI, C_COUNT
};

static const char *const col_names[C_COUNT] = {
	"File", "Line", "Column", "DefaultLevel", "Level", "Category", "Name", "Warning",
	"Suggestion", "Note", "CWEs", "Context", "Fingerprint", "ToolVersion", "RuleId",
	"HelpUri",
};

/*
 * Risk level 0 (very little) to 5 (great). 4-5 are what Flawfinder's SARIF
 * calls "error", 3 "warning", 0-2 "note"; posture maps those to
 * high/medium/low, and a level-0 hit (only with --minlevel=0) to info.
 */
static enum severity level_severity(const char *level)
{
	if (!level || !isdigit((unsigned char)level[0]) || level[1])
		return SEV_NONE;
	switch (level[0]) {
	case '5':
	case '4':
		return SEV_HIGH;
	case '3':
		return SEV_MEDIUM;
	case '2':
	case '1':
		return SEV_LOW;
	case '0':
		return SEV_INFO;
	default:
		return SEV_NONE;
	}
}

/* "CWE-119!/CWE-120", "CWE-120, CWE-20", "CWE-362/CWE-367!": every id. */
static void add_cwes(struct evidence *ev, struct arena *a, const char *s)
{
	const char *p = s;

	while (p && (p = strcasestr(p, "CWE-"))) {
		evidence_add_cwe_text(ev, a, p);
		p += 4;
	}
}

static const char *field(const struct csv *c, const int *idx, enum col col)
{
	int i = idx[col];
	const char *s;

	if (i < 0 || (size_t)i >= c->nfields)
		return NULL;
	s = c->field[i];
	return *s ? s : NULL;
}

static int emit_row(const struct csv *c, const int *idx, struct arena *a,
		    evidence_cb cb, void *payload, struct perr *err)
{
	const char *s, *cat = field(c, idx, C_CATEGORY), *name = field(c, idx, C_NAME);
	struct evidence ev;
	unsigned end;

	evidence_init(&ev);
	ev.tool = "Flawfinder";
	ev.tool_version = field(c, idx, C_VERSION);
	ev.kind = KIND_SAST;
	if (cat && name)
		ev.rule_name = arena_printf(a, "%s/%s", cat, name);
	ev.rule_id = field(c, idx, C_RULE_ID);
	if (!ev.rule_id)
		ev.rule_id = ev.rule_name;
	ev.title = field(c, idx, C_WARNING);
	ev.description = ev.title;
	ev.remediation = field(c, idx, C_SUGGESTION);
	if ((s = field(c, idx, C_NOTE)))
		ev.remediation = ev.remediation ? arena_printf(a, "%s %s", ev.remediation, s) : s;
	ev.help_uri = field(c, idx, C_HELP_URI);
	strlist_add(&ev.references, a, ev.help_uri);
	ev.severity_raw = field(c, idx, C_LEVEL);
	ev.severity = level_severity(ev.severity_raw);
	kvlist_add(&ev.properties, a, "default_level", field(c, idx, C_DEFAULT_LEVEL));
	add_cwes(&ev, a, field(c, idx, C_CWES));
	if (!(s = field(c, idx, C_FILE)))
		return perr_set(err, P_EINVALID, "line %zu: 'File' is empty", c->line);
	ev.loc.path = path_normalize(a, s);
	if (!parse__line_range(field(c, idx, C_LINE), &ev.loc.start_line, &end))
		return perr_set(err, P_EINVALID, "line %zu: 'Line' is not a line number", c->line);
	ev.loc.end_line = ev.loc.start_line;
	if (!parse__line_range(field(c, idx, C_COLUMN), &ev.loc.start_column, &end))
		ev.loc.start_column = 0;
	ev.loc.snippet = field(c, idx, C_CONTEXT);
	/* the same value as contextHash/v1 in Flawfinder's SARIF */
	kvlist_add(&ev.tool_fingerprints, a, "contextHash/v1", field(c, idx, C_FINGERPRINT));
	return cb(&ev, payload, err);
}

int detect_flawfinder_csv(const char *head, size_t len)
{
	size_t skip = len >= 3 && !memcmp(head, "\xef\xbb\xbf", 3) ? 3 : 0;

	if (len - skip >= 17 && !memcmp(head + skip, "File,Line,Column,", 17) &&
	    parse_has(head, len, ",Category,Name,Warning,Suggestion,Note,CWEs,Context"))
		return 95;
	return 0;
}

int parse_flawfinder_csv(const char *buf, size_t len, const struct parse_opts *opts,
			 evidence_cb cb, void *payload, struct perr *err)
{
	struct csv c;
	struct arena a = ARENA_INIT, keep = ARENA_INIT;
	int idx[C_COUNT], ret, i;
	const char *version = NULL;
	size_t header_fields;

	csv_init(&c, buf, len, ',');
	if ((ret = csv_next(&c, err)) <= 0) {
		if (!ret)
			parse_tool_seen(opts, "Flawfinder", NULL);
		goto done;
	}
	for (i = 0; i < C_COUNT; i++)
		idx[i] = csv_find(&c, col_names[i]);
	header_fields = c.nfields;
	if (idx[C_FILE] < 0 || idx[C_LINE] < 0) {
		ret = perr_set(err, P_EINVALID, "line 1: the header has no '%s' column",
			       idx[C_FILE] < 0 ? "File" : "Line");
		goto done;
	}
	while ((ret = csv_next(&c, err)) > 0) {
		if (c.nfields == 1 && !*c.field[0])
			continue; /* a blank line */
		if (c.nfields != header_fields) {
			ret = perr_set(err, P_EINVALID, "line %zu: %zu fields, the header has %zu",
				       c.line, c.nfields, header_fields);
			goto done;
		}
		if (!version && field(&c, idx, C_VERSION)) {
			version = arena_strdup(&keep, field(&c, idx, C_VERSION));
			parse_tool_seen(opts, "Flawfinder", version);
		}
		ret = emit_row(&c, idx, &a, cb, payload, err);
		arena_reset(&a);
		if (ret < 0)
			goto done;
	}
	if (!ret && !version)
		parse_tool_seen(opts, "Flawfinder", NULL);
done:
	csv_release(&c);
	arena_release(&a);
	arena_release(&keep);
	return ret < 0 ? ret : 0;
}
