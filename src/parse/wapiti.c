/*
 * Wapiti JSON report (wapiti -f json, 3.x): "vulnerabilities",
 * "anomalies" and "additionals" map a category name ("Cross Site
 * Scripting") to a list of items {method, path, info, level, parameter,
 * referer, module, http_request, curl_command, wstg}; "classifications"
 * maps the same names to {desc, sol, ref {title: url}, wstg}; "infos"
 * names the version and target.
 *
 * Levels: from 3.1 on a number, 0 info, 1 low, 2 medium, 3 high,
 * 4 critical. Wapiti 3.0 wrote them as strings the other way round:
 * "1" high, "2" medium, "3" low. curl_command and http_request are
 * dropped (they replay the scan's cookies and credentials).
 *
 * Category maps are objects with free-form keys, which jrec cannot walk
 * member by member, so each section is one record; the report is small
 * (one item per problem found, no bodies unless detailed_report_level).
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/dastiac.h"

enum { REC_VULNS, REC_ANOMALIES, REC_ADDITIONALS };
enum { CTX_CLASSES, CTX_INFOS };

static const struct jrec_format wapiti_records = {
	.records = { "vulnerabilities", "anomalies", "additionals", NULL },
	.context = { "classifications", "infos", NULL },
	.scope_end = true,
};

static const char *const section_names[] = { "vulnerability", "anomaly", "additional" };
static const char *const section_keys[] = { "vulnerabilities", "anomalies", "additionals" };

struct wapiti_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

static const char *tool_version(const struct jrec *rec)
{
	const char *v = json_get_str(rec->ctx[CTX_INFOS], "version");

	if (v && !strncasecmp(v, "Wapiti ", 7))
		v += 7;
	return v;
}

static void set_level(struct evidence *ev, const struct jnode *level)
{
	long long v;

	if (!json_int(level, &v))
		return;
	ev->severity_raw = json_text(level);
	if (level->type == JSTR) {
		/* Wapiti 3.0: "1" high, "2" medium, "3" low */
		static const enum severity old[] = { SEV_NONE, SEV_HIGH, SEV_MEDIUM, SEV_LOW };

		if (v >= 1 && v <= 3)
			ev->severity = old[v];
		return;
	}
	if (v >= 0 && v <= 4) {
		static const enum severity map[] = { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH,
						     SEV_CRITICAL };

		ev->severity = map[v];
	}
}

/* scheme://host[:port] of the target, to make item paths full URLs. */
static const char *origin(struct arena *a, const char *target)
{
	const char *p = target ? strstr(target, "://") : NULL;

	if (!p)
		return NULL;
	p += 3;
	return arena_strndup(a, target, (size_t)(p - target) + strcspn(p, "/?#"));
}

static void add_strings(struct strlist *l, struct arena *a, const struct jnode *n)
{
	const struct jnode *c;

	if (json_str(n)) {
		strlist_add_unique(l, a, json_str(n));
		return;
	}
	json_for_each(c, n)
		strlist_add_unique(l, a, json_str(c));
}

static int emit_item(struct wapiti_state *st, const struct jrec *rec, const char *category,
		     const struct jnode *cls, const struct jnode *item, const char *base,
		     struct perr *err)
{
	struct arena *a = rec->arena;
	const struct jnode *c;
	const char *path = json_get_str(item, "path"), *param = json_get_str(item, "parameter");
	struct evidence ev;

	evidence_init(&ev);
	ev.tool = "Wapiti";
	ev.tool_version = tool_version(rec);
	ev.kind = KIND_DAST;
	ev.rule_id = category;
	ev.title = category;
	ev.description = json_get_str(item, "info");
	ev.remediation = dastiac__text(a, json_get_str(cls, "sol"));
	json_for_each(c, json_get(cls, "ref")) {
		strlist_add_unique(&ev.references, a, json_str(c));
		/* titles like "CWE-79: Improper Neutralization ..." name the weakness */
		if (!strncasecmp(c->key, "CWE-", 4))
			evidence_add_cwe_text(&ev, a, c->key);
	}
	add_strings(&ev.tags, a, json_get(item, "wstg"));
	if (!json_get(item, "wstg"))
		add_strings(&ev.tags, a, json_get(cls, "wstg"));
	set_level(&ev, json_get(item, "level"));
	if (path && base && *path == '/')
		ev.loc.url = arena_printf(a, "%s%s", base, path);
	else
		ev.loc.url = path;
	ev.loc.method = json_get_str(item, "method");
	ev.loc.param = param && *param ? param : NULL;
	kvlist_add(&ev.properties, a, "section", section_names[rec->which]);
	kvlist_add(&ev.properties, a, "module", json_get_str(item, "module"));
	kvlist_add(&ev.properties, a, "category_description",
		   dastiac__clip(a, dastiac__text(a, json_get_str(cls, "desc")), DASTIAC_CLIP));
	if (json_get_str(item, "referer") && *json_get_str(item, "referer"))
		kvlist_add(&ev.properties, a, "referer", json_get_str(item, "referer"));
	return st->cb(&ev, st->payload, err);
}

static int on_section(struct wapiti_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *cat, *item;
	const char *base = origin(rec->arena, json_get_str(rec->ctx[CTX_INFOS], "target"));
	int ret;

	if ((ret = dastiac__want(err, rec->node, JOBJ, section_keys[rec->which])) < 0)
		return ret;
	json_for_each(cat, rec->node) {
		const struct jnode *cls = json_get(rec->ctx[CTX_CLASSES], cat->key);

		if (!json_is(cat, JARR))
			return perr_set(err, P_EINVALID, "'%s' is %s %s, not an array", cat->key,
					cat->type == JOBJ ? "an" : "a", json_type_name(cat->type));
		json_for_each(item, cat) {
			if (!json_is(item, JOBJ))
				continue;
			if ((ret = emit_item(st, rec, cat->key, cls, item, base, err)) < 0)
				return ret;
		}
	}
	return 0;
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct wapiti_state *st = payload;

	if (rec->which == JREC_SCOPE_END) {
		parse_tool_seen(st->opts, "Wapiti", tool_version(rec));
		return 0;
	}
	return on_section(st, rec, err);
}

int detect_wapiti(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"vulnerabilities\""))
		return 0;
	if (parse_has(head, len, "\"classifications\"") && parse_has(head, len, "\"anomalies\""))
		return 95;
	if (parse_has(head, len, "\"Wapiti "))
		return 90;
	return 0;
}

int parse_wapiti(const char *buf, size_t len, const struct parse_opts *opts,
		 evidence_cb cb, void *payload, struct perr *err)
{
	struct wapiti_state st = { opts, cb, payload };
	long n = jrec_parse(buf, len, &wapiti_records, &opts->stream, on_record, &st, err);

	return n < 0 ? (int)n : 0;
}
