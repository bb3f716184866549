/*
 * Evidence -> (component, app), cached per ingest. The rules, in order:
 *  1. an asset the evidence names (image digest, image, URL, cloud id)
 *     that belongs to an app;
 *  2. the scan's app: the app of --component, else --app, else
 *     "unassigned" — but while it is "unassigned", a declared package
 *     (purl) that belongs to an app wins.
 * An asset the inventory does not know becomes a discovered component
 * (attached to the scan's app unless that is "unassigned").
 */
#include "posture.h"
#include "inventory/asset.h"
#include "inventory/reconcile.h"
#include "inventory/resolve.h"
#include "model/fingerprint.h"
#include "util/alloc.h"

#include <ctype.h>

struct resolver {
	struct store *s;
	int64_t now;
	struct arena arena;
	int64_t scan_app, scan_component;
	const char *scan_app_name;
	bool scan_app_default;      /* "unassigned": nobody said whose it is */
	int64_t discover_app;       /* what unknown assets are attached to (0: none) */
	bool attached;              /* an asset got its app here: re-home older findings */
	struct strmap keys;         /* match key -> struct store_placement *, or &keys: no match */
	struct strmap assets;       /* "kind\n" raw identifier -> struct store_placement * */
	struct strmap tally;        /* "app/component/kind" -> long * (evidence per kind) */
	const char **tally_keys;
	size_t ntally, tally_alloc;
};

static const struct {
	const char *prefix;
	const char *kind;
} tool_kinds[] = {
	/* longer names first where one prefixes another */
	{ "semgrep supply chain", "sca" }, { "semgrep secrets", "secret" }, { "semgrep", "sast" },
	{ "codeql", "sast" }, { "bandit", "sast" }, { "gosec", "sast" }, { "eslint", "sast" },
	{ "shellcheck", "sast" }, { "flawfinder", "sast" }, { "cppcheck", "sast" }, { "pmd", "sast" },
	{ "spotbugs", "sast" }, { "sonar", "sast" }, { "brakeman", "sast" }, { "njsscan", "sast" },
	{ "npm audit", "sca" }, { "npm-audit", "sca" }, { "yarn", "sca" }, { "pnpm", "sca" },
	{ "pip-audit", "sca" }, { "snyk", "sca" }, { "osv-scanner", "sca" }, { "dependency-check", "sca" },
	{ "govulncheck", "sca" }, { "bundler-audit", "sca" }, { "cargo-audit", "sca" },
	{ "retire", "sca" }, { "cyclonedx", "sca" },
	{ "trivy", "container" }, { "grype", "container" }, { "clair", "container" },
	{ "anchore", "container" }, { "docker scout", "container" },
	{ "gitleaks", "secret" }, { "trufflehog", "secret" }, { "detect-secrets", "secret" },
	{ "ggshield", "secret" },
	{ "checkov", "iac" }, { "tfsec", "iac" }, { "kics", "iac" }, { "terrascan", "iac" },
	{ "hadolint", "iac" }, { "kubescape", "iac" }, { "kube-linter", "iac" }, { "cfn", "iac" },
	{ "owasp zap", "dast" }, { "zap", "dast" }, { "burp", "dast" }, { "nuclei", "dast" },
	{ "nikto", "dast" }, { "wapiti", "dast" }, { "arachni", "dast" }, { "sslscan", "dast" },
	{ "testssl", "dast" }, { "nmap", "dast" },
	{ "42crunch", "api" }, { "schemathesis", "api" }, { "restler", "api" },
	{ "prowler", "cloud" }, { "scoutsuite", "cloud" }, { "steampipe", "cloud" },
	{ "cloudsploit", "cloud" }, { "security hub", "cloud" },
};

const char *resolver_tool_kind(const char *tool)
{
	size_t i, n;

	if (!tool)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(tool_kinds); i++) {
		n = strlen(tool_kinds[i].prefix);
		if (!strncasecmp(tool, tool_kinds[i].prefix, n) &&
		    (!tool[n] || tool[n] == ' ' || tool[n] == '-' || tool[n] == '_' || tool[n] == '.'))
			return tool_kinds[i].kind;
	}
	return NULL;
}

/* A cached key lookup: NULL when nothing matches. */
static int lookup(struct resolver *r, const char *key, const struct store_placement **out,
		  struct perr *err)
{
	void *hit = strmap_get(&r->keys, key);
	struct store_placement *p;
	int ret;

	if (hit) {
		*out = hit == (void *)&r->keys ? NULL : hit;
		return 0;
	}
	p = arena_alloc(&r->arena, sizeof(*p));
	ret = store_key_lookup(r->s, key, p, err);
	if (ret < 0 && ret != P_ENOTFOUND)
		return ret;
	*out = ret ? NULL : p;
	strmap_put(&r->keys, arena_strdup(&r->arena, key), ret ? (void *)&r->keys : p);
	return 0;
}

static int discover(struct resolver *r, enum asset_kind kind, const char *ident, const char *key,
		    const struct store_placement **out, struct perr *err)
{
	struct store_placement *p = arena_alloc(&r->arena, sizeof(*p));
	int ret;

	if ((ret = store_component_discover(r->s, asset_kind_name(kind), ident, key, r->discover_app,
					    r->now, p, err)) < 0)
		return ret;
	strmap_put(&r->keys, arena_strdup(&r->arena, key), p);
	*out = p;
	return 0;
}

/*
 * An asset that is known but belongs to no app, seen by a scan whose app
 * is known: it is that app's now.
 */
static int attach(struct resolver *r, enum asset_kind kind, const char *ident, const char *key,
		  const struct store_placement **p, struct perr *err)
{
	if ((*p)->app_id || !r->discover_app)
		return 0;
	r->attached = true;
	return discover(r, kind, ident, key, p, err);
}

static int image_asset(struct resolver *r, const struct evidence *ev,
		       const struct store_placement **out, struct perr *err)
{
	struct arena *a = &r->arena;
	const char *digest = asset_image_digest(a, ev->loc.image), *ident, *key;
	int ret;

	if (!digest)
		digest = kvlist_get(&ev->properties, "image_digest");
	if (digest && (ret = lookup(r, arena_printf(a, "digest:%s", digest), out, err)) < 0)
		return ret;
	if (digest && *out && (*out)->app_id)
		return 0;
	/* a digest alone names no image that could be recorded */
	if (!ev->loc.image || !(ident = asset_ident(a, ASSET_IMAGE, ev->loc.image)))
		return 0;
	key = asset_key(a, ASSET_IMAGE, ident);
	if ((ret = lookup(r, key, out, err)) < 0)
		return ret;
	if (!*out)
		return discover(r, ASSET_IMAGE, ident, key, out, err);
	return attach(r, ASSET_IMAGE, ident, key, out, err);
}

static int url_asset(struct resolver *r, const struct evidence *ev,
		     const struct store_placement **out, struct perr *err)
{
	struct arena *a = &r->arena;
	const char *ident = asset_ident(a, ASSET_URL, ev->loc.url), *origin, *slash;
	char *key;
	int ret;

	if (!ident)
		return 0;
	key = (char *)asset_url_key(a, ident);
	do {
		if ((ret = lookup(r, key, out, err)) < 0)
			return ret;
		if (*out)
			break;
	} while (asset_url_key_parent(key));
	/* what is recorded for an unknown site is its origin */
	slash = strchr(strstr(ident, "://") + 3, '/');
	origin = slash ? arena_strndup(a, ident, (size_t)(slash - ident)) : ident;
	key = (char *)asset_url_key(a, origin);
	if (!*out)
		return discover(r, ASSET_URL, origin, key, out, err);
	/* only discovered origins belong to no app */
	return attach(r, ASSET_URL, origin, key, out, err);
}

static int cloud_asset(struct resolver *r, const struct evidence *ev,
		       const struct store_placement **out, struct perr *err)
{
	struct arena *a = &r->arena;
	const char *ident = asset_ident(a, ASSET_CLOUD, ev->loc.resource), *key, *account;
	int ret;

	if (!ident)
		return 0;
	key = asset_key(a, ASSET_CLOUD, ident);
	if ((ret = lookup(r, key, out, err)) < 0)
		return ret;
	if (*out && (*out)->app_id)
		return 0;
	if ((account = asset_arn_account(a, ident))) {
		const struct store_placement *acct;

		if ((ret = lookup(r, arena_printf(a, "account:%s", account), &acct, err)) < 0)
			return ret;
		if (acct && acct->app_id) {
			*out = acct;
			return 0;
		}
	}
	if (!*out)
		return discover(r, ASSET_CLOUD, ident, key, out, err);
	return attach(r, ASSET_CLOUD, ident, key, out, err);
}

/* The asset an evidence names, resolved once per distinct identifier. */
static int evidence_asset(struct resolver *r, const struct evidence *ev,
			  const struct store_placement **out, struct perr *err)
{
	const char *tag, *raw;
	char *ck;
	void *hit;
	int ret;

	*out = NULL;
	if (ev->loc.image || kvlist_get(&ev->properties, "image_digest")) {
		const char *d = kvlist_get(&ev->properties, "image_digest");

		tag = "i";
		raw = arena_printf(&r->arena, "%s\n%s", ev->loc.image ? ev->loc.image : "", d ? d : "");
	} else if (ev->loc.url) {
		tag = "u";
		raw = ev->loc.url;
	} else if (ev->loc.resource) {
		tag = "c";
		raw = ev->loc.resource;
	} else {
		return 0;
	}
	ck = arena_printf(&r->arena, "%s\n%s", tag, raw);
	if ((hit = strmap_get(&r->assets, ck))) {
		*out = hit == (void *)&r->assets ? NULL : hit;
		return 0;
	}
	ret = tag[0] == 'i' ? image_asset(r, ev, out, err) :
	      ev->loc.url ? url_asset(r, ev, out, err) : cloud_asset(r, ev, out, err);
	if (ret < 0)
		return ret;
	strmap_put(&r->assets, ck, *out ? (void *)*out : (void *)&r->assets);
	return 0;
}

static int tally(struct resolver *r, const struct placement *pl, const char *kind)
{
	char key[96];
	long *n;

	snprintf(key, sizeof(key), "%lld/%lld/%s", (long long)pl->app_id, (long long)pl->component_id,
		 kind);
	if (!(n = strmap_get(&r->tally, key))) {
		const char *k = arena_strdup(&r->arena, key);

		n = arena_zalloc(&r->arena, sizeof(*n));
		strmap_put(&r->tally, k, n);
		ALLOC_GROW(r->tally_keys, r->ntally + 1, r->tally_alloc);
		r->tally_keys[r->ntally++] = k;
	}
	(*n)++;
	return 0;
}

int resolver_place(struct resolver *r, const struct evidence *ev, struct placement *out,
		   struct perr *err)
{
	const struct store_placement *asset, *pkg;
	char base[ASSET_MAX + 16];
	int ret;

	out->app_id = r->scan_app;
	out->component_id = r->scan_component;
	if ((ret = evidence_asset(r, ev, &asset, err)) < 0)
		return ret;
	if (asset && asset->app_id) {
		out->app_id = asset->app_id;
		out->component_id = asset->component_id;
	} else if (asset) {
		out->component_id = asset->component_id;
	} else if (r->scan_app_default && ev->loc.purl && !strncmp(ev->loc.purl, "pkg:", 4)) {
		snprintf(base, sizeof(base), "package:");
		fingerprint_purl_base(base + 8, sizeof(base) - 8, ev->loc.purl);
		if ((ret = lookup(r, base, &pkg, err)) < 0)
			return ret;
		if (pkg && pkg->app_id) {
			out->app_id = pkg->app_id;
			out->component_id = pkg->component_id;
		}
	}
	return tally(r, out, kind_name(ev->kind));
}

/* Split "KIND:ID" and find or record the component it names. */
static int scan_component(struct resolver *r, const char *spec, const struct store_placement **out,
			  enum asset_kind *kind_out, const char **ident_out, const char **key_out,
			  struct perr *err)
{
	struct arena *a = &r->arena;
	const char *colon = strchr(spec, ':'), *ident, *digest;
	enum asset_kind kind;
	char *key;
	int ret;

	*out = NULL;
	if (!colon || colon == spec || !colon[1] ||
	    asset_kind_parse(&kind, arena_strndup(a, spec, (size_t)(colon - spec))) < 0)
		return perr_set(err, P_EINVALID, "--component '%s' is not KIND:ID (kinds: repo, image, service, "
				"url, api, package, cloud)", spec);
	ident = asset_ident(a, kind == ASSET_API && !strstr(colon + 1, "://") ? ASSET_SERVICE : kind, colon + 1);
	if (!ident)
		return perr_set(err, P_EINVALID, "--component '%s': '%s' is not a valid %s", spec, colon + 1,
				asset_kind_name(kind));
	*kind_out = kind;
	*ident_out = ident;
	*key_out = key = (char *)asset_key(a, kind, ident);
	if (kind == ASSET_IMAGE && (digest = asset_image_digest(a, colon + 1))) {
		if ((ret = lookup(r, arena_printf(a, "digest:%s", digest), out, err)) < 0)
			return ret;
		if (*out)
			return 0;
	}
	if (!strncmp(key, "url:", 4)) {
		do {
			if ((ret = lookup(r, key, out, err)) < 0)
				return ret;
		} while (!*out && asset_url_key_parent(key));
		*key_out = asset_key(a, kind, ident);
		return 0;
	}
	return lookup(r, key, out, err);
}

int resolver_open(struct resolver **out, struct store *s, const char *app, const char *component,
		  int64_t now, struct perr *err)
{
	struct resolver *r = xcalloc(1, sizeof(*r));
	const struct store_placement *comp = NULL;
	enum asset_kind kind = ASSET_REPO;
	const char *ident = NULL, *key = NULL;
	int ret;

	*out = NULL;
	r->s = s;
	r->now = now;
	arena_init(&r->arena, 0);
	if (component && (ret = scan_component(r, component, &comp, &kind, &ident, &key, err)) < 0)
		goto fail;
	if (comp && comp->app_id) {
		r->scan_app = comp->app_id;
		if ((ret = store_app_name(s, r->scan_app, &r->arena, &r->scan_app_name, err)) < 0)
			goto fail;
		if (app && strcmp(app, r->scan_app_name))
			pwarn("--app '%s' ignored: '%s' belongs to app '%s' in the inventory", app, component,
			      r->scan_app_name);
	} else {
		r->scan_app_name = arena_strdup(&r->arena, app ? app : RESOLVER_DEFAULT_APP);
		r->scan_app_default = !app || !strcmp(app, RESOLVER_DEFAULT_APP);
		if ((ret = store_app_ensure(s, r->scan_app_name, now, &r->scan_app, err)) < 0)
			goto fail;
	}
	r->discover_app = r->scan_app_default ? 0 : r->scan_app;
	if (component) {
		if (!comp)
			ret = discover(r, kind, ident, key, &comp, err);
		else
			ret = attach(r, kind, ident, key, &comp, err);
		if (ret < 0)
			goto fail;
		r->scan_component = comp->component_id;
	}
	*out = r;
	return 0;
fail:
	resolver_free(r);
	return ret;
}

void resolver_scan(const struct resolver *r, int64_t *app_id, int64_t *component_id,
		   const char **app_name)
{
	*app_id = r->scan_app;
	*component_id = r->scan_component;
	*app_name = r->scan_app_name;
}

int resolver_finish(struct resolver *r, int64_t scan_id, const char *format,
		    const struct strmap *tools, const int64_t *created, size_t ncreated,
		    struct perr *err)
{
	size_t i;
	int ret;

	for (i = 0; i < r->ntally; i++) {
		const char *k = r->tally_keys[i];
		long long app, comp;
		char kind[32];

		if (sscanf(k, "%lld/%lld/%31s", &app, &comp, kind) != 3)
			continue;
		if ((ret = store_scan_kind_add(r->s, scan_id, app, comp, kind,
					       *(long *)strmap_get(&r->tally, k), err)) < 0)
			return ret;
	}
	/* no evidence at all: the scan still covered its own asset for what its tools look for */
	if (!r->ntally) {
		const char *kind = NULL;

		for (i = 0; tools && i < tools->size; i++) {
			if (!tools->table[i].key || !(kind = resolver_tool_kind(tools->table[i].key)))
				continue;
			if ((ret = store_scan_kind_add(r->s, scan_id, r->scan_app, r->scan_component, kind, 0,
						       err)) < 0)
				return ret;
		}
		if (!kind && (kind = resolver_tool_kind(format)) &&
		    (ret = store_scan_kind_add(r->s, scan_id, r->scan_app, r->scan_component, kind, 0, err)) < 0)
			return ret;
	}
	if (r->attached) {
		struct inv_report rep;

		inventory_report_init(&rep);
		ret = inventory_rehome(r->s, r->now, &rep, err);
		inventory_report_release(&rep);
		if (ret < 0)
			return ret;
	}
	return ncreated ? inventory_assign_owners(r->s, created, ncreated, 0, r->now, NULL, err) : 0;
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	strmap_release(&r->keys);
	strmap_release(&r->assets);
	strmap_release(&r->tally);
	xfree(r->tally_keys);
	arena_release(&r->arena);
	xfree(r);
}
