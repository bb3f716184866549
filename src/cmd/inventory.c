/*
 * posture inventory: who owns what. Verbs (a small table below, each with
 * the database access it needs): check and load posture.yaml, list and
 * show apps, unowned assets, CODEOWNERS import, scan coverage.
 */
#include "posture.h"
#include "cmd/cmd.h"
#include "inventory/codeowners.h"
#include "inventory/coverage.h"
#include "inventory/reconcile.h"
#include "inventory/resolve.h"
#include "out/findings.h"
#include "out/jw.h"
#include "store/store.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/opt.h"
#include "util/ptime.h"
#include "util/strmap.h"

static const char *const sev_words[] = { NULL, "info", "low", "medium", "high", "critical" };

static int parse_text_json(const char *verb, const char *format, bool *json)
{
	*json = false;
	if (!strcmp(format, "json"))
		*json = true;
	else if (strcmp(format, "text") && strcmp(format, "table"))
		return usage_error("inventory %s: --format must be text or json, not '%s'", verb, format);
	return 0;
}

/* Multi-line stored lists read better on one line. */
static const char *one_line(struct arena *a, const char *v, const char *sep)
{
	struct pbuf b = PBUF_INIT;
	const char *out;
	int ret = 0;

	if (!v)
		return NULL;
	for (; *v && !ret; v++)
		ret = *v == '\n' || *v == ',' ? pbuf_adds(&b, sep) : pbuf_addch(&b, *v);
	out = arena_strdup(a, b.buf);
	pbuf_release(&b);
	return out;
}

static void print_warnings(const char *file, const struct codeowners *co)
{
	size_t i;

	for (i = 0; i < co->nwarnings; i++)
		pwarn("%s:%u: %s", file, co->warnings[i].line, co->warnings[i].msg);
}

/*
 * Read and check the inventory, and the CODEOWNERS files it names (their
 * text into texts[]/lens[], which the caller frees).
 */
static int read_inventory(struct inventory *inv, const char *path, char digest[static 65],
			  char ***texts, size_t **lens, struct perr *err)
{
	char *buf = NULL;
	size_t len = 0, i;
	int ret;

	*texts = NULL;
	*lens = NULL;
	if ((ret = pfile_slurp(&buf, &len, path, INVENTORY_MAX_BYTES, err)) < 0)
		return ret;
	sha256_hex(buf, len, digest);
	ret = inventory_parse(inv, buf, len, path, err);
	xfree(buf);
	if (ret < 0)
		return ret;
	*texts = xcalloc(inv->ncomponents + 1, sizeof(**texts));
	*lens = xcalloc(inv->ncomponents + 1, sizeof(**lens));
	for (i = 0; i < inv->ncomponents; i++) {
		const struct inv_component *c = &inv->components[i];
		struct codeowners co;

		if (!c->codeowners_path)
			continue;
		if ((ret = pfile_slurp(&(*texts)[i], &(*lens)[i], c->codeowners_path, CODEOWNERS_MAX_BYTES,
				       err)) < 0) {
			perr_prefix(err, "%s:%u:%u: codeowners of repo '%s'", path, c->pos.line,
				    c->pos.column, c->ident);
			return ret == P_ELIMIT ? P_ELIMIT : P_EINVALID;
		}
		codeowners_init(&co);
		if ((ret = codeowners_parse(&co, (*texts)[i], (*lens)[i], err)) == 0)
			print_warnings(c->codeowners_path, &co);
		codeowners_release(&co);
		if (ret < 0) {
			perr_prefix(err, "%s", c->codeowners_path);
			return ret;
		}
	}
	return 0;
}

static void free_texts(char **texts, size_t *lens, size_t n)
{
	size_t i;

	for (i = 0; texts && i < n; i++)
		xfree(texts[i]);
	xfree(texts);
	xfree(lens);
}

/* --- check --- */

static int inv_check(int argc, const char **argv, struct ctx *ctx)
{
	const struct opt opts[] = { { OPT_END } };
	const struct opt_usage usage = {
		"posture inventory check FILE",
		"Read posture.yaml and the CODEOWNERS files it names, and report what is\n"
		"wrong with them (file:line:column) without touching the database.",
	};
	struct inventory inv;
	struct perr err = PERR_INIT;
	char digest[65], **texts = NULL;
	size_t *lens = NULL;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n != 1)
		return usage_error("inventory check: give one inventory file");
	inventory_init(&inv);
	if (read_inventory(&inv, argv[0], digest, &texts, &lens, &err) < 0)
		ret = perr_report(&err);
	else
		printf("%s: %zu units, %zu teams, %zu apps, %zu components, %zu links\n", argv[0],
		       inv.nunits, inv.nteams, inv.napps, inv.ncomponents, inv.nlinks);
	free_texts(texts, lens, inv.ncomponents);
	inventory_release(&inv);
	return ret;
}

/* --- load --- */

static const char *const op_words[] = { "added", "changed", "retired" };

static void print_report_json(const char *file, const struct inv_report *rep, bool dry_run)
{
	struct jw w;
	size_t i;

	jw_init(&w, stdout, true);
	jw_obj_open(&w);
	jw_kstr(&w, "file", file);
	jw_kbool(&w, "dry_run", dry_run);
	jw_key(&w, "changes");
	jw_arr_open(&w);
	for (i = 0; i < rep->nchanges; i++) {
		const struct inv_change *c = &rep->changes[i];

		jw_obj_open(&w);
		jw_kstr(&w, "op", op_words[c->op]);
		jw_kstr(&w, "type", store_inv_type_name(c->type));
		jw_kstr(&w, "name", c->name);
		if (c->op == INV_CHANGED) {
			jw_kstr(&w, "field", c->field);
			jw_kstr(&w, "from", c->from);
			jw_kstr(&w, "to", c->to);
		}
		if (c->note)
			jw_kstr(&w, "note", c->note);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_kint(&w, "added", rep->added);
	jw_kint(&w, "changed", rep->changed);
	jw_kint(&w, "retired", rep->retired);
	jw_key(&w, "findings");
	jw_obj_open(&w);
	jw_kint(&w, "rehomed", rep->rehomed);
	jw_kint(&w, "merged", rep->merged);
	jw_kint(&w, "assigned", rep->assigned);
	jw_obj_close(&w);
	jw_obj_close(&w);
	jw_reset_line(&w);
	jw_release(&w);
}

static void print_report_text(const char *file, struct inv_report *rep, bool dry_run)
{
	static const char marks[] = "+~-";
	size_t i;

	for (i = 0; i < rep->nchanges; i++) {
		const struct inv_change *c = &rep->changes[i];

		printf("%c %s %s", marks[c->op], store_inv_type_name(c->type), c->name);
		if (c->op == INV_CHANGED && c->field) {
			printf(": %s", c->field);
			if (c->from || c->to)
				printf(" %s -> %s", c->from ? one_line(&rep->arena, c->from, ", ") : "(none)",
				       c->to ? one_line(&rep->arena, c->to, ", ") : "(none)");
		}
		if (c->note)
			printf(" (%s)", c->note);
		putchar('\n');
	}
	if (rep->rehomed || rep->merged || rep->assigned)
		printf("findings: %ld moved to their app, %ld merged into the same finding there, "
		       "%ld owners assigned\n", rep->rehomed, rep->merged, rep->assigned);
	if (inventory_report_empty(rep))
		printf("%s: no changes%s\n", file, dry_run ? " (dry run)" : "");
	else
		printf("%s: %ld added, %ld changed, %ld retired%s\n", file, rep->added, rep->changed,
		       rep->retired, dry_run ? " (dry run: nothing written)" : "");
}

static int inv_load(int argc, const char **argv, struct ctx *ctx)
{
	const char *format = "text";
	bool dry_run = false, json;
	const struct opt opts[] = {
		{ OPT_FLAG, 'n', "dry-run", &dry_run, NULL, "report the changes, write nothing" },
		{ OPT_STRING, 'f', "format", &format, "FMT", "text (default) or json" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture inventory load [--dry-run] [--format text|json] FILE",
		"Make the database say what posture.yaml says, in one transaction, and print\n"
		"what was added, changed and retired. Retired things keep their history and\n"
		"their findings. Findings follow their components to the apps that now own\n"
		"them, and owners are recomputed (CODEOWNERS, else the app's team).",
	};
	struct inventory inv;
	struct inv_report rep;
	struct perr err = PERR_INIT;
	char digest[65], **texts = NULL;
	size_t *lens = NULL;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n != 1)
		return usage_error("inventory load: give one inventory file");
	if ((ret = parse_text_json("load", format, &json)))
		return ret;
	inventory_init(&inv);
	inventory_report_init(&rep);
	if (read_inventory(&inv, argv[0], digest, &texts, &lens, &err) < 0 ||
	    store_begin(ctx->store, &err) < 0)
		goto fail;
	if (inventory_reconcile(ctx->store, &inv, digest, (const char *const *)texts, lens, ctx->now, &rep,
				&err) < 0) {
		store_rollback(ctx->store);
		goto fail;
	}
	if (dry_run)
		store_rollback(ctx->store);
	else if (store_commit(ctx->store, &err) < 0)
		goto fail;
	if (json)
		print_report_json(argv[0], &rep, dry_run);
	else
		print_report_text(argv[0], &rep, dry_run);
	goto done;
fail:
	ret = perr_report(&err);
done:
	free_texts(texts, lens, inv.ncomponents);
	inventory_report_release(&rep);
	inventory_release(&inv);
	return ret;
}

/* --- list --- */

static void app_json_fields(struct jw *w, const struct store_app_row *r)
{
	int i;

	jw_kstr(w, "name", r->name);
	jw_kstr(w, "team", r->team);
	jw_kstr(w, "unit", r->unit);
	jw_kstr(w, "criticality", r->criticality);
	jw_kstr(w, "exposure", r->exposure);
	jw_key(w, "data_sensitivity");
	jw_arr_open(w);
	for (const char *p = r->data_sensitivity; p && *p;) {
		size_t len = strcspn(p, ",");

		jw_strn(w, p, len);
		p += len + (p[len] == ',');
	}
	jw_arr_close(w);
	jw_key(w, "environments");
	jw_arr_open(w);
	for (const char *p = r->environments; p && *p;) {
		size_t len = strcspn(p, ",");

		jw_strn(w, p, len);
		p += len + (p[len] == ',');
	}
	jw_arr_close(w);
	jw_kstr(w, "description", r->description);
	jw_kbool(w, "discovered", r->discovered);
	jw_ktime(w, "retired_at", r->retired_at);
	jw_kint(w, "component_count", r->components);
	jw_key(w, "open_findings");
	jw_obj_open(w);
	for (i = SEV_CRITICAL; i >= SEV_INFO; i--)
		jw_kint(w, sev_words[i], r->open[i]);
	jw_obj_close(w);
}

struct list_ctx {
	struct jw w;
	bool json;
	size_t count;
};

static int list_row(const struct store_app_row *r, void *payload, struct perr *err)
{
	struct list_ctx *l = payload;

	l->count++;
	if (l->json) {
		jw_obj_open(&l->w);
		app_json_fields(&l->w, r);
		jw_obj_close(&l->w);
		return 0;
	}
	printf("%-24s  %-18s  %-10s  %-8s  %-8s  %4ld %4ld %4ld %4ld %4ld%s\n", r->name,
	       r->team ? r->team : "-", r->unit ? r->unit : "-", r->criticality ? r->criticality : "-",
	       r->exposure ? r->exposure : "-", r->open[SEV_CRITICAL], r->open[SEV_HIGH],
	       r->open[SEV_MEDIUM], r->open[SEV_LOW], r->open[SEV_INFO],
	       r->retired_at ? "  (retired)" : r->discovered ? "  (discovered)" : "");
	return 0;
}

static int inv_list(int argc, const char **argv, struct ctx *ctx)
{
	const char *format = "text";
	bool all = false;
	const struct opt opts[] = {
		{ OPT_FLAG, 0, "all", &all, NULL, "retired apps too" },
		{ OPT_STRING, 'f', "format", &format, "FMT", "text (default) or json" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture inventory list [--all] [--format text|json]",
		"Apps with their team, unit, criticality, exposure and open findings by\n"
		"severity (open, triaged, in progress or reopened).",
	};
	struct list_ctx l = { 0 };
	struct perr err = PERR_INIT;
	int n, ret;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n)
		return usage_error("inventory list: unexpected argument '%s'", argv[0]);
	if ((ret = parse_text_json("list", format, &l.json)))
		return ret;
	if (l.json) {
		jw_init(&l.w, stdout, true);
		jw_arr_open(&l.w);
	} else {
		printf("%-24s  %-18s  %-10s  %-8s  %-8s  %4s %4s %4s %4s %4s\n", "APP", "TEAM", "UNIT",
		       "CRIT", "EXPOSURE", "CRIT", "HIGH", "MED", "LOW", "INFO");
	}
	ret = store_apps_each(ctx->store, NULL, all, list_row, &l, &err);
	if (l.json) {
		jw_arr_close(&l.w);
		jw_reset_line(&l.w);
		jw_release(&l.w);
	} else if (!ret) {
		printf("(%zu apps)\n", l.count);
	}
	return ret < 0 ? perr_report(&err) : EXIT_OK;
}

/* --- show --- */

struct coverage;
static int show_coverage(struct store *s, int64_t now, int64_t app_id, struct coverage_cell *cells,
			 struct perr *err);
static const char *cell_text(struct arena *a, const struct coverage_cell *c);
static void cell_json(struct jw *w, const struct coverage_cell *c);

struct comp {
	int64_t id;
	const char *name;  /* kind:ident */
	const char *kind;
	bool declared, codeowners;
	int64_t retired_at;
	long findings;
	struct store_attr *attrs;
	size_t nattrs;
};

struct link {
	int64_t from, to;
	const char *relation, *from_name, *to_name;
	bool retired;
};

struct show {
	struct arena arena;
	struct store_app_row app;
	struct coverage_cell coverage[COVERAGE_KINDS];
	bool found;
	struct comp *comps;
	size_t ncomps, comps_alloc;
	struct link *links;
	size_t nlinks, links_alloc;
};

static const char *adup(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static int show_app(const struct store_app_row *r, void *payload, struct perr *err)
{
	struct show *sh = payload;
	struct arena *a = &sh->arena;

	sh->app = *r;
	sh->app.name = adup(a, r->name);
	sh->app.team = adup(a, r->team);
	sh->app.unit = adup(a, r->unit);
	sh->app.criticality = adup(a, r->criticality);
	sh->app.exposure = adup(a, r->exposure);
	sh->app.data_sensitivity = adup(a, r->data_sensitivity);
	sh->app.environments = adup(a, r->environments);
	sh->app.description = adup(a, r->description);
	sh->found = true;
	return 0;
}

static int show_component(const struct store_component_row *r, void *payload, struct perr *err)
{
	struct show *sh = payload;
	struct comp *c;
	size_t i;

	ALLOC_GROW(sh->comps, sh->ncomps + 1, sh->comps_alloc);
	c = &sh->comps[sh->ncomps++];
	c->id = r->id;
	c->name = arena_printf(&sh->arena, "%s:%s", r->kind, r->ident);
	c->kind = adup(&sh->arena, r->kind);
	c->declared = r->declared;
	c->codeowners = r->has_codeowners;
	c->retired_at = r->retired_at;
	c->findings = r->findings;
	c->nattrs = r->nattrs;
	c->attrs = arena_alloc(&sh->arena, sizeof(*c->attrs) * (r->nattrs + 1));
	for (i = 0; i < r->nattrs; i++) {
		c->attrs[i].name = adup(&sh->arena, r->attrs[i].name);
		c->attrs[i].value = adup(&sh->arena, r->attrs[i].value);
	}
	return 0;
}

static int show_link(const struct store_link_row *r, void *payload, struct perr *err)
{
	struct show *sh = payload;
	struct link *l;

	ALLOC_GROW(sh->links, sh->nlinks + 1, sh->links_alloc);
	l = &sh->links[sh->nlinks++];
	l->from = r->from_id;
	l->to = r->to_id;
	l->relation = adup(&sh->arena, r->relation);
	l->from_name = adup(&sh->arena, r->from);
	l->to_name = adup(&sh->arena, r->to);
	l->retired = r->retired;
	return 0;
}

static bool has_incoming(const struct show *sh, int64_t id)
{
	size_t i;

	for (i = 0; i < sh->nlinks; i++)
		if (sh->links[i].to == id && !sh->links[i].retired)
			return true;
	return false;
}

/* The lineage below node, as text (depth-bounded: kinds only go forward). */
static void tree_text(const struct show *sh, int64_t node, int depth)
{
	size_t i;

	for (i = 0; i < sh->nlinks && depth < 8; i++) {
		const struct link *l = &sh->links[i];

		if (l->from != node || l->retired)
			continue;
		printf("%*s%s %s\n", 2 + 2 * depth, "", l->relation, l->to_name);
		tree_text(sh, l->to, depth + 1);
	}
}

static void tree_json(struct jw *w, const struct show *sh, int64_t node, int depth)
{
	size_t i;

	jw_arr_open(w);
	for (i = 0; i < sh->nlinks && depth < 8; i++) {
		const struct link *l = &sh->links[i];

		if (l->from != node || l->retired)
			continue;
		jw_obj_open(w);
		jw_kstr(w, "relation", l->relation);
		jw_kstr(w, "component", l->to_name);
		jw_key(w, "children");
		tree_json(w, sh, l->to, depth + 1);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

/* Roots of the lineage: linked components nothing links to. */
static bool is_root(const struct show *sh, int64_t id, size_t upto)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (sh->links[i].from == id && !sh->links[i].retired)
			return false; /* printed already */
	return !has_incoming(sh, id);
}

static void show_text(struct show *sh)
{
	const struct store_app_row *r = &sh->app;
	size_t i, j, packages = 0;
	int s;

	printf("app %s", r->name);
	if (r->retired_at || r->discovered)
		printf(" (%s)", r->retired_at ? "retired" : "discovered by ingest, not in posture.yaml");
	printf("\n  team %s, unit %s\n", r->team ? r->team : "(none)", r->unit ? r->unit : "(none)");
	printf("  criticality %s, exposure %s\n", r->criticality ? r->criticality : "(unset)",
	       r->exposure ? r->exposure : "(unset)");
	if (r->data_sensitivity)
		printf("  data %s\n", one_line(&sh->arena, r->data_sensitivity, ", "));
	if (r->environments)
		printf("  environments %s\n", one_line(&sh->arena, r->environments, ", "));
	if (r->description)
		printf("  %s\n", r->description);
	printf("components:\n");
	for (i = 0; i < sh->ncomps; i++) {
		const struct comp *c = &sh->comps[i];

		if (!c->declared && !strcmp(c->kind, "package")) {
			packages++;
			continue;
		}
		printf("  %s%s%s%s", c->name, c->declared ? "" : " (discovered)",
		       c->retired_at ? " (retired)" : "", c->codeowners ? " [CODEOWNERS]" : "");
		if (c->findings)
			printf("  %ld open finding%s", c->findings, c->findings == 1 ? "" : "s");
		putchar('\n');
		for (j = 0; j < c->nattrs; j++)
			printf("      %s: %s\n", c->attrs[j].name, one_line(&sh->arena, c->attrs[j].value, ", "));
	}
	if (packages)
		printf("  (%zu packages from SBOMs)\n", packages);
	if (!sh->ncomps)
		printf("  (none)\n");
	printf("lineage:\n");
	for (i = 0, j = 0; i < sh->nlinks; i++) {
		const struct link *l = &sh->links[i];

		if (l->retired || !is_root(sh, l->from, i))
			continue;
		printf("  %s\n", l->from_name);
		tree_text(sh, l->from, 1);
		j++;
	}
	if (!j)
		printf("  (none)\n");
	printf("open findings:");
	for (s = SEV_CRITICAL; s >= SEV_INFO; s--)
		printf(" %s %ld%s", sev_words[s], r->open[s], s > SEV_INFO ? "," : "\n");
	printf("coverage:\n");
	for (s = 0; s < COVERAGE_KINDS; s++) {
		const struct coverage_cell *c = &sh->coverage[s];

		printf("  %-10s %s", coverage_kinds[s], cell_text(&sh->arena, c));
		if (c->scans)
			printf(" (%ld scan%s, %ld evidence)", c->scans, c->scans == 1 ? "" : "s", c->evidence);
		putchar('\n');
	}
}

static void show_json(struct show *sh)
{
	struct jw w;
	size_t i, j;

	jw_init(&w, stdout, true);
	jw_obj_open(&w);
	app_json_fields(&w, &sh->app);
	jw_key(&w, "components");
	jw_arr_open(&w);
	for (i = 0; i < sh->ncomps; i++) {
		const struct comp *c = &sh->comps[i];

		jw_obj_open(&w);
		jw_kstr(&w, "component", c->name);
		jw_kbool(&w, "declared", c->declared);
		jw_ktime(&w, "retired_at", c->retired_at);
		jw_kbool(&w, "codeowners", c->codeowners);
		jw_kint(&w, "open_findings", c->findings);
		jw_key(&w, "attributes");
		jw_obj_open(&w);
		for (j = 0; j < c->nattrs; j++)
			jw_kstr(&w, c->attrs[j].name, c->attrs[j].value);
		jw_obj_close(&w);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_key(&w, "lineage");
	jw_arr_open(&w);
	for (i = 0; i < sh->nlinks; i++) {
		const struct link *l = &sh->links[i];

		if (l->retired || !is_root(sh, l->from, i))
			continue;
		jw_obj_open(&w);
		jw_kstr(&w, "component", l->from_name);
		jw_key(&w, "children");
		tree_json(&w, sh, l->from, 1);
		jw_obj_close(&w);
	}
	jw_arr_close(&w);
	jw_key(&w, "coverage");
	jw_obj_open(&w);
	for (i = 0; i < COVERAGE_KINDS; i++) {
		jw_key(&w, coverage_kinds[i]);
		cell_json(&w, &sh->coverage[i]);
	}
	jw_obj_close(&w);
	jw_obj_close(&w);
	jw_reset_line(&w);
	jw_release(&w);
}

static int inv_show(int argc, const char **argv, struct ctx *ctx)
{
	const char *format = "text";
	const struct opt opts[] = {
		{ OPT_STRING, 'f', "format", &format, "FMT", "text (default) or json" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture inventory show [--format text|json] APP",
		"One app: its team, components with their attributes, the lineage of its\n"
		"components (repo builds image, image runs as service, service is served\n"
		"at URL), and its open findings by severity.",
	};
	struct show sh = { 0 };
	struct perr err = PERR_INIT;
	bool json;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n != 1)
		return usage_error("inventory show: give one app name");
	if ((ret = parse_text_json("show", format, &json)))
		return ret;
	arena_init(&sh.arena, 0);
	if (store_apps_each(ctx->store, argv[0], true, show_app, &sh, &err) < 0)
		goto fail;
	if (!sh.found) {
		perr_set(&err, P_ENOTFOUND, "no app '%s' (see 'posture inventory list')", argv[0]);
		goto fail;
	}
	if (store_components_each(ctx->store, sh.app.id, show_component, &sh, &err) < 0 ||
	    store_links_each(ctx->store, sh.app.id, show_link, &sh, &err) < 0 ||
	    show_coverage(ctx->store, ctx->now, sh.app.id, sh.coverage, &err) < 0)
		goto fail;
	if (json)
		show_json(&sh);
	else
		show_text(&sh);
	goto done;
fail:
	ret = perr_report(&err);
done:
	xfree(sh.comps);
	xfree(sh.links);
	arena_release(&sh.arena);
	return ret;
}

/* --- unowned --- */

struct unowned {
	struct jw w;
	bool json;
	size_t n;
};

static int unowned_component(const struct store_component_row *r, void *payload, struct perr *err)
{
	struct unowned *u = payload;

	u->n++;
	if (u->json) {
		jw_obj_open(&u->w);
		jw_kstr(&u->w, "kind", r->kind);
		jw_kstr(&u->w, "ident", r->ident);
		jw_kbool(&u->w, "declared", r->declared);
		jw_kint(&u->w, "findings", r->findings);
		jw_obj_close(&u->w);
	} else {
		printf("  %s:%s  %ld finding%s\n", r->kind, r->ident, r->findings, r->findings == 1 ? "" : "s");
	}
	return 0;
}

static int unowned_app(const struct store_app_row *r, void *payload, struct perr *err)
{
	struct unowned *u = payload;
	long open = 0;
	int i;

	if (r->team)
		return 0;
	for (i = SEV_INFO; i <= SEV_CRITICAL; i++)
		open += r->open[i];
	u->n++;
	if (u->json) {
		jw_obj_open(&u->w);
		jw_kstr(&u->w, "app", r->name);
		jw_kbool(&u->w, "discovered", r->discovered);
		jw_kint(&u->w, "open_findings", open);
		jw_obj_close(&u->w);
	} else {
		printf("  %s%s  %ld open finding%s\n", r->name, r->discovered ? " (discovered)" : "", open,
		       open == 1 ? "" : "s");
	}
	return 0;
}

static int inv_unowned(int argc, const char **argv, struct ctx *ctx)
{
	const char *format = "text";
	const struct opt opts[] = {
		{ OPT_STRING, 'f', "format", &format, "FMT", "text (default) or json" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture inventory unowned [--format text|json]",
		"What nobody owns yet: components that findings point at but no app holds\n"
		"(assets ingest discovered; declare them in posture.yaml and load it to move\n"
		"their findings), and apps without a team.",
	};
	struct unowned u = { 0 };
	struct perr err = PERR_INIT;
	int n, ret;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n)
		return usage_error("inventory unowned: unexpected argument '%s'", argv[0]);
	if ((ret = parse_text_json("unowned", format, &u.json)))
		return ret;
	if (u.json) {
		jw_init(&u.w, stdout, true);
		jw_obj_open(&u.w);
		jw_key(&u.w, "components");
		jw_arr_open(&u.w);
	} else {
		printf("components in no app:\n");
	}
	if ((ret = store_unowned_components_each(ctx->store, unowned_component, &u, &err)) < 0)
		goto done;
	if (u.json) {
		jw_arr_close(&u.w);
		jw_key(&u.w, "apps_without_team");
		jw_arr_open(&u.w);
	} else {
		if (!u.n)
			printf("  (none)\n");
		printf("apps with no team:\n");
	}
	u.n = 0;
	ret = store_apps_each(ctx->store, NULL, false, unowned_app, &u, &err);
	if (!u.json && !u.n && !ret)
		printf("  (none)\n");
done:
	if (u.json) {
		jw_arr_close(&u.w);
		jw_obj_close(&u.w);
		jw_reset_line(&u.w);
		jw_release(&u.w);
	}
	return ret < 0 ? perr_report(&err) : EXIT_OK;
}

/* --- codeowners --- */

static int inv_codeowners(int argc, const char **argv, struct ctx *ctx)
{
	const struct opt opts[] = { { OPT_END } };
	const struct opt_usage usage = {
		"posture inventory codeowners REPO FILE",
		"Import a CODEOWNERS file for a repo component (REPO: its URL or owner/name)\n"
		"and recompute the owners of its findings: the last matching line's first\n"
		"owner that maps to a team (github_team, members) owns a path, else the\n"
		"app's team. A later 'inventory load' replaces it with the file posture.yaml\n"
		"names for the repo, if it names one.",
	};
	struct arena a = ARENA_INIT;
	struct codeowners co;
	struct inv_report rep;
	struct perr err = PERR_INIT;
	const char *ident;
	char *text = NULL;
	size_t len = 0;
	int64_t id;
	bool changed;
	int n, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n != 2)
		return usage_error("inventory codeowners: give a repo and a CODEOWNERS file");
	codeowners_init(&co);
	inventory_report_init(&rep);
	if (!(ident = asset_ident(&a, ASSET_REPO, argv[0]))) {
		ret = usage_error("inventory codeowners: '%s' is not a repository", argv[0]);
		goto done;
	}
	if (pfile_slurp(&text, &len, argv[1], CODEOWNERS_MAX_BYTES, &err) < 0)
		goto fail;
	if (codeowners_parse(&co, text, len, &err) < 0) {
		perr_prefix(&err, "%s", argv[1]);
		goto fail;
	}
	print_warnings(argv[1], &co);
	if (store_begin(ctx->store, &err) < 0)
		goto fail;
	if (store_component_find(ctx->store, "repo", ident, &id, &err) < 0 ||
	    store_codeowners_put(ctx->store, id, argv[1], text, len, ctx->now, &changed, &err) < 0 ||
	    inventory_assign_owners(ctx->store, NULL, 0, id, ctx->now, &rep, &err) < 0 ||
	    store_commit(ctx->store, &err) < 0) {
		store_rollback(ctx->store);
		goto fail;
	}
	printf("%s: %zu rules for repo %s%s; %ld finding owners changed\n", argv[1], co.nrules, ident,
	       changed ? "" : " (unchanged)", rep.assigned);
	goto done;
fail:
	ret = perr_report(&err);
done:
	xfree(text);
	codeowners_release(&co);
	inventory_report_release(&rep);
	arena_release(&a);
	return ret;
}

/* --- coverage --- */

struct coverage {
	struct arena arena;
	struct coverage_app *apps;
	size_t n, alloc;
	struct strmap by_id;
	struct coverage_opts opts;
	double medians[COVERAGE_KINDS];
};

static int coverage_app_row(const struct store_app_row *r, void *payload, struct perr *err)
{
	struct coverage *cv = payload;
	struct coverage_app *a;
	const char *key;

	/* the bucket for what nobody claimed is not an app to cover */
	if (!strcmp(r->name, RESOLVER_DEFAULT_APP))
		return 0;
	ALLOC_GROW(cv->apps, cv->n + 1, cv->alloc);
	a = &cv->apps[cv->n++];
	memset(a, 0, sizeof(*a));
	a->id = r->id;
	a->name = arena_strdup(&cv->arena, r->name);
	a->team = adup(&cv->arena, r->team);
	a->criticality = adup(&cv->arena, r->criticality);
	key = arena_printf(&cv->arena, "%lld", (long long)r->id);
	strmap_put(&cv->by_id, key, (void *)(uintptr_t)cv->n);
	return 0;
}

static int coverage_cell_row(const struct store_coverage_row *r, void *payload, struct perr *err)
{
	struct coverage *cv = payload;
	char key[32];
	uintptr_t i;
	int k = coverage_kind_index(r->kind);

	snprintf(key, sizeof(key), "%lld", (long long)r->app_id);
	if (k < 0 || !(i = (uintptr_t)strmap_get(&cv->by_id, key)))
		return 0;
	cv->apps[i - 1].cells[k].last_scan = r->last_scan;
	cv->apps[i - 1].cells[k].scans = r->scans;
	cv->apps[i - 1].cells[k].evidence = r->evidence;
	cv->apps[i - 1].cells[k].active = r->active_findings;
	return 0;
}

static void coverage_release(struct coverage *cv)
{
	xfree(cv->apps);
	strmap_release(&cv->by_id);
	arena_release(&cv->arena);
}

static int coverage_load(struct coverage *cv, struct store *s, struct perr *err)
{
	int ret;

	if ((ret = store_apps_each(s, NULL, false, coverage_app_row, cv, err)) < 0 ||
	    (ret = store_coverage_each(s, true, coverage_cell_row, cv, err)) < 0)
		return ret;
	coverage_flag(cv->apps, cv->n, &cv->opts, cv->medians);
	return 0;
}

/* One app's row of the coverage matrix (the whole matrix decides "silent"). */
static int show_coverage(struct store *s, int64_t now, int64_t app_id, struct coverage_cell *cells,
			 struct perr *err)
{
	struct coverage cv = { 0 };
	size_t i;
	int k, ret;

	arena_init(&cv.arena, 0);
	cv.opts.now = now;
	cv.opts.stale_days = 30;
	cv.opts.silent_min = 5;
	cv.opts.silent_apps = 3;
	for (k = 0; k < COVERAGE_KINDS; k++)
		cells[k].flags = COVERAGE_NEVER;
	ret = coverage_load(&cv, s, err);
	for (i = 0; !ret && i < cv.n; i++)
		if (cv.apps[i].id == app_id)
			memcpy(cells, cv.apps[i].cells, sizeof(cv.apps[i].cells));
	coverage_release(&cv);
	return ret;
}

static const char *cell_text(struct arena *a, const struct coverage_cell *c)
{
	char day[21];

	if (c->flags & COVERAGE_NEVER)
		return "never";
	ptime_format(day, c->last_scan);
	day[10] = '\0';
	return arena_printf(a, "%s%s%s", day, c->flags & COVERAGE_STALE ? " stale" : "",
			    c->flags & COVERAGE_SILENT ? " silent" : "");
}

static void flags_json(struct jw *w, unsigned flags)
{
	jw_key(w, "flags");
	jw_arr_open(w);
	if (flags & COVERAGE_NEVER)
		jw_str(w, "never");
	if (flags & COVERAGE_STALE)
		jw_str(w, "stale");
	if (flags & COVERAGE_SILENT)
		jw_str(w, "silent");
	jw_arr_close(w);
}

static void cell_json(struct jw *w, const struct coverage_cell *c)
{
	jw_obj_open(w);
	jw_ktime(w, "last_scan", c->last_scan);
	jw_kint(w, "scans", c->scans);
	jw_kint(w, "evidence", c->evidence);
	jw_kint(w, "open_findings", c->active);
	flags_json(w, c->flags);
	jw_obj_close(w);
}

static int inv_coverage(int argc, const char **argv, struct ctx *ctx)
{
	const char *format = "text";
	long stale_days = 30, silent_min = 5;
	const struct opt opts[] = {
		{ OPT_INT, 0, "stale-days", &stale_days, "N", "a last scan older than N days is stale (default 30)" },
		{ OPT_INT, 0, "silent-min", &silent_min, "M",
		  "flag a kind that never found anything on an app while the median app it scans has\n"
		  "                             at least M evidence (default 5; needs 3 other apps)" },
		{ OPT_STRING, 'f', "format", &format, "FMT", "text (default), json or csv" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture inventory coverage [--stale-days N] [--silent-min M] [--format text|json|csv]",
		"Apps x scanner kinds (sast, sca, secret, container, iac, dast, api, cloud):\n"
		"the last scan of each, and the gaps: never scanned, stale, and silent (a\n"
		"scanner that finds plenty on other apps never found anything on this one).",
	};
	struct coverage cv = { 0 };
	struct perr err = PERR_INIT;
	long counts[3] = { 0 };
	size_t i;
	int n, k, ret = EXIT_OK;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n)
		return usage_error("inventory coverage: unexpected argument '%s'", argv[0]);
	if (strcmp(format, "text") && strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "csv"))
		return usage_error("inventory coverage: --format must be text, json or csv, not '%s'", format);
	if (stale_days < 1 || silent_min < 1)
		return usage_error("inventory coverage: --stale-days and --silent-min must be at least 1");
	arena_init(&cv.arena, 0);
	cv.opts.now = ctx->now;
	cv.opts.stale_days = stale_days;
	cv.opts.silent_min = silent_min;
	cv.opts.silent_apps = 3;
	if (coverage_load(&cv, ctx->store, &err) < 0) {
		ret = perr_report(&err);
		goto done;
	}
	for (i = 0; i < cv.n; i++)
		for (k = 0; k < COVERAGE_KINDS; k++) {
			unsigned f = cv.apps[i].cells[k].flags;

			counts[0] += !!(f & COVERAGE_NEVER);
			counts[1] += !!(f & COVERAGE_STALE);
			counts[2] += !!(f & COVERAGE_SILENT);
		}
	if (!strcmp(format, "json")) {
		struct jw w;

		jw_init(&w, stdout, true);
		jw_obj_open(&w);
		jw_kint(&w, "stale_days", stale_days);
		jw_kint(&w, "silent_min", silent_min);
		jw_key(&w, "median_evidence");
		jw_obj_open(&w);
		for (k = 0; k < COVERAGE_KINDS; k++) {
			jw_key(&w, coverage_kinds[k]);
			if (cv.medians[k] < 0)
				jw_null(&w);
			else
				jw_num(&w, cv.medians[k], 6);
		}
		jw_obj_close(&w);
		jw_key(&w, "apps");
		jw_arr_open(&w);
		for (i = 0; i < cv.n; i++) {
			jw_obj_open(&w);
			jw_kstr(&w, "app", cv.apps[i].name);
			jw_kstr(&w, "team", cv.apps[i].team);
			jw_kstr(&w, "criticality", cv.apps[i].criticality);
			jw_key(&w, "kinds");
			jw_obj_open(&w);
			for (k = 0; k < COVERAGE_KINDS; k++) {
				jw_key(&w, coverage_kinds[k]);
				cell_json(&w, &cv.apps[i].cells[k]);
			}
			jw_obj_close(&w);
			jw_obj_close(&w);
		}
		jw_arr_close(&w);
		jw_kint(&w, "never", counts[0]);
		jw_kint(&w, "stale", counts[1]);
		jw_kint(&w, "silent", counts[2]);
		jw_obj_close(&w);
		jw_reset_line(&w);
		jw_release(&w);
	} else if (!strcmp(format, "csv")) {
		printf("app,team,kind,last_scan,scans,evidence,open_findings,flags\n");
		for (i = 0; i < cv.n; i++)
			for (k = 0; k < COVERAGE_KINDS; k++) {
				const struct coverage_cell *c = &cv.apps[i].cells[k];
				char when[21] = "";

				if (c->last_scan)
					ptime_format(when, c->last_scan);
				out_csv_field(stdout, cv.apps[i].name, false);
				out_csv_field(stdout, cv.apps[i].team, false);
				printf("%s,%s,%ld,%ld,%ld,%s%s%s\n", coverage_kinds[k], when, c->scans, c->evidence,
				       c->active, c->flags & COVERAGE_NEVER ? "never" : "",
				       c->flags & COVERAGE_STALE ? "stale" : "",
				       c->flags & COVERAGE_SILENT ? (c->flags & COVERAGE_STALE ? ";silent" : "silent") : "");
			}
	} else {
		printf("%-20s", "APP");
		for (k = 0; k < COVERAGE_KINDS; k++)
			printf(k + 1 < COVERAGE_KINDS ? "  %-17s" : "  %s\n", coverage_kinds[k]);
		for (i = 0; i < cv.n; i++) {
			printf("%-20s", cv.apps[i].name);
			for (k = 0; k < COVERAGE_KINDS; k++)
				printf(k + 1 < COVERAGE_KINDS ? "  %-17s" : "  %s\n",
				       cell_text(&cv.arena, &cv.apps[i].cells[k]));
		}
		printf("(%zu apps) %ld never scanned, %ld stale (older than %ld days), %ld silent "
		       "(never any evidence where the median app has %ld or more)\n", cv.n, counts[0], counts[1],
		       stale_days, counts[2], silent_min);
	}
done:
	coverage_release(&cv);
	return ret;
}

/* --- the verbs --- */

static const struct verb {
	const char *name;
	int (*fn)(int argc, const char **argv, struct ctx *ctx);
	int flags;
	const char *help;
} verbs[] = {
	{ "check", inv_check, CMD_NO_DB, "check posture.yaml without touching the database" },
	{ "load", inv_load, CMD_DB_RW | CMD_DB_CREATE, "make the database match posture.yaml" },
	{ "list", inv_list, CMD_DB_RO, "apps with owners and open findings" },
	{ "show", inv_show, CMD_DB_RO, "one app: components, lineage, findings" },
	{ "unowned", inv_unowned, CMD_DB_RO, "assets in findings that no app owns; apps with no team" },
	{ "codeowners", inv_codeowners, CMD_DB_RW, "import a repo's CODEOWNERS and recompute owners" },
	{ "coverage", inv_coverage, CMD_DB_RO, "apps x scanner kinds: last scans and gaps" },
};

static void verbs_usage(FILE *out)
{
	size_t i;

	fputs("usage: posture inventory VERB [ARGS...]\n\nverbs:\n", out);
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		fprintf(out, "  %-11s %s\n", verbs[i].name, verbs[i].help);
}

int cmd_inventory(int argc, const char **argv, struct ctx *ctx)
{
	const struct verb *v = NULL;
	struct perr err = PERR_INIT;
	bool wants_help = false;
	size_t i;
	int ret;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		verbs_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_INPUT : EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(verbs); i++)
		if (!strcmp(argv[1], verbs[i].name))
			v = &verbs[i];
	if (!v)
		return usage_error("inventory: '%s' is not a verb (see 'posture inventory --help')", argv[1]);
	for (i = 2; i < (size_t)argc; i++)
		wants_help |= !strcmp(argv[i], "--help") || !strcmp(argv[i], "-h");
	if ((v->flags & (CMD_DB_RO | CMD_DB_RW)) && !wants_help &&
	    store_open(&ctx->store, ctx->db_path,
		       (v->flags & CMD_DB_RW ? STORE_WRITE : 0) | (v->flags & CMD_DB_CREATE ? STORE_CREATE : 0),
		       &err) < 0)
		return perr_report(&err);
	ret = v->fn(argc - 1, argv + 1, ctx);
	/* main() closes the store it finds in ctx */
	return ret;
}
