/*
 * GitHub secret scanning alerts as the REST API lists them
 * (GET /repos/{owner}/{repo}/secret-scanning/alerts, and the organization
 * and enterprise listings): a JSON array, one evidence per alert, kind
 * secret. The alert's `secret` becomes the keyed secret_hash and never
 * leaves this file. docs/formats/github-secret-scanning.md.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/codescan.h"
#include "model/path.h"

static const struct jrec_format alert_records = {
	.records = { "[*]", NULL },
};

struct ghss_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
	long alerts;
};

static const char *str_or_null(const struct jnode *obj, const char *key)
{
	const char *s = json_get_str(obj, key);

	return s && *s ? s : NULL;
}

static void add_flag(struct evidence *ev, struct arena *a, const struct jnode *alert,
		     const char *key)
{
	bool b;

	if (json_get_bool(alert, key, &b))
		kvlist_add(&ev->properties, a, key, b ? "true" : "false");
}

/*
 * first_location_detected (API versions since 2025): a commit location
 * has path, lines and commit_sha; an issue, pull request or discussion
 * location only the API URL of that text (issue_title_url, ...).
 */
static void add_location(struct evidence *ev, struct arena *a, const struct jnode *loc)
{
	const struct jnode *m;
	const char *s;

	if (!json_is(loc, JOBJ))
		return;
	if ((s = str_or_null(loc, "path")))
		ev->loc.path = path_normalize(a, s);
	ev->loc.start_line = parse__uint(json_get(loc, "start_line"));
	ev->loc.end_line = parse__uint(json_get(loc, "end_line"));
	if (ev->loc.end_line < ev->loc.start_line)
		ev->loc.end_line = ev->loc.start_line;
	ev->loc.start_column = parse__uint(json_get(loc, "start_column"));
	ev->loc.end_column = parse__uint(json_get(loc, "end_column"));
	kvlist_add(&ev->properties, a, "commit", str_or_null(loc, "commit_sha"));
	if (ev->loc.path)
		return;
	json_for_each(m, loc) {
		size_t n = strlen(m->key);

		if (n > 4 && !strcmp(m->key + n - 4, "_url") && (s = json_str(m)) && *s) {
			ev->loc.url = s;
			kvlist_add(&ev->properties, a, "location_type",
				   arena_strndup(a, m->key, n - 4));
			break;
		}
	}
}

/* false_positive and used_in_tests say the alert is no risk; the rest is for the lifecycle. */
static void set_resolution(struct evidence *ev, struct arena *a, const struct jnode *alert,
			   const char *secret)
{
	const char *res = str_or_null(alert, "resolution");
	const char *comment = parse__redact(a, str_or_null(alert, "resolution_comment"), secret);

	kvlist_add(&ev->properties, a, "state", str_or_null(alert, "state"));
	if (!res)
		return;
	kvlist_add(&ev->properties, a, "resolution", res);
	kvlist_add(&ev->properties, a, "resolution_comment", comment);
	kvlist_add(&ev->properties, a, "resolved_at", str_or_null(alert, "resolved_at"));
	kvlist_add(&ev->properties, a, "resolved_by",
		   str_or_null(json_get(alert, "resolved_by"), "login"));
	if (!strcmp(res, "false_positive") || !strcmp(res, "used_in_tests")) {
		ev->suppressed = true;
		ev->suppression_kind = "external";
		ev->suppression_justification = comment ? arena_printf(a, "%s: %s", res, comment) :
					       res;
	}
}

static int on_alert(const struct jrec *rec, void *payload, struct perr *err)
{
	struct ghss_state *st = payload;
	const struct jnode *al = rec->node;
	struct arena *a = rec->arena;
	const char *secret, *validity;
	struct evidence ev;

	if (!json_is(al, JOBJ))
		return perr_set(err, P_EINVALID, "alert is %s, not an object", json_type_a(al->type));
	evidence_init(&ev);
	ev.tool = "github-secret-scanning";
	ev.kind = KIND_SECRET;
	if (!(ev.rule_id = str_or_null(al, "secret_type")))
		return perr_set(err, P_EINVALID, "'secret_type' is missing");
	ev.title = str_or_null(al, "secret_type_display_name");
	if (!ev.title)
		ev.title = ev.rule_id;
	secret = str_or_null(al, "secret");
	parse__secret(&ev, a, st->opts, secret);
	add_location(&ev, a, json_get(al, "first_location_detected"));

	/* active: GitHub checked it with the provider and it works */
	validity = str_or_null(al, "validity");
	kvlist_add(&ev.properties, a, "validity", validity);
	if (validity && !strcmp(validity, "active")) {
		ev.secret_verified = true;
		ev.confidence = CONF_CONFIRMED;
	}
	set_resolution(&ev, a, al, secret);
	kvlist_add(&ev.properties, a, "alert_number", json_text(json_get(al, "number")));
	kvlist_add(&ev.properties, a, "alert_url", str_or_null(al, "html_url"));
	kvlist_add(&ev.properties, a, "created_at", str_or_null(al, "created_at"));
	kvlist_add(&ev.properties, a, "repository",
		   str_or_null(json_get(al, "repository"), "full_name"));
	add_flag(&ev, a, al, "publicly_leaked");
	add_flag(&ev, a, al, "multi_repo");
	add_flag(&ev, a, al, "push_protection_bypassed");
	kvlist_add(&ev.properties, a, "push_protection_bypassed_by",
		   str_or_null(json_get(al, "push_protection_bypassed_by"), "login"));
	add_flag(&ev, a, al, "has_more_locations");
	st->alerts++;
	return st->cb(&ev, st->payload, err);
}

int detect_github_secret_scanning(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '[')
		return 0;
	if (parse_has(head, len, "\"secret_type\"") &&
	    (parse_has(head, len, "\"locations_url\"") ||
	     parse_has(head, len, "\"secret_type_display_name\"")))
		return 95;
	/* a clean repository: gitleaks, first in the table, takes "[]" when guessing */
	return parse__is_empty_array(head, len) ? 1 : 0;
}

int parse_github_secret_scanning(const char *buf, size_t len, const struct parse_opts *opts,
				 evidence_cb cb, void *payload, struct perr *err)
{
	struct ghss_state st = { opts, cb, payload, 0 };
	long n;

	n = jrec_parse(buf, len, &alert_records, &opts->stream, on_alert, &st, err);
	if (n < 0)
		return (int)n;
	if (!st.alerts && (n = parse__check_array(buf, len, "", opts, err)) < 0)
		return (int)n;
	parse_tool_seen(opts, "github-secret-scanning", NULL);
	return 0;
}
