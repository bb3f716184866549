/*
 * posture ingest: parse reports, attach them to an app, dedupe into
 * findings, move findings through their lifecycle, store. One transaction
 * per file: a report that fails to parse leaves nothing behind.
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/input.h"
#include "cmd/scoring.h"
#include "engine/lifecycle.h"
#include "inventory/resolve.h"
#include "model/fingerprint.h"
#include "out/evidence_json.h"
#include "out/jw.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/buf.h"
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
};

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
	int ret;

	in->scan.evidence_count++;
	if (!ev->tool)
		return perr_set(err, P_EINVALID, "evidence without a tool name");
	if (ev->format && !strcmp(ev->format, "openvex"))
		return apply_vex(in, ev, err);
	if ((ret = note_tool(in, ev->tool, ev->tool_version, err)) < 0 ||
	    (ret = resolver_place(in->resolver, ev, &pl, err)) < 0)
		return ret;

	ret = store_finding_lookup(in->store, pl.app_id, ev->fingerprint, &cur, err);
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
		if ((ret = store_event_add(in->store, &e, err)) < 0)
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
		};

		finding_id = cur.id;
		if ((ret = store_finding_seen(in->store, &fs, err)) < 0)
			return ret;
		if (sr.status_changed) {
			struct event e = {
				.finding_id = finding_id, .at = in->at, .type = sr.event,
				.from = status_name(cur.status), .to = status_name(sr.status),
				.scan_id = in->scan.id,
			};

			if ((ret = store_event_add(in->store, &e, err)) < 0)
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

	/* the n-th report of a finding by a tool in one scan is the same row next time */
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
};

static void print_summary(const char *path, const struct scan *scan, long packages,
			  long vex_statements, long vex_applied, const char *app, struct jw *w)
{
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
	printf(" (scan %lld, app '%s')\n", (long long)scan->id, app);
}

static int file_digest(const struct pfile *f, char out[static 65])
{
	sha256_hex(f->buf, f->len, out);
	return 0;
}

static int ingest_file(struct ctx *ctx, const struct ingest_args *a, const char *path,
		       struct jw *summary, struct perr *err)
{
	struct report_input input;
	struct ingest in;
	char digest[65];
	const char *app = a->app ? a->app : DEFAULT_APP;
	int ret;

	memset(&in, 0, sizeof(in));
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
	if ((ret = report_input_parse(&input, on_evidence, &in, err)) < 0)
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
	    (ret = close_scan(&in, err)) < 0 ||
	    (ret = store_commit(ctx->store, err)) < 0)
		goto fail;
	print_summary(path, &in.scan, in.packages, in.vex_statements, in.vex_applied, app,
		      summary);
	goto out;
fail:
	store_rollback(ctx->store);
	if (!strstr(err->msg, path))
		perr_prefix(err, "%s", path);
out:
	report_input_release(&input);
	resolver_free(in.resolver);
	jw_release(&in.record);
	release_tools(&in.tools);
	xfree(in.created);
	return ret;
}

int cmd_ingest(int argc, const char **argv, struct ctx *ctx)
{
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
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture ingest [--app A] [--component KIND:ID] [--tool NAME] [--commit SHA]\n"
		"                      [--branch B] [--at TIME] [--partial] FILE...",
		"Parse each report, attach its evidence to an app, merge duplicates into\n"
		"findings and track them across scans: a finding a newer full scan of the\n"
		"same tool no longer reports is fixed; one that comes back is reopened.\n"
		"Each file is one transaction: all of it is stored, or nothing.",
	};
	struct perr err = PERR_INIT;
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
	return ret;
}
