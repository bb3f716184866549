/*
 * CVSS v2.0, v3.0, v3.1 and v4.0: vector parsing and scoring.
 *
 * Each version is a table of metrics (abbreviation, name, values in the
 * specification's order, group); a parsed vector is the index of each
 * metric's value. The equations follow FIRST's documents:
 *   v2.0  "A Complete Guide to the CVSS Version 2.0", section 3.2
 *   v3.0  "CVSS v3.0: Specification Document", section 8
 *   v3.1  "CVSS v3.1: Specification Document", section 7 and Appendix A
 *   v4.0  "CVSS v4.0: Specification Document", section 8
 * Rounding is where implementations drift, so each version rounds the way
 * its document (and FIRST's calculator for it) does; see round_v2(),
 * roundup_v30(), roundup_v31() and v4_score().
 */
#include "posture.h"
#include "engine/cvss.h"
#include "engine/cvss_v4_data.h"

#include <math.h>

#ifdef __clang__
/* x86-64 has no FMA by default, but never let a fused multiply-add change a score */
#pragma STDC FP_CONTRACT OFF
#endif

enum group { G_BASE, G_TEMPORAL, G_ENVIRONMENTAL, G_SUPPLEMENTAL };

struct metric_def {
	const char *abbr;
	const char *name;
	enum group group;
	const char *values[7]; /* NULL-terminated, the specification's order */
};

/* --- CVSS v2.0 --------------------------------------------------------- */

enum {
	V2_AV, V2_AC, V2_AU, V2_C, V2_I, V2_A,
	V2_E, V2_RL, V2_RC,
	V2_CDP, V2_TD, V2_CR, V2_IR, V2_AR,
	V2_COUNT
};

static const struct metric_def v2_metrics[] = {
	{ "AV", "Access Vector", G_BASE, { "L", "A", "N" } },
	{ "AC", "Access Complexity", G_BASE, { "H", "M", "L" } },
	{ "Au", "Authentication", G_BASE, { "M", "S", "N" } },
	{ "C", "Confidentiality Impact", G_BASE, { "N", "P", "C" } },
	{ "I", "Integrity Impact", G_BASE, { "N", "P", "C" } },
	{ "A", "Availability Impact", G_BASE, { "N", "P", "C" } },
	{ "E", "Exploitability", G_TEMPORAL, { "U", "POC", "F", "H", "ND" } },
	{ "RL", "Remediation Level", G_TEMPORAL, { "OF", "TF", "W", "U", "ND" } },
	{ "RC", "Report Confidence", G_TEMPORAL, { "UC", "UR", "C", "ND" } },
	{ "CDP", "Collateral Damage Potential", G_ENVIRONMENTAL, { "N", "L", "LM", "MH", "H", "ND" } },
	{ "TD", "Target Distribution", G_ENVIRONMENTAL, { "N", "L", "M", "H", "ND" } },
	{ "CR", "Confidentiality Requirement", G_ENVIRONMENTAL, { "L", "M", "H", "ND" } },
	{ "IR", "Integrity Requirement", G_ENVIRONMENTAL, { "L", "M", "H", "ND" } },
	{ "AR", "Availability Requirement", G_ENVIRONMENTAL, { "L", "M", "H", "ND" } },
};

/* --- CVSS v3.0 and v3.1 (one metric set) -------------------------------- */

enum {
	V3_AV, V3_AC, V3_PR, V3_UI, V3_S, V3_C, V3_I, V3_A,
	V3_E, V3_RL, V3_RC,
	V3_CR, V3_IR, V3_AR, V3_MAV, V3_MAC, V3_MPR, V3_MUI, V3_MS, V3_MC, V3_MI, V3_MA,
	V3_COUNT
};

static const struct metric_def v3_metrics[] = {
	{ "AV", "Attack Vector", G_BASE, { "N", "A", "L", "P" } },
	{ "AC", "Attack Complexity", G_BASE, { "L", "H" } },
	{ "PR", "Privileges Required", G_BASE, { "N", "L", "H" } },
	{ "UI", "User Interaction", G_BASE, { "N", "R" } },
	{ "S", "Scope", G_BASE, { "U", "C" } },
	{ "C", "Confidentiality", G_BASE, { "H", "L", "N" } },
	{ "I", "Integrity", G_BASE, { "H", "L", "N" } },
	{ "A", "Availability", G_BASE, { "H", "L", "N" } },
	{ "E", "Exploit Code Maturity", G_TEMPORAL, { "X", "H", "F", "P", "U" } },
	{ "RL", "Remediation Level", G_TEMPORAL, { "X", "U", "W", "T", "O" } },
	{ "RC", "Report Confidence", G_TEMPORAL, { "X", "C", "R", "U" } },
	{ "CR", "Confidentiality Requirement", G_ENVIRONMENTAL, { "X", "H", "M", "L" } },
	{ "IR", "Integrity Requirement", G_ENVIRONMENTAL, { "X", "H", "M", "L" } },
	{ "AR", "Availability Requirement", G_ENVIRONMENTAL, { "X", "H", "M", "L" } },
	{ "MAV", "Modified Attack Vector", G_ENVIRONMENTAL, { "X", "N", "A", "L", "P" } },
	{ "MAC", "Modified Attack Complexity", G_ENVIRONMENTAL, { "X", "L", "H" } },
	{ "MPR", "Modified Privileges Required", G_ENVIRONMENTAL, { "X", "N", "L", "H" } },
	{ "MUI", "Modified User Interaction", G_ENVIRONMENTAL, { "X", "N", "R" } },
	{ "MS", "Modified Scope", G_ENVIRONMENTAL, { "X", "U", "C" } },
	{ "MC", "Modified Confidentiality", G_ENVIRONMENTAL, { "X", "H", "L", "N" } },
	{ "MI", "Modified Integrity", G_ENVIRONMENTAL, { "X", "H", "L", "N" } },
	{ "MA", "Modified Availability", G_ENVIRONMENTAL, { "X", "H", "L", "N" } },
};

/* --- CVSS v4.0 --------------------------------------------------------- */

enum {
	V4_AV, V4_AC, V4_AT, V4_PR, V4_UI, V4_VC, V4_VI, V4_VA, V4_SC, V4_SI, V4_SA,
	V4_E,
	V4_CR, V4_IR, V4_AR, V4_MAV, V4_MAC, V4_MAT, V4_MPR, V4_MUI,
	V4_MVC, V4_MVI, V4_MVA, V4_MSC, V4_MSI, V4_MSA,
	V4_S, V4_AU, V4_R, V4_V, V4_RE, V4_U,
	V4_COUNT
};

static const struct metric_def v4_metrics[] = {
	{ "AV", "Attack Vector", G_BASE, { "N", "A", "L", "P" } },
	{ "AC", "Attack Complexity", G_BASE, { "L", "H" } },
	{ "AT", "Attack Requirements", G_BASE, { "N", "P" } },
	{ "PR", "Privileges Required", G_BASE, { "N", "L", "H" } },
	{ "UI", "User Interaction", G_BASE, { "N", "P", "A" } },
	{ "VC", "Vulnerable System Confidentiality Impact", G_BASE, { "H", "L", "N" } },
	{ "VI", "Vulnerable System Integrity Impact", G_BASE, { "H", "L", "N" } },
	{ "VA", "Vulnerable System Availability Impact", G_BASE, { "H", "L", "N" } },
	{ "SC", "Subsequent System Confidentiality Impact", G_BASE, { "H", "L", "N" } },
	{ "SI", "Subsequent System Integrity Impact", G_BASE, { "H", "L", "N" } },
	{ "SA", "Subsequent System Availability Impact", G_BASE, { "H", "L", "N" } },
	{ "E", "Exploit Maturity", G_TEMPORAL, { "X", "A", "P", "U" } },
	{ "CR", "Confidentiality Requirement", G_ENVIRONMENTAL, { "X", "H", "M", "L" } },
	{ "IR", "Integrity Requirement", G_ENVIRONMENTAL, { "X", "H", "M", "L" } },
	{ "AR", "Availability Requirement", G_ENVIRONMENTAL, { "X", "H", "M", "L" } },
	{ "MAV", "Modified Attack Vector", G_ENVIRONMENTAL, { "X", "N", "A", "L", "P" } },
	{ "MAC", "Modified Attack Complexity", G_ENVIRONMENTAL, { "X", "L", "H" } },
	{ "MAT", "Modified Attack Requirements", G_ENVIRONMENTAL, { "X", "N", "P" } },
	{ "MPR", "Modified Privileges Required", G_ENVIRONMENTAL, { "X", "N", "L", "H" } },
	{ "MUI", "Modified User Interaction", G_ENVIRONMENTAL, { "X", "N", "P", "A" } },
	{ "MVC", "Modified Vulnerable System Confidentiality Impact", G_ENVIRONMENTAL, { "X", "H", "L", "N" } },
	{ "MVI", "Modified Vulnerable System Integrity Impact", G_ENVIRONMENTAL, { "X", "H", "L", "N" } },
	{ "MVA", "Modified Vulnerable System Availability Impact", G_ENVIRONMENTAL, { "X", "H", "L", "N" } },
	{ "MSC", "Modified Subsequent System Confidentiality Impact", G_ENVIRONMENTAL, { "X", "H", "L", "N" } },
	{ "MSI", "Modified Subsequent System Integrity Impact", G_ENVIRONMENTAL, { "X", "S", "H", "L", "N" } },
	{ "MSA", "Modified Subsequent System Availability Impact", G_ENVIRONMENTAL, { "X", "S", "H", "L", "N" } },
	{ "S", "Safety", G_SUPPLEMENTAL, { "X", "N", "P" } },
	{ "AU", "Automatable", G_SUPPLEMENTAL, { "X", "N", "Y" } },
	{ "R", "Recovery", G_SUPPLEMENTAL, { "X", "A", "U", "I" } },
	{ "V", "Value Density", G_SUPPLEMENTAL, { "X", "D", "C" } },
	{ "RE", "Vulnerability Response Effort", G_SUPPLEMENTAL, { "X", "L", "M", "H" } },
	{ "U", "Provider Urgency", G_SUPPLEMENTAL, { "X", "Clear", "Green", "Amber", "Red" } },
};

struct version_def {
	const char *name;    /* "3.1" */
	const char *prefix;  /* "CVSS:3.1/", NULL for v2 */
	const struct metric_def *metrics;
	size_t count;
	bool ordered;        /* the specification fixes the metric order */
};

static const struct version_def versions[] = {
	[CVSS_V2_0] = { "2.0", NULL, v2_metrics, ARRAY_SIZE(v2_metrics), false },
	[CVSS_V3_0] = { "3.0", "CVSS:3.0/", v3_metrics, ARRAY_SIZE(v3_metrics), false },
	[CVSS_V3_1] = { "3.1", "CVSS:3.1/", v3_metrics, ARRAY_SIZE(v3_metrics), false },
	[CVSS_V4_0] = { "4.0", "CVSS:4.0/", v4_metrics, ARRAY_SIZE(v4_metrics), true },
};

/* ----------------------------------------------------------------------- */

static const struct version_def *version_of(enum cvss_version version)
{
	if ((unsigned)version >= ARRAY_SIZE(versions))
		return NULL;
	return &versions[version];
}

const char *cvss_version_name(enum cvss_version version)
{
	const struct version_def *vd = version_of(version);

	return vd ? vd->name : "?";
}

const char *cvss_metric_abbr(enum cvss_version version, size_t i)
{
	const struct version_def *vd = version_of(version);

	return vd && i < vd->count ? vd->metrics[i].abbr : NULL;
}

const char *cvss_metric_value(const struct cvss_vector *v, size_t i)
{
	const struct version_def *vd = version_of(v->version);

	if (!vd || i >= vd->count || v->value[i] < 0)
		return NULL;
	return vd->metrics[i].values[(int)v->value[i]];
}

static int find_metric(const struct version_def *vd, const char *abbr, size_t len)
{
	size_t i;

	for (i = 0; i < vd->count; i++)
		if (strlen(vd->metrics[i].abbr) == len &&
		    !memcmp(vd->metrics[i].abbr, abbr, len))
			return (int)i;
	return -1;
}

static int find_value(const struct metric_def *md, const char *val, size_t len)
{
	int i;

	for (i = 0; md->values[i]; i++)
		if (strlen(md->values[i]) == len && !memcmp(md->values[i], val, len))
			return i;
	return -1;
}

/* "N, A, L, P" */
static void list_values(char *out, size_t size, const struct metric_def *md)
{
	size_t n = 0;
	int i;

	out[0] = '\0';
	for (i = 0; md->values[i] && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s%s", i ? ", " : "", md->values[i]);
}

static int bad(struct perr *err, int code, const char *vector, const char *fmt, ...)
	P_PRINTF(4, 5);

/* "<vector>: <problem>", the vector cut so that the problem always fits */
static int bad(struct perr *err, int code, const char *vector, const char *fmt, ...)
{
	char problem[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(problem, sizeof(problem), fmt, ap);
	va_end(ap);
	if (strlen(vector) > 160)
		return perr_set(err, code, "%.150s...: %s", vector, problem);
	return perr_set(err, code, "%s: %s", vector, problem);
}

/* Parse "AV:N/AC:L/..." (no prefix) of version vd into out. */
static int parse_metrics(struct cvss_vector *out, const struct version_def *vd,
			 const char *vector, const char *p, const char *end,
			 struct perr *err)
{
	int last = -1;
	size_t i;

	if (p == end)
		return bad(err, P_EINVALID, vector, "no metrics after the version prefix");
	for (;;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *comp_end = slash ? slash : end;
		size_t len = (size_t)(comp_end - p);
		const char *colon = memchr(p, ':', len);
		int m, val;

		if (!len)
			return bad(err, P_EINVALID, vector, "empty metric (a '/' too many)");
		if (!colon || colon == p)
			return bad(err, P_EINVALID, vector, "'%.*s' is not a metric:value pair",
				   (int)len, p);
		m = find_metric(vd, p, (size_t)(colon - p));
		if (m < 0)
			return bad(err, P_EINVALID, vector, "'%.*s' is not a CVSS v%s metric",
				   (int)(colon - p), p, vd->name);
		if (out->value[m] >= 0)
			return bad(err, P_EINVALID, vector, "'%s' is given more than once",
				   vd->metrics[m].abbr);
		val = find_value(&vd->metrics[m], colon + 1, (size_t)(comp_end - colon - 1));
		if (val < 0) {
			char allowed[64];

			list_values(allowed, sizeof(allowed), &vd->metrics[m]);
			return bad(err, P_EINVALID, vector,
				   "'%.*s' is not a valid value of %s (%s)",
				   (int)len, p, vd->metrics[m].name, allowed);
		}
		if (vd->ordered && m < last)
			return bad(err, P_EINVALID, vector,
				   "'%.*s' comes after '%s': CVSS v%s metrics must follow the specification's order",
				   (int)len, p, vd->metrics[last].abbr, vd->name);
		out->value[m] = (signed char)val;
		last = m;
		if (!slash)
			break;
		p = slash + 1;
	}
	for (i = 0; i < vd->count; i++)
		if (vd->metrics[i].group == G_BASE && out->value[i] < 0)
			return bad(err, P_EINVALID, vector, "the base metric %s (%s) is missing",
				   vd->metrics[i].abbr, vd->metrics[i].name);
	return 0;
}

int cvss_parse(struct cvss_vector *out, const char *vector, struct perr *err)
{
	char buf[CVSS_MAX_VECTOR + 1];
	const char *p, *end;
	const struct version_def *vd = NULL;
	size_t len;
	int i, ret;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < CVSS_MAX_METRICS; i++)
		out->value[i] = -1;
	if (!vector)
		vector = "";
	len = strnlen(vector, CVSS_MAX_VECTOR + 1);
	if (len > CVSS_MAX_VECTOR)
		return perr_set(err, P_ELIMIT, "%.40s...: a CVSS vector is at most %d bytes",
				vector, CVSS_MAX_VECTOR);
	/* the message names the vector as given, less surrounding white space */
	p = vector;
	end = vector + len;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		end--;
	memcpy(buf, p, (size_t)(end - p));
	buf[end - p] = '\0';
	end = buf + (end - p);
	p = buf;
	if (p == end)
		return perr_set(err, P_EINVALID, "empty CVSS vector");

	if (!strncmp(p, "CVSS:", 5)) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t plen = slash ? (size_t)(slash - p) + 1 : (size_t)(end - p);

		for (i = 0; i < (int)ARRAY_SIZE(versions); i++)
			if (versions[i].prefix && plen == strlen(versions[i].prefix) &&
			    !memcmp(p, versions[i].prefix, plen)) {
				vd = &versions[i];
				out->version = (enum cvss_version)i;
			}
		/*
		 * "CVSS:2.0/" is no prefix the v2 guide defines, but some tools
		 * write it: read what follows as the v2 vector it is.
		 */
		if (!vd && plen == 9 && !memcmp(p, "CVSS:2.0/", 9)) {
			vd = &versions[CVSS_V2_0];
			out->version = CVSS_V2_0;
		}
		if (!vd) {
			int name_len = (int)(slash ? plen - 1 : plen);

			for (i = 0; !slash && i < (int)ARRAY_SIZE(versions); i++)
				if (versions[i].prefix && plen + 1 == strlen(versions[i].prefix) &&
				    !memcmp(p, versions[i].prefix, plen))
					return bad(err, P_EINVALID, buf, "no metrics after the version prefix");
			return bad(err, P_EINVALID, buf,
				   "'%.*s' is not a CVSS version posture knows (2.0, 3.0, 3.1, 4.0)",
				   name_len > 16 ? 16 : name_len, p);
		}
		p += plen;
	} else {
		vd = &versions[CVSS_V2_0];
		out->version = CVSS_V2_0;
		/* NVD writes v2 vectors in parentheses */
		if (*p == '(') {
			if (end[-1] != ')' || end - p < 2)
				return bad(err, P_EINVALID, buf, "'(' without a closing ')'");
			p++;
			end--;
		}
	}
	ret = parse_metrics(out, vd, buf, p, end, err);
	if (ret < 0) {
		enum cvss_version version = out->version;

		memset(out->value, -1, sizeof(out->value));
		out->version = version;
	}
	return ret;
}

/* The value index of metric m, or def when absent. */
static int val(const struct cvss_vector *v, int m, int def)
{
	return v->value[m] >= 0 ? v->value[m] : def;
}

/* Whether any metric of group g has a value other than Not Defined. */
static bool defines_group(const struct cvss_vector *v, enum group g)
{
	const struct version_def *vd = version_of(v->version);
	size_t i;

	if (!vd)
		return false;
	for (i = 0; i < vd->count; i++) {
		const char *s;

		if (vd->metrics[i].group != g || v->value[i] < 0)
			continue;
		s = vd->metrics[i].values[(int)v->value[i]];
		if (strcmp(s, "X") && strcmp(s, "ND"))
			return true;
	}
	return false;
}

bool cvss_has_temporal(const struct cvss_vector *v)
{
	return v->version != CVSS_V4_0 && defines_group(v, G_TEMPORAL);
}

bool cvss_has_environmental(const struct cvss_vector *v)
{
	return v->version != CVSS_V4_0 && defines_group(v, G_ENVIRONMENTAL);
}

/* --- v2.0 scoring ------------------------------------------------------- */

/*
 * round_to_1_decimal, half up, as the v2 guide means it on exact decimals
 * (NVD's calculator agrees: AV:N/AC:L/Au:S/C:C/I:C/A:C/E:U/RL:U/RC:C has
 * temporal 7.7, though 9.0 * 0.85 is 7.6499... in binary). Every v2 value
 * that is not a tie lies at least 5e-5 from one (checked exhaustively
 * over base and temporal vectors with exact fractions), so lifting by 1e-7
 * turns only binary near-ties into the ties they are.
 */
static double round_v2(double x)
{
	double r = floor(x * 10.0 + 0.5 + 1e-7) / 10.0;

	return r == 0.0 ? 0.0 : r; /* no -0.0 */
}

static const double v2_av[] = { 0.395, 0.646, 1.0 };
static const double v2_ac[] = { 0.35, 0.61, 0.71 };
static const double v2_au[] = { 0.45, 0.56, 0.704 };
static const double v2_cia[] = { 0.0, 0.275, 0.660 };
static const double v2_e[] = { 0.85, 0.9, 0.95, 1.0, 1.0 };
static const double v2_rl[] = { 0.87, 0.90, 0.95, 1.0, 1.0 };
static const double v2_rc[] = { 0.90, 0.95, 1.0, 1.0 };
static const double v2_cdp[] = { 0.0, 0.1, 0.3, 0.4, 0.5, 0.0 };
static const double v2_td[] = { 0.0, 0.25, 0.75, 1.0, 1.0 };
static const double v2_req[] = { 0.5, 1.0, 1.51, 1.0 };

static double v2_base_with_impact(const struct cvss_vector *v, double impact)
{
	double expl = 20.0 * v2_av[val(v, V2_AV, 0)] * v2_ac[val(v, V2_AC, 0)] *
		      v2_au[val(v, V2_AU, 0)];
	double f = impact == 0.0 ? 0.0 : 1.176;

	return round_v2((0.6 * impact + 0.4 * expl - 1.5) * f);
}

static double v2_base(const struct cvss_vector *v)
{
	double impact = 10.41 * (1.0 - (1.0 - v2_cia[val(v, V2_C, 0)]) *
					(1.0 - v2_cia[val(v, V2_I, 0)]) *
					(1.0 - v2_cia[val(v, V2_A, 0)]));

	return v2_base_with_impact(v, impact);
}

static double v2_temporal_of(const struct cvss_vector *v, double base)
{
	return round_v2(base * v2_e[val(v, V2_E, 4)] * v2_rl[val(v, V2_RL, 4)] *
			v2_rc[val(v, V2_RC, 3)]);
}

static double v2_environmental(const struct cvss_vector *v)
{
	double adj_impact = 10.41 *
		(1.0 - (1.0 - v2_cia[val(v, V2_C, 0)] * v2_req[val(v, V2_CR, 3)]) *
		       (1.0 - v2_cia[val(v, V2_I, 0)] * v2_req[val(v, V2_IR, 3)]) *
		       (1.0 - v2_cia[val(v, V2_A, 0)] * v2_req[val(v, V2_AR, 3)]));
	double adj_temporal, cdp;

	if (adj_impact > 10.0)
		adj_impact = 10.0;
	adj_temporal = v2_temporal_of(v, v2_base_with_impact(v, adj_impact));
	cdp = v2_cdp[val(v, V2_CDP, 5)];
	return round_v2((adj_temporal + (10.0 - adj_temporal) * cdp) * v2_td[val(v, V2_TD, 4)]);
}

/* --- v3.x scoring ------------------------------------------------------- */

/*
 * v3.0 "Round up": the smallest one-decimal number >= x, computed the
 * way the v3.0 document and FIRST's v3.0 calculator do, in binary floating
 * point (so 5.0 * 0.92 = 4.6000000000000005 rounds up to 4.7: that is
 * v3.0 as published, and why v3.1 replaced the function).
 */
static double roundup_v30(double x)
{
	return ceil(x * 10.0) / 10.0;
}

/* v3.1 Appendix A: Roundup on an integer scale, immune to binary noise. */
static double roundup_v31(double x)
{
	long long i = (long long)floor(x * 100000.0 + 0.5);

	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (floor((double)i / 10000.0) + 1.0) / 10.0;
}

static double v3_roundup(const struct cvss_vector *v, double x)
{
	return v->version == CVSS_V3_0 ? roundup_v30(x) : roundup_v31(x);
}

static const double v3_av[] = { 0.85, 0.62, 0.55, 0.2 };
static const double v3_ac[] = { 0.77, 0.44 };
static const double v3_pr_unchanged[] = { 0.85, 0.62, 0.27 };
static const double v3_pr_changed[] = { 0.85, 0.68, 0.5 };
static const double v3_ui[] = { 0.85, 0.62 };
static const double v3_cia[] = { 0.56, 0.22, 0.0 };
static const double v3_e[] = { 1.0, 1.0, 0.97, 0.94, 0.91 };
static const double v3_rl[] = { 1.0, 1.0, 0.97, 0.96, 0.95 };
static const double v3_rc[] = { 1.0, 1.0, 0.96, 0.92 };
static const double v3_req[] = { 1.0, 1.5, 1.0, 0.5 };

static double v3_base(const struct cvss_vector *v)
{
	bool changed = val(v, V3_S, 0) == 1;
	double iss = 1.0 - ((1.0 - v3_cia[val(v, V3_C, 2)]) *
			    (1.0 - v3_cia[val(v, V3_I, 2)]) *
			    (1.0 - v3_cia[val(v, V3_A, 2)]));
	double impact, expl;

	if (changed)
		impact = 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15);
	else
		impact = 6.42 * iss;
	expl = 8.22 * v3_av[val(v, V3_AV, 0)] * v3_ac[val(v, V3_AC, 0)] *
	       (changed ? v3_pr_changed : v3_pr_unchanged)[val(v, V3_PR, 0)] *
	       v3_ui[val(v, V3_UI, 0)];
	if (impact <= 0)
		return 0.0;
	if (changed)
		return v3_roundup(v, fmin(1.08 * (impact + expl), 10.0));
	return v3_roundup(v, fmin(impact + expl, 10.0));
}

static double v3_temporal(const struct cvss_vector *v)
{
	return v3_roundup(v, v3_base(v) * v3_e[val(v, V3_E, 0)] *
			     v3_rl[val(v, V3_RL, 0)] * v3_rc[val(v, V3_RC, 0)]);
}

/* A modified metric's value index in the base metric's list; X takes the base value. */
static int modified(const struct cvss_vector *v, int mod, int base)
{
	int m = val(v, mod, 0);

	return m ? m - 1 : val(v, base, 0);
}

static double v3_environmental(const struct cvss_vector *v)
{
	bool changed = modified(v, V3_MS, V3_S) == 1;
	double miss, impact, expl, inner;

	miss = 1.0 - ((1.0 - v3_cia[modified(v, V3_MC, V3_C)] * v3_req[val(v, V3_CR, 0)]) *
		      (1.0 - v3_cia[modified(v, V3_MI, V3_I)] * v3_req[val(v, V3_IR, 0)]) *
		      (1.0 - v3_cia[modified(v, V3_MA, V3_A)] * v3_req[val(v, V3_AR, 0)]));
	miss = fmin(miss, 0.915);
	if (!changed)
		impact = 6.42 * miss;
	else if (v->version == CVSS_V3_0)
		impact = 7.52 * (miss - 0.029) - 3.25 * pow(miss - 0.02, 15);
	else
		impact = 7.52 * (miss - 0.029) - 3.25 * pow(miss * 0.9731 - 0.02, 13);
	expl = 8.22 * v3_av[modified(v, V3_MAV, V3_AV)] * v3_ac[modified(v, V3_MAC, V3_AC)] *
	       (changed ? v3_pr_changed : v3_pr_unchanged)[modified(v, V3_MPR, V3_PR)] *
	       v3_ui[modified(v, V3_MUI, V3_UI)];
	if (impact <= 0)
		return 0.0;
	inner = changed ? fmin(1.08 * (impact + expl), 10.0) : fmin(impact + expl, 10.0);
	return v3_roundup(v, v3_roundup(v, inner) * v3_e[val(v, V3_E, 0)] *
			     v3_rl[val(v, V3_RL, 0)] * v3_rc[val(v, V3_RC, 0)]);
}

/* --- v4.0 scoring ------------------------------------------------------- */

/*
 * The effective letter of a v4.0 metric: the modified value when one is
 * given, the worst case for the threat and security requirement metrics
 * left Not Defined (E:A, CR/IR/AR:H), else the base value.
 */
static char v4_eff(const struct cvss_vector *v, int m, bool use_optional)
{
	static const int modified_of[V4_COUNT] = {
		[V4_AV] = V4_MAV, [V4_AC] = V4_MAC, [V4_AT] = V4_MAT, [V4_PR] = V4_MPR,
		[V4_UI] = V4_MUI, [V4_VC] = V4_MVC, [V4_VI] = V4_MVI, [V4_VA] = V4_MVA,
		[V4_SC] = V4_MSC, [V4_SI] = V4_MSI, [V4_SA] = V4_MSA,
	};
	const char *s;

	if (m == V4_E || m == V4_CR || m == V4_IR || m == V4_AR) {
		if (!use_optional || val(v, m, 0) == 0)
			return m == V4_E ? 'A' : 'H';
		return v4_metrics[m].values[val(v, m, 0)][0];
	}
	if (use_optional && modified_of[m] && val(v, modified_of[m], 0) != 0)
		s = v4_metrics[modified_of[m]].values[val(v, modified_of[m], 0)];
	else
		s = v4_metrics[m].values[val(v, m, 0)];
	return s[0];
}

struct v4_eff {
	char av, ac, at, pr, ui, vc, vi, va, sc, si, sa, e, cr, ir, ar;
};

static void v4_effective(struct v4_eff *x, const struct cvss_vector *v, bool use_optional)
{
	x->av = v4_eff(v, V4_AV, use_optional);
	x->ac = v4_eff(v, V4_AC, use_optional);
	x->at = v4_eff(v, V4_AT, use_optional);
	x->pr = v4_eff(v, V4_PR, use_optional);
	x->ui = v4_eff(v, V4_UI, use_optional);
	x->vc = v4_eff(v, V4_VC, use_optional);
	x->vi = v4_eff(v, V4_VI, use_optional);
	x->va = v4_eff(v, V4_VA, use_optional);
	x->sc = v4_eff(v, V4_SC, use_optional);
	x->si = v4_eff(v, V4_SI, use_optional);
	x->sa = v4_eff(v, V4_SA, use_optional);
	x->e = v4_eff(v, V4_E, use_optional);
	x->cr = v4_eff(v, V4_CR, use_optional);
	x->ir = v4_eff(v, V4_IR, use_optional);
	x->ar = v4_eff(v, V4_AR, use_optional);
}

/* The equivalence classes, spec section 8.1 tables 24-29. */
static void v4_macro_of(const struct v4_eff *x, int eq[6])
{
	if (x->av == 'N' && x->pr == 'N' && x->ui == 'N')
		eq[0] = 0;
	else if ((x->av == 'N' || x->pr == 'N' || x->ui == 'N') && x->av != 'P')
		eq[0] = 1;
	else
		eq[0] = 2;
	eq[1] = x->ac == 'L' && x->at == 'N' ? 0 : 1;
	if (x->vc == 'H' && x->vi == 'H')
		eq[2] = 0;
	else if (x->vc == 'H' || x->vi == 'H' || x->va == 'H')
		eq[2] = 1;
	else
		eq[2] = 2;
	if (x->si == 'S' || x->sa == 'S')
		eq[3] = 0;
	else if (x->sc == 'H' || x->si == 'H' || x->sa == 'H')
		eq[3] = 1;
	else
		eq[3] = 2;
	eq[4] = x->e == 'A' ? 0 : x->e == 'P' ? 1 : 2;
	eq[5] = (x->cr == 'H' && x->vc == 'H') || (x->ir == 'H' && x->vi == 'H') ||
		(x->ar == 'H' && x->va == 'H') ? 0 : 1;
}

/* Score x 10 of a macro vector, or -1 when the specification defines none. */
static int v4_lookup10(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6)
{
	char key[7];
	size_t lo = 0, hi = cvss__v4_macro_count;

	if (eq1 < 0 || eq1 > 2 || eq2 < 0 || eq2 > 1 || eq3 < 0 || eq3 > 2 ||
	    eq4 < 0 || eq4 > 2 || eq5 < 0 || eq5 > 2 || eq6 < 0 || eq6 > 1)
		return -1;
	snprintf(key, sizeof(key), "%d%d%d%d%d%d", eq1, eq2, eq3, eq4, eq5, eq6);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(cvss__v4_macro_scores[mid].macro, key);

		if (!c)
			return cvss__v4_macro_scores[mid].score10;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/*
 * Severity levels in tenths, spec section 8.2 (0 is the most severe):
 * the distance of a vector from a class maximum is the sum of these.
 */
static int v4_level(char metric, char c)
{
	switch (metric) {
	case 'v': /* AV */
		return c == 'N' ? 0 : c == 'A' ? 1 : c == 'L' ? 2 : 3;
	case 'p': /* PR */
		return c == 'N' ? 0 : c == 'L' ? 1 : 2;
	case 'u': /* UI */
		return c == 'N' ? 0 : c == 'P' ? 1 : 2;
	case 'c': /* AC */
		return c == 'L' ? 0 : 1;
	case 't': /* AT */
		return c == 'N' ? 0 : 1;
	case 'i': /* VC VI VA */
		return c == 'H' ? 0 : c == 'L' ? 1 : 2;
	case 's': /* SC SI SA */
		return c == 'S' ? 0 : c == 'H' ? 1 : c == 'L' ? 2 : 3;
	case 'r': /* CR IR AR */
		return c == 'H' ? 0 : c == 'M' ? 1 : 2;
	}
	return 0;
}

/*
 * The v4.0 score of the effective metrics x, in tenths, by the
 * specification's interpolation (section 8.2): start from the macro
 * vector's score, find a highest-severity vector of the class that is at
 * least as severe as x in every metric, and for each EQ move down by the
 * fraction of the class depth that x lies below it, times the score gap
 * to the next lower macro vector; the mean of those moves is subtracted.
 *
 * Computed in exact integer arithmetic: every quantity is a multiple of
 * 0.1 divided by small depths, so the result is an exact fraction and
 * rounds half up as the specification means on decimals (the reference
 * calculator gets there with an epsilon on binary floating point; plain
 * binary gives 8.5 for CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H
 * whose exact value is 8.55).
 */
static int v4_score10(const struct v4_eff *x)
{
	int eq[6], value, lower[5], dist[5] = { 0 }, depth[5];
	long long num = 0, den, total;
	int i, n = 0, j1, j2, j3, j4;
	bool found = false;

	if (x->vc == 'N' && x->vi == 'N' && x->va == 'N' &&
	    x->sc == 'N' && x->si == 'N' && x->sa == 'N')
		return 0;
	v4_macro_of(x, eq);
	value = v4_lookup10(eq[0], eq[1], eq[2], eq[3], eq[4], eq[5]);
	if (value < 0)
		return 0; /* cannot happen: every reachable macro vector is in the table */

	/* the next lower macro vector of each EQ; EQ3 and EQ6 move together */
	lower[0] = v4_lookup10(eq[0] + 1, eq[1], eq[2], eq[3], eq[4], eq[5]);
	lower[1] = v4_lookup10(eq[0], eq[1] + 1, eq[2], eq[3], eq[4], eq[5]);
	if (eq[2] == 0 && eq[5] == 0) {
		int left = v4_lookup10(eq[0], eq[1], eq[2], eq[3], eq[4], eq[5] + 1);
		int right = v4_lookup10(eq[0], eq[1], eq[2] + 1, eq[3], eq[4], eq[5]);

		lower[2] = left > right ? left : right;
	} else if (eq[2] == 1 && eq[5] == 0) {
		lower[2] = v4_lookup10(eq[0], eq[1], eq[2], eq[3], eq[4], eq[5] + 1);
	} else if (eq[2] == 2 && eq[5] == 1) {
		lower[2] = -1; /* 21 -> 32 does not exist */
	} else {
		lower[2] = v4_lookup10(eq[0], eq[1], eq[2] + 1, eq[3], eq[4], eq[5]);
	}
	lower[3] = v4_lookup10(eq[0], eq[1], eq[2], eq[3] + 1, eq[4], eq[5]);
	lower[4] = v4_lookup10(eq[0], eq[1], eq[2], eq[3], eq[4] + 1, eq[5]);

	/* the first class maximum that dominates x, in the specification's order */
	for (j1 = 0; !found && cvss__v4_max_eq1[eq[0]][j1]; j1++)
	for (j2 = 0; !found && cvss__v4_max_eq2[eq[1]][j2]; j2++)
	for (j3 = 0; !found && cvss__v4_max_eq3eq6[eq[2]][eq[5]][j3]; j3++)
	for (j4 = 0; !found && cvss__v4_max_eq4[eq[3]][j4]; j4++) {
		const char *m1 = cvss__v4_max_eq1[eq[0]][j1];
		const char *m2 = cvss__v4_max_eq2[eq[1]][j2];
		const char *m3 = cvss__v4_max_eq3eq6[eq[2]][eq[5]][j3];
		const char *m4 = cvss__v4_max_eq4[eq[3]][j4];
		int d[14] = {
			v4_level('v', x->av) - v4_level('v', m1[0]),
			v4_level('p', x->pr) - v4_level('p', m1[1]),
			v4_level('u', x->ui) - v4_level('u', m1[2]),
			v4_level('c', x->ac) - v4_level('c', m2[0]),
			v4_level('t', x->at) - v4_level('t', m2[1]),
			v4_level('i', x->vc) - v4_level('i', m3[0]),
			v4_level('i', x->vi) - v4_level('i', m3[1]),
			v4_level('i', x->va) - v4_level('i', m3[2]),
			v4_level('r', x->cr) - v4_level('r', m3[3]),
			v4_level('r', x->ir) - v4_level('r', m3[4]),
			v4_level('r', x->ar) - v4_level('r', m3[5]),
			v4_level('s', x->sc) - v4_level('s', m4[0]),
			v4_level('s', x->si) - v4_level('s', m4[1]),
			v4_level('s', x->sa) - v4_level('s', m4[2]),
		};
		int k;

		for (k = 0; k < 14 && d[k] >= 0; k++)
			;
		if (k < 14)
			continue;
		found = true;
		dist[0] = d[0] + d[1] + d[2];
		dist[1] = d[3] + d[4];
		dist[2] = d[5] + d[6] + d[7] + d[8] + d[9] + d[10];
		dist[3] = d[11] + d[12] + d[13];
		dist[4] = 0; /* EQ5 has a single value per level */
	}
	/*
	 * No dominating maximum cannot happen for a valid vector; the
	 * reference then uses the last candidate's distances. Zero keeps the
	 * macro vector's score.
	 */
	depth[0] = cvss__v4_depth_eq1[eq[0]];
	depth[1] = cvss__v4_depth_eq2[eq[1]];
	depth[2] = cvss__v4_depth_eq3eq6[eq[2]][eq[5]];
	depth[3] = cvss__v4_depth_eq4[eq[3]];
	depth[4] = 1;

	/*
	 * mean = (1/n) * sum_i (value - lower_i) * dist_i / depth_i, all in
	 * tenths; put every term over den = n * prod(depth).
	 */
	den = 1;
	for (i = 0; i < 5; i++)
		den *= depth[i];
	for (i = 0; i < 5; i++) {
		if (lower[i] < 0)
			continue;
		n++;
		num += (long long)(value - lower[i]) * dist[i] * (den / depth[i]);
	}
	if (n)
		den *= n;
	else
		num = 0;
	/* score10 = value - num/den, clamped to [0, 100], rounded half up */
	total = (long long)value * den - num;
	if (total < 0)
		return 0;
	total = (2 * total + den) / (2 * den);
	return total > 100 ? 100 : (int)total;
}

static double v4_score(const struct cvss_vector *v, bool use_optional)
{
	struct v4_eff x;

	v4_effective(&x, v, use_optional);
	return v4_score10(&x) / 10.0;
}

/* --- public scoring ------------------------------------------------------ */

double cvss_base_score(const struct cvss_vector *v)
{
	switch (v->version) {
	case CVSS_V2_0:
		return v2_base(v);
	case CVSS_V3_0:
	case CVSS_V3_1:
		return v3_base(v);
	case CVSS_V4_0:
		return v4_score(v, false);
	}
	return 0.0;
}

double cvss_temporal_score(const struct cvss_vector *v)
{
	switch (v->version) {
	case CVSS_V2_0:
		return v2_temporal_of(v, v2_base(v));
	case CVSS_V3_0:
	case CVSS_V3_1:
		return v3_temporal(v);
	case CVSS_V4_0:
		return v4_score(v, true);
	}
	return 0.0;
}

double cvss_environmental_score(const struct cvss_vector *v)
{
	switch (v->version) {
	case CVSS_V2_0:
		return v2_environmental(v);
	case CVSS_V3_0:
	case CVSS_V3_1:
		return v3_environmental(v);
	case CVSS_V4_0:
		return v4_score(v, true);
	}
	return 0.0;
}

double cvss_score(const struct cvss_vector *v)
{
	if (v->version == CVSS_V4_0)
		return v4_score(v, true);
	if (cvss_has_environmental(v))
		return cvss_environmental_score(v);
	if (cvss_has_temporal(v))
		return cvss_temporal_score(v);
	return cvss_base_score(v);
}

const char *cvss_nomenclature(const struct cvss_vector *v)
{
	bool t, e;

	if (v->version != CVSS_V4_0)
		return NULL;
	t = defines_group(v, G_TEMPORAL);
	e = defines_group(v, G_ENVIRONMENTAL);
	return t && e ? "CVSS-BTE" : t ? "CVSS-BT" : e ? "CVSS-BE" : "CVSS-B";
}

const char *cvss_rating(double score, enum cvss_version version)
{
	/* compare in tenths: scores are one-decimal values */
	long s = lround(score * 10.0);

	if (version == CVSS_V2_0)
		return s < 40 ? "Low" : s < 70 ? "Medium" : "High";
	if (s <= 0)
		return "None";
	return s < 40 ? "Low" : s < 70 ? "Medium" : s < 90 ? "High" : "Critical";
}

double cvss__v4_lookup(const char *macro)
{
	int d[6], i;

	if (!macro || strlen(macro) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		d[i] = macro[i] - '0';
	i = v4_lookup10(d[0], d[1], d[2], d[3], d[4], d[5]);
	return i < 0 ? -1 : i / 10.0;
}

void cvss__v4_macro(const struct cvss_vector *v, char out[7])
{
	struct v4_eff x;
	int eq[6];

	v4_effective(&x, v, true);
	v4_macro_of(&x, eq);
	snprintf(out, 7, "%d%d%d%d%d%d", eq[0], eq[1], eq[2], eq[3], eq[4], eq[5]);
}
