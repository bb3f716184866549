#include "posture.h"
#include "out/html.h"

static void escape_n(FILE *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				fputs("&#xFFFD;", out);
			else
				fputc(c, out);
		}
	}
}

void html_escape(FILE *out, const char *s)
{
	if (s)
		escape_n(out, s, strlen(s));
}

void html_escape_cut(FILE *out, const char *s, size_t max)
{
	size_t len;

	if (!s)
		return;
	len = strlen(s);
	if (len <= max) {
		escape_n(out, s, len);
		return;
	}
	/* back off continuation bytes so a multi-byte character is never split */
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	escape_n(out, s, max);
	fputs("...", out);
}
