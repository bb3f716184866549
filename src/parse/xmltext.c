#include "posture.h"
#include "parse/xmltext.h"
#include "util/buf.h"
#include "util/utf8.h"

#include <ctype.h>

/* A valid UTF-8 copy of s[0..n) in a. */
static const char *clean_copy(struct arena *a, const char *s, size_t n)
{
	char *out;

	if (utf8_is_clean(s, n))
		return arena_strndup(a, s, n);
	out = arena_alloc(a, utf8_sanitized_max(n));
	utf8_sanitize(out, s, n);
	return out;
}

const char *xmltext_unescape_octal(struct arena *a, const char *s)
{
	char *raw;
	size_t i, n = 0;

	if (!s || !strchr(s, '\\'))
		return s;
	raw = arena_alloc(a, strlen(s) + 1);
	for (i = 0; s[i]; i++) {
		if (s[i] == '\\' && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
		    s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			raw[n++] = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
					  (s[i + 3] - '0'));
			i += 3;
		} else {
			raw[n++] = s[i];
		}
	}
	return clean_copy(a, raw, n);
}

static size_t put_utf8(char *o, unsigned long cp)
{
	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decode the entity at s ('&'); returns bytes consumed, 0 if it is not one. */
static size_t entity(const char *s, char *out, size_t *outlen)
{
	static const struct {
		const char *name;
		unsigned long cp;
	} names[] = {
		{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
		{ "nbsp", ' ' }, { "copy", 0xa9 }, { "reg", 0xae }, { "hellip", 0x2026 },
		{ "mdash", 0x2014 }, { "ndash", 0x2013 }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 },
		{ "ldquo", 0x201c }, { "rdquo", 0x201d },
	};
	const char *semi = strchr(s, ';');
	size_t len, i;

	if (!semi || (len = (size_t)(semi - s - 1)) == 0 || len > 10)
		return 0;
	if (s[1] == '#') {
		char *end;
		unsigned long cp;

		errno = 0;
		if (s[2] == 'x' || s[2] == 'X')
			cp = strtoul(s + 3, &end, 16);
		else
			cp = strtoul(s + 2, &end, 10);
		if (errno || end != semi || end == s + 2)
			return 0;
		*outlen = put_utf8(out, cp);
		return len + 2;
	}
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i].name) == len && !strncmp(s + 1, names[i].name, len)) {
			*outlen = put_utf8(out, names[i].cp);
			return len + 2;
		}
	return 0;
}

static bool block_tag(const char *tag, size_t n)
{
	static const char *blocks[] = { "p", "br", "li", "div", "ul", "ol", "tr", "h1", "h2",
					"h3", "h4", "h5", "h6", "pre", "table", "blockquote" };
	size_t i;

	if (n && tag[0] == '/') {
		tag++;
		n--;
	}
	for (i = 0; i < ARRAY_SIZE(blocks); i++)
		if (strlen(blocks[i]) == n && !strncasecmp(tag, blocks[i], n))
			return true;
	return false;
}

const char *xmltext_html_to_text(struct arena *a, const char *html)
{
	struct pbuf b = PBUF_INIT;
	const char *p, *res = NULL;
	size_t start, end;
	bool space = false;
	int newlines = 2; /* drop leading breaks */

	if (!html)
		return NULL;
	for (p = html; *p;) {
		int ret = 0;

		if (*p == '<') {
			const char *close = strchr(p, '>');
			size_t n = 0;

			if (!close)
				break;
			while (p + 1 + n < close && (isalnum((unsigned char)p[1 + n]) || (!n && p[1] == '/')))
				n++;
			if (block_tag(p + 1, n) && newlines < 2) {
				/* paragraphs end with a blank line, list items and breaks with one */
				bool para = (n == 2 && p[1] == '/' && tolower((unsigned char)p[2]) == 'p') ||
					    (n == 1 && tolower((unsigned char)p[1]) == 'p');
				int want = para ? 2 : 1;

				while (newlines < want && !ret) {
					ret = pbuf_addch(&b, '\n');
					newlines++;
				}
				space = false;
			}
			p = close + 1;
		} else if (isspace((unsigned char)*p)) {
			space = true;
			p++;
		} else {
			char ent[4];
			size_t elen = 0, used = *p == '&' ? entity(p, ent, &elen) : 0;

			if (space && newlines == 0)
				ret = pbuf_addch(&b, ' ');
			space = false;
			if (!ret && used) {
				ret = pbuf_add(&b, ent, elen);
				p += used;
			} else if (!ret) {
				ret = pbuf_addch(&b, *p);
				p++;
			}
			newlines = 0;
		}
		if (ret < 0)
			break;
	}
	start = 0;
	end = b.len;
	while (end > start && (b.buf[end - 1] == '\n' || b.buf[end - 1] == ' '))
		end--;
	if (end > start)
		res = clean_copy(a, b.buf + start, end - start);
	pbuf_release(&b);
	return res;
}

void xmltext_add_urls(struct strlist *l, struct arena *a, const char *text)
{
	const char *p = text;

	while (p && (p = strstr(p, "http"))) {
		size_t n;

		if (strncmp(p, "http://", 7) && strncmp(p, "https://", 8)) {
			p += 4;
			continue;
		}
		n = strcspn(p, " \t\r\n\"'<>");
		/* a sentence's full stop or comma is not part of the URL */
		while (n > 8 && (p[n - 1] == '.' || p[n - 1] == ',' ||
				 (p[n - 1] == ')' && !memchr(p, '(', n))))
			n--;
		strlist_add_unique(l, a, arena_strndup(a, p, n));
		p += n;
	}
}

const char *xmltext_cut(struct arena *a, const char *s, size_t max)
{
	size_t n;

	if (!s || strlen(s) <= max)
		return s;
	n = max;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return arena_printf(a, "%.*s...", (int)n, s);
}
