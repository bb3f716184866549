/*
 * govulncheck -json (protocol v1, govulncheck 1.0+): a stream of JSON
 * objects {"config"}, {"progress"}, {"osv"}, {"finding"}. One evidence per
 * finding; its trace says how far the vulnerable code is reached.
 *
 * The stream usually sends each osv entry before its findings, but nothing
 * promises it, so a first pass keeps the osv entries (id, aliases, summary,
 * details, references) in a map bounded to MAX_OSV entries, and a second
 * pass emits the findings. See docs/formats/govulncheck.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/vulnkit.h"
#include "model/path.h"
#include "util/strmap.h"

#define MAX_OSV 50000

enum { REC_OSV, REC_CONFIG };
enum { REC_FINDING };

static const struct jrec_format osv_pass = {
	.records = { "osv", "config", NULL },
	.context = { NULL },
	.multiple = true,
};

static const struct jrec_format finding_pass = {
	.records = { "finding", NULL },
	.context = { NULL },
	.multiple = true,
};

struct osv_entry {
	const char *summary, *details;
	struct strlist aliases, refs;
};

struct gvc_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	struct arena arena; /* the osv map and config: live for the whole parse */
	struct strmap osv;
	size_t nosv;
	bool warned_full;
	const char *version, *go_version, *scan_level, *scan_mode;
};

static const char *keep(struct gvc_state *st, const char *s)
{
	return s ? arena_strdup(&st->arena, s) : NULL;
}

static void keep_osv(struct gvc_state *st, const struct jnode *osv)
{
	const char *id = json_get_str(osv, "id");
	struct osv_entry *e;
	const struct jnode *c;

	if (!id || strmap_get(&st->osv, id))
		return;
	if (st->nosv >= MAX_OSV) {
		if (!st->warned_full)
			parse_warn(st->opts, "more than %d osv entries: later ones lose their aliases and summary",
				   MAX_OSV);
		st->warned_full = true;
		return;
	}
	e = arena_zalloc(&st->arena, sizeof(*e));
	e->summary = keep(st, json_get_str(osv, "summary"));
	e->details = keep(st, json_get_str(osv, "details"));
	/* strlist_add keeps the pointer: copy out of the record's tree */
	json_for_each(c, json_get(osv, "aliases"))
		strlist_add(&e->aliases, &st->arena, keep(st, json_str(c)));
	json_for_each(c, json_get(osv, "references"))
		strlist_add(&e->refs, &st->arena, keep(st, json_get_str(c, "url")));
	strlist_add(&e->refs, &st->arena,
		    keep(st, json_get_str(json_get(osv, "database_specific"), "url")));
	strmap_put(&st->osv, keep(st, id), e);
	st->nosv++;
}

static int on_first_pass(const struct jrec *rec, void *payload, struct perr *err)
{
	struct gvc_state *st = payload;

	if (rec->which == REC_CONFIG) {
		st->version = keep(st, json_get_str(rec->node, "scanner_version"));
		st->go_version = keep(st, json_get_str(rec->node, "go_version"));
		st->scan_level = keep(st, json_get_str(rec->node, "scan_level"));
		st->scan_mode = keep(st, json_get_str(rec->node, "scan_mode"));
		return 0;
	}
	if (json_is(rec->node, JOBJ))
		keep_osv(st, rec->node);
	return 0;
}

/* "pkg.Func", "pkg.(*T).Method": the symbol a frame names. */
static const char *symbol(struct arena *a, const struct jnode *frame)
{
	const char *pkg = json_get_str(frame, "package"), *fn = json_get_str(frame, "function");
	const char *recv = json_get_str(frame, "receiver");

	if (!fn)
		return NULL;
	if (recv && *recv)
		return arena_printf(a, "%s.(%s).%s", pkg ? pkg : "", recv, fn);
	return arena_printf(a, "%s%s%s", pkg ? pkg : "", pkg ? "." : "", fn);
}

/* The user code that reaches the vulnerable symbol: the last frame of the trace. */
static void add_call_site(struct evidence *ev, struct arena *a, const struct jnode *frame)
{
	const struct jnode *pos = json_get(frame, "position");
	const char *file = json_get_str(pos, "filename");
	struct location *loc;
	long long v;

	if (!file && !json_get_str(frame, "function"))
		return;
	loc = evidence_add_related(ev, a);
	loc->path = file ? path_normalize(a, file) : NULL;
	if (json_get_int(pos, "line", &v) && v > 0 && v < UINT_MAX)
		loc->start_line = loc->end_line = (unsigned)v;
	if (json_get_int(pos, "column", &v) && v > 0 && v < UINT_MAX)
		loc->start_column = (unsigned)v;
	loc->logical = symbol(a, frame);
	if (loc->path && loc->start_line)
		vulnkit__prop(&ev->properties, a, "call_site",
			      arena_printf(a, "%s:%u", loc->path, loc->start_line));
}

static int on_finding(const struct jrec *rec, void *payload, struct perr *err)
{
	struct gvc_state *st = payload;
	const struct jnode *f = rec->node, *trace, *top, *last = NULL, *c;
	struct arena *a = rec->arena;
	const char *id, *module, *version, *fixed;
	const struct osv_entry *osv;
	struct evidence ev;
	size_t i;

	if (!json_is(f, JOBJ))
		return perr_set(err, P_EINVALID, "'finding' is %s, not an object",
				vulnkit__a_type(f));
	id = json_get_str(f, "osv");
	if (!id)
		return perr_set(err, P_EINVALID, "'finding.osv' is missing");
	trace = json_get(f, "trace");
	if (trace && !json_is(trace, JARR))
		return perr_set(err, P_EINVALID, "'trace' is %s, not an array",
				vulnkit__a_type(trace));
	top = json_at(trace, 0);
	module = json_get_str(top, "module");
	if (!module)
		return 0; /* no vulnerable module named: nothing to locate */
	json_for_each(c, trace)
		last = c;
	version = json_get_str(top, "version");
	fixed = json_get_str(f, "fixed_version");
	osv = strmap_get(&st->osv, id);

	evidence_init(&ev);
	ev.tool = "govulncheck";
	ev.tool_version = st->version;
	ev.kind = KIND_SCA;
	ev.rule_id = id;
	vulnkit__add_id(&ev, a, id);
	for (i = 0; osv && i < osv->aliases.n; i++)
		vulnkit__add_id(&ev, a, osv->aliases.v[i]);
	for (i = 0; osv && i < osv->refs.n; i++)
		strlist_add_unique(&ev.references, a, osv->refs.v[i]);
	ev.title = osv && osv->summary ? osv->summary : id;
	ev.description = osv ? osv->details : NULL;
	ev.loc.name = module;
	ev.loc.version = version;
	ev.loc.ecosystem = "golang";
	ev.loc.purl = arena_printf(a, "pkg:golang/%s%s%s", module, version ? "@" : "",
				   version ? version : "");
	strlist_add(&ev.loc.fixed_versions, a, fixed);
	if (json_get_str(top, "function")) {
		ev.reachability = REACH_REACHABLE;
		ev.loc.logical = symbol(a, top);
		vulnkit__prop(&ev.properties, a, "finding_level", "symbol");
		vulnkit__prop(&ev.properties, a, "vulnerable_symbol", ev.loc.logical);
		if (last != top)
			add_call_site(&ev, a, last);
	} else if (json_get_str(top, "package")) {
		ev.reachability = REACH_IMPORTED;
		vulnkit__prop(&ev.properties, a, "finding_level", "package");
		vulnkit__prop(&ev.properties, a, "vulnerable_package", json_get_str(top, "package"));
	} else {
		ev.reachability = REACH_NOT_REACHABLE;
		vulnkit__prop(&ev.properties, a, "finding_level", "module");
	}
	vulnkit__prop(&ev.properties, a, "fix_available", fixed ? "true" : "false");
	vulnkit__prop(&ev.properties, a, "go_version", st->go_version);
	vulnkit__prop(&ev.properties, a, "scan_level", st->scan_level);
	vulnkit__prop(&ev.properties, a, "scan_mode", st->scan_mode);
	return st->cb(&ev, st->payload, err);
}

int detect_govulncheck(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{')
		return 0;
	if (parse_has(head, len, "\"protocol_version\"") && parse_has(head, len, "govulncheck"))
		return 95;
	if (parse_has(head, len, "\"finding\"") && parse_has(head, len, "\"trace\""))
		return 70;
	return 0;
}

int parse_govulncheck(const char *buf, size_t len, const struct parse_opts *opts,
		      evidence_cb cb, void *payload, struct perr *err)
{
	struct gvc_state st;
	long n;
	int ret = 0;

	memset(&st, 0, sizeof(st));
	st.opts = opts;
	st.cb = cb;
	st.payload = payload;
	arena_init(&st.arena, 0);
	if ((n = jrec_parse(buf, len, &osv_pass, &opts->stream, on_first_pass, &st, err)) < 0) {
		ret = (int)n;
		goto done;
	}
	parse_tool_seen(opts, "govulncheck", st.version);
	if ((n = jrec_parse(buf, len, &finding_pass, &opts->stream, on_finding, &st, err)) < 0)
		ret = (int)n;
done:
	strmap_release(&st.osv);
	arena_release(&st.arena);
	return ret;
}
