/*
 * Placing evidence at ingest: which component and app each evidence
 * belongs to, from what the report names (image, digest, URL, cloud
 * resource, purl) and from `ingest --app/--component`. Unknown assets are
 * recorded as discovered components, never dropped. Every lookup is
 * cached for the ingest, so a report of a million results costs one
 * lookup per distinct asset. The order of the rules is in docs/inventory.md.
 *
 * A struct resolver belongs to one ingest (one transaction) and is freed
 * by resolver_free(); names it hands out live as long as it does.
 */
#ifndef POSTURE_INVENTORY_RESOLVE_H
#define POSTURE_INVENTORY_RESOLVE_H

#include "model/evidence.h"
#include "store/store.h"
#include "util/strmap.h"

#define RESOLVER_DEFAULT_APP "unassigned"

struct resolver;

struct placement {
	int64_t app_id, component_id;  /* component 0: the app as a whole */
};

/*
 * Start an ingest: app is --app (NULL: none), component the --component
 * spec "KIND:ID" (NULL: none). A component the inventory gives to an app
 * decides the scan's app. Bad specs are P_EINVALID.
 */
int resolver_open(struct resolver **out, struct store *s, const char *app, const char *component,
		  int64_t now, struct perr *err);
void resolver_free(struct resolver *r);

/* The scan's own app and component, and the app's name for messages. */
void resolver_scan(const struct resolver *r, int64_t *app_id, int64_t *component_id,
		   const char **app_name);

/* Where one evidence goes. */
int resolver_place(struct resolver *r, const struct evidence *ev, struct placement *out,
		   struct perr *err);

/*
 * End of the ingest, before the scan is finished: record what the scan
 * covered (per app, component and kind; a scan without evidence covers
 * its own asset for its tools' kinds), give the findings it created their
 * owners, and re-home older findings when this ingest gave an asset its app.
 */
int resolver_finish(struct resolver *r, int64_t scan_id, const char *format,
		    const struct strmap *tools, const int64_t *created, size_t ncreated,
		    struct perr *err);

/* The kind of scanning a tool or report format does, or NULL when unknown. */
const char *resolver_tool_kind(const char *tool);

#endif
