/*
 * struct pbuf: the one growable byte buffer. `buf` is never NULL and always
 * NUL-terminated (PBUF_INIT points at a shared empty string), yet the
 * contents may hold NUL bytes: `len` is the truth. A buffer may carry a cap
 * (`max`, 0 = none): appending past it fails with P_ELIMIT and leaves the
 * buffer unchanged. The buffer owns `buf` until pbuf_detach() hands it over.
 */
#ifndef POSTURE_UTIL_BUF_H
#define POSTURE_UTIL_BUF_H

struct pbuf {
	char *buf;
	size_t len, alloc, max;
};

extern char pbuf_empty[];
#define PBUF_INIT { pbuf_empty, 0, 0, 0 }

void pbuf_init(struct pbuf *b, size_t max);
void pbuf_release(struct pbuf *b);
void pbuf_reset(struct pbuf *b);
char *pbuf_detach(struct pbuf *b, size_t *len_out);

P_WARN_UNUSED int pbuf_grow(struct pbuf *b, size_t extra);
P_WARN_UNUSED int pbuf_add(struct pbuf *b, const void *data, size_t len);
P_WARN_UNUSED int pbuf_adds(struct pbuf *b, const char *s);
P_WARN_UNUSED int pbuf_addch(struct pbuf *b, int c);
P_WARN_UNUSED int pbuf_addf(struct pbuf *b, const char *fmt, ...) P_PRINTF(2, 3);
P_WARN_UNUSED int pbuf_vaddf(struct pbuf *b, const char *fmt, va_list ap);

/* Shorten to len bytes (len <= b->len). */
void pbuf_setlen(struct pbuf *b, size_t len);

#endif
