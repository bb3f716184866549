/*
 * CSV (RFC 4180) over a buffer in memory: quoted fields with commas,
 * doubled quotes and line breaks; CRLF or LF line ends; a UTF-8 BOM is
 * skipped. Fields are copied (unquoted) into the reader's arena, which is
 * reset on every csv_next(): a row is valid until the next call.
 */
#ifndef POSTURE_UTIL_CSV_H
#define POSTURE_UTIL_CSV_H

#include "util/arena.h"
#include "util/err.h"

#define CSV_MAX_FIELDS 256

struct csv {
	const char *buf, *p, *end;
	char sep;
	size_t line;                      /* line where the current row starts */
	size_t next_line;                 /* where reading goes on */
	struct arena arena;
	const char *field[CSV_MAX_FIELDS];
	size_t nfields;
};

void csv_init(struct csv *c, const char *buf, size_t len, char sep);
void csv_release(struct csv *c);
/* 1 and a row in c->field, 0 at the end, or an error naming the line. */
int csv_next(struct csv *c, struct perr *err);
/* Index of a header name in the current row (case-insensitive), or -1. */
int csv_find(const struct csv *c, const char *name);

#endif
