/*
 * Paths as reports write them -> one stable form: "file://" URIs decoded,
 * "./" dropped, and the workspace prefix of known CI runners removed, so
 * that the same file scanned on two machines has the same path.
 */
#ifndef POSTURE_MODEL_PATH_H
#define POSTURE_MODEL_PATH_H

#include "util/arena.h"

/* Decode %XX escapes (a copy in arena). */
char *path_percent_decode(struct arena *arena, const char *s);

/*
 * Normalise a report path or file URI. Returns s itself when nothing
 * changes, else a copy in arena. Non-file URIs (http:) are returned as is.
 */
const char *path_normalize(struct arena *arena, const char *s);

/* True for "scheme://..." (and "file:"), false for plain paths. */
bool path_is_uri(const char *s);

#endif
