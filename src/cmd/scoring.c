/* Scoring findings: the policy in force, risk inputs from the store, results back. */
#include "posture.h"
#include "cmd/scoring.h"
#include "util/alloc.h"
#include "util/file.h"

#include <sys/stat.h>

#define POLICY_FILE_NAME "posture-policy.yaml"
#define BUILTIN_SOURCE "built-in defaults"

/* posture-policy.yaml in the directory that holds the database. */
static void beside_db(char out[static SCORING_SOURCE_MAX], const char *db_path)
{
	const char *slash = db_path ? strrchr(db_path, '/') : NULL;

	if (!slash)
		snprintf(out, SCORING_SOURCE_MAX, "%s", POLICY_FILE_NAME);
	else
		snprintf(out, SCORING_SOURCE_MAX, "%.*s/%s", (int)(slash - db_path), db_path,
			 POLICY_FILE_NAME);
}

int scoring_load_policy(struct policy **out, char source_out[static SCORING_SOURCE_MAX],
			const char *db_path, const char *file, struct perr *err)
{
	const char *env = getenv("POSTURE_POLICY");
	char *text = NULL;
	size_t len = 0;
	struct stat st;
	int ret;

	*out = NULL;
	if (file && *file) {
		snprintf(source_out, SCORING_SOURCE_MAX, "%s", file);
	} else if (env && *env) {
		snprintf(source_out, SCORING_SOURCE_MAX, "%s", env);
	} else {
		beside_db(source_out, db_path);
		if (stat(source_out, &st) < 0 && errno == ENOENT) {
			snprintf(source_out, SCORING_SOURCE_MAX, "%s", BUILTIN_SOURCE);
			return policy_defaults(out, err);
		}
	}
	if ((ret = pfile_slurp(&text, &len, source_out, POLICY_FILE_MAX, err)) < 0) {
		if (ret == P_ENOTFOUND)
			perr_set(err, P_EINVALID, "policy file '%s' does not exist", source_out);
		return ret == P_ENOTFOUND ? P_EINVALID : ret;
	}
	ret = policy_load(out, text, len, source_out, err);
	xfree(text);
	return ret;
}
