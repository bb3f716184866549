/*
 * Who owns a finding: the team CODEOWNERS names for its path in its repo,
 * else the team of its app. Each repo's CODEOWNERS is parsed once per run
 * and each owner mapped to a team once, so recomputing every finding's
 * owner costs one read per finding plus a write where it changes.
 */
#include "posture.h"
#include "inventory/codeowners.h"
#include "inventory/reconcile.h"
#include "util/alloc.h"
#include "util/strmap.h"

struct owners {
	struct store *s;
	int64_t now;
	struct inv_report *rep;
	struct arena arena;
	struct strmap files;   /* component id -> struct codeowners *, or &files: none */
	struct strmap teams;   /* owner -> team id + 1 */
	struct strmap names;   /* team id -> name */
	struct codeowners **parsed;
	size_t nparsed, parsed_alloc;
	/* changes, grouped so that each group is two statements whatever its size */
	struct strmap group_index;  /* "from>to|reason" -> struct group * */
	struct group **groups;
	size_t ngroups, groups_alloc;
};

struct group {
	int64_t team;
	const char *from, *to, *reason;
	int64_t *ids;
	size_t n, alloc;
};

static const char *id_text(struct arena *a, int64_t id)
{
	return arena_printf(a, "%lld", (long long)id);
}

static int codeowners_of(struct owners *o, int64_t component_id, const struct codeowners **out,
			 struct perr *err)
{
	char key[32];
	struct codeowners *co;
	const char *text;
	int ret;

	void *hit;

	snprintf(key, sizeof(key), "%lld", (long long)component_id);
	*out = NULL;
	if ((hit = strmap_get(&o->files, key))) {
		/* the map itself stands for "this repo has none" */
		*out = hit == (void *)&o->files ? NULL : hit;
		return 0;
	}
	ret = store_codeowners_get(o->s, component_id, &o->arena, &text, err);
	if (ret == P_ENOTFOUND) {
		strmap_put(&o->files, arena_strdup(&o->arena, key), &o->files);
		return 0;
	}
	if (ret < 0)
		return ret;
	co = xmalloc(sizeof(*co));
	codeowners_init(co);
	ALLOC_GROW(o->parsed, o->nparsed + 1, o->parsed_alloc);
	o->parsed[o->nparsed++] = co;
	/* the text was size-checked when it was imported; a failure here means none */
	if (codeowners_parse(co, text, strlen(text), err) < 0)
		perr_clear(err);
	strmap_put(&o->files, arena_strdup(&o->arena, key), co);
	*out = co;
	return 0;
}

static int team_of_owner(struct owners *o, const char *owner, int64_t *team, struct perr *err)
{
	void *hit = strmap_get(&o->teams, owner);
	int ret;

	if (hit) {
		*team = (int64_t)(intptr_t)hit - 1;
		return 0;
	}
	if ((ret = store_team_for_owner(o->s, owner, team, err)) < 0)
		return ret;
	strmap_put(&o->teams, arena_strdup(&o->arena, owner), (void *)(intptr_t)(*team + 1));
	return 0;
}

static int team_name(struct owners *o, int64_t id, const char **name, struct perr *err)
{
	const char *key;
	int ret;

	*name = NULL;
	if (!id)
		return 0;
	key = id_text(&o->arena, id);
	if ((*name = strmap_get(&o->names, key)))
		return 0;
	if ((ret = store_team_name(o->s, id, &o->arena, name, err)) < 0)
		return ret == P_ENOTFOUND ? 0 : ret;
	strmap_put(&o->names, key, (void *)*name);
	return 0;
}

static int add_change(struct owners *o, int64_t finding_id, int64_t from_team, int64_t team,
		      const char *from, const char *to, const char *reason)
{
	char *key = arena_printf(&o->arena, "%lld>%lld|%s", (long long)from_team, (long long)team, reason);
	struct group *g = strmap_get(&o->group_index, key);

	if (!g) {
		g = arena_zalloc(&o->arena, sizeof(*g));
		g->team = team;
		g->from = from;
		g->to = to;
		g->reason = arena_strdup(&o->arena, reason);
		strmap_put(&o->group_index, key, g);
		ALLOC_GROW(o->groups, o->ngroups + 1, o->groups_alloc);
		o->groups[o->ngroups++] = g;
	}
	ALLOC_GROW(g->ids, g->n + 1, g->alloc);
	g->ids[g->n++] = finding_id;
	if (o->rep)
		o->rep->assigned++;
	return 0;
}

static int on_input(const struct store_owner_input *in, void *payload, struct perr *err)
{
	struct owners *o = payload;
	const struct codeowners *co = NULL;
	const struct codeowners_rule *rule = NULL;
	int64_t team = 0;
	const char *reason = NULL, *from, *to;
	char why[512];
	size_t i;
	int ret;

	if (in->repo && in->component_id && in->path) {
		if ((ret = codeowners_of(o, in->component_id, &co, err)) < 0)
			return ret;
		if (co && (rule = codeowners_match(co, in->path))) {
			for (i = 0; i < rule->nowners && !team; i++)
				if ((ret = team_of_owner(o, rule->owners[i], &team, err)) < 0)
					return ret;
			if (team) {
				snprintf(why, sizeof(why), "CODEOWNERS line %u: %.200s %.200s", rule->line,
					 rule->pattern, rule->owners[i - 1]);
				reason = why;
			}
		}
	}
	if (!team) {
		team = in->app_team_id;
		if (rule) {
			snprintf(why, sizeof(why), "team of the app (CODEOWNERS line %u names no posture team)",
				 rule->line);
			reason = why;
		} else {
			reason = "team of the app";
		}
	}
	if (team == in->owner_team_id)
		return 0;
	if ((ret = team_name(o, in->owner_team_id, &from, err)) < 0 ||
	    (ret = team_name(o, team, &to, err)) < 0)
		return ret;
	return add_change(o, in->finding_id, in->owner_team_id, team, from, to,
			  team ? reason : "no owning team");
}

int inventory_assign_owners(struct store *s, const int64_t *ids, size_t n, int64_t component_id,
			    int64_t now, struct inv_report *rep, struct perr *err)
{
	struct owners o = { 0 };
	size_t i;
	int ret;

	o.s = s;
	o.now = now;
	o.rep = rep;
	arena_init(&o.arena, 0);
	ret = store_owner_inputs_each(s, ids, n, component_id, on_input, &o, err);
	for (i = 0; i < o.ngroups && !ret; i++) {
		const struct group *g = o.groups[i];

		ret = store_findings_assign(s, g->ids, g->n, g->team, now, g->from, g->to, g->reason, err);
	}
	for (i = 0; i < o.ngroups; i++)
		xfree(o.groups[i]->ids);
	xfree(o.groups);
	strmap_release(&o.group_index);
	for (i = 0; i < o.nparsed; i++) {
		codeowners_release(o.parsed[i]);
		xfree(o.parsed[i]);
	}
	xfree(o.parsed);
	strmap_release(&o.files);
	strmap_release(&o.teams);
	strmap_release(&o.names);
	arena_release(&o.arena);
	return ret;
}
