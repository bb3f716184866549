/*
 * Printing findings: a table for people, JSON / JSON Lines / CSV for
 * machines (the finding record of DESIGN.md, same fields in every format).
 */
#ifndef POSTURE_OUT_FINDINGS_H
#define POSTURE_OUT_FINDINGS_H

#include "model/finding.h"
#include "out/jw.h"

enum out_format { OUT_TABLE, OUT_JSON, OUT_JSONL, OUT_CSV };

/* "table", "json", "jsonl", "csv"; P_EINVALID otherwise. */
int out_format_parse(enum out_format *out, const char *s);

/* The finding record as one JSON object (without closing it when `open` is set). */
void out_finding_fields(struct jw *w, const struct finding *f);

struct finding_printer {
	enum out_format format;
	FILE *out;
	struct jw w;
	size_t count;
};

void finding_printer_begin(struct finding_printer *p, enum out_format format, FILE *out);
void finding_printer_row(struct finding_printer *p, const struct finding *f);
void finding_printer_end(struct finding_printer *p);

/* CSV field with RFC 4180 quoting. */
void out_csv_field(FILE *out, const char *s, bool last);

#endif
