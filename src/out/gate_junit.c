/*
 * A gate run as JUnit XML, the report format every CI shows: one test
 * suite per run, one testcase per finding (classname the tier, name the
 * title and place); a blocking finding is a failure, a warning passes with
 * its reason in system-out, a passing finding is skipped only when an
 * exception or a decision excepts it.
 */
#include "posture.h"
#include "out/gate.h"
#include "util/ptime.h"

/* Text or an attribute value: the five entities, and no character XML 1.0 forbids. */
static void xml_text(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				fputc('?', out);
			else
				fputc(c, out);
		}
	}
}

static void testcase(FILE *out, const struct gate_item *it)
{
	char where[1024];

	fputs("    <testcase classname=\"posture.gate.", out);
	xml_text(out, tier_name(it->tier));
	fputs("\" name=\"", out);
	xml_text(out, it->title ? it->title : "(no title)");
	fputs(" at ", out);
	xml_text(out, out_gate__where(it, where, sizeof(where)));
	fputs("\" time=\"0\">\n", out);
	if (it->decision == GATE_BLOCKS) {
		fputs("      <failure type=\"blocked\" message=\"", out);
		xml_text(out, it->why);
		fputs("\">", out);
		xml_text(out, it->explanation);
		fputs("\nfingerprint ", out);
		xml_text(out, it->fingerprint);
		fputs("</failure>\n", out);
	} else if (it->decision == GATE_PASS && (it->exception || !status_is_active(it->status))) {
		fputs("      <skipped message=\"", out);
		xml_text(out, it->exception ? it->exception : status_name(it->status));
		fputs("\"/>\n", out);
	}
	fputs("      <system-out>", out);
	xml_text(out, gate_decision_name(it->decision));
	fputs(": ", out);
	xml_text(out, it->why);
	fputs("; ", out);
	xml_text(out, it->explanation);
	fputs("</system-out>\n    </testcase>\n", out);
}

int out_gate_junit(FILE *out, const struct gate_run *run, struct perr *err)
{
	const struct gate_summary *s = run->sum;
	char when[21];
	long skipped = 0;
	size_t i;

	for (i = 0; i < run->n; i++)
		skipped += run->items[i].decision == GATE_PASS &&
			   (run->items[i].exception || !status_is_active(run->items[i].status));
	ptime_format(when, run->now);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<testsuites name=\"posture gate\" tests=\"%ld\" failures=\"%ld\" errors=\"0\" "
		     "skipped=\"%ld\" time=\"0\">\n", s->total, s->blocking, skipped);
	fputs("  <testsuite name=\"posture gate ", out);
	xml_text(out, run->app);
	fprintf(out, "\" tests=\"%ld\" failures=\"%ld\" errors=\"0\" skipped=\"%ld\" time=\"0\" "
		     "timestamp=\"%.19s\">\n", s->total, s->blocking, skipped, when);
	fputs("    <properties>\n      <property name=\"verdict\" value=\"", out);
	xml_text(out, gate_decision_name(s->verdict));
	fputs("\"/>\n      <property name=\"baseline\" value=\"", out);
	xml_text(out, run->baseline ? run->baseline : "none");
	fputs("\"/>\n      <property name=\"policy\" value=\"", out);
	xml_text(out, run->policy_digest);
	fputs("\"/>\n    </properties>\n", out);
	for (i = 0; i < run->n; i++)
		testcase(out, &run->items[i]);
	fputs("  </testsuite>\n</testsuites>\n", out);
	return out_gate__check(out, err);
}
