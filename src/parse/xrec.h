/*
 * The streaming XML record layer, twin of jrec.h. An XML format declares
 * the element paths of its records ("results/errors/error") and of the
 * context they need ("results/cppcheck"); xrec_parse() drives libxml2's
 * xmlTextReader over the input once, materializes one record at a time as
 * a small tree of struct xnode, hands it to the format's callback with its
 * context and its ancestors' attributes, and frees it. Memory stays flat
 * whatever the report's size: subtrees no path reaches are skipped.
 *
 * Paths: element names from the root element down, separated by '/';
 * "*" matches any one element. Names are matched by local name, so a
 * namespace (CycloneDX's "http://cyclonedx.org/schema/bom/1.6") never
 * needs spelling out; xnode.ns keeps it for formats that care. Records do
 * not nest: once an element matches a record path, its whole subtree is
 * that record (a CycloneDX component carries its nested components).
 *
 * Context: a context path names a child of an element on the way to the
 * records ("results/cppcheck" belongs to <results>). XML orders elements,
 * and the formats read here write their headers before their records, so
 * the layer does not look ahead: a context element that comes after a
 * record is seen by the records after it only. Attributes of every
 * ancestor of a record (ZAP's <site name host port>) need no declaration:
 * they are on the record's parent chain (xnode_ancestor()).
 *
 * Text is UTF-8 without NUL bytes: the input is read as UTF-8 (a BOM is
 * dropped), US-ASCII or ISO-8859-1 as its declaration says, and bytes that
 * are not valid UTF-8, NULs and the other C0 controls XML forbids become
 * U+FFFD before libxml2 sees them. Other encodings are refused. No network
 * access, no external entities or DTDs are loaded, nothing is printed.
 *
 * Ownership: trees passed to the callback are borrowed. A record dies when
 * the callback returns; a context tree and an ancestor when their parent
 * element ends.
 */
#ifndef POSTURE_PARSE_XREC_H
#define POSTURE_PARSE_XREC_H

#include "parse/jrec.h"
#include "util/arena.h"
#include "util/err.h"

#define XREC_MAX_PATHS 16
#define XREC_MAX_LEVELS 16  /* elements in one path */

struct xattr {
	const char *name;  /* local name; namespace declarations are not kept */
	const char *value;
};

struct xnode {
	const char *name;          /* local name */
	const char *ns;            /* namespace URI, or NULL */
	const struct xattr *attrs;
	size_t nattrs;
	/*
	 * The element's own character data (text and CDATA, children's text
	 * not included), leading and trailing whitespace removed; NULL when
	 * that leaves nothing.
	 */
	const char *text;
	size_t text_len;
	unsigned line;             /* of the start tag */
	/*
	 * Tree links. A record's or context tree's root has as parent the
	 * chain of its ancestors, which carry name, ns and attributes only.
	 */
	const struct xnode *parent;
	struct xnode *first, *last, *next;
	size_t nchildren;
};

/* Navigation. All accept NULL and return NULL for what is missing. */
const char *xnode_attr(const struct xnode *n, const char *name);
/* The first child element named name ("*" any), or the next sibling after c. */
const struct xnode *xnode_child(const struct xnode *n, const char *name);
const struct xnode *xnode_next(const struct xnode *c, const char *name);
/* Child by child: "vulnerabilities/vulnerability" (first match at each step). */
const struct xnode *xnode_path(const struct xnode *n, const char *path);
const char *xnode_text(const struct xnode *n);
/* xnode_text(xnode_path(n, path)). */
const char *xnode_path_text(const struct xnode *n, const char *path);
/* The nearest ancestor named name, starting with n's parent. */
const struct xnode *xnode_ancestor(const struct xnode *n, const char *name);
bool xnode_is(const struct xnode *n, const char *name);
/*
 * A whole decimal integer (surrounding blanks allowed) in [min, max];
 * false for NULL, garbage or out of range.
 */
bool xml_long(const char *s, long long min, long long max, long long *out);

#define xnode_for_each(c, parent) \
	for ((c) = (parent) ? (parent)->first : NULL; (c); (c) = (c)->next)
#define xnode_for_each_named(c, parent, name) \
	for ((c) = xnode_child((parent), (name)); (c); (c) = xnode_next((c), (name)))

struct xml_limits {
	size_t max_depth;  /* element nesting in the document */
	size_t max_text;   /* bytes of one element's text or one attribute value */
	size_t max_tree;   /* bytes one record or context tree may use */
	size_t max_attrs;  /* attributes on one element */
};

extern const struct xml_limits xml_default_limits;

struct xrec_format {
	const char *records[XREC_MAX_PATHS]; /* NULL-terminated */
	const char *context[XREC_MAX_PATHS]; /* NULL-terminated */
	/*
	 * Local names of elements never materialized inside a record or
	 * context tree, with their subtrees: large payloads the format does
	 * not read (Burp's base64 responses, ZAP's response bodies).
	 */
	const char *skip[XREC_MAX_PATHS];     /* NULL-terminated */
	/*
	 * The root element's local name, or NULL for any. Another root is
	 * P_EINVALID ("the root element is <x>, not <results>").
	 */
	const char *root;
	/*
	 * Also call back at the end of the root element and of every element
	 * that owns context, with node NULL, which XREC_SCOPE_END and scope
	 * the element (attributes only): a report without records still
	 * names its tool.
	 */
	bool scope_end;
};

#define XREC_SCOPE_END (-1)

struct xrec {
	const struct xnode *node;              /* the record; NULL at a scope end */
	int which;                             /* index into records[] */
	const struct xnode *ctx[XREC_MAX_PATHS]; /* per context path; NULL if absent */
	const struct xnode *scope;             /* at a scope end: the element ending */
	size_t seq;                            /* records handed out before this one */
	unsigned line;                         /* line of the record's start tag */
	struct arena *arena;                   /* the record's arena: allocate derived data here */
};

typedef int (*xrec_cb)(const struct xrec *rec, void *payload, struct perr *err);

struct xrec_opts {
	struct xml_limits limits;  /* zeros take xml_default_limits */
	/* Called about every 4 MiB with the bytes read so far. */
	void (*progress)(void *hook_payload, size_t done, size_t total);
	/* Bytes [from, to) are not needed again (lets mmap callers drop pages). */
	void (*release)(void *hook_payload, size_t from, size_t to);
	void *hook_payload;
};

/*
 * Options for a parser called with a parse_opts: the hooks of the JSON
 * stream options, and their depth, string and tree limits where set.
 */
void xrec_opts_from_stream(struct xrec_opts *out, const struct jrec_opts *stream);

/*
 * Parse buf and call cb for every record, in document order. Returns the
 * number of records (>= 0), or a negative code with err naming the place:
 * "line 12, column 5: invalid XML: ..." for what libxml2 rejects, "line 12:
 * ..." for a limit or an error the callback reports about the record
 * starting on line 12.
 */
long xrec_parse(const char *buf, size_t len, const struct xrec_format *fmt,
		const struct xrec_opts *opts, xrec_cb cb, void *payload,
		struct perr *err);

#endif
