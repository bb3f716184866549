/*
 * HTML output helpers: every string from the database or a report goes
 * through html_escape() before it reaches a page, in text and in
 * attribute values alike.
 */
#ifndef POSTURE_OUT_HTML_H
#define POSTURE_OUT_HTML_H

/*
 * Write s with &, <, >, " and ' escaped (NULL writes nothing). Control
 * characters other than tab and newline become U+FFFD so the page stays
 * well-formed whatever a scanner put in a title.
 */
void html_escape(FILE *out, const char *s);

/* html_escape() of at most `max` bytes of s, cut at a UTF-8 boundary, with "..." when cut. */
void html_escape_cut(FILE *out, const char *s, size_t max);

#endif
