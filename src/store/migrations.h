/* The schema, one migration per file in src/store/migrations/, in order. */
#ifndef POSTURE_STORE_MIGRATIONS_H
#define POSTURE_STORE_MIGRATIONS_H

struct migration {
	const char *name;
	const char *sql;
};

/* NULL-terminated; index + 1 is the schema version a migration brings. */
extern const struct migration store_migrations[];

#endif
