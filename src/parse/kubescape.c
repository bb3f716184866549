/*
 * Kubescape JSON (kubescape scan --format json, format version v2):
 * summaryDetails.controls maps a control id to {name, controlID,
 * scoreFactor, status, ...}; resources[*] {resourceID, source
 * {relativePath, path}, object}; results[*] {resourceID, controls[*]
 * {controlID, name, status {status, subStatus}, rules[*] {status,
 * paths[*] {failedPath, fixPath, deletePath, reviewPath}}}}.
 *
 * One evidence per failed control of a resource. Severity comes from the
 * control's scoreFactor (1-10) in Kubescape's own bands: 1-3.9 low,
 * 4-6.9 medium, 7-8.9 high, 9-10 critical (a "severity" string, when a
 * version writes one, wins). A resource scanned from a file is iac with
 * its path; a resource read from a live cluster is cloud.
 *
 * The file path of a resource comes from resources[*], which Kubescape
 * writes before results[*]; the paths are remembered by resourceID
 * (only ids and paths, not the objects).
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/dastiac.h"
#include "model/path.h"
#include "util/alloc.h"
#include "util/strmap.h"

enum { REC_RESOURCE, REC_RESULT };
enum { CTX_SUMMARY, CTX_CLIENT };

static const struct jrec_format kubescape_records = {
	.records = { "resources[*]", "results[*]", NULL },
	/* context is a member of an object that encloses the records: the root */
	.context = { "summaryDetails", "clientInfo", NULL },
	.scope_end = true,
};

struct kubescape_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	struct strmap paths; /* resourceID -> relative path (xstrdup'd) */
	char **owned;        /* every string put into paths, to free */
	size_t nowned, owned_alloc;
};

static void remember_path(struct kubescape_state *st, const struct jnode *res)
{
	const char *id = json_get_str(res, "resourceID");
	const struct jnode *src = json_get(res, "source");
	const char *path = json_get_str(src, "relativePath");
	char *k, *v;

	if (!path || !*path)
		path = json_get_str(src, "path");
	if (!id || !path || !*path || strmap_get(&st->paths, id))
		return;
	k = xstrdup(id);
	v = xstrdup(path);
	ALLOC_GROW(st->owned, st->nowned + 2, st->owned_alloc);
	st->owned[st->nowned++] = k;
	st->owned[st->nowned++] = v;
	strmap_put(&st->paths, k, v);
}

static const char *version(const struct jrec *rec)
{
	const char *v = json_get_str(rec->ctx[CTX_CLIENT], "version");

	return v && *v == 'v' ? v + 1 : v;
}

static void set_severity(struct evidence *ev, const struct jnode *summary)
{
	const char *sev = json_get_str(summary, "severity");
	const struct jnode *sf = json_get(summary, "scoreFactor");
	double score;

	if (sev && !dastiac__severity(&ev->severity, sev)) {
		ev->severity_raw = sev;
		return;
	}
	if (json_num(sf, &score) && score > 0 && score <= 10) {
		ev->severity = severity_from_score(score);
		ev->severity_raw = json_text(sf);
	}
}

/* "spec.containers[0].securityContext.runAsNonRoot, ..." of the failed rules */
static const char *failed_paths(struct arena *a, const struct jnode *control)
{
	const struct jnode *rule, *p;
	const char *out = NULL;

	json_for_each(rule, json_get(control, "rules")) {
		json_for_each(p, json_get(rule, "paths")) {
			const char *fp = json_get_str(p, "failedPath");

			if (!fp)
				fp = json_get_str(p, "reviewPath");
			if (!fp)
				fp = json_get_str(p, "deletePath");
			if (!fp)
				fp = json_get_str(json_get(p, "fixPath"), "path");
			if (!fp || !*fp)
				continue;
			out = out ? arena_printf(a, "%s, %s", out, fp) : fp;
			if (strlen(out) > DASTIAC_CLIP)
				return dastiac__clip(a, out, DASTIAC_CLIP);
		}
	}
	return out;
}

static int on_result(struct kubescape_state *st, const struct jrec *rec, struct perr *err)
{
	const struct jnode *r = rec->node, *controls, *c;
	struct arena *a = rec->arena;
	const char *id = json_get_str(r, "resourceID"), *path;
	int ret;

	if (!json_is(r, JOBJ))
		return perr_set(err, P_EINVALID, "result is %s %s, not an object",
				r->type == JARR ? "an" : "a", json_type_name(r->type));
	controls = json_get(r, "controls");
	if ((ret = dastiac__want(err, controls, JARR, "controls")) < 0)
		return ret;
	if (!id)
		return perr_set(err, P_EINVALID, "'resourceID' is missing");
	path = id ? strmap_get(&st->paths, id) : NULL;
	json_for_each(c, controls) {
		const char *status = json_get_str(json_get(c, "status"), "status");
		const char *cid = json_get_str(c, "controlID");
		const struct jnode *summary;
		struct evidence ev;

		if (!status || strcmp(status, "failed"))
			continue;
		if (!cid)
			return perr_set(err, P_EINVALID, "a control of '%s' has no 'controlID'", id);
		summary = json_get(json_get(rec->ctx[CTX_SUMMARY], "controls"), cid);
		evidence_init(&ev);
		ev.tool = "kubescape";
		ev.tool_version = version(rec);
		ev.kind = path ? KIND_IAC : KIND_CLOUD;
		ev.rule_id = cid;
		ev.title = json_get_str(c, "name");
		if (!ev.title)
			ev.title = json_get_str(summary, "name");
		set_severity(&ev, summary);
		ev.help_uri = arena_printf(a, "https://hub.armosec.io/docs/%s", cid);
		for (char *p = (char *)ev.help_uri + strlen("https://hub.armosec.io/docs/"); *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		strlist_add(&ev.references, a, ev.help_uri);
		ev.loc.resource = id;
		ev.loc.logical = id;
		ev.loc.provider = "kubernetes";
		ev.loc.path = path ? path_normalize(a, path) : NULL;
		kvlist_add(&ev.properties, a, "failed_paths", failed_paths(a, c));
		if ((ret = st->cb(&ev, st->payload, err)) < 0)
			return ret;
	}
	return 0;
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct kubescape_state *st = payload;

	if (rec->which == JREC_SCOPE_END) {
		if (!rec->nindex)
			parse_tool_seen(st->opts, "kubescape", version(rec));
		return 0;
	}
	if (rec->which == REC_RESOURCE) {
		remember_path(st, rec->node);
		return 0;
	}
	return on_result(st, rec, err);
}

int detect_kubescape(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{' || !parse_has(head, len, "\"summaryDetails\""))
		return 0;
	if (parse_has(head, len, "\"controlID\"") || parse_has(head, len, "\"resourceID\""))
		return 95;
	return 50;
}

int parse_kubescape(const char *buf, size_t len, const struct parse_opts *opts,
		    evidence_cb cb, void *payload, struct perr *err)
{
	struct kubescape_state st;
	long n;
	size_t i;

	memset(&st, 0, sizeof(st));
	st.opts = opts;
	st.cb = cb;
	st.payload = payload;
	n = jrec_parse(buf, len, &kubescape_records, &opts->stream, on_record, &st, err);
	for (i = 0; i < st.nowned; i++)
		xfree(st.owned[i]);
	xfree(st.owned);
	strmap_release(&st.paths);
	return n < 0 ? (int)n : 0;
}
