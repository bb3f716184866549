#include "posture.h"
#include "util/buf.h"
#include "util/alloc.h"
#include "util/err.h"

char pbuf_empty[1];

void pbuf_init(struct pbuf *b, size_t max)
{
	b->buf = pbuf_empty;
	b->len = b->alloc = 0;
	b->max = max;
}

void pbuf_release(struct pbuf *b)
{
	size_t max = b->max;

	if (b->alloc)
		xfree(b->buf);
	pbuf_init(b, max);
}

void pbuf_reset(struct pbuf *b)
{
	pbuf_setlen(b, 0);
}

void pbuf_setlen(struct pbuf *b, size_t len)
{
	if (!b->alloc)
		return;
	b->len = len;
	b->buf[len] = '\0';
}

char *pbuf_detach(struct pbuf *b, size_t *len_out)
{
	char *res;

	if (!b->alloc) {
		res = xstrdup("");
		if (len_out)
			*len_out = 0;
		return res;
	}
	res = b->buf;
	if (len_out)
		*len_out = b->len;
	pbuf_init(b, b->max);
	return res;
}

int pbuf_grow(struct pbuf *b, size_t extra)
{
	size_t need = st_add(st_add(b->len, extra), 1);

	if (b->max && need - 1 > b->max)
		return P_ELIMIT;
	if (need <= b->alloc)
		return 0;
	if (!b->alloc)
		b->buf = NULL;
	b->alloc = need < 64 ? 64 : need;
	if (b->alloc < need + need / 2)
		b->alloc = need + need / 2;
	b->buf = xrealloc(b->buf, b->alloc);
	if (b->len == 0)
		b->buf[0] = '\0';
	return 0;
}

int pbuf_add(struct pbuf *b, const void *data, size_t len)
{
	int ret;

	if (!len)
		return 0;
	if ((ret = pbuf_grow(b, len)) < 0)
		return ret;
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return 0;
}

int pbuf_adds(struct pbuf *b, const char *s)
{
	return pbuf_add(b, s, strlen(s));
}

int pbuf_addch(struct pbuf *b, int c)
{
	char ch = (char)c;

	return pbuf_add(b, &ch, 1);
}

int pbuf_vaddf(struct pbuf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n, ret;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return P_ERROR;
	if ((ret = pbuf_grow(b, (size_t)n)) < 0)
		return ret;
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int pbuf_addf(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = pbuf_vaddf(b, fmt, ap);
	va_end(ap);
	return ret;
}
