#include "posture.h"
#include "util/err.h"

int perr_set(struct perr *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void perr_prefix(struct perr *err, const char *fmt, ...)
{
	char prefix[256], old[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* truncation is fine: a message is one line for a human */
	{
		size_t n = strlen(prefix), cap = sizeof(err->msg) - 1, m;

		if (n > cap)
			n = cap;
		memcpy(err->msg, prefix, n);
		if (n + 2 <= cap) {
			memcpy(err->msg + n, ": ", 2);
			n += 2;
		}
		m = strnlen(old, sizeof(old) - 1);
		if (m > cap - n)
			m = cap - n;
		memcpy(err->msg + n, old, m);
		err->msg[n + m] = '\0';
	}
}

void perr_clear(struct perr *err)
{
	err->code = 0;
	err->msg[0] = '\0';
}

int perr_exit_code(int code)
{
	switch (code) {
	case P_OK:
		return EXIT_OK;
	case P_EINVALID:
	case P_ELIMIT:
	case P_ENOTFOUND:
		return EXIT_INPUT;
	default:
		return EXIT_INTERNAL;
	}
}

int perr_report(const struct perr *err)
{
	fprintf(stderr, "posture: error: %s\n",
		err->msg[0] ? err->msg : "unknown error");
	return perr_exit_code(err->code ? err->code : P_ERROR);
}

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("posture: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_INPUT;
}

void pwarn(const char *fmt, ...)
{
	va_list ap;

	fputs("posture: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
