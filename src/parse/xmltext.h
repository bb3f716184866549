/*
 * Text helpers shared by the XML report formats: the escapes and markup
 * scanners put inside their XML text. Results are valid UTF-8, allocated
 * in the caller's arena (or the input itself when nothing changes).
 */
#ifndef POSTURE_PARSE_XMLTEXT_H
#define POSTURE_PARSE_XMLTEXT_H

#include "model/evidence.h"
#include "util/arena.h"

/* Decode "\ooo" octal escapes (cppcheck's msg/verbose); NULL stays NULL. */
const char *xmltext_unescape_octal(struct arena *a, const char *s);

/*
 * HTML fragment -> plain text: tags dropped, <p>/<br>/<li> and block ends
 * become line breaks, entities decoded (&lt; &amp; &#39; &#x27; ...), runs
 * of blanks folded, blank lines collapsed, ends trimmed. NULL when nothing
 * is left. For ZAP's and Burp's HTML descriptions.
 */
const char *xmltext_html_to_text(struct arena *a, const char *html);

/* Add every http(s) URL in text to l (unique), ending at a blank, quote or '<'. */
void xmltext_add_urls(struct strlist *l, struct arena *a, const char *text);

/* s cut to at most max bytes on a UTF-8 boundary, "..." appended when cut. */
const char *xmltext_cut(struct arena *a, const char *s, size_t max);

#endif
