/*
 * posture feeds import|list|update: risk feeds in the database. An import
 * replaces the feed's current set in one transaction (and rescores the
 * findings it affects); `update` fetches both feeds from their official
 * URLs with libcurl and imports them.
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "cmd/scoring.h"
#include "feeds/epss.h"
#include "feeds/kev.h"
#include "out/jw.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/opt.h"
#include "util/ptime.h"

#include <curl/curl.h>

#define EPSS_URL "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"
#define KEV_URL "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
/* The KEV catalog is ~1.5 MB, the gzip'd EPSS file ~2 MB: generous caps. */
#define FETCH_MAX ((size_t)256 << 20)

struct import_opts {
	bool force;
	bool json;
	struct jw *w;
};

struct import_state {
	struct store *store;
	long rows;
	char version[64], model[64], released[48];
};

static int on_epss(const struct epss_meta *meta, const struct epss_row *row, void *payload,
		   struct perr *err)
{
	struct import_state *st = payload;
	int ret;

	if ((ret = store_epss_put(st->store, row->cve, row->epss, row->percentile, err)) < 0)
		return ret;
	st->rows++;
	return 0;
}

static int on_kev(const struct kev_catalog *catalog, const struct kev_entry *e, void *payload,
		  struct perr *err)
{
	struct import_state *st = payload;
	struct kev_row k = {
		.cve = e->cve_id, .date_added = e->date_added, .due_date = e->due_date,
		.ransomware = e->ransomware == KEV_RANSOMWARE_KNOWN ? "Known" :
			      e->ransomware == KEV_RANSOMWARE_UNKNOWN ? "Unknown" : e->ransomware_raw,
		.vendor_project = e->vendor_project, .product = e->product,
		.vulnerability_name = e->vulnerability_name, .required_action = e->required_action,
	};
	int ret;

	if ((ret = store_kev_put(st->store, &k, err)) < 0)
		return ret;
	st->rows++;
	return 0;
}

/* "epss_scores-2025-03-16.csv.gz" -> "2025-03-16": the date of a file without a comment line. */
static void date_from_name(char *out, size_t len, const char *source)
{
	const char *p = strstr(source, "epss_scores-");

	if (p && strlen(p + 12) >= 10 && p[12 + 4] == '-' && p[12 + 7] == '-')
		snprintf(out, len, "%.10s", p + 12);
}

/*
 * Versions of one feed are dates ("2025-03-16T12:55:00Z", "2025.03.14"):
 * compare their first ten characters when both have them.
 */
static bool version_older(const char *v, const char *current)
{
	if (strlen(v) < 10 || strlen(current) < 10 || !strcmp(current, "unknown"))
		return false;
	return strncmp(v, current, 10) < 0;
}

static void print_import(const struct import_opts *o, const struct feed_import *imp,
			 const struct scoring_stats *ss, bool skipped)
{
	if (o->json) {
		jw_obj_open(o->w);
		jw_kstr(o->w, "feed", imp->feed);
		jw_kstr(o->w, "version", imp->version);
		jw_kstr(o->w, "model", imp->model);
		jw_kstr(o->w, "source", imp->file);
		jw_kbool(o->w, "already_current", skipped);
		jw_kint(o->w, "rows", imp->rows);
		if (imp->added >= 0) {
			jw_kint(o->w, "added", imp->added);
			jw_kint(o->w, "removed", imp->removed);
		}
		jw_kint(o->w, "rescored", ss ? ss->scope : 0);
		jw_kint(o->w, "tier_changes", ss ? ss->tier_changed : 0);
		jw_obj_close(o->w);
		jw_reset_line(o->w);
		return;
	}
	if (skipped) {
		printf("%s: %s is already the current version (%s); nothing to do\n", imp->feed,
		       imp->version, imp->file);
		return;
	}
	if (!strcmp(imp->feed, "epss"))
		printf("epss: %ld scores, %s%s%s%s, from %s", imp->rows, imp->version,
		       imp->model ? " (model " : "", imp->model ? imp->model : "", imp->model ? ")" : "",
		       imp->file);
	else
		printf("kev: %ld entries, catalog %s (%ld added, %ld removed), from %s", imp->rows,
		       imp->version, imp->added, imp->removed, imp->file);
	printf("; %ld findings rescored, %ld changed tier\n", ss->scope, ss->tier_changed);
}

/*
 * Import one feed file (bytes in buf, from `source`) in one transaction:
 * replace the current set, record the import, rescore what it affects.
 */
static int import_feed(struct ctx *ctx, const char *feed, const char *buf, size_t len,
		       const char *source, const struct import_opts *o, struct perr *err)
{
	struct import_state st = { 0 };
	struct feed_current cur;
	struct feed_import imp = { 0 };
	struct scoring sc;
	struct scoring_stats ss = { 0 };
	char digest[65];
	long n;
	int ret;

	scoring_init(&sc);
	sha256_hex(buf, len, digest);
	st.store = ctx->store;
	imp.feed = feed;
	imp.file = source;
	imp.file_sha256 = digest;
	imp.imported_at = ctx->now;
	if ((ret = store_feed_current(ctx->store, feed, &cur, err)) < 0)
		goto out;
	if (cur.found && !strcmp(cur.file_sha256, digest) && !o->force) {
		imp.version = cur.version;
		imp.model = cur.model[0] ? cur.model : NULL;
		imp.rows = cur.rows;
		imp.added = imp.removed = -1;
		print_import(o, &imp, NULL, true);
		goto out;
	}
	if ((ret = scoring_open(&sc, ctx, NULL, err)) < 0) {
		/* the policy's error names the policy file */
		scoring_release(&sc);
		return ret;
	}
	if ((ret = store_begin(ctx->store, err)) < 0)
		goto out;
	if ((ret = store_feed_replace_begin(ctx->store, feed, err)) < 0)
		goto fail;
	if (!strcmp(feed, "epss")) {
		struct epss_meta meta;

		if ((n = epss_parse(buf, len, &meta, on_epss, &st, err)) < 0) {
			ret = (int)n;
			goto fail;
		}
		snprintf(st.version, sizeof(st.version), "%s", meta.score_date);
		if (!st.version[0])
			date_from_name(st.version, sizeof(st.version), source);
		snprintf(st.model, sizeof(st.model), "%s", meta.model_version);
	} else {
		struct kev_catalog cat;

		if ((n = kev_parse(buf, len, &cat, on_kev, &st, err)) < 0) {
			ret = (int)n;
			goto fail;
		}
		snprintf(st.version, sizeof(st.version), "%s", cat.catalog_version);
		snprintf(st.released, sizeof(st.released), "%s", cat.date_released);
	}
	if (!st.version[0])
		snprintf(st.version, sizeof(st.version), "unknown");
	if (cur.found && !o->force && version_older(st.version, cur.version)) {
		ret = perr_set(err, P_EINVALID,
			       "%s %s is older than the current %s (use --force to import it anyway)",
			       feed, st.version, cur.version);
		goto fail;
	}
	imp.version = st.version;
	imp.model = st.model[0] ? st.model : NULL;
	imp.released = st.released[0] ? st.released : NULL;
	imp.rows = st.rows;
	if ((ret = store_feed_replace_finish(ctx->store, &imp, err)) < 0 ||
	    (ret = scoring_run(&sc, ctx->store, &(struct risk_scope){ .with_cve = true }, &ss, err)) < 0)
		goto fail;
	if ((ret = store_commit(ctx->store, err)) < 0)
		goto fail;
	print_import(o, &imp, &ss, false);
	goto out;
fail:
	store_rollback(ctx->store);
out:
	scoring_release(&sc);
	if (ret < 0 && !strstr(err->msg, source))
		perr_prefix(err, "%s", source);
	return ret;
}

static int parse_feed_name(const char *name, const char *verb)
{
	if (strcmp(name, "epss") && strcmp(name, "kev"))
		return usage_error("feeds %s: '%s' is not a feed (epss, kev)", verb, name);
	return 0;
}

static int format_opt(const char *format, bool *json, const char *verb)
{
	if (!strcmp(format, "json") || !strcmp(format, "jsonl"))
		*json = true;
	else if (!strcmp(format, "text") || !strcmp(format, "table"))
		*json = false;
	else
		return usage_error("feeds %s: --format must be text or json, not '%s'", verb, format);
	return 0;
}

static int feeds_import(int argc, const char **argv, struct ctx *ctx)
{
	const char *format = "text";
	struct import_opts o = { 0 };
	const struct opt opts[] = {
		{ OPT_FLAG, 0, "force", &o.force, NULL,
		  "import even an older version, or the current file again" },
		{ OPT_STRING, 'f', "format", &format, "FMT", "text (default) or json" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture feeds import [--force] epss|kev FILE",
		"Import FIRST's EPSS daily file (epss_scores-YYYY-MM-DD.csv or .csv.gz) or\n"
		"CISA's KEV catalog (known_exploited_vulnerabilities.json). The file\n"
		"replaces the feed's current set in one transaction, and every open\n"
		"finding with a CVE is rescored. An older version than the current one is\n"
		"refused unless --force.",
	};
	struct pfile f = PFILE_INIT;
	struct perr err = PERR_INIT;
	struct jw w;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n != 2)
		return usage_error("feeds import: expected a feed (epss, kev) and a FILE "
				   "(see 'posture feeds import --help')");
	if ((ret = parse_feed_name(argv[0], "import")) != 0 ||
	    (ret = format_opt(format, &o.json, "import")) != 0)
		return ret;
	if (pfile_open(&f, argv[1], &err) < 0)
		return perr_report(&err);
	if (o.json) {
		jw_init(&w, stdout, false);
		o.w = &w;
	}
	if (import_feed(ctx, argv[0], f.buf, f.len, argv[1], &o, &err) < 0)
		ret = perr_report(&err);
	if (o.json)
		jw_release(&w);
	pfile_release(&f);
	return ret;
}

struct list_out {
	bool json;
	struct jw w;
};

static int list_row(const struct feed_import *imp, bool current, void *payload, struct perr *err)
{
	struct list_out *lo = payload;
	char t[21];

	if (lo->json) {
		jw_obj_open(&lo->w);
		jw_kint(&lo->w, "id", imp->id);
		jw_kstr(&lo->w, "feed", imp->feed);
		jw_kstr(&lo->w, "version", imp->version);
		jw_kstr(&lo->w, "model", imp->model);
		jw_kstr(&lo->w, "released", imp->released);
		jw_kbool(&lo->w, "current", current);
		jw_ktime(&lo->w, "imported_at", imp->imported_at);
		jw_kint(&lo->w, "rows", imp->rows);
		if (imp->added >= 0) {
			jw_kint(&lo->w, "added", imp->added);
			jw_kint(&lo->w, "removed", imp->removed);
		} else {
			jw_knull(&lo->w, "added");
			jw_knull(&lo->w, "removed");
		}
		jw_kstr(&lo->w, "source", imp->file);
		jw_kstr(&lo->w, "sha256", imp->file_sha256);
		jw_obj_close(&lo->w);
		jw_reset_line(&lo->w);
		return 0;
	}
	ptime_format(t, imp->imported_at);
	printf("%c %4lld  %-4s  %-24.24s  %-12.12s  %7ld  %s  %s\n", current ? '*' : ' ',
	       (long long)imp->id, imp->feed, imp->version, imp->model ? imp->model : "",
	       imp->rows, t, imp->file ? imp->file : "");
	return 0;
}

static int feeds_list(int argc, const char **argv, struct ctx *ctx)
{
	const char *format = "table";
	const struct opt opts[] = {
		{ OPT_STRING, 'f', "format", &format, "FMT", "table (default) or jsonl" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture feeds list [--format table|jsonl]",
		"Every feed import, oldest first; '*' marks each feed's current version.",
	};
	struct list_out lo = { 0 };
	struct perr err = PERR_INIT;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n)
		return usage_error("feeds list: unexpected argument '%s'", argv[0]);
	if ((ret = format_opt(format, &lo.json, "list")) != 0)
		return ret;
	if (lo.json)
		jw_init(&lo.w, stdout, false);
	else
		printf("  %4s  %-4s  %-24s  %-12s  %7s  %-20s  %s\n", "ID", "FEED", "VERSION", "MODEL",
		       "ROWS", "IMPORTED", "SOURCE");
	if (store_feed_imports_each(ctx->store, list_row, &lo, &err) < 0)
		ret = perr_report(&err);
	if (lo.json)
		jw_release(&lo.w);
	return ret;
}

static size_t on_data(char *data, size_t size, size_t nmemb, void *payload)
{
	struct pbuf *b = payload;
	size_t n = size * nmemb;

	/* returning less than n makes curl stop with CURLE_WRITE_ERROR */
	return pbuf_add(b, data, n) < 0 ? 0 : n;
}

/* GET url into out. Errors say which URL, why, and what to do offline. */
static int fetch(const char *url, struct pbuf *out, struct perr *err)
{
	char curl_err[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	CURL *h;

	pbuf_init(out, FETCH_MAX);
	if (!(h = curl_easy_init()))
		return perr_set(err, P_ERROR, "cannot fetch %s: cannot start libcurl", url);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http,file");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	/* a stalled transfer (under 1 KiB/s for a minute) is given up */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "posture/" POSTURE_VERSION);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(h);
	curl_easy_cleanup(h);
	if (rc == CURLE_OK && out->len)
		return 0;
	if (rc == CURLE_WRITE_ERROR)
		snprintf(curl_err, sizeof(curl_err), "larger than %zu MiB", FETCH_MAX >> 20);
	else if (rc == CURLE_OK)
		snprintf(curl_err, sizeof(curl_err), "empty response");
	else if (!curl_err[0])
		snprintf(curl_err, sizeof(curl_err), "%s", curl_easy_strerror(rc));
	pbuf_release(out);
	return perr_set(err, P_EIO,
			"cannot fetch %s: %s (offline? import a downloaded file with 'posture feeds import')",
			url, curl_err);
}

static int feeds_update(int argc, const char **argv, struct ctx *ctx)
{
	const char *format = "text";
	struct import_opts o = { 0 };
	const struct opt opts[] = {
		{ OPT_STRING, 'f', "format", &format, "FMT", "text (default) or json" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture feeds update [epss|kev]",
		"Fetch the EPSS daily file and the KEV catalog from their official URLs\n"
		"(POSTURE_EPSS_URL and POSTURE_KEV_URL override them; file:// works) and\n"
		"import each one, as 'posture feeds import' does. A version that is\n"
		"already current is left alone.",
	};
	const char *feeds[2][2] = { { "epss", NULL }, { "kev", NULL } };
	struct jw w;
	int n, i, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n > 1)
		return usage_error("feeds update: unexpected argument '%s'", argv[1]);
	if (n && (ret = parse_feed_name(argv[0], "update")) != 0)
		return ret;
	if ((ret = format_opt(format, &o.json, "update")) != 0)
		return ret;
	feeds[0][1] = getenv("POSTURE_EPSS_URL");
	feeds[1][1] = getenv("POSTURE_KEV_URL");
	if (!feeds[0][1] || !*feeds[0][1])
		feeds[0][1] = EPSS_URL;
	if (!feeds[1][1] || !*feeds[1][1])
		feeds[1][1] = KEV_URL;
	if (o.json) {
		jw_init(&w, stdout, false);
		o.w = &w;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (i = 0; i < 2; i++) {
		struct pbuf body = PBUF_INIT;
		struct perr err = PERR_INIT;
		int code = EXIT_OK;

		if (n && strcmp(argv[0], feeds[i][0]))
			continue;
		/* keep going: one feed that cannot be fetched must not hold back the other */
		if (fetch(feeds[i][1], &body, &err) < 0 ||
		    import_feed(ctx, feeds[i][0], body.buf, body.len, feeds[i][1], &o, &err) < 0) {
			fflush(stdout);
			code = perr_report(&err);
		}
		if (code > ret)
			ret = code;
		pbuf_release(&body);
	}
	curl_global_cleanup();
	if (o.json)
		jw_release(&w);
	return ret;
}

static const struct {
	const char *name, *full;  /* full: how usage messages name it */
	int (*fn)(int argc, const char **argv, struct ctx *ctx);
	const char *help;
} verbs[] = {
	{ "import", "feeds import", feeds_import, "import an EPSS file or the KEV catalog" },
	{ "list", "feeds list", feeds_list, "list feed imports and the current versions" },
	{ "update", "feeds update", feeds_update, "fetch both feeds from their official URLs and import them" },
};

int cmd_feeds(int argc, const char **argv, struct ctx *ctx)
{
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		FILE *out = argc < 2 ? stderr : stdout;

		fputs("usage: posture feeds import|list|update ...\n\n"
		      "Risk feeds: FIRST's EPSS scores and CISA's Known Exploited\n"
		      "Vulnerabilities catalog.\n\n", out);
		for (i = 0; i < ARRAY_SIZE(verbs); i++)
			fprintf(out, "  %-8s %s\n", verbs[i].name, verbs[i].help);
		return argc < 2 ? EXIT_INPUT : EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[1], verbs[i].name)) {
			/* a copy whose argv[0] names the verb fully, for opt's messages */
			const char **sub = xcalloc((size_t)argc, sizeof(*sub));
			int ret;

			memcpy(sub + 1, argv + 2, (size_t)(argc - 2) * sizeof(*sub));
			sub[0] = verbs[i].full;
			ret = verbs[i].fn(argc - 1, sub, ctx);
			xfree(sub);
			return ret;
		}
	return usage_error("feeds: '%s' is not a feeds command (import, list, update)", argv[1]);
}
