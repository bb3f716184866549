/*
 * Helpers shared by the dynamic (DAST/API), IaC, cloud and generic report
 * parsers. Everything they return lives in the arena they are given, or is
 * borrowed from their argument when nothing had to change.
 */
#ifndef POSTURE_PARSE_DASTIAC_H
#define POSTURE_PARSE_DASTIAC_H

#include "model/evidence.h"
#include "parse/json.h"

/* How much of an attack or evidence string a record keeps. */
#define DASTIAC_CLIP 1024

/*
 * Plain text from the HTML fragments scanners put in descriptions
 * ("<p>a</p><p>b</p>"): tags dropped (block tags become line breaks),
 * the common entities decoded, blank runs folded, ends trimmed. NULL and
 * "" give NULL.
 */
const char *dastiac__text(struct arena *a, const char *html);

/* s cut to at most max bytes on a UTF-8 boundary, marked with "..." when cut. */
const char *dastiac__clip(struct arena *a, const char *s, size_t max);

/*
 * The usual severity words, any case: critical, high, medium/moderate,
 * low, info/informational/information/note/none. 0 on success, P_EINVALID
 * for anything else (out untouched).
 */
int dastiac__severity(enum severity *out, const char *word);

/*
 * ZAP's rating of an alert, the same in its JSON and XML reports:
 * riskcode 0-3 (else the first word of riskdesc, "Medium (High)") is
 * info..high; confidence 1-3 is low..high, 4 "Confirmed" (a person
 * checked it) and 0 "False Positive" (a person marked it). Any argument
 * may be NULL.
 */
void dastiac__zap_rating(struct evidence *ev, const char *riskcode, const char *riskdesc,
			 const char *confidence);

/* Every http(s):// token of text (separated by blanks, commas or quotes). */
void dastiac__add_urls(struct strlist *refs, struct arena *a, const char *text);

/*
 * A present member of the wrong type: an error naming it, like
 * "'instances' is a string, not an array". Returns 0 when n is NULL or of
 * type t.
 */
int dastiac__want(struct perr *err, const struct jnode *n, enum jtype t, const char *name);

/* A positive line number, or 0. */
unsigned dastiac__line(const struct jnode *n);

#endif
