/* posture init: create (or migrate) the database and an example posture.yaml. */
#include "posture.h"
#include "cmd/cmd.h"
#include "store/store.h"
#include "util/opt.h"

#include <fcntl.h>
#include <unistd.h>

static const char example_inventory[] =
	"# posture inventory: who owns what. See docs/inventory.md.\n"
	"# Check it with 'posture inventory check posture.yaml', then\n"
	"# 'posture inventory load posture.yaml'.\n"
	"version: 1\n"
	"units:\n"
	"  - name: payments\n"
	"teams:\n"
	"  - name: checkout-team\n"
	"    unit: payments\n"
	"    contacts: [checkout-oncall@example.com]\n"
	"    tickets: {jira: PAY}\n"
	"    chat: \"#team-checkout\"\n"
	"    github_team: \"@example/checkout\"\n"
	"apps:\n"
	"  - name: checkout\n"
	"    team: checkout-team\n"
	"    criticality: high\n"
	"    exposure: internet\n"
	"    data_sensitivity: [pci, pii]\n"
	"    environments: [prod]\n"
	"    components:\n"
	"      repos:\n"
	"        - url: https://github.com/example/checkout\n"
	"          default_branch: main\n"
	"          builds: [registry.example.com/checkout]\n"
	"      images:\n"
	"        - name: registry.example.com/checkout\n"
	"          runs_as: [checkout-api]\n"
	"      services:\n"
	"        - name: checkout-api\n"
	"          served_at: [\"https://checkout.example.com\"]\n"
	"      urls:\n"
	"        - https://checkout.example.com\n";

int cmd_init(int argc, const char **argv, struct ctx *ctx)
{
	bool no_example = false;
	const struct opt opts[] = {
		{ OPT_FLAG, 0, "no-example", &no_example, NULL, "do not write an example posture.yaml" },
		{ OPT_END },
	};
	const struct opt_usage usage = {
		"posture [--db PATH] init [--no-example]",
		"Create the database (or bring an existing one to the current schema)\n"
		"and, unless one exists, an example posture.yaml in this directory.",
	};
	int n, fd;

	if ((n = opt_parse(argc, argv, opts, &usage)) < 0)
		return opt_exit(n);
	if (n)
		return usage_error("init: unexpected argument '%s'", argv[0]);
	printf("database %s ready (schema version %d)\n", ctx->db_path,
	       store_schema_version(ctx->store));
	if (no_example)
		return EXIT_OK;
	fd = open("posture.yaml", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno != EEXIST) {
			fprintf(stderr, "posture: error: cannot write 'posture.yaml': %s\n", strerror(errno));
			return EXIT_INTERNAL;
		}
		return EXIT_OK;
	}
	if (write(fd, example_inventory, sizeof(example_inventory) - 1) !=
	    (ssize_t)(sizeof(example_inventory) - 1) || close(fd) < 0) {
		fprintf(stderr, "posture: error: cannot write 'posture.yaml': %s\n", strerror(errno));
		return EXIT_INTERNAL;
	}
	printf("wrote an example inventory to posture.yaml\n");
	return EXIT_OK;
}
