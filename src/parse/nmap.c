/*
 * nmap's XML output (`nmap -oX`, format 1.0x): evidence for what is
 * security-relevant, one port (with its NSE scripts) at a time, in report
 * order. An open port is one info evidence (the exposed service, so that a
 * later scan closes it when the port closes); a closed or filtered one is
 * nothing. TLS problems from ssl-enum-ciphers, ssl-cert and sslv2 use the
 * rule ids and severities of src/parse/tlscheck.h; vulners entries and
 * every NSE vulns-library result marked VULNERABLE are evidence of their
 * own. See docs/formats/nmap.md for the rules.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/xrec.h"
#include "parse/xmltext.h"
#include "parse/xml_severity.h"
#include "parse/tlscheck.h"
#include "model/ids.h"
#include "util/ptime.h"

#define MAX_LIST 2048  /* bytes of a cipher or warning list in a description */

enum { REC_PORT, REC_HOSTSCRIPT, REC_FINISHED };
enum { CTX_ADDRESS, CTX_HOSTNAMES };

static const struct xrec_format nmap_records = {
	.records = { "nmaprun/host/ports/port", "nmaprun/host/hostscript", "nmaprun/runstats/finished",
		     NULL },
	.context = { "nmaprun/host/address", "nmaprun/host/hostnames", NULL },
	.root = "nmaprun",
	.scope_end = true,
};

struct nmap_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

/* What every evidence of one port shares. */
struct port_ctx {
	const struct xrec *rec;
	const char *host, *addr, *url, *service, *port;
	int64_t scan_time;  /* nmaprun/@start, 0 when unknown */
};

/* The child element <name key="key">, or NULL. */
static const struct xnode *keyed(const struct xnode *n, const char *name, const char *key)
{
	const struct xnode *c;

	xnode_for_each_named(c, n, name) {
		const char *k = xnode_attr(c, "key");

		if (k && !strcmp(k, key))
			return c;
	}
	return NULL;
}

static const char *elem(const struct xnode *n, const char *key)
{
	return xnode_text(keyed(n, "elem", key));
}

/*
 * The name a scan was pointed at if the user gave one (hostname
 * type="user"), else the address: reverse-DNS names change with the
 * resolver, the address and the user's target do not.
 */
static const char *host_name(const struct xrec *rec)
{
	const struct xnode *h;

	xnode_for_each_named(h, rec->ctx[CTX_HOSTNAMES], "hostname") {
		const char *t = xnode_attr(h, "type");

		if (t && !strcmp(t, "user") && xnode_attr(h, "name"))
			return xnode_attr(h, "name");
	}
	return xnode_attr(rec->ctx[CTX_ADDRESS], "addr");
}

/* http(s) for web services, else the service name, else the protocol: "ssh://host:22". */
static const char *port_url(struct arena *a, const char *host, const struct xnode *port)
{
	const struct xnode *svc = xnode_child(port, "service");
	const char *name = xnode_attr(svc, "name"), *tunnel = xnode_attr(svc, "tunnel");
	const char *portid = xnode_attr(port, "portid"), *scheme = xnode_attr(port, "protocol");
	bool ssl = tunnel && !strcmp(tunnel, "ssl");
	const char *p;

	if (!host || !portid)
		return NULL;
	if (name && (!strcmp(name, "https") || (ssl && !strncmp(name, "http", 4))))
		scheme = "https";
	else if (name && !strncmp(name, "http", 4))
		scheme = "http";
	else if (name && strcmp(name, "unknown") && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-.") ==
		 strlen(name))
		scheme = name;
	if (!scheme)
		scheme = "tcp";
	for (p = host; *p && *p != ':'; p++)
		;
	return arena_printf(a, *p ? "%s://[%s]:%s" : "%s://%s:%s", scheme, host, portid);
}

/* "http SimpleHTTPServer 0.6": name, product, version (extrainfo is a property). */
static const char *service_text(struct arena *a, const struct xnode *svc)
{
	const char *name = xnode_attr(svc, "name"), *product = xnode_attr(svc, "product");
	const char *version = xnode_attr(svc, "version");

	if (!name)
		return NULL;
	return arena_printf(a, "%s%s%s%s%s", name, product ? " " : "", product ? product : "",
			    version ? " " : "", version ? version : "");
}

static void base_evidence(struct evidence *ev, const struct port_ctx *pc)
{
	evidence_init(ev);
	ev->tool = "Nmap";
	ev->tool_version = xnode_attr(xnode_ancestor(pc->rec->node, "nmaprun"), "version");
	ev->kind = KIND_DAST;
	ev->loc.url = pc->url;
}

static void host_props(struct evidence *ev, struct arena *a, const struct port_ctx *pc)
{
	kvlist_add(&ev->properties, a, "address", pc->addr);
	kvlist_add(&ev->properties, a, "port", pc->port);
	kvlist_add(&ev->properties, a, "service", pc->service);
}

static int emit(struct nmap_state *st, const struct port_ctx *pc, struct evidence *ev,
		struct perr *err)
{
	host_props(ev, pc->rec->arena, pc);
	return st->cb(ev, st->payload, err);
}

static int emit_open_port(struct nmap_state *st, const struct port_ctx *pc, const struct xnode *port,
			  struct perr *err)
{
	const struct xnode *svc = xnode_child(port, "service"), *c;
	struct arena *a = pc->rec->arena;
	struct evidence ev;

	base_evidence(&ev, pc);
	ev.rule_id = ev.rule_name = "open-port";
	ev.title = arena_printf(a, "Open port %s/%s%s%s", pc->port, xnode_attr(port, "protocol"),
				pc->service ? ": " : "", pc->service ? pc->service : "");
	ev.severity = SEV_INFO;
	if (xnode_attr(svc, "extrainfo"))
		kvlist_add(&ev.properties, a, "service_info", xmltext_cut(a, xnode_attr(svc, "extrainfo"), 300));
	if (xnode_attr(svc, "tunnel"))
		kvlist_add(&ev.properties, a, "tunnel", xnode_attr(svc, "tunnel"));
	xnode_for_each_named(c, svc, "cpe")
		if (xnode_text(c) && !kvlist_get(&ev.properties, "cpe"))
			kvlist_add(&ev.properties, a, "cpe", xnode_text(c));
	kvlist_add(&ev.properties, a, "reason", xnode_attr(xnode_child(port, "state"), "reason"));
	return emit(st, pc, &ev, err);
}

/* SSL/TLS grades: A and B acceptable, C-E weak, F broken (NULL, anonymous, export). */
enum severity nmap__grade_severity(const char *grade)
{
	if (!grade || !*grade || grade[1])
		return SEV_NONE;
	switch (*grade) {
	case 'A':
		return SEV_NONE;
	case 'B':
		return SEV_LOW;
	case 'C':
	case 'D':
	case 'E':
		return SEV_MEDIUM;
	case 'F':
		return SEV_HIGH;
	default:
		return SEV_NONE;
	}
}

static void add_listed(struct arena *a, const char **list, const char *item)
{
	if (!item || (*list && strstr(*list, item)))
		return;
	if (*list && strlen(*list) > MAX_LIST)
		return;
	*list = *list ? arena_printf(a, "%s\n%s", *list, item) : item;
}

static int ssl_enum_ciphers(struct nmap_state *st, const struct port_ctx *pc,
			    const struct xnode *script, struct perr *err)
{
	struct arena *a = pc->rec->arena;
	const struct xnode *proto, *c, *w;
	const char *weak = NULL, *warnings = NULL, *worst = NULL, *compress = NULL;
	enum severity worst_sev = SEV_NONE;
	struct evidence ev;
	int ret;

	xnode_for_each_named(proto, script, "table") {
		const char *name = tls_protocol(xnode_attr(proto, "key"), NULL);
		enum severity sev = tls_protocol_severity(name);

		if (!name)
			continue;
		if (sev != SEV_NONE) {
			base_evidence(&ev, pc);
			tls_evidence(&ev, tls_protocol_rule(a, name),
				     arena_printf(a, "Deprecated protocol %s enabled", name), sev, pc->url);
			ev.description = arena_printf(a, "The server accepts %s connections.", name);
			if ((ret = emit(st, pc, &ev, err)) < 0)
				return ret;
		}
		xnode_for_each_named(c, keyed(proto, "table", "ciphers"), "table") {
			const char *g = elem(c, "strength");
			enum severity s = nmap__grade_severity(g);

			if (s == SEV_NONE)
				continue;
			add_listed(a, &weak, arena_printf(a, "%s %s (%s)", name, elem(c, "name"), g));
			if (s > worst_sev) {
				worst_sev = s;
				worst = g;
			}
		}
		xnode_for_each_named(c, keyed(proto, "table", "compressors"), "elem")
			if (xnode_text(c) && strcmp(xnode_text(c), "NULL"))
				add_listed(a, &compress, arena_printf(a, "%s %s", name, xnode_text(c)));
		xnode_for_each_named(w, keyed(proto, "table", "warnings"), "elem")
			add_listed(a, &warnings, xnode_text(w));
	}
	if (weak) {
		base_evidence(&ev, pc);
		tls_evidence(&ev, "tls-weak-cipher", "Weak cipher suites accepted", worst_sev, pc->url);
		ev.severity_raw = worst;
		ev.description = arena_printf(a, "Cipher suites graded below A by ssl-enum-ciphers "
						  "(least strength %s):\n%s%s%s",
					      elem(script, "least strength") ? elem(script, "least strength") : worst,
					      weak, warnings ? "\nWarnings:\n" : "", warnings ? warnings : "");
		if ((ret = emit(st, pc, &ev, err)) < 0)
			return ret;
	}
	if (compress) {
		base_evidence(&ev, pc);
		tls_evidence(&ev, "tls-compression", "TLS compression enabled (CRIME)", SEV_MEDIUM, pc->url);
		ev.description = arena_printf(a, "The server compresses TLS records, which exposes secrets "
						  "to the CRIME attack:\n%s", compress);
		evidence_add_vuln_id(&ev, a, "CVE-2012-4929");
		if ((ret = emit(st, pc, &ev, err)) < 0)
			return ret;
	}
	return 0;
}

static bool same_table(const struct xnode *x, const struct xnode *y)
{
	const struct xnode *c;

	if (!x || !y || x->nchildren != y->nchildren)
		return false;
	xnode_for_each(c, x) {
		const char *k = xnode_attr(c, "key");

		if (!k || !xnode_text(c) || !elem(y, k) || strcmp(elem(y, k), xnode_text(c)))
			return false;
	}
	return true;
}

static int ssl_cert(struct nmap_state *st, const struct port_ctx *pc, const struct xnode *script,
		    struct perr *err)
{
	struct arena *a = pc->rec->arena;
	const struct xnode *subject = keyed(script, "table", "subject");
	const struct xnode *issuer = keyed(script, "table", "issuer");
	const struct xnode *pubkey = keyed(script, "table", "pubkey");
	const char *cn = elem(subject, "commonName"), *sig = elem(script, "sig_algo");
	const char *not_after = elem(keyed(script, "table", "validity"), "notAfter");
	const char *type = elem(pubkey, "type");
	struct perr ignore = PERR_INIT;
	struct evidence ev;
	int64_t expires;
	long long bits;
	int ret;

	if (same_table(subject, issuer)) {
		base_evidence(&ev, pc);
		tls_evidence(&ev, "tls-self-signed-cert", "Self-signed certificate", SEV_MEDIUM, pc->url);
		ev.description = arena_printf(a, "The certificate%s%s is signed by itself: clients cannot "
						  "verify the server.", cn ? " for " : "", cn ? cn : "");
		kvlist_add(&ev.properties, a, "subject_cn", cn);
		evidence_add_cwe(&ev, a, 295);
		if ((ret = emit(st, pc, &ev, err)) < 0)
			return ret;
	}
	if (not_after && pc->scan_time && ptime_parse(&expires, not_after, &ignore) == 0 &&
	    expires < pc->scan_time) {
		base_evidence(&ev, pc);
		tls_evidence(&ev, "tls-expired-cert", "Expired certificate", SEV_HIGH, pc->url);
		ev.description = arena_printf(a, "The certificate%s%s expired on %s, before the scan.",
					      cn ? " for " : "", cn ? cn : "", not_after);
		kvlist_add(&ev.properties, a, "not_after", not_after);
		evidence_add_cwe(&ev, a, 298);
		if ((ret = emit(st, pc, &ev, err)) < 0)
			return ret;
	}
	if (tls_weak_signature(sig)) {
		base_evidence(&ev, pc);
		tls_evidence(&ev, "tls-weak-signature", "Certificate signed with a weak hash", SEV_MEDIUM,
			     pc->url);
		ev.description = arena_printf(a, "The certificate is signed with %s.", sig);
		kvlist_add(&ev.properties, a, "signature_algorithm", sig);
		evidence_add_cwe(&ev, a, 328);
		if ((ret = emit(st, pc, &ev, err)) < 0)
			return ret;
	}
	if (type && !strcmp(type, "rsa") && xml_long(elem(pubkey, "bits"), 1, 1 << 20, &bits) &&
	    bits < 2048) {
		base_evidence(&ev, pc);
		tls_evidence(&ev, "tls-weak-key", "Certificate key shorter than 2048 bits", SEV_MEDIUM,
			     pc->url);
		ev.description = arena_printf(a, "The certificate's RSA key has %lld bits.", bits);
		evidence_add_cwe(&ev, a, 326);
		if ((ret = emit(st, pc, &ev, err)) < 0)
			return ret;
	}
	return 0;
}

static int sslv2(struct nmap_state *st, const struct port_ctx *pc, const struct xnode *script,
		 struct perr *err)
{
	const struct xnode *c;
	struct evidence ev;

	xnode_for_each_named(c, script, "elem")
		if (xnode_text(c) && strstr(xnode_text(c), "SSLv2 supported")) {
			base_evidence(&ev, pc);
			tls_evidence(&ev, tls_protocol_rule(pc->rec->arena, "SSLv2"),
				     "Deprecated protocol SSLv2 enabled", SEV_HIGH, pc->url);
			ev.description = "The server accepts SSLv2 connections.";
			return emit(st, pc, &ev, err);
		}
	return 0;
}

/*
 * vulners: a table per CPE of entries {id, type, cvss, is_exploit}. Each
 * entry of type "cve" is evidence; the others (exploit-db, GitHub
 * exploits, ...) point at exploits, not vulnerabilities.
 */
static int vulners(struct nmap_state *st, const struct port_ctx *pc, const struct xnode *script,
		   struct perr *err)
{
	struct arena *a = pc->rec->arena;
	const struct xnode *cpe, *e;
	struct evidence ev;
	char *end;
	int ret;

	xnode_for_each_named(cpe, script, "table") {
		xnode_for_each_named(e, cpe, "table") {
			const char *id = elem(e, "id"), *type = elem(e, "type"), *cvss = elem(e, "cvss");
			double score;

			if (!id || !type || strcmp(type, "cve") || !ids_is_cve(id))
				continue;
			base_evidence(&ev, pc);
			ev.rule_id = ids_normalize(a, id);
			evidence_add_vuln_id(&ev, a, ev.rule_id);
			ev.title = pc->service ? arena_printf(a, "%s in %s", ev.rule_id, pc->service)
					       : ev.rule_id;
			ev.description = arena_printf(a, "vulners lists %s for %s.", ev.rule_id,
						      xnode_attr(cpe, "key") ? xnode_attr(cpe, "key") : "the service");
			if (cvss) {
				errno = 0;
				score = strtod(cvss, &end);
				if (end != cvss && !*end && !errno && score >= 0 && score <= 10) {
					ev.cvss.score = score;
					ev.cvss.has_score = score > 0;
					ev.severity = severity_from_score(score);
					ev.severity_raw = cvss;
				}
			}
			ev.confidence = CONF_LOW; /* matched by product version only */
			strlist_add(&ev.references, a, arena_printf(a, "https://vulners.com/cve/%s", ev.rule_id));
			kvlist_add(&ev.properties, a, "cpe", xnode_attr(cpe, "key"));
			if (elem(e, "is_exploit") && !strcmp(elem(e, "is_exploit"), "true"))
				kvlist_add(&ev.properties, a, "exploit_available", "true");
			if ((ret = emit(st, pc, &ev, err)) < 0)
				return ret;
		}
	}
	return 0;
}

/* "VULNERABLE", "VULNERABLE (Exploitable)", "LIKELY VULNERABLE", "VULNERABLE (DoS)" */
static bool set_state(struct evidence *ev, const char *state)
{
	if (!state || !strstr(state, "VULNERABLE") || strstr(state, "NOT VULNERABLE"))
		return false;
	ev->confidence_raw = state;
	if (strstr(state, "Exploitable")) {
		ev->confidence = CONF_CONFIRMED;
		ev->validated = true;
	} else if (!strncmp(state, "LIKELY", 6)) {
		ev->confidence = CONF_MEDIUM;
	} else {
		ev->confidence = CONF_HIGH;
	}
	return true;
}

/*
 * A result of NSE's vulns library (ssl-heartbleed, smb-vuln-ms17-010,
 * http-vuln-*): a table with title, state, ids ("CVE:CVE-2014-0160"),
 * scores ("CVSSv2"), risk_factor, description, refs.
 */
static int vulns_table(struct nmap_state *st, const struct port_ctx *pc, const char *script_id,
		       const struct xnode *t, struct perr *err)
{
	struct arena *a = pc->rec->arena;
	const struct xnode *c;
	const char *desc = NULL, *risk = elem(t, "risk_factor"), *score_s = NULL;
	struct evidence ev;
	char *end;
	double score;

	base_evidence(&ev, pc);
	if (!set_state(&ev, elem(t, "state")))
		return 0;
	ev.rule_id = script_id;
	ev.title = elem(t, "title") ? elem(t, "title") : script_id;
	xnode_for_each_named(c, keyed(t, "table", "ids"), "elem") {
		const char *id = xnode_text(c), *colon = id ? strchr(id, ':') : NULL;

		if (colon && ids_is_vuln_id(colon + 1))
			evidence_add_vuln_id(&ev, a, ids_normalize(a, colon + 1));
	}
	xnode_for_each_named(c, keyed(t, "table", "description"), "elem")
		desc = desc ? arena_printf(a, "%s\n%s", desc, xnode_text(c)) : xnode_text(c);
	ev.description = desc ? desc : elem(t, "description");
	xnode_for_each_named(c, keyed(t, "table", "refs"), "elem")
		if (xnode_text(c) && !strncmp(xnode_text(c), "http", 4))
			strlist_add_unique(&ev.references, a, xnode_text(c));
	xnode_for_each(c, keyed(t, "table", "scores"))
		if (xnode_text(c) && !score_s) {
			score_s = xnode_text(c);
			/* keyed "CVSSv2" or "CVSSv3" */
			if (xnode_attr(c, "key") && !strcmp(xnode_attr(c, "key"), "CVSSv2"))
				ev.cvss.version = "2.0";
		}
	errno = 0;
	if (score_s && (score = strtod(score_s, &end)) > 0 && score <= 10 && end != score_s && !*end) {
		ev.cvss.score = score;
		ev.cvss.has_score = true;
		ev.severity = severity_from_score(score);
		ev.severity_raw = score_s;
	} else if (risk) {
		ev.severity = !strcasecmp(risk, "High") ? SEV_HIGH : !strcasecmp(risk, "Medium") ? SEV_MEDIUM :
			      !strcasecmp(risk, "Low") ? SEV_LOW : SEV_NONE;
		ev.severity_raw = risk;
	}
	if (!ev.loc.url)
		ev.loc.logical = arena_printf(a, "%s %s", pc->addr ? pc->addr : "?", script_id);
	kvlist_add(&ev.properties, a, "disclosure", elem(t, "disclosure"));
	return emit(st, pc, &ev, err);
}

static int scripts(struct nmap_state *st, const struct port_ctx *pc, const struct xnode *parent,
		   struct perr *err)
{
	const struct xnode *s, *t;
	int ret = 0;

	xnode_for_each_named(s, parent, "script") {
		const char *id = xnode_attr(s, "id");

		if (!id)
			continue;
		if (pc->url && !strcmp(id, "ssl-enum-ciphers"))
			ret = ssl_enum_ciphers(st, pc, s, err);
		else if (pc->url && !strcmp(id, "ssl-cert"))
			ret = ssl_cert(st, pc, s, err);
		else if (pc->url && !strcmp(id, "sslv2"))
			ret = sslv2(st, pc, s, err);
		else if (!strcmp(id, "vulners"))
			ret = vulners(st, pc, s, err);
		if (ret < 0)
			return ret;
		xnode_for_each_named(t, s, "table")
			if ((ret = vulns_table(st, pc, id, t, err)) < 0)
				return ret;
	}
	return 0;
}

static int on_port(struct nmap_state *st, const struct xrec *rec, struct perr *err)
{
	const struct xnode *port = rec->node, *run = xnode_ancestor(port, "nmaprun");
	const char *state = xnode_attr(xnode_child(port, "state"), "state");
	struct port_ctx pc;
	long long start, n;
	int ret;

	memset(&pc, 0, sizeof(pc));
	pc.rec = rec;
	pc.addr = xnode_attr(rec->ctx[CTX_ADDRESS], "addr");
	pc.host = host_name(rec);
	if (xml_long(xnode_attr(run, "start"), 1, INT64_MAX, &start))
		pc.scan_time = start;
	if (rec->which == REC_HOSTSCRIPT)
		return scripts(st, &pc, port, err);
	pc.port = xnode_attr(port, "portid");
	if (!pc.port || !xml_long(pc.port, 0, 65535, &n))
		return perr_set(err, P_EINVALID, "<port> 'portid' is not a port number: '%.40s'",
				pc.port ? pc.port : "(none)");
	/* only open ports answer: closed, filtered and open|filtered ones expose nothing */
	if (!state || strcmp(state, "open"))
		return 0;
	pc.url = port_url(rec->arena, pc.host, port);
	pc.service = service_text(rec->arena, xnode_child(port, "service"));
	if ((ret = emit_open_port(st, &pc, port, err)) < 0)
		return ret;
	return scripts(st, &pc, port, err);
}

static int on_record(const struct xrec *rec, void *payload, struct perr *err)
{
	struct nmap_state *st = payload;
	const char *v;

	if (rec->which == REC_FINISHED) {
		/* nmap stopped early: the hosts after the error were not scanned */
		if ((v = xnode_attr(rec->node, "exit")) && !strcmp(v, "error"))
			parse_warn(st->opts, "nmap ended with an error: %s",
				   xnode_attr(rec->node, "errormsg") ? xnode_attr(rec->node, "errormsg") : "?");
		return 0;
	}
	if (rec->which != XREC_SCOPE_END)
		return on_port(st, rec, err);
	if (xnode_is(rec->scope, "nmaprun"))
		parse_tool_seen(st->opts, "Nmap", xnode_attr(rec->scope, "version"));
	return 0;
}

int detect_nmap(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '<' || !parse_has(head, len, "<nmaprun"))
		return 0;
	return 100;
}

int parse_nmap(const char *buf, size_t len, const struct parse_opts *opts,
	       evidence_cb cb, void *payload, struct perr *err)
{
	struct nmap_state st = { opts, cb, payload };
	struct xrec_opts xo;
	long n;

	xrec_opts_from_stream(&xo, &opts->stream);
	n = xrec_parse(buf, len, &nmap_records, &xo, on_record, &st, err);
	return n < 0 ? (int)n : 0;
}
