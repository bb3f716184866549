/*
 * Internal to src/store: the SQLite store's state and the helpers every
 * sqlite_*.c file uses, so that each feature keeps its SQL in a file of its
 * own behind the one interface in store.h.
 */
#ifndef POSTURE_STORE_SQLITE_INT_H
#define POSTURE_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store/store.h"

#define STORE_CACHE 256

struct store {
	sqlite3 *db;
	char *path;
	bool in_tx;
	/* prepared statements, keyed by the address of their (static) SQL text */
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[STORE_CACHE];
	/* fault injection for tests: fail the n-th step (POSTURE_TEST_FAIL_STEP) */
	long steps, fail_step;
};

/*
 * The prepared statement for a static SQL string, reset and with its
 * bindings cleared; owned by the store. NULL with err set on failure.
 */
sqlite3_stmt *store__prepare(struct store *s, const char *sql, struct perr *err);
/* sqlite3_step() with fault injection: always use this. */
int store__step(struct store *s, sqlite3_stmt *st);
/* Step a statement whose rows are not needed, and reset it. */
int store__step_done(struct store *s, sqlite3_stmt *st, struct perr *err, const char *what);
int store__exec(struct store *s, const char *sql, struct perr *err);
/* Turn the connection's last error into a perr naming the database. */
int store__error(struct store *s, struct perr *err, const char *what);
/* NULL binds SQL NULL; an id of 0 binds NULL. */
void store__bind_text(sqlite3_stmt *st, int i, const char *v);
void store__bind_id(sqlite3_stmt *st, int i, int64_t v);
const char *store__col_text(sqlite3_stmt *st, int i);
/* SQL functions posture's queries use (posture_purl_base). */
int store__register_functions(struct store *s, struct perr *err);
/* A merged finding's correlation keys, relations, validation and group follow it (sqlite_correlate.c). */
int store__correlate_merge(struct store *s, int64_t from, int64_t into, struct perr *err);
/* A finding moved to another app: its correlation keys follow, its group (of the old app) is left. */
int store__correlate_rehome(struct store *s, int64_t finding_id, int64_t app_id, struct perr *err);

#endif
