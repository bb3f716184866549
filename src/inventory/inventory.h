/*
 * The inventory model: business units, teams, apps, their components and
 * the lineage links between components, as posture.yaml declares them
 * (docs/inventory.md). inventory_parse() is pure: bytes in, a checked model
 * out, or an error naming file:line:column. Everything in a struct
 * inventory lives in its arena and dies with inventory_release().
 */
#ifndef POSTURE_INVENTORY_INVENTORY_H
#define POSTURE_INVENTORY_INVENTORY_H

#include "inventory/asset.h"
#include "model/evidence.h"
#include "util/arena.h"
#include "util/err.h"

/* Bounds on what one inventory file may hold (beyond them: P_ELIMIT). */
#define INVENTORY_MAX_BYTES (16u << 20)
#define INVENTORY_MAX_NODES 1000000
#define INVENTORY_MAX_DEPTH 32
#define INVENTORY_MAX_STRING 4096

struct inv_pos {
	unsigned line, column; /* 1-based */
};

struct inv_unit {
	const char *name, *description;
	struct inv_pos pos;
};

struct inv_team {
	const char *name, *unit, *description;
	struct strlist contacts;
	const char *ticket_system;  /* "jira" or "github", NULL: none */
	const char *ticket_target;  /* Jira project key, GitHub "owner/repo" */
	const char *chat;
	const char *github_team;    /* "org/team", lower case, without '@' */
	struct strlist members;     /* "@login" or an email, lower case */
	struct inv_pos pos;
};

enum inv_relation { INV_BUILDS = 0, INV_RUNS_AS, INV_SERVED_AT };
const char *inv_relation_name(enum inv_relation r);

/* A reference from one component to another, resolved after parsing. */
struct inv_ref {
	enum inv_relation relation;
	const char *target;  /* as written */
	struct inv_pos pos;
};

struct inv_component {
	enum asset_kind kind;
	const char *ident;         /* canonical (asset.h): components.ident */
	size_t app;                /* index into inventory.apps */
	const char *description;
	/* repo */
	const char *url, *default_branch;
	const char *codeowners;    /* path as written in the file */
	const char *codeowners_path; /* resolved against the inventory file's directory */
	/* image */
	const char *name, *registry;
	struct strlist digests;
	/* service */
	const char *environment, *cluster, *namespace;
	/* url, api */
	struct strlist base_urls;  /* canonical */
	const char *openapi;
	/* cloud */
	struct strlist ids;
	const char *account, *provider;
	/* package */
	const char *purl;
	/*
	 * Lookup keys (asset.h): `keys` are claimed (the first is the
	 * component's own; a claimed key taken from a discovered component
	 * moves its findings here), `alias_keys` are weak (a repo's host-less
	 * path, a cloud resource's account): the first component to hold one
	 * keeps it.
	 */
	struct strlist keys, alias_keys;
	struct inv_ref *refs;
	size_t nrefs, refs_alloc;
	struct inv_pos pos;
};

struct inv_app {
	const char *name, *team, *description, *criticality, *exposure;
	struct strlist data_sensitivity, environments;
	struct inv_pos pos;
};

struct inv_link {
	size_t from, to;           /* indexes into inventory.components */
	enum inv_relation relation;
	struct inv_pos pos;
};

struct inventory {
	struct arena arena;
	const char *file;          /* as given, for messages */
	struct inv_unit *units;
	size_t nunits, units_alloc;
	struct inv_team *teams;
	size_t nteams, teams_alloc;
	struct inv_app *apps;
	size_t napps, apps_alloc;
	struct inv_component *components;
	size_t ncomponents, components_alloc;
	struct inv_link *links;
	size_t nlinks, links_alloc;
};

void inventory_init(struct inventory *inv);
void inventory_release(struct inventory *inv);

/*
 * Parse and check posture.yaml text. `file` names it in messages and is
 * the base for relative CODEOWNERS paths. Errors (P_EINVALID, P_ELIMIT)
 * read "FILE:LINE:COLUMN: what is wrong"; the model is then incomplete
 * and must only be released.
 */
int inventory_parse(struct inventory *inv, const char *buf, size_t len, const char *file,
		    struct perr *err);
/* Read the file (bounded by INVENTORY_MAX_BYTES) and parse it. */
int inventory_load_file(struct inventory *inv, const char *path, struct perr *err);

/* Lookups in a parsed model: an index, or -1. */
long inventory_find_team(const struct inventory *inv, const char *name);
long inventory_find_app(const struct inventory *inv, const char *name);

/*
 * A component's attributes as (name, text) pairs in a fixed order, for the
 * database and for the change report; lists are written one item per line.
 * Returns how many were written (at most max); absent ones are skipped.
 */
struct inv_attr {
	const char *name, *value;
};
size_t inventory_component_attrs(struct arena *a, const struct inv_component *c,
				 struct inv_attr *out, size_t max);
/* A list as stored: items joined with newlines (NULL when empty). */
const char *inventory_join(struct arena *a, const struct strlist *l);

#endif
