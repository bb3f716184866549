/*
 * posture ingest: parse reports, attach them to an app, dedupe into
 * findings, move findings through their lifecycle, store. One transaction
 * per file: a report that fails to parse leaves nothing behind.
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/correlation.h"
#include "cmd/input.h"
#include "cmd/scoring.h"
#include "cmd/upkeep.h"
#include "engine/exceptions.h"
#include "engine/lifecycle.h"
#include "inventory/resolve.h"
#include "model/fingerprint.h"
#include "out/evidence_json.h"
#include "out/jw.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/opt.h"
#include "util/ptime.h"
#include "util/strmap.h"

#define DEFAULT_APP RESOLVER_DEFAULT_APP

struct ingest {
	struct store *store;
	struct resolver *resolver; /* places each evidence on a component and app */
	char secret_key[65];
	struct perr package_err;  /* the first failure to record a package */
	long packages;
	long vex_statements, vex_applied;
	struct scan scan;
	int64_t at;
	struct jw record;        /* evidence JSON, reused */
	struct strmap tools;     /* tool name -> version (owned strings) */
	int64_t *created;        /* findings this scan opened */
	size_t ncreated, created_alloc;
	struct correlator *corr; /* cross-tool keys, validation, groups */
	long correlated;         /* evidence that joined a finding through a correlation key */
	int64_t *apps;           /* apps this scan placed evidence in */
	size_t napps, apps_alloc;
	int64_t *validated;      /* code findings a DAST finding validated in this ingest */
	size_t nvalidated, validated_alloc;
	/* events of the evidence so far, stored in order a batch at a time */
	struct event *events;
	size_t nevents, events_alloc;
	struct arena event_text; /* their actors and reasons */
};

#define EVENT_QUEUE 256

static int flush_events(struct ingest *in, struct perr *err)
{
	int ret = store_events_add(in->store, in->events, in->nevents, err);

	in->nevents = 0;
	arena_reset(&in->event_text);
	return ret;
}

static int queue_event(struct ingest *in, const struct event *e, struct perr *err)
{
	struct event *q;

	ALLOC_GROW(in->events, in->nevents + 1, in->events_alloc);
	q = &in->events[in->nevents++];
	*q = *e;
	/* from and to are status names (static); these may live on the caller's stack */
	q->actor = e->actor ? arena_strdup(&in->event_text, e->actor) : NULL;
	q->reason = e->reason ? arena_strdup(&in->event_text, e->reason) : NULL;
	return in->nevents < EVENT_QUEUE ? 0 : flush_events(in, err);
}

static void note_app(struct ingest *in, int64_t app_id)
{
	size_t i;

	for (i = 0; i < in->napps; i++)
		if (in->apps[i] == app_id)
			return;
	ALLOC_GROW(in->apps, in->napps + 1, in->apps_alloc);
	in->apps[in->napps++] = app_id;
}

static int note_tool(struct ingest *in, const char *tool, const char *version,
		     struct perr *err)
{
	char *key;

	if (!tool || strmap_get(&in->tools, tool))
		return 0;
	key = xstrdup(tool);
	strmap_put(&in->tools, key, version ? xstrdup(version) : xstrdup(""));
	return store_scan_add_tool(in->store, in->scan.id, tool, version, err);
}

static void on_tool_seen(void *payload, const char *tool, const char *version)
{
	struct ingest *in = payload;
	struct perr ignored = PERR_INIT;

	/* recorded again (with errors reported) when its first evidence arrives */
	note_tool(in, tool, version, &ignored);
}

/* An SBOM lists a package: it becomes one of the app's package components. */
static void on_package(void *payload, const struct package_ref *pkg)
{
	struct ingest *in = payload;
	char ident[1024];
	int64_t id;

	if (in->package_err.code)
		return;
	if (pkg->purl)
		snprintf(ident, sizeof(ident), "%s", pkg->purl);
	else if (pkg->name)
		snprintf(ident, sizeof(ident), "%s%s%s%s%s", pkg->ecosystem ? pkg->ecosystem : "",
			 pkg->ecosystem ? ":" : "", pkg->name, pkg->version ? "@" : "",
			 pkg->version ? pkg->version : "");
	else
		return;
	if (store_component_ensure(in->store, in->scan.app_id, "package", ident, in->at, &id,
				   &in->package_err) == 0)
		in->packages++;
}

static void json_list(struct jw *w, const struct strlist *l, struct pbuf *out)
{
	size_t i, len;
	const char *text;

	jw_mem_clear(w);
	jw_arr_open(w);
	for (i = 0; i < l->n; i++)
		jw_str(w, l->v[i]);
	jw_arr_close(w);
	text = jw_mem(w, &len);
	pbuf_reset(out);
	if (pbuf_add(out, text, len) < 0)
		pbuf_reset(out);
}

static void json_cwes(const struct evidence *ev, struct pbuf *out)
{
	size_t i;
	int ret = pbuf_adds(out, "[");

	for (i = 0; i < ev->ncwe && !ret; i++)
		ret = pbuf_addf(out, "%s%d", i ? "," : "", ev->cwe[i]);
	if (!ret)
		ret = pbuf_adds(out, "]");
	if (ret)
		pbuf_reset(out);
}

struct vex_apply {
	struct ingest *in;
	const char *status, *reason, *actor;
};

static int apply_vex_to(int64_t finding_id, enum status cur, void *payload, struct perr *err)
{
	struct vex_apply *va = payload;
	enum status next;
	struct event e = { 0 };
	int ret;

	if (!lifecycle_vex(&next, cur, va->status))
		return 0;
	if ((ret = store_finding_set_status(va->in->store, finding_id, next, 0, err)) < 0)
		return ret;
	e.finding_id = finding_id;
	e.at = va->in->at;
	e.type = EVENT_STATUS;
	e.from = status_name(cur);
	e.to = status_name(next);
	e.scan_id = va->in->scan.id;
	e.actor = va->actor;
	e.reason = va->reason;
	if ((ret = store_event_add(va->in->store, &e, err)) < 0)
		return ret;
	va->in->vex_applied++;
	return 0;
}

/* "pkg:npm/lodash@4.17.15" -> "pkg:npm/lodash"; an image (oci, docker) or nothing -> "*". */
static void vex_package(char *out, size_t outlen, const char *purl)
{
	if (!purl || !*purl || !strncmp(purl, "pkg:oci/", 8) || !strncmp(purl, "pkg:docker/", 11))
		snprintf(out, outlen, "*");
	else
		fingerprint_purl_base(out, outlen, purl);
}

/*
 * An OpenVEX statement: keep it for the app, and apply it to the findings
 * the app has now (findings opened later look it up in on_evidence).
 */
static int apply_vex(struct ingest *in, const struct evidence *ev, struct perr *err)
{
	const char *status = kvlist_get(&ev->properties, "vex_status");
	const char *subs = kvlist_get(&ev->properties, "subcomponents");
	const char *just = kvlist_get(&ev->properties, "vex_justification");
	const char *author = kvlist_get(&ev->properties, "vex_author");
	struct vex_apply va = { in, status, NULL, author ? author : "openvex" };
	char reason[512], package[1024];
	size_t i;
	int ret;

	in->vex_statements++;
	if (!status)
		return 0;
	if ((ret = flush_events(in, err)) < 0)
		return ret;
	snprintf(reason, sizeof(reason), "VEX %s%s%s", status, just ? ": " : "", just ? just : "");
	va.reason = reason;
	for (i = 0; i < ev->vuln_ids.n; i++) {
		const char *p = subs;

		/* the packages inside the product it names, else the product itself */
		do {
			struct vex_statement v = {
				.app_id = in->scan.app_id, .scan_id = in->scan.id, .at = in->at,
				.vuln_id = ev->vuln_ids.v[i], .status = status,
				.justification = just, .author = author,
				.document = kvlist_get(&ev->properties, "vex_document"),
			};
			char one[1024];

			if (p) {
				size_t len = strcspn(p, ",");

				snprintf(one, sizeof(one), "%.*s", (int)len, p);
				p = p[len] ? p + len + 1 : NULL;
				while (p && *p == ' ')
					p++;
				vex_package(package, sizeof(package), one);
			} else {
				vex_package(package, sizeof(package), ev->loc.purl);
			}
			v.package = package;
			if ((ret = store_vex_put(in->store, &v, err)) < 0 ||
			    (ret = store_vex_findings(in->store, in->scan.app_id, v.vuln_id, package,
						      apply_vex_to, &va, err)) < 0)
				return ret;
		} while (p);
	}
	return 0;
}

/* A statement stored earlier about a finding that opens now. */
static int vex_on_open(struct ingest *in, const struct evidence *ev, struct finding_new *fn,
		       struct event *e, char *reason, size_t reasonlen, char *actor,
		       size_t actorlen, struct perr *err)
{
	struct vex_statement v;
	char buf[1024];
	enum status next;
	size_t i;
	int ret;

	if ((ev->kind != KIND_SCA && ev->kind != KIND_CONTAINER) || !ev->vuln_ids.n)
		return 0;
	for (i = 0; i < ev->vuln_ids.n; i++) {
		ret = store_vex_lookup(in->store, fn->app_id, ev->vuln_ids.v[i], ev->loc.purl,
				       &v, buf, sizeof(buf), err);
		if (ret == P_ENOTFOUND)
			continue;
		if (ret < 0)
			return ret;
		if (!lifecycle_vex(&next, fn->status, v.status))
			return 0;
		fn->status = next;
		snprintf(reason, reasonlen, "VEX %s%s%s", v.status, v.justification ? ": " : "",
			 v.justification ? v.justification : "");
		snprintf(actor, actorlen, "%s", v.author ? v.author : "openvex");
		e->reason = reason;
		e->actor = actor;
		in->vex_applied++;
		return 0;
	}
	return 0;
}

static int on_evidence(const struct evidence *ev, void *payload, struct perr *err)
{
	struct ingest *in = payload;
	struct finding_state cur;
	struct seen_input si = { 0 };
	struct seen_result sr;
	struct placement pl;
	int64_t finding_id;
	struct evidence_put put;
	char ekey[64];
	size_t record_len;
	bool joined = false;
	int ret;

	in->scan.evidence_count++;
	if (!ev->tool)
		return perr_set(err, P_EINVALID, "evidence without a tool name");
	if (ev->format && !strcmp(ev->format, "openvex"))
		return apply_vex(in, ev, err);
	if ((ret = note_tool(in, ev->tool, ev->tool_version, err)) < 0 ||
	    (ret = resolver_place(in->resolver, ev, &pl, err)) < 0)
		return ret;

	note_app(in, pl.app_id);

	ret = store_finding_lookup(in->store, pl.app_id, ev->fingerprint, &cur, err);
	if (ret == P_ENOTFOUND) {
		/* another tool, place or commit may have reported the same problem */
		int64_t other;

		ret = correlator_find(in->corr, ev, pl.app_id, pl.component_id, &other, err);
		if (ret == 0 && (ret = store_finding_state_get(in->store, other, &cur, err)) == 0)
			joined = true;
	}
	if (ret < 0 && ret != P_ENOTFOUND)
		return ret;
	si.exists = ret == 0;
	si.status = si.exists ? cur.status : STATUS_OPEN;
	si.already_in_scan = si.exists && cur.seen_scan_id == in->scan.id;
	si.scan_time = in->at;
	si.fixed_at = si.exists ? cur.fixed_at : 0;
	lifecycle_seen(&sr, &si);

	if (sr.outcome == SEEN_NEW) {
		struct pbuf ids = PBUF_INIT, cwes = PBUF_INIT;
		struct finding_new fn = {
			.app_id = pl.app_id, .component_id = pl.component_id,
			.scan_id = in->scan.id, .fingerprint = ev->fingerprint,
			.rule_id = ev->rule_id, .title = ev->title, .path = ev->loc.path,
			.kind = ev->kind, .severity = ev->severity ? ev->severity : SEV_INFO,
			.status = ev->suppressed ? STATUS_FALSE_POSITIVE : STATUS_OPEN,
			.seen_at = in->at,
		};
		struct event e = {
			.at = in->at, .type = EVENT_OPENED, .scan_id = in->scan.id,
		};
		char vex_reason[768], vex_actor[256];

		if (!fn.path)
			fn.path = ev->loc.url ? ev->loc.url : ev->loc.purl ? ev->loc.purl :
				  ev->loc.resource ? ev->loc.resource : ev->loc.image;
		if (ev->suppressed) {
			e.actor = ev->tool;
			e.reason = ev->suppression_justification ? ev->suppression_justification :
				   "suppressed in the report";
		} else if ((ret = vex_on_open(in, ev, &fn, &e, vex_reason, sizeof(vex_reason),
					      vex_actor, sizeof(vex_actor), err)) < 0) {
			return ret;
		}
		e.to = status_name(fn.status);
		json_list(&in->record, &ev->vuln_ids, &ids);
		json_cwes(ev, &cwes);
		fn.vuln_ids_json = ids.len ? ids.buf : NULL;
		fn.cwe_json = cwes.len ? cwes.buf : NULL;
		ret = store_finding_create(in->store, &fn, &finding_id, err);
		pbuf_release(&ids);
		pbuf_release(&cwes);
		if (ret < 0)
			return ret;
		e.finding_id = finding_id;
		if ((ret = queue_event(in, &e, err)) < 0 ||
		    (ret = correlator_note(in->corr, ev, finding_id, err)) < 0)
			return ret;
		ALLOC_GROW(in->created, in->ncreated + 1, in->created_alloc);
		in->created[in->ncreated++] = finding_id;
		in->scan.new_count++;
		cur.scan_dupes = 0;
	} else {
		struct finding_seen fs = {
			.id = cur.id, .scan_id = in->scan.id, .at = in->at,
			.severity = ev->severity, .status = sr.status,
			.fixed_at = sr.status_changed ? 0 : cur.fixed_at,
			.reopened = sr.outcome == SEEN_REOPENED,
			.merged = sr.outcome == SEEN_MERGED,
			.latest = sr.outcome != SEEN_HISTORY,
			.cur = &cur,
		};

		finding_id = cur.id;
		if ((ret = store_finding_seen(in->store, &fs, err)) < 0)
			return ret;
		if (joined) {
			in->correlated++;
			if ((ret = correlator_note(in->corr, ev, finding_id, err)) < 0)
				return ret;
		}
		if (sr.status_changed) {
			struct event e = {
				.finding_id = finding_id, .at = in->at, .type = sr.event,
				.from = status_name(cur.status), .to = status_name(sr.status),
				.scan_id = in->scan.id,
			};

			if ((ret = queue_event(in, &e, err)) < 0)
				return ret;
		}
		switch (sr.outcome) {
		case SEEN_MERGED:
			in->scan.merged_count++;
			cur.scan_dupes++;
			break;
		case SEEN_REOPENED:
			in->scan.reopened_count++;
			cur.scan_dupes = 0;
			break;
		default:
			in->scan.seen_count++;
			cur.scan_dupes = 0;
			break;
		}
	}

	/*
	 * The n-th report of a finding by a tool in one scan is the same row
	 * next time; evidence that joined through a correlation key is told
	 * apart by its own fingerprint.
	 */
	if (joined)
		snprintf(ekey, sizeof(ekey), "%.16s:%ld", ev->fingerprint,
			 sr.outcome == SEEN_MERGED ? cur.scan_dupes : 0L);
	else
		snprintf(ekey, sizeof(ekey), "%ld", sr.outcome == SEEN_MERGED ? cur.scan_dupes : 0L);
	jw_mem_clear(&in->record);
	out_evidence_json(&in->record, ev, true);
	put.finding_id = finding_id;
	put.scan_id = in->scan.id;
	put.app_id = in->scan.app_id;
	put.component_id = in->scan.component_id;
	put.at = in->at;
	put.ekey = ekey;
	put.tool = ev->tool;
	put.severity = ev->severity;
	put.record_json = jw_mem(&in->record, &record_len);
	put.record_len = record_len;
	put.fresh = sr.outcome == SEEN_NEW;
	return store_evidence_put(in->store, &put, err);
}

static int on_absent(int64_t finding_id, enum status status, void *payload, struct perr *err)
{
	struct ingest *in = payload;
	enum status next;
	struct event e = { 0 };
	int ret;

	if (!lifecycle_absent(&next, status))
		return 0;
	if ((ret = store_finding_set_status(in->store, finding_id, next, in->at, err)) < 0)
		return ret;
	e.finding_id = finding_id;
	e.at = in->at;
	e.type = EVENT_FIXED;
	e.from = status_name(status);
	e.to = status_name(next);
	e.scan_id = in->scan.id;
	if ((ret = store_event_add(in->store, &e, err)) < 0)
		return ret;
	in->scan.fixed_count++;
	return 0;
}

/*
 * A backfilled scan older than what we know for a tool: it must not fix
 * anything, and what only it reported was gone by the next scan we have.
 */
static int close_history(struct ingest *in, const char *tool, struct perr *err)
{
	int64_t next, next_scan;
	size_t i;
	int ret;

	if ((ret = store_scope_next(in->store, &in->scan, tool, in->at, &next, &next_scan, err)) < 0)
		return ret;
	if (!next)
		return 0;
	for (i = 0; i < in->ncreated; i++) {
		struct event e = {
			.finding_id = in->created[i], .at = next, .type = EVENT_FIXED,
			.from = status_name(STATUS_OPEN), .to = status_name(STATUS_FIXED),
			.scan_id = next_scan,
		};

		if ((ret = store_finding_set_status(in->store, in->created[i], STATUS_FIXED,
						    next, err)) < 0 ||
		    (ret = store_event_add(in->store, &e, err)) < 0)
			return ret;
	}
	return 0;
}

/* The distinct findings a scan's evidence went to. */
static long scan_findings(const struct scan *scan)
{
	return scan->new_count + scan->seen_count + scan->reopened_count;
}

static int close_scan(struct ingest *in, struct perr *err)
{
	size_t i;
	int ret;

	for (i = 0; i < in->tools.size; i++) {
		const char *tool = in->tools.table[i].key;
		int64_t latest;

		if (!tool)
			continue;
		if ((ret = store_scope_latest(in->store, &in->scan, tool, &latest, err)) < 0)
			return ret;
		if (latest > in->at) {
			if ((ret = close_history(in, tool, err)) < 0)
				return ret;
			continue;
		}
		if (in->scan.partial)
			continue;
		if ((ret = store_scope_absent(in->store, &in->scan, tool, on_absent, in, err)) < 0)
			return ret;
	}
	if ((ret = resolver_finish(in->resolver, in->scan.id, in->scan.format, &in->tools, in->created,
				   in->ncreated, err)) < 0)
		return ret;
	/* the apps it touched: DAST validates code, and the groups of what changed */
	for (i = 0; i < in->napps; i++)
		if ((ret = correlator_validate(in->corr, in->apps[i], in->scan.id, in->at, &in->validated,
					       &in->nvalidated, &in->validated_alloc, err)) < 0 ||
		    (ret = correlator_group(in->corr, in->apps[i], in->at, err)) < 0)
			return ret;
	if ((ret = store_scan_dedupe(in->store, in->scan.id, scan_findings(&in->scan), in->correlated,
				     err)) < 0)
		return ret;
	return store_scan_finish(in->store, &in->scan, err);
}

static void release_tools(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->size; i++)
		if (m->table[i].key) {
			xfree((void *)m->table[i].key);
			xfree(m->table[i].value);
		}
	strmap_release(m);
}

struct ingest_args {
	const char *app, *component, *tool, *commit, *branch, *at, *format;
	bool partial;
	struct scoring *scoring;  /* risk: the findings a scan touched are (re)scored */
	/* the repo-local exceptions file (NULL: none), its entries and digest */
	const char *exceptions_file;
	struct exception_list *exceptions;
	char exceptions_sha[65];
};

/*
 * The entries of the repo-local exceptions file become the app's
 * exceptions from that file, replacing the previous ones when the file
 * changed. An entry that names no app is about the app ingested.
 */
static int sync_exceptions(struct ctx *ctx, const struct ingest_args *a, const char *app,
			   bool *changed, struct perr *err)
{
	char cur[65];
	size_t i;
	int ret;

	*changed = false;
	if (!a->exceptions)
		return 0;
	if ((ret = store_exceptions_source_sha(ctx->store, a->exceptions_file, app, cur, err)) < 0)
		return ret;
	if (!strcmp(cur, a->exceptions_sha))
		return 0;
	*changed = true;
	if ((ret = store_exceptions_revoke_source(ctx->store, a->exceptions_file, app, ctx->now, NULL,
						  err)) < 0)
		return ret;
	for (i = 0; i < a->exceptions->n; i++) {
		struct exception_entry e = a->exceptions->v[i];
		struct exception_meta m = { ctx->now, "ingest", app, a->exceptions_sha };

		if (!e.app)
			e.app = app;
		if ((ret = store_exception_add(ctx->store, &e, &m, NULL, err)) < 0)
			return ret;
	}
	return 0;
}

static void print_summary(const char *path, const struct scan *scan, long packages,
			  long vex_statements, long vex_applied, long correlated,
			  const struct upkeep_stats *up, const char *app, struct jw *w)
{
	long findings = scan_findings(scan);
	/* evidence in / findings out; VEX statements are no evidence of a finding */
	long evidence = scan->evidence_count - vex_statements;
	double ratio = findings ? (double)evidence / (double)findings : 0;

	if (w) {
		jw_obj_open(w);
		jw_kstr(w, "file", path);
		jw_kint(w, "scan", scan->id);
		jw_kstr(w, "app", app);
		jw_kint(w, "evidence", scan->evidence_count);
		jw_kint(w, "new", scan->new_count);
		jw_kint(w, "seen_again", scan->seen_count);
		jw_kint(w, "fixed", scan->fixed_count);
		jw_kint(w, "reopened", scan->reopened_count);
		jw_kint(w, "merged", scan->merged_count);
		jw_kint(w, "packages", packages);
		jw_kint(w, "vex_statements", vex_statements);
		jw_kint(w, "vex_applied", vex_applied);
		jw_kint(w, "accepted", up->accepted);
		jw_kint(w, "verified", up->verified);
		jw_kint(w, "findings", findings);
		jw_kint(w, "correlated", correlated);
		jw_key(w, "dedupe_ratio");
		jw_num(w, ratio, 2);
		jw_obj_close(w);
		jw_reset_line(w);
		return;
	}
	printf("%s: %ld evidence -> %ld new, %ld seen again, %ld fixed, %ld reopened, "
	       "%ld duplicates merged", path, scan->evidence_count, scan->new_count,
	       scan->seen_count, scan->fixed_count, scan->reopened_count, scan->merged_count);
	if (packages)
		printf(", %ld packages", packages);
	if (vex_statements)
		printf(", %ld VEX statements (%ld findings changed)", vex_statements, vex_applied);
	if (up->accepted)
		printf(", %ld covered by exceptions", up->accepted);
	if (up->verified)
		printf(", %ld verified downstream", up->verified);
	if (correlated)
		printf(", %ld joined other tools' findings", correlated);
	if (findings)
		printf("; dedupe %.2f (%ld evidence in %ld findings)", ratio, evidence, findings);
	printf(" (scan %lld, app '%s')\n", (long long)scan->id, app);
}

/*
 * The report's SHA-256, a block at a time, handing each block back to the
 * kernel once hashed: hashing a mapped file whole made every page of it
 * resident at once (a 427 MB report peaked at 420 MiB before the parse
 * had read a byte). The parse maps the pages in again as it goes.
 */
static int file_digest(struct pfile *f, char out[static 65])
{
	enum { BLOCK = 4 << 20 };
	struct sha256_ctx c;
	size_t off, n;

	sha256_init(&c);
	for (off = 0; off < f->len; off += n) {
		n = f->len - off < BLOCK ? f->len - off : BLOCK;
		sha256_update(&c, f->buf + off, n);
		pfile_drop(f, off, off + n);
	}
	sha256_final_hex(&c, out, 64);
	return 0;
}

static int ingest_file(struct ctx *ctx, const struct ingest_args *a, const char *path,
		       struct jw *summary, struct perr *err)
{
	struct report_input input;
	struct ingest in;
	struct upkeep_stats up = { 0 };
	bool exc_changed = false;
	char digest[65];
	const char *app = a->app ? a->app : DEFAULT_APP;
	int ret;

	memset(&in, 0, sizeof(in));
	arena_init(&in.event_text, 0);
	if ((ret = report_input_open(&input, path, a->tool, ctx->progress, err)) < 0)
		return ret;
	in.store = ctx->store;
	in.at = ctx->now;
	if (a->at && (ret = ptime_parse(&in.at, a->at, err)) < 0) {
		perr_prefix(err, "--at");
		goto out;
	}
	jw_init_mem(&in.record);
	input.opts.tool_seen = on_tool_seen;
	input.opts.tool_payload = &in;
	input.opts.package_seen = on_package;
	input.opts.package_payload = &in;
	file_digest(&input.file, digest);

	if ((ret = store_begin(ctx->store, err)) < 0)
		goto out;
	if ((ret = store_secret_key(ctx->store, in.secret_key, err)) < 0)
		goto fail;
	input.opts.secret_key = in.secret_key;
	input.opts.secret_key_len = strlen(in.secret_key);
	if ((ret = resolver_open(&in.resolver, ctx->store, a->app, a->component, ctx->now, err)) < 0)
		goto fail;
	correlator_open(&in.corr, ctx->store);
	resolver_scan(in.resolver, &in.scan.app_id, &in.scan.component_id, &app);
	in.scan.format = input.format->name;
	in.scan.commit = a->commit;
	in.scan.branch = a->branch;
	in.scan.scanned_at = in.at;
	in.scan.ingested_at = ctx->now;
	in.scan.file_name = path;
	in.scan.file_sha256 = digest;
	in.scan.partial = a->partial;
	if ((ret = store_scan_create(ctx->store, &in.scan, err)) < 0)
		goto fail;
	if ((ret = report_input_parse(&input, on_evidence, &in, err)) < 0 ||
	    (ret = flush_events(&in, err)) < 0)
		goto fail;
	if (in.package_err.code) {
		*err = in.package_err;
		ret = err->code;
		goto fail;
	}
	/*
	 * Score before closing: a backfilled scan closes what only it reported
	 * (fixed at the next newer scan), and those findings need the tier they
	 * had while open, as they would have had ingested in order.
	 */
	if ((ret = scoring_run(a->scoring, ctx->store, &(struct risk_scope){ .scan_id = in.scan.id,
			       .app_id = in.scan.app_id }, &(struct scoring_stats){ 0 }, err)) < 0 ||
	    (ret = close_scan(&in, err)) < 0)
		goto fail;
	/* code findings a DAST finding validated now: validation is a risk factor */
	if (in.nvalidated == 1)
		ret = scoring_run(a->scoring, ctx->store, &(struct risk_scope){ .finding_id = in.validated[0] },
				  &(struct scoring_stats){ 0 }, err);
	else if (in.nvalidated)
		ret = scoring_run(a->scoring, ctx->store, &(struct risk_scope){ .app_id = in.scan.app_id },
				  &(struct scoring_stats){ 0 }, err);
	if (ret < 0 ||
	    (ret = store_findings_fill_package(ctx->store, in.scan.id, err)) < 0 ||
	    (ret = sync_exceptions(ctx, a, app, &exc_changed, err)) < 0 ||
	    /* new entries may cover findings this scan did not report */
	    (ret = upkeep_run(ctx->store, a->scoring->policy, ctx->now, exc_changed ? 0 : in.scan.id,
			      &up, err)) < 0 ||
	    (ret = upkeep_verify(ctx->store, ctx->now, &up, err)) < 0 ||
	    (ret = store_commit(ctx->store, err)) < 0)
		goto fail;
	print_summary(path, &in.scan, in.packages, in.vex_statements, in.vex_applied, in.correlated,
		      &up, app, summary);
	goto out;
fail:
	store_rollback(ctx->store);
	if (!strstr(err->msg, path))
		perr_prefix(err, "%s", path);
out:
	report_input_release(&input);
	resolver_free(in.resolver);
	correlator_free(in.corr);
	xfree(in.apps);
	xfree(in.validated);
	xfree(in.events);
	arena_release(&in.event_text);
	jw_release(&in.record);
	release_tools(&in.tools);
	xfree(in.created);
	return ret;
}

/* Find and parse the repo-local exceptions file: --exceptions, else in --repo-dir, else here. */
static int load_exceptions(struct ingest_args *a, struct exception_list *l, const char *repo_dir,
			   char *path, size_t pathlen, struct perr *err)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	if (a->exceptions_file)
		snprintf(path, pathlen, "%s", a->exceptions_file);
	else if (repo_dir)
		snprintf(path, pathlen, "%s/%s", repo_dir, EXCEPTIONS_FILE);
	else
		snprintf(path, pathlen, "%s", EXCEPTIONS_FILE);
	if ((ret = pfile_slurp(&buf, &len, path, EXCEPTIONS_MAX_BYTES, err)) < 0) {
		if (ret == P_ENOTFOUND && !a->exceptions_file) {
			perr_clear(err);
			return 0;
		}
		return ret == P_ENOTFOUND ? perr_set(err, P_EINVALID, "exceptions file '%s' does not exist",
						     path) : ret;
	}
	if ((ret = exceptions_parse(l, buf, len, path, err)) == 0) {
		sha256_hex(buf, len, a->exceptions_sha);
		a->exceptions_file = path;
		a->exceptions = l;
	}
	xfree(buf);
	return ret;
}

int cmd_ingest(int argc, const char **argv, struct ctx *ctx)
{
	const char *repo_dir = NULL;
	struct ingest_args a = { 0 };
	const struct opt opts[] = {
		{ OPT_STRING, 'a', "app", &a.app, "APP",
		  "the application the reports belong to (default: " DEFAULT_APP ")" },
		{ OPT_STRING, 'c', "component", &a.component, "KIND:ID",
		  "the component scanned: repo:URL, image:NAME, service:NAME, url:URL, ..." },
		{ OPT_STRING, 't', "tool", &a.tool, "NAME", "the report format (default: auto-detect)" },
		{ OPT_STRING, 0, "commit", &a.commit, "SHA", "the commit that was scanned" },
		{ OPT_STRING, 0, "branch", &a.branch, "BRANCH", "the branch that was scanned" },
		{ OPT_STRING, 0, "at", &a.at, "TIME", "when the scan really ran (ISO-8601; default: now)" },
		{ OPT_FLAG, 0, "partial", &a.partial, NULL, "a partial (diff) scan: absent findings are not fixed" },
		{ OPT_STRING, 0, "format", &a.format, "FMT", "summary format: text (default) or json" },
		{ OPT_STRING, 0, "exceptions", &a.exceptions_file, "FILE",
		  "a repo-local exceptions file (default: " EXCEPTIONS_FILE " in --repo-dir or here)" },
		{ OPT_STRING, 0, "repo-dir", &repo_dir, "DIR", "the checkout the reports were made from" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture ingest [--app A] [--component KIND:ID] [--tool NAME] [--commit SHA]\n"
		"                      [--branch B] [--at TIME] [--partial] [--exceptions FILE | --repo-dir DIR]\n"
		"                      FILE...",
		"Parse each report, attach its evidence to an app, merge duplicates into\n"
		"findings and track them across scans: a finding a newer full scan of the\n"
		"same tool no longer reports is fixed; one that comes back is reopened.\n"
		"Each file is one transaction: all of it is stored, or nothing.\n"
		"The repo-local exceptions file (" EXCEPTIONS_FILE ", see docs/exceptions.md)\n"
		"is read from --repo-dir, else from the current directory, when it exists.",
	};
	struct perr err = PERR_INIT;
	struct exception_list exc;
	char exc_path[4096];
	struct scoring sc;
	struct jw summary;
	bool json = false;
	int n, i, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (!n)
		return usage_error("ingest: no report given (see 'posture ingest --help')");
	if (a.format) {
		if (!strcmp(a.format, "json"))
			json = true;
		else if (strcmp(a.format, "text"))
			return usage_error("ingest: --format must be text or json, not '%s'", a.format);
	}
	if (a.exceptions_file && repo_dir)
		return usage_error("ingest: give --exceptions or --repo-dir, not both");
	exceptions_init(&exc);
	if ((ret = load_exceptions(&a, &exc, repo_dir, exc_path, sizeof(exc_path), &err)) < 0) {
		exceptions_release(&exc);
		return perr_report(&err);
	}
	/* an expired entry no longer applies: say so, the file wants an update */
	for (i = 0; a.exceptions && i < (int)a.exceptions->n; i++) {
		const struct exception_entry *e = &a.exceptions->v[i];
		char when[21];

		if (e->expires && e->expires <= ctx->now) {
			ptime_format(when, e->expires);
			pwarn("%s:%u: exception expired on %s: it no longer applies", e->source, e->line, when);
		}
	}
	scoring_init(&sc);
	if (scoring_open(&sc, ctx, NULL, &err) < 0) {
		scoring_release(&sc);
		return perr_report(&err);
	}
	a.scoring = &sc;
	if (json)
		jw_init(&summary, stdout, false);
	for (i = 0; i < n; i++) {
		perr_clear(&err);
		if (ingest_file(ctx, &a, argv[i], json ? &summary : NULL, &err) < 0) {
			int code = perr_report(&err);

			/* keep going: every good file is stored; the worst code wins */
			if (code > ret)
				ret = code;
		}
	}
	if (json)
		jw_release(&summary);
	scoring_release(&sc);
	exceptions_release(&exc);
	return ret;
}
