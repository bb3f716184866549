#include "posture.h"
#include "cmd/input.h"
#include "cmd/pipeline.h"

#include <sys/time.h>

static int64_t now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void on_progress(void *payload, size_t done, size_t total)
{
	struct report_input *in = payload;

	if (!in->progress)
		return;
	if (done >= total)
		fprintf(stderr, "\r\033[K");
	else
		fprintf(stderr, "\r\033[Kparsing %s: %3d%% (%zu of %zu MiB)", in->file.path,
			(int)(100.0 * (double)done / (double)total), done >> 20, total >> 20);
}

static void on_release(void *payload, size_t from, size_t to)
{
	struct report_input *in = payload;

	pfile_drop(&in->file, from, to);
}

static size_t on_read(void *payload, size_t from, char *dst, size_t n)
{
	struct report_input *in = payload;

	return pfile_read(&in->file, from, dst, n);
}

static void on_warn(void *payload, const char *msg)
{
	struct report_input *in = payload;

	if (in->before_warn)
		in->before_warn(in->before_warn_payload);
	pwarn("%s: %s", in->file.path, msg);
}

int report_input_open(struct report_input *in, const char *path, const char *tool,
		      bool progress, struct perr *err)
{
	int ret, c;

	memset(in, 0, sizeof(*in));
	if ((ret = pfile_open(&in->file, path, err)) < 0)
		return ret;
	in->progress = progress;
	in->opts.stream.progress = on_progress;
	in->opts.stream.release = on_release;
	if (in->file.fd >= 0)
		in->opts.stream.read = on_read;
	in->opts.stream.hook_payload = in;
	in->opts.warn = on_warn;
	in->opts.warn_payload = in;
	/*
	 * Without a database (posture parse) the key comes from the
	 * environment, else a fixed one: such hashes only compare within
	 * one output. ingest replaces it with the installation's own key.
	 */
	in->opts.secret_key = getenv("POSTURE_SECRET_KEY");
	if (!in->opts.secret_key || !*in->opts.secret_key)
		in->opts.secret_key = "posture-parse-without-a-database";
	in->opts.secret_key_len = strlen(in->opts.secret_key);
	in->started_ms = now_ms();

	if (tool && strcmp(tool, "auto")) {
		in->format = format_find(tool);
		if (!in->format) {
			ret = perr_set(err, P_EINVALID,
				       "'%s' is not a format posture knows (see 'posture parse --list')",
				       tool);
			goto fail;
		}
		/*
		 * A named format is trusted: a clean report ("[]") carries
		 * nothing to detect, yet must be able to fix what it no
		 * longer lists. The parser rejects what is not its own.
		 */
		if (!in->format->detect(in->file.buf,
					in->file.len < PARSE_DETECT_HEAD ? in->file.len : PARSE_DETECT_HEAD))
			pwarn("%s: does not look like a %s report; reading it as one", path,
			      in->format->name);
		return 0;
	}
	in->format = format_detect(in->file.buf, in->file.len);
	if (in->format)
		return 0;
	c = parse_first_char(in->file.buf, in->file.len);
	if (c == '{' || c == '[')
		ret = perr_set(err, P_EINVALID,
			       "%s: JSON, but not a report format posture knows "
			       "(see 'posture parse --list'; --tool NAME forces one)", path);
	else if (c == '<')
		ret = perr_set(err, P_EINVALID,
			       "%s: XML, but not a report format posture knows "
			       "(see 'posture parse --list')", path);
	else
		ret = perr_set(err, P_EINVALID,
			       "%s: not a report format posture knows (see 'posture parse --list')",
			       path);
fail:
	pfile_release(&in->file);
	return ret;
}

void report_input_release(struct report_input *in)
{
	pfile_release(&in->file);
}

int report_input_parse(struct report_input *in, evidence_cb cb, void *payload,
		       struct perr *err)
{
	int ret = pipeline_parse(in->format, in->file.buf, in->file.len, &in->opts, cb, payload, err);

	on_progress(in, in->file.len, in->file.len);
	if (ret < 0)
		perr_prefix(err, "%s", in->file.path);
	return ret;
}

int report_input_render(struct report_input *in, evidence_render_fn render,
			evidence_text_cb emit, void *payload, struct perr *err)
{
	int ret = pipeline_render(in->format, in->file.buf, in->file.len, &in->opts, render, emit,
				  payload, err);

	on_progress(in, in->file.len, in->file.len);
	if (ret < 0)
		perr_prefix(err, "%s", in->file.path);
	return ret;
}

void report_formats_print(FILE *out)
{
	const struct format *f;

	for (f = format_list(); f->name; f++)
		fprintf(out, "%-28s %s\n", f->name, f->description);
}
