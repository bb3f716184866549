/* The FIRST EPSS daily scores file: CSV or gzip'd CSV -> one callback per CVE. */
#include "posture.h"
#include "feeds/epss.h"
#include "model/ids.h"
#include "util/buf.h"
#include "util/csv.h"

#include <zlib.h>

bool epss_is_gzip(const char *buf, size_t len)
{
	return len >= 2 && (unsigned char)buf[0] == 0x1f && (unsigned char)buf[1] == 0x8b;
}

/*
 * Inflate gzip data (one member or several concatenated) into out, at most
 * max bytes: a small file must not be allowed to expand without bound.
 */
static int gunzip(struct pbuf *out, const char *buf, size_t len, size_t max, struct perr *err)
{
	z_stream zs;
	size_t remaining = len;
	int ret = 0;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return perr_set(err, P_ERROR, "cannot start gzip decompression");
	pbuf_init(out, max);
	zs.next_in = (Bytef *)(uintptr_t)buf;
	for (;;) {
		size_t room, want;
		uInt before;
		int zret;

		if (!zs.avail_in && remaining) {
			zs.avail_in = remaining > UINT_MAX ? UINT_MAX : (uInt)remaining;
			remaining -= zs.avail_in;
		}
		room = out->alloc ? out->alloc - out->len - 1 : 0;
		if (room < 65536) {
			want = max - out->len < ((size_t)1 << 20) ? max - out->len : (size_t)1 << 20;
			if (!want || pbuf_grow(out, want) < 0) {
				ret = perr_set(err, P_ELIMIT, "gzip data inflates past %zu MiB",
					       max >> 20);
				goto done;
			}
			room = out->alloc - out->len - 1;
		}
		zs.next_out = (Bytef *)out->buf + out->len;
		zs.avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
		before = zs.avail_out;
		zret = inflate(&zs, Z_NO_FLUSH);
		out->len += before - zs.avail_out;
		if (zret == Z_STREAM_END) {
			if (!zs.avail_in && !remaining)
				break;
			/* another member follows */
			if (inflateReset(&zs) != Z_OK) {
				ret = perr_set(err, P_EINVALID, "corrupt gzip data");
				goto done;
			}
			continue;
		}
		if (zret == Z_OK || (zret == Z_BUF_ERROR && (zs.avail_in || remaining)))
			continue;
		if (zret == Z_BUF_ERROR)
			ret = perr_set(err, P_EINVALID, "truncated gzip data");
		else
			ret = perr_set(err, P_EINVALID, "corrupt gzip data: %s",
				       zs.msg ? zs.msg : "inflate failed");
		goto done;
	}
	out->buf[out->len] = '\0';
done:
	inflateEnd(&zs);
	if (ret < 0)
		pbuf_release(out);
	return ret;
}

/* A number in [0, 1] written in plain decimal or exponent form ("1.2e-05"). */
static bool parse_prob(const char *s, double *out)
{
	char *end;
	double d;

	if (!*s || *s == ' ' || *s == '+' || *s == '-')
		return false;
	errno = 0;
	d = strtod(s, &end);
	if (*end || errno || !(d >= 0.0 && d <= 1.0))
		return false;
	*out = d;
	return true;
}

/* "#model_version:v2025.03.14,score_date:2025-03-16T12:55:00Z", split into fields by the CSV reader */
static void read_comment(struct epss_meta *meta, const struct csv *c)
{
	size_t i;

	for (i = 0; i < c->nfields; i++) {
		const char *f = c->field[i] + (i == 0 && c->field[i][0] == '#');

		while (*f == ' ')
			f++;
		if (!strncmp(f, "model_version:", 14))
			snprintf(meta->model_version, sizeof(meta->model_version), "%s", f + 14);
		else if (!strncmp(f, "score_date:", 11))
			snprintf(meta->score_date, sizeof(meta->score_date), "%s", f + 11);
	}
}

static long parse_csv(const char *buf, size_t len, struct epss_meta *meta,
		      epss_row_cb cb, void *payload, struct perr *err)
{
	struct csv c;
	int col_cve = -1, col_epss = -1, col_pct = -1, r;
	long rows = 0, ret = 0;

	csv_init(&c, buf, len, ',');
	while ((r = csv_next(&c, err)) > 0) {
		struct epss_row row;

		if (c.field[0][0] == '#') {
			if (col_cve < 0)
				read_comment(meta, &c);
			continue;
		}
		if (col_cve < 0) {
			col_cve = csv_find(&c, "cve");
			col_epss = csv_find(&c, "epss");
			col_pct = csv_find(&c, "percentile");
			if (col_cve < 0 || col_epss < 0) {
				ret = perr_set(err, P_EINVALID,
					       "line %zu: not an EPSS file: the header has no '%s' column",
					       c.line, col_cve < 0 ? "cve" : "epss");
				goto done;
			}
			continue;
		}
		if ((size_t)col_cve >= c.nfields || (size_t)col_epss >= c.nfields ||
		    (col_pct >= 0 && (size_t)col_pct >= c.nfields)) {
			ret = perr_set(err, P_EINVALID, "line %zu: %zu fields, the header has more",
				       c.line, c.nfields);
			goto done;
		}
		row.cve = c.field[col_cve];
		row.line = c.line;
		if (!ids_is_cve(row.cve)) {
			ret = perr_set(err, P_EINVALID, "line %zu: '%.64s' is not a CVE id",
				       c.line, row.cve);
			goto done;
		}
		if (!parse_prob(c.field[col_epss], &row.epss)) {
			ret = perr_set(err, P_EINVALID,
				       "line %zu: epss '%.64s' is not a probability (0 to 1)",
				       c.line, c.field[col_epss]);
			goto done;
		}
		row.percentile = -1.0;
		if (col_pct >= 0 && !parse_prob(c.field[col_pct], &row.percentile)) {
			ret = perr_set(err, P_EINVALID,
				       "line %zu: percentile '%.64s' is not a number from 0 to 1",
				       c.line, c.field[col_pct]);
			goto done;
		}
		if ((ret = cb(meta, &row, payload, err)) < 0)
			goto done;
		rows++;
	}
	if (r < 0) {
		ret = r;
		goto done;
	}
	if (col_cve < 0) {
		ret = perr_set(err, P_EINVALID, "not an EPSS file: no 'cve,epss,percentile' header");
		goto done;
	}
	ret = rows;
done:
	csv_release(&c);
	return ret;
}

long epss_parse(const char *buf, size_t len, struct epss_meta *meta,
		epss_row_cb cb, void *payload, struct perr *err)
{
	struct pbuf plain = PBUF_INIT;
	long ret;

	memset(meta, 0, sizeof(*meta));
	if (!epss_is_gzip(buf, len))
		return parse_csv(buf, len, meta, cb, payload, err);
	if ((ret = gunzip(&plain, buf, len, EPSS_MAX_INFLATED, err)) < 0)
		return ret;
	ret = parse_csv(plain.buf, plain.len, meta, cb, payload, err);
	pbuf_release(&plain);
	return ret;
}
