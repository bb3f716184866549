/* Gate run writers: the terminal summary and JSON, and what the other writers share. */
#include "posture.h"
#include "out/gate.h"
#include "out/jw.h"
#include "util/ptime.h"

const char *out_gate__verdict_word(enum gate_decision d)
{
	return d == GATE_BLOCKS ? "BLOCKED" : d == GATE_WARNS ? "WARNED" : "PASSED";
}

const char *out_gate__where(const struct gate_item *it, char *buf, size_t len)
{
	if (!it->path || !*it->path)
		snprintf(buf, len, "-");
	else if (it->start_line)
		snprintf(buf, len, "%s:%u", it->path, it->start_line);
	else
		snprintf(buf, len, "%s", it->path);
	return buf;
}

int out_gate__check(FILE *out, struct perr *err)
{
	if (fflush(out) != 0 || ferror(out))
		return perr_set(err, P_EIO, "cannot write the gate output: %s", strerror(errno));
	return 0;
}

static const enum tier tiers_desc[] = { TIER_CRITICAL, TIER_HIGH, TIER_MEDIUM, TIER_LOW };

static void text_item(FILE *out, const struct gate_item *it)
{
	char where[1024];

	fprintf(out, "  %-8s  %3d  ", tier_name(it->tier), it->risk);
	if (it->finding_id)
		fprintf(out, "#%lld ", (long long)it->finding_id);
	fprintf(out, "%s  %s\n", it->title ? it->title : "(no title)",
		out_gate__where(it, where, sizeof(where)));
	fprintf(out, "            %s; %s%s%s\n", it->why, it->explanation,
		it->exception ? "; " : "", it->exception ? it->exception : "");
}

static void text_section(FILE *out, const struct gate_run *run, enum gate_decision d,
			 const char *heading)
{
	size_t i;
	long n = 0;

	for (i = 0; i < run->n; i++)
		n += run->items[i].decision == d;
	if (!n)
		return;
	fprintf(out, "\n%s (%ld)\n", heading, n);
	for (i = 0; i < run->n; i++)
		if (run->items[i].decision == d)
			text_item(out, &run->items[i]);
}

int out_gate_text(FILE *out, const struct gate_run *run, struct perr *err)
{
	const struct gate_summary *s = run->sum;
	size_t i;

	fprintf(out, "gate %s: app %s, %ld finding%s (%ld new): %ld blocking, %ld warning%s, %ld passing\n",
		out_gate__verdict_word(s->verdict), run->app, s->total, s->total == 1 ? "" : "s",
		s->new_count, s->blocking, s->warnings, s->warnings == 1 ? "" : "s", s->passed);
	fprintf(out, "baseline: %s\n", run->baseline ? run->baseline :
		"none (every finding counts as new)");
	fprintf(out, "policy: %s (%.16s)\n", run->policy_source, run->policy_digest);
	if (run->database)
		fprintf(out, "feeds: EPSS %s, KEV %s\n", run->epss ? run->epss : "not imported",
			run->kev ? run->kev : "not imported");
	else
		fprintf(out, "feeds: none (no database): risk from the reports' CVSS and severity\n");
	text_section(out, run, GATE_BLOCKS, "blocking");
	text_section(out, run, GATE_WARNS, "warnings");
	text_section(out, run, GATE_PASS, "passing");
	fprintf(out, "\n%-8s  %5s  %5s  %5s  %s\n", "TIER", "BLOCK", "WARN", "PASS", "MODE");
	for (i = 0; i < ARRAY_SIZE(tiers_desc); i++) {
		enum tier t = tiers_desc[i];

		fprintf(out, "%-8s  %5ld  %5ld  %5ld  %s\n", tier_name(t), s->by_tier[t][GATE_BLOCKS],
			s->by_tier[t][GATE_WARNS], s->by_tier[t][GATE_PASS],
			gate_mode_name(run->policy->gate[t]));
	}
	if (s->would_block)
		fprintf(out, "\n%ld warning%s would block if %s tier were in block mode\n",
			s->would_block, s->would_block == 1 ? "" : "s",
			s->would_block == 1 ? "its" : "their");
	return out_gate__check(out, err);
}

static void json_item(struct jw *w, const struct gate_item *it)
{
	jw_obj_open(w);
	jw_kstr(w, "decision", gate_decision_name(it->decision));
	jw_kstr(w, "why", it->why);
	jw_kbool(w, "new", it->is_new);
	jw_kbool(w, "recurrence", it->recurrence);
	jw_kbool(w, "would_block", it->would_block);
	jw_kstr(w, "exception", it->exception);
	jw_key(w, "finding_id");
	if (it->finding_id)
		jw_int(w, it->finding_id);
	else
		jw_null(w);
	jw_kstr(w, "fingerprint", it->fingerprint);
	jw_kstr(w, "title", it->title);
	jw_kstr(w, "tool", it->tool);
	jw_kstr(w, "rule_id", it->rule_id);
	jw_kstr(w, "kind", kind_name(it->kind));
	jw_kstr(w, "severity", severity_name(it->severity));
	jw_kstr(w, "status", status_name(it->status));
	jw_kint(w, "risk", it->risk);
	jw_kstr(w, "tier", tier_name(it->tier));
	jw_kstr(w, "cve", it->cve);
	jw_kstr(w, "path", it->path);
	jw_key(w, "line");
	if (it->start_line)
		jw_int(w, it->start_line);
	else
		jw_null(w);
	jw_kstr(w, "explanation", it->explanation);
	jw_obj_close(w);
}

int out_gate_json(FILE *out, const struct gate_run *run, struct perr *err)
{
	const struct gate_summary *s = run->sum;
	struct jw w;
	size_t i;

	jw_init(&w, out, true);
	jw_obj_open(&w);
	jw_kstr(&w, "verdict", gate_decision_name(s->verdict));
	jw_kstr(&w, "app", run->app);
	jw_kstr(&w, "source", run->database ? "database" : "reports");
	jw_ktime(&w, "at", run->now);
	jw_kstr(&w, "baseline", run->baseline);
	jw_key(&w, "policy");
	jw_obj_open(&w);
	jw_kstr(&w, "source", run->policy_source);
	jw_kstr(&w, "digest", run->policy_digest);
	jw_obj_close(&w);
	jw_key(&w, "feeds");
	if (run->database) {
		jw_obj_open(&w);
		jw_kstr(&w, "epss", run->epss);
		jw_kstr(&w, "kev", run->kev);
		jw_obj_close(&w);
	} else {
		jw_null(&w);
	}
	jw_key(&w, "counts");
	jw_obj_open(&w);
	jw_kint(&w, "findings", s->total);
	jw_kint(&w, "new", s->new_count);
	jw_kint(&w, "block", s->blocking);
	jw_kint(&w, "warn", s->warnings);
	jw_kint(&w, "pass", s->passed);
	jw_kint(&w, "would_block", s->would_block);
	jw_obj_close(&w);
	jw_key(&w, "tiers");
	jw_obj_open(&w);
	for (i = 0; i < ARRAY_SIZE(tiers_desc); i++) {
		enum tier t = tiers_desc[i];

		jw_key(&w, tier_name(t));
		jw_obj_open(&w);
		jw_kstr(&w, "mode", gate_mode_name(run->policy->gate[t]));
		jw_kint(&w, "block", s->by_tier[t][GATE_BLOCKS]);
		jw_kint(&w, "warn", s->by_tier[t][GATE_WARNS]);
		jw_kint(&w, "pass", s->by_tier[t][GATE_PASS]);
		jw_obj_close(&w);
	}
	jw_obj_close(&w);
	jw_key(&w, "items");
	jw_arr_open(&w);
	for (i = 0; i < run->n; i++)
		json_item(&w, &run->items[i]);
	jw_arr_close(&w);
	jw_obj_close(&w);
	jw_reset_line(&w);
	jw_release(&w);
	return out_gate__check(out, err);
}
