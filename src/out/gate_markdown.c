/*
 * A gate run as a pull-request comment: the verdict line, the blocking
 * findings each with its one-line explanation, the warnings folded in a
 * <details> block, each list capped at GATE_MD_ITEMS with "and N more".
 */
#include "posture.h"
#include "out/gate.h"

/* Text from tools, escaped so that it cannot open a link, a table cell or HTML. */
static void md_text(FILE *out, const char *s, size_t max)
{
	size_t n = 0;

	/* past max, finish the UTF-8 sequence under way, then stop */
	for (; s && *s && (n < max || ((unsigned char)*s & 0xC0) == 0x80); s++, n++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			fputs("&lt;", out);
		else if (c == '>')
			fputs("&gt;", out);
		else if (c == '&')
			fputs("&amp;", out);
		else if (c == '\n' || c == '\r' || c == '\t')
			fputc(' ', out);
		else if (strchr("\\`*_[]|#!~", c))
			fprintf(out, "\\%c", c);
		else
			fputc(c, out);
	}
	if (s && *s)
		fputs("…", out);
}

static void md_item(FILE *out, const struct gate_item *it)
{
	char where[1024];

	fprintf(out, "- **%s** · risk %d · ", tier_name(it->tier), it->risk);
	/* not "#2": GitHub would link the pull request or issue 2 */
	if (it->finding_id)
		fprintf(out, "finding %lld · ", (long long)it->finding_id);
	md_text(out, it->title ? it->title : "(no title)", 120);
	fputs(" · `", out);
	/* inside a code span only the backtick matters */
	for (const char *p = out_gate__where(it, where, sizeof(where)); *p; p++)
		fputc(*p == '`' ? '\'' : *p, out);
	fputs("`\n  ", out);
	md_text(out, it->why, 200);
	fputs("; ", out);
	md_text(out, it->explanation, GATE_EXPLAIN_MAX);
	if (it->exception) {
		fputs("; ", out);
		md_text(out, it->exception, 200);
	}
	fputc('\n', out);
}

static void md_list(FILE *out, const struct gate_run *run, enum gate_decision d, long total)
{
	size_t i;
	long shown = 0;

	for (i = 0; i < run->n && shown < GATE_MD_ITEMS; i++)
		if (run->items[i].decision == d) {
			md_item(out, &run->items[i]);
			shown++;
		}
	if (total > shown)
		fprintf(out, "- … and %ld more\n", total - shown);
}

int out_gate_markdown(FILE *out, const struct gate_run *run, struct perr *err)
{
	const struct gate_summary *s = run->sum;
	const char *mark = s->verdict == GATE_BLOCKS ? "❌" : s->verdict == GATE_WARNS ? "⚠️" : "✅";

	fprintf(out, "### %s posture gate %s: ", mark, out_gate__verdict_word(s->verdict));
	md_text(out, run->app, 80);
	fprintf(out, "\n\n%ld blocking, %ld warning%s, %ld passing of %ld finding%s (%ld new",
		s->blocking, s->warnings, s->warnings == 1 ? "" : "s", s->passed, s->total,
		s->total == 1 ? "" : "s", s->new_count);
	if (run->baseline) {
		fputs(" against ", out);
		md_text(out, run->baseline, 200);
	}
	fputs(").", out);
	if (!run->database)
		fputs(" No database: no EPSS or KEV feeds, risk from the reports' CVSS and severity.", out);
	fputs("\n", out);
	if (s->blocking) {
		fprintf(out, "\n#### Blocking (%ld)\n\n", s->blocking);
		md_list(out, run, GATE_BLOCKS, s->blocking);
	}
	if (s->warnings) {
		fprintf(out, "\n<details><summary>Warnings (%ld)</summary>\n\n", s->warnings);
		md_list(out, run, GATE_WARNS, s->warnings);
		fputs("\n</details>\n", out);
	}
	fprintf(out, "\n<sub>policy %.16s · ", run->policy_digest);
	md_text(out, run->policy_source, 200);
	fputs(run->database ? " · `posture explain ID` tells why</sub>\n" : "</sub>\n", out);
	return out_gate__check(out, err);
}
