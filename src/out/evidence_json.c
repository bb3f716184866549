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

void out_evidence_json(struct jw *w, const struct evidence *ev)
{
	size_t i;

	jw_obj_open(w);
	jw_kstr(w, "tool", ev->tool);
	jw_kstr(w, "tool_version", ev->tool_version);
	jw_kstr(w, "format", ev->format);
	jw_kstr(w, "kind", kind_name(ev->kind));
	jw_kstr(w, "rule_id", ev->rule_id);
	jw_kstr(w, "rule_name", ev->rule_name);
	jw_kstr(w, "title", ev->title);
	jw_kstr(w, "description", ev->description);
	jw_kstr(w, "severity", ev->severity ? severity_name(ev->severity) : NULL);
	jw_kstr(w, "severity_raw", ev->severity_raw);
	jw_kstr(w, "confidence", confidence_name(ev->confidence));
	jw_kstr(w, "confidence_raw", ev->confidence_raw);
	jw_key(w, "cvss");
	if (ev->cvss.vector || ev->cvss.has_score) {
		jw_obj_open(w);
		jw_kstr(w, "version", ev->cvss.version);
		jw_kstr(w, "vector", ev->cvss.vector);
		jw_key(w, "score");
		if (ev->cvss.has_score)
			jw_num(w, ev->cvss.score, 3);
		else
			jw_null(w);
		jw_obj_close(w);
	} else {
		jw_null(w);
	}
	strlist_json(w, "vuln_ids", &ev->vuln_ids);
	jw_key(w, "cwe");
	jw_arr_open(w);
	for (i = 0; i < ev->ncwe; i++)
		jw_int(w, ev->cwe[i]);
	jw_arr_close(w);
	jw_key(w, "location");
	location_json(w, &ev->loc);
	jw_key(w, "related");
	jw_arr_open(w);
	for (i = 0; i < ev->nrelated; i++)
		location_json(w, &ev->related[i]);
	jw_arr_close(w);
	jw_kstr(w, "remediation", ev->remediation);
	jw_kstr(w, "help_uri", ev->help_uri);
	strlist_json(w, "references", &ev->references);
	strlist_json(w, "tags", &ev->tags);
	kvlist_json(w, "tool_fingerprints", &ev->tool_fingerprints);
	jw_kbool(w, "suppressed", ev->suppressed);
	jw_kstr(w, "suppression_kind", ev->suppression_kind);
	jw_kstr(w, "suppression_justification", ev->suppression_justification);
	jw_kstr(w, "baseline_state", ev->baseline_state);
	jw_kstr(w, "reachability", reachability_name(ev->reachability));
	jw_kbool(w, "validated", ev->validated);
	jw_kbool(w, "secret_verified", ev->secret_verified);
	jw_kstr(w, "secret_hash", ev->secret_hash);
	kvlist_json(w, "properties", &ev->properties);
	jw_kstr(w, "fingerprint", ev->fingerprint);
	jw_obj_close(w);
}
