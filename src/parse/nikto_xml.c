/*
 * Nikto's XML report (`nikto -Format xml`): one evidence per
 * scandetails/item, in report order, in its three shapes: Nikto 2.1.5
 * (root niktoscan), 2.1.6 (niktoscan inside niktoscan) and 2.5
 * (niktoscans, items with references, no OSVDB ids). Nikto rates nothing;
 * the severity rule is in nikto__severity(). See docs/formats/nikto-xml.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/xrec.h"
#include "parse/xmltext.h"
#include "parse/xml_severity.h"
#include "model/ids.h"

#define MAX_TITLE 200

static const struct xrec_format nikto_records = {
	.records = { "*/scandetails/item", "*/*/scandetails/item", NULL },
	/* read at the end of a host: this makes scandetails call back there */
	.context = { "*/scandetails/statistics", "*/*/scandetails/statistics", NULL },
	.root = NULL,
	.scope_end = true,
};

struct nikto_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

/*
 * Low when the item names a known vulnerability: an OSVDB id other than 0
 * (Nikto 2.1) or a CVE id; informational otherwise (headers, banners,
 * files found, which Nikto reports without saying they are a problem).
 */
enum severity nikto__severity(long long osvdb, bool has_cve)
{
	return osvdb > 0 || has_cve ? SEV_LOW : SEV_INFO;
}

/* A link Nikto wrote in full: "http://host:port/path" with a host. */
static bool usable_link(const char *s)
{
	const char *host;

	if (!s)
		return false;
	if (!strncmp(s, "http://", 7))
		host = s + 7;
	else if (!strncmp(s, "https://", 8))
		host = s + 8;
	else
		return false;
	return *host && *host != ':' && *host != '/';
}

/* namelink, else iplink, else the site joined with the item's uri. */
static const char *item_url(struct arena *a, const struct xnode *item, const struct xnode *host)
{
	const char *site = xnode_attr(host, "sitename"), *uri = xnode_path_text(item, "uri");
	size_t n;

	if (usable_link(xnode_path_text(item, "namelink")))
		return xnode_path_text(item, "namelink");
	if (usable_link(xnode_path_text(item, "iplink")))
		return xnode_path_text(item, "iplink");
	if (!usable_link(site))
		site = xnode_attr(host, "siteip");
	if (!usable_link(site))
		return NULL;
	if (!uri)
		return site;
	n = strlen(site);
	while (n && site[n - 1] == '/')
		n--;
	return arena_printf(a, "%.*s%s%s", (int)n, site, *uri == '/' ? "" : "/", uri);
}

/* The first line of the description, without Nikto 2.5's "/path: " prefix. */
static const char *item_title(struct arena *a, const char *desc, const char *uri)
{
	size_t n;

	if (!desc)
		return NULL;
	if (uri && (n = strlen(uri)) && !strncmp(desc, uri, n) && desc[n] == ':' && desc[n + 1] == ' ')
		desc += n + 2;
	n = strcspn(desc, "\r\n");
	return xmltext_cut(a, desc[n] ? arena_strndup(a, desc, n) : desc, MAX_TITLE);
}

static int emit_item(struct nikto_state *st, const struct xrec *rec, struct perr *err)
{
	const struct xnode *item = rec->node, *host = xnode_ancestor(item, "scandetails");
	const struct xnode *scan = xnode_ancestor(item, "niktoscan");
	const char *id = xnode_attr(item, "id"), *desc = xnode_path_text(item, "description");
	const char *refs = xnode_path_text(item, "references"), *osvdb = xnode_attr(item, "osvdbid");
	struct arena *a = rec->arena;
	struct evidence ev;
	long long osvdb_id = 0;

	if (!id || !*id)
		return perr_set(err, P_EINVALID, "<item> has no 'id' attribute");
	evidence_init(&ev);
	ev.tool = "Nikto";
	ev.tool_version = xnode_attr(scan, "version");
	ev.kind = KIND_DAST;
	ev.rule_id = id;
	ev.description = desc;
	ev.title = item_title(a, desc, xnode_path_text(item, "uri"));
	if (!ev.title)
		ev.title = arena_printf(a, "Nikto test %s", id);
	ev.loc.url = item_url(a, item, host);
	ev.loc.method = xnode_attr(item, "method");
	if (osvdb && !xml_long(osvdb, 0, LLONG_MAX, &osvdb_id))
		return perr_set(err, P_EINVALID, "<item> 'osvdbid' is not a number: '%.40s'", osvdb);
	ids_scan_text(&ev, a, refs);
	ids_scan_text(&ev, a, desc);
	if (osvdb_id > 0) {
		evidence_add_vuln_id(&ev, a, arena_printf(a, "OSVDB-%lld", osvdb_id));
		kvlist_add(&ev.properties, a, "osvdb", osvdb);
	}
	ev.severity = nikto__severity(osvdb_id, ev.vuln_ids.n && ids_is_cve(ev.vuln_ids.v[0]));
	/* several references are separated by commas */
	if (refs) {
		char *r = arena_strdup(a, refs), *c;

		for (c = r; (c = strchr(c, ',')); c++)
			*c = ' ';
		xmltext_add_urls(&ev.references, a, r);
	}
	kvlist_add(&ev.properties, a, "target_ip", xnode_attr(host, "targetip"));
	kvlist_add(&ev.properties, a, "target_hostname", xnode_attr(host, "targethostname"));
	kvlist_add(&ev.properties, a, "target_port", xnode_attr(host, "targetport"));
	if (xnode_attr(host, "targetbanner") && *xnode_attr(host, "targetbanner"))
		kvlist_add(&ev.properties, a, "server_banner", xnode_attr(host, "targetbanner"));
	return st->cb(&ev, st->payload, err);
}

static int on_record(const struct xrec *rec, void *payload, struct perr *err)
{
	struct nikto_state *st = payload;
	const struct xnode *s = rec->scope;
	long long n;

	if (rec->which != XREC_SCOPE_END)
		return emit_item(st, rec, err);
	if (xnode_is(s, "scandetails")) {
		if (xml_long(xnode_attr(s, "errors"), 1, LLONG_MAX, &n))
			parse_warn(st->opts, "Nikto reported %lld error(s) scanning %s", n,
				   xnode_attr(s, "sitename") ? xnode_attr(s, "sitename") : "a host");
		parse_tool_seen(st->opts, "Nikto", xnode_attr(xnode_ancestor(s, "niktoscan"), "version"));
	} else if (!s->parent && !xnode_is(s, "niktoscan") && !xnode_is(s, "niktoscans")) {
		return perr_set(err, P_EINVALID, "the root element is <%s>, not <niktoscan> or <niktoscans>",
				s->name);
	}
	return 0;
}

int detect_nikto_xml(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '<' || !parse_has(head, len, "<niktoscan"))
		return 0;
	if (parse_has(head, len, "<scandetails") || parse_has(head, len, "nikto.dtd"))
		return 100;
	return 60;
}

int parse_nikto_xml(const char *buf, size_t len, const struct parse_opts *opts,
		    evidence_cb cb, void *payload, struct perr *err)
{
	struct nikto_state st = { opts, cb, payload };
	struct xrec_opts xo;
	long n;

	xrec_opts_from_stream(&xo, &opts->stream);
	n = xrec_parse(buf, len, &nikto_records, &xo, on_record, &st, err);
	return n < 0 ? (int)n : 0;
}
