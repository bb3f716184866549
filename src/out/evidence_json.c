#include "posture.h"
#include "out/evidence_json.h"

/*
 * The layout is fixed, so the record is written straight into the jw
 * buffer (jw_value_begin) rather than key by key through the writer's
 * state machine: keys and punctuation are constant text, copied with a
 * fixed size; only the values are escaped. This was a third of the
 * instructions of `posture parse`. The text is byte for byte what the
 * general writer gave (goldens and stored records compare it).
 *
 * Every member is written with a leading ',' (Q("tool") is ,"tool": with
 * its length); closing an object turns the first member's ',' into the
 * '{' (obj_close), so that members left out cost no bookkeeping.
 */
#define Q(key) ",\"" key "\":", sizeof(key) + 3

static inline size_t obj_open(struct jw *w)
{
	return w->buf.len;
}

static inline void obj_close(struct jw *w, size_t start)
{
	if (w->buf.len == start) {
		jw_append_lit(w, "{}");
		return;
	}
	w->buf.buf[start] = '{';
	jw_append_lit(w, "}");
}

static inline void str(struct jw *w, const char *s)
{
	if (s)
		jw_append_str(w, s, strlen(s));
	else
		jw_append_lit(w, "null");
}

/* A name of ours (kind, severity, ...): plain ASCII, needs no escaping. */
static inline void name(struct jw *w, const char *s)
{
	if (!s) {
		jw_append_lit(w, "null");
		return;
	}
	jw_append_lit(w, "\"");
	jw_append(w, s, strlen(s));
	jw_append_lit(w, "\"");
}

static void strlist_json(struct jw *w, const char *qkey, size_t qlen, const struct strlist *l)
{
	size_t i;

	jw_append(w, qkey, qlen);
	jw_append_lit(w, "[");
	for (i = 0; i < l->n; i++) {
		if (i)
			jw_append_lit(w, ",");
		str(w, l->v[i]);
	}
	jw_append_lit(w, "]");
}

static void kvlist_json(struct jw *w, const char *qkey, size_t qlen, const struct kvlist *l)
{
	size_t i, start;

	jw_append(w, qkey, qlen);
	start = obj_open(w);
	for (i = 0; i < l->n; i++) {
		jw_append_lit(w, ",");
		jw_append_str(w, l->v[i].key, strlen(l->v[i].key));
		jw_append_lit(w, ":");
		str(w, l->v[i].value);
	}
	obj_close(w, start);
}

static inline void opt_str(struct jw *w, const char *qkey, size_t qlen, const char *s)
{
	if (s) {
		jw_append(w, qkey, qlen);
		jw_append_str(w, s, strlen(s));
	}
}

static inline void opt_uint(struct jw *w, const char *qkey, size_t qlen, unsigned v)
{
	if (v) {
		jw_append(w, qkey, qlen);
		jw_append_int(w, v);
	}
}

static void location_json(struct jw *w, const struct location *l)
{
	size_t start = obj_open(w);

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
	obj_close(w, start);
}

/* In compact form, unknown (NULL, empty, false) values are left out. */
static inline void kstr(struct jw *w, bool compact, const char *qkey, size_t qlen, const char *v)
{
	if (v || !compact) {
		jw_append(w, qkey, qlen);
		str(w, v);
	}
}

static inline void kname(struct jw *w, bool compact, const char *qkey, size_t qlen, const char *v)
{
	if (v || !compact) {
		jw_append(w, qkey, qlen);
		name(w, v);
	}
}

static inline void kbool(struct jw *w, bool compact, const char *qkey, size_t qlen, bool v)
{
	if (v) {
		jw_append(w, qkey, qlen);
		jw_append_lit(w, "true");
	} else if (!compact) {
		jw_append(w, qkey, qlen);
		jw_append_lit(w, "false");
	}
}

static inline void klist(struct jw *w, bool compact, const char *qkey, size_t qlen,
			 const struct strlist *l)
{
	if (l->n || !compact)
		strlist_json(w, qkey, qlen, l);
}

static inline void kkv(struct jw *w, bool compact, const char *qkey, size_t qlen,
		       const struct kvlist *l)
{
	if (l->n || !compact)
		kvlist_json(w, qkey, qlen, l);
}

void out_evidence_json(struct jw *w, const struct evidence *ev, bool compact)
{
	size_t i, start;

	if (!jw_value_begin(w))
		return;
	start = obj_open(w);
	kstr(w, compact, Q("tool"), ev->tool);
	kstr(w, compact, Q("tool_version"), ev->tool_version);
	kstr(w, compact, Q("format"), ev->format);
	kname(w, compact, Q("kind"), kind_name(ev->kind));
	kstr(w, compact, Q("rule_id"), ev->rule_id);
	kstr(w, compact, Q("rule_name"), ev->rule_name);
	kstr(w, compact, Q("title"), ev->title);
	kstr(w, compact, Q("description"), ev->description);
	kname(w, compact, Q("severity"), ev->severity ? severity_name(ev->severity) : NULL);
	kstr(w, compact, Q("severity_raw"), ev->severity_raw);
	kname(w, compact, Q("confidence"), confidence_name(ev->confidence));
	kstr(w, compact, Q("confidence_raw"), ev->confidence_raw);
	if (ev->cvss.vector || ev->cvss.has_score) {
		jw_append_lit(w, ",\"cvss\":{\"version\":");
		str(w, ev->cvss.version);
		jw_append_lit(w, ",\"vector\":");
		str(w, ev->cvss.vector);
		jw_append_lit(w, ",\"score\":");
		if (ev->cvss.has_score)
			jw_append_num(w, ev->cvss.score, 3);
		else
			jw_append_lit(w, "null");
		jw_append_lit(w, "}");
	} else if (!compact) {
		jw_append_lit(w, ",\"cvss\":null");
	}
	klist(w, compact, Q("vuln_ids"), &ev->vuln_ids);
	if (ev->ncwe || !compact) {
		jw_append_lit(w, ",\"cwe\":[");
		for (i = 0; i < ev->ncwe; i++) {
			if (i)
				jw_append_lit(w, ",");
			jw_append_int(w, ev->cwe[i]);
		}
		jw_append_lit(w, "]");
	}
	jw_append_lit(w, ",\"location\":");
	location_json(w, &ev->loc);
	if (ev->nrelated || !compact) {
		jw_append_lit(w, ",\"related\":[");
		for (i = 0; i < ev->nrelated; i++) {
			if (i)
				jw_append_lit(w, ",");
			location_json(w, &ev->related[i]);
		}
		jw_append_lit(w, "]");
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
	kname(w, compact, Q("reachability"), reachability_name(ev->reachability));
	kbool(w, compact, Q("validated"), ev->validated);
	kbool(w, compact, Q("secret_verified"), ev->secret_verified);
	kstr(w, compact, Q("secret_hash"), ev->secret_hash);
	kkv(w, compact, Q("properties"), &ev->properties);
	kstr(w, compact, Q("fingerprint"), ev->fingerprint);
	obj_close(w, start);
	jw_value_end(w);
}
