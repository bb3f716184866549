#include "posture.h"
#include "out/findings.h"
#include "util/ptime.h"

int out_format_parse(enum out_format *out, const char *s)
{
	static const struct {
		const char *name;
		enum out_format f;
	} names[] = {
		{ "table", OUT_TABLE }, { "json", OUT_JSON }, { "jsonl", OUT_JSONL }, { "csv", OUT_CSV },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i].name)) {
			*out = names[i].f;
			return 0;
		}
	return P_EINVALID;
}

void out_finding_fields(struct jw *w, const struct finding *f)
{
	jw_kint(w, "id", f->id);
	jw_kstr(w, "app", f->app);
	jw_kstr(w, "component", f->component);
	jw_kstr(w, "title", f->title);
	jw_kstr(w, "kind", kind_name(f->kind));
	jw_kstr(w, "rule_id", f->rule_id);
	jw_kstr(w, "severity", severity_name(f->severity));
	jw_kstr(w, "status", status_name(f->status));
	jw_key(w, "risk");
	if (f->risk >= 0)
		jw_int(w, f->risk);
	else
		jw_null(w);
	jw_kstr(w, "tier", f->tier);
	jw_kstr(w, "owner", f->owner);
	jw_key(w, "vuln_ids");
	jw_raw(w, f->vuln_ids ? f->vuln_ids : "[]");
	jw_key(w, "cwe");
	jw_raw(w, f->cwe ? f->cwe : "[]");
	jw_key(w, "tools");
	jw_raw(w, f->tools ? f->tools : "[]");
	jw_kint(w, "evidence_count", f->evidence_count);
	jw_ktime(w, "first_seen", f->first_seen);
	jw_ktime(w, "last_seen", f->last_seen);
	jw_ktime(w, "fixed_at", f->fixed_at);
	jw_kint(w, "recurrence", f->recurrence);
	jw_ktime(w, "sla_due", f->sla_due);
	jw_kstr(w, "group", f->group);
	jw_kstr(w, "path", f->path);
	jw_kstr(w, "fingerprint", f->fingerprint);
}

void out_csv_field(FILE *out, const char *s, bool last)
{
	if (s && strpbrk(s, ",\"\r\n")) {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else if (s) {
		fputs(s, out);
	}
	fputs(last ? "\r\n" : ",", out);
}

static const char *const csv_columns[] = {
	"id", "app", "component", "severity", "status", "risk", "tier", "owner", "kind",
	"rule_id", "title", "path", "tools", "vuln_ids", "cwe", "evidence_count",
	"first_seen", "last_seen", "fixed_at", "recurrence", "sla_due", "group", "fingerprint",
};

static void csv_row(FILE *out, const struct finding *f)
{
	char id[32], risk[16], count[32], rec[32], t1[21], t2[21], t3[21], t4[21];

	snprintf(id, sizeof(id), "%lld", (long long)f->id);
	snprintf(risk, sizeof(risk), "%d", f->risk);
	snprintf(count, sizeof(count), "%ld", f->evidence_count);
	snprintf(rec, sizeof(rec), "%ld", f->recurrence);
	ptime_format(t1, f->first_seen);
	ptime_format(t2, f->last_seen);
	if (f->fixed_at)
		ptime_format(t3, f->fixed_at);
	if (f->sla_due)
		ptime_format(t4, f->sla_due);
	out_csv_field(out, id, false);
	out_csv_field(out, f->app, false);
	out_csv_field(out, f->component, false);
	out_csv_field(out, severity_name(f->severity), false);
	out_csv_field(out, status_name(f->status), false);
	out_csv_field(out, f->risk >= 0 ? risk : NULL, false);
	out_csv_field(out, f->tier, false);
	out_csv_field(out, f->owner, false);
	out_csv_field(out, kind_name(f->kind), false);
	out_csv_field(out, f->rule_id, false);
	out_csv_field(out, f->title, false);
	out_csv_field(out, f->path, false);
	out_csv_field(out, f->tools, false);
	out_csv_field(out, f->vuln_ids, false);
	out_csv_field(out, f->cwe, false);
	out_csv_field(out, count, false);
	out_csv_field(out, t1, false);
	out_csv_field(out, t2, false);
	out_csv_field(out, f->fixed_at ? t3 : NULL, false);
	out_csv_field(out, rec, false);
	out_csv_field(out, f->sla_due ? t4 : NULL, false);
	out_csv_field(out, f->group, false);
	out_csv_field(out, f->fingerprint, true);
}

/* Tools as "a, b" from the stored JSON array text, for the table. */
static void tools_text(char *out, size_t outlen, const char *json)
{
	size_t n = 0;
	const char *p;

	out[0] = '\0';
	for (p = json ? json : ""; *p && n + 1 < outlen; p++) {
		if (*p == '[' || *p == ']' || *p == '"')
			continue;
		if (*p == ',') {
			if (n + 2 < outlen) {
				out[n++] = ',';
				out[n++] = ' ';
			}
			continue;
		}
		out[n++] = *p;
	}
	out[n] = '\0';
}

static void table_row(FILE *out, const struct finding *f)
{
	char tools[40], where[64], risk[16] = "-";
	const char *title = f->title ? f->title : "";

	tools_text(tools, sizeof(tools), f->tools);
	snprintf(where, sizeof(where), "%s", f->path ? f->path : "");
	if (f->risk >= 0)
		snprintf(risk, sizeof(risk), "%d", f->risk);
	fprintf(out, "%6lld  %4s  %-8s  %-8s  %-14s  %-16.16s  %-16.16s  %-.60s%s  %s\n", (long long)f->id,
		risk, f->tier ? f->tier : "-", severity_name(f->severity), status_name(f->status),
		f->app ? f->app : "", tools, title, strlen(title) > 60 ? "..." : "", where);
}

void finding_printer_begin(struct finding_printer *p, enum out_format format, FILE *out)
{
	size_t i;

	p->format = format;
	p->out = out;
	p->count = 0;
	switch (format) {
	case OUT_JSON:
		jw_init(&p->w, out, true);
		jw_arr_open(&p->w);
		break;
	case OUT_JSONL:
		jw_init(&p->w, out, false);
		break;
	case OUT_CSV:
		for (i = 0; i < ARRAY_SIZE(csv_columns); i++)
			out_csv_field(out, csv_columns[i], i + 1 == ARRAY_SIZE(csv_columns));
		break;
	case OUT_TABLE:
		fprintf(out, "%6s  %4s  %-8s  %-8s  %-14s  %-16s  %-16s  %s\n", "ID", "RISK", "TIER",
			"SEVERITY", "STATUS", "APP", "TOOLS", "TITLE  LOCATION");
		break;
	}
}

void finding_printer_row(struct finding_printer *p, const struct finding *f)
{
	p->count++;
	switch (p->format) {
	case OUT_JSON:
	case OUT_JSONL:
		jw_obj_open(&p->w);
		out_finding_fields(&p->w, f);
		jw_obj_close(&p->w);
		if (p->format == OUT_JSONL)
			jw_reset_line(&p->w);
		else
			jw_flush(&p->w);
		break;
	case OUT_CSV:
		csv_row(p->out, f);
		break;
	case OUT_TABLE:
		table_row(p->out, f);
		break;
	}
}

void finding_printer_end(struct finding_printer *p)
{
	switch (p->format) {
	case OUT_JSON:
		jw_arr_close(&p->w);
		jw_reset_line(&p->w);
		jw_release(&p->w);
		break;
	case OUT_JSONL:
		jw_release(&p->w);
		break;
	case OUT_TABLE:
		fprintf(p->out, "(%zu finding%s)\n", p->count, p->count == 1 ? "" : "s");
		break;
	case OUT_CSV:
		break;
	}
}
