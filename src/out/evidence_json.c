#include "posture.h"
#include "out/evidence_json.h"

static void strlist_json(struct jw *w, const char *key, const struct strlist *l)
{
	size_t i;

	jw_key(w, key);
	jw_arr_open(w);
	for (i = 0; i < l->n; i++)
		jw_str(w, l->v[i]);
	jw_arr_close(w);
}

static void kvlist_json(struct jw *w, const char *key, const struct kvlist *l)
{
	size_t i;

	jw_key(w, key);
	jw_obj_open(w);
	for (i = 0; i < l->n; i++)
		jw_kstr(w, l->v[i].key, l->v[i].value);
	jw_obj_close(w);
}

static void opt_str(struct jw *w, const char *key, const char *s)
{
	if (s)
		jw_kstr(w, key, s);
}

static void opt_uint(struct jw *w, const char *key, unsigned v)
{
	if (v)
		jw_kint(w, key, v);
}

static void location_json(struct jw *w, const struct location *l)
{
	jw_obj_open(w);
	opt_str(w, "path", l->path);
	opt_uint(w, "start_line", l->start_line);
	opt_uint(w, "end_line", l->end_line);
	opt_uint(w, "start_column", l->start_column);
	opt_uint(w, "end_column", l->end_column);
	opt_str(w, "snippet", l->snippet);
	opt_str(w, "logical", l->logical);
	opt_str(w, "url", l->url);
	opt_str(w, "method", l->method);
	opt_str(w, "param", l->param);
	opt_str(w, "purl", l->purl);
	opt_str(w, "name", l->name);
	opt_str(w, "version", l->version);
	opt_str(w, "ecosystem", l->ecosystem);
	if (l->fixed_versions.n)
		strlist_json(w, "fixed_versions", &l->fixed_versions);
	opt_str(w, "image", l->image);
	opt_str(w, "layer", l->layer);
	opt_str(w, "resource", l->resource);
	opt_str(w, "provider", l->provider);
	jw_obj_close(w);
}

/* In compact form, unknown (NULL, empty, false) values are left out. */
static void kstr(struct jw *w, bool compact, const char *key, const char *v)
{
	if (v || !compact)
		jw_kstr(w, key, v);
}

static void kbool(struct jw *w, bool compact, const char *key, bool v)
{
	if (v || !compact)
		jw_kbool(w, key, v);
}

static void klist(struct jw *w, bool compact, const char *key, const struct strlist *l)
{
	if (l->n || !compact)
		strlist_json(w, key, l);
}

static void kkv(struct jw *w, bool compact, const char *key, const struct kvlist *l)
{
	if (l->n || !compact)
		kvlist_json(w, key, l);
}

void out_evidence_json(struct jw *w, const struct evidence *ev, bool compact)
{
	size_t i;

	jw_obj_open(w);
	kstr(w, compact, "tool", ev->tool);
	kstr(w, compact, "tool_version", ev->tool_version);
	kstr(w, compact, "format", ev->format);
	kstr(w, compact, "kind", kind_name(ev->kind));
	kstr(w, compact, "rule_id", ev->rule_id);
	kstr(w, compact, "rule_name", ev->rule_name);
	kstr(w, compact, "title", ev->title);
	kstr(w, compact, "description", ev->description);
	kstr(w, compact, "severity", ev->severity ? severity_name(ev->severity) : NULL);
	kstr(w, compact, "severity_raw", ev->severity_raw);
	kstr(w, compact, "confidence", confidence_name(ev->confidence));
	kstr(w, compact, "confidence_raw", ev->confidence_raw);
	if (ev->cvss.vector || ev->cvss.has_score) {
		jw_key(w, "cvss");
		jw_obj_open(w);
		jw_kstr(w, "version", ev->cvss.version);
		jw_kstr(w, "vector", ev->cvss.vector);
		jw_key(w, "score");
		if (ev->cvss.has_score)
			jw_num(w, ev->cvss.score, 3);
		else
			jw_null(w);
		jw_obj_close(w);
	} else if (!compact) {
		jw_knull(w, "cvss");
	}
	klist(w, compact, "vuln_ids", &ev->vuln_ids);
	if (ev->ncwe || !compact) {
		jw_key(w, "cwe");
		jw_arr_open(w);
		for (i = 0; i < ev->ncwe; i++)
			jw_int(w, ev->cwe[i]);
		jw_arr_close(w);
	}
	jw_key(w, "location");
	location_json(w, &ev->loc);
	if (ev->nrelated || !compact) {
		jw_key(w, "related");
		jw_arr_open(w);
		for (i = 0; i < ev->nrelated; i++)
			location_json(w, &ev->related[i]);
		jw_arr_close(w);
	}
	kstr(w, compact, "remediation", ev->remediation);
	kstr(w, compact, "help_uri", ev->help_uri);
	klist(w, compact, "references", &ev->references);
	klist(w, compact, "tags", &ev->tags);
	kkv(w, compact, "tool_fingerprints", &ev->tool_fingerprints);
	kbool(w, compact, "suppressed", ev->suppressed);
	kstr(w, compact, "suppression_kind", ev->suppression_kind);
	kstr(w, compact, "suppression_justification", ev->suppression_justification);
	kstr(w, compact, "baseline_state", ev->baseline_state);
	kstr(w, compact, "reachability", reachability_name(ev->reachability));
	kbool(w, compact, "validated", ev->validated);
	kbool(w, compact, "secret_verified", ev->secret_verified);
	kstr(w, compact, "secret_hash", ev->secret_hash);
	kkv(w, compact, "properties", &ev->properties);
	kstr(w, compact, "fingerprint", ev->fingerprint);
	jw_obj_close(w);
}
