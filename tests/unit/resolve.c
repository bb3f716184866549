/*
 * Unit tests for evidence placement (src/inventory/resolve.c) on a real
 * store: grype/trivy-like image evidence and cloud evidence, which no
 * parser in this tree emits yet, built directly as struct evidence.
 */
#include "posture.h"
#include "inventory/reconcile.h"
#include "inventory/resolve.h"
#include "store/store.h"

#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>

static const char inventory_yaml[] =
	"teams: [{name: pay}, {name: infra}]\n"
	"apps:\n"
	"  - name: payouts\n"
	"    team: pay\n"
	"    components:\n"
	"      images:\n"
	"        - name: payments/payouts\n"
	"          registry: registry.acme.io\n"
	"          digests: [\"sha256:c902f453f9a431db2e340826654234b10d0c34260118cfe285172ec00fff82c8\"]\n"
	"      cloud:\n"
	"        - provider: aws\n"
	"          account: \"111122223333\"\n"
	"          ids: [\"arn:aws:s3:::acme-payouts-exports\", \"arn:aws:sqs:eu-west-1:111122223333:payouts\"]\n"
	"  - name: k8s-platform\n"
	"    team: infra\n"
	"    components:\n"
	"      cloud: [{provider: aws, account: \"444455556666\"}]\n"
	"      images: [\"docker.io/library/nginx\"]\n";

struct fixture {
	char path[64];
	struct store *s;
	struct resolver *r;
	struct arena arena;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct inventory inv;
	struct inv_report rep;
	struct perr err = PERR_INIT;
	int fd;

	snprintf(f->path, sizeof(f->path), "/tmp/posture-resolve-XXXXXX");
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	close(fd);
	unlink(f->path);
	arena_init(&f->arena, 0);
	assert_int_equal(store_open(&f->s, f->path, STORE_WRITE | STORE_CREATE, &err), 0);
	inventory_init(&inv);
	inventory_report_init(&rep);
	assert_int_equal(inventory_parse(&inv, inventory_yaml, strlen(inventory_yaml), "p.yaml", &err), 0);
	assert_int_equal(store_begin(f->s, &err), 0);
	assert_int_equal(inventory_reconcile(f->s, &inv, "0", NULL, NULL, 1000, &rep, &err), 0);
	assert_int_equal(resolver_open(&f->r, f->s, NULL, NULL, 1000, &err), 0);
	inventory_report_release(&rep);
	inventory_release(&inv);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char wal[80];

	resolver_free(f->r);
	store_rollback(f->s);
	store_close(f->s, NULL);
	arena_release(&f->arena);
	unlink(f->path);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", f->path);
	unlink(wal);
	free(f);
	return 0;
}

/* The app an evidence lands in, by name. */
static const char *place(struct fixture *f, const struct evidence *ev, int64_t *component)
{
	struct placement pl;
	struct perr err = PERR_INIT;
	const char *name = NULL;

	assert_int_equal(resolver_place(f->r, ev, &pl, &err), 0);
	assert_int_equal(store_app_name(f->s, pl.app_id, &f->arena, &name, &err), 0);
	if (component)
		*component = pl.component_id;
	return name;
}

static void test_resolve__grype_and_trivy_images(void **state)
{
	struct fixture *f = *state;
	struct evidence ev;
	int64_t c1, c2, c3;

	/* grype: the image as scanned, with its tag */
	evidence_init(&ev);
	ev.kind = KIND_CONTAINER;
	ev.loc.image = "registry.acme.io/payments/payouts:2.3.1";
	ev.loc.purl = "pkg:deb/debian/libssl3@3.0.13-1~deb12u1";
	assert_string_equal(place(f, &ev, &c1), "payouts");
	/* trivy: another tag, with the digest in the reference */
	ev.loc.image = "registry.acme.io/payments/payouts@sha256:"
		       "c902f453f9a431db2e340826654234b10d0c34260118cfe285172ec00fff82c8";
	assert_string_equal(place(f, &ev, &c2), "payouts");
	assert_int_equal(c1, c2);
	/* a digest property alone */
	evidence_init(&ev);
	kvlist_add(&ev.properties, &f->arena, "image_digest",
		   "sha256:c902f453f9a431db2e340826654234b10d0c34260118cfe285172ec00fff82c8");
	assert_string_equal(place(f, &ev, &c3), "payouts");
	assert_int_equal(c1, c3);
	/* Docker Hub short names */
	evidence_init(&ev);
	ev.loc.image = "nginx:1.25-alpine";
	assert_string_equal(place(f, &ev, NULL), "k8s-platform");
	/* unknown: discovered, kept in unassigned */
	ev.loc.image = "ghcr.io/someone/tool:latest";
	assert_string_equal(place(f, &ev, &c1), "unassigned");
	assert_true(c1 > 0);
	assert_string_equal(place(f, &ev, &c2), "unassigned");
	assert_int_equal(c1, c2);
}

static void test_resolve__cloud_resources(void **state)
{
	struct fixture *f = *state;
	struct evidence ev;
	int64_t c1, c2;

	evidence_init(&ev);
	ev.kind = KIND_CLOUD;
	ev.loc.provider = "aws";
	ev.loc.resource = "arn:aws:s3:::acme-payouts-exports";
	assert_string_equal(place(f, &ev, &c1), "payouts");
	ev.loc.resource = "arn:aws:sqs:eu-west-1:111122223333:payouts";
	assert_string_equal(place(f, &ev, &c2), "payouts");
	assert_int_equal(c1, c2);
	/* an undeclared resource in an account some component declares */
	ev.loc.resource = "arn:aws:iam::111122223333:role/payouts-batch";
	assert_string_equal(place(f, &ev, NULL), "payouts");
	/* a whole account */
	ev.loc.resource = "arn:aws:eks:eu-west-1:444455556666:cluster/prod-eu-1";
	assert_string_equal(place(f, &ev, NULL), "k8s-platform");
	/* no account to go by */
	ev.loc.resource = "arn:aws:s3:::someone-elses-bucket";
	assert_string_equal(place(f, &ev, &c1), "unassigned");
	assert_true(c1 > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resolve__grype_and_trivy_images, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve__cloud_resources, setup, teardown),
	};

	return cmocka_run_group_tests_name("resolve", tests, NULL, NULL);
}
