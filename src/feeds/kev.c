/* CISA KEV catalog JSON -> one callback per known exploited vulnerability. */
#include "posture.h"
#include "feeds/kev.h"
#include "model/ids.h"
#include "parse/jrec.h"

enum { CTX_TITLE, CTX_VERSION, CTX_RELEASED, CTX_COUNT };

static const struct jrec_format kev_records = {
	.records = { "vulnerabilities[*]", NULL },
	.context = { "title", "catalogVersion", "dateReleased", "count", NULL },
	.scope_end = true,
};

struct kev_state {
	struct kev_catalog *catalog;
	kev_cb cb;
	void *payload;
	long entries;
};

static void copy_text(char *dst, size_t size, const struct jnode *n)
{
	const char *s = json_text(n);

	if (s)
		snprintf(dst, size, "%s", s);
}

static void read_catalog(struct kev_catalog *cat, const struct jrec *rec)
{
	long long count;

	copy_text(cat->title, sizeof(cat->title), rec->ctx[CTX_TITLE]);
	copy_text(cat->catalog_version, sizeof(cat->catalog_version), rec->ctx[CTX_VERSION]);
	copy_text(cat->date_released, sizeof(cat->date_released), rec->ctx[CTX_RELEASED]);
	if (json_int(rec->ctx[CTX_COUNT], &count))
		cat->count = count;
}

/* An optional string field: a missing or mistyped one is NULL. */
static const char *opt_str(const struct jnode *obj, const char *key)
{
	const char *s = json_get_str(obj, key);

	return s && *s ? s : NULL;
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct kev_state *st = payload;
	const struct jnode *n = rec->node, *cwes, *c;
	struct kev_entry e;
	const char *cve, *rw;

	read_catalog(st->catalog, rec);
	if (rec->which == JREC_SCOPE_END)
		return 0;
	st->entries++;
	if (!json_is(n, JOBJ))
		return perr_set(err, P_EINVALID, "is %s, not an object", json_type_name(n->type));
	memset(&e, 0, sizeof(e));
	e.index = rec->nindex ? rec->index[rec->nindex - 1] : 0;
	cve = json_get_str(n, "cveID");
	if (!cve)
		return perr_set(err, P_EINVALID, "'cveID' is missing");
	if (!ids_is_cve(cve))
		return perr_set(err, P_EINVALID, "'cveID' '%.64s' is not a CVE id", cve);
	e.cve_id = ids_normalize(rec->arena, cve);
	e.vendor_project = opt_str(n, "vendorProject");
	e.product = opt_str(n, "product");
	e.vulnerability_name = opt_str(n, "vulnerabilityName");
	e.date_added = opt_str(n, "dateAdded");
	e.due_date = opt_str(n, "dueDate");
	e.short_description = opt_str(n, "shortDescription");
	e.required_action = opt_str(n, "requiredAction");
	e.notes = opt_str(n, "notes");
	rw = opt_str(n, "knownRansomwareCampaignUse");
	e.ransomware_raw = rw;
	if (!rw)
		e.ransomware = KEV_RANSOMWARE_ABSENT;
	else if (!strcmp(rw, "Known"))
		e.ransomware = KEV_RANSOMWARE_KNOWN;
	else if (!strcmp(rw, "Unknown"))
		e.ransomware = KEV_RANSOMWARE_UNKNOWN;
	else
		e.ransomware = KEV_RANSOMWARE_OTHER;
	cwes = json_get(n, "cwes");
	if (json_is(cwes, JARR)) {
		json_for_each(c, cwes) {
			if (c->type == JSTR && c->len && e.ncwes < KEV_MAX_CWES)
				e.cwes[e.ncwes++] = c->str;
		}
	}
	return st->cb(st->catalog, &e, st->payload, err);
}

long kev_parse(const char *buf, size_t len, struct kev_catalog *catalog,
	       kev_cb cb, void *payload, struct perr *err)
{
	struct kev_state st = { catalog, cb, payload, 0 };
	long ret;

	memset(catalog, 0, sizeof(*catalog));
	catalog->count = -1;
	ret = jrec_parse(buf, len, &kev_records, NULL, on_record, &st, err);
	if (ret < 0)
		return ret;
	/* an empty catalog still has its version; anything else is another document */
	if (!st.entries && !catalog->catalog_version[0])
		return perr_set(err, P_EINVALID,
				"not a KEV catalog: no 'catalogVersion' and no 'vulnerabilities'");
	return ret;
}
