/*
 * testssl.sh results: the flat JSON of --jsonfile (an array of findings),
 * the --jsonfile-pretty object (scanResult[*] with one array per section,
 * plus clientProblemN at the top), and the CSV of --csvfile (format
 * "testssl-csv"). The three carry the same findings: id, host/ip, port,
 * severity, cve, cwe, finding (and sometimes hint).
 *
 * Severity: OK findings say a check passed and are not problems: skipped.
 * INFO is kept as info. LOW/MEDIUM/HIGH/CRITICAL map directly. WARN and
 * FATAL are problems of the scan itself (the client's OpenSSL lacks a
 * feature, a check could not run): they become warnings, not evidence.
 * DEBUG is skipped. The "service" row (the protocol testssl detected) is
 * a fact about the port, not a finding, and is skipped too.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/dastiac.h"
#include "model/ids.h"
#include "util/csv.h"

struct tls_finding {
	const char *id, *host, *ip, *port, *severity, *cve, *cwe, *finding, *hint;
};

struct testssl_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	bool seen;
};

static void seen(struct testssl_state *st, const char *version)
{
	if (!st->seen)
		parse_tool_seen(st->opts, "testssl.sh", version);
	st->seen = true;
}

/* "3.0.8  from " -> "3.0.8" */
static const char *clean_version(struct arena *a, const char *v)
{
	size_t n;

	if (!v)
		return NULL;
	v += strspn(v, " ");
	n = strcspn(v, " ");
	return n ? arena_strndup(a, v, n) : NULL;
}

/*
 * Emit one finding; place names where it came from for error messages
 * ("line 5"). Returns 0 for a skipped finding.
 */
static int emit(struct testssl_state *st, struct arena *a, const struct tls_finding *f,
		const char *version, struct perr *err)
{
	struct evidence ev;
	const char *sev = f->severity, *p;

	if (!f->id || !*f->id)
		return perr_set(err, P_EINVALID, "'id' is missing");
	if (!sev)
		return perr_set(err, P_EINVALID, "'severity' is missing");
	if (!strcasecmp(sev, "OK") || !strcasecmp(sev, "DEBUG") || !strcmp(f->id, "service"))
		return 0;
	if (!strcasecmp(sev, "WARN") || !strcasecmp(sev, "FATAL")) {
		parse_warn(st->opts, "testssl.sh could not check everything: %s: %s", f->id,
			   f->finding ? f->finding : "(no detail)");
		return 0;
	}
	evidence_init(&ev);
	ev.tool = "testssl.sh";
	ev.tool_version = version;
	ev.kind = KIND_DAST;
	ev.rule_id = f->id;
	ev.title = f->id;
	ev.description = f->finding && *f->finding ? f->finding : NULL;
	ev.remediation = f->hint && *f->hint ? f->hint : NULL;
	ev.severity_raw = sev;
	if (dastiac__severity(&ev.severity, sev) < 0)
		return perr_set(err, P_EINVALID, "unknown severity '%s' for '%s'", sev, f->id);
	if (f->host && *f->host && f->port && *f->port)
		ev.loc.url = strcmp(f->port, "443") ?
			arena_printf(a, "https://%s:%s", f->host, f->port) :
			arena_printf(a, "https://%s", f->host);
	ids_scan_text(&ev, a, f->cve);
	for (p = f->cwe; p && *p; p += strcspn(p, " ,")) {
		p += strspn(p, " ,");
		evidence_add_cwe_text(&ev, a, p);
	}
	if (f->ip && *f->ip)
		kvlist_add(&ev.properties, a, "ip", f->ip);
	kvlist_add(&ev.properties, a, "port", f->port);
	return st->cb(&ev, st->payload, err);
}

/* "host/ip" of the flat JSON and the CSV, split in place into the arena. */
static void split_host(struct arena *a, const char *fqdn_ip, struct tls_finding *f)
{
	const char *slash;

	if (!fqdn_ip)
		return;
	slash = strchr(fqdn_ip, '/');
	if (!slash) {
		f->host = f->ip = fqdn_ip;
		return;
	}
	f->host = arena_strndup(a, fqdn_ip, (size_t)(slash - fqdn_ip));
	f->ip = slash + 1;
}

static void from_json(struct tls_finding *f, const struct jnode *n)
{
	f->id = json_get_str(n, "id");
	f->severity = json_get_str(n, "severity");
	f->cve = json_get_str(n, "cve");
	f->cwe = json_get_str(n, "cwe");
	f->finding = json_text(json_get(n, "finding"));
	f->hint = json_get_str(n, "hint");
}

/* --- the flat JSON (--jsonfile) --- */

static const struct jrec_format flat_records = {
	.records = { "[*]", NULL },
	.context = { NULL },
};

static int on_flat(const struct jrec *rec, void *payload, struct perr *err)
{
	struct testssl_state *st = payload;
	struct tls_finding f;

	if (!json_is(rec->node, JOBJ))
		return perr_set(err, P_EINVALID, "finding is %s %s, not an object",
				rec->node->type == JARR ? "an" : "a", json_type_name(rec->node->type));
	memset(&f, 0, sizeof(f));
	from_json(&f, rec->node);
	split_host(rec->arena, json_get_str(rec->node, "ip"), &f);
	f.port = json_text(json_get(rec->node, "port"));
	return emit(st, rec->arena, &f, NULL, err);
}

/* --- the pretty JSON (--jsonfile-pretty) --- */

enum { CTX_VERSION, CTX_HOST, CTX_IP, CTX_PORT };

static const struct jrec_format pretty_records = {
	.records = { "clientProblem1[*]", "scanResult[*].pretest[*]",
		     "scanResult[*].protocols[*]", "scanResult[*].grease[*]",
		     "scanResult[*].ciphers[*]", "scanResult[*].pfs[*]", "scanResult[*].fs[*]",
		     "scanResult[*].serverPreferences[*]", "scanResult[*].serverDefaults[*]",
		     "scanResult[*].headerResponse[*]", "scanResult[*].vulnerabilities[*]",
		     "scanResult[*].cipherTests[*]", "scanResult[*].browserSimulations[*]",
		     "scanResult[*].rating[*]", "scanResult[*].singleCipher[*]", NULL },
	.context = { "version", "scanResult[*].targetHost", "scanResult[*].ip",
		     "scanResult[*].port", NULL },
	.scope_end = true,
};

static int on_pretty(const struct jrec *rec, void *payload, struct perr *err)
{
	struct testssl_state *st = payload;
	const char *version = clean_version(rec->arena, json_str(rec->ctx[CTX_VERSION]));
	struct tls_finding f;

	seen(st, version);
	if (rec->which == JREC_SCOPE_END)
		return 0;
	if (!json_is(rec->node, JOBJ))
		return perr_set(err, P_EINVALID, "finding is %s %s, not an object",
				rec->node->type == JARR ? "an" : "a", json_type_name(rec->node->type));
	memset(&f, 0, sizeof(f));
	from_json(&f, rec->node);
	f.host = json_text(rec->ctx[CTX_HOST]);
	f.ip = json_text(rec->ctx[CTX_IP]);
	f.port = json_text(rec->ctx[CTX_PORT]);
	return emit(st, rec->arena, &f, version, err);
}

int detect_testssl(const char *head, size_t len)
{
	int c = parse_first_char(head, len);

	if (c == '{' && parse_has(head, len, "\"scanResult\"") &&
	    (parse_has(head, len, "\"targetHost\"") || parse_has(head, len, "\"Invocation\"")))
		return 95;
	if (c == '[' && parse_has(head, len, "\"finding\"") && parse_has(head, len, "\"severity\"") &&
	    parse_has(head, len, "\"port\"") && parse_has(head, len, "\"ip\""))
		return 85;
	return 0;
}

int parse_testssl(const char *buf, size_t len, const struct parse_opts *opts,
		  evidence_cb cb, void *payload, struct perr *err)
{
	struct testssl_state st = { opts, cb, payload, false };
	long n;

	if (parse_first_char(buf, len) == '[')
		n = jrec_parse(buf, len, &flat_records, &opts->stream, on_flat, &st, err);
	else
		n = jrec_parse(buf, len, &pretty_records, &opts->stream, on_pretty, &st, err);
	if (n < 0)
		return (int)n;
	seen(&st, NULL);
	return 0;
}

/* --- CSV (--csvfile) --- */

static const char *const csv_header[] = { "id", "fqdn/ip", "port", "severity", "finding" };

int detect_testssl_csv(const char *head, size_t len)
{
	size_t i, n = len;
	const char *p = head;

	if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
		p += 3;
		n -= 3;
	}
	/* the header, every field quoted: "id","fqdn/ip","port","severity","finding",... */
	for (i = 0; i < ARRAY_SIZE(csv_header); i++) {
		size_t k = strlen(csv_header[i]);

		if (n < k + 3 || p[0] != '"' || memcmp(p + 1, csv_header[i], k) || p[k + 1] != '"')
			return 0;
		p += k + 2;
		n -= k + 2;
		if (i + 1 < ARRAY_SIZE(csv_header)) {
			if (*p != ',')
				return 0;
			p++;
			n--;
		}
	}
	return 95;
}

int parse_testssl_csv(const char *buf, size_t len, const struct parse_opts *opts,
		      evidence_cb cb, void *payload, struct perr *err)
{
	struct testssl_state st = { opts, cb, payload, false };
	struct csv c;
	struct arena a = ARENA_INIT;
	int col[ARRAY_SIZE(csv_header)], cve, cwe, hint, ret;
	size_t i;

	csv_init(&c, buf, len, ',');
	if ((ret = csv_next(&c, err)) <= 0) {
		if (!ret)
			ret = perr_set(err, P_EINVALID, "empty file: no header row");
		goto done;
	}
	for (i = 0; i < ARRAY_SIZE(csv_header); i++)
		if ((col[i] = csv_find(&c, csv_header[i])) < 0) {
			ret = perr_set(err, P_EINVALID, "line 1: no '%s' column", csv_header[i]);
			goto done;
		}
	cve = csv_find(&c, "cve");
	cwe = csv_find(&c, "cwe");
	hint = csv_find(&c, "hint");
	seen(&st, NULL);
	while ((ret = csv_next(&c, err)) > 0) {
		struct tls_finding f;

#define FIELD(k) ((k) >= 0 && (size_t)(k) < c.nfields ? c.field[k] : NULL)
		if (c.nfields == 1 && !*c.field[0])
			continue; /* a blank line */
		memset(&f, 0, sizeof(f));
		f.id = FIELD(col[0]);
		split_host(&a, FIELD(col[1]), &f);
		f.port = FIELD(col[2]);
		f.severity = FIELD(col[3]);
		f.finding = FIELD(col[4]);
		f.cve = FIELD(cve);
		f.cwe = FIELD(cwe);
		f.hint = FIELD(hint);
#undef FIELD
		if ((ret = emit(&st, &a, &f, NULL, err)) < 0) {
			perr_prefix(err, "line %zu", c.line);
			goto done;
		}
		arena_reset(&a);
	}
done:
	arena_release(&a);
	csv_release(&c);
	return ret < 0 ? ret : 0;
}
