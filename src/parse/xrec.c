#include "posture.h"
#include "parse/xrec.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/utf8.h"

#include <ctype.h>
#include <libxml/xmlreader.h>

#define MAX_NAME 64
#define CHUNK 16384
#define PROGRESS_STEP (4u << 20)
#define HARD_MAX_DEPTH 1024

const struct xml_limits xml_default_limits = {
	.max_depth = 128,
	.max_text = 16u << 20,
	.max_tree = 64u << 20,
	.max_attrs = 256,
};

/* --- navigation --- */

static bool name_matches(const char *pattern, const char *name)
{
	return !strcmp(pattern, "*") || !strcmp(pattern, name);
}

bool xnode_is(const struct xnode *n, const char *name)
{
	return n && !strcmp(n->name, name);
}

const char *xnode_attr(const struct xnode *n, const char *name)
{
	size_t i;

	if (!n)
		return NULL;
	for (i = 0; i < n->nattrs; i++)
		if (!strcmp(n->attrs[i].name, name))
			return n->attrs[i].value;
	return NULL;
}

const struct xnode *xnode_next(const struct xnode *c, const char *name)
{
	for (c = c ? c->next : NULL; c; c = c->next)
		if (name_matches(name, c->name))
			return c;
	return NULL;
}

const struct xnode *xnode_child(const struct xnode *n, const char *name)
{
	const struct xnode *c;

	for (c = n ? n->first : NULL; c; c = c->next)
		if (name_matches(name, c->name))
			return c;
	return NULL;
}

const struct xnode *xnode_path(const struct xnode *n, const char *path)
{
	char seg[MAX_NAME];

	while (n && *path) {
		size_t len = strcspn(path, "/");

		if (len && len < sizeof(seg)) {
			memcpy(seg, path, len);
			seg[len] = '\0';
			n = xnode_child(n, seg);
		} else if (len) {
			return NULL;
		}
		path += len;
		if (*path == '/')
			path++;
	}
	return n;
}

const char *xnode_text(const struct xnode *n)
{
	return n ? n->text : NULL;
}

const char *xnode_path_text(const struct xnode *n, const char *path)
{
	return xnode_text(xnode_path(n, path));
}

const struct xnode *xnode_ancestor(const struct xnode *n, const char *name)
{
	for (n = n ? n->parent : NULL; n; n = n->parent)
		if (!strcmp(n->name, name))
			return n;
	return NULL;
}

bool xml_long(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (!s)
		return false;
	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* --- the state --- */

enum enc { ENC_UTF8, ENC_LATIN1, ENC_CP1252 };

struct pattern {
	char seg[XREC_MAX_LEVELS][MAX_NAME];
	size_t nseg;
};

/* An element on the way to records or context (one per depth). */
struct frame {
	uint32_t alive;        /* patterns whose prefix matches down to here */
	bool scope;            /* root, or parent of some context path */
	struct xnode *node;    /* name and attributes, in arena */
	struct arena arena;    /* this element's node and its context trees */
};

struct xrec_state {
	/* input, converted to UTF-8 on its way into libxml2 */
	const unsigned char *src;
	size_t len, pos;
	enum enc enc;
	unsigned char out[3 * CHUNK + 8];
	size_t out_len, out_pos;
	size_t last_progress, last_release;

	const struct xrec_format *fmt;
	const struct xrec_opts *opts;
	struct xml_limits lim;
	xrec_cb cb;
	void *payload;
	struct perr *err;
	xmlTextReaderPtr reader;

	struct pattern pat[2 * XREC_MAX_PATHS]; /* records, then context at XREC_MAX_PATHS */
	uint32_t all, recbits, ctxbits;

	struct frame frames[XREC_MAX_LEVELS];
	int nframes;
	const struct xnode *ctx[XREC_MAX_PATHS];

	/* the tree being built */
	bool building;
	int build_pat;           /* pattern index */
	int build_root;          /* reader depth of its root */
	unsigned build_line;
	struct arena *build_arena;
	size_t tree_bytes;
	struct xnode **bstack;   /* open elements, by level below the root */
	struct pbuf *btext;      /* their text so far */
	size_t bcap;

	struct arena record_arena;
	long count;

	/* the first libxml2 error of each level */
	bool have_fatal, have_error;
	int fatal_line, fatal_col, error_line, error_col;
	char fatal_msg[256], error_msg[256];
};

/* --- input conversion --- */

/* Windows-1252's 0x80-0x9f (0 where the code page has a hole). */
static const uint16_t cp1252_high[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

static size_t put_cp(unsigned char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	o[0] = (unsigned char)(0xe0 | (cp >> 12));
	o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp & 0x3f));
	return 3;
}

static bool xml_char_ok(unsigned char c)
{
	return c >= 0x20 || c == '\t' || c == '\n' || c == '\r';
}

/* The length a UTF-8 lead byte announces, 0 for a byte that cannot lead. */
static size_t lead_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/* Convert the next slice of input into out[]; false at the end. */
static bool refill(struct xrec_state *st)
{
	size_t end, i, o = 0;

	if (st->pos >= st->len)
		return false;
	if (st->pos == 0 && st->enc == ENC_UTF8 && st->len >= 3 &&
	    !memcmp(st->src, "\xef\xbb\xbf", 3))
		st->pos = 3;
	end = st->len - st->pos > CHUNK ? st->pos + CHUNK : st->len;
	if (st->enc == ENC_UTF8 && end < st->len) {
		/* do not cut a sequence in two: leave its start for the next slice */
		size_t k = end - 1, steps = 0;

		while (k > st->pos && steps < 3 && (st->src[k] & 0xc0) == 0x80) {
			k--;
			steps++;
		}
		if (lead_len(st->src[k]) > 1 && k + lead_len(st->src[k]) > end && k > st->pos)
			end = k;
	}
	for (i = st->pos; i < end;) {
		unsigned char c = st->src[i];
		size_t n;

		if (c < 0x80) {
			if (xml_char_ok(c))
				st->out[o++] = c;
			else
				o += put_cp(st->out + o, 0xfffd);
			i++;
			continue;
		}
		if (st->enc == ENC_LATIN1) {
			o += put_cp(st->out + o, c);
			i++;
			continue;
		}
		if (st->enc == ENC_CP1252) {
			unsigned cp = c < 0xa0 ? cp1252_high[c - 0x80] : c;

			o += put_cp(st->out + o, cp ? cp : 0xfffd);
			i++;
			continue;
		}
		n = lead_len(c);
		if (n > 1 && i + n <= end && utf8_is_clean((const char *)st->src + i, n)) {
			memcpy(st->out + o, st->src + i, n);
			o += n;
			i += n;
		} else {
			o += put_cp(st->out + o, 0xfffd);
			i++;
		}
	}
	st->pos = end;
	st->out_len = o;
	st->out_pos = 0;
	if (st->opts->progress && st->pos - st->last_progress >= PROGRESS_STEP) {
		st->opts->progress(st->opts->hook_payload, st->pos, st->len);
		st->last_progress = st->pos;
	}
	if (st->opts->release && st->pos - st->last_release >= PROGRESS_STEP) {
		st->opts->release(st->opts->hook_payload, st->last_release, st->pos);
		st->last_release = st->pos;
	}
	return true;
}

static int input_read(void *ctx, char *buf, int len)
{
	struct xrec_state *st = ctx;
	size_t n = 0, k;

	while (n < (size_t)len) {
		if (st->out_pos == st->out_len && !refill(st))
			break;
		k = st->out_len - st->out_pos;
		if (k > (size_t)len - n)
			k = (size_t)len - n;
		memcpy(buf + n, st->out + st->out_pos, k);
		st->out_pos += k;
		n += k;
	}
	return (int)n;
}

static int input_close(void *ctx)
{
	return 0;
}

/* The encoding the XML declaration names, from the first bytes. */
static int detect_encoding(struct xrec_state *st, struct perr *err)
{
	const char *p = (const char *)st->src, *end, *q;
	size_t n = st->len < 1024 ? st->len : 1024;
	char name[32];
	size_t i;

	st->enc = ENC_UTF8;
	if ((n >= 2 && ((p[0] == '\xfe' && p[1] == '\xff') || (p[0] == '\xff' && p[1] == '\xfe'))) ||
	    (n >= 4 && (!memcmp(p, "\0<\0?", 4) || !memcmp(p, "<\0?\0", 4))))
		return perr_set(err, P_EINVALID,
				"line 1, column 1: unsupported encoding 'UTF-16' "
				"(XML is read as UTF-8, US-ASCII, ISO-8859-1 or windows-1252)");
	if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
		p += 3;
		n -= 3;
	}
	if (n < 5 || memcmp(p, "<?xml", 5))
		return 0;
	if (!(end = memmem(p, n, "?>", 2)))
		return 0;
	if (!(q = memmem(p, (size_t)(end - p), "encoding", 8)))
		return 0;
	q += 8;
	while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n' || *q == '='))
		q++;
	if (q >= end || (*q != '"' && *q != '\''))
		return 0;
	for (i = 0, q++; q < end && *q != '"' && *q != '\'' && i + 1 < sizeof(name); q++)
		name[i++] = *q;
	name[i] = '\0';
	if (!strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8") ||
	    !strcasecmp(name, "us-ascii") || !strcasecmp(name, "ascii"))
		return 0;
	if (!strcasecmp(name, "iso-8859-1") || !strcasecmp(name, "latin1") ||
	    !strcasecmp(name, "iso_8859-1") || !strcasecmp(name, "iso-latin-1")) {
		st->enc = ENC_LATIN1;
		return 0;
	}
	if (!strcasecmp(name, "windows-1252") || !strcasecmp(name, "cp1252")) {
		st->enc = ENC_CP1252;
		return 0;
	}
	for (i = 0; name[i]; i++)
		if (!isprint((unsigned char)name[i]) || name[i] == '\'')
			name[i] = '?';
	return perr_set(err, P_EINVALID,
			"line 1: unsupported encoding '%s' "
			"(XML is read as UTF-8, US-ASCII, ISO-8859-1 or windows-1252)", name);
}

/* --- libxml2 errors: kept, never printed --- */

static void on_xml_error(void *arg, xmlErrorPtr e)
{
	struct xrec_state *st = arg;
	char *msg;
	int *line, *col;
	size_t n;

	if (!e || e->level < XML_ERR_ERROR)
		return;
	if (e->level == XML_ERR_FATAL) {
		if (st->have_fatal)
			return;
		st->have_fatal = true;
		msg = st->fatal_msg;
		line = &st->fatal_line;
		col = &st->fatal_col;
	} else {
		if (st->have_error)
			return;
		st->have_error = true;
		msg = st->error_msg;
		line = &st->error_line;
		col = &st->error_col;
	}
	snprintf(msg, sizeof(st->fatal_msg), "%s", e->message ? e->message : "malformed document");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	*line = e->line;
	*col = e->int2;
}

static int xml_error(struct xrec_state *st)
{
	const char *msg = st->have_fatal ? st->fatal_msg : st->have_error ? st->error_msg : NULL;
	int line = st->have_fatal ? st->fatal_line : st->error_line;
	int col = st->have_fatal ? st->fatal_col : st->error_col;

	if (!msg)
		return perr_set(st->err, P_EINVALID, "invalid XML");
	if (line > 0 && col > 0)
		return perr_set(st->err, P_EINVALID, "line %d, column %d: invalid XML: %s", line,
				col, msg);
	if (line > 0)
		return perr_set(st->err, P_EINVALID, "line %d: invalid XML: %s", line, msg);
	return perr_set(st->err, P_EINVALID, "invalid XML: %s", msg);
}

/* --- paths --- */

static int compile_one(struct pattern *p, const char *path, bool context, struct perr *err)
{
	const char *s = path;

	p->nseg = 0;
	while (*s) {
		size_t n = strcspn(s, "/");

		if (!n || n >= MAX_NAME || p->nseg >= XREC_MAX_LEVELS)
			return perr_set(err, P_ERROR, "bad record path '%s'", path);
		memcpy(p->seg[p->nseg], s, n);
		p->seg[p->nseg++][n] = '\0';
		s += n;
		if (*s == '/' && !*++s)
			return perr_set(err, P_ERROR, "bad record path '%s'", path);
	}
	if (!p->nseg || (context && p->nseg < 2))
		return perr_set(err, P_ERROR, "bad %s path '%s'", context ? "context" : "record",
				path);
	return 0;
}

static int compile(struct xrec_state *st, struct perr *err)
{
	int i, ret;

	for (i = 0; i < XREC_MAX_PATHS && st->fmt->records[i]; i++) {
		if ((ret = compile_one(&st->pat[i], st->fmt->records[i], false, err)) < 0)
			return ret;
		st->recbits |= 1u << i;
	}
	for (i = 0; i < XREC_MAX_PATHS && st->fmt->context[i]; i++) {
		if ((ret = compile_one(&st->pat[XREC_MAX_PATHS + i], st->fmt->context[i], true,
				       err)) < 0)
			return ret;
		st->ctxbits |= 1u << (XREC_MAX_PATHS + i);
	}
	st->all = st->recbits | st->ctxbits;
	return 0;
}

static int lowest_bit(uint32_t m)
{
	int i;

	for (i = 0; i < 32; i++)
		if (m & (1u << i))
			return i;
	return -1;
}

/* --- building nodes --- */

static unsigned current_line(struct xrec_state *st)
{
	xmlNodePtr n = xmlTextReaderCurrentNode(st->reader);
	long line = n ? xmlGetLineNo(n) : -1;

	if (line <= 0)
		line = xmlTextReaderGetParserLineNumber(st->reader);
	return line > 0 && line < UINT_MAX ? (unsigned)line : 0;
}

static void *tree_alloc(struct xrec_state *st, struct arena *a, size_t size)
{
	void *p;

	if (st->building) {
		st->tree_bytes += size;
		if (st->tree_bytes > st->lim.max_tree) {
			perr_set(st->err, P_ELIMIT, "line %u: element larger than %zu bytes",
				 st->build_line, st->lim.max_tree);
			return NULL;
		}
	}
	if (!(p = arena_alloc(a, size)))
		perr_set(st->err, P_ELIMIT, "line %u: element too large", st->build_line);
	return p;
}

/* A NUL-terminated, valid UTF-8 copy of s[0..n) in a. */
static char *tree_str(struct xrec_state *st, struct arena *a, const char *s, size_t n)
{
	char *p;

	if (utf8_is_clean(s, n)) {
		if ((p = tree_alloc(st, a, n + 1))) {
			memcpy(p, s, n);
			p[n] = '\0';
		}
		return p;
	}
	if ((p = tree_alloc(st, a, utf8_sanitized_max(n))))
		utf8_sanitize(p, s, n);
	return p;
}

/* A node for the element under the reader: name, namespace, attributes. */
static struct xnode *new_node(struct xrec_state *st, struct arena *a, unsigned line)
{
	xmlTextReaderPtr r = st->reader;
	const char *name = (const char *)xmlTextReaderConstLocalName(r);
	const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
	struct xnode *n = tree_alloc(st, a, sizeof(*n));
	int nattr = xmlTextReaderAttributeCount(r), i;
	struct xattr *attrs;

	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->line = line;
	if (!(n->name = tree_str(st, a, name ? name : "", name ? strlen(name) : 0)))
		return NULL;
	if (ns && !(n->ns = tree_str(st, a, ns, strlen(ns))))
		return NULL;
	if (nattr <= 0)
		return n;
	if ((size_t)nattr > st->lim.max_attrs) {
		perr_set(st->err, P_ELIMIT, "line %u: <%s> has more than %zu attributes", line,
			 n->name, st->lim.max_attrs);
		return NULL;
	}
	if (!(attrs = tree_alloc(st, a, sizeof(*attrs) * (size_t)nattr)))
		return NULL;
	n->attrs = attrs;
	for (i = xmlTextReaderMoveToFirstAttribute(r); i == 1;
	     i = xmlTextReaderMoveToNextAttribute(r)) {
		const char *an = (const char *)xmlTextReaderConstLocalName(r);
		const char *av = (const char *)xmlTextReaderConstValue(r);
		size_t vlen;

		if (xmlTextReaderIsNamespaceDecl(r) == 1 || !an || n->nattrs >= (size_t)nattr)
			continue;
		if (!av)
			av = "";
		if ((vlen = strlen(av)) > st->lim.max_text) {
			perr_set(st->err, P_ELIMIT, "line %u: attribute '%s' longer than %zu bytes",
				 line, an, st->lim.max_text);
			xmlTextReaderMoveToElement(r);
			return NULL;
		}
		attrs[n->nattrs].name = tree_str(st, a, an, strlen(an));
		attrs[n->nattrs].value = tree_str(st, a, av, vlen);
		if (!attrs[n->nattrs].name || !attrs[n->nattrs].value) {
			xmlTextReaderMoveToElement(r);
			return NULL;
		}
		n->nattrs++;
	}
	xmlTextReaderMoveToElement(r);
	return n;
}

/* Trim the collected text and store it on the node. */
static int finish_text(struct xrec_state *st, struct xnode *n, struct pbuf *b)
{
	const char *s = b->buf, *e = b->buf + b->len;

	while (s < e && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	if (s == e)
		return 0;
	if (!(n->text = tree_str(st, st->build_arena, s, (size_t)(e - s))))
		return st->err->code;
	n->text_len = strlen(n->text);
	return 0;
}

static void grow_build_stack(struct xrec_state *st, size_t level)
{
	size_t old = st->bcap, i;

	if (level < st->bcap)
		return;
	st->bcap = level + 16;
	st->bstack = xrealloc(st->bstack, st_mult(st->bcap, sizeof(*st->bstack)));
	st->btext = xrealloc(st->btext, st_mult(st->bcap, sizeof(*st->btext)));
	for (i = old; i < st->bcap; i++)
		pbuf_init(&st->btext[i], st->lim.max_text);
}

static int start_build(struct xrec_state *st, int pat, int depth, bool empty)
{
	struct xnode *root;

	st->building = true;
	st->build_pat = pat;
	st->build_root = depth;
	st->build_line = current_line(st);
	st->build_arena = pat < XREC_MAX_PATHS ? &st->record_arena
					       : &st->frames[depth - 1].arena;
	st->tree_bytes = 0;
	if (!(root = new_node(st, st->build_arena, st->build_line)))
		return st->err->code;
	root->parent = depth ? st->frames[depth - 1].node : NULL;
	grow_build_stack(st, 0);
	st->bstack[0] = root;
	pbuf_reset(&st->btext[0]);
	return 0;
}

static int finish_build(struct xrec_state *st)
{
	struct xnode *root = st->bstack[0];
	struct xrec rec;
	int ret;

	st->building = false;
	if (st->build_pat >= XREC_MAX_PATHS) {
		st->ctx[st->build_pat - XREC_MAX_PATHS] = root;
		return 0;
	}
	memset(&rec, 0, sizeof(rec));
	rec.node = root;
	rec.which = st->build_pat;
	memcpy(rec.ctx, st->ctx, sizeof(rec.ctx));
	rec.seq = (size_t)st->count;
	rec.line = root->line;
	rec.arena = &st->record_arena;
	ret = st->cb(&rec, st->payload, st->err);
	arena_reset(&st->record_arena);
	if (ret < 0) {
		if (!st->err->code)
			perr_set(st->err, ret, "record rejected");
		perr_prefix(st->err, "line %u", root->line);
		return st->err->code;
	}
	st->count++;
	return 0;
}

/* --- tracking the path to records --- */

static void clear_context(struct xrec_state *st, int depth)
{
	int j;

	for (j = 0; j < XREC_MAX_PATHS; j++)
		if ((st->ctxbits & (1u << (XREC_MAX_PATHS + j))) &&
		    (int)st->pat[XREC_MAX_PATHS + j].nseg - 2 == depth)
			st->ctx[j] = NULL;
}

static int end_frame(struct xrec_state *st)
{
	int d = st->nframes - 1;
	struct frame *f = &st->frames[d];
	int ret = 0;

	if (f->scope && st->fmt->scope_end) {
		struct xrec rec;

		memset(&rec, 0, sizeof(rec));
		rec.which = XREC_SCOPE_END;
		memcpy(rec.ctx, st->ctx, sizeof(rec.ctx));
		rec.scope = f->node;
		rec.seq = (size_t)st->count;
		rec.line = f->node->line;
		rec.arena = &st->record_arena;
		ret = st->cb(&rec, st->payload, st->err);
		arena_reset(&st->record_arena);
		if (ret < 0 && !st->err->code)
			perr_set(st->err, ret, "rejected");
	}
	clear_context(st, d);
	arena_reset(&f->arena);
	f->node = NULL;
	st->nframes--;
	return ret < 0 ? st->err->code : 0;
}

enum { NEXT_READ, NEXT_SKIP };

static int on_element(struct xrec_state *st, int depth, bool empty)
{
	const char *name = (const char *)xmlTextReaderConstLocalName(st->reader);
	uint32_t parent_alive, alive = 0, complete = 0;
	unsigned line;
	int i, ret;

	if (!name)
		name = "";
	if ((size_t)depth >= st->lim.max_depth)
		return perr_set(st->err, P_ELIMIT, "line %u: elements nested deeper than %zu levels",
				current_line(st), st->lim.max_depth);
	if (st->building) {
		size_t level = (size_t)(depth - st->build_root);
		struct xnode *n, *parent;

		for (i = 0; i < XREC_MAX_PATHS && st->fmt->skip[i]; i++)
			if (!strcmp(name, st->fmt->skip[i]))
				return NEXT_SKIP;
		grow_build_stack(st, level);
		parent = st->bstack[level - 1];
		if (!(n = new_node(st, st->build_arena, current_line(st))))
			return st->err->code;
		n->parent = parent;
		if (parent->last)
			parent->last->next = n;
		else
			parent->first = n;
		parent->last = n;
		parent->nchildren++;
		if (!empty) {
			st->bstack[level] = n;
			pbuf_reset(&st->btext[level]);
		}
		return NEXT_READ;
	}
	if (depth != st->nframes)
		return NEXT_SKIP; /* cannot happen: untracked subtrees are skipped */
	if (depth == 0 && st->fmt->root && strcmp(name, st->fmt->root))
		return perr_set(st->err, P_EINVALID, "line %u: the root element is <%.64s>, not <%s>",
				current_line(st), name, st->fmt->root);
	parent_alive = depth ? st->frames[depth - 1].alive : st->all;
	for (i = 0; i < 32; i++) {
		const struct pattern *p = &st->pat[i];

		if (!(parent_alive & (1u << i)) || p->nseg <= (size_t)depth ||
		    !name_matches(p->seg[depth], name))
			continue;
		alive |= 1u << i;
		if (p->nseg == (size_t)depth + 1)
			complete |= 1u << i;
	}
	if (complete & st->recbits) {
		if ((ret = start_build(st, lowest_bit(complete & st->recbits), depth, empty)) < 0)
			return ret;
		return empty ? finish_build(st) : NEXT_READ;
	}
	if (complete & st->ctxbits) {
		uint32_t free_ctx = 0;

		for (i = XREC_MAX_PATHS; i < 32; i++)
			if ((complete & (1u << i)) && !st->ctx[i - XREC_MAX_PATHS])
				free_ctx |= 1u << i;
		if (!free_ctx)
			return NEXT_SKIP; /* the first one of a scope wins */
		if ((ret = start_build(st, lowest_bit(free_ctx), depth, empty)) < 0)
			return ret;
		return empty ? finish_build(st) : NEXT_READ;
	}
	alive &= ~complete;
	if (!alive || depth >= XREC_MAX_LEVELS)
		return NEXT_SKIP;
	{
		struct frame *f = &st->frames[depth];

		arena_reset(&f->arena);
		clear_context(st, depth);
		line = current_line(st);
		if (!(f->node = new_node(st, &f->arena, line)))
			return st->err->code;
		f->node->parent = depth ? st->frames[depth - 1].node : NULL;
		f->alive = alive;
		f->scope = depth == 0;
		for (i = XREC_MAX_PATHS; i < 32; i++)
			if ((alive & (1u << i)) && st->pat[i].nseg == (size_t)depth + 2)
				f->scope = true;
		st->nframes++;
	}
	if (empty)
		return end_frame(st);
	return NEXT_READ;
}

static int on_text(struct xrec_state *st, int depth)
{
	const char *v;
	int level;

	if (!st->building)
		return NEXT_READ;
	level = depth - st->build_root - 1;
	if (level < 0)
		return NEXT_READ;
	v = (const char *)xmlTextReaderConstValue(st->reader);
	if (v && pbuf_adds(&st->btext[level], v) < 0)
		return perr_set(st->err, P_ELIMIT, "line %u: text of <%s> longer than %zu bytes",
				current_line(st), st->bstack[level]->name, st->lim.max_text);
	return NEXT_READ;
}

static int on_end(struct xrec_state *st, int depth)
{
	int ret;

	if (st->building) {
		int level = depth - st->build_root;

		if (level < 0)
			return NEXT_READ;
		if ((ret = finish_text(st, st->bstack[level], &st->btext[level])) < 0)
			return ret;
		if (level == 0)
			return finish_build(st) < 0 ? st->err->code : NEXT_READ;
		return NEXT_READ;
	}
	if (st->nframes && depth == st->nframes - 1)
		return end_frame(st);
	return NEXT_READ;
}

static int on_node(struct xrec_state *st)
{
	xmlTextReaderPtr r = st->reader;
	int depth = xmlTextReaderDepth(r);

	if (depth < 0)
		return NEXT_READ;
	switch (xmlTextReaderNodeType(r)) {
	case XML_READER_TYPE_ELEMENT:
		return on_element(st, depth, xmlTextReaderIsEmptyElement(r) == 1);
	case XML_READER_TYPE_TEXT:
	case XML_READER_TYPE_CDATA:
	case XML_READER_TYPE_WHITESPACE:
	case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
		return on_text(st, depth);
	case XML_READER_TYPE_END_ELEMENT:
		return on_end(st, depth);
	default:
		return NEXT_READ;
	}
}

void xrec_opts_from_stream(struct xrec_opts *out, const struct jrec_opts *stream)
{
	memset(out, 0, sizeof(*out));
	if (!stream)
		return;
	out->progress = stream->progress;
	out->release = stream->release;
	out->hook_payload = stream->hook_payload;
	if (stream->limits.max_depth || stream->limits.max_string || stream->limits.max_tree) {
		out->limits = xml_default_limits;
		if (stream->limits.max_depth)
			out->limits.max_depth = stream->limits.max_depth;
		if (stream->limits.max_string)
			out->limits.max_text = stream->limits.max_string;
		if (stream->limits.max_tree)
			out->limits.max_tree = stream->limits.max_tree;
	}
}

long xrec_parse(const char *buf, size_t len, const struct xrec_format *fmt,
		const struct xrec_opts *opts, xrec_cb cb, void *payload,
		struct perr *err)
{
	static const struct xrec_opts no_opts;
	struct xrec_state *st = xcalloc(1, sizeof(*st));
	long ret;
	int r, i;
	size_t k;

	perr_clear(err);
	st->src = (const unsigned char *)buf;
	st->len = len;
	st->fmt = fmt;
	st->opts = opts ? opts : &no_opts;
	st->lim = st->opts->limits;
	if (!st->lim.max_depth)
		st->lim.max_depth = xml_default_limits.max_depth;
	if (st->lim.max_depth > HARD_MAX_DEPTH)
		st->lim.max_depth = HARD_MAX_DEPTH;
	if (!st->lim.max_text)
		st->lim.max_text = xml_default_limits.max_text;
	if (!st->lim.max_tree)
		st->lim.max_tree = xml_default_limits.max_tree;
	if (!st->lim.max_attrs)
		st->lim.max_attrs = xml_default_limits.max_attrs;
	st->cb = cb;
	st->payload = payload;
	st->err = err;
	arena_init(&st->record_arena, 0);
	for (i = 0; i < XREC_MAX_LEVELS; i++)
		arena_init(&st->frames[i].arena, 0);

	if ((ret = compile(st, err)) < 0 || (ret = detect_encoding(st, err)) < 0)
		goto done;
	/*
	 * No XML_PARSE_NOENT (entities are not substituted, external ones
	 * never loaded), no DTDLOAD/DTDVALID, no HUGE (libxml2's own size
	 * caps stay on). The input is UTF-8 by now, whatever it declares.
	 */
	st->reader = xmlReaderForIO(input_read, input_close, st, NULL, NULL,
				    XML_PARSE_NONET | XML_PARSE_IGNORE_ENC | XML_PARSE_BIG_LINES);
	if (!st->reader) {
		ret = perr_set(err, P_ERROR, "cannot create an XML reader");
		goto done;
	}
	xmlTextReaderSetStructuredErrorHandler(st->reader, on_xml_error, st);
	r = xmlTextReaderRead(st->reader);
	while (r == 1) {
		int next = on_node(st);

		if (next < 0) {
			ret = next;
			goto done;
		}
		r = next == NEXT_SKIP ? xmlTextReaderNext(st->reader) : xmlTextReaderRead(st->reader);
	}
	if (r < 0 || st->have_fatal) {
		ret = xml_error(st);
		goto done;
	}
	if (st->building || st->nframes) {
		ret = perr_set(err, P_EINVALID, "invalid XML: the document ends early");
		goto done;
	}
	if (st->opts->progress)
		st->opts->progress(st->opts->hook_payload, len, len);
	ret = st->count;
done:
	if (st->reader)
		xmlFreeTextReader(st->reader);
	for (k = 0; k < st->bcap; k++)
		pbuf_release(&st->btext[k]);
	xfree(st->btext);
	xfree(st->bstack);
	arena_release(&st->record_arena);
	for (i = 0; i < XREC_MAX_LEVELS; i++)
		arena_release(&st->frames[i].arena);
	xfree(st);
	return ret;
}
