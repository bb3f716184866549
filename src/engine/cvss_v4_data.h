/*
 * CVSS v4.0 data published with the specification (section 8 and its
 * reference implementation): the score of every macro vector, the highest
 * severity vectors of each equivalence class and the depth of each class.
 * Internal to src/engine/cvss.c.
 */
#ifndef POSTURE_ENGINE_CVSS_V4_DATA_H
#define POSTURE_ENGINE_CVSS_V4_DATA_H

struct cvss__v4_macro_score {
	char macro[7];          /* EQ1..EQ6 digits, "002201" */
	unsigned char score10;  /* the score times ten: 10.0 -> 100 */
};

/* The 270 macro vectors, sorted by macro. */
extern const struct cvss__v4_macro_score cvss__v4_macro_scores[];
extern const size_t cvss__v4_macro_count;

/*
 * Highest severity vectors per EQ level, as the metric letters in a fixed
 * order, several per level where the class has several maxima (tried in
 * this order). NULL-terminated lists.
 *   eq1: AV PR UI      eq2: AC AT      eq4: SC SI SA
 *   eq3eq6[eq3][eq6]: VC VI VA CR IR AR
 */
extern const char *const cvss__v4_max_eq1[3][4];
extern const char *const cvss__v4_max_eq2[2][3];
extern const char *const cvss__v4_max_eq3eq6[3][2][6];
extern const char *const cvss__v4_max_eq4[3][2];

/*
 * Depth of each EQ level (the largest severity distance inside it, plus
 * one), in steps of 0.1: eq1[level], eq2[level], eq3eq6[eq3][eq6], eq4[level].
 * 0 marks a combination that does not exist (EQ3 2 with EQ6 0).
 */
extern const int cvss__v4_depth_eq1[3];
extern const int cvss__v4_depth_eq2[2];
extern const int cvss__v4_depth_eq3eq6[3][2];
extern const int cvss__v4_depth_eq4[3];

#endif
