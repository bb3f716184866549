/*
 * Trivy JSON (SchemaVersion 2): `trivy image|fs|repo|rootfs|vm|sbom -f json`
 * and `trivy k8s --format json` (Resources[*].Results). One evidence per
 * entry of Results[*].Vulnerabilities, Misconfigurations (failures and
 * exceptions), Secrets and Licenses; Packages (--list-all-pkgs) go to
 * parse_package_seen. See docs/formats/trivy.md for the field mapping.
 */
#include "posture.h"
#include "parse/formats.h"
#include "parse/vulnkit.h"
#include "model/path.h"
#include "util/buf.h"

enum { REC_VULN, REC_MISCONF, REC_SECRET, REC_LICENSE, REC_PACKAGE, NREC };

enum {
	CTX_ARTIFACT_NAME,
	CTX_ARTIFACT_TYPE,
	CTX_METADATA,
	CTX_TRIVY,
	CTX_TARGET,
	CTX_CLASS,
	CTX_TYPE,
	CTX_K8S_NAMESPACE,
	CTX_K8S_KIND,
	CTX_K8S_NAME,
	CTX_K8S_METADATA,
	CTX_K8S_TARGET,
	CTX_K8S_CLASS,
	CTX_K8S_TYPE,
	CTX_CLUSTER,
};

static const struct jrec_format trivy_records = {
	.records = {
		"Results[*].Vulnerabilities[*]", "Results[*].Misconfigurations[*]",
		"Results[*].Secrets[*]", "Results[*].Licenses[*]", "Results[*].Packages[*]",
		"Resources[*].Results[*].Vulnerabilities[*]",
		"Resources[*].Results[*].Misconfigurations[*]",
		"Resources[*].Results[*].Secrets[*]", "Resources[*].Results[*].Licenses[*]",
		"Resources[*].Results[*].Packages[*]", NULL,
	},
	.context = {
		"ArtifactName", "ArtifactType", "Metadata", "Trivy",
		"Results[*].Target", "Results[*].Class", "Results[*].Type",
		"Resources[*].Namespace", "Resources[*].Kind", "Resources[*].Name",
		"Resources[*].Metadata", "Resources[*].Results[*].Target",
		"Resources[*].Results[*].Class", "Resources[*].Results[*].Type",
		"ClusterName", NULL,
	},
	.scope_end = true,
};

struct trivy_state {
	const struct parse_opts *opts;
	evidence_cb cb;
	void *payload;
};

/* What every record of one Result shares: the tool, the target, the image. */
struct result_ctx {
	const char *version;
	const char *target, *class, *type;
	const char *artifact_type;
	bool k8s;
	const struct jnode *metadata; /* image metadata: the report's, or the k8s resource's */
	const char *image;
	const char *resource;         /* k8s: namespace/Kind/name */
};

static void read_context(struct result_ctx *rc, const struct jrec *rec, struct arena *a)
{
	const struct jnode *md;
	const char *ns, *kind, *name;

	memset(rc, 0, sizeof(*rc));
	rc->version = json_get_str(rec->ctx[CTX_TRIVY], "Version");
	rc->artifact_type = json_str(rec->ctx[CTX_ARTIFACT_TYPE]);
	rc->k8s = rec->which >= NREC;
	if (!rc->k8s) {
		rc->target = json_str(rec->ctx[CTX_TARGET]);
		rc->class = json_str(rec->ctx[CTX_CLASS]);
		rc->type = json_str(rec->ctx[CTX_TYPE]);
		rc->metadata = rec->ctx[CTX_METADATA];
		if (rc->artifact_type && !strcmp(rc->artifact_type, "container_image"))
			rc->image = json_str(rec->ctx[CTX_ARTIFACT_NAME]);
		return;
	}
	rc->target = json_str(rec->ctx[CTX_K8S_TARGET]);
	rc->class = json_str(rec->ctx[CTX_K8S_CLASS]);
	rc->type = json_str(rec->ctx[CTX_K8S_TYPE]);
	ns = json_str(rec->ctx[CTX_K8S_NAMESPACE]);
	kind = json_str(rec->ctx[CTX_K8S_KIND]);
	name = json_str(rec->ctx[CTX_K8S_NAME]);
	if (kind || name)
		rc->resource = arena_printf(a, "%s%s%s/%s", ns ? ns : "", ns ? "/" : "",
					    kind ? kind : "", name ? name : "");
	/* a workload's images: Metadata is one entry per image; the first names the result's */
	md = json_at(rec->ctx[CTX_K8S_METADATA], 0);
	rc->metadata = md;
	rc->image = json_str(json_at(json_get(md, "RepoTags"), 0));
}

/* Packages of an image (OS or language) are container findings; a tree or repo's are sca. */
static enum kind package_kind(const struct result_ctx *rc)
{
	if (rc->image)
		return KIND_CONTAINER;
	if (rc->artifact_type && !strcmp(rc->artifact_type, "container_image"))
		return KIND_CONTAINER;
	return KIND_SCA;
}

static bool is_lang_class(const struct result_ctx *rc)
{
	return rc->class && !strcmp(rc->class, "lang-pkgs");
}

static void add_image_properties(struct evidence *ev, struct arena *a, const struct result_ctx *rc)
{
	const struct jnode *md = rc->metadata, *os = json_get(md, "OS");
	const char *digest = json_str(json_at(json_get(md, "RepoDigests"), 0)), *at;
	bool eosl;

	if (digest && (at = strchr(digest, '@')))
		vulnkit__prop(&ev->properties, a, "image_digest", at + 1);
	vulnkit__prop(&ev->properties, a, "image_id", json_get_str(md, "ImageID"));
	vulnkit__prop(&ev->properties, a, "os_family", json_get_str(os, "Family"));
	vulnkit__prop(&ev->properties, a, "os_name", json_get_str(os, "Name"));
	if (json_get_bool(os, "EOSL", &eosl) && eosl)
		vulnkit__prop(&ev->properties, a, "os_eosl", "true");
	/* a base image only appears as an OCI label some builders set */
	vulnkit__prop(&ev->properties, a, "base_image",
		   json_get_str(json_path(md, "ImageConfig.config.Labels"),
				"org.opencontainers.image.base.name"));
}

static void set_layer(struct evidence *ev, struct arena *a, const struct jnode *layer)
{
	const char *diff = json_get_str(layer, "DiffID"), *digest = json_get_str(layer, "Digest");

	ev->loc.layer = diff ? diff : digest;
	vulnkit__prop(&ev->properties, a, "layer_diff_id", diff);
	vulnkit__prop(&ev->properties, a, "layer_digest", digest);
	vulnkit__prop(&ev->properties, a, "layer_created_by", json_get_str(layer, "CreatedBy"));
}

static void set_common(struct evidence *ev, struct arena *a, const struct result_ctx *rc,
		       const struct jnode *node)
{
	const char *sev = json_get_str(node, "Severity");

	ev->tool = "Trivy";
	ev->tool_version = rc->version;
	ev->severity = vulnkit__severity_word(sev);
	ev->severity_raw = sev;
	ev->loc.image = rc->image;
	if (rc->resource)
		ev->loc.resource = rc->resource;
	if (rc->image || rc->k8s)
		add_image_properties(ev, a, rc);
	set_layer(ev, a, json_get(node, "Layer"));
	vulnkit__prop(&ev->properties, a, "target", rc->target);
	vulnkit__prop(&ev->properties, a, "class", rc->class);
	vulnkit__prop(&ev->properties, a, "target_type", rc->type);
}

static void add_references(struct evidence *ev, struct arena *a, const struct jnode *node)
{
	const char *primary = json_get_str(node, "PrimaryURL");

	if (primary)
		strlist_add_unique(&ev->references, a, primary);
	vulnkit__add_strings(&ev->references, a, json_get(node, "References"));
}

/*
 * One source's CVSS entry: {"V3Vector": ..., "V3Score": ..., "V40Vector": ...}.
 * Offered to a scratch record so that each source is judged on its own.
 */
static void offer_source(struct evidence *ev, const struct jnode *src)
{
	static const char *const keys[][2] = {
		{ "V2Vector", "V2Score" }, { "V3Vector", "V3Score" }, { "V40Vector", "V40Score" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *vector = json_get_str(src, keys[i][0]);
		double score;
		bool has = json_get_num(src, keys[i][1], &score);

		if (vector || has)
			vulnkit__offer_cvss(ev, i == 0 ? "2.0" : i == 1 ? "3.x" : "4.0", vector,
					    has ? &score : NULL);
	}
	if (ev->cvss.version && !strcmp(ev->cvss.version, "3.x"))
		ev->cvss.version = NULL; /* a V3 score without its vector: 3.0 or 3.1 unknown */
}

/*
 * CVSS from the source Trivy took the severity from (SeveritySource), then
 * NVD, then GHSA, then any other: the first source with a vector wins, so
 * that the score and vector shown agree with each other.
 */
static void set_cvss(struct evidence *ev, const struct jnode *vuln)
{
	const struct jnode *cvss = json_get(vuln, "CVSS"), *c;
	const char *order[] = { json_get_str(vuln, "SeveritySource"), "nvd", "ghsa" };
	struct evidence scratch;
	size_t i;

	if (!json_is(cvss, JOBJ))
		return;
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		if (!order[i])
			continue;
		evidence_init(&scratch);
		offer_source(&scratch, json_get(cvss, order[i]));
		if (scratch.cvss.vector) {
			ev->cvss = scratch.cvss;
			return;
		}
	}
	json_for_each(c, cvss) {
		evidence_init(&scratch);
		offer_source(&scratch, c);
		if (scratch.cvss.vector) {
			ev->cvss = scratch.cvss;
			return;
		}
		if (!ev->cvss.has_score && scratch.cvss.has_score)
			ev->cvss = scratch.cvss;
	}
}

/* "1.2.3, 1.3.1" (one fixed version per branch) */
static void add_fixed_versions(struct evidence *ev, struct arena *a, const char *fixed)
{
	while (fixed && *fixed) {
		size_t n = strcspn(fixed, ",");
		const char *p = fixed, *end = fixed + n;

		while (p < end && *p == ' ')
			p++;
		while (end > p && end[-1] == ' ')
			end--;
		if (end > p)
			strlist_add_unique(&ev->loc.fixed_versions, a, arena_strndup(a, p, (size_t)(end - p)));
		fixed += n;
		if (*fixed == ',')
			fixed++;
	}
}

static int emit_vuln(struct trivy_state *st, const struct jrec *rec, const struct result_ctx *rc,
		     struct perr *err)
{
	const struct jnode *v = rec->node, *c;
	struct arena *a = rec->arena;
	struct evidence ev;
	const char *id = json_get_str(v, "VulnerabilityID"), *purl, *pkg_path, *fixed, *status;

	if (!id)
		return perr_set(err, P_EINVALID, "'VulnerabilityID' is missing");
	evidence_init(&ev);
	set_common(&ev, a, rc, v);
	ev.kind = package_kind(rc);
	ev.rule_id = id;
	vulnkit__add_id(&ev, a, id);
	vulnkit__add_strings(&ev.vuln_ids, a, json_get(v, "VendorIDs"));
	ev.title = json_get_str(v, "Title");
	if (!ev.title)
		ev.title = id;
	ev.description = json_get_str(v, "Description");
	set_cvss(&ev, v);
	json_for_each(c, json_get(v, "CweIDs"))
		evidence_add_cwe_text(&ev, a, json_str(c));
	add_references(&ev, a, v);

	purl = json_get_str(json_get(v, "PkgIdentifier"), "PURL");
	ev.loc.purl = purl;
	ev.loc.name = json_get_str(v, "PkgName");
	ev.loc.version = json_get_str(v, "InstalledVersion");
	ev.loc.ecosystem = vulnkit__purl_type(a, purl);
	if (!ev.loc.ecosystem)
		ev.loc.ecosystem = rc->type;
	fixed = json_get_str(v, "FixedVersion");
	add_fixed_versions(&ev, a, fixed);
	/* the lock file, or the package's own file inside an image (jar, package.json) */
	pkg_path = json_get_str(v, "PkgPath");
	if (pkg_path)
		ev.loc.path = path_normalize(a, pkg_path);
	else if (is_lang_class(rc) && rc->target)
		ev.loc.path = path_normalize(a, rc->target);

	status = json_get_str(v, "Status");
	vulnkit__prop(&ev.properties, a, "status", status);
	vulnkit__prop(&ev.properties, a, "fix_available", ev.loc.fixed_versions.n ? "true" : "false");
	vulnkit__prop(&ev.properties, a, "pkg_id", json_get_str(v, "PkgID"));
	vulnkit__prop(&ev.properties, a, "severity_source", json_get_str(v, "SeveritySource"));
	vulnkit__prop(&ev.properties, a, "data_source", json_get_str(json_get(v, "DataSource"), "ID"));
	vulnkit__prop(&ev.properties, a, "published_date", json_get_str(v, "PublishedDate"));
	vulnkit__prop(&ev.properties, a, "last_modified_date", json_get_str(v, "LastModifiedDate"));
	return st->cb(&ev, st->payload, err);
}

/* The lines Trivy marks as the cause, joined: stable when lines above shift. */
static const char *cause_snippet(struct arena *a, const struct jnode *code)
{
	struct pbuf b = PBUF_INIT;
	const struct jnode *c;
	const char *res = NULL;
	bool cause;

	json_for_each(c, json_get(code, "Lines")) {
		const char *content = json_get_str(c, "Content");

		if (!content || !json_get_bool(c, "IsCause", &cause) || !cause)
			continue;
		if ((b.len && pbuf_addch(&b, '\n') < 0) || pbuf_adds(&b, content) < 0)
			break;
	}
	if (b.len)
		res = arena_strndup(a, b.buf, b.len);
	pbuf_release(&b);
	return res;
}

static int emit_misconf(struct trivy_state *st, const struct jrec *rec,
			const struct result_ctx *rc, struct perr *err)
{
	const struct jnode *m = rec->node, *cause = json_get(m, "CauseMetadata");
	struct arena *a = rec->arena;
	const char *status = json_get_str(m, "Status"), *id = json_get_str(m, "ID");
	const char *avd = json_get_str(m, "AVDID");
	struct evidence ev;
	long long v;

	/* PASS entries (--include-non-failures) are checks that held */
	if (status && !strcmp(status, "PASS"))
		return 0;
	if (!id)
		id = avd;
	if (!id)
		return perr_set(err, P_EINVALID, "'ID' is missing");
	evidence_init(&ev);
	set_common(&ev, a, rc, m);
	ev.kind = KIND_IAC;
	ev.rule_id = id;
	ev.title = json_get_str(m, "Title");
	ev.description = json_get_str(m, "Message");
	if (!ev.description)
		ev.description = json_get_str(m, "Description");
	if (!ev.title)
		ev.title = ev.description ? ev.description : id;
	ev.remediation = json_get_str(m, "Resolution");
	add_references(&ev, a, m);
	ev.help_uri = json_get_str(m, "PrimaryURL");
	/* a k8s result's target is "Kind/name", not a file: the resource says it */
	if (rc->target && !rc->k8s)
		ev.loc.path = path_normalize(a, rc->target);
	if (json_get_int(cause, "StartLine", &v) && v > 0 && v < UINT_MAX)
		ev.loc.start_line = (unsigned)v;
	if (json_get_int(cause, "EndLine", &v) && v > 0 && v < UINT_MAX)
		ev.loc.end_line = (unsigned)v;
	else
		ev.loc.end_line = ev.loc.start_line;
	if (json_get_str(cause, "Resource") && *json_get_str(cause, "Resource"))
		ev.loc.resource = json_get_str(cause, "Resource");
	ev.loc.provider = json_get_str(cause, "Provider");
	ev.loc.snippet = cause_snippet(a, json_get(cause, "Code"));
	if (status && !strcmp(status, "EXCEPTION")) {
		ev.suppressed = true;
		ev.suppression_kind = "exception";
	}
	vulnkit__prop(&ev.properties, a, "status", status);
	vulnkit__prop(&ev.properties, a, "avd_id", avd);
	vulnkit__prop(&ev.properties, a, "check_type", json_get_str(m, "Type"));
	vulnkit__prop(&ev.properties, a, "namespace", json_get_str(m, "Namespace"));
	vulnkit__prop(&ev.properties, a, "service", json_get_str(cause, "Service"));
	return st->cb(&ev, st->payload, err);
}

/*
 * Secrets: Trivy already masks the secret with '*' in Match and Code, but
 * a custom rule's masking can miss, so neither is copied. The keyed hash
 * covers rule, file and the masked match line (which survives the file's
 * other lines moving), or the line span when there is no Match.
 */
static int emit_secret(struct trivy_state *st, const struct jrec *rec,
		       const struct result_ctx *rc, struct perr *err)
{
	const struct jnode *s = rec->node;
	struct arena *a = rec->arena;
	const char *id = json_get_str(s, "RuleID"), *match = json_get_str(s, "Match");
	const char *fields[4];
	struct evidence ev;
	long long v;

	if (!id)
		return perr_set(err, P_EINVALID, "'RuleID' is missing");
	evidence_init(&ev);
	set_common(&ev, a, rc, s);
	ev.kind = KIND_SECRET;
	ev.rule_id = id;
	ev.title = json_get_str(s, "Title");
	if (!ev.title)
		ev.title = id;
	if (rc->target)
		ev.loc.path = path_normalize(a, rc->target);
	if (json_get_int(s, "StartLine", &v) && v > 0 && v < UINT_MAX)
		ev.loc.start_line = (unsigned)v;
	if (json_get_int(s, "EndLine", &v) && v > 0 && v < UINT_MAX)
		ev.loc.end_line = (unsigned)v;
	else
		ev.loc.end_line = ev.loc.start_line;
	fields[0] = "trivy-secret";
	fields[1] = id;
	fields[2] = ev.loc.path;
	fields[3] = match ? match : arena_printf(a, "lines %u-%u", ev.loc.start_line, ev.loc.end_line);
	ev.secret_hash = vulnkit__secret_hash(st->opts, a, fields, ARRAY_SIZE(fields));
	vulnkit__prop(&ev.properties, a, "category", json_get_str(s, "Category"));
	return st->cb(&ev, st->payload, err);
}

static int emit_license(struct trivy_state *st, const struct jrec *rec,
			const struct result_ctx *rc, struct perr *err)
{
	const struct jnode *l = rec->node;
	struct arena *a = rec->arena;
	const char *name = json_get_str(l, "Name"), *file = json_get_str(l, "FilePath");
	const char *category = json_get_str(l, "Category"), *pkg = json_get_str(l, "PkgName");
	struct evidence ev;

	if (!name)
		return perr_set(err, P_EINVALID, "'Name' is missing");
	evidence_init(&ev);
	set_common(&ev, a, rc, l);
	ev.kind = KIND_SCA;
	ev.rule_id = arena_printf(a, "license:%s", name);
	ev.title = arena_printf(a, "%s license %s%s%s%s", category ? category : "Detected", name,
				pkg ? " in package " : "", pkg ? pkg : "",
				!pkg && file ? " in a file" : "");
	ev.loc.name = pkg;
	if (file && *file)
		ev.loc.path = path_normalize(a, file);
	else if (is_lang_class(rc) && rc->target)
		ev.loc.path = path_normalize(a, rc->target);
	if (json_get_str(l, "Link") && *json_get_str(l, "Link"))
		strlist_add(&ev.references, a, json_get_str(l, "Link"));
	vulnkit__prop(&ev.properties, a, "license", name);
	vulnkit__prop(&ev.properties, a, "license_category", category);
	vulnkit__prop(&ev.properties, a, "license_confidence", json_text(json_get(l, "Confidence")));
	return st->cb(&ev, st->payload, err);
}

static void see_package(struct trivy_state *st, const struct jrec *rec,
			const struct result_ctx *rc)
{
	const struct jnode *p = rec->node, *id = json_get(p, "Identifier");
	struct package_ref pkg;

	memset(&pkg, 0, sizeof(pkg));
	pkg.purl = json_get_str(id, "PURL");
	pkg.name = json_get_str(p, "Name");
	pkg.version = json_get_str(p, "Version");
	pkg.ecosystem = vulnkit__purl_type(rec->arena, pkg.purl);
	if (!pkg.ecosystem)
		pkg.ecosystem = rc->type;
	pkg.license = json_str(json_at(json_get(p, "Licenses"), 0));
	pkg.ref = json_get_str(p, "ID");
	pkg.path = json_get_str(p, "FilePath");
	if (!pkg.path && is_lang_class(rc))
		pkg.path = rc->target;
	if (pkg.name || pkg.purl)
		parse_package_seen(st->opts, &pkg);
}

static int on_record(const struct jrec *rec, void *payload, struct perr *err)
{
	struct trivy_state *st = payload;
	struct result_ctx rc;
	int which;

	if (rec->which == JREC_SCOPE_END) {
		/* the end of the report object: say which tool wrote it, findings or not */
		if (!rec->nindex)
			parse_tool_seen(st->opts, "Trivy", json_get_str(rec->ctx[CTX_TRIVY], "Version"));
		return 0;
	}
	which = rec->which % NREC;
	if (!json_is(rec->node, JOBJ))
		return perr_set(err, P_EINVALID, "the entry is %s, not an object",
				vulnkit__a_type(rec->node));
	read_context(&rc, rec, rec->arena);
	switch (which) {
	case REC_VULN:
		return emit_vuln(st, rec, &rc, err);
	case REC_MISCONF:
		return emit_misconf(st, rec, &rc, err);
	case REC_SECRET:
		return emit_secret(st, rec, &rc, err);
	case REC_LICENSE:
		return emit_license(st, rec, &rc, err);
	default:
		see_package(st, rec, &rc);
		return 0;
	}
}

int detect_trivy(const char *head, size_t len)
{
	if (parse_first_char(head, len) != '{')
		return 0;
	/* trivy k8s: {"ClusterName": ..., "Resources": [{"Namespace", "Kind", "Name", ...}]} */
	if (parse_has(head, len, "\"ClusterName\"") && parse_has(head, len, "\"Resources\"") &&
	    parse_has(head, len, "\"Kind\""))
		return 90;
	if (!parse_has(head, len, "\"SchemaVersion\""))
		return 0;
	if (parse_has(head, len, "\"ArtifactName\"") || parse_has(head, len, "\"ArtifactType\""))
		return 95;
	if (parse_has(head, len, "\"Results\"") && parse_has(head, len, "\"Target\""))
		return 60;
	return 0;
}

int parse_trivy(const char *buf, size_t len, const struct parse_opts *opts,
		evidence_cb cb, void *payload, struct perr *err)
{
	struct trivy_state st = { opts, cb, payload };
	long n = jrec_parse(buf, len, &trivy_records, &opts->stream, on_record, &st, err);

	return n < 0 ? (int)n : 0;
}
