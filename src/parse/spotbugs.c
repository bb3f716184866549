/*
 * SpotBugs XML (`spotbugs -textui -xml[:withMessages]`, the Maven and
 * Gradle plugins' spotbugsXml.xml; FindBugs 2-3 wrote the same shape), with
 * or without the FindSecBugs plugin. One evidence per BugInstance, at its
 * primary source line. See docs/formats/spotbugs.md.
 *
 * The pattern texts (BugPattern: short description, HTML details, CWE) and
 * bug code names come after the BugInstances, and xrec does not look
 * ahead: a first pass collects them (they are per pattern, so few), the
 * second emits the instances.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/xrec.h"
#include "parse/xmltext.h"
#include "parse/xml_severity.h"
#include "model/path.h"
#include "util/strmap.h"

#define MAX_DETAILS (16u << 10)  /* bytes of one pattern's help text kept */
#define MAX_PATTERNS 20000       /* distinct patterns and codes remembered */
#define PATTERN_ARENA_MAX (64u << 20)

enum { REC_PATTERN, REC_CODE, REC_ERRORS };

static const struct xrec_format spotbugs_tables = {
	.records = { "BugCollection/BugPattern", "BugCollection/BugCode", "BugCollection/Errors", NULL },
	.context = { NULL },
	.root = "BugCollection",
};

static const struct xrec_format spotbugs_records = {
	.records = { "BugCollection/BugInstance", NULL },
	.context = { "BugCollection/Project", NULL },
	.root = "BugCollection",
	.scope_end = true,
};

/* What the report says about one pattern, kept for the second pass. */
struct pattern {
	const char *short_description;
	const char *details;       /* plain text */
	const char *details_html;  /* for its reference links */
	int cwe;
};

struct spotbugs_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	struct arena keep;        /* patterns and code names */
	struct strmap patterns;   /* type -> struct pattern */
	struct strmap codes;      /* abbrev -> description */
	size_t nkept;
};

/*
 * SpotBugs' rank bands (BugRankCategory), mapped as SpotBugs' own SARIF
 * writer maps them to levels and posture's SARIF reader maps levels:
 * scariest (1-4) and scary (5-9) error -> high, troubling (10-14) warning
 * -> medium, of concern (15-20) note -> low.
 */
enum severity spotbugs__severity(long long rank)
{
	if (rank < 1 || rank > 20)
		return SEV_NONE;
	if (rank <= 9)
		return SEV_HIGH;
	if (rank <= 14)
		return SEV_MEDIUM;
	return SEV_LOW;
}

/* Priority is SpotBugs' confidence: 1 high, 2 normal, 3 low, 4 experimental. */
enum confidence spotbugs__confidence(long long priority)
{
	switch (priority) {
	case 1:
		return CONF_HIGH;
	case 2:
		return CONF_MEDIUM;
	case 3:
	case 4:
		return CONF_LOW;
	default:
		return CONF_NONE;
	}
}

static const char *keep_str(struct spotbugs_state *st, const char *s, struct perr *err)
{
	const char *c;

	if (!s)
		return NULL;
	if (!(c = arena_strdup(&st->keep, s)))
		perr_set(err, P_ELIMIT, "bug pattern texts larger than %u bytes", PATTERN_ARENA_MAX);
	return c;
}

static int keep_pattern(struct spotbugs_state *st, const struct xrec *rec, struct perr *err)
{
	const struct xnode *bp = rec->node;
	const char *type = xnode_attr(bp, "type"), *html, *text;
	struct pattern *p;
	long long cwe;

	if (!type || !*type || strmap_get(&st->patterns, type))
		return 0;
	if (++st->nkept > MAX_PATTERNS)
		return perr_set(err, P_ELIMIT, "more than %u bug patterns", MAX_PATTERNS);
	if (!(p = arena_zalloc(&st->keep, sizeof(*p))) || !(type = keep_str(st, type, err)))
		return perr_set(err, P_ELIMIT, "bug pattern texts larger than %u bytes", PATTERN_ARENA_MAX);
	html = xnode_path_text(bp, "Details");
	text = xmltext_cut(rec->arena, xmltext_html_to_text(rec->arena, html), MAX_DETAILS);
	if ((xnode_path_text(bp, "ShortDescription") &&
	     !(p->short_description = keep_str(st, xnode_path_text(bp, "ShortDescription"), err))) ||
	    (text && !(p->details = keep_str(st, text, err))) ||
	    (html && !(p->details_html = keep_str(st, xmltext_cut(rec->arena, html, MAX_DETAILS), err))))
		return err->code;
	if (xml_long(xnode_attr(bp, "cweid"), 1, INT_MAX, &cwe))
		p->cwe = (int)cwe;
	strmap_put(&st->patterns, type, p);
	return 0;
}

static int keep_code(struct spotbugs_state *st, const struct xrec *rec, struct perr *err)
{
	const char *abbrev = xnode_attr(rec->node, "abbrev");
	const char *desc = xnode_path_text(rec->node, "Description");

	if (!abbrev || !*abbrev || !desc || strmap_get(&st->codes, abbrev))
		return 0;
	if (++st->nkept > MAX_PATTERNS)
		return perr_set(err, P_ELIMIT, "more than %u bug patterns", MAX_PATTERNS);
	if (!(abbrev = keep_str(st, abbrev, err)) || !(desc = keep_str(st, desc, err)))
		return err->code;
	strmap_put(&st->codes, abbrev, (void *)desc);
	return 0;
}

/* <Errors errors="2" missingClasses="1"><Error><ErrorMessage>... */
static void warn_errors(struct spotbugs_state *st, const struct xnode *errors)
{
	const char *first = xnode_path_text(errors, "Error/ErrorMessage");
	const char *missing = xnode_path_text(errors, "MissingClass");
	long long n = 0, m = 0;

	if (!xml_long(xnode_attr(errors, "errors"), 0, LLONG_MAX, &n))
		n = xnode_child(errors, "Error") ? 1 : 0;
	if (!xml_long(xnode_attr(errors, "missingClasses"), 0, LLONG_MAX, &m))
		m = missing ? 1 : 0;
	if (n > 0)
		parse_warn(st->opts, "SpotBugs reported %lld analysis error(s)%s%s", n,
			   first ? ": " : "", first ? first : "");
	if (m > 0)
		parse_warn(st->opts, "SpotBugs could not find %lld class(es) on the classpath%s%s",
			   m, missing ? ", e.g. " : "", missing ? missing : "");
}

static int on_table(const struct xrec *rec, void *payload, struct perr *err)
{
	struct spotbugs_state *st = payload;

	switch (rec->which) {
	case REC_PATTERN:
		return keep_pattern(st, rec, err);
	case REC_CODE:
		return keep_code(st, rec, err);
	case REC_ERRORS:
		warn_errors(st, rec->node);
		return 0;
	default:
		return 0;
	}
}

static bool is_primary(const struct xnode *n)
{
	const char *p = xnode_attr(n, "primary");

	return p && !strcmp(p, "true");
}

/* The named child marked primary="true", else the first one. */
static const struct xnode *primary_child(const struct xnode *bug, const char *name)
{
	const struct xnode *c;

	xnode_for_each_named(c, bug, name)
		if (is_primary(c))
			return c;
	return xnode_child(bug, name);
}

static int set_lines(struct location *loc, struct arena *a, const struct xnode *sl, struct perr *err)
{
	const char *v;
	long long n;

	if ((v = xnode_attr(sl, "sourcepath")) && *v)
		loc->path = path_normalize(a, v);
	if ((v = xnode_attr(sl, "start"))) {
		if (!xml_long(v, 0, UINT_MAX, &n))
			return perr_set(err, P_EINVALID, "<SourceLine> 'start' is not a number: '%.40s'", v);
		loc->start_line = (unsigned)n;
	}
	if ((v = xnode_attr(sl, "end"))) {
		if (!xml_long(v, 0, UINT_MAX, &n))
			return perr_set(err, P_EINVALID, "<SourceLine> 'end' is not a number: '%.40s'", v);
		loc->end_line = (unsigned)n;
	}
	if (!loc->end_line)
		loc->end_line = loc->start_line;
	return 0;
}

/*
 * The place of the bug: the instance's own primary SourceLine (else its
 * first one), else the primary method's, field's or class's source lines.
 */
static const struct xnode *main_source_line(const struct xnode *bug)
{
	static const char *const owners[] = { "Method", "Field", "Class" };
	const struct xnode *sl = primary_child(bug, "SourceLine");
	size_t i;

	for (i = 0; !sl && i < ARRAY_SIZE(owners); i++)
		sl = xnode_child(primary_child(bug, owners[i]), "SourceLine");
	return sl;
}

/* "com.example.Foo.bar": the primary class and its primary method or field. */
static const char *logical_name(struct arena *a, const struct xnode *bug)
{
	const struct xnode *cls = primary_child(bug, "Class");
	const struct xnode *member = primary_child(bug, "Method");
	const char *cname = xnode_attr(cls, "classname"), *mname;

	if (!member)
		member = primary_child(bug, "Field");
	mname = xnode_attr(member, "name");
	if (!cname)
		cname = xnode_attr(member, "classname");
	if (!cname)
		return NULL;
	if (!mname || !*mname)
		return cname;
	/* a member of another class (a called method) names that class */
	if (xnode_attr(member, "classname") && strcmp(xnode_attr(member, "classname"), cname))
		cname = xnode_attr(member, "classname");
	return arena_printf(a, "%s.%s", cname, mname);
}

static void set_designation(struct evidence *ev, struct arena *a, const struct xnode *bug)
{
	const char *d = xnode_attr(xnode_child(bug, "UserAnnotation"), "designation");

	if (!d)
		return;
	kvlist_add(&ev->properties, a, "designation", d);
	/* a person classified it in the SpotBugs GUI */
	if (!strcmp(d, "BAD_ANALYSIS") || !strcmp(d, "NOT_A_BUG")) {
		ev->suppressed = true;
		ev->suppression_kind = "false_positive";
		ev->suppression_justification = xnode_path_text(bug, "UserAnnotation");
	}
}

static int emit_bug(struct spotbugs_state *st, const struct xrec *rec, struct perr *err)
{
	const struct xnode *bug = rec->node, *sl, *main_sl, *c;
	const char *type = xnode_attr(bug, "type"), *v;
	const char *category = xnode_attr(bug, "category"), *abbrev = xnode_attr(bug, "abbrev");
	const struct pattern *pat;
	struct arena *a = rec->arena;
	struct evidence ev;
	long long n;
	int ret;

	if (!type || !*type)
		return perr_set(err, P_EINVALID, "<BugInstance> has no 'type' attribute");
	pat = strmap_get(&st->patterns, type);
	evidence_init(&ev);
	ev.tool = "SpotBugs";
	ev.tool_version = xnode_attr(xnode_ancestor(bug, "BugCollection"), "version");
	ev.kind = KIND_SAST;
	ev.rule_id = type;
	ev.rule_name = pat ? pat->short_description : NULL;
	ev.title = xnode_path_text(bug, "ShortMessage");
	if (!ev.title)
		ev.title = ev.rule_name ? ev.rule_name : type;
	ev.description = xnode_path_text(bug, "LongMessage");
	if (pat) {
		ev.remediation = pat->details;
		xmltext_add_urls(&ev.references, a, pat->details_html);
	}
	if ((v = xnode_attr(bug, "rank"))) {
		if (!xml_long(v, 1, 20, &n))
			return perr_set(err, P_EINVALID, "<BugInstance> 'rank' is not 1-20: '%.40s'", v);
		ev.severity = spotbugs__severity(n);
		ev.severity_raw = v;
	}
	if ((v = xnode_attr(bug, "priority"))) {
		if (!xml_long(v, 1, 5, &n))
			return perr_set(err, P_EINVALID, "<BugInstance> 'priority' is not 1-5: '%.40s'", v);
		ev.confidence = spotbugs__confidence(n);
		ev.confidence_raw = v;
	}
	if (xml_long(xnode_attr(bug, "cweid"), 1, INT_MAX, &n))
		evidence_add_cwe(&ev, a, (int)n);
	else if (pat && pat->cwe)
		evidence_add_cwe(&ev, a, pat->cwe);
	if ((v = xnode_attr(bug, "instanceHash")) && *v)
		kvlist_add(&ev.tool_fingerprints, a, "instanceHash", v);

	main_sl = main_source_line(bug);
	if ((ret = set_lines(&ev.loc, a, main_sl, err)) < 0)
		return ret;
	ev.loc.logical = logical_name(a, bug);
	/* the instance's other places with a line: a taint source, a second access */
	xnode_for_each_named(sl, bug, "SourceLine") {
		struct location *r;

		if (sl == main_sl || !xnode_attr(sl, "start"))
			continue;
		r = evidence_add_related(&ev, a);
		if ((ret = set_lines(r, a, sl, err)) < 0)
			return ret;
		if (!r->path)
			r->path = ev.loc.path;
	}

	if (category) {
		strlist_add(&ev.tags, a, category);
		kvlist_add(&ev.properties, a, "category", category);
	}
	/* FindSecBugs' bug codes all start with SEC; SpotBugs' own SECURITY ones do not */
	if (category && !strcmp(category, "SECURITY") && abbrev && !strncmp(abbrev, "SEC", 3))
		strlist_add(&ev.tags, a, "findsecbugs");
	kvlist_add(&ev.properties, a, "abbrev", abbrev);
	if (abbrev)
		kvlist_add(&ev.properties, a, "bug_code", strmap_get(&st->codes, abbrev));
	/* the n-th of several instances with one hash (one pattern, one method) */
	if (xml_long(xnode_attr(bug, "instanceOccurrenceMax"), 1, LLONG_MAX, &n))
		kvlist_add(&ev.properties, a, "instance_occurrence", xnode_attr(bug, "instanceOccurrenceNum"));
	kvlist_add(&ev.properties, a, "project", xnode_attr(rec->ctx[0], "projectName"));
	/* a source of tainted data or a sink, as FindSecBugs names them */
	xnode_for_each_named(c, bug, "String") {
		const char *role = xnode_attr(c, "role");

		if (role && (!strcmp(role, "Sink method") || !strcmp(role, "Unknown source") ||
			     !strcmp(role, "Source method") || !strcmp(role, "Tainted source"))) {
			const char *key = !strncmp(role, "Sink", 4) ? "sink" : "source";

			if (!kvlist_get(&ev.properties, key))
				kvlist_add(&ev.properties, a, key, xnode_attr(c, "value"));
		}
	}
	set_designation(&ev, a, bug);
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct xrec *rec, void *payload, struct perr *err)
{
	struct spotbugs_state *st = payload;

	if (rec->which == XREC_SCOPE_END) {
		if (xnode_is(rec->scope, "BugCollection"))
			parse_tool_seen(st->opts, "SpotBugs", xnode_attr(rec->scope, "version"));
		return 0;
	}
	return emit_bug(st, rec, err);
}

int detect_spotbugs(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '<' || !parse_has(head, len, "<BugCollection"))
		return 0;
	if (parse_has(head, len, "<BugInstance") || parse_has(head, len, "<Project") ||
	    parse_has(head, len, "<FindBugsSummary"))
		return 100;
	return 60;
}

int parse_spotbugs(const char *buf, size_t len, const struct parse_opts *opts,
		   evidence_cb cb, void *payload, struct perr *err)
{
	struct spotbugs_state st = { opts, cb, payload, ARENA_INIT, STRMAP_INIT, STRMAP_INIT, 0 };
	struct xrec_opts xo;
	long n;
	int ret = 0;

	arena_init(&st.keep, PATTERN_ARENA_MAX);
	xrec_opts_from_stream(&xo, &opts->stream);
	if ((n = xrec_parse(buf, len, &spotbugs_tables, &xo, on_table, &st, err)) < 0) {
		ret = (int)n;
		goto done;
	}
	if ((n = xrec_parse(buf, len, &spotbugs_records, &xo, on_record, &st, err)) < 0)
		ret = (int)n;
done:
	strmap_release(&st.patterns);
	strmap_release(&st.codes);
	arena_release(&st.keep);
	return ret;
}
