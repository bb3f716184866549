/*
 * posture's own documented formats (docs/formats/generic.md), so that any
 * tool can be ingested after a small conversion script:
 *
 * "generic": {"tool": {"name", "version"}, "findings": [ {kind, rule_id,
 *   title, description, severity, confidence, cvss {version, vector,
 *   score}, vuln_ids, cwe, location {path, start_line, ..., url, method,
 *   param, purl, name, version, ecosystem, fixed_versions, image, layer,
 *   resource, provider}, references, tags, remediation, help_uri,
 *   suppressed, suppression_kind, suppression_justification, validated,
 *   fingerprints {}, properties {}} ]}
 * "generic-csv": a header row with the same field names (location fields
 *   without the "location." prefix, cvss as cvss_version, cvss_vector,
 *   cvss_score), lists separated by ';'.
 *
 * Strict where a typo would silently lose meaning: an unknown severity,
 * kind or confidence, a line that is not a number, a boolean that is not
 * one, is an error naming the finding (or line) and the field.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/dastiac.h"
#include "model/ids.h"
#include "model/path.h"
#include "util/csv.h"

#include <ctype.h>

/* --- one field, from text: shared by the JSON and CSV forms --- */

enum ftype { F_STR, F_PATH, F_LINE, F_SEV, F_KIND, F_CONF, F_BOOL, F_SCORE, F_LIST };

struct field {
	const char *name;
	enum ftype type;
	size_t off;          /* offset of the member in struct evidence */
};

#define EV(m) offsetof(struct evidence, m)
static const struct field fields[] = {
	{ "tool", F_STR, EV(tool) },
	{ "tool_version", F_STR, EV(tool_version) },
	{ "kind", F_KIND, EV(kind) },
	{ "rule_id", F_STR, EV(rule_id) },
	{ "rule_name", F_STR, EV(rule_name) },
	{ "title", F_STR, EV(title) },
	{ "description", F_STR, EV(description) },
	{ "remediation", F_STR, EV(remediation) },
	{ "help_uri", F_STR, EV(help_uri) },
	{ "severity", F_SEV, EV(severity) },
	{ "severity_raw", F_STR, EV(severity_raw) },
	{ "confidence", F_CONF, EV(confidence) },
	{ "cvss_version", F_STR, EV(cvss.version) },
	{ "cvss_vector", F_STR, EV(cvss.vector) },
	{ "cvss_score", F_SCORE, EV(cvss.score) },
	{ "vuln_ids", F_LIST, EV(vuln_ids) },
	{ "cwe", F_LIST, EV(cwe) },
	{ "references", F_LIST, EV(references) },
	{ "tags", F_LIST, EV(tags) },
	{ "suppressed", F_BOOL, EV(suppressed) },
	{ "suppression_kind", F_STR, EV(suppression_kind) },
	{ "suppression_justification", F_STR, EV(suppression_justification) },
	{ "validated", F_BOOL, EV(validated) },
	{ "path", F_PATH, EV(loc.path) },
	{ "start_line", F_LINE, EV(loc.start_line) },
	{ "end_line", F_LINE, EV(loc.end_line) },
	{ "start_column", F_LINE, EV(loc.start_column) },
	{ "end_column", F_LINE, EV(loc.end_column) },
	{ "snippet", F_STR, EV(loc.snippet) },
	{ "logical", F_STR, EV(loc.logical) },
	{ "url", F_STR, EV(loc.url) },
	{ "method", F_STR, EV(loc.method) },
	{ "param", F_STR, EV(loc.param) },
	{ "purl", F_STR, EV(loc.purl) },
	{ "name", F_STR, EV(loc.name) },
	{ "version", F_STR, EV(loc.version) },
	{ "ecosystem", F_STR, EV(loc.ecosystem) },
	{ "fixed_versions", F_LIST, EV(loc.fixed_versions) },
	{ "image", F_STR, EV(loc.image) },
	{ "layer", F_STR, EV(loc.layer) },
	{ "resource", F_STR, EV(loc.resource) },
	{ "provider", F_STR, EV(loc.provider) },
};
#undef EV

static const struct field *find_field(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (!strcmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

/* One list item: vuln ids are normalised, CWEs parsed. */
static int add_item(struct evidence *ev, struct arena *a, const struct field *f,
		    const char *item, struct perr *err)
{
	if (!*item)
		return 0;
	if (f->off == offsetof(struct evidence, vuln_ids)) {
		evidence_add_vuln_id(ev, a, ids_normalize(a, item));
	} else if (f->off == offsetof(struct evidence, cwe)) {
		if (!evidence_add_cwe_text(ev, a, item))
			return perr_set(err, P_EINVALID, "'cwe' has '%s': not a CWE id", item);
	} else {
		strlist_add_unique((struct strlist *)((char *)ev + f->off), a, item);
	}
	return 0;
}

/* A ';'-separated list (the CSV form), items trimmed. */
static int add_list(struct evidence *ev, struct arena *a, const struct field *f,
		    const char *text, struct perr *err)
{
	const char *p = text;
	int ret;

	while (*p) {
		size_t n = strcspn(p, ";");
		const char *s = p, *e = p + n;

		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if ((ret = add_item(ev, a, f, arena_strndup(a, s, (size_t)(e - s)), err)) < 0)
			return ret;
		p += n + (p[n] == ';');
	}
	return 0;
}

static int parse_bool(bool *out, const char *s)
{
	if (!strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "yes"))
		*out = true;
	else if (!strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "no"))
		*out = false;
	else
		return P_EINVALID;
	return 0;
}

/*
 * Set field f from text (a JSON scalar's text or a CSV cell). An empty
 * text leaves the field unset. Errors name the field.
 */
static int set_field(struct evidence *ev, struct arena *a, const struct field *f,
		     const char *text, struct perr *err)
{
	void *p = (char *)ev + f->off;
	char *end;
	long long v;
	double d;

	if (!text || !*text)
		return 0;
	switch (f->type) {
	case F_STR:
		*(const char **)p = text;
		return 0;
	case F_PATH:
		*(const char **)p = path_normalize(a, text);
		return 0;
	case F_LINE:
		errno = 0;
		v = strtoll(text, &end, 10);
		if (errno || end == text || *end || v < 0 || v >= UINT_MAX)
			return perr_set(err, P_EINVALID, "'%s' is '%s': not a line or column number",
					f->name, text);
		*(unsigned *)p = (unsigned)v;
		return 0;
	case F_SEV:
		if (!strcasecmp(text, "none"))
			return 0;
		if (severity_parse((enum severity *)p, text) < 0)
			return perr_set(err, P_EINVALID, "'severity' is '%s': not one of critical, "
					"high, medium, low, info, none", text);
		if (!ev->severity_raw)
			ev->severity_raw = text;
		return 0;
	case F_KIND:
		if (kind_parse((enum kind *)p, text) < 0)
			return perr_set(err, P_EINVALID, "'kind' is '%s': not one of sast, sca, "
					"secret, container, iac, dast, api, cloud, runtime, other", text);
		return 0;
	case F_CONF: {
		static const char *const names[] = { "none", "low", "medium", "high", "confirmed" };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (!strcasecmp(text, names[i])) {
				ev->confidence = (enum confidence)i;
				ev->confidence_raw = text;
				return 0;
			}
		return perr_set(err, P_EINVALID, "'confidence' is '%s': not one of low, medium, "
				"high, confirmed", text);
	}
	case F_BOOL:
		if (parse_bool((bool *)p, text) < 0)
			return perr_set(err, P_EINVALID, "'%s' is '%s': not true or false", f->name, text);
		return 0;
	case F_SCORE:
		errno = 0;
		d = strtod(text, &end);
		if (errno || end == text || *end || !(d >= 0 && d <= 10))
			return perr_set(err, P_EINVALID, "'%s' is '%s': not a score from 0 to 10",
					f->name, text);
		ev->cvss.score = d;
		ev->cvss.has_score = true;
		return 0;
	case F_LIST:
		return add_list(ev, a, f, text, err);
	}
	return 0;
}

/* What every finding needs, whichever form it came in. */
static int check_finding(struct evidence *ev, struct perr *err)
{
	if (!ev->tool || !*ev->tool)
		return perr_set(err, P_EINVALID, "no tool name ('tool.name')");
	if (!ev->title && !ev->rule_id)
		return perr_set(err, P_EINVALID, "neither 'title' nor 'rule_id' is given");
	if (!ev->title)
		ev->title = ev->rule_id;
	if (ev->cvss.vector && !ev->cvss.version) {
		const char *v = ev->cvss.vector;

		if (!strncmp(v, "CVSS:3.1/", 9))
			ev->cvss.version = "3.1";
		else if (!strncmp(v, "CVSS:3.0/", 9))
			ev->cvss.version = "3.0";
		else if (!strncmp(v, "CVSS:4.0/", 9))
			ev->cvss.version = "4.0";
	}
	if (ev->loc.start_line && !ev->loc.end_line)
		ev->loc.end_line = ev->loc.start_line;
	if (ev->suppressed && !ev->suppression_kind)
		ev->suppression_kind = "external";
	return 0;
}

/* --- JSON --- */

enum { CTX_TOOL, CTX_SCHEMA };

static const struct jrec_format generic_records = {
	.records = { "findings[*]", NULL },
	.context = { "tool", "schema", NULL },
	.scope_end = true,
};

struct generic_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

/* A JSON value into field f: scalars as text, arrays for list fields. */
static int set_json(struct evidence *ev, struct arena *a, const struct field *f,
		    const struct jnode *n, struct perr *err)
{
	const struct jnode *c;
	int ret;

	if (n->type == JNULL)
		return 0;
	if (f->type == F_LIST) {
		if (n->type != JARR)
			return set_field(ev, a, f, json_text(n), err);
		json_for_each(c, n) {
			if (!json_text(c))
				return perr_set(err, P_EINVALID, "'%s' holds %s %s, not a string",
						f->name, c->type == JARR || c->type == JOBJ ? "an" : "a",
						json_type_name(c->type));
			if ((ret = add_item(ev, a, f, json_text(c), err)) < 0)
				return ret;
		}
		return 0;
	}
	if (!json_text(n))
		return perr_set(err, P_EINVALID, "'%s' is %s %s, not a string", f->name,
				n->type == JARR || n->type == JOBJ ? "an" : "a", json_type_name(n->type));
	if (f->type == F_BOOL && n->type != JBOOL && n->type != JSTR)
		return perr_set(err, P_EINVALID, "'%s' is a number, not true or false", f->name);
	return set_field(ev, a, f, json_text(n), err);
}

static int set_members(struct evidence *ev, struct arena *a, const struct jnode *obj,
		       struct perr *err)
{
	const struct jnode *c;
	const struct field *f;
	int ret;

	json_for_each(c, obj) {
		if (!strcmp(c->key, "location") || !strcmp(c->key, "cvss") ||
		    !strcmp(c->key, "properties") || !strcmp(c->key, "fingerprints"))
			continue;
		if (!(f = find_field(c->key)))
			continue; /* documented: other members are ignored */
		if ((ret = set_json(ev, a, f, c, err)) < 0)
			return ret;
	}
	return 0;
}

static int on_finding(struct generic_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *n = rec->node, *loc, *cvss, *c, *tool = rec->ctx[CTX_TOOL];
	struct arena *a = rec->arena;
	struct evidence ev;
	int ret;

	if (!json_is(n, JOBJ))
		return perr_set(err, P_EINVALID, "finding is %s %s, not an object",
				n->type == JARR ? "an" : "a", json_type_name(n->type));
	loc = json_get(n, "location");
	cvss = json_get(n, "cvss");
	if ((ret = dastiac__want(err, loc, JOBJ, "location")) < 0 ||
	    (ret = dastiac__want(err, cvss, JOBJ, "cvss")) < 0 ||
	    (ret = dastiac__want(err, json_get(n, "properties"), JOBJ, "properties")) < 0 ||
	    (ret = dastiac__want(err, json_get(n, "fingerprints"), JOBJ, "fingerprints")) < 0)
		return ret;
	evidence_init(&ev);
	ev.tool = json_get_str(tool, "name");
	ev.tool_version = json_get_str(tool, "version");
	if ((ret = set_members(&ev, a, n, err)) < 0 || (ret = set_members(&ev, a, loc, err)) < 0)
		return ret;
	json_for_each(c, cvss) {
		const struct field *f = NULL;

		if (!strcmp(c->key, "version"))
			f = find_field("cvss_version");
		else if (!strcmp(c->key, "vector"))
			f = find_field("cvss_vector");
		else if (!strcmp(c->key, "score"))
			f = find_field("cvss_score");
		if (f && (ret = set_json(&ev, a, f, c, err)) < 0)
			return ret;
	}
	json_for_each(c, json_get(n, "properties"))
		kvlist_add(&ev.properties, a, c->key, json_text(c));
	json_for_each(c, json_get(n, "fingerprints"))
		kvlist_add(&ev.tool_fingerprints, a, c->key, json_text(c));
	if ((ret = check_finding(&ev, err)) < 0)
		return ret;
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct generic_state *st = payload;
	const struct jnode *tool = rec->ctx[CTX_TOOL];
	int ret;

	if (rec->which == JREC_SCOPE_END) {
		if (rec->nindex)
			return 0;
		if ((ret = dastiac__want(err, tool, JOBJ, "tool")) < 0)
			return ret;
		if (!json_get_str(tool, "name") || !*json_get_str(tool, "name"))
			return perr_set(err, P_EINVALID, "'tool.name' is missing");
		parse_tool_seen(st->opts, json_get_str(tool, "name"), json_get_str(tool, "version"));
		return 0;
	}
	if ((ret = dastiac__want(err, tool, JOBJ, "tool")) < 0)
		return ret;
	return on_finding(st, rec, err);
}

int detect_generic(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{')
		return 0;
	if (parse_has(head, len, "posture-generic"))
		return 100;
	/* a plain shape that others may share: claim it weakly */
	if (parse_has(head, len, "\"findings\"") && parse_has(head, len, "\"tool\""))
		return 40;
	return 0;
}

int parse_generic(const char *buf, size_t len, const struct parse_opts *opts,
		  evidence_cb cb, void *payload, struct perr *err)
{
	struct generic_state st = { opts, cb, payload };
	long n = jrec_parse(buf, len, &generic_records, &opts->stream, on_record, &st, err);

	return n < 0 ? (int)n : 0;
}

/* --- CSV --- */

/* CSV names for the cvss members and the location prefix, mapped to fields[]. */
static const struct field *csv_field(const char *name)
{
	if (!strncmp(name, "location.", 9))
		name += 9;
	if (!strcmp(name, "cvss.version"))
		name = "cvss_version";
	else if (!strcmp(name, "cvss.vector"))
		name = "cvss_vector";
	else if (!strcmp(name, "cvss.score"))
		name = "cvss_score";
	return find_field(name);
}

int detect_generic_csv(const char *head, size_t len)
{
	bool tool = false, id = false, sev = false;
	size_t i = 0;

	if (len >= 3 && !memcmp(head, "\xef\xbb\xbf", 3))
		i = 3;
	/* the header row: bare or quoted names separated by commas */
	while (i < len && head[i] != '\n' && head[i] != '\r') {
		size_t start = i, n;
		const char *name;

		while (i < len && head[i] != ',' && head[i] != '\n' && head[i] != '\r')
			i++;
		name = head + start;
		n = i - start;
		if (n >= 2 && name[0] == '"' && name[n - 1] == '"') {
			name++;
			n -= 2;
		}
#define IS(s) (n == strlen(s) && !memcmp(name, s, n))
		if (IS("tool"))
			tool = true;
		else if (IS("title") || IS("rule_id"))
			id = true;
		else if (IS("severity"))
			sev = true;
#undef IS
		if (i < len && head[i] == ',')
			i++;
	}
	return tool && id ? (sev ? 80 : 60) : 0;
}

int parse_generic_csv(const char *buf, size_t len, const struct parse_opts *opts,
		      evidence_cb cb, void *payload, struct perr *err)
{
	const struct field *cols[CSV_MAX_FIELDS];
	const char *names[CSV_MAX_FIELDS];
	struct arena a = ARENA_INIT, hdr = ARENA_INIT;
	struct csv c;
	size_t ncols, i;
	int ret;

	csv_init(&c, buf, len, ',');
	if ((ret = csv_next(&c, err)) <= 0) {
		if (!ret)
			ret = perr_set(err, P_EINVALID, "empty file: no header row");
		goto done;
	}
	ncols = c.nfields;
	for (i = 0; i < ncols; i++) {
		names[i] = arena_strdup(&hdr, c.field[i]);
		cols[i] = csv_field(names[i]);
	}
	if (csv_find(&c, "tool") < 0) {
		ret = perr_set(err, P_EINVALID, "line 1: no 'tool' column");
		goto done;
	}
	if (csv_find(&c, "title") < 0 && csv_find(&c, "rule_id") < 0) {
		ret = perr_set(err, P_EINVALID, "line 1: neither a 'title' nor a 'rule_id' column");
		goto done;
	}
	while ((ret = csv_next(&c, err)) > 0) {
		struct evidence ev;

		if (c.nfields == 1 && !*c.field[0])
			continue; /* a blank line */
		evidence_init(&ev);
		for (i = 0; i < c.nfields && i < ncols; i++) {
			if (!cols[i]) {
				/* extra columns are kept as properties */
				if (*c.field[i])
					kvlist_add(&ev.properties, &a, names[i], c.field[i]);
				continue;
			}
			if ((ret = set_field(&ev, &a, cols[i], c.field[i], err)) < 0)
				break;
		}
		if (ret >= 0)
			ret = check_finding(&ev, err);
		if (ret < 0) {
			perr_prefix(err, "line %zu", c.line);
			goto done;
		}
		parse_tool_seen(opts, ev.tool, ev.tool_version);
		if ((ret = cb(&ev, payload, err)) < 0)
			goto done;
		arena_reset(&a);
	}
done:
	arena_release(&a);
	arena_release(&hdr);
	csv_release(&c);
	return ret < 0 ? ret : 0;
}
