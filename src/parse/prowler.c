/*
 * Prowler cloud posture results, two shapes:
 *
 * "prowler": Prowler 3 JSON (-M json), an array of flat findings
 *   {Provider, CheckID, CheckTitle, ServiceName, Status, StatusExtended,
 *   Severity, ResourceType, Description, Risk, RelatedUrl, Remediation
 *   {Code, Recommendation {Text, Url}}, Compliance {framework: [ids]},
 *   AccountId, Region, ResourceId, ResourceArn, ...}.
 * "prowler-ocsf": Prowler 4 OCSF JSON (-M json-ocsf), an array of OCSF
 *   Detection Findings {status_code, severity_id, severity, message,
 *   finding_info {uid, title, desc}, metadata {event_code, product
 *   {version}}, resources[*] {uid, name, type, region, group}, cloud
 *   {provider, region, account {uid}}, remediation {desc, references},
 *   unmapped {compliance, related_url, ...}}.
 *
 * Only failures are problems: Status/status_code FAIL. PASS, MANUAL and
 * INFO are skipped. A finding muted by an allowlist (Prowler 3 writes
 * Status WARNING, Prowler 4 status "Suppressed" or muted true) is
 * evidence marked suppressed. One evidence per resource of a finding.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/dastiac.h"

static const struct jrec_format prowler_records = {
	.records = { "[*]", NULL },
	.context = { NULL },
};

/* Prowler 4 can also write one finding per line. */
static const struct jrec_format prowler_lines = {
	.records = { "", NULL },
	.context = { NULL },
	.multiple = true,
};

struct prowler_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	bool seen;
};

static void seen(struct prowler_state *st, const char *version)
{
	if (!st->seen)
		parse_tool_seen(st->opts, "prowler", version);
	st->seen = true;
}

static int want_object(const struct jnode *n, struct perr *err)
{
	if (json_is(n, JOBJ))
		return 0;
	return perr_set(err, P_EINVALID, "finding is %s %s, not an object",
			n->type == JARR ? "an" : "a", json_type_name(n->type));
}

/* "CIS-1.4": ["2.1.5", "2.1.6"] -> tags "CIS-1.4:2.1.5", "CIS-1.4:2.1.6" */
static void add_compliance(struct evidence *ev, struct arena *a, const struct jnode *comp)
{
	const struct jnode *fw, *id;

	json_for_each(fw, comp) {
		if (json_text(fw))
			strlist_add_unique(&ev->tags, a, arena_printf(a, "%s:%s", fw->key, json_text(fw)));
		json_for_each(id, fw)
			if (json_text(id))
				strlist_add_unique(&ev->tags, a,
						   arena_printf(a, "%s:%s", fw->key, json_text(id)));
	}
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* --- Prowler 3 --- */

static int on_v3(const struct jrec *rec, void *payload, struct perr *err)
{
	struct prowler_state *st = payload;
	const struct jnode *f = rec->node, *rem;
	struct arena *a = rec->arena;
	const char *status, *sev;
	struct evidence ev;
	int ret;

	if ((ret = want_object(f, err)) < 0)
		return ret;
	seen(st, NULL);
	if ((ret = dastiac__want(err, json_get(f, "Status"), JSTR, "Status")) < 0)
		return ret;
	status = json_get_str(f, "Status");
	if (!status)
		return perr_set(err, P_EINVALID, "'Status' is missing");
	if (strcasecmp(status, "FAIL") && strcasecmp(status, "WARNING"))
		return 0;
	evidence_init(&ev);
	ev.tool = "prowler";
	ev.kind = KIND_CLOUD;
	ev.rule_id = json_get_str(f, "CheckID");
	if (!ev.rule_id)
		return perr_set(err, P_EINVALID, "'CheckID' is missing");
	ev.title = json_get_str(f, "CheckTitle");
	ev.description = nonempty(json_get_str(f, "StatusExtended"));
	if (!ev.description)
		ev.description = json_get_str(f, "Description");
	sev = json_get_str(f, "Severity");
	if (sev && !dastiac__severity(&ev.severity, sev))
		ev.severity_raw = sev;
	rem = json_get(f, "Remediation");
	ev.remediation = nonempty(json_get_str(json_get(rem, "Recommendation"), "Text"));
	ev.help_uri = nonempty(json_get_str(json_get(rem, "Recommendation"), "Url"));
	strlist_add_unique(&ev.references, a, ev.help_uri);
	strlist_add_unique(&ev.references, a, nonempty(json_get_str(f, "RelatedUrl")));
	add_compliance(&ev, a, json_get(f, "Compliance"));
	ev.loc.resource = nonempty(json_get_str(f, "ResourceArn"));
	if (!ev.loc.resource)
		ev.loc.resource = nonempty(json_get_str(f, "ResourceId"));
	ev.loc.provider = json_get_str(f, "Provider");
	if (!strcasecmp(status, "WARNING")) {
		ev.suppressed = true;
		ev.suppression_kind = "external";
		ev.suppression_justification = "allowlisted in Prowler";
	}
	kvlist_add(&ev.properties, a, "status", status);
	kvlist_add(&ev.properties, a, "region", nonempty(json_get_str(f, "Region")));
	kvlist_add(&ev.properties, a, "account_id", nonempty(json_get_str(f, "AccountId")));
	kvlist_add(&ev.properties, a, "service", nonempty(json_get_str(f, "ServiceName")));
	kvlist_add(&ev.properties, a, "resource_type", nonempty(json_get_str(f, "ResourceType")));
	kvlist_add(&ev.properties, a, "resource_id", nonempty(json_get_str(f, "ResourceId")));
	kvlist_add(&ev.properties, a, "risk", nonempty(json_get_str(f, "Risk")));
	kvlist_add(&ev.properties, a, "finding_uid", nonempty(json_get_str(f, "FindingUniqueId")));
	kvlist_add(&ev.properties, a, "remediation_cli",
		   nonempty(json_get_str(json_get(rem, "Code"), "CLI")));
	return st->cb(&ev, st->payload, err);
}

int detect_prowler(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '[')
		return 0;
	if (parse_has(head, len, "\"CheckID\"") && parse_has(head, len, "\"Status\"") &&
	    (parse_has(head, len, "\"Provider\"") || parse_has(head, len, "\"ResourceArn\"")))
		return 95;
	return 0;
}

int parse_prowler(const char *buf, size_t len, const struct parse_opts *opts,
		  evidence_cb cb, void *payload, struct perr *err)
{
	struct prowler_state st = { opts, cb, payload, false };
	long n = jrec_parse(buf, len, &prowler_records, &opts->stream, on_v3, &st, err);

	if (n < 0)
		return (int)n;
	seen(&st, NULL);
	return 0;
}

/* --- Prowler 4, OCSF --- */

/* OCSF severity_id: 1 informational ... 5 critical, 6 fatal; 0 and 99 say nothing */
static void set_ocsf_severity(struct evidence *ev, const struct jnode *f)
{
	static const enum severity by_id[] = { SEV_NONE, SEV_INFO, SEV_LOW, SEV_MEDIUM,
					       SEV_HIGH, SEV_CRITICAL, SEV_CRITICAL };
	const char *sev = json_get_str(f, "severity");
	long long id;

	if (json_get_int(f, "severity_id", &id) && id >= 0 && id <= 6) {
		ev->severity = by_id[id];
		ev->severity_raw = sev ? sev : json_text(json_get(f, "severity_id"));
		return;
	}
	if (sev && !dastiac__severity(&ev->severity, sev))
		ev->severity_raw = sev;
}

static int on_ocsf(const struct jrec *rec, void *payload, struct perr *err)
{
	struct prowler_state *st = payload;
	const struct jnode *f = rec->node, *info, *meta, *cloud, *rem, *res, *c, *unmapped;
	struct arena *a = rec->arena;
	const char *code, *status;
	struct evidence ev;
	bool muted = false;
	int ret;

	if ((ret = want_object(f, err)) < 0)
		return ret;
	meta = json_get(f, "metadata");
	seen(st, json_get_str(json_get(meta, "product"), "version"));
	code = json_get_str(f, "status_code");
	if (!code)
		return perr_set(err, P_EINVALID, "'status_code' is missing");
	if (strcasecmp(code, "FAIL"))
		return 0;
	res = json_get(f, "resources");
	if ((ret = dastiac__want(err, res, JARR, "resources")) < 0)
		return ret;
	info = json_get(f, "finding_info");
	cloud = json_get(f, "cloud");
	rem = json_get(f, "remediation");
	unmapped = json_get(f, "unmapped");
	evidence_init(&ev);
	ev.tool = "prowler";
	ev.tool_version = json_get_str(json_get(meta, "product"), "version");
	ev.kind = KIND_CLOUD;
	ev.rule_id = json_get_str(meta, "event_code");
	if (!ev.rule_id)
		ev.rule_id = json_get_str(unmapped, "check_id");
	if (!ev.rule_id)
		return perr_set(err, P_EINVALID, "'metadata.event_code' is missing");
	ev.title = json_get_str(info, "title");
	ev.description = nonempty(json_get_str(f, "status_detail"));
	if (!ev.description)
		ev.description = nonempty(json_get_str(f, "message"));
	if (!ev.description)
		ev.description = json_get_str(info, "desc");
	set_ocsf_severity(&ev, f);
	ev.remediation = nonempty(json_get_str(rem, "desc"));
	json_for_each(c, json_get(rem, "references"))
		if (json_str(c) && (!strncmp(json_str(c), "http://", 7) ||
				    !strncmp(json_str(c), "https://", 8)))
			strlist_add_unique(&ev.references, a, json_str(c));
	strlist_add_unique(&ev.references, a, nonempty(json_get_str(unmapped, "related_url")));
	if (ev.references.n)
		ev.help_uri = ev.references.v[0];
	add_compliance(&ev, a, json_get(unmapped, "compliance"));
	ev.loc.provider = json_get_str(cloud, "provider");
	status = json_get_str(f, "status");
	json_get_bool(f, "muted", &muted);
	if (muted || (status && !strcasecmp(status, "Suppressed"))) {
		ev.suppressed = true;
		ev.suppression_kind = "external";
		ev.suppression_justification = "muted in Prowler";
	}
	kvlist_add(&ev.properties, a, "account_id",
		   nonempty(json_get_str(json_get(cloud, "account"), "uid")));
	kvlist_add(&ev.properties, a, "finding_uid", nonempty(json_get_str(info, "uid")));
	kvlist_add(&ev.properties, a, "risk", nonempty(json_get_str(f, "risk_details")));
	if (!res || !res->first) {
		kvlist_add(&ev.properties, a, "region", nonempty(json_get_str(cloud, "region")));
		return st->cb(&ev, st->payload, err);
	}
	json_for_each(c, res) {
		struct evidence one = ev;
		const char *region = nonempty(json_get_str(c, "region"));
		size_t k;

		one.properties.v = NULL;
		one.properties.n = one.properties.alloc = 0;
		for (k = 0; k < ev.properties.n; k++)
			kvlist_add(&one.properties, a, ev.properties.v[k].key, ev.properties.v[k].value);
		one.loc.resource = nonempty(json_get_str(c, "uid"));
		if (!one.loc.resource)
			one.loc.resource = nonempty(json_get_str(c, "name"));
		kvlist_add(&one.properties, a, "region",
			   region ? region : nonempty(json_get_str(cloud, "region")));
		kvlist_add(&one.properties, a, "resource_type", nonempty(json_get_str(c, "type")));
		kvlist_add(&one.properties, a, "resource_name", nonempty(json_get_str(c, "name")));
		kvlist_add(&one.properties, a, "service",
			   nonempty(json_get_str(json_get(c, "group"), "name")));
		if ((ret = st->cb(&one, st->payload, err)) < 0)
			return ret;
	}
	return 0;
}

int detect_prowler_ocsf(const char *head, size_t len)
{
	int c = parse_first_char(head, len);

	if (c != '[' && c != '{')
		return 0;
	if (parse_has(head, len, "\"status_code\"") && parse_has(head, len, "\"finding_info\"") &&
	    (parse_has(head, len, "Prowler") || parse_has(head, len, "prowler")))
		return 95;
	return 0;
}

int parse_prowler_ocsf(const char *buf, size_t len, const struct parse_opts *opts,
		       evidence_cb cb, void *payload, struct perr *err)
{
	struct prowler_state st = { opts, cb, payload, false };
	const struct jrec_format *fmt =
		parse_first_char(buf, len) == '[' ? &prowler_records : &prowler_lines;
	long n = jrec_parse(buf, len, fmt, &opts->stream, on_ocsf, &st, err);

	if (n < 0)
		return (int)n;
	seen(&st, NULL);
	return 0;
}
