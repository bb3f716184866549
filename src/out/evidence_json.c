#include "posture.h"
#include "out/evidence_json.h"

/*
 * Keys are written from the source, quoted at compile time (jw_key_lit):
 * the helpers take the quoted form; Q("tool") gives it with its length.
 */
#define Q(key) "\"" key "\":", sizeof(key) + 2

static void strlist_json(struct jw *w, const char *qkey, size_t qlen, const struct strlist *l)
{
	size_t i;

	jw__key_quoted(w, qkey, qlen);
	jw_arr_open(w);
	for (i = 0; i < l->n; i++)
		jw_str(w, l->v[i]);
	jw_arr_close(w);
}

static void kvlist_json(struct jw *w, const char *qkey, size_t qlen, const struct kvlist *l)
{
	size_t i;

	jw__key_quoted(w, qkey, qlen);
	jw_obj_open(w);
	for (i = 0; i < l->n; i++)
		jw_kstr(w, l->v[i].key, l->v[i].value);
	jw_obj_close(w);
}

static void opt_str(struct jw *w, const char *qkey, size_t qlen, const char *s)
{
	if (s) {
		jw__key_quoted(w, qkey, qlen);
		jw_str(w, s);
	}
}

static void opt_uint(struct jw *w, const char *qkey, size_t qlen, unsigned v)
{
	if (v) {
		jw__key_quoted(w, qkey, qlen);
		jw_int(w, v);
	}
}

static void location_json(struct jw *w, const struct location *l)
{
	jw_obj_open(w);
	opt_str(w, Q("path"), l->path);
	opt_uint(w, Q("start_line"), l->start_line);
	opt_uint(w, Q("end_line"), l->end_line);
	opt_uint(w, Q("start_column"), l->start_column);
	opt_uint(w, Q("end_column"), l->end_column);
	opt_str(w, Q("snippet"), l->snippet);
	opt_str(w, Q("logical"), l->logical);
	opt_str(w, Q("url"), l->url);
	opt_str(w, Q("method"), l->method);
	opt_str(w, Q("param"), l->param);
	opt_str(w, Q("purl"), l->purl);
	opt_str(w, Q("name"), l->name);
	opt_str(w, Q("version"), l->version);
	opt_str(w, Q("ecosystem"), l->ecosystem);
	if (l->fixed_versions.n)
		strlist_json(w, Q("fixed_versions"), &l->fixed_versions);
	opt_str(w, Q("image"), l->image);
	opt_str(w, Q("layer"), l->layer);
	opt_str(w, Q("resource"), l->resource);
	opt_str(w, Q("provider"), l->provider);
	jw_obj_close(w);
}

/* In compact form, unknown (NULL, empty, false) values are left out. */
static void kstr(struct jw *w, bool compact, const char *qkey, size_t qlen, const char *v)
{
	if (v || !compact) {
		jw__key_quoted(w, qkey, qlen);
		jw_str(w, v);
	}
}

static void kbool(struct jw *w, bool compact, const char *qkey, size_t qlen, bool v)
{
	if (v || !compact) {
		jw__key_quoted(w, qkey, qlen);
		jw_bool(w, v);
	}
}

static void klist(struct jw *w, bool compact, const char *qkey, size_t qlen,
		  const struct strlist *l)
{
	if (l->n || !compact)
		strlist_json(w, qkey, qlen, l);
}

static void kkv(struct jw *w, bool compact, const char *qkey, size_t qlen,
		const struct kvlist *l)
{
	if (l->n || !compact)
		kvlist_json(w, qkey, qlen, l);
}

void out_evidence_json(struct jw *w, const struct evidence *ev, bool compact)
{
	size_t i;

	jw_obj_open(w);
	kstr(w, compact, Q("tool"), ev->tool);
	kstr(w, compact, Q("tool_version"), ev->tool_version);
	kstr(w, compact, Q("format"), ev->format);
	kstr(w, compact, Q("kind"), kind_name(ev->kind));
	kstr(w, compact, Q("rule_id"), ev->rule_id);
	kstr(w, compact, Q("rule_name"), ev->rule_name);
	kstr(w, compact, Q("title"), ev->title);
	kstr(w, compact, Q("description"), ev->description);
	kstr(w, compact, Q("severity"), ev->severity ? severity_name(ev->severity) : NULL);
	kstr(w, compact, Q("severity_raw"), ev->severity_raw);
	kstr(w, compact, Q("confidence"), confidence_name(ev->confidence));
	kstr(w, compact, Q("confidence_raw"), ev->confidence_raw);
	if (ev->cvss.vector || ev->cvss.has_score) {
		jw_key_lit(w, "cvss");
		jw_obj_open(w);
		jw_key_lit(w, "version");
		jw_str(w, ev->cvss.version);
		jw_key_lit(w, "vector");
		jw_str(w, ev->cvss.vector);
		jw_key_lit(w, "score");
		if (ev->cvss.has_score)
			jw_num(w, ev->cvss.score, 3);
		else
			jw_null(w);
		jw_obj_close(w);
	} else if (!compact) {
		jw_key_lit(w, "cvss");
		jw_null(w);
	}
	klist(w, compact, Q("vuln_ids"), &ev->vuln_ids);
	if (ev->ncwe || !compact) {
		jw_key_lit(w, "cwe");
		jw_arr_open(w);
		for (i = 0; i < ev->ncwe; i++)
			jw_int(w, ev->cwe[i]);
		jw_arr_close(w);
	}
	jw_key_lit(w, "location");
	location_json(w, &ev->loc);
	if (ev->nrelated || !compact) {
		jw_key_lit(w, "related");
		jw_arr_open(w);
		for (i = 0; i < ev->nrelated; i++)
			location_json(w, &ev->related[i]);
		jw_arr_close(w);
	}
	kstr(w, compact, Q("remediation"), ev->remediation);
	kstr(w, compact, Q("help_uri"), ev->help_uri);
	klist(w, compact, Q("references"), &ev->references);
	klist(w, compact, Q("tags"), &ev->tags);
	kkv(w, compact, Q("tool_fingerprints"), &ev->tool_fingerprints);
	kbool(w, compact, Q("suppressed"), ev->suppressed);
	kstr(w, compact, Q("suppression_kind"), ev->suppression_kind);
	kstr(w, compact, Q("suppression_justification"), ev->suppression_justification);
	kstr(w, compact, Q("baseline_state"), ev->baseline_state);
	kstr(w, compact, Q("reachability"), reachability_name(ev->reachability));
	kbool(w, compact, Q("validated"), ev->validated);
	kbool(w, compact, Q("secret_verified"), ev->secret_verified);
	kstr(w, compact, Q("secret_hash"), ev->secret_hash);
	kkv(w, compact, Q("properties"), &ev->properties);
	kstr(w, compact, Q("fingerprint"), ev->fingerprint);
	jw_obj_close(w);
}
