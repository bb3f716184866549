/*
 * Standalone driver: feeds every file under the given directories (or the
 * given files) to LLVMFuzzerTestOneInput once, so plain gcc CI replays each
 * fuzz target's corpus as a regression test.
 */
#include "posture.h"
#include "util/file.h"

#include <dirent.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path, long *count)
{
	char *buf = NULL;
	size_t len = 0;
	struct perr err = PERR_INIT;

	if (pfile_slurp(&buf, &len, path, (size_t)1 << 30, &err) < 0) {
		fprintf(stderr, "replay: %s\n", err.msg);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	(*count)++;
	return 0;
}

static int run_path(const char *path, long *count)
{
	struct stat st;
	DIR *dir;
	struct dirent *de;
	int ret = 0;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: cannot stat %s\n", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path, count);
	if (!(dir = opendir(path)))
		return -1;
	while ((de = readdir(dir))) {
		char child[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
		if (run_path(child, count) < 0)
			ret = -1;
	}
	closedir(dir);
	return ret;
}

int main(int argc, char **argv)
{
	long count = 0;
	int i, ret = 0;

	for (i = 1; i < argc; i++)
		if (run_path(argv[i], &count) < 0)
			ret = 1;
	printf("replayed %ld inputs\n", count);
	return ret;
}
