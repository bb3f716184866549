/* The schema, one migration per file in src/store/migrations/, in order. */
#ifndef POSTURE_STORE_MIGRATIONS_H
#define POSTURE_STORE_MIGRATIONS_H

struct migration {
	const char *name;
	const char *sql;
};

/* NULL-terminated, in file order; applied by name (schema_migrations). */
extern const struct migration store_migrations[];

#endif
