/*
 * posture export cyclonedx --app A: the app's known components (packages
 * that SCA and container evidence names) as a CycloneDX 1.6 BOM, and its
 * vulnerabilities with VEX analysis derived from posture's statuses.
 * The mapping is in docs/export.md.
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/collect.h"
#include "engine/compliance.h"
#include "out/jw.h"
#include "parse/json.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/hash.h"
#include "util/opt.h"
#include "util/outfile.h"
#include "util/ptime.h"

/* What the evidence of one SCA/container finding says about its package. */
struct vuln {
	const struct finding *f;
	const char *purl, *name, *version, *ecosystem, *description;
	const char *cvss_version, *cvss_vector;
	double cvss_score;
	bool has_score;
	const char *fixed;           /* the first fixed version */
	const char *reason;          /* the reason of the latest status decision (triage, acceptance, VEX) */
	const char *vex_status, *vex_justification;
};

struct export {
	struct ctx *ctx;
	int64_t app_id;
	struct arena arena;          /* strings of the vulns below */
	struct arena scratch;        /* one evidence record at a time */
	struct vuln *v;
	size_t n;
	struct vuln *cur;
	const char **purls;          /* sorted, unique */
	size_t npurls;
	struct jw w;
};

static const char *keep_str(struct arena *a, const struct jnode *n)
{
	const char *s = json_str(n);

	return s && *s ? arena_strdup(a, s) : NULL;
}

static int read_evidence(const struct evidence_row *e, void *payload, struct perr *err)
{
	struct export *x = payload;
	struct vuln *v = x->cur;
	struct jnode *root;
	const struct jnode *loc, *cvss;
	struct perr perr = PERR_INIT;

	if (v->purl || !e->record_json)
		return 0;
	arena_reset(&x->scratch);
	/* posture wrote this record itself: a record it cannot read is skipped, not fatal */
	if (json_parse_tree(&root, &x->scratch, e->record_json, strlen(e->record_json),
			    &json_default_limits, &perr) < 0)
		return 0;
	loc = json_get(root, "location");
	v->purl = keep_str(&x->arena, json_get(loc, "purl"));
	if (!v->purl)
		return 0;
	v->name = keep_str(&x->arena, json_get(loc, "name"));
	v->version = keep_str(&x->arena, json_get(loc, "version"));
	v->ecosystem = keep_str(&x->arena, json_get(loc, "ecosystem"));
	v->fixed = keep_str(&x->arena, json_at(json_get(loc, "fixed_versions"), 0));
	v->description = keep_str(&x->arena, json_get(root, "description"));
	cvss = json_get(root, "cvss");
	v->cvss_version = keep_str(&x->arena, json_get(cvss, "version"));
	v->cvss_vector = keep_str(&x->arena, json_get(cvss, "vector"));
	v->has_score = json_get_num(cvss, "score", &v->cvss_score);
	return 0;
}

static int read_event(const struct event_row *e, void *payload, struct perr *err)
{
	struct export *x = payload;

	/* only decisions about the status explain a VEX state (not assignments, tiers, ...) */
	if (strcmp(e->type, event_name(EVENT_STATUS)) && strcmp(e->type, event_name(EVENT_ACCEPTED)) &&
	    strcmp(e->type, event_name(EVENT_EXPIRED)))
		return 0;
	x->cur->reason = e->reason && *e->reason ? arena_strdup(&x->arena, e->reason) : NULL;
	return 0;
}

/* The first id of a JSON array text of strings, copied into buf. */
static const char *first_id(const char *json, char *buf, size_t len)
{
	const char *p = json ? strchr(json, '"') : NULL, *q;

	if (!p)
		return NULL;
	q = strchr(p + 1, '"');
	if (!q || (size_t)(q - p) > len)
		return NULL;
	memcpy(buf, p + 1, (size_t)(q - p - 1));
	buf[q - p - 1] = '\0';
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int gather(struct export *x, const struct finding_set *set, struct perr *err)
{
	size_t i, j;
	int ret;

	x->v = xcalloc(set->n ? set->n : 1, sizeof(*x->v));
	for (i = 0; i < set->n; i++) {
		const struct finding *f = set->v[i];
		struct vuln *v = &x->v[x->n];
		struct vex_statement vex;
		char id[128], buf[512];

		if (f->kind != KIND_SCA && f->kind != KIND_CONTAINER)
			continue;
		memset(v, 0, sizeof(*v));   /* the slot of a skipped finding is reused */
		v->f = f;
		x->cur = v;
		if ((ret = store_evidence_each(x->ctx->store, f->id, read_evidence, x, err)) < 0)
			return ret;
		if (!v->purl)
			continue;   /* no package named: nothing to attach a vulnerability to */
		if ((ret = store_events_each(x->ctx->store, f->id, read_event, x, err)) < 0)
			return ret;
		if (first_id(f->vuln_ids, id, sizeof(id))) {
			ret = store_vex_lookup(x->ctx->store, x->app_id, id, v->purl, &vex, buf, sizeof(buf), err);
			if (ret < 0 && ret != P_ENOTFOUND)
				return ret;
			if (!ret) {
				v->vex_status = arena_strdup(&x->arena, vex.status);
				v->vex_justification = vex.justification ? arena_strdup(&x->arena, vex.justification)
									  : NULL;
			}
		}
		x->n++;
	}
	x->purls = xcalloc(x->n ? x->n : 1, sizeof(*x->purls));
	for (i = 0; i < x->n; i++)
		x->purls[i] = x->v[i].purl;
	if (x->n)
		qsort(x->purls, x->n, sizeof(*x->purls), cmp_str);
	for (i = 0, j = 0; i < x->n; i++)
		if (!j || strcmp(x->purls[j - 1], x->purls[i]))
			x->purls[j++] = x->purls[i];
	x->npurls = j;
	return 0;
}

static void property(struct jw *w, const char *name, const char *value)
{
	if (!value)
		return;
	jw_obj_open(w);
	jw_kstr(w, "name", name);
	jw_kstr(w, "value", value);
	jw_obj_close(w);
}

/* A deterministic urn:uuid (version 5 layout) from the app and the time: same input, same BOM. */
static void serial_number(char out[static 46], const char *app, int64_t now)
{
	struct sha256_ctx c;
	char hex[65], when[21];

	ptime_format(when, now);
	sha256_init(&c);
	sha256_field(&c, "posture-cyclonedx");
	sha256_field(&c, app);
	sha256_field(&c, when);
	sha256_final_hex(&c, hex, sizeof(hex));
	sha256_release(&c);
	hex[12] = '5';
	hex[16] = "89ab"[hex[16] % 4];
	snprintf(out, 46, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

struct meta {
	struct jw *w;
	const char *team;
	bool any;
};

static int write_app(const struct store_app_row *r, void *payload, struct perr *err)
{
	struct meta *m = payload;

	m->team = r->team;
	if (!r->team && !r->unit && !r->criticality && !r->exposure && !r->data_sensitivity)
		return 0;
	jw_key(m->w, "properties");
	jw_arr_open(m->w);
	property(m->w, "posture:team", r->team);
	property(m->w, "posture:unit", r->unit);
	property(m->w, "posture:criticality", r->criticality);
	property(m->w, "posture:exposure", r->exposure);
	property(m->w, "posture:data_sensitivity", r->data_sensitivity);
	jw_arr_close(m->w);
	return 0;
}

/* The app's repos and images, as sub-components of the BOM's subject. */
static int write_component(const struct store_component_row *r, void *payload, struct perr *err)
{
	struct meta *m = payload;
	const char *type;
	char ref[512];

	if (!strcmp(r->kind, "repo"))
		type = "application";
	else if (!strcmp(r->kind, "image"))
		type = "container";
	else
		return 0;
	if (!m->any) {
		jw_key(m->w, "components");
		jw_arr_open(m->w);
		m->any = true;
	}
	snprintf(ref, sizeof(ref), "%s:%s", r->kind, r->ident);
	jw_obj_open(m->w);
	jw_kstr(m->w, "type", type);
	jw_kstr(m->w, "bom-ref", ref);
	jw_kstr(m->w, "name", r->ident);
	jw_key(m->w, "properties");
	jw_arr_open(m->w);
	property(m->w, "posture:component_kind", r->kind);
	jw_arr_close(m->w);
	jw_obj_close(m->w);
	return 0;
}

static const char *cvss_method(const char *version)
{
	if (!version)
		return NULL;
	if (!strcmp(version, "2.0") || !strcmp(version, "2"))
		return "CVSSv2";
	if (!strcmp(version, "3.0"))
		return "CVSSv3";
	if (!strcmp(version, "3.1"))
		return "CVSSv31";
	if (!strcmp(version, "4.0"))
		return "CVSSv4";
	return NULL;
}

static void advisory_source(struct jw *w, const char *id)
{
	char url[256];

	if (!strncmp(id, "CVE-", 4)) {
		snprintf(url, sizeof(url), "https://nvd.nist.gov/vuln/detail/%s", id);
		jw_key(w, "source");
		jw_obj_open(w);
		jw_kstr(w, "name", "NVD");
		jw_kstr(w, "url", url);
		jw_obj_close(w);
	} else if (!strncmp(id, "GHSA-", 5)) {
		snprintf(url, sizeof(url), "https://github.com/advisories/%s", id);
		jw_key(w, "source");
		jw_obj_open(w);
		jw_kstr(w, "name", "GitHub");
		jw_kstr(w, "url", url);
		jw_obj_close(w);
	}
}

/* OpenVEX justifications in CycloneDX words. */
static const char *vex_justification(const char *j)
{
	if (!j)
		return NULL;
	if (!strcmp(j, "component_not_present") || !strcmp(j, "vulnerable_code_not_present"))
		return "code_not_present";
	if (!strcmp(j, "vulnerable_code_not_in_execute_path"))
		return "code_not_reachable";
	if (!strcmp(j, "vulnerable_code_cannot_be_controlled_by_adversary") ||
	    !strcmp(j, "inline_mitigations_already_exist"))
		return "protected_by_mitigating_control";
	return NULL;
}

/* The VEX analysis of a finding: docs/export.md has the table and the reasons. */
static void analysis(struct jw *w, const struct vuln *v)
{
	const char *state = NULL, *response = NULL, *justification = NULL;

	switch (v->f->status) {
	case STATUS_OPEN:
		state = "in_triage";
		break;
	case STATUS_TRIAGED:
	case STATUS_REOPENED:
		state = "exploitable";
		break;
	case STATUS_IN_PROGRESS:
		state = "exploitable";
		response = "update";
		break;
	case STATUS_FIXED:
	case STATUS_VERIFIED:
		state = "resolved";
		break;
	case STATUS_RISK_ACCEPTED:
	case STATUS_WONT_FIX:
		state = "exploitable";
		response = "will_not_fix";
		break;
	case STATUS_FALSE_POSITIVE:
		/* a supplier's not_affected statement says why; without one it is a false positive */
		if (v->vex_status && !strcmp(v->vex_status, "not_affected")) {
			state = "not_affected";
			justification = vex_justification(v->vex_justification);
		} else {
			state = "false_positive";
		}
		break;
	case STATUS__COUNT:
		break;
	}
	jw_key(w, "analysis");
	jw_obj_open(w);
	jw_kstr(w, "state", state);
	if (justification)
		jw_kstr(w, "justification", justification);
	if (response) {
		jw_key(w, "response");
		jw_arr_open(w);
		jw_str(w, response);
		jw_arr_close(w);
	}
	if (v->reason)
		jw_kstr(w, "detail", v->reason);
	jw_ktime(w, "firstIssued", v->f->first_seen);
	jw_ktime(w, "lastUpdated", v->f->last_seen > v->f->fixed_at ? v->f->last_seen : v->f->fixed_at);
	jw_obj_close(w);
}

static void write_vuln(struct jw *w, const struct vuln *v)
{
	const struct finding *f = v->f;
	char ref[64], risk[16], id[128], fid[32];
	const char *method = cvss_method(v->cvss_version);
	int cwe[64];
	size_t ncwe, i;
	struct arena a = ARENA_INIT;
	struct jnode *ids = NULL;
	struct perr perr = PERR_INIT;
	const struct jnode *n;

	snprintf(ref, sizeof(ref), "finding-%lld", (long long)f->id);
	snprintf(fid, sizeof(fid), "%lld", (long long)f->id);
	jw_obj_open(w);
	jw_kstr(w, "bom-ref", ref);
	if (!first_id(f->vuln_ids, id, sizeof(id)))
		snprintf(id, sizeof(id), "%s", f->rule_id ? f->rule_id : ref);
	jw_kstr(w, "id", id);
	advisory_source(w, id);
	/* the other advisory ids of the same problem (GHSA next to CVE, ...) */
	if (f->vuln_ids && json_parse_tree(&ids, &a, f->vuln_ids, strlen(f->vuln_ids), &json_default_limits,
					   &perr) == 0 && ids->len > 1) {
		jw_key(w, "references");
		jw_arr_open(w);
		for (n = ids->first; n; n = n->next) {
			if (!json_str(n) || !strcmp(json_str(n), id))
				continue;
			jw_obj_open(w);
			jw_kstr(w, "id", json_str(n));
			advisory_source(w, json_str(n));
			jw_obj_close(w);
		}
		jw_arr_close(w);
	}
	arena_release(&a);
	jw_key(w, "ratings");
	jw_arr_open(w);
	jw_obj_open(w);
	if (v->has_score && method) {
		jw_knum(w, "score", v->cvss_score, 3);
		jw_kstr(w, "severity", severity_name(f->severity));
		jw_kstr(w, "method", method);
		if (v->cvss_vector)
			jw_kstr(w, "vector", v->cvss_vector);
	} else {
		jw_kstr(w, "severity", f->severity == SEV_NONE ? "unknown" : severity_name(f->severity));
	}
	jw_obj_close(w);
	jw_arr_close(w);
	ncwe = compliance_cwe_list(f->cwe, cwe, ARRAY_SIZE(cwe));
	if (ncwe) {
		jw_key(w, "cwes");
		jw_arr_open(w);
		for (i = 0; i < ncwe; i++)
			jw_int(w, cwe[i]);
		jw_arr_close(w);
	}
	jw_kstr(w, "description", v->description ? v->description : f->title);
	if (v->fixed) {
		char rec[512];

		snprintf(rec, sizeof(rec), "Upgrade %s to %s or later", v->name ? v->name : v->purl, v->fixed);
		jw_kstr(w, "recommendation", rec);
	}
	analysis(w, v);
	jw_key(w, "affects");
	jw_arr_open(w);
	jw_obj_open(w);
	jw_kstr(w, "ref", v->purl);
	jw_obj_close(w);
	jw_arr_close(w);
	jw_key(w, "properties");
	jw_arr_open(w);
	property(w, "posture:finding_id", fid);
	property(w, "posture:status", status_name(f->status));
	if (f->risk >= 0) {
		snprintf(risk, sizeof(risk), "%d", f->risk);
		property(w, "posture:risk", risk);
	}
	property(w, "posture:tier", f->tier);
	property(w, "posture:owner", f->owner);
	property(w, "posture:title", f->title);
	jw_arr_close(w);
	jw_obj_close(w);
}

/* The package fields of the first finding that names this purl. */
static const struct vuln *vuln_for(const struct export *x, const char *purl)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (!strcmp(x->v[i].purl, purl))
			return &x->v[i];
	return NULL;
}

static int write_bom(struct export *x, FILE *out, const char *app, struct perr *err)
{
	struct jw *w = &x->w;
	struct meta m = { w, NULL, false };
	char serial[46], when[21];
	size_t i;
	int ret;

	serial_number(serial, app, x->ctx->now);
	ptime_format(when, x->ctx->now);
	jw_init(w, out, true);
	jw_obj_open(w);
	jw_kstr(w, "bomFormat", "CycloneDX");
	jw_kstr(w, "specVersion", "1.6");
	jw_kstr(w, "serialNumber", serial);
	jw_kint(w, "version", 1);
	jw_key(w, "metadata");
	jw_obj_open(w);
	jw_kstr(w, "timestamp", when);
	jw_key(w, "tools");
	jw_obj_open(w);
	jw_key(w, "components");
	jw_arr_open(w);
	jw_obj_open(w);
	jw_kstr(w, "type", "application");
	jw_kstr(w, "name", "posture");
	jw_kstr(w, "version", POSTURE_VERSION);
	jw_obj_close(w);
	jw_arr_close(w);
	jw_obj_close(w);
	jw_key(w, "component");
	jw_obj_open(w);
	jw_kstr(w, "type", "application");
	{
		char ref[512];

		snprintf(ref, sizeof(ref), "app:%s", app);
		jw_kstr(w, "bom-ref", ref);
	}
	jw_kstr(w, "name", app);
	if ((ret = store_apps_each(x->ctx->store, app, true, write_app, &m, err)) < 0)
		return ret;
	if ((ret = store_components_each(x->ctx->store, x->app_id, write_component, &m, err)) < 0)
		return ret;
	if (m.any)
		jw_arr_close(w);
	jw_obj_close(w);
	jw_obj_close(w);

	jw_key(w, "components");
	jw_arr_open(w);
	for (i = 0; i < x->npurls; i++) {
		const struct vuln *v = vuln_for(x, x->purls[i]);

		jw_obj_open(w);
		jw_kstr(w, "type", "library");
		jw_kstr(w, "bom-ref", v->purl);
		jw_kstr(w, "name", v->name ? v->name : v->purl);
		if (v->version)
			jw_kstr(w, "version", v->version);
		jw_kstr(w, "purl", v->purl);
		if (v->ecosystem) {
			jw_key(w, "properties");
			jw_arr_open(w);
			property(w, "posture:ecosystem", v->ecosystem);
			jw_arr_close(w);
		}
		jw_obj_close(w);
	}
	jw_arr_close(w);

	jw_key(w, "vulnerabilities");
	jw_arr_open(w);
	for (i = 0; i < x->n; i++) {
		write_vuln(w, &x->v[i]);
		jw_flush(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
	jw_reset_line(w);
	return 0;
}

int cmd_export(int argc, const char **argv, struct ctx *ctx)
{
	const char *app = NULL, *output = NULL;
	const struct opt opts[] = {
		{ OPT_STRING, 'a', "app", &app, "APP", "the application to export (required)" },
		{ OPT_STRING, 'o', "output", &output, "FILE", "write to FILE (replaced whole) instead of stdout" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture export cyclonedx --app APP [--output FILE]",
		"Write a CycloneDX 1.6 JSON BOM of the app: its repos and images as metadata,\n"
		"the packages its SCA and container findings name as components, and those\n"
		"findings as vulnerabilities with a VEX analysis derived from their status\n"
		"(open: in_triage; triaged: exploitable; fixed: resolved; risk_accepted:\n"
		"exploitable, will_not_fix; false_positive: false_positive or not_affected).\n"
		"See docs/export.md.",
	};
	struct finding_filter filter = { 0 };
	struct finding_set set = FINDING_SET_INIT;
	struct export x = { 0 };
	struct outfile of = OUTFILE_INIT;
	struct perr err = PERR_INIT;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n != 1)
		return usage_error(n ? "export: unexpected argument '%s'" : "export: say what to export: cyclonedx",
				   argv[n ? 1 : 0]);
	if (strcmp(argv[0], "cyclonedx"))
		return usage_error("export: '%s' is not an export format (cyclonedx)", argv[0]);
	if (!app)
		return usage_error("export: --app is required");
	if (store_app_id(ctx->store, app, &x.app_id, &err) < 0)
		return perr_report(&err);
	x.ctx = ctx;
	filter.app = app;
	if (finding_set_collect(&set, ctx->store, &filter, &err) < 0 || gather(&x, &set, &err) < 0 ||
	    outfile_open(&of, output, &err) < 0) {
		ret = perr_report(&err);
		goto done;
	}
	if (write_bom(&x, of.fp, app, &err) < 0 || outfile_commit(&of, &err) < 0)
		ret = perr_report(&err);
done:
	/* write_bom flushed what it wrote; on failure nothing more goes out */
	x.w.out = NULL;
	jw_release(&x.w);
	outfile_abort(&of);
	finding_set_release(&set);
	arena_release(&x.arena);
	arena_release(&x.scratch);
	xfree(x.v);
	xfree(x.purls);
	return ret;
}
