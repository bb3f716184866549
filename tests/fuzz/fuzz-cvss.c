/*
 * libFuzzer target: the CVSS vector parser and every score. The input is
 * split into lines and each line's first tab-separated field is a vector,
 * so the seed corpus is the TSV files of tests/fixtures/cvss as they are.
 */
#include "posture.h"
#include "engine/cvss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void one(const char *vector)
{
	struct perr err = PERR_INIT;
	struct cvss_vector v;
	double s;

	if (cvss_parse(&v, vector, &err) < 0)
		return;
	s = cvss_score(&v);
	if (s < 0.0 || s > 10.0 || cvss_base_score(&v) < 0.0 || cvss_base_score(&v) > 10.0)
		abort();
	cvss_rating(s, v.version);
	cvss_nomenclature(&v);
	cvss_temporal_score(&v);
	cvss_environmental_score(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[CVSS_MAX_VECTOR + 16];
	size_t i = 0;

	while (i < size) {
		size_t n = 0;

		while (i < size && data[i] != '\n' && data[i] != '\t' && n < sizeof(line) - 1)
			line[n++] = (char)data[i++];
		line[n] = '\0';
		one(line);
		while (i < size && data[i] != '\n')
			i++;
		i++;
	}
	return 0;
}
