/* Unit tests for src/inventory: asset idents, the posture.yaml loader, CODEOWNERS. */
#include "posture.h"
#include "inventory/asset.h"
#include "inventory/codeowners.h"
#include "inventory/coverage.h"
#include "inventory/inventory.h"

#include <setjmp.h>
#include <cmocka.h>

static void expect_ident(enum asset_kind k, const char *raw, const char *want)
{
	struct arena a = ARENA_INIT;
	const char *got = asset_ident(&a, k, raw);

	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
	arena_release(&a);
}

static void test_inventory__repo_idents(void **state)
{
	expect_ident(ASSET_REPO, "https://GitHub.com/Acme/Shop.git", "github.com/acme/shop");
	expect_ident(ASSET_REPO, "git@github.com:acme/shop.git", "github.com/acme/shop");
	expect_ident(ASSET_REPO, "ssh://git@gitlab.example.com/group/sub/shop/", "gitlab.example.com/group/sub/shop");
	expect_ident(ASSET_REPO, "https://token@github.com/acme/shop", "github.com/acme/shop");
	expect_ident(ASSET_REPO, "acme/shop", "acme/shop");
	expect_ident(ASSET_REPO, "  ", NULL);
	expect_ident(ASSET_REPO, "a\tb\x01", NULL);
	assert_string_equal(asset_repo_path("github.com/acme/shop"), "acme/shop");
	assert_null(asset_repo_path("acme/shop"));
}

static void test_inventory__image_idents(void **state)
{
	struct arena a = ARENA_INIT;

	expect_ident(ASSET_IMAGE, "alpine:3.19", "docker.io/library/alpine");
	expect_ident(ASSET_IMAGE, "bitnami/redis", "docker.io/bitnami/redis");
	expect_ident(ASSET_IMAGE, "registry.acme.io:5000/payments/checkout:1.4.2",
		     "registry.acme.io:5000/payments/checkout");
	expect_ident(ASSET_IMAGE, "Registry.Acme.io/x@sha256:abcd", "registry.acme.io/x");
	expect_ident(ASSET_IMAGE, "index.docker.io/library/nginx:1.25", "docker.io/library/nginx");
	expect_ident(ASSET_IMAGE, "localhost/dev/app", "localhost/dev/app");
	assert_string_equal(asset_image_digest(&a, "x/y@sha256:0123"), "sha256:0123");
	assert_null(asset_image_digest(&a, "x/y:1.0"));
	arena_release(&a);
}

static void test_inventory__url_keys(void **state)
{
	struct arena a = ARENA_INIT;
	char *key;

	expect_ident(ASSET_URL, "HTTPS://Shop.Example.com:443/api/?q=1#x", "https://shop.example.com/api");
	expect_ident(ASSET_URL, "http://shop.example.com:80", "http://shop.example.com");
	expect_ident(ASSET_URL, "shop.example.com:8443/v1", "https://shop.example.com:8443/v1");
	expect_ident(ASSET_URL, "https://user:pw@shop.example.com/", "https://shop.example.com");
	key = (char *)asset_url_key(&a, "https://shop.example.com/api/v1");
	assert_string_equal(key, "url:shop.example.com/api/v1");
	assert_true(asset_url_key_parent(key));
	assert_string_equal(key, "url:shop.example.com/api");
	assert_true(asset_url_key_parent(key));
	assert_string_equal(key, "url:shop.example.com");
	assert_false(asset_url_key_parent(key));
	assert_string_equal(asset_key(&a, ASSET_API, "https://h/x"), "url:h/x");
	assert_string_equal(asset_key(&a, ASSET_CLOUD, "arn:aws:s3:::b"), "cloud:arn:aws:s3:::b");
	assert_string_equal(asset_arn_account(&a, "arn:aws:iam::123456789012:role/x"), "123456789012");
	assert_null(asset_arn_account(&a, "arn:aws:s3:::bucket"));
	assert_null(asset_arn_account(&a, "i-0abc"));
	expect_ident(ASSET_PACKAGE, "pkg:npm/%40acme/ui@1.2.3?x=1", "pkg:npm/%40acme/ui");
	expect_ident(ASSET_PACKAGE, "lodash", NULL);
	arena_release(&a);
}

static const char good_yaml[] =
	"units: [{name: payments}]\n"
	"teams:\n"
	"  - name: checkout-team\n"
	"    unit: payments\n"
	"    github_team: \"@Acme/Checkout\"\n"
	"    members: [\"@Mara\", Jo@Acme.io]\n"
	"    tickets: {github: acme/issues}\n"
	"apps:\n"
	"  - name: checkout\n"
	"    team: checkout-team\n"
	"    data_sensitivity: pci\n"
	"    components:\n"
	"      repos:\n"
	"        - url: git@github.com:acme/checkout.git\n"
	"          codeowners: owners/checkout\n"
	"          builds: [\"registry.acme.io/checkout:1.0\"]\n"
	"      images:\n"
	"        - name: checkout\n"
	"          registry: registry.acme.io\n"
	"          runs_as: [web]\n"
	"      services:\n"
	"        - name: web\n"
	"          environment: prod\n"
	"          served_at: [\"https://api.acme.io/checkout\", public]\n"
	"      apis:\n"
	"        - name: public\n"
	"          base_urls: [\"https://api.acme.io/checkout/v2/\"]\n"
	"      urls: [\"https://api.acme.io/checkout\"]\n"
	"      cloud:\n"
	"        - {account: \"1234\"}\n"
	"        - {id: \"arn:aws:s3:::a\", ids: [\"arn:aws:s3:::b\"], account: \"1234\"}\n";

static void test_inventory__loads_a_model(void **state)
{
	struct inventory inv;
	struct perr err = PERR_INIT;
	const struct inv_component *c;

	inventory_init(&inv);
	assert_int_equal(inventory_parse(&inv, good_yaml, strlen(good_yaml), "conf/posture.yaml", &err), 0);
	assert_int_equal(inv.nunits, 1);
	assert_int_equal(inv.nteams, 1);
	assert_string_equal(inv.teams[0].github_team, "acme/checkout");
	assert_string_equal(inv.teams[0].members.v[0], "@mara");
	assert_string_equal(inv.teams[0].members.v[1], "jo@acme.io");
	assert_string_equal(inv.teams[0].ticket_system, "github");
	assert_int_equal(inv.apps[0].data_sensitivity.n, 1);
	assert_int_equal(inv.ncomponents, 7);
	c = &inv.components[0];
	assert_string_equal(c->ident, "github.com/acme/checkout");
	assert_string_equal(c->codeowners_path, "conf/owners/checkout");
	assert_string_equal(c->keys.v[0], "repo:github.com/acme/checkout");
	assert_string_equal(c->alias_keys.v[0], "repo:acme/checkout");
	assert_string_equal(inv.components[1].ident, "registry.acme.io/checkout");
	assert_string_equal(inv.components[2].ident, "web@prod");
	/* a url then an api under it: distinct keys */
	assert_string_equal(inv.components[3].ident, "https://api.acme.io/checkout");
	assert_string_equal(inv.components[4].ident, "public");
	assert_string_equal(inv.components[4].keys.v[1], "url:api.acme.io/checkout/v2");
	assert_string_equal(inv.components[5].ident, "account:1234");
	assert_string_equal(inv.components[6].ident, "arn:aws:s3:::a");
	assert_int_equal(inv.components[6].ids.n, 2);
	/* the account is a weak key: the first holder keeps it */
	assert_int_equal(inv.components[6].alias_keys.n, 0);
	assert_int_equal(inv.nlinks, 4);
	assert_int_equal(inv.links[0].relation, INV_BUILDS);
	assert_int_equal(inv.links[2].to, 3);
	assert_int_equal(inv.links[3].to, 4);
	inventory_release(&inv);
}

static void expect_error(const char *yaml, const char *msg)
{
	struct inventory inv;
	struct perr err = PERR_INIT;

	inventory_init(&inv);
	assert_int_not_equal(inventory_parse(&inv, yaml, strlen(yaml), "p.yaml", &err), 0);
	assert_string_equal(err.msg, msg);
	inventory_release(&inv);
}

static void test_inventory__errors_name_the_place(void **state)
{
	expect_error("", "p.yaml: no YAML document (an inventory has 'units', 'teams' and 'apps')");
	expect_error("apps: [{name: a}, {name: a}]", "p.yaml:1:26: app 'a' is declared twice (first at line 1)");
	expect_error("apps: [{name: a, components: {images: [{name: x, digests: [sha1:00]}]}}]",
		     "p.yaml:1:59: 'sha1:00' is not an image digest (sha256: and 64 hex digits)");
	expect_error("apps:\n  - {name: a, components: {services: [{name: s, environment: p},"
		     " {name: s, environment: q}], images: [{name: i, runs_as: [s]}]}}",
		     "p.yaml:2:123: service 's' is declared in several environments: write NAME@ENVIRONMENT");
	expect_error("apps: [{name: \"a\\0b\"}]", "p.yaml:1:15: 'name' holds a control character");
	expect_error("version: 2", "p.yaml:1:10: version '2' is not supported (this posture reads version 1)");
	expect_error("apps: [{name: a, components: {apis: [x]}}]",
		     "p.yaml:1:38: api is a scalar, not a mapping");
	expect_error("teams: [{name: t, members: [bob]}]",
		     "p.yaml:1:29: 'bob' in 'members' is not a GitHub login (@name) or an email address");
	expect_error("apps: [{name: a, components: {cloud: [{provider: aws}]}}]",
		     "p.yaml:1:39: a cloud resource needs 'id', 'ids' or 'account'");
}

static void test_inventory__aliases_are_bounded(void **state)
{
	/* a "billion laughs" file: each level fans out ten times */
	static const char bomb[] =
		"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"apps: [{name: x, environments: *c}]\n";
	struct inventory inv;
	struct perr err = PERR_INIT;

	inventory_init(&inv);
	assert_int_equal(inventory_parse(&inv, bomb, strlen(bomb), "p.yaml", &err), P_EINVALID);
	inventory_release(&inv);
	/* a cycle through an alias is a wrong type, not a loop */
	expect_error("apps: &x [*x]", "p.yaml:1:7: app is a list, not a mapping");
}

static bool owns(const char *file, const char *path, const char *owner)
{
	struct codeowners co;
	struct perr err = PERR_INIT;
	const struct codeowners_rule *r;
	bool ok;

	codeowners_init(&co);
	assert_int_equal(codeowners_parse(&co, file, strlen(file), &err), 0);
	r = codeowners_match(&co, path);
	if (!owner)
		ok = !r || !r->nowners;
	else
		ok = r && r->nowners && !strcmp(r->owners[0], owner);
	codeowners_release(&co);
	return ok;
}

/* The examples of GitHub's "About code owners" page, one by one. */
static void test_inventory__codeowners_github_examples(void **state)
{
	static const char f[] =
		"# comment\n"
		"*       @global-owner1 @global-owner2\n"
		"*.js    @js-owner #This is an inline comment.\n"
		"*.go docs@example.com\n"
		"*.txt @octo-org/octocats\n"
		"/build/logs/ @doctocat\n"
		"docs/*  docs@example.com\n"
		"apps/ @octocat\n"
		"/docs/ @doctocat\n"
		"/scripts/ @doctocat @octocat\n"
		"**/logs @octocat\n"
		"/apps/ @octocat\n"
		"/apps/github\n"
		"/apps/ @octocat\n"
		"/apps/github @doctocat\n";

	assert_true(owns(f, "README.md", "@global-owner1"));
	assert_true(owns(f, "src/index.js", "@js-owner"));
	assert_true(owns(f, "main.go", "docs@example.com"));
	assert_true(owns(f, "notes/a.txt", "@octo-org/octocats"));
	assert_true(owns(f, "build/logs/today/x.log", "@octocat")); /* the logs line comes later */
	assert_true(owns(f, "scripts/deploy.sh", "@doctocat"));
	assert_true(owns(f, "deeply/nested/logs/x", "@octocat"));
	assert_true(owns(f, "apps/github/x.rb", "@doctocat"));
	assert_true(owns(f, "apps/web/x.rb", "@octocat"));
	assert_true(owns(f, "src/apps/x.rb", "@octocat"));
	/* "docs/" + "*" owns direct files only */
	assert_true(owns("docs/* @a\n", "docs/getting-started.md", "@a"));
	assert_true(owns("docs/* @a\n", "docs/build-app/troubleshooting.md", NULL));
	assert_true(owns("* @a\n/apps/ @b\n/apps/github\n", "apps/github/x", NULL));
	assert_true(owns("* @a\n/apps/ @b\n/apps/github\n", "apps/other/x", "@b"));
}

static void test_inventory__codeowners_patterns(void **state)
{
	assert_true(owns("/a/**/b @x\n", "a/b", "@x"));
	assert_true(owns("/a/**/b @x\n", "a/x/y/b/c.txt", "@x"));
	assert_true(owns("/a/**/b @x\n", "c/a/b", NULL));
	assert_true(owns("abc/** @x\n", "abc/d/e", "@x"));
	assert_true(owns("abc/** @x\n", "abc", NULL));
	assert_true(owns("foo?.c @x\n", "src/foo1.c", "@x"));
	assert_true(owns("foo?.c @x\n", "src/foo/.c", NULL));
	assert_true(owns("\\#notes @x\n", "#notes", "@x"));
	assert_true(owns("*.md @X/Docs\n", "./README.md", "@x/docs"));
	assert_true(owns("/Dockerfile @x\n", "sub/Dockerfile", NULL));
	assert_true(owns("Dockerfile @x\n", "sub/Dockerfile", "@x"));
	assert_true(owns("src/ @x\n", "src", NULL)); /* a directory pattern needs something below */
	assert_true(owns("lib @x\n", "lib/a/b.c", "@x"));
	assert_true(owns("lib @x\n", "pkg/lib/a.c", "@x"));
	assert_true(owns("*.[ch] @x\n", "a.c", NULL)); /* GitHub has no ranges */
	/* no backtracking blow-up */
	assert_true(owns("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b @x\n",
			 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL));
}

static void test_inventory__codeowners_warnings(void **state)
{
	static const char f[] =
		"\xef\xbb\xbf* @ok\r\n"
		"!/gen @x\n"
		"/legacy/ payouts-team\n"
		"/x/ @a/b/c\n"
		"/y/ @good bad@@mail\n";
	struct codeowners co;
	struct perr err = PERR_INIT;

	codeowners_init(&co);
	assert_int_equal(codeowners_parse(&co, f, strlen(f), &err), 0);
	assert_int_equal(co.nrules, 1);
	assert_string_equal(co.rules[0].pattern, "*");
	assert_string_equal(co.rules[0].owners[0], "@ok");
	assert_int_equal(co.nwarnings, 4);
	assert_int_equal(co.warnings[0].line, 2);
	assert_string_equal(co.warnings[1].msg,
			    "'payouts-team' is not an owner (@login, @org/team or an email); line skipped");
	codeowners_release(&co);
}

static void test_inventory__coverage_flags(void **state)
{
	struct coverage_app apps[5];
	struct coverage_opts o = { .now = 100 * 86400, .stale_days = 30, .silent_min = 5, .silent_apps = 3 };
	double med[COVERAGE_KINDS];
	const long sast[] = { 0, 4, 9, 12, 0 };
	size_t i;

	memset(apps, 0, sizeof(apps));
	for (i = 0; i < 4; i++) {
		apps[i].cells[0].last_scan = 90 * 86400;
		apps[i].cells[0].evidence = sast[i];
	}
	apps[1].cells[0].last_scan = 10 * 86400;   /* 90 days old */
	apps[4].cells[5].last_scan = 99 * 86400;   /* dast on one app only, nothing found */
	coverage_flag(apps, 5, &o, med);
	/* sast evidence 0, 4, 9, 12: median 6.5; the others of app 0 have 9 */
	assert_true(med[0] > 6.4 && med[0] < 6.6);
	assert_int_equal(apps[0].cells[0].flags, COVERAGE_SILENT);
	assert_int_equal(apps[1].cells[0].flags, COVERAGE_STALE);
	assert_int_equal(apps[2].cells[0].flags, 0);
	assert_int_equal(apps[4].cells[0].flags, COVERAGE_NEVER);
	/* one app scanned by dast is not enough to call its silence suspicious */
	assert_int_equal(apps[4].cells[5].flags, 0);
	assert_true(med[1] < 0);
	o.silent_min = 10;
	coverage_flag(apps, 5, &o, med);
	assert_int_equal(apps[0].cells[0].flags, 0);
	assert_int_equal(coverage_kind_index("dast"), 5);
	assert_int_equal(coverage_kind_index("runtime"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inventory__repo_idents),
		cmocka_unit_test(test_inventory__image_idents),
		cmocka_unit_test(test_inventory__url_keys),
		cmocka_unit_test(test_inventory__loads_a_model),
		cmocka_unit_test(test_inventory__errors_name_the_place),
		cmocka_unit_test(test_inventory__aliases_are_bounded),
		cmocka_unit_test(test_inventory__codeowners_github_examples),
		cmocka_unit_test(test_inventory__codeowners_patterns),
		cmocka_unit_test(test_inventory__codeowners_warnings),
		cmocka_unit_test(test_inventory__coverage_flags),
	};

	return cmocka_run_group_tests_name("inventory", tests, NULL, NULL);
}
