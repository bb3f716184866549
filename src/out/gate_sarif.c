/*
 * A gate run as SARIF 2.1.0 for code-scanning upload: one run of the
 * "posture" driver, a rule per rule id (help text from the tool, or the
 * title), a result per item with the gate's decision as its level,
 * posture's fingerprint as a partial fingerprint (so that an alert keeps
 * its identity across uploads) and GitHub's security-severity property.
 * tests/schemas/sarif-schema-2.1.0.json is the schema the tests validate it with.
 */
#include "posture.h"
#include "out/gate.h"
#include "out/jw.h"
#include "util/alloc.h"
#include "util/strmap.h"

#define FALLBACK_RULE_MAX 64

/* The rule id of an item: the tool's, else one per kind ("posture/sca"). */
static const char *rule_of(const struct gate_item *it, char buf[static FALLBACK_RULE_MAX])
{
	if (it->rule_id && *it->rule_id)
		return it->rule_id;
	snprintf(buf, FALLBACK_RULE_MAX, "posture/%s", kind_name(it->kind));
	return buf;
}

static const char *level_of(const struct gate_item *it)
{
	return it->decision == GATE_BLOCKS ? "error" : it->decision == GATE_WARNS ? "warning" : "note";
}

static void text_obj(struct jw *w, const char *key, const char *text)
{
	jw_key(w, key);
	jw_obj_open(w);
	jw_kstr(w, "text", text);
	jw_obj_close(w);
}

static void write_rule(struct jw *w, const struct gate_run *run, const struct gate_item *it,
		       const char *id)
{
	char sev[16];
	const char *help = it->description && *it->description ? it->description : it->title;

	jw_obj_open(w);
	jw_kstr(w, "id", id);
	text_obj(w, "shortDescription", it->title ? it->title : id);
	text_obj(w, "fullDescription", help ? help : id);
	jw_key(w, "help");
	jw_obj_open(w);
	jw_kstr(w, "text", help ? help : id);
	jw_obj_close(w);
	if (it->help_uri && *it->help_uri)
		jw_kstr(w, "helpUri", it->help_uri);
	jw_key(w, "properties");
	jw_obj_open(w);
	snprintf(sev, sizeof(sev), "%.1f", gate_security_severity(run->policy, it->tier, it->risk));
	jw_kstr(w, "security-severity", sev);
	jw_key(w, "tags");
	jw_arr_open(w);
	jw_str(w, "security");
	jw_str(w, kind_name(it->kind));
	jw_arr_close(w);
	jw_obj_close(w);
	jw_obj_close(w);
}

/* A file path is a relative URI reference; a URL or purl already is a URI. */
static void write_location(struct jw *w, const struct gate_item *it)
{
	jw_key(w, "locations");
	jw_arr_open(w);
	jw_obj_open(w);
	jw_key(w, "physicalLocation");
	jw_obj_open(w);
	jw_key(w, "artifactLocation");
	jw_obj_open(w);
	jw_kstr(w, "uri", it->path);
	jw_obj_close(w);
	if (it->start_line) {
		jw_key(w, "region");
		jw_obj_open(w);
		jw_kint(w, "startLine", it->start_line);
		if (it->end_line >= it->start_line)
			jw_kint(w, "endLine", it->end_line);
		jw_obj_close(w);
	}
	jw_obj_close(w);
	jw_obj_close(w);
	jw_arr_close(w);
}

static void write_result(struct jw *w, const struct gate_run *run, const struct gate_item *it,
			 const char *rule, long rule_index)
{
	char msg[GATE_EXPLAIN_MAX + 512], sev[16];

	jw_obj_open(w);
	jw_kstr(w, "ruleId", rule);
	jw_kint(w, "ruleIndex", rule_index);
	jw_kstr(w, "level", level_of(it));
	snprintf(msg, sizeof(msg), "%s (%s: %s). %s", it->title ? it->title : rule,
		 gate_decision_name(it->decision), it->why, it->explanation);
	text_obj(w, "message", msg);
	if (it->path && *it->path)
		write_location(w, it);
	jw_key(w, "partialFingerprints");
	jw_obj_open(w);
	jw_kstr(w, "postureFingerprint/v1", it->fingerprint);
	jw_obj_close(w);
	if (it->decision == GATE_PASS && (it->exception || !status_is_active(it->status))) {
		jw_key(w, "suppressions");
		jw_arr_open(w);
		jw_obj_open(w);
		jw_kstr(w, "kind", "external");
		jw_kstr(w, "justification", it->exception ? it->exception : status_name(it->status));
		jw_obj_close(w);
		jw_arr_close(w);
	}
	jw_key(w, "properties");
	jw_obj_open(w);
	snprintf(sev, sizeof(sev), "%.1f", gate_security_severity(run->policy, it->tier, it->risk));
	jw_kstr(w, "security-severity", sev);
	jw_kint(w, "posture-risk", it->risk);
	jw_kstr(w, "posture-tier", tier_name(it->tier));
	jw_kstr(w, "posture-decision", gate_decision_name(it->decision));
	jw_kbool(w, "posture-new", it->is_new);
	if (it->finding_id)
		jw_kint(w, "posture-finding", it->finding_id);
	if (it->cve)
		jw_kstr(w, "posture-cve", it->cve);
	jw_obj_close(w);
	jw_obj_close(w);
}

int out_gate_sarif(FILE *out, const struct gate_run *run, struct perr *err)
{
	struct strmap rules = STRMAP_INIT;   /* rule id -> index + 1 (the id borrowed from items) */
	char (*fallback)[FALLBACK_RULE_MAX] = NULL;
	long nrules = 0;
	struct jw w;
	size_t i;
	int ret;

	if (run->n)
		fallback = xcalloc(run->n, sizeof(*fallback));
	jw_init(&w, out, true);
	jw_obj_open(&w);
	jw_kstr(&w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	jw_kstr(&w, "version", "2.1.0");
	jw_key(&w, "runs");
	jw_arr_open(&w);
	jw_obj_open(&w);
	jw_key(&w, "tool");
	jw_obj_open(&w);
	jw_key(&w, "driver");
	jw_obj_open(&w);
	jw_kstr(&w, "name", "posture");
	jw_kstr(&w, "version", POSTURE_VERSION);
	jw_key(&w, "rules");
	jw_arr_open(&w);
	for (i = 0; i < run->n; i++) {
		const char *id = rule_of(&run->items[i], fallback[i]);

		if (strmap_get(&rules, id))
			continue;
		strmap_put(&rules, id, (void *)(intptr_t)++nrules);
		write_rule(&w, run, &run->items[i], id);
	}
	jw_arr_close(&w);
	jw_obj_close(&w);
	jw_obj_close(&w);
	jw_key(&w, "automationDetails");
	jw_obj_open(&w);
	{
		char id[512];

		snprintf(id, sizeof(id), "posture/gate/%s/", run->app);
		jw_kstr(&w, "id", id);
	}
	jw_obj_close(&w);
	jw_key(&w, "results");
	jw_arr_open(&w);
	for (i = 0; i < run->n; i++) {
		const char *id = rule_of(&run->items[i], fallback[i]);

		write_result(&w, run, &run->items[i], id, (long)(intptr_t)strmap_get(&rules, id) - 1);
	}
	jw_arr_close(&w);
	jw_key(&w, "properties");
	jw_obj_open(&w);
	jw_kstr(&w, "posture-verdict", gate_decision_name(run->sum->verdict));
	jw_kstr(&w, "posture-policy", run->policy_digest);
	jw_obj_close(&w);
	jw_obj_close(&w);
	jw_arr_close(&w);
	jw_obj_close(&w);
	jw_reset_line(&w);
	jw_release(&w);
	ret = out_gate__check(out, err);
	strmap_release(&rules);
	xfree(fallback);
	return ret;
}
