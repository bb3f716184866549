/*
 * sslscan's XML output (`sslscan --xml=FILE host:port`, 1.x and 2.x): one
 * ssltest per target, turned into one evidence per TLS problem, with the
 * rule ids and severities nmap's TLS evidence uses (src/parse/tlscheck.h).
 * sslscan rates ciphers but reports no findings; the rules are in
 * docs/formats/sslscan.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/xrec.h"
#include "parse/xmltext.h"
#include "parse/tlscheck.h"
#include "parse/xml_severity.h"

#define MAX_LIST 2048

static const struct xrec_format sslscan_records = {
	.records = { "document/ssltest", NULL },
	.context = { NULL },
	.root = "document",
	.scope_end = true,
};

struct sslscan_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

struct target {
	struct sslscan_state *st;
	const struct xrec *rec;
	const char *url, *version;
};

static bool on(const char *v)
{
	return v && (!strcmp(v, "1") || !strcasecmp(v, "true"));
}

static bool off(const char *v)
{
	return v && (!strcmp(v, "0") || !strcasecmp(v, "false"));
}

static int emit(struct target *t, const char *rule, const char *title, enum severity sev,
		const char *desc, struct evidence *ev, struct perr *err)
{
	const struct xnode *test = t->rec->node;

	ev->tool = "sslscan";
	ev->tool_version = t->version;
	tls_evidence(ev, rule, title, sev, t->url);
	ev->description = desc;
	kvlist_add(&ev->properties, t->rec->arena, "host", xnode_attr(test, "host"));
	kvlist_add(&ev->properties, t->rec->arena, "port", xnode_attr(test, "port"));
	if (xnode_attr(test, "sniname") && strcmp(xnode_attr(test, "sniname"), xnode_attr(test, "host")))
		kvlist_add(&ev->properties, t->rec->arena, "sni_name", xnode_attr(test, "sniname"));
	return t->st->cb(ev, t->st->payload, err);
}

static const char *or_q(const char *s)
{
	return s ? s : "?";
}

static void add_listed(struct arena *a, const char **list, const char *item)
{
	if (!item || (*list && strstr(*list, item)))
		return;
	if (*list && strlen(*list) > MAX_LIST)
		return;
	*list = *list ? arena_printf(a, "%s\n%s", *list, item) : item;
}

/*
 * The problem class of an accepted cipher: "null" (no encryption),
 * "anonymous" (no authentication), "weak" (under 128 bits, RC4, DES,
 * 3DES, export), or NULL: sslscan 2's strength words null, anonymous
 * and weak, else the name and bits (sslscan 2 rates RC4 and 3DES
 * "medium"; sslscan 1 rates nothing).
 */
const char *sslscan__cipher_problem(const char *strength, const char *name, long long bits)
{
	if (strength && !strcmp(strength, "null"))
		return "null";
	if (strength && !strcmp(strength, "anonymous"))
		return "anonymous";
	if (strength && !strcmp(strength, "weak"))
		return "weak";
	if (name && (strstr(name, "NULL") || (bits == 0 && !strength)))
		return "null";
	if (name && (!strncmp(name, "ADH-", 4) || !strncmp(name, "AECDH-", 6) || strstr(name, "_anon_")))
		return "anonymous";
	if ((bits > 0 && bits < 128) ||
	    (name && (strstr(name, "RC4") || strstr(name, "DES-CBC") || strstr(name, "3DES") ||
		      strstr(name, "EXP-") || strstr(name, "EXPORT") || strstr(name, "_DES_"))))
		return "weak";
	return NULL;
}

static int protocols(struct target *t, struct perr *err)
{
	const struct xnode *test = t->rec->node, *p, *c;
	struct arena *a = t->rec->arena;
	const char *seen = NULL;
	bool have_protocols = xnode_child(test, "protocol") != NULL;
	struct evidence ev;
	int ret;

	xnode_for_each_named(p, test, "protocol") {
		const char *name = tls_protocol(xnode_attr(p, "type"), xnode_attr(p, "version"));
		enum severity sev = tls_protocol_severity(name);

		if (!on(xnode_attr(p, "enabled")) || sev == SEV_NONE)
			continue;
		evidence_init(&ev);
		if ((ret = emit(t, tls_protocol_rule(a, name),
				arena_printf(a, "Deprecated protocol %s enabled", name), sev,
				arena_printf(a, "The server accepts %s connections.", name), &ev, err)) < 0)
			return ret;
	}
	if (have_protocols)
		return 0;
	/* sslscan 1 lists no protocols: a protocol with an accepted cipher is enabled */
	xnode_for_each_named(c, test, "cipher") {
		const char *v = xnode_attr(c, "sslversion"), *name;
		enum severity sev;

		if (!v || (seen && strstr(seen, v)))
			continue;
		seen = seen ? arena_printf(a, "%s %s", seen, v) : v;
		name = !strcmp(v, "TLSv1") ? "TLSv1.0" : tls_protocol(v, NULL);
		if ((sev = tls_protocol_severity(name)) == SEV_NONE)
			continue;
		evidence_init(&ev);
		if ((ret = emit(t, tls_protocol_rule(a, name),
				arena_printf(a, "Deprecated protocol %s enabled", name), sev,
				arena_printf(a, "The server accepts %s connections.", name), &ev, err)) < 0)
			return ret;
	}
	return 0;
}

static int ciphers(struct target *t, struct perr *err)
{
	static const struct {
		const char *problem, *rule, *title, *what;
		enum severity sev;
	} classes[] = {
		{ "null", "tls-null-cipher", "NULL cipher suites accepted", "without encryption", SEV_HIGH },
		{ "anonymous", "tls-anonymous-cipher", "Anonymous cipher suites accepted",
		  "without server authentication", SEV_HIGH },
		{ "weak", "tls-weak-cipher", "Weak cipher suites accepted",
		  "with weak encryption (under 128 bits, RC4, DES, 3DES or export grade)", SEV_MEDIUM },
	};
	const char *lists[ARRAY_SIZE(classes)] = { NULL };
	const struct xnode *test = t->rec->node, *c;
	struct arena *a = t->rec->arena;
	struct evidence ev;
	size_t i;
	int ret;

	xnode_for_each_named(c, test, "cipher") {
		const char *name = xnode_attr(c, "cipher"), *status = xnode_attr(c, "status"), *problem, *line;
		long long bits = -1;

		if (status && strcmp(status, "accepted") && strcmp(status, "preferred"))
			continue;
		if (!xml_long(xnode_attr(c, "bits"), 0, 1 << 16, &bits))
			bits = -1;
		if (!(problem = sslscan__cipher_problem(xnode_attr(c, "strength"), name, bits)))
			continue;
		line = arena_printf(a, "%s %s (%s bits)", or_q(xnode_attr(c, "sslversion")), or_q(name),
				    or_q(xnode_attr(c, "bits")));
		for (i = 0; i < ARRAY_SIZE(classes); i++)
			if (!strcmp(problem, classes[i].problem))
				add_listed(a, &lists[i], line);
	}
	for (i = 0; i < ARRAY_SIZE(classes); i++) {
		if (!lists[i])
			continue;
		evidence_init(&ev);
		if ((ret = emit(t, classes[i].rule, classes[i].title, classes[i].sev,
				arena_printf(a, "The server accepts cipher suites %s:\n%s", classes[i].what, lists[i]),
				&ev, err)) < 0)
			return ret;
	}
	return 0;
}

static int certificate(struct target *t, struct perr *err)
{
	const struct xnode *test = t->rec->node;
	const struct xnode *cert = xnode_path(test, "certificates/certificate");
	struct arena *a = t->rec->arena;
	const char *subject, *sig, *type, *after;
	struct evidence ev;
	long long bits;
	int ret;

	if (!cert)
		cert = xnode_child(test, "certificate"); /* sslscan 1 */
	if (!cert)
		return 0;
	subject = xnode_path_text(cert, "subject");
	sig = xnode_path_text(cert, "signature-algorithm");
	after = xnode_path_text(cert, "not-valid-after");
	if (on(xnode_path_text(cert, "self-signed"))) {
		evidence_init(&ev);
		evidence_add_cwe(&ev, a, 295);
		kvlist_add(&ev.properties, a, "subject", subject);
		if ((ret = emit(t, "tls-self-signed-cert", "Self-signed certificate", SEV_MEDIUM,
				arena_printf(a, "The certificate%s%s is signed by itself: clients cannot verify "
					     "the server.", subject ? " for " : "", subject ? subject : ""),
				&ev, err)) < 0)
			return ret;
	}
	if (on(xnode_path_text(cert, "expired"))) {
		evidence_init(&ev);
		evidence_add_cwe(&ev, a, 298);
		kvlist_add(&ev.properties, a, "not_after", after);
		if ((ret = emit(t, "tls-expired-cert", "Expired certificate", SEV_HIGH,
				arena_printf(a, "The certificate%s%s expired%s%s.", subject ? " for " : "",
					     subject ? subject : "", after ? " on " : "", after ? after : ""),
				&ev, err)) < 0)
			return ret;
	}
	if (tls_weak_signature(sig)) {
		evidence_init(&ev);
		evidence_add_cwe(&ev, a, 328);
		kvlist_add(&ev.properties, a, "signature_algorithm", sig);
		if ((ret = emit(t, "tls-weak-signature", "Certificate signed with a weak hash", SEV_MEDIUM,
				arena_printf(a, "The certificate is signed with %s.", sig), &ev, err)) < 0)
			return ret;
	}
	type = xnode_attr(xnode_child(cert, "pk"), "type");
	if (type && !strcasecmp(type, "RSA") &&
	    xml_long(xnode_attr(xnode_child(cert, "pk"), "bits"), 1, 1 << 20, &bits) && bits < 2048) {
		evidence_init(&ev);
		evidence_add_cwe(&ev, a, 326);
		if ((ret = emit(t, "tls-weak-key", "Certificate key shorter than 2048 bits", SEV_MEDIUM,
				arena_printf(a, "The certificate's RSA key has %lld bits.", bits), &ev, err)) < 0)
			return ret;
	}
	return 0;
}

static int features(struct target *t, struct perr *err)
{
	const struct xnode *test = t->rec->node, *h;
	const struct xnode *reneg = xnode_child(test, "renegotiation");
	const struct xnode *fallback = xnode_child(test, "fallback");
	struct arena *a = t->rec->arena;
	const char *bleeding = NULL, *p;
	bool deprecated = false;
	struct evidence ev;
	int ret;

	xnode_for_each_named(h, test, "heartbleed")
		if (on(xnode_attr(h, "vulnerable")))
			add_listed(a, &bleeding, xnode_attr(h, "sslversion") ? xnode_attr(h, "sslversion") : "?");
	if (bleeding) {
		evidence_init(&ev);
		evidence_add_vuln_id(&ev, a, "CVE-2014-0160");
		evidence_add_cwe(&ev, a, 125);
		ev.validated = true;
		ev.confidence = CONF_CONFIRMED;
		if ((ret = emit(t, "tls-heartbleed", "Heartbleed (OpenSSL heartbeat read overrun)", SEV_CRITICAL,
				arena_printf(a, "The server answers malformed heartbeat requests with its "
					     "memory (tested over %s).", bleeding), &ev, err)) < 0)
			return ret;
	}
	if (on(xnode_attr(xnode_child(test, "compression"), "supported"))) {
		evidence_init(&ev);
		evidence_add_vuln_id(&ev, a, "CVE-2012-4929");
		if ((ret = emit(t, "tls-compression", "TLS compression enabled (CRIME)", SEV_MEDIUM,
				"The server compresses TLS records, which exposes secrets to the CRIME attack.",
				&ev, err)) < 0)
			return ret;
	}
	if (on(xnode_attr(reneg, "supported")) && off(xnode_attr(reneg, "secure"))) {
		evidence_init(&ev);
		evidence_add_vuln_id(&ev, a, "CVE-2009-3555");
		if ((ret = emit(t, "tls-insecure-renegotiation", "Insecure TLS renegotiation supported",
				SEV_MEDIUM, "The server supports renegotiation without RFC 5746's secure "
				"renegotiation extension: a man in the middle can inject data.", &ev, err)) < 0)
			return ret;
	}
	/* without TLS_FALLBACK_SCSV, a client can be downgraded to the deprecated protocols offered */
	xnode_for_each_named(h, test, "protocol") {
		p = tls_protocol(xnode_attr(h, "type"), xnode_attr(h, "version"));
		if (on(xnode_attr(h, "enabled")) && tls_protocol_severity(p) != SEV_NONE)
			deprecated = true;
	}
	if (fallback && off(xnode_attr(fallback, "supported")) && deprecated) {
		evidence_init(&ev);
		if ((ret = emit(t, "tls-no-fallback-scsv", "TLS_FALLBACK_SCSV not supported", SEV_LOW,
				"The server does not support TLS_FALLBACK_SCSV (RFC 7507) while it offers "
				"deprecated protocols: clients can be downgraded to them.", &ev, err)) < 0)
			return ret;
	}
	return 0;
}

static int on_ssltest(struct sslscan_state *st, const struct xrec *rec, struct perr *err)
{
	const struct xnode *test = rec->node;
	const char *host = xnode_attr(test, "host"), *port = xnode_attr(test, "port");
	struct target t = { st, rec, NULL, NULL };
	long long n;
	int ret;

	if (!host || !*host)
		return perr_set(err, P_EINVALID, "<ssltest> has no 'host' attribute");
	if (port && !xml_long(port, 1, 65535, &n))
		return perr_set(err, P_EINVALID, "<ssltest> 'port' is not a port number: '%.40s'", port);
	/* sslscan writes an <error> instead of results when it cannot connect */
	if (xnode_child(test, "error"))
		parse_warn(st->opts, "sslscan could not test %s:%s: %s", host, port ? port : "443",
			   xnode_path_text(test, "error") ? xnode_path_text(test, "error") : "?");
	t.url = tls_url(rec->arena, host, port ? port : "443");
	t.version = xnode_attr(xnode_ancestor(test, "document"), "version");
	if ((ret = protocols(&t, err)) < 0 || (ret = ciphers(&t, err)) < 0 ||
	    (ret = features(&t, err)) < 0 || (ret = certificate(&t, err)) < 0)
		return ret;
	return 0;
}

static int on_record(const struct xrec *rec, void *payload, struct perr *err)
{
	struct sslscan_state *st = payload;

	if (rec->which == XREC_SCOPE_END) {
		parse_tool_seen(st->opts, "sslscan", xnode_attr(rec->scope, "version"));
		return 0;
	}
	return on_ssltest(st, rec, err);
}

int detect_sslscan(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '<' || !parse_has(head, len, "<document"))
		return 0;
	if (parse_has(head, len, "<ssltest"))
		return 100;
	if (parse_has(head, len, "SSLScan Results") || parse_has(head, len, "rbsec/sslscan"))
		return 90;
	return 0;
}

int parse_sslscan(const char *buf, size_t len, const struct parse_opts *opts,
		  evidence_cb cb, void *payload, struct perr *err)
{
	struct sslscan_state st = { opts, cb, payload };
	struct xrec_opts xo;
	long n;

	xrec_opts_from_stream(&xo, &opts->stream);
	n = xrec_parse(buf, len, &sslscan_records, &xo, on_record, &st, err);
	return n < 0 ? (int)n : 0;
}
