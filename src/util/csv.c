#include "posture.h"
#include "util/csv.h"
#include "util/buf.h"

void csv_init(struct csv *c, const char *buf, size_t len, char sep)
{
	memset(c, 0, sizeof(*c));
	c->buf = c->p = buf;
	c->end = buf + len;
	c->sep = sep;
	c->line = c->next_line = 1;
	arena_init(&c->arena, 0);
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		c->p += 3;
}

void csv_release(struct csv *c)
{
	arena_release(&c->arena);
}

static size_t count_newlines(const char *p, const char *end)
{
	size_t n = 0;

	for (; p < end; p++)
		n += *p == '\n';
	return n;
}

int csv_next(struct csv *c, struct perr *err)
{
	struct pbuf field = PBUF_INIT;
	const char *start;
	bool quoted;
	size_t line;
	int ret = 1;

	arena_reset(&c->arena);
	c->nfields = 0;
	/* blank lines between rows are not rows */
	while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
		if (*c->p == '\n')
			c->next_line++;
		c->p++;
	}
	if (c->p >= c->end)
		return 0;
	line = c->line = c->next_line;
	for (;;) {
		pbuf_reset(&field);
		quoted = c->p < c->end && *c->p == '"';
		if (quoted) {
			c->p++;
			for (;;) {
				const char *q = memchr(c->p, '"', (size_t)(c->end - c->p));

				if (!q) {
					ret = perr_set(err, P_EINVALID,
						       "line %zu: quoted field is not closed", line);
					goto done;
				}
				c->next_line += count_newlines(c->p, q);
				if (pbuf_add(&field, c->p, (size_t)(q - c->p)) < 0)
					goto toolong;
				c->p = q + 1;
				if (c->p < c->end && *c->p == '"') {
					if (pbuf_addch(&field, '"') < 0)
						goto toolong;
					c->p++;
					continue;
				}
				break;
			}
		}
		start = c->p;
		while (c->p < c->end && *c->p != c->sep && *c->p != '\n' && *c->p != '\r')
			c->p++;
		if (c->nfields >= CSV_MAX_FIELDS) {
			ret = perr_set(err, P_ELIMIT, "line %zu: more than %d fields", line,
				       CSV_MAX_FIELDS);
			goto done;
		}
		if (!quoted) {
			/* the common case: an unquoted field is copied straight from the input */
			c->field[c->nfields++] = arena_strndup(&c->arena, start, (size_t)(c->p - start));
		} else {
			/* text after a closing quote is kept, as most readers do */
			if (pbuf_add(&field, start, (size_t)(c->p - start)) < 0)
				goto toolong;
			c->field[c->nfields++] = arena_strndup(&c->arena, field.buf, field.len);
		}
		if (c->p < c->end && *c->p == c->sep) {
			c->p++;
			continue;
		}
		if (c->p < c->end && *c->p == '\r')
			c->p++;
		if (c->p < c->end && *c->p == '\n') {
			c->p++;
			c->next_line++;
		}
		break;
	}
	goto done;
toolong:
	ret = perr_set(err, P_ELIMIT, "line %zu: field too long", line);
done:
	pbuf_release(&field);
	return ret;
}

int csv_find(const struct csv *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nfields; i++)
		if (!strcasecmp(c->field[i], name))
			return (int)i;
	return -1;
}
