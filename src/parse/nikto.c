/*
 * Nikto 2.5 JSON (-Format json): an array of hosts, each with host, ip,
 * port, banner and vulnerabilities[*] {id, references, method, url, msg}.
 * A single host object (no array around it) is read too. Nikto 2.1.x wrote
 * JSON by hand with trailing commas, which is not JSON: use its XML.
 *
 * Nikto has no severity. Its items are mostly "this exists / is missing"
 * observations, so they are info, except an item that cites a known
 * vulnerability (a CVE in its message or references, or an OSVDB id other
 * than 0), which is low: a version or file match, never a confirmed
 * exploit. The report does not say whether the port spoke TLS: the URL is
 * https for port 443, http for 80, and "host:port/path" otherwise.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/dastiac.h"
#include "model/ids.h"

enum { CTX_HOST, CTX_IP, CTX_PORT, CTX_BANNER };

static const struct jrec_format nikto_array = {
	.records = { "[*].vulnerabilities[*]", NULL },
	.context = { "[*].host", "[*].ip", "[*].port", "[*].banner", NULL },
};

static const struct jrec_format nikto_object = {
	.records = { "vulnerabilities[*]", NULL },
	.context = { "host", "ip", "port", "banner", NULL },
};

struct nikto_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

/* Nikto escapes quotes in msg twice (\" survives JSON decoding): undo that. */
static const char *unescape_quotes(struct arena *a, const char *s)
{
	char *out, *o;

	if (!s || !strstr(s, "\\\""))
		return s;
	out = o = arena_strdup(a, s);
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == '"')
			continue;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

static const char *site_url(struct arena *a, const char *host, const char *port,
			    const char *path)
{
	if (!path)
		path = "";
	if (!strncmp(path, "http://", 7) || !strncmp(path, "https://", 8))
		return path;
	if (!host)
		return *path ? path : NULL;
	if (port && !strcmp(port, "443"))
		return arena_printf(a, "https://%s%s", host, path);
	if (!port || !strcmp(port, "80"))
		return arena_printf(a, "http://%s%s", host, path);
	return arena_printf(a, "%s:%s%s", host, port, path);
}

static int on_item(const struct jrec *rec, void *payload, struct perr *err)
{
	struct nikto_state *st = payload;
	const struct jnode *it = rec->node, *osvdb;
	struct arena *a = rec->arena;
	const char *refs, *host = json_text(rec->ctx[CTX_HOST]);
	struct evidence ev;
	long long v;

	if (!json_is(it, JOBJ))
		return perr_set(err, P_EINVALID, "item is %s %s, not an object",
				it->type == JARR ? "an" : "a", json_type_name(it->type));
	evidence_init(&ev);
	ev.tool = "Nikto";
	ev.kind = KIND_DAST;
	ev.rule_id = json_text(json_get(it, "id"));
	if (!ev.rule_id)
		return perr_set(err, P_EINVALID, "'id' is missing");
	ev.description = unescape_quotes(a, json_get_str(it, "msg"));
	ev.title = ev.description ? ev.description : ev.rule_id;
	ev.loc.url = site_url(a, host, json_text(rec->ctx[CTX_PORT]), json_get_str(it, "url"));
	ev.loc.method = json_get_str(it, "method");
	refs = json_get_str(it, "references");
	dastiac__add_urls(&ev.references, a, refs);
	ids_scan_text(&ev, a, ev.description);
	ids_scan_text(&ev, a, refs);
	osvdb = json_get(it, "OSVDB");
	if (json_int(osvdb, &v) && v > 0) {
		evidence_add_vuln_id(&ev, a, arena_printf(a, "OSVDB-%lld", v));
		kvlist_add(&ev.properties, a, "osvdb", json_text(osvdb));
	}
	ev.severity = ev.vuln_ids.n ? SEV_LOW : SEV_INFO;
	kvlist_add(&ev.properties, a, "ip", json_text(rec->ctx[CTX_IP]));
	kvlist_add(&ev.properties, a, "banner", json_str(rec->ctx[CTX_BANNER]) &&
		   *json_str(rec->ctx[CTX_BANNER]) ? json_str(rec->ctx[CTX_BANNER]) : NULL);
	return st->cb(&ev, st->payload, err);
}

int detect_nikto(const char *head, size_t len)
{
	int c = parse_first_char(head, len);

	if (c != '[' && c != '{')
		return 0;
	if (!parse_has(head, len, "\"vulnerabilities\"") || !parse_has(head, len, "\"banner\""))
		return 0;
	if (parse_has(head, len, "\"msg\"") || parse_has(head, len, "\"vulnerabilities\":[]"))
		return 90;
	return 50;
}

int parse_nikto(const char *buf, size_t len, const struct parse_opts *opts,
		evidence_cb cb, void *payload, struct perr *err)
{
	struct nikto_state st = { opts, cb, payload };
	const struct jrec_format *fmt =
		parse_first_char(buf, len) == '[' ? &nikto_array : &nikto_object;
	long n = jrec_parse(buf, len, fmt, &opts->stream, on_item, &st, err);

	if (n < 0)
		return (int)n;
	/* Nikto writes no version into its JSON */
	parse_tool_seen(opts, "Nikto", NULL);
	return 0;
}
