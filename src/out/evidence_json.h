/* The JSON form of a normalized evidence record (docs/evidence.md). */
#ifndef POSTURE_OUT_EVIDENCE_JSON_H
#define POSTURE_OUT_EVIDENCE_JSON_H

#include "model/evidence.h"
#include "out/jw.h"

/*
 * Write ev as one JSON object, as one value of w (compact text, even in a
 * pretty writer). Every top-level key is present (null or empty when
 * unknown), unless `compact`: then only the known ones are, which is how
 * the store keeps it.
 */
void out_evidence_json(struct jw *w, const struct evidence *ev, bool compact);

#endif
